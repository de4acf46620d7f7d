"""The home page: hero, featured news, upcoming events, calls to action, live figures."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from cms.models.base import SitePage


class HomePage(SitePage):
    """The network's front door, one per language (translations of the same page)."""

    hero_heading = models.CharField(_("hero heading"), max_length=200, blank=True)
    hero_text = models.TextField(_("hero text"), blank=True)
    body = RichTextField(_("body"), blank=True)

    content_panels = [
        *SitePage.content_panels,
        FieldPanel("hero_heading"),
        FieldPanel("hero_text"),
        FieldPanel("body"),
    ]
    search_fields = [
        *SitePage.search_fields,
        index.SearchField("hero_heading"),
        index.SearchField("hero_text"),
        index.SearchField("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.NewsIndexPage",
        "cms.EventIndexPage",
        "cms.ResolutionIndexPage",
        "cms.StandardPage",
        "cms.FormPage",
    ]
    max_count_per_parent = 1
    template = "pages/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        # Read only when the template's cached fragment misses.
        context["featured_news"] = selectors.lazy_list(
            lambda: selectors.latest_news(locale_id=self.locale_id, limit=3)
        )
        context["upcoming_events"] = selectors.lazy_list(
            lambda: selectors.upcoming_events(locale_id=self.locale_id, limit=3)
        )
        context["figures"] = selectors.network_figures()
        return context
