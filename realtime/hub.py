"""Per-process fan-out: one Redis subscription per stream per process, then local delivery.

Why not channels-redis groups: a group send writes one message per member into Redis, each
socket then pops it and runs a consumer handler (which, since Channels 4.2, first hops to a
thread to close old database connections). Groups are also state in Redis that a restart
without persistence wipes silently, and a full member channel drops messages (``capacity``).

Here every daphne process keeps, in memory, which of its sockets follow which stream, and holds
one Redis pub/sub connection subscribed to the streams that have at least one local follower
(as Discourse and Zulip do). A published event crosses Redis once per process and is written to
each local socket as the same pre-encoded websocket frame, without any thread hop or database
access (``Message.frame``; ``consumers._write_frame``).

Invariants:
- Pub/sub state lives only on the open connection: when it breaks, nothing stale survives in
  Redis. On reconnecting after a break the hub closes every local socket with ``CLOSE_RECONNECT``
  so each client reconnects, re-authenticates from its session and catches up from the event
  log (anything published during the break, including revocations, would otherwise be lost).
- A socket whose outgoing buffer exceeds ``MAX_BACKLOG_BYTES`` is dropped, not queued for: a
  stalled client cannot grow server memory, and it catches up when it reconnects.

Without ``REDIS_URL`` an in-process backend delivers to every hub of this process (development
and the SQLite test run); it has the same interface and ordering.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import contextvars
import json
import logging
import random
import threading
import time
import weakref
from collections.abc import Awaitable, Iterable
from typing import Any, Protocol

from django.conf import settings

logger = logging.getLogger(__name__)

# Close codes the client understands (static/js/realtime.js).
CLOSE_REVOKED = 4401  # access changed: reconnect, re-authenticate, re-authorise
CLOSE_RECONNECT = 4012  # the live layer restarted: reconnect and catch up
CONTROL = "!ctl"  # the per-deployment control channel (user revocations)


class Follower(Protocol):
    """What the hub needs from a socket (implemented by ``HubConsumer``)."""

    user_id: int | None
    user: Any

    def follows(self, stream: str) -> bool: ...

    async def deliver(self, stream: str, message: Message) -> None: ...

    def pause(self, stream: str) -> None: ...

    async def recheck(self, stream: str, verdicts: dict[Any, bool]) -> None: ...

    async def close_socket(self, code: int) -> None: ...

    async def notify(self, text: str) -> None: ...

    def backlog_bytes(self) -> int: ...

    def abort(self) -> None: ...


class Message:
    """One published stream event, decoded once per process and shared by every local socket."""

    __slots__ = ("_frame", "_payload", "_skip", "_skip_frame", "seq", "stream", "text")

    def __init__(self, stream: str, seq: int, text: str) -> None:
        self.stream = stream
        self.seq = seq
        self.text = text
        self._payload: dict[str, Any] | None = None
        self._skip: str | None = None
        self._frame: bytes | None = None
        self._skip_frame: bytes | None = None

    @property
    def payload(self) -> dict[str, Any]:
        # Only streams with a per-event filter look inside; parsed at most once per process.
        if self._payload is None:
            self._payload = json.loads(self.text)
        return self._payload

    @property
    def skip_text(self) -> str:
        """Sent instead of an event the socket may not see, so its sequence has no gap."""
        if self._skip is None:
            self._skip = encode_skip(self.stream, self.seq)
        return self._skip

    @property
    def frame(self) -> bytes:
        """``text`` as a complete websocket frame: built once, written as-is to each socket."""
        if self._frame is None:
            self._frame = ws_text_frame(self.text)
        return self._frame

    @property
    def skip_frame(self) -> bytes:
        if self._skip_frame is None:
            self._skip_frame = ws_text_frame(self.skip_text)
        return self._skip_frame


def ws_text_frame(text: str) -> bytes:
    """One final, unmasked websocket text frame (RFC 6455 section 5.2), as a server sends it
    without compression: the bytes autobahn's ``sendMessage`` would write for ``text``."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = bytes((0x81, size))
    elif size < 1 << 16:
        header = bytes((0x81, 126)) + size.to_bytes(2, "big")
    else:
        header = bytes((0x81, 127)) + size.to_bytes(8, "big")
    return header + payload


def encode_event(stream: str, event: str, seq: int, data: dict[str, Any]) -> str:
    return json.dumps(
        {"type": "event", "stream": stream, "event": event, "seq": seq, "data": data},
        separators=(",", ":"),
        ensure_ascii=False,
    )


