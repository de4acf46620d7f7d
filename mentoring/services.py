"""Every write of self-service mentoring: offers, requests, the mentorship lifecycle.

Each function is atomic, keyword-only and checks its own preconditions (permissions are checked
by the caller with ``mentoring.permissions``). Errors users can cause are ``MentoringError``
with a module-constant message, so views show them and tests assert them.

Capacity invariant: for every offer, the number of mentorships in ``OCCUPYING`` states never
exceeds ``capacity``. Every path that adds one (accept, confirm a proposal) locks the offer
row with ``select_for_update`` and counts in the same transaction, so concurrent accepts
serialise on that row.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mentoring import events, notifications, scoring
from mentoring.models import (
    CheckIn,
    ConversationAudit,
    Feedback,
    Goal,
    MatchingSettings,
    MenteeRequest,
    MentoringNotification,
    MentorOffer,
    Mentorship,
    MentorshipRequest,
    Message,
)

OFFER_FULL = _("This mentor has no room for another mentee right now.")
REQUEST_NOT_PENDING = _("This request has already been answered.")
REQUEST_EXPIRED = _("This request expired before it was answered.")
NO_OPEN_REQUEST = _("Tell us what you are looking for first.")
PAIR_NOT_FEASIBLE = _("This mentor cannot be matched with you: {reasons}.")
ALREADY_ASKED = _("You already asked this mentor; wait for their answer.")
TOO_MANY_PENDING = _("You can have at most {n} requests waiting at a time.")
ALREADY_MENTORED = _("You already have an active mentorship.")
NOT_ACTIVE = _("This mentorship is not active.")
NOT_FINISHED = _("Feedback opens when the mentorship ends.")
NOT_PROPOSED = _("This proposal is no longer open.")
EMPTY_MESSAGE = _("Write a message first.")

MAX_PENDING_REQUESTS = 3


class MentoringError(Exception):
    """A rule a member can break; ``str()`` is the translated message."""


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _set_m2m(obj: Any, data: dict[str, Any], names: tuple[str, ...]) -> None:
    for name in names:
        if name in data:
            getattr(obj, name).set(data[name])


# --------------------------------------------------------------------------------------------
# Offers and requests
# --------------------------------------------------------------------------------------------

OFFER_FIELDS = ("capacity", "formats", "about", "available_from", "available_until", "is_paused")


@transaction.atomic
def save_offer(*, mentor: Any, data: dict[str, Any]) -> MentorOffer:
    """Create or update the mentor's offer from validated form data."""
    offer, _created = MentorOffer.objects.get_or_create(mentor=mentor)
    for name in OFFER_FIELDS:
        if name in data:
            setattr(offer, name, data[name])
    offer.save()
    _set_m2m(offer, data, ("topics", "languages", "regions"))
    return offer


@transaction.atomic
def set_offer_paused(*, offer: MentorOffer, paused: bool) -> MentorOffer:
    offer.is_paused = paused
    offer.save(update_fields=["is_paused", "updated_at"])
    return offer


REQUEST_FIELDS = ("goals", "formats", "region_preference", "duration_months", "is_open")


@transaction.atomic
def save_mentee_request(*, mentee: Any, data: dict[str, Any]) -> MenteeRequest:
    request, _created = MenteeRequest.objects.get_or_create(
        mentee=mentee, defaults={"goals": data.get("goals", "")}
    )
    for name in REQUEST_FIELDS:
        if name in data:
            setattr(request, name, data[name])
    request.save()
    _set_m2m(request, data, ("topics", "languages"))
    return request


