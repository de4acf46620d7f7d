"""Onboarding after sign-up, editing a profile and previewing it as others see it."""

from __future__ import annotations

import pytest
from django.test import Client

from network.models import Audience, MemberProfile, User
from tests.factories import (
    CountryFactory,
    LanguageFactory,
    PartyFactory,
    TopicFactory,
    make_profile,
)

pytestmark = pytest.mark.django_db


def test_a_new_member_is_sent_to_the_guided_profile_step_after_confirming_their_email(client):
    import re

    from django.core import mail

    client.post(
        "/en/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "a-long-pass-phrase-2026",
            "password2": "a-long-pass-phrase-2026",
            "display_name": "Nadia New",
            "role": User.Role.YOUNG_LEADER,
        },
    )
    user = User.objects.get(email="new@example.org")
    assert MemberProfile.objects.filter(user=user).exists() and user.handle
    link = re.search(r"https?://\S+/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = link.split("testserver", 1)[-1]
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == "/en/network/welcome/"


def test_onboarding_saves_role_party_country_languages_topics_and_mentoring(young_leader):
    country = CountryFactory(iso2="CO", name="Colombia")
    party = PartyFactory(country=country)
    lang = LanguageFactory(code="es")
    care = TopicFactory(slug="care-economy")
    client = Client()
    client.force_login(young_leader)
    assert client.get("/en/network/welcome/").status_code == 200
    response = client.post(
        "/en/network/welcome/",
        {
            "role": User.Role.PARLIAMENTARIAN,
            "country": country.pk,
            "party": party.pk,
            "languages": [lang.pk],
            "expertise": [care.pk],
            "interests": [care.pk],
            "open_to_mentor": "on",
        },
    )
    assert response.status_code == 302
    young_leader.refresh_from_db()
    profile = young_leader.profile
    assert young_leader.party == party and young_leader.country == country
    # Choosing "parliamentarian" is a claim for staff to verify, never a badge.
    assert young_leader.parliamentarian_status == User.ParliamentarianStatus.CLAIMED
    assert not young_leader.is_verified_parliamentarian
    assert list(profile.languages.all()) == [lang] and list(profile.expertise.all()) == [care]
    assert profile.open_to_mentor and not profile.open_to_mentee and profile.onboarded_at


def test_onboarding_refuses_a_party_from_another_country(young_leader):
    client = Client()
    client.force_login(young_leader)
    response = client.post(
        "/en/network/welcome/",
        {"role": "young_leader", "country": CountryFactory().pk, "party": PartyFactory().pk},
    )
    assert response.status_code == 200
    assert "not in the country you chose" in response.content.decode()


def test_editing_the_profile_updates_what_search_finds(young_leader):
    make_profile(young_leader)
    client = Client()
    client.force_login(young_leader)
    form = client.get("/en/network/me/edit/")
    assert form.status_code == 200
    response = client.post(
        "/en/network/me/edit/",
        {
            "display_name": "Amina N.",
            "headline": "Climate organiser in Mombasa",
            "bio": "Zanzibarwords",
            "photo_audience": Audience.MEMBERS,
            "bio_audience": Audience.PUBLIC,
            "city_audience": Audience.MEMBERS,
            "links_audience": Audience.MEMBERS,
            "email_audience": Audience.ONLY_ME,
            "listing_audience": Audience.PUBLIC,
            "gender": MemberProfile.Gender.UNDISCLOSED,
            "social_links": "https://social.example.org/@amina",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    visitor = Client()
    found = visitor.get("/en/network/people.json", {"q": "mombasa"}).json()
    assert [m["display_name"] for m in found["results"]] == ["Amina N."]
    assert visitor.get("/en/network/people.json", {"q": "zanzibarwords"}).json()["count"] == 1


def test_social_links_must_be_web_addresses(young_leader):
    make_profile(young_leader)
    client = Client()
    client.force_login(young_leader)
    response = client.post(
        "/en/network/me/edit/",
        {"display_name": "A", "social_links": "javascript:alert(1)", "gender": "undisclosed"},
    )
    assert response.status_code == 200
    assert "is not a web address" in response.content.decode()


def test_previews_show_the_profile_as_the_public_and_as_a_member_see_it(young_leader):
    make_profile(
        young_leader,
        listing_audience=Audience.PUBLIC,
        city="Mombasa-city-token",
        city_audience=Audience.MEMBERS,
        bio="Public-bio-token",
        bio_audience=Audience.PUBLIC,
    )
    client = Client()
    client.force_login(young_leader)
    public = client.get("/en/network/me/preview/", {"as": "public"}).content.decode()
    members = client.get("/en/network/me/preview/", {"as": "members"}).content.decode()
    assert "Public-bio-token" in public and "Mombasa-city-token" not in public
    assert "Public-bio-token" in members and "Mombasa-city-token" in members


def test_preview_says_when_an_audience_cannot_find_the_member_at_all(young_leader):
    make_profile(young_leader, listing_audience=Audience.MEMBERS, bio="Secret-bio")
    client = Client()
    client.force_login(young_leader)
    public = client.get("/en/network/me/preview/", {"as": "public"}).content.decode()
    assert "data-preview-hidden" in public and "Secret-bio" not in public


def test_a_parliamentarians_profile_shows_their_mandate(parliamentarian):
    make_profile(
        parliamentarian,
        parliament="Congreso",
        chamber="Senado",
        committees="Care\nLabour",
        listing_audience=Audience.PUBLIC,
    )
    html = Client().get("/en/network/people/ana/").content.decode()
    assert "Congreso" in html and "Senado" in html and "Verified parliamentarian" in html


def test_members_by_region_counts_are_the_public_figures(parliamentarian, young_leader):
    from network.selectors import members_by_region_counts

    make_profile(parliamentarian, listing_audience=Audience.PUBLIC)
    make_profile(young_leader, listing_audience=Audience.MEMBERS)
    counts = {row["code"]: row["count"] for row in members_by_region_counts()}
    assert sum(counts.values()) == 1
    signed_in = {row["code"]: row["count"] for row in members_by_region_counts(viewer=young_leader)}
    assert sum(signed_in.values()) == 2


def test_profile_url_points_at_the_profile_page(young_leader):
    from network.selectors import profile_url

    assert profile_url(young_leader) == "/en/network/people/amina/"


def test_party_directory_filters_by_region_and_lists_visible_members(young_leader):
    from tests.factories import MemberFactory, RegionFactory

    africa = RegionFactory(code="africa")
    kenya = CountryFactory(iso2="KE", name="Kenya", region=africa)
    party = PartyFactory(name="Kenya Labour", country=kenya)
    PartyFactory(
        name="Elsewhere Party", country=CountryFactory(region=RegionFactory(code="europe"))
    )
    MemberFactory(display_name="Party Public", party=party, with_profile={"listing_audience": 0})
    MemberFactory(display_name="Party Private", party=party, with_profile={"listing_audience": 3})
    client = Client()
    html = client.get("/en/network/parties/", {"region": "africa"}).content.decode()
    assert "Kenya Labour" in html and "Elsewhere Party" not in html
    page = client.get(f"/en/network/parties/{party.slug}/").content.decode()
    assert "Party Public" in page and "Party Private" not in page
