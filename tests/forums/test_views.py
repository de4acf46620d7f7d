"""Pages from the outside: fixed query counts, the XSS corpus through real posting, no-JS flows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forums.models import Audience, Participant, Post, ReadState, Thread
from realtime.models import StreamEvent
from tests.factories import CategoryFactory, UserFactory, make_thread
from tests.forums.test_rendering import PAYLOADS, assert_safe_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def category(db):  # type: ignore[no-untyped-def]
    return CategoryFactory(slug="campaigns", name="Campaigns", read_audience=Audience.MEMBERS)


def _bulk_thread(category, author, *, posts: int, participants: int) -> Thread:  # type: ignore[no-untyped-def]
    """A thread with many posts and participants (reactions included), built quickly."""
    from forums import services

    thread = make_thread(author=author, category=category, title=f"Busy {posts}")
    people = [UserFactory() for _ in range(participants)]
    for n in range(2, posts + 1):
        person = people[n % participants]
        post = services.create_post(
            author=person, thread=thread, body=f"Reply **{n}** from @{author.handle}"
        )
        if n % 3 == 0:
            services.react(user=author, post=post, kind="like")
    thread.refresh_from_db()
    return thread


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def test_thread_page_query_count_does_not_grow_with_posts_or_participants(
    client, category, young_leader, django_assert_num_queries
):
    small = _bulk_thread(category, young_leader, posts=5, participants=5)
    large = _bulk_thread(category, young_leader, posts=50, participants=50)
    reader = UserFactory()
    client.force_login(reader)
    # Warm up: reading new posts costs one write; compare pages already read.
    for url in (small.get_absolute_url(), large.get_absolute_url()):
        client.get(url)
        client.get(url + "?page=3")
    counts = {
        "small": _queries(client, small.get_absolute_url()),
        "large": _queries(client, large.get_absolute_url()),
        "large, last page": _queries(client, large.get_absolute_url() + "?page=3"),
    }
    assert len(set(counts.values())) == 1, counts
    with django_assert_num_queries(counts["small"]):
        client.get(small.get_absolute_url())


def test_category_page_query_count_does_not_grow_with_threads(client, young_leader):
    counts = {}
    for size in (5, 50):
        cat = CategoryFactory(slug=f"size-{size}")
        for n in range(size):
            make_thread(author=young_leader, category=cat, title=f"Thread number {n}")
        client.force_login(young_leader)
        client.get(f"/en/forums/c/size-{size}/")  # warms the header badge cache
        counts[size] = _queries(client, f"/en/forums/c/size-{size}/")
    assert counts[5] == counts[50], counts
    client.logout()
    assert _queries(client, "/en/forums/") == _queries(client, "/en/forums/")


def test_no_hostile_payload_survives_the_real_posting_path(client, category, young_leader):
    """Every payload of the shared corpus, posted over HTTP, stored, rendered in the page and
    pushed live, stays harmless."""
    thread = make_thread(author=young_leader, category=category)
    writer = UserFactory(handle="writer", date_joined=timezone.now() - timedelta(days=90))
    client.force_login(writer)
    for param in PAYLOADS:
        payload = param.values[0]
        response = client.post(f"/en/forums/t/{thread.pk}/reply/", {"body": payload, "post": "1"})
        assert response.status_code in (302, 200), payload
    posts = list(Post.objects.filter(thread=thread, author=writer))
    assert len(posts) >= 50
    for post in posts:
        assert_safe_html(post.body_html)
    pushed = StreamEvent.objects.filter(stream=f"thread:{thread.pk}", event="post.created")
    for event in pushed:
        assert_safe_html(event.data["body_html"])
    # Pages insert exactly the stored (checked) HTML; hostile text only appears escaped.
    shown = "".join(
        client.get(thread.get_absolute_url(), {"page": page}).content.decode()
        for page in range(1, thread.posts.count() // 20 + 2)
    )
    for post in posts:
        assert post.body_html in shown
    assert "<script>alert" not in shown


def test_preview_without_javascript_shows_the_rendered_post_and_saves_nothing(
    client, category, young_leader
):
    client.force_login(young_leader)
    response = client.post(
        "/en/forums/c/campaigns/new/",
        {"title": "WhatsApp groups in Chile", "body": "**Bold** plan", "preview": "1"},
    )
    assert response.status_code == 200
    assert "<strong>Bold</strong>" in response.content.decode()
    assert not Thread.objects.exists()


def test_writing_a_thread_and_replying_over_plain_http(
    client, category, young_leader, parliamentarian
):
    client.force_login(young_leader)
    response = client.post(
        "/en/forums/c/campaigns/new/",
        {"title": "How we ran the youth primary", "body": "Ask me, @ana", "post": "1"},
    )
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == thread.get_absolute_url()
    client.force_login(parliamentarian)
    page = client.get(thread.get_absolute_url(), {"quote": thread.posts.first().pk})
    assert "wrote in #post-" in page.content.decode()
    response = client.post(f"/en/forums/t/{thread.pk}/reply/", {"body": "Great!", "post": "1"})
    reply = Post.objects.get(number=2)
    assert response["Location"].endswith(f"#post-{reply.pk}")


def test_a_permalink_opens_the_page_holding_the_post(client, category, young_leader):
    thread = _bulk_thread(category, young_leader, posts=45, participants=3)
    post = thread.posts.get(number=41)
    client.force_login(UserFactory())
    response = client.get(f"/en/forums/p/{post.pk}/")
    assert response["Location"].endswith(f"?page=3#post-{post.pk}")


def test_jump_to_first_unread_goes_to_the_first_post_not_yet_read(client, category, young_leader):
    thread = _bulk_thread(category, young_leader, posts=30, participants=2)
    reader = UserFactory()
    ReadState.objects.create(user=reader, thread=thread, last_read_number=24)
    client.force_login(reader)
    response = client.get(f"/en/forums/t/{thread.pk}/unread/")
    target = thread.posts.get(number=25)
    assert response["Location"].endswith(f"?page=2#post-{target.pk}")


def test_hidden_posts_show_a_placeholder_to_members_and_the_body_to_moderators(
    client, category, young_leader, moderator
):
    from forums import services

    thread = make_thread(author=young_leader, category=category, body="Embarrassing text")
    services.hide_post(moderator=moderator, post=thread.posts.first())
    reader = UserFactory()
    client.force_login(reader)
    assert "Embarrassing text" not in client.get(thread.get_absolute_url()).content.decode()
    client.force_login(moderator)
    assert "Embarrassing text" in client.get(thread.get_absolute_url()).content.decode()


def test_search_filters_by_category_author_and_topic(client, young_leader, parliamentarian):
    from network.models import Topic

    care = Topic.objects.create(slug="care", name="Care economy")
    a = CategoryFactory(slug="a")
    b = CategoryFactory(slug="b")
    t1 = make_thread(author=young_leader, category=a, title="Care bill drafting", body="care leave")
    t1.topics.add(care)
    make_thread(author=parliamentarian, category=b, title="Care in Chile", body="care leave")
    client.force_login(young_leader)

    def titles(**params: object) -> list[str]:
        response = client.get("/en/forums/search/", {"q": "care", **params})
        return [
            t for t in ("Care bill drafting", "Care in Chile") if t in response.content.decode()
        ]

    assert titles() == ["Care bill drafting", "Care in Chile"]
    assert titles(category=b.pk) == ["Care in Chile"]
    assert titles(author="ana") == ["Care in Chile"]
    assert titles(topic=care.pk) == ["Care bill drafting"]


def test_moderators_see_the_queue_and_hide_a_flagged_post_over_http(
    client, category, young_leader, moderator
):
    from forums import services

    thread = make_thread(author=young_leader, category=category, body="Buy cheap watches")
    post = thread.posts.first()
    services.flag_post(reporter=UserFactory(), post=post, reason="spam")
    client.force_login(moderator)
    assert "Buy cheap watches" in client.get("/en/forums/moderation/").content.decode()
    client.post(f"/en/forums/p/{post.pk}/mod/hide/", {"reason": "spam", "next": "queue"})
    post.refresh_from_db()
    assert post.is_hidden
    assert "Buy cheap watches" not in client.get("/en/forums/moderation/").content.decode()


def test_participants_are_counted_once_per_member(category, young_leader):
    thread = _bulk_thread(category, young_leader, posts=10, participants=3)
    assert thread.participant_count == Participant.objects.filter(thread=thread).count() == 4
