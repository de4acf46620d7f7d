"""News: an index per language and articles with topics, tags and related pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.models.base import SitePage

NEWS_PER_PAGE = 12


class NewsIndexPage(SitePage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*SitePage.content_panels, FieldPanel("intro")]
    search_fields = [*SitePage.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count_per_parent = 1
    template = "pages/news_index_page.html"

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        topics = selectors.news_topics()
        topic = next((t for t in topics if t.slug == request.GET.get("topic")), None)
        # The items are only fetched if the template's cached fragment misses.
        context["news_page"] = selectors.news_listing_page(
            index=self, topic=topic, number=request.GET.get("page"), per_page=NEWS_PER_PAGE
        )
        context["topics"] = topics
        context["active_topic"] = topic
        context["feed_urls"] = selectors.news_feed_urls(topic=topic)
        return context


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.NewsPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class NewsPage(SitePage):
    date = models.DateField(_("publication date"), default=timezone.localdate)
    summary = models.TextField(
        _("summary"), max_length=400, help_text=_("One or two sentences for lists and feeds.")
    )
    featured_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("featured image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    author_name = models.CharField(
        _("author name"),
        max_length=120,
        blank=True,
        help_text=_("Shown instead of the member's name, e.g. for guest authors."),
    )
    topics = ParentalManyToManyField("network.Topic", verbose_name=_("topics"), blank=True)
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *SitePage.content_panels,
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("author"), FieldPanel("author_name")],
            heading=_("Publication"),
        ),
        FieldPanel("summary"),
        FieldPanel("featured_image"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("topics", widget=forms.CheckboxSelectMultiple), FieldPanel("tags")],
            heading=_("Topics and tags"),
        ),
        InlinePanel("related_links", label=_("Related pages")),
    ]
    search_fields = [
        *SitePage.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []
    template = "pages/news_page.html"
    social_image_field = "featured_image"

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")

    @classmethod
    def route_queryset(cls) -> models.QuerySet:
        # Not the author: routes are cached, and a user row holds secrets. The byline reads it
        # when the article's cached fragment misses.
        return cls.objects.select_related("featured_image", "locale")

    @property
    def byline(self) -> str:
        if self.author_name:
            return self.author_name
        return self.author.get_full_name() if self.author else ""

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        # Read only when the template's cached fragments miss.
        context["page_topics"] = selectors.lazy_list(self.topics.all)
        context["page_tags"] = selectors.lazy_list(self.tags.all)
        context["related"] = selectors.lazy_list(lambda: selectors.related_pages(page=self))
        return context


class NewsRelatedLink(Orderable):
    page = ParentalKey(NewsPage, related_name="related_links", on_delete=models.CASCADE)
    related_page = models.ForeignKey(
        "wagtailcore.Page", verbose_name=_("page"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("related_page")]
