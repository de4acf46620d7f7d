"""Viewer roles x category audiences x every endpoint: nothing leaks, nothing wrongly denied.

The expected table is written out here on purpose (not derived from forums.permissions) so the
test checks the rule, not the implementation against itself.
"""

from __future__ import annotations

import pytest
from django.test import Client

from forums.models import Audience, Notification
from network.models import User
from tests.factories import CategoryFactory, UserFactory, make_thread

pytestmark = pytest.mark.django_db

ALL = set(Audience.values)
CAN_READ = {
    "anonymous": {"public"},
    "young_leader": {"public", "members", "young_leaders"},
    "claimed_parliamentarian": {"public", "members"},
    "parliamentarian": {"public", "members", "parliamentarians"},
    "party_staff": {"public", "members"},
    "comms_staff": {"public", "members", "staff"},
    "moderator": ALL,
}


def _viewer(role: str, request: pytest.FixtureRequest) -> User | None:
    if role == "anonymous":
        return None
    if role == "claimed_parliamentarian":
        return UserFactory(
            role=User.Role.PARLIAMENTARIAN,
            parliamentarian_status=User.ParliamentarianStatus.CLAIMED,
            handle="claimed",
        )
    return request.getfixturevalue(role)


@pytest.fixture
def board(author):  # type: ignore[no-untyped-def]
    """One category per audience, each with a thread whose title and body carry a token."""
    threads = {}
    for audience in Audience.values:
        category = CategoryFactory(
            slug=f"board-{audience}",
            name=f"Board {audience}",
            read_audience=audience,
            post_audience=audience,
        )
        threads[audience] = make_thread(
            author=author,
            category=category,
            title=f"Thread token{audience}x",
            body=f"Body bodytoken{audience}x for the network",
        )
    return threads


@pytest.mark.parametrize("role", list(CAN_READ))
def test_every_endpoint_shows_exactly_the_audiences_the_role_belongs_to(role, request, board):
    viewer = _viewer(role, request)
    client = Client()
    if viewer is not None:
        client.force_login(viewer)
        for thread in board.values():
            # As if notified before the thread became unreadable (e.g. moved away).
            Notification.objects.create(
                recipient=viewer, kind="mention", thread=thread, post=thread.posts.first()
            )
    problems = []
    index = client.get("/en/forums/").content.decode()
    feed = client.get("/en/forums/feed/").content.decode()
    search = client.get("/en/forums/search/", {"q": "network"}).content.decode()
    member = client.get("/en/forums/members/starter/").content.decode()
    notifications = client.get("/en/forums/notifications/")
    for audience, thread in board.items():
        allowed = audience in CAN_READ[role]
        post = thread.posts.first()
        checks = {
            "index": (f"Board {audience}" in index) == allowed,
            "feed": (f"token{audience}x" in feed) == allowed,
            "search": (f"token{audience}x" in search) == allowed,
            "member page": (f"token{audience}x" in member) == allowed,
            "category": client.get(f"/en/forums/c/board-{audience}/").status_code
            == (200 if allowed else 404),
            "category feed": client.get(f"/en/forums/c/board-{audience}/feed/").status_code
            == (200 if allowed else 404),
            "thread": client.get(thread.get_absolute_url()).status_code
            == (200 if allowed else 404),
            "unread jump": client.get(f"/en/forums/t/{thread.pk}/unread/").status_code
            == (302 if allowed else 404),
            "permalink": client.get(f"/en/forums/p/{post.pk}/").status_code
            == (302 if allowed else 404),
        }
        if viewer is None:
            checks["notifications"] = notifications.status_code == 302
            checks["mentions"] = (
                client.get("/en/forums/mentions/", {"q": "st", "thread": thread.pk}).status_code
                == 302
            )
        else:
            checks["notifications"] = (
                f"token{audience}x" in notifications.content.decode()
            ) == allowed
            checks["mentions"] = client.get(
                "/en/forums/mentions/", {"q": "st", "thread": thread.pk}
            ).status_code == (200 if allowed else 404)
        problems += [f"{audience}: {name}" for name, ok in checks.items() if not ok]
    assert not problems, f"{role} sees wrongly: {problems}"


@pytest.mark.parametrize("role", ["young_leader", "parliamentarian", "party_staff", "comms_staff"])
def test_members_can_post_only_where_their_audience_may_post(role, request, board):
    viewer = _viewer(role, request)
    client = Client()
    client.force_login(viewer)
    problems = []
    for audience, thread in board.items():
        response = client.post(
            f"/en/forums/t/{thread.pk}/reply/", {"body": f"Reply from {role} in {audience}"}
        )
        # Each board's post audience equals its read audience.
        expected = 302 if audience in CAN_READ[role] else 404
        if response.status_code != expected:
            problems.append((audience, response.status_code, expected))
    assert not problems


def test_mention_autocomplete_offers_only_members_who_can_read_the_thread(
    client, young_leader, parliamentarian, comms_staff, board
):
    UserFactory(handle="ana2", display_name="Ana Young", role=User.Role.YOUNG_LEADER)
    client.force_login(parliamentarian)
    members_thread = board["members"]
    mp_thread = board["parliamentarians"]
    open_results = client.get(
        "/en/forums/mentions/", {"q": "a", "thread": members_thread.pk}
    ).json()["results"]
    private_results = client.get("/en/forums/mentions/", {"q": "a", "thread": mp_thread.pk}).json()[
        "results"
    ]
    assert "amina" in {r["handle"] for r in open_results}
    assert "ana2" in {r["handle"] for r in open_results}
    # Young leaders cannot read the parliamentarians' board, so cannot be mentioned there.
    assert not {"amina", "ana2"} & {r["handle"] for r in private_results}
