"""Live forums from the outside: websocket subscribers of real forum streams, driven by the
forum services (the same ones the pages call).

Covers the audience matrix (viewer roles x thread/category/user streams x event kinds,
hidden posts included), access cuts within a second (move, delete, merge, silence,
deactivation, role loss), posting over the socket (ack, idempotency, translated refusals),
rolled-back posts, catch-up after 50 missed posts, typing and presence.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from tests.support.services import requires_postgres, ws_headers

pytestmark = pytest.mark.django_db(transaction=True)

EPHEMERAL = {"presence", "presence.roster", "typing"}


@pytest.fixture(autouse=True)
def _no_posting_limits(settings):  # type: ignore[no-untyped-def]
    settings.FORUMS_LIMITS = {"INTERVAL": 0, "NEW_MEMBER_INTERVAL": 0, "DUPLICATE_WINDOW": 0}


@pytest.fixture(autouse=True)
def _fresh_presence():  # type: ignore[no-untyped-def]
    from realtime import presence

    presence.reset_local()
    yield
    presence.reset_local()


def application():  # type: ignore[no-untyped-def]
    from config.asgi import application as app

    return app


async def connect(user: Any = None) -> WebsocketCommunicator:
    headers = await database_sync_to_async(ws_headers)(user=user, origin="http://localhost")
    communicator = WebsocketCommunicator(application(), "/ws/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def next_frame(
    communicator: WebsocketCommunicator, timeout: float = 3, *, ephemeral: bool = False
) -> dict[str, Any]:
    """The next frame; ephemeral events (typing, presence) are passed over unless asked for.
    Raises ``asyncio.TimeoutError`` after ``timeout`` seconds without one (without cancelling
    the application, which ``receive_output``'s own timeout would do)."""
    deadline = time.monotonic() + timeout
    while True:
        while communicator.output_queue.empty():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            await communicator.receive_nothing(timeout=min(0.02, remaining), interval=0.005)
        output = await communicator.receive_output(timeout=1)
        if output["type"] == "websocket.close":
            return {"type": "closed", "code": output.get("code")}
        frame = json.loads(output["text"])
        if ephemeral or frame.get("event") not in EPHEMERAL:
            return frame


async def subscribe(
    communicator: WebsocketCommunicator, stream: str, last_seq: int | None = None
) -> list[dict[str, Any]]:
    """Subscribe; returns the replayed frames followed by the ``subscribed`` or error frame."""
    frame: dict[str, Any] = {"type": "subscribe", "stream": stream}
    if last_seq is not None:
        frame["last_seq"] = last_seq
    await communicator.send_to(text_data=json.dumps(frame))
    frames = []
    while True:
        reply = await next_frame(communicator)
        frames.append(reply)
        if reply["type"] in {"subscribed", "error", "closed"}:
            return frames


async def drain(communicator: WebsocketCommunicator, quiet: float = 0.3) -> list[dict[str, Any]]:
    """Every non-ephemeral frame until the socket stays quiet for ``quiet`` seconds."""
    frames = []
    while True:
        try:
            frames.append(await next_frame(communicator, timeout=quiet))
        except TimeoutError:
            return frames


async def nothing_more(communicator: WebsocketCommunicator, wait: float = 0.5) -> bool:
    return not await drain(communicator, quiet=wait)


def call(fn: Any, /, **kwargs: Any) -> Any:
    return database_sync_to_async(fn)(**kwargs)


def with_totp(user: Any) -> Any:
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.support.services import TEST_TOTP_SECRET

    TOTP.activate(user, TEST_TOTP_SECRET)
    return user


def make_category(audience: str, slug: str) -> Any:
    from tests.factories.forums import CategoryFactory

    return CategoryFactory(slug=slug, read_audience=audience, post_audience=audience)


def make_thread(author: Any, category: Any, title: str = "Organising the youth primary") -> Any:
    from tests.factories.forums import make_thread as factory

    return factory(author=author, category=category, title=title)


# --- the live insert looks like a reload ------------------------------------------------------


async def test_a_live_post_is_the_same_list_item_as_after_a_reload(client, moderator):
    from forums import services
    from forums.models import Audience

    category = await call(make_category, audience=Audience.PUBLIC, slug="open-board")
    thread = await call(make_thread, author=moderator, category=category)
    reader = await connect()
    assert (await subscribe(reader, f"thread:{thread.pk}"))[-1]["type"] == "subscribed"
    post = await call(
        services.create_post, author=moderator, thread=thread, body="**Hello** everyone"
    )
    frame = await next_frame(reader)
    assert frame["event"] == "post.created" and frame["data"]["post_id"] == post.pk
    data = frame["data"]
    live = data["html"]["en"].replace(
        '<div class="post-body" data-body></div>',
        f'<div class="post-body" data-body>{data["body_html"]}</div>',
    )
    page = (await database_sync_to_async(client.get)(thread.get_absolute_url())).content.decode()
    start = page.index(f'<li class="post" id="post-{post.pk}"')
    reloaded = page[start : page.index("</li>", start) + len("</li>")]
    assert " ".join(live.split()) == " ".join(reloaded.split())
    assert set(data["html"]) == {code for code, _name in settings.LANGUAGES}
    assert "csrfmiddlewaretoken" not in json.dumps(data)
    await reader.disconnect()


# --- audience matrix ----------------------------------------------------------------------

# Who reads each audience, written out by hand (not derived from forums.permissions).
READERS = {
    "public": {"anonymous", "young_leader", "parliamentarian", "party_staff", "staff", "moderator"},
    "members": {"young_leader", "parliamentarian", "party_staff", "staff", "moderator"},
    "young_leaders": {"young_leader", "moderator"},
    "parliamentarians": {"parliamentarian", "moderator"},
    "staff": {"staff", "moderator"},
    "moderators": {"moderator"},
}


@pytest.fixture
def viewers(db, young_leader, parliamentarian, party_staff, moderator):  # type: ignore[no-untyped-def]
    from network.models import User
    from tests.factories import UserFactory

    staff = UserFactory(role=User.Role.ALLIANCE_STAFF, display_name="Staff Member")
    return {
        "anonymous": None,
        "young_leader": young_leader,
        "parliamentarian": parliamentarian,
        "party_staff": party_staff,
        "staff": with_totp(staff),
        "moderator": moderator,
    }


def _play_every_event(*, writer: Any, moderator: Any, young_leader: Any, threads: dict) -> dict:
    """Every forum event kind in every thread; returns, per stream, the event names in
    order with who may see each (None = every reader of the stream)."""
    from forums import services
    from forums.models import Audience

    expected: dict[str, list[tuple[str, set[str] | None]]] = {}

    def add(stream: str, event: str, only: set[str] | None = None) -> None:
        expected.setdefault(stream, []).append((event, only))

    for audience, thread in threads.items():
        stream = f"thread:{thread.pk}"
        post = services.create_post(author=writer, thread=thread, body=f"Visible in {audience}")
        add(stream, "post.created")
        services.react(user=moderator, post=post, kind="like")
        add(stream, "reaction")
        services.edit_post(editor=writer, post=post, body="Edited while visible")
        add(stream, "post.edited")
        services.hide_post(moderator=moderator, post=post, reason="test")
        add(stream, "post.hidden")
        post.refresh_from_db()
        services.edit_post(editor=writer, post=post, body="SECRET edit while hidden")
        add(stream, "post.edited", {"moderator"})  # its author (writer) is not a viewer here
        services.restore_post(moderator=moderator, post=post)
        add(stream, "post.restored")
        doomed = services.create_post(author=writer, thread=thread, body="To be deleted")
        add(stream, "post.created")
        services.delete_post(actor=moderator, post=doomed)
        add(stream, "post.deleted")
        if audience in (Audience.MEMBERS, Audience.YOUNG_LEADERS):
            own = services.create_post(author=young_leader, thread=thread, body="My own words")
            add(stream, "post.created")
            services.hide_post(moderator=moderator, post=own)
            add(stream, "post.hidden")
            own.refresh_from_db()
            services.edit_post(editor=young_leader, post=own, body="SECRET own hidden edit")
            add(stream, "post.edited", {"young_leader", "moderator"})
        services.lock_thread(moderator=moderator, thread=thread)
        add(stream, "thread.locked")
        services.pin_thread(moderator=moderator, thread=thread)
        add(stream, "thread.pinned")
        add(f"category:{thread.category_id}", "thread.pinned")
        make_thread(writer, thread.category, title=f"Another thread for {audience}")
        add(f"category:{thread.category_id}", "thread.created")
    return expected


async def test_audience_matrix_every_viewer_gets_exactly_what_they_may_see(viewers, moderator):
    from forums.models import Audience
    from tests.factories import UserFactory

    writer = await call(lambda: with_totp(UserFactory(moderator=True, display_name="Writer")))
    threads = {}
    for audience in Audience.values:
        category = await call(make_category, audience=audience, slug=f"board-{audience}")
        threads[audience] = await call(make_thread, author=writer, category=category)

    sockets: dict[str, WebsocketCommunicator] = {}
    for name, user in viewers.items():
        sockets[name] = await connect(user)
        for audience, thread in threads.items():
            for stream in (f"thread:{thread.pk}", f"category:{thread.category_id}"):
                reply = (await subscribe(sockets[name], stream))[-1]
                allowed = name in READERS[audience]
                assert reply["type"] == ("subscribed" if allowed else "error"), (name, stream)
                assert allowed or reply["code"] == "forbidden"
        for other_name, other in viewers.items():
            if other is None:
                continue
            reply = (await subscribe(sockets[name], f"user:{other.pk}"))[-1]
            assert reply["type"] == ("subscribed" if other_name == name else "error")

    expected = await call(
        _play_every_event,
        writer=writer,
        moderator=moderator,
        young_leader=viewers["young_leader"],
        threads=threads,
    )
    stream_audience = {}
    for audience, thread in threads.items():
        stream_audience[f"thread:{thread.pk}"] = audience
        stream_audience[f"category:{thread.category_id}"] = audience

    for name, communicator in sockets.items():
        frames = await drain(communicator, quiet=0.5)
        got: dict[str, list[tuple[str, int, str | None]]] = {}
        for frame in frames:
            got.setdefault(frame["stream"], []).append(
                (frame["type"], frame["seq"], frame.get("event"))
            )
            if name not in {"moderator", "young_leader"}:
                assert "SECRET own" not in json.dumps(frame), (name, frame)
        for stream, events in expected.items():
            if name not in READERS[stream_audience[stream]]:
                assert stream not in got, (name, stream)  # no leak
                continue
            kinds = [kind for kind, _seq, _event in got.get(stream, [])]
            names = [event for _kind, _seq, event in got.get(stream, [])]
            want_kinds = [
                "event" if only is None or name in only else "skip" for _event, only in events
            ]
            want_names = [event if only is None or name in only else None for event, only in events]
            assert kinds == want_kinds, (name, stream)  # no miss, no leak
            assert names == want_names, (name, stream)
            seqs = [seq for _kind, seq, _event in got[stream]]
            assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
        await communicator.disconnect()


async def test_notifications_reach_only_their_recipients_stream(young_leader, parliamentarian):
    from forums import services
    from forums.models import Audience

    category = await call(make_category, audience=Audience.MEMBERS, slug="notify-board")
    thread = await call(make_thread, author=young_leader, category=category)
    mine = await connect(young_leader)
    theirs = await connect(parliamentarian)
    assert (await subscribe(mine, f"user:{young_leader.pk}"))[-1]["type"] == "subscribed"
    assert (await subscribe(theirs, f"user:{parliamentarian.pk}"))[-1]["type"] == "subscribed"
    await call(services.create_post, author=parliamentarian, thread=thread, body="Replying @amina")
    frame = await next_frame(mine)
    assert frame["event"] == "notification" and frame["data"]["count"] >= 1
    assert await nothing_more(theirs)
    await mine.disconnect()
    await theirs.disconnect()


# --- access cut within a second ------------------------------------------------------------


async def _expect_revoked(communicator: WebsocketCommunicator, stream: str, started: float) -> None:
    while True:
        frame = await next_frame(communicator, timeout=1.5)
        if frame["type"] == "revoked":
            assert frame["stream"] == stream
            assert time.monotonic() - started < 1.0
            return
        assert frame["type"] == "event" and frame["event"] == "thread.moved", frame


async def _expect_closed(communicator: WebsocketCommunicator, started: float) -> None:
    frame = await next_frame(communicator, timeout=1.5)
    assert frame == {"type": "closed", "code": 4401}
    assert time.monotonic() - started < 1.0


async def test_readers_who_lose_access_when_a_thread_moves_are_cut_off_at_once(
    young_leader, parliamentarian, moderator
):
    from forums import services
    from forums.models import Audience

    open_board = await call(make_category, audience=Audience.MEMBERS, slug="open-mv")
    closed_board = await call(make_category, audience=Audience.PARLIAMENTARIANS, slug="mps-mv")
    thread = await call(make_thread, author=moderator, category=open_board)
    stream = f"thread:{thread.pk}"
    leaver = await connect(young_leader)
    stayer = await connect(parliamentarian)
    for communicator in (leaver, stayer):
        assert (await subscribe(communicator, stream))[-1]["type"] == "subscribed"
    started = time.monotonic()
    await call(services.move_thread, moderator=moderator, thread=thread, category=closed_board)
    await _expect_revoked(leaver, stream, started)
    moved = await next_frame(stayer)
    assert moved["event"] == "thread.moved"
    await call(services.create_post, author=moderator, thread=thread, body="For MPs only now")
    assert (await next_frame(stayer))["event"] == "post.created"
    assert await nothing_more(leaver)
    # Re-subscribing is refused too.
    assert (await subscribe(leaver, stream))[-1]["code"] == "forbidden"
    await leaver.disconnect()
    await stayer.disconnect()


async def test_deleting_a_thread_cuts_off_every_reader_but_moderators(young_leader, moderator):
    from forums import services
    from forums.models import Audience

    board = await call(make_category, audience=Audience.MEMBERS, slug="del-board")
    thread = await call(make_thread, author=moderator, category=board)
    first = await database_sync_to_async(lambda: thread.posts.get(number=1))()
    stream = f"thread:{thread.pk}"
    reader = await connect(young_leader)
    mod = await connect(moderator)
    for communicator in (reader, mod):
        assert (await subscribe(communicator, stream))[-1]["type"] == "subscribed"
    started = time.monotonic()
    await call(services.delete_post, actor=moderator, post=first)
    frame = await next_frame(reader, timeout=1.5)
    if frame["type"] == "event":  # the deletion event itself may come first
        assert frame["event"] == "post.deleted"
        frame = await next_frame(reader, timeout=1.5)
    assert frame == {"type": "revoked", "stream": stream}
    assert time.monotonic() - started < 1.0
    assert (await next_frame(mod))["event"] == "post.deleted"
    assert await nothing_more(mod) and await nothing_more(reader)
    await reader.disconnect()
    await mod.disconnect()


async def test_readers_of_a_merged_thread_are_cut_off_from_its_stream(young_leader, moderator):
    from forums import services
    from forums.models import Audience

    board = await call(make_category, audience=Audience.MEMBERS, slug="merge-board")
    source = await call(make_thread, author=moderator, category=board, title="Duplicate topic")
    target = await call(make_thread, author=moderator, category=board, title="Original topic")
    reader = await connect(young_leader)
    stream = f"thread:{source.pk}"
    assert (await subscribe(reader, stream))[-1]["type"] == "subscribed"
    started = time.monotonic()
    await call(services.merge_threads, moderator=moderator, source=source, target=target)
    await _expect_revoked(reader, stream, started)
    await reader.disconnect()


async def test_silencing_a_member_closes_their_sockets_at_once(young_leader, moderator):
    from datetime import timedelta

    from django.utils import timezone

    from forums import services

    communicator = await connect(young_leader)
    assert (await subscribe(communicator, f"user:{young_leader.pk}"))[-1]["type"] == "subscribed"
    started = time.monotonic()
    await call(
        services.silence_member,
        moderator=moderator,
        member=young_leader,
        until=timezone.now() + timedelta(days=1),
    )
    await _expect_closed(communicator, started)


@pytest.mark.parametrize(
    "change",
    ["deactivated", "parliamentarian_status_lost", "role_lost", "superuser_lost"],
)
async def test_access_field_changes_close_the_members_sockets_at_once(change, parliamentarian):
    from network.models import User

    def apply() -> None:
        user = User.objects.get(pk=parliamentarian.pk)
        if change == "deactivated":
            user.is_active = False
        elif change == "parliamentarian_status_lost":
            user.parliamentarian_status = User.ParliamentarianStatus.REJECTED
        elif change == "role_lost":
            user.role = User.Role.PARTY_STAFF
        else:
            user.is_superuser = False
            User.objects.filter(pk=user.pk).update(is_superuser=True)
        user.save()  # as the Wagtail/Django admin user forms do

    communicator = await connect(parliamentarian)
    assert (await subscribe(communicator, f"user:{parliamentarian.pk}"))[-1]["type"] == (
        "subscribed"
    )
    started = time.monotonic()
    await database_sync_to_async(apply)()
    await _expect_closed(communicator, started)


async def test_saving_a_member_without_access_changes_keeps_their_socket(young_leader):
    from network.models import User

    def touch() -> None:
        user = User.objects.get(pk=young_leader.pk)
        user.display_name = "Amina N."
        user.save()
        user.save(update_fields=["last_login"])

    communicator = await connect(young_leader)
    assert (await subscribe(communicator, f"user:{young_leader.pk}"))[-1]["type"] == "subscribed"
    await database_sync_to_async(touch)()
    assert await nothing_more(communicator)
    await communicator.disconnect()


# --- posting over the socket ---------------------------------------------------------------


@pytest.fixture
def members_thread(db, moderator):  # type: ignore[no-untyped-def]
    from forums.models import Audience

    return make_thread(moderator, make_category(Audience.MEMBERS, "post-board"))


async def post_frame(communicator: WebsocketCommunicator, thread: Any, body: str, key: str) -> None:
    frame = {"type": "post", "stream": f"thread:{thread.pk}", "body": body, "key": key}
    await communicator.send_to(text_data=json.dumps(frame))


async def test_a_post_frame_stores_the_post_and_acks_the_author(
    young_leader, parliamentarian, members_thread
):
    from forums.models import Post

    author = await connect(young_leader)
    reader = await connect(parliamentarian)
    stream = f"thread:{members_thread.pk}"
    for communicator in (author, reader):
        assert (await subscribe(communicator, stream))[-1]["type"] == "subscribed"
    key = str(uuid.uuid4())
    await post_frame(author, members_thread, "Posted *live*", key)
    frames = [await next_frame(author), await next_frame(author)]
    ack = next(f for f in frames if f["type"] == "ack")
    created = next(f for f in frames if f["type"] == "event")
    post = await database_sync_to_async(Post.objects.get)(idempotency_key=key)
    assert ack == {
        "type": "ack",
        "stream": stream,
        "key": key,
        "id": post.pk,
        "seq": created["seq"],
        "url": post.get_absolute_url(),
    }
    seen = await next_frame(reader)
    assert seen["event"] == "post.created" and "<em>live</em>" in seen["data"]["body_html"]
    await author.disconnect()
    await reader.disconnect()


async def test_the_same_key_five_times_stores_one_post_and_broadcasts_once(
    young_leader, parliamentarian, members_thread
):
    from forums.models import Post

    author = await connect(young_leader)
    reader = await connect(parliamentarian)
    stream = f"thread:{members_thread.pk}"
    assert (await subscribe(reader, stream))[-1]["type"] == "subscribed"
    key = str(uuid.uuid4())
    acks = []
    for _attempt in range(5):
        await post_frame(author, members_thread, "Retried on a flaky network", key)
        acks.append(await next_frame(author))
    assert {a["type"] for a in acks} == {"ack"}
    assert len({(a["id"], a["seq"]) for a in acks}) == 1
    count = await database_sync_to_async(Post.objects.filter(idempotency_key=key).count)()
    assert count == 1
    frames = await drain(reader)
    assert [f["event"] for f in frames] == ["post.created"]
    await author.disconnect()
    await reader.disconnect()


def test_the_same_key_five_times_concurrently_stores_one_post_and_one_event(
    young_leader, members_thread, settings
):
    """Five requests racing with one key (PostgreSQL row locks and unique index)."""
    import threading

    from django.db import connection

    from forums import services
    from forums.models import Post
    from realtime.models import StreamEvent

    requires_postgres("row locks need PostgreSQL")
    settings.FORUMS_LIMITS = {"INTERVAL": 10, "NEW_MEMBER_INTERVAL": 60, "DUPLICATE_WINDOW": 300}
    key = uuid.uuid4()
    barrier = threading.Barrier(5)
    results: list[Any] = []

    def attempt() -> None:
        try:
            barrier.wait()
            results.append(
                services.create_post(
                    author=young_leader,
                    thread=members_thread,
                    body="Racing retries",
                    idempotency_key=key,
                ).pk
            )
        except Exception as exc:  # collected: the test fails on any error
            results.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=attempt) for _ in range(5)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(results) == 5 and len(set(results)) == 1, results
    assert Post.objects.filter(idempotency_key=key).count() == 1
    events = StreamEvent.objects.filter(
        stream=f"thread:{members_thread.pk}", event="post.created", data__post_id=results[0]
    )
    assert events.count() == 1