@transaction.atomic
def send_request(*, mentee: Any, offer: MentorOffer, message: str) -> MentorshipRequest:
    """Ask ``offer``'s mentor. Preconditions: an open mentee request, no active mentorship,
    fewer than ``MAX_PENDING_REQUESTS`` waiting, a feasible pair (hard constraints)."""
    mentee_request = MenteeRequest.objects.filter(mentee=mentee, is_open=True).first()
    if mentee_request is None:
        raise MentoringError(NO_OPEN_REQUEST)
    if Mentorship.objects.filter(mentee=mentee, status=Mentorship.Status.ACTIVE).exists():
        raise MentoringError(ALREADY_MENTORED)
    pending = MentorshipRequest.objects.filter(
        mentee=mentee, status=MentorshipRequest.Status.PENDING
    )
    if pending.filter(offer=offer).exists():
        raise MentoringError(ALREADY_ASKED)
    if pending.count() >= MAX_PENDING_REQUESTS:
        raise MentoringError(str(TOO_MANY_PENDING).format(n=MAX_PENDING_REQUESTS))
    settings_obj = MatchingSettings.load()
    score, reasons = scoring.explain_offer_for_request(
        mentee_request, offer, weights=scoring.weights_from(settings_obj)
    )
    if score < 0:
        raise MentoringError(
            str(PAIR_NOT_FEASIBLE).format(reasons="; ".join(scoring.describe(reasons)))
        )
    try:
        with transaction.atomic():
            request = MentorshipRequest.objects.create(
                mentee=mentee,
                offer=offer,
                message=message,
                score=score,
                reasons=reasons,
                deadline=timezone.now() + timedelta(days=settings_obj.request_deadline_days),
            )
    except IntegrityError:
        # The partial unique constraint caught a double submit racing the check above.
        raise MentoringError(ALREADY_ASKED)
    notifications.request_received(request)
    return request


def _occupied(offer_id: int, *, exclude: int | None = None) -> int:
    qs = Mentorship.objects.filter(offer_id=offer_id, status__in=scoring.OCCUPYING)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.count()


@transaction.atomic
def accept_request(*, request_id: int, note: str = "", now: datetime | None = None) -> Mentorship:
    """Accept a pending request and start the mentorship.

    Locks the offer row first (all accepts of one offer queue here), then the request, and
    counts occupied places inside the lock: capacity can never be overfilled.
    """
    now = now or timezone.now()
    offer_id = MentorshipRequest.objects.values_list("offer_id", flat=True).get(pk=request_id)
    offer = MentorOffer.objects.select_for_update().get(pk=offer_id)
    request = (
        MentorshipRequest.objects.select_for_update().select_related("mentee").get(pk=request_id)
    )
    if request.status != MentorshipRequest.Status.PENDING:
        raise MentoringError(REQUEST_NOT_PENDING)
    if request.deadline < now:
        raise MentoringError(REQUEST_EXPIRED)
    if _occupied(offer.pk) >= offer.capacity:
        raise MentoringError(OFFER_FULL)
    mentee_request = MenteeRequest.objects.filter(mentee_id=request.mentee_id).first()
    months = mentee_request.duration_months if mentee_request else 6
    mentorship = Mentorship.objects.create(
        mentor_id=offer.mentor_id,
        mentee_id=request.mentee_id,
        offer=offer,
        request=request,
        status=Mentorship.Status.ACTIVE,
        score=request.score,
        reasons=request.reasons,
        mentor_confirmed=True,
        mentee_confirmed=True,
        started_at=now,
        ends_on=add_months(timezone.localdate(now), months),
    )
    request.status = MentorshipRequest.Status.ACCEPTED
    request.response_note = note
    request.responded_at = now
    request.save(update_fields=["status", "response_note", "responded_at"])
    # The mentee has a mentor now: their other asks are withdrawn, their search closed.
    MentorshipRequest.objects.filter(
        mentee_id=request.mentee_id, status=MentorshipRequest.Status.PENDING
    ).update(status=MentorshipRequest.Status.WITHDRAWN, responded_at=now)
    MenteeRequest.objects.filter(mentee_id=request.mentee_id).update(is_open=False)
    request.offer = offer
    notifications.request_accepted(request, mentorship)
    return mentorship


@transaction.atomic
def decline_request(*, request_id: int, note: str = "") -> MentorshipRequest:
    request = (
        MentorshipRequest.objects.select_for_update()
        .select_related("mentee", "offer__mentor")
        .get(pk=request_id)
    )
    if request.status != MentorshipRequest.Status.PENDING:
        raise MentoringError(REQUEST_NOT_PENDING)
    request.status = MentorshipRequest.Status.DECLINED
    request.response_note = note
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "response_note", "responded_at"])
    notifications.request_declined(request)
    return request


@transaction.atomic
def withdraw_request(*, request_id: int) -> MentorshipRequest:
    request = MentorshipRequest.objects.select_for_update().get(pk=request_id)
    if request.status != MentorshipRequest.Status.PENDING:
        raise MentoringError(REQUEST_NOT_PENDING)
    request.status = MentorshipRequest.Status.WITHDRAWN
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "responded_at"])
    return request


