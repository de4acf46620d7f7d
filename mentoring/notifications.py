"""Notifications of mentoring: on-site row + live push + email, in the recipient's language.

Each kind is a small function that renders its text inside ``translation.override`` of the
recipient's preferred language. Email leaves only after commit; periodic jobs pass a
``dedupe_key`` so running them twice never notifies twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mentoring import events
from mentoring.models import MentoringNotification, Mentorship, MentorshipRequest

Kind = MentoringNotification.Kind


def _both_sides(mentorship: Mentorship) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """(recipient, the other participant) for the mentor, then the mentee."""
    return (mentorship.mentor, mentorship.mentee), (mentorship.mentee, mentorship.mentor)


def _language(user: Any) -> str:
    return getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE


def notify(
    *,
    recipient: Any,
    kind: str,
    text: Callable[[], str],
    url_name: str,
    url_kwargs: dict[str, Any] | None = None,
    dedupe_key: str = "",
    email: bool = True,
) -> MentoringNotification | None:
    """Record, push and email one notification. Returns None if already sent (dedupe)."""
    with translation.override(_language(recipient)):
        body = str(text())
        url = reverse(url_name, kwargs=url_kwargs or {})
        subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{MentoringNotification.Kind(kind).label}"
        footer = _("Open it on Alliance Network: {url}").format(url=settings.SITE_URL + url)
    try:
        with transaction.atomic():
            notification = MentoringNotification.objects.create(
                recipient=recipient, kind=kind, text=body[:400], url=url, dedupe_key=dedupe_key
            )
    except IntegrityError:
        if not dedupe_key:
            raise
        return None
    events.notification_created(notification)
    if email and recipient.email:
        message = f"{body}\n\n{footer}\n"
        transaction.on_commit(
            lambda: send_mail(
                subject, message, settings.DEFAULT_FROM_EMAIL, [recipient.email], fail_silently=True
            )
        )
    return notification


def request_received(request: MentorshipRequest) -> None:
    mentee = request.mentee
    notify(
        recipient=request.offer.mentor,
        kind=Kind.REQUEST,
        text=lambda: _("{name} asks you to be their mentor. Please answer by {date}.").format(
            name=mentee, date=_date(request.deadline)
        ),
        url_name="mentoring:request_detail",
        url_kwargs={"pk": request.pk},
    )


def request_accepted(request: MentorshipRequest, mentorship: Mentorship) -> None:
    notify(
        recipient=request.mentee,
        kind=Kind.ACCEPTED,
        text=lambda: _("{name} accepted your request: your mentorship has started.").format(
            name=request.offer.mentor
        ),
        url_name="mentoring:mentorship_detail",
        url_kwargs={"pk": mentorship.pk},
    )


def request_declined(request: MentorshipRequest) -> None:
    notify(
        recipient=request.mentee,
        kind=Kind.DECLINED,
        text=lambda: _(
            "{name} cannot take your request this time. Your next suggestions are ready."
        ).format(name=request.offer.mentor),
        url_name="mentoring:suggestions",
    )


def request_expired(request: MentorshipRequest) -> None:
    notify(
        recipient=request.mentee,
        kind=Kind.EXPIRED,
        text=lambda: _(
            "Your request to {name} expired without an answer. Pick your next suggestion."
        ).format(name=request.offer.mentor),
        url_name="mentoring:suggestions",
        dedupe_key=f"expired:{request.pk}",
    )


def request_reminder(request: MentorshipRequest) -> None:
    notify(
        recipient=request.offer.mentor,
        kind=Kind.REMINDER,
        text=lambda: _("{name} is still waiting for your answer (deadline {date}).").format(
            name=request.mentee, date=_date(request.deadline)
        ),
        url_name="mentoring:request_detail",
        url_kwargs={"pk": request.pk},
        dedupe_key=f"reminder:{request.pk}",
    )


def proposal_published(mentorship: Mentorship) -> None:
    for recipient, other in _both_sides(mentorship):
        notify(
            recipient=recipient,
            kind=Kind.PROPOSAL,
            text=lambda other=other: _(
                "The mentoring round proposes a mentorship with {name}. Please confirm by {date}."
            ).format(name=other, date=_date(mentorship.confirm_by)),
            url_name="mentoring:mentorship_detail",
            url_kwargs={"pk": mentorship.pk},
            dedupe_key=f"proposal:{mentorship.pk}",
        )


def proposal_confirmed(mentorship: Mentorship) -> None:
    for recipient, other in _both_sides(mentorship):
        notify(
            recipient=recipient,
            kind=Kind.PROPOSAL_CONFIRMED,
            text=lambda other=other: _("Your mentorship with {name} is now active.").format(
                name=other
            ),
            url_name="mentoring:mentorship_detail",
            url_kwargs={"pk": mentorship.pk},
            dedupe_key=f"confirmed:{mentorship.pk}",
        )


def proposal_declined(mentorship: Mentorship, *, by: Any) -> None:
    other = mentorship.other(by)
    notify(
        recipient=other,
        kind=Kind.DECLINED,
        text=lambda: _("{name} declined the proposed mentorship.").format(name=by),
        url_name="mentoring:index",
        dedupe_key=f"proposal-declined:{mentorship.pk}",
    )


def check_in_due(mentorship: Mentorship, *, period: str) -> None:
    for recipient, other in _both_sides(mentorship):
        notify(
            recipient=recipient,
            kind=Kind.CHECK_IN_DUE,
            text=lambda other=other: _(
                "Time for a check-in with {name}: note what you discussed and the next steps."
            ).format(name=other),
            url_name="mentoring:mentorship_detail",
            url_kwargs={"pk": mentorship.pk},
            dedupe_key=f"check-in:{mentorship.pk}:{period}",
        )


def mentorship_completed(mentorship: Mentorship) -> None:
    for recipient, other in _both_sides(mentorship):
        notify(
            recipient=recipient,
            kind=Kind.COMPLETED,
            text=lambda other=other: _(
                "Your mentorship with {name} reached its agreed end. Tell us how it went."
            ).format(name=other),
            url_name="mentoring:mentorship_detail",
            url_kwargs={"pk": mentorship.pk},
            dedupe_key=f"completed:{mentorship.pk}",
        )


def _date(value: Any) -> str:
    from django.utils.formats import date_format
    from django.utils.timezone import localtime

    if value is None:
        return ""
    return date_format(localtime(value), "DATE_FORMAT")