async def test_refused_posts_get_a_translated_error_with_their_key(
    young_leader, members_thread, settings
):
    settings.FORUMS_LIMITS = {"INTERVAL": 0, "NEW_MEMBER_INTERVAL": 0, "DUPLICATE_WINDOW": 300}
    author = await connect(young_leader)
    key = str(uuid.uuid4())
    await post_frame(author, members_thread, "   ", key)
    empty = await next_frame(author)
    assert empty["type"] == "error" and empty["code"] == "post_refused"
    assert empty["key"] == key and empty["message"] == "Write something before posting."
    await post_frame(author, members_thread, "Same words", str(uuid.uuid4()))
    assert (await next_frame(author))["type"] == "ack"
    await post_frame(author, members_thread, "Same words", str(uuid.uuid4()))
    duplicate = await next_frame(author)
    assert duplicate["message"] == "You posted exactly this a moment ago."
    await author.disconnect()


async def test_post_frames_are_validated_and_anonymous_visitors_cannot_post(members_thread):
    visitor = await connect()
    await post_frame(visitor, members_thread, "Hello", str(uuid.uuid4()))
    assert (await next_frame(visitor))["code"] == "forbidden"
    for frame in (
        {"type": "post", "stream": f"thread:{members_thread.pk}", "body": "x", "key": "not-a-uuid"},
        {"type": "post", "stream": "user:1", "body": "x", "key": str(uuid.uuid4())},
        {"type": "post", "stream": f"thread:{members_thread.pk}", "body": 3, "key": "k"},
    ):
        await visitor.send_to(text_data=json.dumps(frame))
        assert (await next_frame(visitor))["code"] == "bad_frame"
    await visitor.disconnect()


