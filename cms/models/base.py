"""What every public page type shares: SEO and social metadata, translations, caching."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.models import Page, PageViewRestriction

from cms.cache import PAGE_TTL


class SitePage(Page):
    """Abstract base of the site's page types.

    Subclasses set ``cache_ttl = 0`` when their HTML depends on the visitor (forms with a CSRF
    token, search results); everything else is cached whole for anonymous visitors by
    ``cms.middleware.AnonymousPageCacheMiddleware``.
    """

    cache_ttl: int = PAGE_TTL
    # Attribute holding the image used for Open Graph / Twitter cards, if any.
    social_image_field: str | None = None

    class Meta:
        abstract = True

    @classmethod
    def route_queryset(cls) -> models.QuerySet:
        """Queryset the fast router fetches the page from (add select_related here)."""
        return cls.objects.select_related("locale")

    @property
    def social_description(self) -> str:
        """For Open Graph and Twitter cards: the editor's search description, else the page's
        own summary or hero text. (Page types lack some of these fields: asking a template to
        look up a missing attribute costs a ``dir()`` of the whole page class each time.)"""
        return (
            self.search_description
            or getattr(self, "summary", "")
            or getattr(self, "hero_text", "")
        )

    @property
    def meta_description(self) -> str:
        """For the description meta tag: as ``social_description``, with the introduction of
        index pages (stripped of markup, 40 words at most) before the hero text."""
        if self.search_description or getattr(self, "summary", ""):
            return self.social_description
        intro = getattr(self, "intro", "")
        if intro:
            return Truncator(strip_tags(intro)).words(40, truncate=" …")
        return getattr(self, "hero_text", "")

    @property
    def social_image(self) -> Any:
        return getattr(self, self.social_image_field, None) if self.social_image_field else None

    def get_view_restrictions(self) -> models.QuerySet:
        """Wagtail's check (two queries on every page served), skipped when the cached list of
        restricted and alias paths shows that no restriction can apply."""
        from cms import selectors

        if not selectors.may_be_restricted(page=self):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        links = selectors.translation_links(page=self, request=request)
        context["translated_urls"] = links.switcher
        context["alternate_urls"] = links.alternates
        context["canonical_url"] = request.build_absolute_uri(self.get_url(request) or "/")
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().serve(request, *args, **kwargs)
        if self.cache_ttl and request.method in ("GET", "HEAD"):
            # Read by AnonymousPageCacheMiddleware, which makes the final decision.
            response.cms_cache_ttl = self.cache_ttl
        return response