def encode_skip(stream: str, seq: int) -> str:
    return json.dumps({"type": "skip", "stream": stream, "seq": seq}, separators=(",", ":"))


def wire_event(seq: int, text: str) -> str:
    """What crosses Redis: ``E<seq> <text>``, so the hub routes without parsing the payload."""
    return f"E{seq} {text}"


def wire_recheck() -> str:
    return "R"


def wire_revoke_user(user_id: int) -> str:
    return f"U{user_id}"


def channel_prefix() -> str:
    # Pub/sub channels are global to a Redis server (not per database number): the prefix
    # carries the database number so deployments or test runs sharing a server stay apart.
    url = settings.REDIS_URL or ""
    db = url.rsplit("/", 1)[-1] if url.count("/") >= 3 else "0"
    return f"{settings.REALTIME.get('CHANNEL_PREFIX', 'alliance')}.rt.{db or '0'}."


class Stats:
    """Counters for benchmarks and the soak test (per process)."""

    def __init__(self) -> None:
        self.delivered = 0
        self.written_directly = 0  # of ``delivered``: prepared frames (consumers._write_frame)
        self.skipped = 0
        self.slow_drops = 0
        self.reconnects = 0
        self.closed_for_reconnect = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


class Hub:
    """The per-event-loop registry of local sockets and their streams."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.sockets: set[Follower] = set()
        self.by_stream: dict[str, set[Follower]] = {}
        self.by_user: dict[int, set[Follower]] = {}
        self.stats = Stats()
        self.prefix = channel_prefix()
        self.max_backlog = settings.REALTIME.get("MAX_BACKLOG_BYTES", 1024 * 1024)
        self.backend: _Backend = (
            _RedisBackend(self, settings.REDIS_URL) if settings.REDIS_URL else _MemoryBackend(self)
        )
        # Benchmarks only: when each event's fan-out ended (every local socket written), to tell
        # the server's share of the latency from the client processes' scheduling.
        self.fanned_out: collections.deque[tuple[int, float]] | None = None
        if settings.REALTIME.get("STATS_FILE"):
            self.fanned_out = collections.deque(maxlen=2000)
            _spawn(loop, _write_stats(self, settings.REALTIME["STATS_FILE"]))

    # --- sockets -------------------------------------------------------------------------------
    def attach(self, follower: Follower) -> None:
        self.sockets.add(follower)
        if follower.user_id is not None:
            self.by_user.setdefault(follower.user_id, set()).add(follower)
        self.backend.start()

    def detach(self, follower: Follower) -> None:
        self.sockets.discard(follower)
        if follower.user_id is not None:
            users = self.by_user.get(follower.user_id)
            if users is not None:
                users.discard(follower)
                if not users:
                    del self.by_user[follower.user_id]
        following = getattr(follower, "following", None)
        candidates = list(following) if following is not None else list(self.by_stream)
        for stream in candidates:
            if follower in self.by_stream.get(stream, ()):
                self.leave(stream, follower)

    async def join(self, stream: str, follower: Follower) -> None:
        """Follow ``stream``; returns once this process receives what is published next."""
        followers = self.by_stream.setdefault(stream, set())
        followers.add(follower)
        await self.backend.subscribe(self.prefix + stream)

    def leave(self, stream: str, follower: Follower) -> None:
        followers = self.by_stream.get(stream)
        if followers is None:
            return
        followers.discard(follower)
        if not followers:
            del self.by_stream[stream]
            self.backend.unsubscribe(self.prefix + stream)

    async def aclose(self) -> None:
        """Stop the backend (tests; daphne simply exits)."""
        task = self.__dict__.get("presence_task")
        if task is not None:
            task.cancel()
        await self.backend.aclose()

    def channels(self) -> list[str]:
        return [self.prefix + CONTROL, *(self.prefix + s for s in self.by_stream)]

    # --- messages from the backend ---------------------------------------------------------------
    async def on_message(self, channel: str, data: str) -> None:
        stream = channel[len(self.prefix) :]
        if stream == CONTROL:
            if data.startswith("U"):
                await self._revoke_user(int(data[1:]))
            return
        followers = self.by_stream.get(stream)
        if not followers:
            return
        if data.startswith("E"):
            space = data.index(" ")
            message = Message(stream, int(data[1:space]), data[space + 1 :])
            await self._fan_out(stream, message, followers)
            if self.fanned_out is not None:
                self.fanned_out.append((message.seq, time.time()))
        elif data == "R":
            await self._recheck(stream, list(followers))

    async def _fan_out(self, stream: str, message: Message, followers: Iterable[Follower]) -> None:
        limit = self.max_backlog
        for follower in list(followers):
            if follower.backlog_bytes() > limit:
                # A stalled reader: drop it now rather than buffer for it; it catches up on
                # reconnect from the event log.
                self.stats.slow_drops += 1
                logger.warning("Dropping a stalled socket (%s bytes waiting)", limit)
                self.detach(follower)
                follower.abort()
                continue
            try:  # inline rather than _guarded: no extra coroutine per delivery
                await follower.deliver(stream, message)
            except Exception:
                self._drop_failed(follower)

    async def _guarded(self, follower: Follower, call: Awaitable[None]) -> None:
        try:
            await call
        except Exception:
            self._drop_failed(follower)

    def _drop_failed(self, follower: Follower) -> None:
        """One socket's part of a broadcast failed (say, a socket closing under us): drop that
        socket alone. Raised out of the loop, the error cost the sockets after it their event,
        and reached the pub/sub reader, which took it for a lost Redis connection and made
        every socket of the process reconnect (or, from ``on_lost``, ended the reader)."""
        logger.exception("A socket failed during a broadcast: dropping it")
        self.detach(follower)
        follower.abort()

    async def _recheck(self, stream: str, followers: list[Follower]) -> None:
        from realtime import consumers

        # Hold live events for these followers until each verdict is in: an event published
        # after the access change must not reach someone who just lost access.
        for follower in followers:
            follower.pause(stream)
        try:
            verdicts = await consumers.authorise_many(stream, followers)
        except Exception:
            logger.exception("Re-authorising followers of %s failed: dropping them", stream)
            verdicts = {}
        for follower in followers:
            await self._guarded(follower, follower.recheck(stream, verdicts))

    async def _revoke_user(self, user_id: int) -> None:
        for follower in list(self.by_user.get(user_id, ())):
            self.detach(follower)
            await self._guarded(follower, follower.close_socket(CLOSE_REVOKED))

    async def on_lost(self) -> None:
        """The live layer broke: tell clients (status only; they keep their socket)."""
        text = '{"type":"status","live":false}'
        for follower in list(self.sockets):
            await self._guarded(follower, follower.notify(text))

    async def on_recovered(self) -> None:
        """Back after a break: anything published meanwhile is lost, so every socket reconnects
        (re-authenticating from its session) and catches up from the event log."""
        self.stats.reconnects += 1
        followers = list(self.sockets)
        for follower in followers:
            self.detach(follower)
            self.stats.closed_for_reconnect += 1
            await self._guarded(follower, follower.close_socket(CLOSE_RECONNECT))


class _Backend:
    def start(self) -> None:
        raise NotImplementedError

    async def subscribe(self, channel: str) -> None:
        raise NotImplementedError

    async def wait_ready(self) -> None:
        """Until this process receives control messages (user revocations)."""

    def unsubscribe(self, channel: str) -> None:
        raise NotImplementedError

    async def aclose(self) -> None:
        pass


class _MemoryBackend(_Backend):
    """In-process delivery; ``publish_local`` reaches every hub of this process."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.channels: set[str] = set()

    def start(self) -> None:
        pass

    async def subscribe(self, channel: str) -> None:
        self.channels.add(channel)

    def unsubscribe(self, channel: str) -> None:
        self.channels.discard(channel)

    def receive(self, channel: str, data: str) -> None:
        # Called in the hub's loop, in publish order (call_soon_threadsafe keeps FIFO order).
        if channel in self.channels or channel.endswith(CONTROL):
            _spawn(self.hub.loop, self.hub.on_message(channel, data))


