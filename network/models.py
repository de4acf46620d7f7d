"""Members and the reference data everything else hangs on: regions, countries, parties."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
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

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name


class Party(models.Model):
    """A member party or partner organisation."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="parties")

    class Meta:
        ordering = ["name"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return self.short_name or self.name


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
        from django.utils.translation import get_language

        language = (get_language() or "en")[:2]
        if language == "en":
            return self.name
        return getattr(self, f"name_{language}", "") or self.name


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


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", User.Role.ALLIANCE_STAFF)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A member of the network. Email is the login; there is no username."""

    class Role(models.TextChoices):
        YOUNG_LEADER = "young_leader", _("Young leader")
        PARLIAMENTARIAN = "parliamentarian", _("Parliamentarian")
        PARTY_STAFF = "party_staff", _("Party staff")
        ALLIANCE_STAFF = "alliance_staff", _("Alliance communications staff")
        MODERATOR = "moderator", _("Moderator")

    class ParliamentarianStatus(models.TextChoices):
        NONE = "none", _("Not claimed")
        CLAIMED = "claimed", _("Claimed, awaiting verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    handle = models.SlugField(
        _("handle"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        allow_unicode=True,
        help_text=_("Used to @mention you in the forums."),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=Role.choices, default=Role.YOUNG_LEADER, db_index=True
    )
    parliamentarian_status = models.CharField(
        _("parliamentarian status"),
        max_length=10,
        choices=ParliamentarianStatus.choices,
        default=ParliamentarianStatus.NONE,
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=5,
        default="en",
        choices=[("en", "English"), ("fr", "Français"), ("es", "Español")],
    )
    party = models.ForeignKey(
        Party, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    country = models.ForeignKey(
        Country, on_delete=models.SET_NULL, null=True, blank=True, related_name="members"
    )
    # Bumped whenever access must be re-evaluated (logout, password change, role loss):
    # open websockets compare it and close themselves.
    access_epoch = models.PositiveIntegerField(default=0)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    @property
    def is_verified_parliamentarian(self) -> bool:
        return (
            self.role == self.Role.PARLIAMENTARIAN
            and self.parliamentarian_status == self.ParliamentarianStatus.VERIFIED
        )


class MemberProfile(models.Model):
    """What a member tells the network about themselves (the directory issue extends it with
    per-field audiences). Other apps read it through ``network.selectors``."""

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        NON_BINARY = "non_binary", _("Non-binary")
        SELF_DESCRIBED = "self_described", _("Self-described")
        UNDISCLOSED = "undisclosed", _("Prefer not to say")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    headline = models.CharField(_("headline"), max_length=160, blank=True)
    bio = models.TextField(_("bio"), blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    # Used only for the network's gender-balance goals; never shown in the directory.
    gender = models.CharField(
        _("gender"), max_length=16, choices=Gender.choices, default=Gender.UNDISCLOSED
    )
    languages = models.ManyToManyField(
        Language, blank=True, related_name="speakers", verbose_name=_("languages spoken")
    )
    expertise = models.ManyToManyField(
        Topic, blank=True, related_name="experts", verbose_name=_("topics of expertise")
    )
    interests = models.ManyToManyField(
        Topic, blank=True, related_name="interested", verbose_name=_("topics of interest")
    )
    open_to_mentor = models.BooleanField(_("open to mentoring others"), default=False)
    open_to_mentee = models.BooleanField(_("looking for a mentor"), default=False)
    years_in_office = models.PositiveSmallIntegerField(_("years in office"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("member profile")
        verbose_name_plural = _("member profiles")

    def __str__(self) -> str:
        return f"Profile of {self.user}"
