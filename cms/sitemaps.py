"""sitemap.xml with every language's pages (Wagtail's default lists only the site's root tree)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from cms.selectors import public


class AllLanguagesSitemap(Sitemap):
    def items(self) -> QuerySet:
        site = self.get_wagtail_site()
        in_site = Q()
        for root in site.root_page.get_translations(inclusive=True).only("path"):
            in_site |= Q(path__startswith=root.path)
        return public(Page.objects.filter(in_site)).order_by("path").defer_streamfields().specific()