class _RedisBackend(_Backend):
    """One pub/sub connection per process, re-established with backoff after any break."""

    HEARTBEAT = 10.0  # seconds between PINGs on the pub/sub connection
    UNSUBSCRIBE_DELAY = 5.0

    def __init__(self, hub: Hub, url: str) -> None:
        self.hub = hub
        self.url = url
        self.pubsub: Any = None
        self.connected = False
        self.broken = False  # a connection attempt failed or an open connection broke
        self.task: asyncio.Task[None] | None = None
        self.subscribed: set[str] = set()  # as confirmed by Redis
        self.leaving: set[str] = set()  # UNSUBSCRIBE sent, not yet confirmed
        self.waiting: dict[str, list[asyncio.Future[None]]] = {}
        self.last_seen = time.monotonic()
        self.ready = asyncio.Event()
        self.requested: set[str] = set()

    def start(self) -> None:
        if self.task is None or self.task.done():
            self.task = _spawn(self.hub.loop, self._run())

    async def wait_ready(self) -> None:
        # Only the first sockets of a process wait (for the first connection, at most 2 s):
        # a revocation published meanwhile would otherwise miss them.
        if not self.connected and not self.broken:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.ready.wait(), timeout=2)

    async def subscribe(self, channel: str) -> None:
        self.start()
        if not self.connected and not self.broken:
            # First connection of this process still being made: wait for it briefly.
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.ready.wait(), timeout=2)
        if not self.connected or (channel in self.subscribed and channel not in self.leaving):
            # While Redis is away the socket still replays from the database; the reconnect
            # closes it afterwards so it catches up on what it missed.
            return
        future: asyncio.Future[None] = self.hub.loop.create_future()
        self.waiting.setdefault(channel, []).append(future)
        try:
            await self.pubsub.subscribe(channel)
            await asyncio.wait_for(asyncio.shield(future), timeout=2)
        except Exception as exc:  # the reader task notices the break and recovers
            logger.warning("Subscribing to %s failed: %s", channel, exc)

    def unsubscribe(self, channel: str) -> None:
        # Lazily: a socket churning on a stream should not make this process flap its
        # subscription. ``subscribed`` only ever changes on Redis's confirmations, which come
        # in command order on this one connection, so it mirrors Redis's state.
        if self.connected and self.pubsub is not None:
            _spawn(self.hub.loop, self._unsubscribe(channel, self.pubsub))

    async def _unsubscribe(self, channel: str, pubsub: Any) -> None:
        await asyncio.sleep(self.UNSUBSCRIBE_DELAY)
        if channel in self.hub.channels() or pubsub is not self.pubsub:
            return
        self.leaving.add(channel)
        try:
            await pubsub.unsubscribe(channel)
        except Exception:  # a broken connection forgets its subscriptions anyway
            self.leaving.discard(channel)

    async def aclose(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(BaseException):
                await self.task

    async def _run(self) -> None:
        import redis.asyncio as aioredis

        backoff = 0.2
        while True:
            client = aioredis.Redis.from_url(
                self.url, socket_connect_timeout=1, socket_timeout=None, retry=None
            )
            pubsub = client.pubsub()
            watchdog: asyncio.Task[None] | None = None
            try:
                self.requested = set(self.hub.channels())
                await pubsub.subscribe(*self.requested)
                self.pubsub = pubsub
                self.last_seen = time.monotonic()
                watchdog = _spawn(self.hub.loop, self._heartbeat(pubsub))
                async for item in pubsub.listen():
                    self.last_seen = time.monotonic()
                    kind = item["type"]
                    channel = _text(item.get("channel"))
                    if kind == "message":
                        await self.hub.on_message(channel, _text(item["data"]))
                    elif kind == "unsubscribe":
                        self.subscribed.discard(channel)
                        self.leaving.discard(channel)
                        if channel in self.hub.channels():
                            # Re-joined while the UNSUBSCRIBE was in flight.
                            await pubsub.subscribe(channel)
                    elif kind == "subscribe":
                        self.subscribed.add(channel)
                        for future in self.waiting.pop(channel, []):
                            if not future.done():
                                future.set_result(None)
                        if not self.connected and channel == self.hub.prefix + CONTROL:
                            self.connected = True
                            self.ready.set()
                            backoff = 0.2
                            # Streams joined while the connection was being made.
                            missing = set(self.hub.channels()) - self.requested
                            if missing:
                                await pubsub.subscribe(*missing)
                            if self.broken:
                                self.broken = False
                                await self.hub.on_recovered()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                logger.warning("Realtime pub/sub connection lost: %s", exc)
            finally:
                if watchdog is not None:
                    watchdog.cancel()
                was_connected = self.connected
                self.connected = False
                self.ready.clear()
                self.broken = True
                self.subscribed.clear()
                self.leaving.clear()
                self.pubsub = None
                for futures in self.waiting.values():
                    for future in futures:
                        if not future.done():
                            future.set_result(None)
                self.waiting.clear()
                try:
                    await pubsub.aclose()
                    await client.aclose()
                except Exception:
                    pass
            if was_connected:
                await self.hub.on_lost()
            await asyncio.sleep(backoff * (0.5 + random.random()))
            backoff = min(backoff * 2, 2.0)

    async def _heartbeat(self, pubsub: Any) -> None:
        """A Redis that vanishes without a TCP reset would leave ``listen()`` waiting forever."""
        while True:
            await asyncio.sleep(self.HEARTBEAT)
            await pubsub.ping()
            if time.monotonic() - self.last_seen > 2.5 * self.HEARTBEAT:
                logger.warning("Realtime pub/sub connection silent: reconnecting")
                await pubsub.connection.disconnect()
                return


_queries = 0


def _count_query(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    global _queries
    _queries += 1
    return execute(sql, params, many, context)


async def _write_stats(hub: Hub, path: str) -> None:
    """Benchmarks only: this process's counters (and every SQL query it ran) every 0.5 s."""
    import os

    from django.db.backends.signals import connection_created

    def instrument(sender: Any, connection: Any, **kwargs: Any) -> None:
        # A wrapper object outlives its connections: wrap it once.
        if _count_query not in connection.execute_wrappers:
            connection.execute_wrappers.append(_count_query)

    connection_created.connect(instrument, weak=False)
    target = f"{path}.{os.getpid()}.json"
    while True:
        data = {
            **hub.stats.as_dict(),
            "queries": _queries,
            "sockets": len(hub.sockets),
            "streams": len(hub.by_stream),
            "fanned_out": list(hub.fanned_out or ()),
        }
        with open(target + ".tmp", "w") as handle:
            json.dump(data, handle)
        os.replace(target + ".tmp", target)
        await asyncio.sleep(0.5)


def _spawn(loop: asyncio.AbstractEventLoop, coro: Any) -> asyncio.Task[Any]:
    """Hub tasks run in an empty context: inheriting a consumer's or a sync_to_async caller's
    (asgiref's thread markers) would make their database_sync_to_async calls deadlock."""
    return loop.create_task(coro, context=contextvars.Context())


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else (value or "")


# --- one hub per event loop ------------------------------------------------------------------
_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()
_hubs_lock = threading.Lock()


_frozen = False


def _freeze_startup_heap() -> None:
    """Keep the objects loaded at startup out of every later full garbage collection.

    A daphne process holds about 200,000 objects once Django, Wagtail and the URL
    configuration are loaded, all of them alive until the process ends. CPython's full (oldest
    generation) collection walks every one of them: 150-450 ms on this kind of machine, run
    whenever enough objects have survived since the last one, which socket set-up guarantees.
    In the fan-out benchmark that pause landed in the middle of one post's delivery to 1,000
    sockets and made the whole p99. ``gc.freeze()`` (made for this: see the ``gc`` module
    docs) moves them to a permanent generation the collector skips; they are still freed by
    reference counting, only cycles among them would never be collected, and startup objects
    form none that die. Done once per process, when the first socket connects (the
    application is fully loaded by then), after collecting the young generations (a few ms)
    so recent garbage is not frozen; not a full collection, which would be the very pause
    this avoids (the full ones before it found a few dozen garbage objects at most)."""
    global _frozen
    if _frozen:
        return
    _frozen = True
    import gc

    gc.collect(1)
    gc.freeze()


def get_hub() -> Hub:
    """The hub of the running event loop (daphne has one per process; each async test its own)."""
    loop = asyncio.get_running_loop()
    with _hubs_lock:
        hub = _hubs.get(loop)
        if hub is None:
            _freeze_startup_heap()
            hub = _hubs[loop] = Hub(loop)
        return hub


async def close_hub() -> None:
    """Stop and forget the running loop's hub (tests)."""
    loop = asyncio.get_running_loop()
    with _hubs_lock:
        hub = _hubs.pop(loop, None)
    if hub is not None:
        await hub.aclose()


def existing_hubs() -> list[Hub]:
    with _hubs_lock:
        return list(_hubs.values())


def publish_local(channel_suffix: str, data: str) -> int:
    """In-process backend: hand ``data`` to every hub of this process; returns how many."""
    count = 0
    for hub in existing_hubs():
        if hub.loop.is_closed() or not isinstance(hub.backend, _MemoryBackend):
            continue
        hub.loop.call_soon_threadsafe(
            hub.backend.receive, hub.prefix + channel_suffix, data, context=contextvars.Context()
        )
        count += 1
    return count
