"""The in-memory directory (``network.directory_store``): the same answers as the SQL path, and
never older than the database, whoever changed it."""

from __future__ import annotations

import itertools

import pytest

from network import directory_store, selectors, services
from network.models import Audience, Country, Language, Party, Region, Topic, User
from network.selectors import search_directory
from tests.factories import (
    LanguageFactory,
    MemberFactory,
    PartyFactory,
    TopicFactory,
    UserFactory,
    make_profile,
)

pytestmark = pytest.mark.django_db


def answer(viewer, filters, *, page: int = 1, page_size: int = 20):  # type: ignore[no-untyped-def]
    page_ = search_directory(viewer=viewer, filters=filters, page=page, page_size=page_size)
    return page_.members, page_.count, page_.count_capped, page_.has_next, page_.sort, page_.errors


@pytest.fixture
def sql_answers(monkeypatch):  # type: ignore[no-untyped-def]
    """Fails the test if the SQL path answers: the in-memory copy must."""

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the SQL path answered")

    monkeypatch.setattr(selectors, "_search_database", refuse)


# --- Same answers ---------------------------------------------------------------------------


def _queries() -> list[dict[str, str]]:
    regions = list(Region.objects.values_list("code", flat=True)[:3])
    countries = list(Country.objects.values_list("iso2", flat=True)[:3])
    parties = list(Party.objects.values_list("slug", flat=True)[:2])
    topics = list(Topic.objects.values_list("slug", flat=True)[:3])
    languages = list(Language.objects.values_list("code", flat=True)[:3])
    words = ["", "care", "campaign", "youth", "an", "partido", "member of parliament", "a", "zz"]
    queries: list[dict[str, str]] = [{"q": q} for q in words]
    queries += [{"region": r, "q": q} for r, q in itertools.product(regions, ["", "care"])]
    queries += [{"country": c, "sort": "newest"} for c in countries]
    queries += [{"party": p} for p in parties]
    queries += [{"topic": t, "language": lang} for t, lang in zip(topics, languages, strict=False)]
    queries += [
        {"role": "parliamentarian", "verified": "on"},
        {"role": "young_leader", "mentoring": "mentee", "sort": "name"},
        {"mentoring": "mentor", "topic": topics[0]},
        {"q": "ana", "sort": "relevance"},
        {"q": "ana", "sort": "newest"},
        {"verified": "false"},
        {"q": "  Care  ", "role": ""},
    ]
    return queries


def test_in_memory_and_sql_give_the_same_pages_counts_and_cards(settings, monkeypatch):
    from network import demo

    demo.seed(scale=1)
    viewers = [
        None,
        User.objects.get(email="young@alliance.example"),
        User.objects.filter(role="parliamentarian", parliamentarian_status="verified").first(),
        User.objects.filter(role="alliance_staff").first(),
    ]
    # A low cap, so broad queries take the capped paths (count, order by name) too.
    monkeypatch.setattr(selectors, "COUNT_CAP", 60)
    checked = 0
    for viewer, filters in itertools.product(viewers, _queries()):
        for page in (1, 3):
            settings.DIRECTORY_MEMORY_INDEX = True
            mine = answer(viewer, filters, page=page)
            settings.DIRECTORY_MEMORY_INDEX = False
            assert answer(viewer, filters, page=page) == mine, (viewer, filters, page)
            checked += bool(mine[0])
    assert checked > 100  # most queries found someone: the comparison was not of empty pages


# --- Fresh after every change -----------------------------------------------------------------


@pytest.fixture
def viewer(young_leader):  # type: ignore[no-untyped-def]
    make_profile(young_leader)
    return young_leader


def handles(viewer, filters) -> list[str]:  # type: ignore[no-untyped-def]
    return [m["handle"] for m in search_directory(viewer=viewer, filters=filters).members]


def test_a_profile_edit_is_found_at_once(viewer, sql_answers):
    member = MemberFactory(handle="lucia", with_profile={"headline": "Organiser of unions"})
    assert handles(viewer, {"q": "unions"}) == ["lucia"]
    member.profile.headline = "Campaigner for housing"
    member.profile.save()
    assert handles(viewer, {"q": "unions"}) == []
    assert handles(viewer, {"q": "housing"}) == ["lucia"]


def test_a_bio_made_private_stops_matching_for_those_who_may_no_longer_read_it(viewer):
    member = MemberFactory(
        handle="kofi",
        with_profile={
            "bio": "I organise cooperatives",
            "listing_audience": Audience.PUBLIC,
            "bio_audience": Audience.PUBLIC,
        },
    )
    assert handles(None, {"q": "cooperatives"}) == ["kofi"]
    member.profile.bio_audience = Audience.MEMBERS
    member.profile.save()
    assert handles(None, {"q": "cooperatives"}) == []
    assert search_directory(viewer=None, filters={"q": "cooperatives"}).count == 0
    assert handles(viewer, {"q": "cooperatives"}) == ["kofi"]


