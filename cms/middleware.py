"""Whole-page cache for anonymous visitors of published pages.

Only responses that a page explicitly marks (``response.cms_cache_ttl``, set by
``SitePage.serve``) are stored, and only when the request carried no session or messages cookie
and the response sets no cookie and used no CSRF token: a cached page can never hold one
visitor's data. Entries are keyed by the content version, so publishing anything retires them.

It also opens the request's ``cms.cache.request_scope`` (every request, cached or not), so the
content version and other cached lookups cost one Redis round trip per request, not one each.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from cms.cache import request_scope, versioned_key

# Query parameters that select what a listing shows; anything else bypasses the cache so
# random query strings cannot flood it.
CACHEABLE_PARAMS = {"page", "topic"}
SKIPPED_HEADERS = {"set-cookie", "content-length"}


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_scope():
            return self._serve(request)

    def _serve(self, request: HttpRequest) -> HttpResponse:
        if not self._eligible(request):
            return self.get_response(request)
        key = versioned_key("page", request.get_host(), request.get_full_path())
        cached = cache.get(key)
        if cached is not None:
            status, content, headers = cached
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response[name] = value
            response["X-Page-Cache"] = "hit"
            return response
        response = self.get_response(request)
        ttl = getattr(response, "cms_cache_ttl", 0)
        if (
            ttl
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not getattr(getattr(request, "user", None), "is_authenticated", True)
        ):
            headers = [(k, v) for k, v in response.items() if k.lower() not in SKIPPED_HEADERS]
            cache.set(key, (response.status_code, response.content, headers), ttl)
            response["X-Page-Cache"] = "miss"
        return response

    @staticmethod
    def _eligible(request: HttpRequest) -> bool:
        if not getattr(settings, "CMS_PAGE_CACHE", True) or request.method not in ("GET", "HEAD"):
            return False
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
            return False
        return set(request.GET).issubset(CACHEABLE_PARAMS)


# Admin areas that only holders of these permissions may open (any one of them suffices).
# Wagtail itself answers a forbidden area with a redirect to the dashboard; editors' tools and
# security scanners alike should see a plain 403 instead.
ADMIN_AREAS: dict[str, tuple[str, ...]] = {
    "/admin/users/": ("network.add_user", "network.change_user", "network.delete_user"),
    "/admin/groups/": ("auth.add_group", "auth.change_group", "auth.delete_group"),
    "/admin/sites/": ("wagtailcore.add_site", "wagtailcore.change_site"),
    "/admin/locales/": ("wagtailcore.add_locale", "wagtailcore.change_locale"),
    "/admin/workflows/": ("wagtailcore.add_workflow", "wagtailcore.change_workflow"),
    # Site settings: superusers only until a setting is registered (then add its change_ perm).
    "/admin/settings/": ("wagtailadmin.access_admin_settings",),
    "/admin/redirects/": ("wagtailredirects.add_redirect", "wagtailredirects.change_redirect"),
}


class AdminAreaGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if request.path.startswith("/admin/") and user is not None and user.is_authenticated:
            for prefix, permissions in ADMIN_AREAS.items():
                if request.path.startswith(prefix) and not any(
                    user.has_perm(p) for p in permissions
                ):
                    raise PermissionDenied
        return self.get_response(request)
