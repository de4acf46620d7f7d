"""The privacy matrix: every audience level x every viewer role x every surface.

Two members are planted per test, each field carrying a unique token:
- ``subject`` is listed publicly; photo, city, links, bio and email each have the audience under
  test and their own token;
- ``recluse`` has a *listing* audience under test and a token in their headline (searchable),
  and is the only member of their country.

A token must reach a surface exactly when the audience allows the viewer; where a surface shows
that field, it must appear when allowed (so the test cannot pass by showing nothing).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from network.models import Audience, User
from tests.factories import CountryFactory, MemberFactory, PartyFactory, make_profile

pytestmark = pytest.mark.django_db

AUDIENCES = list(Audience)
VIEWERS = ["anonymous", "young_leader", "parliamentarian", "party_staff", "alliance_staff", "self"]
VIEWER_TIER = {
    "anonymous": Audience.PUBLIC,
    "young_leader": Audience.MEMBERS,
    "party_staff": Audience.MEMBERS,
    "parliamentarian": Audience.PARLIAMENTARIANS,
    "alliance_staff": Audience.STAFF,
}
SURFACES = [
    "profile_page",
    "profile_json",
    "directory_page",
    "directory_json",
    "search",
    "filter_count",
    "party_page",
    "party_list_count",
    "csv_export",
]
FIELDS = ["photo", "city", "links", "bio", "email"]
# Which fields each surface displays when allowed (others must simply never leak).
SHOWS = {
    "profile_page": {"photo", "city", "links", "bio", "email", "listing"},
    "profile_json": {"photo", "city", "links", "bio", "email", "listing"},
    "directory_page": {"photo", "city", "listing"},
    "directory_json": {"photo", "city", "links", "bio", "email", "listing"},
    "search": {"bio", "listing"},
    "filter_count": {"bio", "listing"},
    "party_page": {"photo", "city", "listing"},
    "party_list_count": {"listing"},
    "csv_export": {"city", "links", "email", "listing"},
}


def token() -> str:
    return f"tok{uuid.uuid4().hex[:12]}"


@dataclass
class World:
    subject: User
    recluse: User
    tokens: dict[str, str]
    viewers: dict[str, User | None]


@pytest.fixture
def world_for(young_leader, parliamentarian, party_staff, comms_staff):  # type: ignore[no-untyped-def]
    def build(audience: Audience) -> World:
        tokens = {name: token() for name in [*FIELDS, "listing"]}
        party = PartyFactory()
        subject = MemberFactory(
            display_name="Subject Person",
            email=f"{tokens['email']}@example.org",
            party=party,
            country=CountryFactory(iso2="QS", name="Subjectland"),
            parliamentarian=True,
        )
        make_profile(
            subject,
            listing_audience=Audience.PUBLIC,
            photo_audience=audience,
            city_audience=audience,
            links_audience=audience,
            bio_audience=audience,
            email_audience=audience,
            city=tokens["city"],
            website=f"https://{tokens['links']}.example.org/",
            bio=f"I campaign on care work {tokens['bio']}.",
        )
        subject.profile.photo.save(f"{tokens['photo']}.png", ContentFile(b"png"), save=True)
        recluse = MemberFactory(
            display_name="Recluse Person",
            party=party,
            country=CountryFactory(iso2="QR", name="Reclusia"),
        )
        # The token sits in the headline, not the name: a member's own name is in the page
        # header when they are signed in.
        make_profile(recluse, listing_audience=audience, headline=f"Organiser {tokens['listing']}")
        for viewer in (young_leader, parliamentarian, party_staff, comms_staff):
            make_profile(viewer, listing_audience=Audience.STAFF)
        viewers = {
            "anonymous": None,
            "young_leader": young_leader,
            "parliamentarian": parliamentarian,
            "party_staff": party_staff,
            "alliance_staff": comms_staff,
        }
        return World(subject, recluse, tokens, viewers)

    return build


def client_for(world: World, viewer: str, target: User) -> Client:
    client = Client()
    user = target if viewer == "self" else world.viewers[viewer]
    if user is not None:
        client.force_login(user)
    return client


# Lists (directory, search, counts, party lists) show a member to themself by the rule of their
# own tier (the recluse is a young leader); their profile page always opens for them.
LIST_SURFACES = {
    "directory_page",
    "directory_json",
    "search",
    "filter_count",
    "party_page",
    "party_list_count",
}


def allowed(viewer: str, audience: Audience) -> bool:
    return viewer == "self" or VIEWER_TIER[viewer] >= audience


def listed(
    viewer: str, audience: Audience, surface: str, own_tier: Audience = Audience.MEMBERS
) -> bool:
    if viewer == "self" and surface in LIST_SURFACES:
        return own_tier >= audience
    return allowed(viewer, audience)


def field_visible(viewer: str, audience: Audience, surface: str) -> bool:
    """The subject's own fields: shown in full on their own card and page, but what search
    *matches* for them follows their tier's rule (the subject is a parliamentarian)."""
    if surface in {"search", "filter_count"}:
        return listed(viewer, audience, surface, own_tier=Audience.PARLIAMENTARIANS)
    return allowed(viewer, audience)


