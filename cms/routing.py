"""Page routing in one cached lookup instead of one query per URL segment.

Wagtail routes ``/en/news/some-article/`` by walking the tree: the site, its localized root,
then each child by slug, each with a query for the base row and another for the specific row.
Here the request's host, port, language and path map to one cache entry (against the content
version) holding the site, the site root paths, the specific page (fetched with the
select_related its template needs) and its translation links: everything Wagtail and the page
would otherwise look up one by one. Anything this fast path does not recognise (unpublished
pages, pages with custom routes, other sites) goes to Wagtail's own router unchanged, and
Wagtail's serve view still runs every serve hook, including the view-restriction checks.

Cached pages are the live rows as of the last publication: whatever changes what visitors see
bumps the content version. ``route_queryset`` must not select rows that hold secrets (users).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from django.utils.translation import get_language
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from cms import selectors
from cms.cache import prefetch, remember, remember_for_request, versioned_key


class Route(NamedTuple):
    site: Site | None  # None when no site answers the host
    root_paths: list[Any]  # Site.get_site_root_paths()
    page: Page | None  # the live specific page, or None: Wagtail's router decides
    translations: selectors.TranslationLinks | None


def site_root_paths(request: HttpRequest) -> list[Any]:
    """``Site.get_site_root_paths()``, read once per request.

    Stored where Wagtail's ``Page.get_url(request)`` looks for it, so the page's own links and
    the language switcher reuse it instead of reading the cache again.
    """
    paths = getattr(request, "_wagtail_cached_site_root_paths", None)
    if paths is None:
        paths = Site.get_site_root_paths()
        request._wagtail_cached_site_root_paths = paths
    return paths


def _resolve(request: HttpRequest, path: str, language: str) -> Route:
    site = Site._find_for_request(request)
    if site is None:
        return Route(None, [], None, None)
    request._wagtail_site = site
    root_paths = site_root_paths(request)
    roots = [
        srp.root_path
        for srp in root_paths
        if srp.site_id == site.pk and srp.language_code == language
    ]
    if len(roots) != 1:
        return Route(site, root_paths, None, None)
    components = [part for part in path.split("/") if part]
    url_path = roots[0] + "".join(f"{part}/" for part in components)
    row = Page.objects.filter(url_path=url_path).values_list("pk", "content_type_id", "live")
    pk, content_type_id, live = row.first() or (0, 0, False)
    model = ContentType.objects.get_for_id(content_type_id).model_class() if live else None
    if model is None or not hasattr(model, "route_queryset"):
        return Route(site, root_paths, None, None)
    page = model.route_queryset().filter(pk=pk).first()
    links = selectors.translation_links(page=page, request=request) if page else None
    return Route(site, root_paths, page, links)


def find_page(request: HttpRequest, path: str) -> Page | None:
    language = get_language()
    key = versioned_key("page-route", request._get_raw_host(), request.get_port(), language, path)
    # Serving the page will also ask whether view restrictions may apply: one round trip.
    prefetch(key, selectors.access_paths_key())
    route = remember(key, lambda: _resolve(request, path, language))
    if route.site is None:
        return None
    request._wagtail_site = route.site
    request._wagtail_cached_site_root_paths = route.root_paths
    if route.page is not None and route.translations is not None:
        remember_for_request(
            selectors.translation_links_key(page=route.page, request=request), route.translations
        )
    return route.page


def route(request: HttpRequest, path: str) -> None:
    """Pre-fill Wagtail's per-request route cache when the fast path finds the page."""
    page = find_page(request, path)
    if page is not None:
        request._wagtail_route_for_request = RouteResult(page)