# --------------------------------------------------------------------------------------------
# Lifecycle
# --------------------------------------------------------------------------------------------


@transaction.atomic
def confirm_proposal(*, user: Any, mentorship_id: int, now: datetime | None = None) -> Mentorship:
    """One side confirms a round's proposal; when both have, the mentorship starts.

    The proposal already holds its place in the offer's capacity; the lock still guards
    against a proposal published after the offer's capacity was lowered.
    """
    now = now or timezone.now()
    offer_id = Mentorship.objects.values_list("offer_id", flat=True).get(pk=mentorship_id)
    offer = MentorOffer.objects.select_for_update().get(pk=offer_id)
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship_id)
    if mentorship.status != Mentorship.Status.PROPOSED:
        raise MentoringError(NOT_PROPOSED)
    if user.pk == mentorship.mentor_id:
        mentorship.mentor_confirmed = True
    if user.pk == mentorship.mentee_id:
        mentorship.mentee_confirmed = True
    fields = ["mentor_confirmed", "mentee_confirmed"]
    if mentorship.mentor_confirmed and mentorship.mentee_confirmed:
        if _occupied(offer.pk, exclude=mentorship.pk) >= offer.capacity:
            raise MentoringError(OFFER_FULL)
        months = mentorship.cohort_round.duration_months if mentorship.cohort_round else 6
        mentorship.status = Mentorship.Status.ACTIVE
        mentorship.started_at = now
        mentorship.ends_on = add_months(timezone.localdate(now), months)
        fields += ["status", "started_at", "ends_on"]
        MenteeRequest.objects.filter(mentee_id=mentorship.mentee_id).update(is_open=False)
    mentorship.save(update_fields=fields)
    if mentorship.status == Mentorship.Status.ACTIVE:
        notifications.proposal_confirmed(mentorship)
    return mentorship


@transaction.atomic
def decline_proposal(*, user: Any, mentorship_id: int) -> Mentorship:
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship_id)
    if mentorship.status != Mentorship.Status.PROPOSED:
        raise MentoringError(NOT_PROPOSED)
    mentorship.status = Mentorship.Status.DECLINED
    mentorship.ended_at = timezone.now()
    mentorship.ended_by = user
    mentorship.save(update_fields=["status", "ended_at", "ended_by"])
    notifications.proposal_declined(mentorship, by=user)
    return mentorship


@transaction.atomic
def end_mentorship(*, user: Any, mentorship: Mentorship, reason: str, note: str = "") -> Mentorship:
    """End early. ``not_a_fit`` and ``conduct`` mean the pair is never matched again."""
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise MentoringError(NOT_ACTIVE)
    mentorship.status = Mentorship.Status.ENDED_EARLY
    mentorship.end_reason = reason
    mentorship.end_note = note
    mentorship.ended_by = user
    mentorship.ended_at = timezone.now()
    mentorship.save(update_fields=["status", "end_reason", "end_note", "ended_by", "ended_at"])
    return mentorship


@transaction.atomic
def answer_good_fit(*, user: Any, mentorship: Mentorship, good_fit: bool) -> Mentorship:
    field = "mentor_good_fit" if user.pk == mentorship.mentor_id else "mentee_good_fit"
    setattr(mentorship, field, good_fit)
    mentorship.save(update_fields=[field])
    return mentorship


@transaction.atomic
def leave_feedback(*, user: Any, mentorship: Mentorship, rating: int, comment: str) -> Feedback:
    if mentorship.status not in (Mentorship.Status.COMPLETED, Mentorship.Status.ENDED_EARLY):
        raise MentoringError(NOT_FINISHED)
    feedback, _created = Feedback.objects.update_or_create(
        mentorship=mentorship, author=user, defaults={"rating": rating, "comment": comment}
    )
    return feedback


@transaction.atomic
def add_goal(*, mentorship: Mentorship, title: str) -> Goal:
    return Goal.objects.create(mentorship=mentorship, title=title)


@transaction.atomic
def update_goal(*, goal: Goal, progress: int) -> Goal:
    goal.progress = max(0, min(100, progress))
    goal.save(update_fields=["progress"])
    return goal


@transaction.atomic
def add_check_in(
    *, mentorship: Mentorship, author: Any, met_on: date, notes: str, next_steps: str = ""
) -> CheckIn:
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise MentoringError(NOT_ACTIVE)
    return CheckIn.objects.create(
        mentorship=mentorship, author=author, met_on=met_on, notes=notes, next_steps=next_steps
    )