async def test_members_who_may_not_reply_get_an_error_not_a_post(
    young_leader, moderator, members_thread
):
    from forums import services
    from forums.models import Post

    await call(services.lock_thread, moderator=moderator, thread=members_thread)
    author = await connect(young_leader)
    key = str(uuid.uuid4())
    await post_frame(author, members_thread, "Sneaking in", key)
    frame = await next_frame(author)
    assert frame["code"] == "forbidden" and frame["message"].startswith("This thread is locked")
    assert not await database_sync_to_async(Post.objects.filter(idempotency_key=key).exists)()
    await author.disconnect()


async def test_socket_posting_is_rate_limited(young_leader, members_thread, settings):
    settings.REALTIME = {**settings.REALTIME, "POSTS_PER_MINUTE": 2}
    author = await connect(young_leader)
    replies = []
    for n in range(3):
        await post_frame(author, members_thread, f"Post number {n}", str(uuid.uuid4()))
        replies.append(await next_frame(author))
    assert [r["type"] for r in replies] == ["ack", "ack", "error"]
    assert replies[-1]["code"] == "rate_limited"
    await author.disconnect()


async def test_a_rolled_back_post_pushes_nothing(young_leader, parliamentarian, members_thread):
    from django.db import transaction

    from forums import services
    from forums.models import Post

    reader = await connect(parliamentarian)
    assert (await subscribe(reader, f"thread:{members_thread.pk}"))[-1]["type"] == "subscribed"

    def post_then_fail() -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.create_post(author=young_leader, thread=members_thread, body="Never seen")
            raise RuntimeError("the request failed after posting")

    await database_sync_to_async(post_then_fail)()
    assert await nothing_more(reader, wait=0.8)
    assert not await database_sync_to_async(Post.objects.filter(body="Never seen").exists)()
    await reader.disconnect()


