"""Page routing in one cached lookup instead of one query per URL segment.

Wagtail routes ``/en/news/some-article/`` by walking the tree: the site, its localized root,
then each child by slug, each with a query for the base row and another for the specific row.
Here the URL path maps straight to ``Page.url_path`` (cached against the content version), and
the specific page is fetched once, with the select_related its template needs. Anything this
fast path does not recognise (unpublished pages, pages with custom routes, other sites) goes to
Wagtail's own router unchanged, and Wagtail's serve view still runs every serve hook,
including the view-restriction checks.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import get_language
from wagtail.models import Page, Site
from wagtail.url_routing import RouteResult

from cms.cache import PAGE_TTL, versioned_key

_MISSING = (0, 0, False)


def _site_for_request(request: HttpRequest) -> Site | None:
    key = versioned_key("site", request._get_raw_host(), request.get_port())
    site = cache.get(key)
    if site is None:
        site = Site._find_for_request(request)
        if site is None:
            return None
        cache.set(key, site, PAGE_TTL)
    request._wagtail_site = site
    return site


def find_page(request: HttpRequest, path: str) -> Page | None:
    site = _site_for_request(request)
    if site is None:
        return None
    language = get_language()
    roots = [
        srp.root_path
        for srp in Site.get_site_root_paths()
        if srp.site_id == site.pk and srp.language_code == language
    ]
    if len(roots) != 1:
        return None
    components = [part for part in path.split("/") if part]
    url_path = roots[0] + "".join(f"{part}/" for part in components)
    key = versioned_key("route", url_path)
    found = cache.get(key)
    if found is None:
        row = Page.objects.filter(url_path=url_path).values_list("pk", "content_type_id", "live")
        found = row.first() or _MISSING
        cache.set(key, found, PAGE_TTL)
    pk, content_type_id, live = found
    if not live:
        return None
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None or not hasattr(model, "route_queryset"):
        return None
    return model.route_queryset().filter(pk=pk).first()


def route(request: HttpRequest, path: str) -> None:
    """Pre-fill Wagtail's per-request route cache when the fast path finds the page."""
    page = find_page(request, path)
    if page is not None:
        request._wagtail_route_for_request = RouteResult(page)
