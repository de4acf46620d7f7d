"""Live delivery from the outside: who sees what, catch-up, revocation, faults, thread hops.

Each test drives the real ASGI application over websockets; events enter through the real
``realtime.services.emit`` in a committed transaction.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from tests.realtime.conftest import ROOMS
from tests.support.services import free_port, ws_headers

pytestmark = pytest.mark.django_db(transaction=True)


def application():  # type: ignore[no-untyped-def]
    from config.asgi import application as app

    return app


async def connect(user=None):  # type: ignore[no-untyped-def]
    headers = await database_sync_to_async(ws_headers)(user=user)
    communicator = WebsocketCommunicator(application(), "/ws/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def subscribe(communicator, stream, last_seq=None):  # type: ignore[no-untyped-def]
    frame = {"type": "subscribe", "stream": stream}
    if last_seq is not None:
        frame["last_seq"] = last_seq
    await communicator.send_to(text_data=json.dumps(frame))
    return await drain(communicator, until=lambda f: f["type"] in {"subscribed", "error"})


async def drain(communicator, *, until=None, quiet=0.3, limit=5.0):  # type: ignore[no-untyped-def]
    """Frames received until ``until(frame)`` matches, or until ``quiet`` seconds of silence."""
    frames = []
    deadline = time.monotonic() + limit
    # Never let receive_output time out: asgiref cancels the application when it does.
    while time.monotonic() < deadline:
        if communicator.output_queue.empty():
            if until is None:
                if await communicator.receive_nothing(timeout=quiet):
                    break
            else:
                await asyncio.sleep(0.01)
            continue
        output = await communicator.receive_output(timeout=1)
        if output["type"] == "websocket.close":
            frames.append({"type": "closed", "code": output.get("code")})
            break
        frame = json.loads(output["text"])
        frames.append(frame)
        if until is not None and until(frame):
            break
    return frames


def _emit(stream, event, data):  # type: ignore[no-untyped-def]
    from realtime.services import emit

    with transaction.atomic():
        return emit(stream=stream, event=event, data=data).seq


emit = database_sync_to_async(_emit)


# --- audience matrix ---------------------------------------------------------------------------

VIEWERS = ["anonymous", "room_member", "outsider", "moderator"]
# Expected outcome per (viewer, stream kind): what arrives for a plain and a hidden event.
EXPECTED = {
    ("anonymous", "testroom"): "refused",
    ("room_member", "testroom"): ("event", "event"),
    ("outsider", "testroom"): "refused",
    ("moderator", "testroom"): "refused",
    ("anonymous", "testmod"): "refused",
    ("room_member", "testmod"): ("event", "skip"),
    ("outsider", "testmod"): ("event", "skip"),
    ("moderator", "testmod"): ("event", "event"),
    ("anonymous", "public"): ("event", "event"),
    ("room_member", "public"): ("event", "event"),
    ("outsider", "public"): ("event", "event"),
    ("moderator", "public"): ("event", "event"),
}


async def _viewer(name, young_leader, parliamentarian, moderator):  # type: ignore[no-untyped-def]
    return {
        "anonymous": None,
        "room_member": young_leader,
        "outsider": parliamentarian,
        "moderator": moderator,
    }[name]


@pytest.mark.parametrize("kind", ["testroom", "testmod", "public"])
@pytest.mark.parametrize("viewer", VIEWERS)
async def test_audience_matrix_no_leak_no_miss(
    viewer, kind, young_leader, parliamentarian, moderator
):
    ROOMS["r1"] = {young_leader.pk}
    stream = {"testroom": "testroom:r1", "testmod": "testmod:t1", "public": "public:site"}[kind]
    user = await _viewer(viewer, young_leader, parliamentarian, moderator)
    communicator = await connect(user)
    reply = (await subscribe(communicator, stream))[-1]
    expected = EXPECTED[(viewer, kind)]
    plain = await emit(stream, "post_created", {"id": 1, "html": "<p>hello</p>"})
    hidden = await emit(stream, "post_hidden", {"id": 2, "html": "<p>secret</p>", "hidden": True})
    frames = await drain(communicator)
    if expected == "refused":
        assert reply["type"] == "error" and reply["code"] == "forbidden"
        assert frames == []
    else:
        assert reply == {"type": "subscribed", "stream": stream, "seq": plain - 1}
        assert [(f["type"], f["seq"]) for f in frames] == [
            (expected[0], plain),
            (expected[1], hidden),
        ]
        if expected[1] == "skip":
            assert "secret" not in json.dumps(frames) and "data" not in frames[1]
    await communicator.disconnect()


# --- persist first, push after commit ----------------------------------------------------------


async def test_rolled_back_write_pushes_nothing(young_leader):
    from realtime.services import emit as real_emit

    communicator = await connect(young_leader)
    await subscribe(communicator, "public:site")

    def write_then_fail():  # type: ignore[no-untyped-def]
        with pytest.raises(RuntimeError), transaction.atomic():
            real_emit(stream="public:site", event="post_created", data={"id": 9})
            raise RuntimeError("validation failed after the write")

    await database_sync_to_async(write_then_fail)()
    assert await drain(communicator) == []
    seq = await emit("public:site", "post_created", {"id": 10})
    # The rolled-back sequence number was rolled back too: no gap for readers.
    assert seq == 1
    assert [f["seq"] for f in await drain(communicator)] == [1]
    await communicator.disconnect()


# --- catch-up ----------------------------------------------------------------------------------


async def test_catch_up_after_50_missed_events_delivers_exactly_those_in_order(young_leader):
    stream = "testmod:catchup"
    for n in range(5):
        await emit(stream, "post_created", {"n": n})
    communicator = await connect(young_leader)
    await subscribe(communicator, stream)
    await communicator.disconnect()
    for n in range(5, 55):
        await emit(stream, "post_created", {"n": n, "hidden": n % 10 == 0})

    communicator = await connect(young_leader)
    frames = await subscribe(communicator, stream, last_seq=5)
    assert frames[-1] == {"type": "subscribed", "stream": stream, "seq": 55}
    replayed = frames[:-1]
    assert [f["seq"] for f in replayed] == list(range(6, 56))
    for frame in replayed:
        n = frame["seq"] - 1
        if n % 10 == 0:
            assert frame == {"type": "skip", "stream": stream, "seq": frame["seq"]}
        else:
            assert frame["type"] == "event" and frame["data"] == {"n": n, "hidden": False}
    # And it is live afterwards.
    seq = await emit(stream, "post_created", {"n": 55})
    assert [f["seq"] for f in await drain(communicator)] == [seq]
    await communicator.disconnect()


async def test_catch_up_rechecks_authorisation_before_replaying(young_leader):
    ROOMS["r2"] = {young_leader.pk}
    for n in range(3):
        await emit("testroom:r2", "post_created", {"n": n})
    ROOMS["r2"] = set()
    communicator = await connect(young_leader)
    frames = await subscribe(communicator, "testroom:r2", last_seq=0)
    assert [f["type"] for f in frames] == ["error"] and frames[0]["code"] == "forbidden"
    await communicator.disconnect()


async def test_more_missed_than_the_cap_tells_the_client_to_reload(young_leader, settings):
    settings.REALTIME = {**settings.REALTIME, "REPLAY_CAP": 10}
    for n in range(15):
        await emit("public:site", "post_created", {"n": n})
    communicator = await connect(young_leader)
    frames = await subscribe(communicator, "public:site", last_seq=2)
    assert frames == [
        {"type": "reset", "stream": "public:site", "seq": 15},
        {"type": "subscribed", "stream": "public:site", "seq": 15},
    ]
    await communicator.disconnect()


async def test_events_published_while_the_replay_is_read_are_neither_lost_nor_doubled(
    young_leader, monkeypatch
):
    from realtime import consumers

    original = consumers._prepare_subscription
    stream = "public:site"
    for n in range(3):
        _ = await emit(stream, "post_created", {"n": n})

    def racing(**kwargs):  # type: ignore[no-untyped-def]
        _emit(stream, "post_created", {"n": "before-read"})  # in the replay and live
        result = original(**kwargs)
        _emit(stream, "post_created", {"n": "after-read"})  # live only
        return result

    monkeypatch.setattr(consumers, "_prepare_subscription", racing)
    communicator = await connect(young_leader)
    frames = await subscribe(communicator, stream, last_seq=1)
    frames += await drain(communicator)
    seqs = [f["seq"] for f in frames if f["type"] == "event"]
    assert seqs == [2, 3, 4, 5]
    await communicator.disconnect()


async def test_resubscribing_with_last_seq_after_a_gap_replays_only_the_gap(young_leader):
    communicator = await connect(young_leader)
    await subscribe(communicator, "public:site")
    for n in range(4):
        await emit("public:site", "post_created", {"n": n})
    assert [f["seq"] for f in await drain(communicator)] == [1, 2, 3, 4]
    # The client saw 1, 2 and 4 (3 was lost on the way): it asks again from 2.
    frames = await subscribe(communicator, "public:site", last_seq=2)
    assert [(f["type"], f["seq"]) for f in frames] == [
        ("event", 3),
        ("event", 4),
        ("subscribed", 4),
    ]
    await communicator.disconnect()


# --- access changes act at once ------------------------------------------------------------------


async def _assert_closed_within_a_second(communicator, code=4401):  # type: ignore[no-untyped-def]
    started = time.monotonic()
    frames = await drain(communicator, until=lambda f: f["type"] == "closed", limit=1.0)
    assert frames and frames[-1] == {"type": "closed", "code": code}, frames
    assert time.monotonic() - started < 1.0


async def test_logout_closes_the_members_sockets_within_a_second(young_leader):
    from django.contrib.auth.signals import user_logged_out
    from django.test import RequestFactory

    communicator = await connect(young_leader)
    await subscribe(communicator, f"user:{young_leader.pk}")
    await database_sync_to_async(user_logged_out.send)(
        sender=type(young_leader), request=RequestFactory().get("/"), user=young_leader
    )
    await _assert_closed_within_a_second(communicator)


@pytest.mark.parametrize("signal_name", ["password_changed", "password_reset"])
async def test_password_change_or_reset_closes_the_members_sockets_within_a_second(
    young_leader, signal_name
):
    from allauth.account import signals

    communicator = await connect(young_leader)
    await subscribe(communicator, "public:site")
    signal = getattr(signals, signal_name)
    await database_sync_to_async(signal.send)(
        sender=type(young_leader), request=None, user=young_leader
    )
    await _assert_closed_within_a_second(communicator)


async def test_deactivation_closes_the_members_sockets_and_they_cannot_come_back(young_leader):
    from realtime.services import revoke_access

    communicator = await connect(young_leader)
    await subscribe(communicator, f"user:{young_leader.pk}")

    def deactivate():  # type: ignore[no-untyped-def]
        with transaction.atomic():
            type(young_leader).objects.filter(pk=young_leader.pk).update(is_active=False)
            revoke_access(user_id=young_leader.pk)

    await database_sync_to_async(deactivate)()
    await _assert_closed_within_a_second(communicator)
    # Reconnecting with the same session cookie gives an anonymous socket.
    again = await connect(young_leader)
    reply = (await subscribe(again, f"user:{young_leader.pk}"))[-1]
    assert reply["code"] == "forbidden"
    await again.disconnect()


async def test_losing_a_role_closes_sockets_and_reconnecting_reauthorises(moderator):
    from network.models import User
    from realtime.services import revoke_access

    communicator = await connect(moderator)
    await subscribe(communicator, "testmod:t9")

    def demote():  # type: ignore[no-untyped-def]
        with transaction.atomic():
            User.objects.filter(pk=moderator.pk).update(role=User.Role.YOUNG_LEADER)
            revoke_access(user_id=moderator.pk)

    await database_sync_to_async(demote)()
    await _assert_closed_within_a_second(communicator)
    again = await connect(moderator)
    await subscribe(again, "testmod:t9")
    seq = await emit("testmod:t9", "post_hidden", {"hidden": True, "html": "secret"})
    assert await drain(again) == [{"type": "skip", "stream": "testmod:t9", "seq": seq}]
    await again.disconnect()


async def test_a_socket_that_missed_its_revocation_is_closed_at_its_next_subscription(
    young_leader,
):
    from network.models import User

    communicator = await connect(young_leader)
    # The epoch moved while the push was lost (live layer down): nothing was sent.
    await database_sync_to_async(
        lambda: User.objects.filter(pk=young_leader.pk).update(access_epoch=99)
    )()
    frames = await subscribe(communicator, "public:site")
    assert frames[-1] == {"type": "closed", "code": 4401} or (
        await drain(communicator, until=lambda f: f["type"] == "closed")
    )[-1] == {"type": "closed", "code": 4401}


async def test_stream_revocation_drops_only_those_no_longer_allowed_within_a_second(
    young_leader, parliamentarian
):
    from realtime.services import revoke_stream

    ROOMS["r3"] = {young_leader.pk, parliamentarian.pk}
    leaving = await connect(young_leader)
    staying = await connect(parliamentarian)
    await subscribe(leaving, "testroom:r3")
    await subscribe(staying, "testroom:r3")
    ROOMS["r3"] = {parliamentarian.pk}

    def move_and_post():  # type: ignore[no-untyped-def]
        with transaction.atomic():
            revoke_stream(stream="testroom:r3")
        return _emit("testroom:r3", "post_created", {"html": "after the move"})

    started = time.monotonic()
    seq = await database_sync_to_async(move_and_post)()
    frames = await drain(leaving, until=lambda f: f["type"] == "revoked", limit=1.0)
    assert frames == [{"type": "revoked", "stream": "testroom:r3"}]
    assert time.monotonic() - started < 1.0
    assert await drain(leaving) == []  # nothing more, in particular not the post
    assert [f["seq"] for f in await drain(staying)] == [seq]
    await leaving.disconnect()
    await staying.disconnect()


# --- the broadcast path --------------------------------------------------------------------------


async def test_the_broadcast_path_makes_no_thread_hop_and_no_query(
    young_leader, monkeypatch, django_assert_num_queries
):
    """Channels 4.2+ hops to a thread before every handler (55% of CPU in a 1,000-socket
    broadcast). Fails if delivering a published event goes through any sync_to_async again."""
    from asgiref.sync import SyncToAsync

    from realtime.events import publish

    sockets = [await connect() for _ in range(20)]
    for communicator in sockets:
        await subscribe(communicator, "public:site")
    hops = []
    original = SyncToAsync.__call__

    async def counting(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        hops.append(getattr(self.func, "__name__", repr(self.func)))
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counting)
    # Published from a plain thread (as an on_commit callback would be), not via sync_to_async.
    await asyncio.get_running_loop().run_in_executor(
        None, lambda: publish(stream="public:site", event="post_created", seq=1, data={"id": 1})
    )
    for communicator in sockets:
        frame = json.loads(await communicator.receive_from(timeout=2))
        assert frame["seq"] == 1
    assert hops == []
    monkeypatch.undo()
    for communicator in sockets:
        await communicator.disconnect()


# --- faults --------------------------------------------------------------------------------------


async def test_emitting_with_redis_down_stores_the_event_quickly(settings, young_leader):
    from realtime import events
    from realtime.models import StreamEvent

    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/5"
    events.reset_breaker()
    started = time.monotonic()
    seqs = [await emit("public:site", "post_created", {"n": n}) for n in range(20)]
    elapsed = time.monotonic() - started
    assert seqs == list(range(1, 21))
    assert await StreamEvent.objects.filter(stream="public:site").acount() == 20
    # One short connect attempt, then the breaker skips publishing: no slow requests.
    assert elapsed < 2.0, elapsed