# --- catch-up ------------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["young_leader", "moderator"])
async def test_catch_up_after_50_missed_posts_delivers_exactly_those_in_order(
    viewer, young_leader, moderator, members_thread
):
    from forums import services
    from forums.models import Post

    user = young_leader if viewer == "young_leader" else moderator
    stream = f"thread:{members_thread.pk}"
    first = await connect(user)
    subscribed = (await subscribe(first, stream))[-1]
    seen = subscribed["seq"]
    await first.disconnect()

    def fifty_posts() -> tuple[list[int], set[int]]:
        ids = []
        for n in range(50):
            ids.append(
                services.create_post(
                    author=moderator, thread=members_thread, body=f"Missed post {n}"
                ).pk
            )
        hidden = set(ids[5:50:10])  # hidden later: their creation must not replay
        for post in Post.objects.filter(pk__in=hidden):
            services.hide_post(moderator=moderator, post=post)
        return ids, hidden

    ids, hidden = await database_sync_to_async(fifty_posts)()
    again = await connect(user)
    frames = await subscribe(again, stream, last_seq=seen)
    replay, done = frames[:-1], frames[-1]
    assert done["type"] == "subscribed"
    assert [f["seq"] for f in replay] == list(range(seen + 1, done["seq"] + 1))
    created = [f for f in replay if f["type"] == "event" and f["event"] == "post.created"]
    hides = [f for f in replay if f["type"] == "event" and f["event"] == "post.hidden"]
    skips = [f for f in replay if f["type"] == "skip"]
    assert len(hides) == len(hidden)
    if viewer == "moderator":
        assert [f["data"]["post_id"] for f in created] == ids and not skips
    else:
        assert [f["data"]["post_id"] for f in created] == [i for i in ids if i not in hidden]
        assert len(skips) == len(hidden)
        assert all(set(f) == {"type", "stream", "seq"} for f in skips)
        text = json.dumps(replay)
        assert not [n for n in range(5, 50, 10) if f"Missed post {n}<" in text]
    await again.disconnect()