def fetch(client: Client, surface: str, target: User, tok: str) -> tuple[str, int | None]:
    """The surface's text as this client sees it, and the result count where it has one."""
    if surface == "profile_page":
        response = client.get(f"/en/network/people/{target.handle}/")
        return response.content.decode(), None
    if surface == "profile_json":
        response = client.get(f"/en/network/people/{target.handle}/profile.json")
        return response.content.decode(), None
    if surface == "directory_page":
        return client.get("/en/network/people/", {"page_size": 100}).content.decode(), None
    if surface == "directory_json":
        return client.get("/en/network/people.json").content.decode(), None
    if surface == "search":
        data = client.get("/en/network/people.json", {"q": tok})
        return data.content.decode(), data.json()["count"]
    if surface == "filter_count":
        # A filter (the member's own country) combined with the token: only the count shows.
        data = client.get(
            "/en/network/people.json", {"q": tok, "country": target.country.iso2}
        ).json()
        return "", data["count"]
    if surface == "party_page":
        return client.get(f"/en/network/parties/{target.party.slug}/").content.decode(), None
    if surface == "party_list_count":
        from network.models import Party

        html = client.get("/en/network/parties/", {"country": target.party.country.iso2})
        party = Party.objects.get(pk=target.party.pk)
        assert party.label in html.content.decode()
        return html.content.decode(), None
    if surface == "csv_export":
        response = client.get("/admin/network/members.csv")
        if response.status_code != 200:
            return "", None
        return b"".join(response.streaming_content).decode(), None
    raise AssertionError(surface)


# Directory lists are answered from each process's in-memory copy (network.directory_store)
# and, while a process builds it, in SQL: the list surfaces run on both paths.
SQL_SURFACES = ["directory_page", "directory_json", "search", "filter_count", "party_page"]
SURFACE_PATHS = [pytest.param(s, "memory", id=s) for s in SURFACES] + [
    pytest.param(s, "sql", id=f"{s}-sql") for s in SQL_SURFACES
]
PATHS = ["memory", "sql"]


@pytest.mark.parametrize("surface, path", SURFACE_PATHS)
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("audience", AUDIENCES, ids=[a.name.lower() for a in AUDIENCES])
def test_hidden_fields_reach_no_surface_the_audience_does_not_allow(
    world_for, audience, viewer, surface, path, settings
):
    settings.DIRECTORY_MEMORY_INDEX = path == "memory"
    world = world_for(audience)
    csv_viewer = surface == "csv_export"

    # The subject's five sensitive fields, all at ``audience``.
    client = client_for(world, viewer, world.subject)
    for field in FIELDS:
        tok = world.tokens[field]
        text, count = fetch(client, surface, world.subject, tok)
        may = field_visible(viewer, audience, surface) and (
            not csv_viewer or viewer == "alliance_staff"
        )
        if not may:
            assert tok not in text, f"{field} leaked to {viewer} on {surface}"
            if count is not None:
                assert count == 0, f"{field} counted for {viewer} on {surface}"
        elif field in SHOWS[surface]:
            assert tok in text or count == 1, f"{field} missing for {viewer} on {surface}"

    # Being listed at all: the recluse's name token, their country's count, the party count.
    client = client_for(world, viewer, world.recluse)
    tok = world.tokens["listing"]
    text, count = fetch(client, surface, world.recluse, tok)
    may = listed(viewer, audience, surface) and (not csv_viewer or viewer == "alliance_staff")
    if surface == "party_list_count":
        # The party has the subject (public) and the recluse: the count must not betray them.
        expected = 2 if may else 1
        assert f"{expected} member" in text, f"party count wrong for {viewer}"
    elif not may:
        assert tok not in text, f"listing leaked to {viewer} on {surface}"
        if count is not None:
            assert count == 0
    else:
        assert tok in text or count == 1, f"listed member missing for {viewer} on {surface}"


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_safety_mode_hides_presence_and_location_from_everyone_but_staff(
    world_for, viewer, comms_staff, path, settings
):
    from network import services

    settings.DIRECTORY_MEMORY_INDEX = path == "memory"

    world = world_for(Audience.PUBLIC)
    client = client_for(world, viewer, world.subject)
    # Listed first (so a copy in memory holds them listed), then hidden: the change applies.
    assert client.get("/en/network/people.json", {"country": "QS"}).json()["count"] == 1
    services.set_member_safety_mode(actor=comms_staff, member=world.subject, enabled=True)
    profile = client.get(f"/en/network/people/{world.subject.handle}/")
    listing = client.get("/en/network/people.json", {"country": "QS"}).json()
    staff_or_self = viewer in {"alliance_staff", "self"}
    assert (profile.status_code == 200) is staff_or_self
    # Lists show the member to themself by their own tier's rule: staff only now.
    assert (listing["count"] == 1) is (viewer == "alliance_staff")
    if staff_or_self:
        assert world.tokens["city"] in profile.content.decode()
        assert "Subjectland" in profile.content.decode()


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_country_safety_mode_hides_every_member_there_from_non_staff(
    world_for, viewer, comms_staff, path, settings
):
    from network import services
    from network.models import Country

    settings.DIRECTORY_MEMORY_INDEX = path == "memory"

    world = world_for(Audience.PUBLIC)
    country = Country.objects.get(iso2="QS")
    client = client_for(world, viewer, world.subject)
    assert client.get("/en/network/people.json", {"country": "QS"}).json()["count"] == 1
    services.set_country_safety_mode(actor=comms_staff, country=country, enabled=True)
    count = client.get("/en/network/people.json", {"country": "QS"}).json()["count"]
    assert (count == 1) is (viewer == "alliance_staff")
    own_page = client.get(f"/en/network/people/{world.subject.handle}/")
    assert (own_page.status_code == 200) is (viewer in {"alliance_staff", "self"})

    services.set_country_safety_mode(actor=comms_staff, country=country, enabled=False)
    count = client.get("/en/network/people.json", {"country": "QS"}).json()["count"]
    assert count == 1