def test_members_who_leave_or_are_deactivated_disappear_at_once(viewer):
    leaving = MemberFactory(handle="leaving", display_name="Leaving Member")
    paused = MemberFactory(handle="paused", display_name="Paused Member")
    assert set(handles(viewer, {"q": "member"})) == {"leaving", "paused"}
    services.delete_account(member=leaving)
    paused.is_active = False
    paused.save()
    assert handles(viewer, {"q": "member"}) == []


def test_a_new_member_takes_their_place_in_every_sort(viewer):
    planted = {"Ana Alpha", "Bruno Bravo", "Carla Charlie"}

    def names(sort: str) -> list[str]:
        members = search_directory(viewer=viewer, filters={"sort": sort}).members
        return [m["display_name"] for m in members if m["display_name"] in planted]

    for name in ("Ana Alpha", "Carla Charlie"):
        MemberFactory(display_name=name)
    assert names("name") == ["Ana Alpha", "Carla Charlie"]
    assert names("newest") == ["Carla Charlie", "Ana Alpha"]
    MemberFactory(display_name="Bruno Bravo")
    assert names("name") == ["Ana Alpha", "Bruno Bravo", "Carla Charlie"]
    assert names("newest") == ["Bruno Bravo", "Carla Charlie", "Ana Alpha"]


def test_renamed_topics_and_parties_show_on_cards_at_once(viewer):
    topic = TopicFactory(slug="care-economy", name="Care economy")
    party = PartyFactory(name="Workers Party", short_name="")
    MemberFactory(handle="ines", party=party, with_profile={"expertise": [topic]})
    card = search_directory(viewer=viewer, filters={"q": "ines"}).members[0]
    assert card["expertise"][0]["name"] == "Care economy"
    topic.name = "Care and social economy"
    topic.save()
    party.name = "Labour Party"
    party.save()
    card = search_directory(viewer=viewer, filters={"q": "ines"}).members[0]
    assert card["expertise"][0]["name"] == "Care and social economy"
    assert card["party"]["name"] == "Labour Party"
    assert handles(viewer, {"q": "labour"}) == ["ines"]


def test_a_changed_email_reaches_staff_cards_and_no_one_else(viewer, comms_staff):
    member = MemberFactory(handle="mei", email="old@example.org")
    make_profile(member, email_audience=Audience.STAFF)
    assert search_directory(viewer=comms_staff, filters={"q": "mei"}).members[0]["email"] == (
        "old@example.org"
    )
    member.email = "new@example.org"
    member.save(update_fields=["email"])
    assert search_directory(viewer=comms_staff, filters={"q": "mei"}).members[0]["email"] == (
        "new@example.org"
    )
    assert "email" not in search_directory(viewer=viewer, filters={"q": "mei"}).members[0]


def test_a_new_party_or_language_is_a_filter_at_once(viewer, sql_answers):
    search_directory(viewer=viewer)  # the copy and its filter values are read
    party = PartyFactory(slug="nuevo-partido")
    swahili = LanguageFactory(code="sw", name="Swahili")
    MemberFactory(handle="juma", party=party, with_profile={"languages": [swahili]})
    assert handles(viewer, {"party": "nuevo-partido", "language": "sw"}) == ["juma"]


def test_a_copy_whose_history_was_rewritten_is_rebuilt(viewer):
    MemberFactory(handle="first")
    search_directory(viewer=viewer)
    store = directory_store.current()
    assert store is not None
    # As after a rolled-back transaction: the version this copy read is not in the log.
    store.stamp = "not-in-the-log"
    MemberFactory(handle="second")
    assert set(handles(viewer, {})) >= {"first", "second"}
    assert directory_store.current() is not store


def test_while_another_thread_builds_the_copy_sql_answers(viewer):
    MemberFactory(handle="waiting", display_name="Waiting Member")
    directory_store.reset()
    with directory_store._building:  # another thread is building
        assert directory_store.current() is None
        assert handles(viewer, {"q": "waiting"}) == ["waiting"]
    assert directory_store.current() is not None


def test_filters_the_form_would_reject_get_its_error_not_a_guess(viewer):
    page = search_directory(viewer=viewer, filters={"region": "atlantis", "q": "x"})
    assert "region" in page.errors and page.members == []
    page = search_directory(viewer=viewer, filters={"role": "king"})
    assert "role" in page.errors


def test_the_change_log_is_pruned(monkeypatch):
    from network import indexing
    from network.models import DirectoryChange

    monkeypatch.setattr(indexing, "CHANGES_KEPT", 5)
    monkeypatch.setattr(indexing, "_PRUNE_EVERY", 10)
    member = UserFactory()
    for n in range(25):
        member.display_name = f"Renamed {n}"
        member.save()
    assert DirectoryChange.objects.count() < 20