# --- typing and presence -------------------------------------------------------------------


def _safety_mode(member: Any) -> None:
    from network.models import MemberProfile

    MemberProfile.objects.update_or_create(user=member, defaults={"safety_mode": True})


async def test_readers_see_who_is_reading_and_members_in_safety_mode_never_appear(
    young_leader, parliamentarian, party_staff, members_thread
):
    await call(_safety_mode, member=party_staff)
    stream = f"thread:{members_thread.pk}"
    first = await connect(young_leader)
    await subscribe(first, stream)
    roster = await next_frame(first, ephemeral=True)
    assert roster["event"] == "presence.roster" and roster["data"] == {"members": []}

    hidden = await connect(party_staff)
    await subscribe(hidden, stream)
    second = await connect(parliamentarian)
    await subscribe(second, stream)
    roster = await next_frame(second, ephemeral=True)
    assert roster["data"]["members"] == [{"user_id": young_leader.pk, "name": "Amina Njoroge"}]

    others = [f for f in await drain_all(first) if f.get("event") == "presence"]
    frames = [f for f in others if f["data"]["user_id"] != young_leader.pk]
    assert [f["data"] for f in frames] == [
        {"user_id": parliamentarian.pk, "name": "Ana Souza", "state": "here"}
    ]
    await second.disconnect()
    frames = [f for f in await drain_all(first) if f.get("event") == "presence"]
    assert [f["data"]["state"] for f in frames] == ["gone"]
    await hidden.disconnect()
    await first.disconnect()


