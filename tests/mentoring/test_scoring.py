"""The Django layer of matching: database rows -> scores -> reasons members can read."""

from __future__ import annotations

import pytest

from mentoring import scoring, selectors
from mentoring.models import MatchingSettings, Mentorship
from tests.factories import UserFactory, make_mentee_request, make_offer

pytestmark = pytest.mark.django_db


def suggested_mentors(user):  # type: ignore[no-untyped-def]
    return [s.offer.mentor for s in selectors.suggestions(user)]


def test_young_leader_sees_mentors_ranked_with_reasons_in_plain_words(young_leader):
    make_mentee_request(young_leader, languages=("en", "es"), topics=("climate", "care"))
    best = make_offer(languages=("es",), topics=("climate", "care"))
    other = make_offer(languages=("en",), topics=("elections",))

    found = selectors.suggestions(young_leader)

    assert [s.offer for s in found] == [best, other]
    sentences = found[0].suggestion.sentences
    assert "Both work on Climate and Care" in sentences
    assert "Both speak Spanish" in sentences
    assert 0 <= found[1].suggestion.score < found[0].suggestion.score <= 100


def test_score_breakdown_adds_up_to_the_score(young_leader):
    make_mentee_request(young_leader)
    make_offer()
    suggestion = selectors.suggestions(young_leader)[0].suggestion
    assert sum(points for _label, points in suggestion.breakdown) == pytest.approx(
        suggestion.score, abs=0.5
    )


def test_mentor_without_a_shared_language_is_never_suggested(young_leader):
    make_mentee_request(young_leader, languages=("en",))
    make_offer(languages=("fr",))
    assert suggested_mentors(young_leader) == []


def test_mentor_without_room_is_not_suggested(young_leader):
    make_mentee_request(young_leader)
    full = make_offer(capacity=1)
    Mentorship.objects.create(
        mentor=full.mentor, mentee=UserFactory(), offer=full, status=Mentorship.Status.ACTIVE
    )
    assert suggested_mentors(young_leader) == []


def test_paused_or_unavailable_offers_are_not_suggested(young_leader):
    import datetime

    make_mentee_request(young_leader)
    make_offer(is_paused=True)
    make_offer(available_until=datetime.date(2000, 1, 1))
    assert suggested_mentors(young_leader) == []


def test_a_pair_that_ended_badly_is_never_suggested_again(young_leader):
    make_mentee_request(young_leader)
    offer = make_offer()
    Mentorship.objects.create(
        mentor=offer.mentor,
        mentee=young_leader,
        offer=offer,
        status=Mentorship.Status.ENDED_EARLY,
        end_reason=Mentorship.EndReason.NOT_A_FIT,
    )
    assert suggested_mentors(young_leader) == []


def test_a_pair_that_ended_well_may_meet_again(young_leader):
    make_mentee_request(young_leader)
    offer = make_offer()
    Mentorship.objects.create(
        mentor=offer.mentor, mentee=young_leader, offer=offer, status=Mentorship.Status.COMPLETED
    )
    assert suggested_mentors(young_leader) == [offer.mentor]


def test_mentor_who_takes_only_some_regions_is_not_suggested_elsewhere(young_leader):
    from tests.factories import RegionFactory

    make_mentee_request(young_leader)
    offer = make_offer()
    elsewhere = RegionFactory(code="pacific")
    assert elsewhere != young_leader.country.region
    offer.regions.set([elsewhere])
    assert suggested_mentors(young_leader) == []
    offer.regions.add(young_leader.country.region)
    assert suggested_mentors(young_leader) == [offer.mentor]


def test_staff_weights_change_the_ranking(young_leader):
    make_mentee_request(young_leader, topics=("climate",), languages=("en", "es"))
    on_topic = make_offer(topics=("climate",), languages=("en",), years=1)
    veteran = make_offer(topics=("elections",), languages=("en", "es"), years=30)
    assert suggested_mentors(young_leader)[0] == on_topic.mentor

    MatchingSettings.objects.update_or_create(
        pk=1, defaults={"weight_topic": 0, "weight_experience": 80, "weight_language": 20}
    )
    assert suggested_mentors(young_leader)[0] == veteran.mentor


def test_blocking_reasons_are_explained(young_leader):
    request = make_mentee_request(young_leader, languages=("en",))
    offer = make_offer(languages=("fr",))
    score, reasons = scoring.explain_offer_for_request(
        request, offer, weights=scoring.weights_from(MatchingSettings.load())
    )
    assert score < 0
    assert scoring.describe(reasons) == ["No shared working language"]


def test_suggestions_cost_the_same_queries_for_3_or_12_mentors(
    young_leader, django_assert_num_queries
):
    make_mentee_request(young_leader, topics=("climate", "care"))
    for _ in range(3):
        make_offer(topics=("climate", "care"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    MatchingSettings.load()
    with CaptureQueriesContext(connection) as few:
        assert len(selectors.suggestions(young_leader)) == 3
    for _ in range(9):
        make_offer(topics=("climate",))
    with django_assert_num_queries(len(few)):
        assert len(selectors.suggestions(young_leader)) == 8
