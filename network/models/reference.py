"""Reference data every app hangs on: regions, countries, parties, topics, languages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """One of the network's seven regions."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Country(models.Model):
    iso2 = models.CharField(_("ISO code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="countries")
    # Staff switch this on when members in a country are at risk: it hides their presence,
    # location and directory listing from everyone but staff (see network.privacy).
    safety_mode = models.BooleanField(
        _("safety mode"),
        default=False,
        help_text=_("Hide members in this country from everyone but alliance staff."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name


class Party(models.Model):
    """A member party or partner organisation."""

    class Kind(models.TextChoices):
        PARTY = "party", _("Party")
        ORGANISATION = "organisation", _("Partner organisation")

    class Status(models.TextChoices):
        FULL = "full", _("Full member")
        OBSERVER = "observer", _("Observer")
        PARTNER = "partner", _("Partner")
        SUSPENDED = "suspended", _("Suspended")

    # ``name`` is the party's name in its own language; the translations are optional.
    name = models.CharField(_("name (own language)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    name_fr = models.CharField(_("name (French)"), max_length=200, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="parties")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PARTY)
    membership_status = models.CharField(
        _("membership status"), max_length=16, choices=Status.choices, default=Status.FULL
    )
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="parties/", blank=True)
    youth_wing = models.CharField(_("youth wing"), max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def label(self) -> str:
        """The name in the active language when staff entered one, else its own name."""
        from django.utils.translation import get_language

        language = (get_language() or "en")[:2]
        return getattr(self, f"name_{language}", "") or self.name


class Topic(models.Model):
    """The shared topic taxonomy used by the directory, mentoring, forums and news."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name (English)"), max_length=100)
    name_fr = models.CharField(_("name (French)"), max_length=100, blank=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language, falling back to English."""
        return getattr(self, self.name_field()) or self.name

    @staticmethod
    def name_field() -> str:
        """The column holding the name in the active language (``name`` for English)."""
        from django.utils.translation import get_language

        language = (get_language() or "en")[:2]
        return f"name_{language}" if language in ("fr", "es") else "name"


class Language(models.Model):
    """A language members speak (ISO 639-1)."""

    code = models.CharField(_("ISO 639-1 code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=60)
    native_name = models.CharField(_("native name"), max_length=60, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return self.name