async def drain_all(communicator: WebsocketCommunicator, quiet: float = 0.4) -> list[dict]:
    frames = []
    while True:
        try:
            frames.append(await next_frame(communicator, timeout=quiet, ephemeral=True))
        except TimeoutError:
            return frames


async def test_typing_is_relayed_rate_limited_and_anonymous_in_safety_mode(
    young_leader, parliamentarian, members_thread
):
    stream = f"thread:{members_thread.pk}"
    writer = await connect(young_leader)
    reader = await connect(parliamentarian)
    await subscribe(writer, stream)
    await subscribe(reader, stream)
    await drain_all(reader)
    for _ in range(3):
        await writer.send_to(text_data=json.dumps({"type": "typing", "stream": stream}))
    typing = [f for f in await drain_all(reader) if f.get("event") == "typing"]
    assert len(typing) == 1
    assert typing[0]["seq"] == 0
    assert typing[0]["data"]["user_id"] == young_leader.pk
    assert typing[0]["data"]["name"] == "Amina Njoroge"

    await call(_safety_mode, member=young_leader)
    shy = await connect(young_leader)
    await subscribe(shy, stream)
    await shy.send_to(text_data=json.dumps({"type": "typing", "stream": stream}))
    typing = [f for f in await drain_all(reader) if f.get("event") == "typing"]
    assert len(typing) == 1 and typing[0]["data"]["user_id"] is None
    assert typing[0]["data"]["name"] is None
    for communicator in (writer, reader, shy):
        await communicator.disconnect()


