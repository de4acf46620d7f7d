"""The broadcast write path: one prepared frame per event and process, written straight to
daphne's transport, and one failing socket never disturbing the others."""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

import pytest

from realtime.hub import CLOSE_RECONNECT, Message, get_hub, ws_text_frame
from tests.realtime.test_multiprocess import (  # noqa: F401 (fixtures)
    daphnes,
    own_redis,
    post_emit,
    wait_for,
    ws_url,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("size", [0, 1, 125, 126, 300, 65_535, 65_536, 70_000])
def test_the_prepared_frame_is_the_frame_autobahn_would_send(size):
    """What the browser receives must not depend on which path wrote it."""
    from autobahn.websocket.protocol import PreparedMessage

    # Non-ASCII text: lengths are counted in encoded bytes, not characters.
    text = "é" * (size // 2) + "x" * (size % 2)
    payload = text.encode()
    assert len(payload) == size
    expected = PreparedMessage(payload, isBinary=False, applyMask=False, doNotCompress=True)
    assert ws_text_frame(text) == expected.payloadHybi


class FakeSocket:
    """A Follower (realtime.hub) that records what it gets, or fails on delivery."""

    def __init__(self, *, fails: bool = False) -> None:
        self.user_id = None
        self.user = None
        self.following = {"public:site"}
        self.fails = fails
        self.received: list[int] = []
        self.aborted = False
        self.closed_with: int | None = None

    def follows(self, stream: str) -> bool:
        return stream in self.following

    async def deliver(self, stream: str, message: Message) -> None:
        if self.fails:
            raise RuntimeError("Attempt to send on a closed protocol")
        self.received.append(message.seq)

    def backlog_bytes(self) -> int:
        return 0

    def abort(self) -> None:
        self.aborted = True

    async def close_socket(self, code: int) -> None:
        self.closed_with = code

    async def notify(self, text: str) -> None:
        if self.fails:
            raise RuntimeError("Attempt to send on a closed protocol")
        self.received.append(0)


async def test_a_socket_failing_mid_broadcast_is_dropped_and_the_others_still_get_the_event():
    """A socket closing under the hub used to raise out of the fan-out: the sockets after it
    missed the event, and the pub/sub reader took the error for a lost Redis connection and
    made every socket of the process reconnect."""
    hub = get_hub()
    sockets: list[Any] = [FakeSocket(), FakeSocket(fails=True), FakeSocket(), FakeSocket()]
    for socket in sockets:
        hub.attach(socket)
        await hub.join("public:site", socket)
    for seq in (1, 2):
        await hub.on_message(hub.prefix + "public:site", f'E{seq} {{"seq":{seq}}}')
    healthy = [s for s in sockets if not s.fails]
    assert all(s.received == [1, 2] for s in healthy)
    assert sockets[1].aborted and sockets[1] not in hub.sockets
    assert not any(s.aborted or s.closed_with == CLOSE_RECONNECT for s in healthy)
    assert hub.stats.reconnects == 0


async def test_a_socket_failing_while_the_live_layer_is_reported_down_does_not_stop_the_others():
    """``on_lost`` runs in the pub/sub reader after a break: an error escaping it ended the
    reader, and the process never reconnected to Redis."""
    hub = get_hub()
    sockets: list[Any] = [FakeSocket(fails=True), FakeSocket()]
    for socket in sockets:
        hub.attach(socket)
    await hub.on_lost()
    assert sockets[0].aborted and sockets[0] not in hub.sockets
    assert sockets[1].received == [0] and sockets[1] in hub.sockets


@pytest.mark.redis
@pytest.mark.slow
async def test_events_of_every_frame_size_reach_daphne_sockets_intact_and_in_order(
    daphnes,  # noqa: F811
    tmp_path,
):
    """Under daphne, broadcast events take the prepared-frame path (if an upgrade of daphne,
    autobahn or Twisted renames what it relies on, they silently fall back to the slower
    generic path, and this test says so), and arrive byte for byte as published."""
    import websockets

    stats = tmp_path / "stats"
    (server,) = daphnes(1, REALTIME_STATS_FILE=str(stats))
    stream = "testroom:open-frames"
    sizes = [10, 200, 70_000, 5, 1_000, 65_000]

    async def reader() -> list[dict[str, Any]]:
        async with websockets.connect(
            ws_url(server), origin=server.url, max_size=None, ping_interval=None
        ) as ws:
            await ws.send(json.dumps({"type": "subscribe", "stream": stream}))
            while json.loads(await ws.recv())["type"] != "subscribed":
                pass
            ready.set()
            frames = []
            while len(frames) < len(sizes):
                frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if frame["type"] == "event":
                    frames.append(frame)
            return frames

    ready = asyncio.Event()
    readers = [asyncio.ensure_future(reader()) for _ in range(3)]
    assert await wait_for(lambda: ready.is_set(), 10)
    await asyncio.sleep(0.3)  # every reader subscribed, not only the first
    for n, size in enumerate(sizes):
        await asyncio.to_thread(
            lambda n=n, size=size: post_emit_html(server, stream, n, "é" * size)
        )
    for frames in await asyncio.gather(*readers):
        assert [f["seq"] for f in frames] == list(range(1, len(sizes) + 1))
        assert [f["data"]["html"] for f in frames] == ["é" * size for size in sizes]

    def written_directly() -> int:
        totals = 0
        for name in os.listdir(tmp_path):
            if name.startswith("stats.") and name.endswith(".json"):
                totals += json.loads((tmp_path / name).read_text())["written_directly"]
        return totals

    assert await wait_for(lambda: written_directly() == 3 * len(sizes), 5), written_directly()


def post_emit_html(server: Any, stream: str, n: int, html: str) -> int:
    import urllib.parse
    import urllib.request

    body = urllib.parse.urlencode({"stream": stream, "n": n, "html": html}).encode()
    with urllib.request.urlopen(f"{server.url}/__live__/emit/", data=body, timeout=10) as reply:
        return json.loads(reply.read())["seq"]