@transaction.atomic
def post_message(
    *, author: Any, mentorship: Mentorship, body: str, client_key: str = ""
) -> Message:
    """Add a message and emit it live. A repeated ``client_key`` returns the first message."""
    body = body.strip()
    if not body:
        raise MentoringError(EMPTY_MESSAGE)
    if client_key:
        existing = Message.objects.filter(
            mentorship=mentorship, author=author, client_key=client_key
        ).first()
        if existing:
            return existing
    message = Message.objects.create(
        mentorship=mentorship, author=author, body=body, client_key=client_key[:64]
    )
    message.author = author
    events.message_posted(message)
    return message


def mark_notifications_read(*, user: Any) -> int:
    return MentoringNotification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def record_conversation_read(*, staff: Any, mentorship: Mentorship, reason: str = "") -> None:
    ConversationAudit.objects.create(staff=staff, mentorship=mentorship, reason=reason[:300])


# --------------------------------------------------------------------------------------------
# Periodic work (``manage.py mentoring_tick``): each step is idempotent
# --------------------------------------------------------------------------------------------


def expire_requests(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    count = 0
    due = MentorshipRequest.objects.filter(
        status=MentorshipRequest.Status.PENDING, deadline__lt=now
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            request = (
                MentorshipRequest.objects.select_for_update()
                .select_related("mentee", "offer__mentor")
                .get(pk=pk)
            )
            if request.status != MentorshipRequest.Status.PENDING:
                continue
            request.status = MentorshipRequest.Status.EXPIRED
            request.save(update_fields=["status"])
            notifications.request_expired(request)
            count += 1
    return count


def remind_pending_requests(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    days = MatchingSettings.load().reminder_days_before
    due = MentorshipRequest.objects.filter(
        status=MentorshipRequest.Status.PENDING,
        reminded_at__isnull=True,
        deadline__gte=now,
        deadline__lte=now + timedelta(days=days),
    ).select_related("mentee", "offer__mentor")
    count = 0
    for request in due:
        with transaction.atomic():
            updated = MentorshipRequest.objects.filter(
                pk=request.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if updated:
                notifications.request_reminder(request)
                count += 1
    return count


def expire_proposals(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    return Mentorship.objects.filter(status=Mentorship.Status.PROPOSED, confirm_by__lt=now).update(
        status=Mentorship.Status.EXPIRED, ended_at=now
    )


def complete_due_mentorships(*, today: date | None = None) -> int:
    """Auto-complete at the agreed end date, prompting both sides for feedback."""
    today = today or timezone.localdate()
    count = 0
    due = Mentorship.objects.filter(status=Mentorship.Status.ACTIVE, ends_on__lte=today)
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            mentorship = (
                Mentorship.objects.select_for_update().select_related("mentor", "mentee").get(pk=pk)
            )
            if mentorship.status != Mentorship.Status.ACTIVE:
                continue
            mentorship.status = Mentorship.Status.COMPLETED
            mentorship.ended_at = timezone.now()
            mentorship.save(update_fields=["status", "ended_at"])
            notifications.mentorship_completed(mentorship)
            count += 1
    return count


def remind_check_ins(*, now: datetime | None = None) -> int:
    """Prompt both sides when no check-in was logged for ``check_in_interval_days``."""
    now = now or timezone.now()
    interval = timedelta(days=MatchingSettings.load().check_in_interval_days)
    cutoff = now - interval
    due = (
        Mentorship.objects.filter(status=Mentorship.Status.ACTIVE, started_at__lte=cutoff)
        .annotate(last_check_in=Max("check_ins__created_at"))
        .filter(Q(last_check_in__isnull=True) | Q(last_check_in__lte=cutoff))
        .filter(
            Q(last_check_in_reminder_at__isnull=True) | Q(last_check_in_reminder_at__lte=cutoff)
        )
        .select_related("mentor", "mentee")
    )
    count = 0
    for mentorship in due:
        with transaction.atomic():
            Mentorship.objects.filter(pk=mentorship.pk).update(last_check_in_reminder_at=now)
            # One period per interval since the start: the dedupe key makes re-runs harmless.
            period = str((now - mentorship.started_at) // interval)
            notifications.check_in_due(mentorship, period=period)
            count += 1
    return count
