"""``mentoring_tick``: reminders, expiries and completion, safe to run again and again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from mentoring import services
from mentoring.models import MentoringNotification, Mentorship, MentorshipRequest
from tests.factories import make_mentee_request, make_offer

pytestmark = pytest.mark.django_db


def ask(young_leader):  # type: ignore[no-untyped-def]
    make_mentee_request(young_leader)
    return services.send_request(mentee=young_leader, offer=make_offer(), message="Hi")


def tick() -> None:
    call_command("mentoring_tick", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_mentor_is_reminded_once_before_the_deadline(young_leader):
    request = ask(young_leader)
    MentorshipRequest.objects.filter(pk=request.pk).update(
        deadline=timezone.now() + timedelta(days=2)
    )
    tick()
    tick()
    reminders = MentoringNotification.objects.filter(kind="reminder")
    assert reminders.count() == 1 and reminders.get().recipient_id == request.offer.mentor_id


def test_an_unanswered_request_expires_and_the_mentee_is_told_once(young_leader):
    request = ask(young_leader)
    MentorshipRequest.objects.filter(pk=request.pk).update(
        deadline=timezone.now() - timedelta(minutes=1)
    )
    tick()
    tick()
    request.refresh_from_db()
    assert request.status == MentorshipRequest.Status.EXPIRED
    assert MentoringNotification.objects.filter(recipient=young_leader, kind="expired").count() == 1
    with pytest.raises(services.MentoringError):
        services.accept_request(request_id=request.pk)


def test_mentorships_complete_at_the_agreed_end_with_a_prompt_to_both(young_leader):
    mentorship = services.accept_request(request_id=ask(young_leader).pk)
    Mentorship.objects.filter(pk=mentorship.pk).update(ends_on=timezone.localdate())
    tick()
    tick()
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.COMPLETED
    prompts = MentoringNotification.objects.filter(kind="completed")
    assert sorted(prompts.values_list("recipient_id", flat=True)) == sorted(
        [mentorship.mentor_id, mentorship.mentee_id]
    )


def test_a_check_in_is_prompted_when_none_was_logged_for_a_month(young_leader):
    mentorship = services.accept_request(request_id=ask(young_leader).pk)
    Mentorship.objects.filter(pk=mentorship.pk).update(
        started_at=timezone.now() - timedelta(days=31)
    )
    tick()
    tick()
    assert MentoringNotification.objects.filter(kind="check_in_due").count() == 2
