"""Members and their profiles, with per-field audiences."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.models.reference import Country, Language, Party, Topic


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
    # Set by network.services.delete_account: the row stays (other apps' foreign keys point at
    # it) but holds no personal data any more and is shown as "Former member".
    deleted_at = models.DateTimeField(_("account deleted at"), null=True, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        indexes = [
            models.Index(fields=["display_name", "id"], name="user_name_idx"),
            models.Index(fields=["-date_joined", "id"], name="user_joined_idx"),
        ]

    def __str__(self) -> str:
        if self.deleted_at:
            return str(_("Former member"))
        return self.display_name or self.email

    @property
    def is_former_member(self) -> bool:
        return self.deleted_at is not None

    def get_full_name(self) -> str:
        if self.deleted_at:
            return str(_("Former member"))
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    @property
    def is_verified_parliamentarian(self) -> bool:
        return (
            self.role == self.Role.PARLIAMENTARIAN
            and self.parliamentarian_status == self.ParliamentarianStatus.VERIFIED
        )


class Audience(models.IntegerChoices):
    """Who may see a profile field. Ordered: a viewer of tier N sees audiences <= N.

    ``ONLY_ME`` is above every viewer tier, so only the member themself reaches it.
    """

    PUBLIC = 0, _("Everyone, including visitors")
    MEMBERS = 1, _("Signed-in members")
    PARLIAMENTARIANS = 2, _("Verified parliamentarians and staff")
    STAFF = 3, _("Alliance staff only")
    ONLY_ME = 4, _("Only me")


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

    photo = models.ImageField(_("photo"), upload_to="members/", blank=True)
    website = models.URLField(_("website"), blank=True)
    social_links = models.TextField(
        _("social media links"), blank=True, help_text=_("One address per line.")
    )
    # Parliamentarians
    parliament = models.CharField(_("parliament"), max_length=160, blank=True)
    chamber = models.CharField(_("chamber"), max_length=100, blank=True)
    constituency = models.CharField(_("constituency or list"), max_length=160, blank=True)
    term_start = models.PositiveSmallIntegerField(_("term began (year)"), null=True, blank=True)
    term_end = models.PositiveSmallIntegerField(_("term ends (year)"), null=True, blank=True)
    committees = models.TextField(_("committees"), blank=True, help_text=_("One per line."))
    # Young leaders
    organisation = models.CharField(
        _("organisation"), max_length=160, blank=True, help_text=_("For example your youth wing.")
    )
    position = models.CharField(_("position"), max_length=160, blank=True)

    # Per-field audiences. network.privacy is the only code that interprets them.
    listing_audience = models.PositiveSmallIntegerField(
        _("who can find you in the directory and open your profile"),
        choices=Audience.choices,
        default=Audience.MEMBERS,
    )
    photo_audience = models.PositiveSmallIntegerField(
        _("who can see your photo"), choices=Audience.choices, default=Audience.MEMBERS
    )
    city_audience = models.PositiveSmallIntegerField(
        _("who can see your city"), choices=Audience.choices, default=Audience.MEMBERS
    )
    links_audience = models.PositiveSmallIntegerField(
        _("who can see your website and social links"),
        choices=Audience.choices,
        default=Audience.MEMBERS,
    )
    bio_audience = models.PositiveSmallIntegerField(
        _("who can read your bio"), choices=Audience.choices, default=Audience.MEMBERS
    )
    email_audience = models.PositiveSmallIntegerField(
        _("who can see your email address"), choices=Audience.choices, default=Audience.ONLY_ME
    )
    safety_mode = models.BooleanField(
        _("safety mode"),
        default=False,
        help_text=_("Hide presence, location and listing from everyone but alliance staff."),
    )
    onboarded_at = models.DateTimeField(_("onboarding completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("member profile")
        verbose_name_plural = _("member profiles")

    def __str__(self) -> str:
        return f"Profile of {self.user}"
