"""Several daphne processes on one Redis of our own (never the shared one on 6379, which other
people use): cross-process delivery, a Redis restart mid-stream, a stalled client."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request

import pytest
from django.db import transaction

from tests.realtime.wsclient import LiveClient
from tests.support.services import DaphneServer, free_port, missing_service

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis, pytest.mark.slow]


class OwnRedis:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=5)


@pytest.fixture
def own_redis(settings):  # type: ignore[no-untyped-def]
    from realtime import events

    if shutil.which("redis-server") is None:
        missing_service("redis-server is not installed")
    redis = OwnRedis()
    redis.start()
    settings.REDIS_URL = redis.url
    events.reset_breaker()
    yield redis
    redis.stop()
    events.reset_breaker()


@pytest.fixture
def daphnes(own_redis, tmp_path):  # type: ignore[no-untyped-def]
    started = []

    def start(count: int, **extra_env: str) -> list[DaphneServer]:
        for _n in range(count):
            server = DaphneServer(
                mail_dir=tmp_path / f"mail{len(started)}",
                extra_env={
                    "DJANGO_SETTINGS_MODULE": "tests.realtime.live_settings",
                    "REDIS_URL": own_redis.url,
                    **extra_env,
                },
            )
            server.start()
            started.append(server)
        return started[-count:]

    yield start
    for server in started:
        server.stop()


def ws_url(server: DaphneServer) -> str:
    return f"ws://127.0.0.1:{server.port}/ws/"


def post_emit(server: DaphneServer, stream: str, n: int) -> int:
    body = urllib.parse.urlencode({"stream": stream, "n": n}).encode()
    with urllib.request.urlopen(f"{server.url}/__live__/emit/", data=body, timeout=10) as reply:
        import json

        return json.loads(reply.read())["seq"]


def emit_here(stream: str, n: int) -> int:
    from realtime.services import emit

    with transaction.atomic():
        return emit(stream=stream, event="post_created", data={"n": n}).seq


async def wait_for(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return predicate()


async def start_clients(server: DaphneServer, stream: str, count: int) -> list[LiveClient]:
    clients = [LiveClient(ws_url(server), [stream], origin=server.url) for _ in range(count)]
    for client in clients:
        client.task = asyncio.ensure_future(client.run())  # type: ignore[attr-defined]
    assert await wait_for(lambda: all(c.subscribed.is_set() for c in clients), 20)
    return clients


async def stop_clients(clients: list[LiveClient]) -> None:
    for client in clients:
        await client.stop()
        client.task.cancel()  # type: ignore[attr-defined]


async def test_reader_on_process_a_sees_a_post_made_on_process_b(daphnes):
    a, b = daphnes(2)
    stream = "testroom:open-x"
    clients = await start_clients(a, stream, 3)
    seqs = [await asyncio.to_thread(post_emit, b, stream, n) for n in range(5)]
    assert seqs == [1, 2, 3, 4, 5]
    assert await wait_for(lambda: all(c.received[stream] == seqs for c in clients), 5)
    assert all(c.duplicates == 0 and c.connects == 1 for c in clients)
    await stop_clients(clients)


async def test_redis_killed_mid_stream_and_restarted_every_client_ends_with_every_event_once(
    daphnes, own_redis
):
    servers = daphnes(2)
    stream = "testroom:open-restart"
    clients = [c for s in servers for c in await start_clients(s, stream, 3)]
    total = 60
    for n in range(1, total + 1):
        await asyncio.to_thread(emit_here, stream, n)
        if n == 20:
            own_redis.stop()
        if n == 35:
            own_redis.start()
        await asyncio.sleep(0.05)
    assert await wait_for(
        lambda: all(c.received[stream] == list(range(1, total + 1)) for c in clients), 30
    ), [c.received[stream][-5:] for c in clients]
    # Exactly once after the client's dedupe; and the servers made everyone reconnect.
    assert all(4012 in c.closes or c.connects > 1 for c in clients)
    await stop_clients(clients)


async def test_a_stalled_client_is_dropped_and_the_others_get_everything(daphnes):
    (server,) = daphnes(1, WS_MAX_BACKLOG_BYTES="65536")
    stream = "testroom:open-slow"
    healthy = await start_clients(server, stream, 2)
    # A client that subscribes and then never reads, with a tiny receive window.
    stalled = socket.socket()
    stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    stalled.connect(("127.0.0.1", server.port))
    stalled.sendall(
        b"GET /ws/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        + f"Origin: {server.url}\r\n\r\n".encode()
    )
    assert b"101" in stalled.recv(4096)
    payload = b'{"type":"subscribe","stream":"testroom:open-slow"}'
    mask = b"\x00\x00\x00\x00"
    stalled.sendall(bytes([0x81, 0x80 | len(payload)]) + mask + payload)
    await asyncio.sleep(0.5)
    big = "x" * 20_000
    total = 400
    for n in range(1, total + 1):
        await asyncio.to_thread(
            lambda n=n: urllib.request.urlopen(
                f"{server.url}/__live__/emit/",
                data=urllib.parse.urlencode({"stream": stream, "n": n, "html": big}).encode(),
                timeout=10,
            ).read()
        )
    assert await wait_for(
        lambda: all(c.received[stream] == list(range(1, total + 1)) for c in healthy), 20
    )
    # The stalled socket was dropped by the server: reading drains its buffer, then ends.
    stalled.settimeout(5)
    ended = False
    try:
        while stalled.recv(1 << 20):
            pass
        ended = True
    except (ConnectionResetError, TimeoutError, OSError) as exc:
        ended = isinstance(exc, ConnectionResetError)
    stalled.close()
    assert ended, "the stalled client's socket was not dropped"
    assert "Dropping a stalled socket" in server.read_log()
    await stop_clients(healthy)
