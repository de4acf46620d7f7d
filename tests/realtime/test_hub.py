"""The websocket hub from the outside: origins, sessions, authorised subscriptions, bad frames."""

from __future__ import annotations

import asyncio
import json
import os

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from tests.support.services import ws_headers

pytestmark = pytest.mark.django_db(transaction=True)


def application():  # type: ignore[no-untyped-def]
    from config.asgi import application as app

    return app


async def connect(user=None, origin="http://localhost"):  # type: ignore[no-untyped-def]
    headers = await database_sync_to_async(ws_headers)(user=user, origin=origin)
    communicator = WebsocketCommunicator(application(), "/ws/", headers=headers)
    connected, _ = await communicator.connect()
    return communicator, connected


async def send(communicator, frame):  # type: ignore[no-untyped-def]
    await communicator.send_to(text_data=json.dumps(frame) if not isinstance(frame, str) else frame)
    return json.loads(await communicator.receive_from(timeout=3))


async def test_websocket_from_a_foreign_origin_is_refused():
    communicator, connected = await connect(origin="https://evil.example")
    assert connected is False
    await communicator.disconnect()


async def test_websocket_without_origin_header_is_refused():
    communicator = WebsocketCommunicator(application(), "/ws/", headers=[(b"host", b"localhost")])
    connected, _ = await communicator.connect()
    assert connected is False
    await communicator.disconnect()


async def test_anonymous_visitor_may_follow_public_streams_only():
    communicator, connected = await connect()
    assert connected
    assert await send(communicator, {"type": "subscribe", "stream": "public:site"}) == {
        "type": "subscribed",
        "stream": "public:site",
        "seq": 0,
    }
    refused = await send(communicator, {"type": "subscribe", "stream": "user:1"})
    assert refused["type"] == "error" and refused["code"] == "forbidden"
    await communicator.disconnect()


async def test_member_may_follow_own_notifications_but_not_anothers(young_leader, parliamentarian):
    communicator, connected = await connect(user=young_leader)
    assert connected
    own = await send(communicator, {"type": "subscribe", "stream": f"user:{young_leader.pk}"})
    assert own["type"] == "subscribed"
    other = await send(communicator, {"type": "subscribe", "stream": f"user:{parliamentarian.pk}"})
    assert other["code"] == "forbidden"
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "bad_json"),
        ("[1, 2]", "bad_frame"),
        ({"type": "launch-missiles"}, "bad_frame"),
        ({"type": "subscribe", "stream": "../../etc"}, "bad_frame"),
        ({"type": "subscribe", "stream": "unknownkind:1"}, "bad_frame"),
        ({"type": "subscribe"}, "bad_frame"),
    ],
)
async def test_malformed_frames_get_an_error_frame_and_the_socket_stays_open(frame, code):
    communicator, _ = await connect()
    reply = await send(communicator, frame)
    assert reply["type"] == "error" and reply["code"] == code and reply["message"]
    assert await send(communicator, {"type": "ping"}) == {"type": "pong"}
    await communicator.disconnect()


async def test_oversized_frames_are_refused():
    communicator, _ = await connect()
    reply = await send(communicator, json.dumps({"type": "ping", "pad": "x" * 70_000}))
    assert reply["code"] == "too_large"
    await communicator.disconnect()


async def test_error_messages_follow_the_members_language():
    from tests.factories import UserFactory

    member = await database_sync_to_async(UserFactory)(preferred_language="fr")
    communicator, _ = await connect(user=member)
    reply = await send(communicator, "nope")
    assert reply["message"] == "Le message n’a pas pu être lu."
    await communicator.disconnect()


async def test_flooding_the_socket_is_rate_limited(settings):
    settings.REALTIME = {**settings.REALTIME, "FRAMES_PER_10S": 5}
    communicator, _ = await connect()
    replies = [await send(communicator, {"type": "ping"}) for _ in range(7)]
    assert replies[-1]["code"] == "rate_limited"
    await communicator.disconnect()


