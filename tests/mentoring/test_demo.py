"""The demo: idempotent, and the demo young leader sees the demo parliamentarian."""

from __future__ import annotations

import io

import pytest

from mentoring import selectors
from mentoring.models import CohortRound, MentorOffer, Mentorship
from network.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_seeds_offers_mentorships_and_a_round_and_can_run_twice():
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    counts = (MentorOffer.objects.count(), Mentorship.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (MentorOffer.objects.count(), Mentorship.objects.count()) == counts

    young = User.objects.get(email="young@alliance.example")
    mp = User.objects.get(email="mp@alliance.example")
    assert mp in [s.offer.mentor for s in selectors.suggestions(young)]
    assert Mentorship.objects.filter(
        mentor=mp, mentee__email="young2@alliance.example", status="active"
    ).exists()
    assert Mentorship.objects.filter(status="completed").exists()
    assert CohortRound.objects.filter(status="open").exists()
