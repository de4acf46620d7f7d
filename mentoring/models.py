"""Mentoring: offers, requests, mentorships and their lifecycle, cohort rounds, settings.

State lives in these tables; every change of state goes through ``mentoring.services`` (one
function per verb, atomic), reads through ``mentoring.selectors``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from network.models import Language, Region, Topic


class Format(models.TextChoices):
    # Codes match ``mentoring.matching.FORMATS``.
    VIDEO = "video", _("Video calls")
    IN_PERSON = "in_person", _("In person")
    MESSAGES = "messages", _("Written messages")


class RegionPreference(models.TextChoices):
    # Codes match ``mentoring.matching.REGION_PREFERENCES``.
    ANY = "any", _("Any region")
    SAME = "same", _("My own region")
    DIFFERENT = "different", _("Another region (cross-regional exchange)")


DURATION_CHOICES = [(3, _("3 months")), (6, _("6 months")), (12, _("12 months"))]


class MatchingSettings(models.Model):
    """Staff-tuned weights and constraints (one row, ``pk=1``; see ``load()``)."""

    weight_topic = models.PositiveSmallIntegerField(_("topic overlap"), default=40)
    weight_language = models.PositiveSmallIntegerField(_("shared languages"), default=20)
    weight_format = models.PositiveSmallIntegerField(_("format fit"), default=10)
    weight_region = models.PositiveSmallIntegerField(_("region preference"), default=10)
    weight_experience = models.PositiveSmallIntegerField(_("experience in office"), default=10)
    weight_capacity = models.PositiveSmallIntegerField(_("capacity left"), default=10)
    suggestions_shown = models.PositiveSmallIntegerField(
        _("suggestions shown to a young leader"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    request_deadline_days = models.PositiveSmallIntegerField(
        _("days a mentor has to answer a request"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    reminder_days_before = models.PositiveSmallIntegerField(
        _("remind the mentor this many days before the deadline"), default=3
    )
    check_in_interval_days = models.PositiveSmallIntegerField(
        _("days between check-ins before a reminder"), default=30
    )
    min_women_share = models.PositiveSmallIntegerField(
        _("cohort rounds: minimum share of women among matched mentees (%)"),
        default=40,
        validators=[MaxValueValidator(100)],
    )
    every_region_represented = models.BooleanField(
        _("cohort rounds: every region represented"), default=True
    )
    candidates_per_mentee = models.PositiveSmallIntegerField(
        _("cohort rounds: candidate mentors considered per mentee"),
        default=50,
        validators=[MinValueValidator(5), MaxValueValidator(500)],
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("matching settings")
        verbose_name_plural = _("matching settings")

    def __str__(self) -> str:
        return str(_("Matching settings"))

    @classmethod
    def load(cls) -> MatchingSettings:
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class MentorOffer(models.Model):
    """A parliamentarian's offer to mentor."""

    mentor = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_offer"
    )
    capacity = models.PositiveSmallIntegerField(
        _("mentees at a time"), default=2, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    topics = models.ManyToManyField(Topic, related_name="+", verbose_name=_("topics"))
    languages = models.ManyToManyField(
        Language, related_name="+", verbose_name=_("working languages")
    )
    formats = models.JSONField(_("formats"), default=list)
    regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="+",
        verbose_name=_("regions you are happy to mentor"),
        help_text=_("Leave empty for every region."),
    )
    about = models.TextField(_("what you can offer"), blank=True, max_length=2000)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    is_paused = models.BooleanField(_("paused"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mentor offer")
        verbose_name_plural = _("mentor offers")

    def __str__(self) -> str:
        return f"Offer by {self.mentor}"


class MenteeRequest(models.Model):
    """What a young leader is looking for in a mentor (one per member, reopened as needed)."""

    mentee = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentee_request"
    )
    goals = models.TextField(_("your goals, in your words"), max_length=2000)
    topics = models.ManyToManyField(Topic, related_name="+", verbose_name=_("topics"))
    languages = models.ManyToManyField(
        Language, related_name="+", verbose_name=_("languages you can work in")
    )
    formats = models.JSONField(_("preferred formats"), default=list, blank=True)
    region_preference = models.CharField(
        _("mentor's region"),
        max_length=10,
        choices=RegionPreference.choices,
        default=RegionPreference.ANY,
    )
    duration_months = models.PositiveSmallIntegerField(
        _("duration"), choices=DURATION_CHOICES, default=6
    )
    is_open = models.BooleanField(_("looking for a mentor"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mentee request")
        verbose_name_plural = _("mentee requests")

    def __str__(self) -> str:
        return f"Request by {self.mentee}"


class MentorshipRequest(models.Model):
    """A young leader asking one mentor, with a deadline for the answer."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorship_requests_sent"
    )
    offer = models.ForeignKey(MentorOffer, on_delete=models.CASCADE, related_name="requests")
    message = models.TextField(_("message to the mentor"), max_length=2000)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    response_note = models.TextField(_("note"), blank=True, max_length=2000)
    # Score and reason codes at the time of asking, so the mentor sees why it was suggested.
    score = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    deadline = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "offer"],
                condition=Q(status="pending"),
                name="mentoring_one_pending_request_per_pair",
            )
        ]
        verbose_name = _("mentorship request")
        verbose_name_plural = _("mentorship requests")

    def __str__(self) -> str:
        return f"{self.mentee} -> {self.offer.mentor} ({self.status})"


class CohortRound(models.Model):
    """A staff-run round: collect requests until the deadline, assign the whole cohort."""

    class Status(models.TextChoices):
        OPEN = "open", _("Collecting requests")
        CLOSED = "closed", _("Closed, being matched")
        PUBLISHED = "published", _("Proposals published")

    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    deadline = models.DateTimeField(_("requests accepted until"))
    duration_months = models.PositiveSmallIntegerField(
        _("duration"), choices=DURATION_CHOICES, default=6
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    participants = models.ManyToManyField(
        MenteeRequest, blank=True, related_name="rounds", verbose_name=_("participants")
    )
    # Last run: the optimal and greedy summaries side by side (``Assignment.summary()``).
    comparison = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    run_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("cohort round")
        verbose_name_plural = _("cohort rounds")

    def __str__(self) -> str:
        return self.title


class CohortProposal(models.Model):
    """A pair drafted by a round (optimal run or staff's hand), before it is published."""

    round = models.ForeignKey(CohortRound, on_delete=models.CASCADE, related_name="proposals")
    mentee_request = models.ForeignKey(MenteeRequest, on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey(MentorOffer, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    adjusted_by_staff = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "mentee_request"], name="mentoring_one_proposal_per_mentee"
            )
        ]
        ordering = ["-score"]

    def __str__(self) -> str:
        return f"{self.round}: {self.mentee_request.mentee} -> {self.offer.mentor}"


class Mentorship(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        ENDED_EARLY = "ended_early", _("Ended early")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")

    class EndReason(models.TextChoices):
        GOALS_MET = "goals_met", _("Goals met early")
        NO_TIME = "no_time", _("No time any more")
        NOT_A_FIT = "not_a_fit", _("Not a good fit")
        CONDUCT = "conduct", _("Conduct concerns")
        OTHER = "other", _("Other")

    # Reasons after which the pair is never suggested or assigned again.
    BAD_ENDINGS = (EndReason.NOT_A_FIT, EndReason.CONDUCT)

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentor"
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships_as_mentee"
    )
    offer = models.ForeignKey(MentorOffer, on_delete=models.CASCADE, related_name="mentorships")
    request = models.OneToOneField(
        MentorshipRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentorship",
    )
    cohort_round = models.ForeignKey(
        CohortRound, on_delete=models.SET_NULL, null=True, blank=True, related_name="mentorships"
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    score = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    # Proposals from a round need both sides to confirm.
    mentor_confirmed = models.BooleanField(default=False)
    mentee_confirmed = models.BooleanField(default=False)
    confirm_by = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=12, choices=EndReason.choices, blank=True)
    end_note = models.TextField(blank=True, max_length=2000)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # "Good fit?" after the first meeting, one answer per side (None = not answered yet).
    mentor_good_fit = models.BooleanField(null=True, blank=True)
    mentee_good_fit = models.BooleanField(null=True, blank=True)
    last_check_in_reminder_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["offer", "status"], name="mentorship_offer_status")]
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")

    def __str__(self) -> str:
        return f"{self.mentor} mentors {self.mentee} ({self.status})"

    def participants(self) -> tuple[int, int]:
        return (self.mentor_id, self.mentee_id)

    def other(self, user: object) -> object:
        return self.mentee if getattr(user, "pk", None) == self.mentor_id else self.mentor


class Goal(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.title


class CheckIn(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    met_on = models.DateField(_("date"))
    notes = models.TextField(_("notes"), max_length=4000)
    next_steps = models.TextField(_("next steps"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-met_on", "-created_at"]

    def __str__(self) -> str:
        return f"Check-in {self.met_on}"


class Message(models.Model):
    """One message of the private conversation between mentor and mentee."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=4000)
    # Client-generated key so a retried post never shows twice.
    client_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "author", "client_key"],
                condition=~Q(client_key=""),
                name="mentoring_message_idempotency",
            )
        ]

    def __str__(self) -> str:
        return f"Message {self.pk}"


class ConversationAudit(models.Model):
    """Each time staff read a private conversation, who, when and why."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="audits")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-read_at"]

    def __str__(self) -> str:
        return f"{self.staff} read {self.mentorship_id} at {self.read_at}"


class Feedback(models.Model):
    """End-of-mentorship feedback; staff only ever see it."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "author"], name="mentoring_one_feedback_per_side"
            )
        ]

    def __str__(self) -> str:
        return f"Feedback {self.rating}/5"


class MentoringNotification(models.Model):
    """On-site notification (also sent by email), rendered in the recipient's language."""

    class Kind(models.TextChoices):
        REQUEST = "request", _("New request")
        ACCEPTED = "accepted", _("Request accepted")
        DECLINED = "declined", _("Request declined")
        EXPIRED = "expired", _("Request expired")
        REMINDER = "reminder", _("Request awaiting your answer")
        PROPOSAL = "proposal", _("Proposed mentorship")
        PROPOSAL_CONFIRMED = "confirmed", _("Mentorship confirmed")
        CHECK_IN_DUE = "check_in_due", _("Check-in due")
        COMPLETED = "completed", _("Mentorship completed")
        MESSAGE = "message", _("New message")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_notifications"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.CharField(max_length=400)
    url = models.CharField(max_length=300)
    # What the notification is about, so periodic jobs never send the same one twice.
    dedupe_key = models.CharField(max_length=120, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="mentoring_notif_unread")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="mentoring_notification_once",
            )
        ]

    def __str__(self) -> str:
        return self.text
