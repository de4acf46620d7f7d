"""What every public page type shares: SEO and social metadata, translations, caching."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from wagtail.models import Page

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
    def social_image(self) -> Any:
        return getattr(self, self.social_image_field, None) if self.social_image_field else None

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