async def test_logging_out_closes_the_members_open_sockets(young_leader):
    from realtime.events import revoke_user_sockets

    communicator, connected = await connect(user=young_leader)
    assert connected
    # A member logs out from a page that has been open for a moment, not within the same
    # millisecond the socket opened (the process's first Redis subscription may still be
    # confirming then; that window is covered by access_epoch on the next subscription).
    assert await send(communicator, {"type": "ping"}) == {"type": "pong"}
    await asyncio.sleep(0.5)
    await database_sync_to_async(revoke_user_sockets)(user_id=young_leader.pk)
    output = await communicator.receive_output(timeout=2)
    assert output["type"] == "websocket.close" and output["code"] == 4401


@pytest.mark.parametrize("change", ["signed out", "access changed"])
async def test_a_revocation_during_the_sockets_first_moments_still_closes_it(
    young_leader, monkeypatch, change
):
    """The window a revocation push cannot reach: after the session was read, before this
    process's subscription to revocations is confirmed. The socket must notice by itself."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from django.db.models import F

    from realtime import hub as hub_module

    def revoke() -> None:
        if change == "signed out":
            Session.objects.all().delete()
        else:
            get_user_model().objects.filter(pk=young_leader.pk).update(
                access_epoch=F("access_epoch") + 1
            )

    async def revoked_meanwhile(self) -> None:  # type: ignore[no-untyped-def]
        await database_sync_to_async(revoke)()

    for backend in (hub_module._MemoryBackend, hub_module._RedisBackend):
        monkeypatch.setattr(backend, "wait_ready", revoked_meanwhile)
    headers = await database_sync_to_async(ws_headers)(user=young_leader)
    communicator = WebsocketCommunicator(application(), "/ws/", headers=headers)
    connected, _ = await communicator.connect()
    assert connected
    output = await communicator.receive_output(timeout=2)
    assert output["type"] == "websocket.close" and output["code"] == 4401


async def test_a_socket_whose_session_is_intact_stays_open(young_leader):
    communicator, connected = await connect(user=young_leader)
    assert connected
    assert await send(communicator, {"type": "ping"}) == {"type": "pong"}
    await communicator.disconnect()


async def test_published_events_reach_subscribers_of_that_stream_only():
    from realtime.events import publish

    subscribed, _ = await connect()
    bystander, _ = await connect()
    await send(subscribed, {"type": "subscribe", "stream": "public:site"})
    await database_sync_to_async(publish)(
        stream="public:site", event="notice", seq=1, data={"id": 7}
    )
    event = json.loads(await subscribed.receive_from(timeout=2))
    assert event == {
        "type": "event",
        "stream": "public:site",
        "event": "notice",
        "seq": 1,
        "data": {"id": 7},
    }
    assert await bystander.receive_nothing(timeout=0.3)
    await subscribed.disconnect()
    await bystander.disconnect()


@pytest.mark.redis
@pytest.mark.slow
async def test_idle_socket_stays_open_for_60s_on_the_redis_layer(redis_url, settings):
    """redis-py 8's 5 s socket timeout used to kill idle channels-redis consumers with 1011;
    the hub's pub/sub connection has no socket timeout and a heartbeat instead."""
    from realtime import events
    from realtime.events import publish

    settings.REDIS_URL = redis_url
    # Pub/sub channels are global to the Redis server: keep this test's to itself.
    settings.REALTIME = {**settings.REALTIME, "CHANNEL_PREFIX": f"test-idle-{os.getpid()}"}
    events.reset_breaker()
    communicator, connected = await connect()
    assert connected
    await send(communicator, {"type": "subscribe", "stream": "public:site"})
    await asyncio.sleep(60)
    assert await send(communicator, {"type": "ping"}) == {"type": "pong"}
    await database_sync_to_async(publish)(stream="public:site", event="notice", seq=2, data={})
    event = json.loads(await communicator.receive_from(timeout=3))
    assert event["seq"] == 2
    await communicator.disconnect()
