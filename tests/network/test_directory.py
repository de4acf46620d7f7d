"""The directory from the outside: filters, search, sorting, pagination, query counts."""

from __future__ import annotations

import pytest
from django.test import Client

from network.models import Audience, User
from network.selectors import COUNT_CAP
from tests.factories import (
    CountryFactory,
    LanguageFactory,
    MemberFactory,
    PartyFactory,
    RegionFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

DIRECTORY = "/en/network/people/"


def names(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [m["display_name"] for m in response.json()["results"]]


@pytest.fixture
def signed_in(young_leader) -> Client:  # type: ignore[no-untyped-def]
    from tests.factories import make_profile

    make_profile(young_leader)
    client = Client()
    client.force_login(young_leader)
    return client


def test_young_leader_finds_a_parliamentarian_by_region_topic_and_language(signed_in):
    africa = RegionFactory(code="africa")
    latam = RegionFactory(code="latin-america")
    colombia = CountryFactory(iso2="CO", name="Colombia", region=latam)
    kenya = CountryFactory(iso2="KE", name="Kenya", region=africa)
    care = TopicFactory(slug="care-economy", name="Care economy")
    spanish = LanguageFactory(code="es", name="Spanish")
    MemberFactory(
        display_name="Lucía Gómez",
        parliamentarian=True,
        country=colombia,
        with_profile={"expertise": [care], "languages": [spanish]},
    )
    MemberFactory(display_name="Other Colombian", country=colombia)
    MemberFactory(
        display_name="Kenyan Carer",
        country=kenya,
        with_profile={"expertise": [care], "languages": [spanish]},
    )

    response = signed_in.get(
        "/en/network/people.json",
        {"region": "latin-america", "topic": "care-economy", "language": "es"},
    )
    assert names(response) == ["Lucía Gómez"]
    assert response.json()["count"] == 1

    page = signed_in.get(DIRECTORY, {"region": "latin-america", "topic": "care-economy"})
    assert "Lucía Gómez" in page.content.decode()
    assert "Kenyan Carer" not in page.content.decode()
    assert "1 member found" in page.content.decode()


def test_search_matches_name_headline_and_party_without_accents(signed_in):
    party = PartyFactory(name="Partido Progresista", short_name="PPX")
    MemberFactory(display_name="José Álvarez", party=party, with_profile={"headline": "Senador"})
    MemberFactory(display_name="Someone Else")
    for query in ("jose", "ÁLVAREZ", "senad", "progresista", "ppx", "jose alvarez"):
        assert names(signed_in.get("/en/network/people.json", {"q": query})) == ["José Álvarez"]
    assert names(signed_in.get("/en/network/people.json", {"q": "nobody-here"})) == []


def test_the_last_word_matches_as_typed_the_words_before_it_whole(signed_in):
    MemberFactory(display_name="Amara Diallo", with_profile={"headline": "Care economy organiser"})
    MemberFactory(display_name="Career Coach", with_profile={"headline": "Careers in economics"})
    search = lambda q: names(signed_in.get("/en/network/people.json", {"q": q}))  # noqa: E731
    assert search("care econ") == ["Amara Diallo"]  # "care" whole, "econ" still being typed
    assert sorted(search("care")) == ["Amara Diallo", "Career Coach"]  # one word: a prefix
    assert search("car economy") == []  # "car" is not a word of either headline
    assert search("careers econom") == ["Career Coach"]


def test_sorting_by_name_and_newest(signed_in):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    MemberFactory(display_name="Zoe Old", date_joined=now - timedelta(days=300))
    MemberFactory(display_name="Adam New", date_joined=now - timedelta(days=1))
    by_name = names(signed_in.get("/en/network/people.json", {"sort": "name"}))
    assert by_name.index("Adam New") < by_name.index("Zoe Old")
    newest = names(signed_in.get("/en/network/people.json", {"sort": "newest"}))
    assert newest.index("Adam New") < newest.index("Zoe Old")


def test_filter_state_lives_in_the_url_and_pages_keep_it(signed_in):
    region = RegionFactory(code="europe")
    country = CountryFactory(region=region)
    for n in range(25):
        MemberFactory(display_name=f"European {n:02d}", country=country)
    response = signed_in.get(DIRECTORY, {"region": "europe"})
    html = response.content.decode()
    assert 'href="?region=europe&amp;page=2"' in html
    page2 = signed_in.get(DIRECTORY, {"region": "europe", "page": 2}).content.decode()
    assert "European 24" in page2 and "European 00" not in page2


def test_the_script_gets_only_the_results_region(signed_in):
    MemberFactory(display_name="Fetch Me")
    response = signed_in.get(DIRECTORY, HTTP_X_REQUESTED_WITH="fetch")
    html = response.content.decode()
    assert "Fetch Me" in html and "<html" not in html and "data-result-count" in html
    assert "X-Requested-With" in response["Vary"]


def test_directory_runs_the_same_number_of_queries_whatever_the_page_size(
    signed_in, django_assert_num_queries, settings
):
    from network.selectors import search_directory

    topic = TopicFactory()
    lang = LanguageFactory(code="en")
    for _n in range(30):
        MemberFactory(with_profile={"expertise": [topic], "languages": [lang]})
    viewer = User.objects.get(handle="amina")

    def run(size: int) -> None:
        page = search_directory(viewer=viewer, filters={"q": "", "role": ""}, page_size=size)
        assert len(page.members) == size
        assert any(m["expertise"] and m["languages"] for m in page.members)

    # In memory: the version check, then members, topics and languages of cards not yet read.
    search_directory(viewer=viewer, filters={"q": "nobody"})  # this process reads the directory
    with django_assert_num_queries(4):
        run(5)
    with django_assert_num_queries(4):
        run(25)
    with django_assert_num_queries(1):
        run(25)  # every card already read
    # In SQL: count, page ids, members, topics, languages.
    settings.DIRECTORY_MEMORY_INDEX = False
    with django_assert_num_queries(5):
        run(5)
    with django_assert_num_queries(5):
        run(25)


@pytest.mark.parametrize("in_memory, queries", [(True, 8), (False, 12)])
def test_directory_page_query_count_is_fixed(
    signed_in, django_assert_num_queries, settings, in_memory, queries
):
    settings.DIRECTORY_MEMORY_INDEX = in_memory
    for _ in range(3):
        MemberFactory()
    signed_in.get(DIRECTORY)  # warm caches (ContentTypes, session; the directory's cards)
    with django_assert_num_queries(queries):
        signed_in.get(DIRECTORY)
    for _ in range(20):
        MemberFactory()
    signed_in.get(DIRECTORY)
    with django_assert_num_queries(queries):
        signed_in.get(DIRECTORY)


def test_the_total_is_capped_for_very_broad_queries(signed_in, monkeypatch):
    import network.selectors as selectors

    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    for _ in range(8):
        MemberFactory()
    data = signed_in.get("/en/network/people.json").json()
    assert data["count"] == 5 and data["count_capped"] is True
    assert COUNT_CAP >= 1000


def test_invalid_filters_are_ignored_not_an_error(signed_in):
    response = signed_in.get(DIRECTORY, {"region": "atlantis"})
    assert response.status_code == 200
    assert "were not understood" in response.content.decode()


def test_network_home_redirects_to_the_directory(client):
    response = client.get("/en/network/")
    assert response.status_code == 302 and response["Location"] == DIRECTORY


def test_visitors_see_only_members_who_chose_public_listing(client):
    MemberFactory(display_name="Public Person", with_profile={"listing_audience": Audience.PUBLIC})
    MemberFactory(display_name="Members Only")
    html = client.get(DIRECTORY).content.decode()
    assert "Public Person" in html and "Members Only" not in html


def test_verified_filter_excludes_unverified_claims(signed_in):
    MemberFactory(display_name="Verified MP", parliamentarian=True)
    MemberFactory(
        display_name="Claimed MP",
        role=User.Role.PARLIAMENTARIAN,
        parliamentarian_status=User.ParliamentarianStatus.CLAIMED,
    )
    assert names(signed_in.get("/en/network/people.json", {"verified": "on"})) == ["Verified MP"]
