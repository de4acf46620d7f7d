"""Resolutions: first-class, trilingual texts with status, sponsors and amendment deadlines."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from cms.blocks import ArticleBlock
from cms.models.base import SitePage


class ResolutionIndexPage(SitePage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*SitePage.content_panels, FieldPanel("intro")]
    search_fields = [*SitePage.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.ResolutionPage"]
    max_count_per_parent = 1
    template = "pages/resolution_index_page.html"

    class Meta:
        verbose_name = _("resolution index")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context["resolutions"] = selectors.resolution_listing(index=self)
        return context


class ResolutionPage(SitePage):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for amendments")
        ADOPTED = "adopted", _("Adopted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    amendment_deadline = models.DateTimeField(_("amendment deadline"), null=True, blank=True)
    adopted_at = models.ForeignKey(
        "cms.EventPage",
        verbose_name=_("adopted at"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resolutions",
    )
    sponsoring_parties = ParentalManyToManyField(
        "network.Party", verbose_name=_("sponsoring parties"), blank=True
    )
    summary = models.TextField(_("summary"), max_length=600)
    text = StreamField(ArticleBlock(), verbose_name=_("full text"), blank=True)
    pdf = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("PDF version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Hook for the forums: the discussion thread's address, set when one is opened.
    discussion_url = models.URLField(_("forum discussion"), blank=True)

    content_panels = [
        *SitePage.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("status"),
                FieldPanel("date"),
                FieldPanel("amendment_deadline"),
                FieldPanel("adopted_at"),
            ],
            heading=_("Status"),
        ),
        FieldPanel("sponsoring_parties"),
        FieldPanel("summary"),
        FieldPanel("text"),
        FieldPanel("pdf"),
        FieldPanel("discussion_url"),
    ]
    search_fields = [
        *SitePage.search_fields,
        index.SearchField("summary"),
        index.SearchField("text"),
        index.FilterField("status"),
    ]
    parent_page_types = ["cms.ResolutionIndexPage"]
    subpage_types: list[str] = []
    template = "pages/resolution_page.html"

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")

    @classmethod
    def route_queryset(cls) -> models.QuerySet:
        return cls.objects.select_related("adopted_at", "pdf", "locale")

    def clean(self) -> None:
        super().clean()
        if self.status == self.Status.OPEN and not self.amendment_deadline:
            raise ValidationError(
                {"amendment_deadline": _("Resolutions open for amendments need a deadline.")}
            )

    @property
    def amendments_open(self) -> bool:
        return (
            self.status == self.Status.OPEN
            and self.amendment_deadline is not None
            and self.amendment_deadline > timezone.now()
        )

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        from cms import selectors

        context["sponsors"] = list(self.sponsoring_parties.select_related("country"))
        context["adopted_event"] = selectors.in_locale(self.adopted_at, locale_id=self.locale_id)
        context["discussion_url"] = self.discussion_url or selectors.resolution_discussion_url(
            page=self
        )
        return context