async def test_members_who_may_not_write_send_no_typing_signal(
    young_leader, parliamentarian, moderator, members_thread
):
    from forums import services

    await call(services.lock_thread, moderator=moderator, thread=members_thread)
    stream = f"thread:{members_thread.pk}"
    writer = await connect(young_leader)
    reader = await connect(parliamentarian)
    await subscribe(writer, stream)
    await subscribe(reader, stream)
    await drain_all(reader)
    await writer.send_to(text_data=json.dumps({"type": "typing", "stream": stream}))
    assert not [f for f in await drain_all(reader) if f.get("event") == "typing"]
    for communicator in (writer, reader):
        await communicator.disconnect()


async def test_a_country_in_safety_mode_hides_its_members_from_presence(
    young_leader, parliamentarian, members_thread
):
    from network.models import Country

    await database_sync_to_async(
        lambda: Country.objects.filter(pk=parliamentarian.country_id).update(safety_mode=True)
    )()
    stream = f"thread:{members_thread.pk}"
    watcher = await connect(young_leader)
    await subscribe(watcher, stream)
    await drain_all(watcher)
    hidden = await connect(parliamentarian)
    await subscribe(hidden, stream)
    assert not [
        f
        for f in await drain_all(watcher)
        if f.get("event") == "presence" and f["data"]["user_id"] == parliamentarian.pk
    ]
    for communicator in (watcher, hidden):
        await communicator.disconnect()


async def test_turning_safety_mode_on_closes_the_members_sockets_so_they_leave_rosters(
    young_leader, parliamentarian, members_thread, comms_staff
):
    from network import services as network_services

    stream = f"thread:{members_thread.pk}"
    watcher = await connect(young_leader)
    await subscribe(watcher, stream)
    member = await connect(parliamentarian)
    await subscribe(member, stream)
    await drain_all(watcher)
    started = time.monotonic()
    await call(
        network_services.set_member_safety_mode,
        actor=comms_staff,
        member=parliamentarian,
        enabled=True,
    )
    await _expect_closed(member, started)
    gone = [f for f in await drain_all(watcher) if f.get("event") == "presence"]
    assert [f["data"]["state"] for f in gone] == ["gone"]
    await watcher.disconnect()
