"""Events: conferences, webinars and meetings, with speakers and iCalendar files."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.models.base import SitePage

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class EventIndexPage(SitePage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*SitePage.content_panels, FieldPanel("intro")]
    search_fields = [*SitePage.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.EventPage"]
    max_count_per_parent = 1
    template = "pages/event_index_page.html"

    class Meta:
        verbose_name = _("event index")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        upcoming, past = selectors.event_listings(index=self)
        context["upcoming_events"] = upcoming
        context["past_events"] = past
        context["calendar_url"] = reverse("cms:event_calendar")
        return context


class EventPage(SitePage):
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=TIME_ZONE_CHOICES,
        default="UTC",
        help_text=_("Times are shown to visitors in the event's own time zone."),
    )
    summary = models.TextField(_("summary"), max_length=400)
    is_online = models.BooleanField(_("online event"), default=False)
    online_url = models.URLField(_("online meeting address"), blank=True)
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.ForeignKey(
        "network.Country",
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registration_url = models.URLField(_("registration link"), blank=True)
    featured_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("featured image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *SitePage.content_panels,
        MultiFieldPanel(
            [FieldPanel("start"), FieldPanel("end"), FieldPanel("time_zone")],
            heading=_("When"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("is_online"),
                FieldPanel("online_url"),
                FieldPanel("venue_name"),
                FieldPanel("address"),
                FieldPanel("city"),
                FieldPanel("country"),
            ],
            heading=_("Where"),
        ),
        FieldPanel("registration_url"),
        FieldPanel("summary"),
        FieldPanel("featured_image"),
        FieldPanel("body"),
        InlinePanel("speakers", label=_("Speakers")),
    ]
    search_fields = [
        *SitePage.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("city"),
        index.FilterField("start"),
    ]
    parent_page_types = ["cms.EventIndexPage"]
    subpage_types: list[str] = []
    template = "pages/event_page.html"
    social_image_field = "featured_image"

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    @classmethod
    def route_queryset(cls) -> models.QuerySet:
        return cls.objects.select_related("featured_image", "country", "locale")

    def clean(self) -> None:
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("An event cannot end before it starts.")})
        if self.is_online and not self.online_url and not self.registration_url:
            raise ValidationError(
                {"online_url": _("Give the meeting address or a registration link.")}
            )

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone or "UTC")

    @property
    def is_past(self) -> bool:
        return self.end < timezone.now()

    @property
    def location_label(self) -> str:
        if self.is_online:
            return str(_("Online"))
        return ", ".join(p for p in (self.venue_name, self.city, str(self.country or "")) if p)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context["speakers"] = list(self.speakers.select_related("member"))
        context["ical_url"] = reverse("cms:event_ical", args=[self.pk])
        context["resolutions"] = selectors.adopted_resolutions(event=self)
        return context


class EventSpeaker(Orderable):
    """A speaker: a member of the network (linked to their profile) or a guest by name."""

    page = ParentalKey(EventPage, related_name="speakers", on_delete=models.CASCADE)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(
        _("name"), max_length=120, blank=True, help_text=_("For guests who are not members.")
    )
    role = models.CharField(_("role"), max_length=160, blank=True)

    panels = [FieldPanel("member"), FieldPanel("name"), FieldPanel("role")]

    def clean(self) -> None:
        if not self.member_id and not self.name:
            raise ValidationError(_("Choose a member or give a name."))

    @property
    def display_name(self) -> str:
        if self.name:
            return self.name
        return self.member.get_full_name() if self.member else ""

    @property
    def profile_url(self) -> str:
        handle = getattr(self.member, "handle", None)
        if not handle:
            return ""
        try:
            return reverse("network:profile", args=[handle])
        except NoReverseMatch:
            # The member directory may not expose named profile URLs yet; its address is fixed.
            from django.utils.translation import get_language

            return f"/{get_language() or 'en'}/network/people/{handle}/"
