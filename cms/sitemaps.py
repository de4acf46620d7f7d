"""sitemap.xml with every language's pages and their hreflang alternates.

Wagtail's default sitemap lists only the default site's root tree (English here) and no
alternates. This one lists the live, public pages of every language, and each ``<url>`` carries an
``<xhtml:link rel="alternate" hreflang=...>`` per published translation (itself included, plus
``x-default`` pointing at the English page), as search engines ask.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Locale, Page

from cms.selectors import public


class AllLanguagesSitemap(Sitemap):
    def items(self) -> QuerySet:
        site = self.get_wagtail_site()
        in_site = Q()
        for root in site.root_page.get_translations(inclusive=True).only("path"):
            in_site |= Q(path__startswith=root.path)
        return public(Page.objects.filter(in_site)).order_by("path").defer_streamfields().specific()

    def _urls(self, page: int, protocol: str, domain: str) -> list[dict[str, Any]]:
        # Translations share a translation_key and are all in ``items()``, so alternates are
        # built from the same list (a sitemap page holds up to 50,000 URLs: every language of
        # a page lands on the same page unless the site grows past that).
        languages = dict(Locale.objects.values_list("pk", "language_code"))
        items = list(self.paginator.page(page).object_list)
        urls: list[dict[str, Any]] = []
        translations: dict[Any, list[dict[str, str]]] = defaultdict(list)
        for item in items:
            for info in item.get_sitemap_urls(self.request):
                urls.append(info)
                info["_key"] = item.translation_key
            translations[item.translation_key].append(
                {"lang_code": languages.get(item.locale_id, ""), "location": item.full_url}
            )
        for info in urls:
            group = sorted(translations[info.pop("_key")], key=lambda alt: alt["lang_code"])
            if len(group) > 1:
                default = next(
                    (alt for alt in group if alt["lang_code"] == settings.LANGUAGE_CODE), None
                )
                info["alternates"] = group + (
                    [{"lang_code": "x-default", "location": default["location"]}] if default else []
                )
        last_mods = {info.get("lastmod") for info in urls}
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls
