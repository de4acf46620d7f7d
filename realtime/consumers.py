"""The websocket hub: one socket per browser tab, multiplexing authorised streams.

Frames from the client are JSON objects with a ``type``: ``subscribe`` (``stream``, optional
``last_seq``), ``unsubscribe`` (``stream``), ``ping``, ``post`` (``stream``, ``body``, ``key``
= a client-generated UUID, optional ``reply_to``; for stream kinds with a ``post`` hook) and
``typing`` (``stream``; for kinds with ``can_write``). Every frame is validated; a bad one
gets an ``error`` frame in the member's language and never closes the socket by itself.

Frames to the client: ``subscribed`` (``stream``, ``seq`` = the stream's head when the
subscription went live), ``event`` (``stream``, ``event``, ``seq``, ``data``), ``skip``
(``stream``, ``seq``: an event this member may not see), ``reset`` (``stream``, ``seq``: more
was missed than the replay cap; reload the view), ``revoked`` (``stream``: access to it ended;
remove its content from view), ``status`` (``live``: false while the live layer is down),
``ack`` (``stream``, ``key``, ``id``, ``seq``, ``url``: a ``post`` was stored, once per key),
``error`` and ``pong``. Ephemeral events (``typing``, ``presence``, ``presence.roster``) are
``event`` frames with ``seq`` 0: never stored, never replayed. Close codes: 4401 access
changed, 4012 reconnect and catch up.

Catch-up without loss: a subscription joins the live stream first and buffers what arrives,
then reads the head sequence and the missed events from the database, sends those, then the
buffered events above the head. Duplicates are dropped by sequence here and in the client.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
import uuid
from typing import Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from realtime import events, presence, streams
from realtime.hub import (
    CLOSE_REVOKED,
    Hub,
    Message,
    encode_event,
    encode_skip,
    get_hub,
    ws_text_frame,
)

ERROR_BAD_JSON = "bad_json"
ERROR_BAD_FRAME = "bad_frame"
ERROR_FORBIDDEN = "forbidden"
ERROR_TOO_LARGE = "too_large"
ERROR_RATE = "rate_limited"
ERROR_TOO_MANY = "too_many_subscriptions"
ERROR_POST = "post_refused"

TYPING_INTERVAL = 3.0  # seconds: at most one typing signal per socket and stream

# The socket's own user changed under it (deactivated, password changed, role lost).
_USER_STALE = "user_stale"


def _error_messages() -> dict[str, str]:
    return {
        ERROR_BAD_JSON: _("The message could not be read."),
        ERROR_BAD_FRAME: _("The message was not understood."),
        ERROR_FORBIDDEN: _("You cannot follow this stream."),
        ERROR_TOO_LARGE: _("The message is too large."),
        ERROR_RATE: _("Too many messages; slow down."),
        ERROR_TOO_MANY: _("Too many open streams on this page."),
        ERROR_POST: _("Your post could not be published."),
    }


class _Follow:
    """One socket's subscription to one stream."""

    __slots__ = ("buffer", "can_write", "floor", "holds", "key", "kind", "present", "typed_at")

    def __init__(self, kind: streams.StreamKind, key: str) -> None:
        self.kind = kind
        self.key = key
        # While ``holds`` > 0 (catch-up or re-authorisation running) live events wait here.
        self.holds = 0
        self.buffer: list[Message] = []
        # Events at or below this sequence were already sent by the replay.
        self.floor = 0
        self.can_write: bool | None = None  # asked once, for ``typing`` frames
        self.typed_at = 0.0
        self.present = False  # announced on this stream's roster


def _innermost_send(send: Any) -> Any:
    """The server's own ``send`` under channels' session wrapper, which only matters for
    ``websocket.accept`` (session save) yet inspects the session on every frame."""
    for _depth in range(5):
        owner = getattr(send, "__self__", None)
        inner = getattr(owner, "real_send", None)
        if inner is None:
            break
        send = inner
    return send


def _find_protocol(send: Any) -> Any:
    """daphne passes ``partial(server.handle_reply, protocol)`` as ``send``: its Twisted
    transport tells how many bytes wait for a slow client. Other servers: unknown (None)."""
    if isinstance(send, functools.partial) and send.args:
        protocol = send.args[0]
        if hasattr(protocol, "transport") and hasattr(protocol, "dropConnection"):
            return protocol
    return None


# What ``_write_frame`` reads of autobahn's protocol and Twisted's TCP transport. Checked once
# per socket: if an upgrade renames any of them, sockets take the generic path (slower, never
# wrong), and tests/realtime/test_direct_write.py fails to say so.
_PROTOCOL_ATTRS = (
    "state", "STATE_OPEN", "_perMessageCompress", "send_queue", "send_state",
    "SEND_STATE_GROUND", "autoFragmentSize", "maskServerFrames", "maxMessagePayloadSize",
)  # fmt: skip
_TRANSPORT_ATTRS = (
    "connected", "disconnecting", "_writeDisconnected", "TLS", "_tempDataLen",
    "offset", "dataBuffer", "writeSomeData", "write",
)  # fmt: skip


def _direct_writable(protocol: Any) -> bool:
    transport = getattr(protocol, "transport", None)
    return (
        protocol is not None
        and transport is not None
        and all(hasattr(protocol, name) for name in _PROTOCOL_ATTRS)
        and all(hasattr(transport, name) for name in _TRANSPORT_ATTRS)
    )


def _write_frame(protocol: Any, frame: bytes) -> bool:
    """Write a prepared websocket frame (``Message.frame``) straight to daphne's transport.

    What daphne and autobahn do for ``websocket.send``, less the per-socket work a broadcast
    does not need: daphne's reply routing, autobahn's per-message framing (the frame is built
    once per process), and Twisted's write path, which registers the socket with the event
    loop and sends on the next iteration: two epoll changes per socket per message, half of
    the server's CPU in a 1,000-socket fan-out profile. Here, when nothing is already
    waiting for this socket, the frame goes to the kernel at once (as asyncio's own
    transports do); any remainder, or anything written while data is waiting, goes through
    the transport's buffer, so order is kept and ``backlog_bytes`` still sees a slow reader.

    Returns False when the generic path must take it (compression negotiated, a partly sent
    message in autobahn, any option changing the bytes on the wire); True when written, or
    dropped because the socket is closing (it reconnects and catches up)."""
    if protocol.state != protocol.STATE_OPEN:
        return True
    if (
        protocol._perMessageCompress is not None
        or protocol.send_queue
        or protocol.send_state != protocol.SEND_STATE_GROUND
        or protocol.autoFragmentSize
        or protocol.maskServerFrames
        or 0 < protocol.maxMessagePayloadSize < len(frame)
    ):
        return False
    transport = protocol.transport
    if not transport.connected or transport.disconnecting or transport._writeDisconnected:
        return True
    # (daphne leaves the HTTP channel registered as the transport's producer; Twisted only
    # involves it when data is buffered, i.e. on the path through ``transport.write``.)
    if transport.TLS or transport._tempDataLen or transport.offset != len(transport.dataBuffer):
        transport.write(frame)
        return True
    sent = transport.writeSomeData(frame)
    if type(sent) is int:
        if sent == len(frame):
            return True
        frame = frame[sent:]
    # A partial send (the rest is buffered), or an error Twisted reports through its own
    # write path (it then closes the connection).
    transport.write(frame)
    return True


class HubConsumer(AsyncWebsocketConsumer):
    # No channel layer per socket: stream events come through the per-process hub
    # (realtime.hub), which needs no per-socket state in Redis and no consumer handler call.
    channel_layer_alias = "__realtime_hub_no_channel_layer__"
    _direct: Any = None  # daphne's protocol, when prepared frames can be written to it

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels >= 4.2 hops to a thread before every handler to close old database
        # connections (55% of server CPU in a broadcast profile). This consumer reaches the
        # database only through database_sync_to_async, which closes them itself.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        authenticated = bool(getattr(self.user, "is_authenticated", False))
        self.user_id: int | None = self.user.pk if authenticated else None
        self.epoch = getattr(self.user, "access_epoch", 0) if authenticated else 0
        self.following: dict[str, _Follow] = {}
        self.language = self._language()
        self.closed = False
        self._window_start = time.monotonic()
        self._window_frames = 0
        self._posts: list[float] = []
        self.hidden_from_presence: bool | None = None  # asked once, on the first presence stream
        # Identifies this socket's typing signals (members in safety mode type anonymously).
        self.typer = uuid.uuid4().hex[:12]
        self._raw_send = _innermost_send(self.base_send)
        self._protocol = _find_protocol(self._raw_send)
        self.hub: Hub = get_hub()
        await self.accept()
        # After the handshake: autobahn sets its per-connection state up while accepting.
        self._direct = self._protocol if _direct_writable(self._protocol) else None
        self.hub.attach(self)
        await self.hub.backend.wait_ready()
        if self.user_id is not None and not await database_sync_to_async(_still_signed_in)(
            self.scope.get("session"), self.user, self.epoch
        ):
            # Signed out, or access changed, between the session check and this process
            # receiving revocations (its first Redis subscription is confirmed only now): that
            # revocation was published to no one here, so act on it.
            self.hub.detach(self)
            await self.close_socket(CLOSE_REVOKED)

    def _language(self) -> str:
        query = self.scope.get("query_string", b"").decode()
        for part in query.split("&"):
            if part.startswith("lang=") and part[5:] in {"en", "fr", "es"}:
                return part[5:]
        return getattr(self.user, "preferred_language", None) or "en"

    async def disconnect(self, code: int) -> None:
        self.closed = True
        self.hub.detach(self)
        for stream, follow in list(self.following.items()):
            await self._leave_presence(stream, follow)

    # --- what the hub calls (realtime.hub.Follower) -----------------------------------------------
    def follows(self, stream: str) -> bool:
        return stream in self.following

    def backlog_bytes(self) -> int:
        transport = getattr(self._protocol, "transport", None)
        if transport is None:
            return 0
        try:
            return len(transport.dataBuffer) - transport.offset + transport._tempDataLen
        except AttributeError:
            return 0

    def abort(self) -> None:
        """Drop a stalled client without queueing anything more for it."""
        self.closed = True
        if self._protocol is not None:
            self._protocol.dropConnection(abort=True)

    async def deliver(self, stream: str, message: Message) -> None:
        follow = self.following.get(stream)
        if follow is None or self.closed:
            return
        if follow.holds:
            follow.buffer.append(message)
            return
        if message.seq and message.seq <= follow.floor:
            return
        await self._send_message(follow, message)

    async def _send_message(self, follow: _Follow, message: Message) -> None:
        skip = False
        event_filter = follow.kind.event_filter
        if event_filter is not None:
            payload = message.payload
            if not event_filter(self.user, follow.key, payload["event"], payload["data"]):
                if not message.seq:
                    return
                skip = True
        protocol = self._direct
        if protocol is not None and _write_frame(
            protocol, message.skip_frame if skip else message.frame
        ):
            self.hub.stats.written_directly += 1
        else:
            text = message.skip_text if skip else message.text
            await self._raw_send({"type": "websocket.send", "text": text})
        self.hub.stats.delivered += 1

    async def notify(self, text: str) -> None:
        if self.closed:
            return
        protocol = self._direct
        if protocol is None or not _write_frame(protocol, ws_text_frame(text)):
            await self._raw_send({"type": "websocket.send", "text": text})

    async def close_socket(self, code: int) -> None:
        if not self.closed:
            self.closed = True
            # Leave rosters now: the server's disconnect message may come much later.
            for stream, follow in list(self.following.items()):
                await self._leave_presence(stream, follow)
            await self.close(code=code)

    def pause(self, stream: str) -> None:
        follow = self.following.get(stream)
        if follow is not None:
            follow.holds += 1

    async def recheck(self, stream: str, verdicts: dict[int | None, bool]) -> None:
        """After ``revoke_stream``: keep following if still allowed, else say ``revoked``."""
        follow = self.following.get(stream)
        if follow is None or self.closed:
            return
        if verdicts.get(self.user_id, False):
            await self._release(stream, follow)
            return
        await self._drop(stream)

    async def _drop(self, stream: str) -> None:
        follow = self.following.pop(stream, None)
        self.hub.leave(stream, self)
        if follow is not None:
            await self._leave_presence(stream, follow)
        await self.send(text_data=json.dumps({"type": "revoked", "stream": stream}))

    async def _release(self, stream: str, follow: _Follow) -> None:
        follow.holds = max(0, follow.holds - 1)
        if follow.holds:
            return
        pending, follow.buffer = follow.buffer, []
        for message in sorted(pending, key=lambda m: m.seq):
            if message.seq and message.seq <= follow.floor:
                continue
            if self.closed or self.following.get(stream) is not follow:
                return
            await self._send_message(follow, message)

    # --- frames from the client ----------------------------------------------------------------
    async def send_error(self, code: str, stream: str | None = None) -> None:
        with translation.override(self.language):
            message = _error_messages()[code]
        frame: dict[str, Any] = {"type": "error", "code": code, "message": message}
        if stream:
            frame["stream"] = stream
        await self.send(text_data=json.dumps(frame))

    def _rate_ok(self) -> bool:
        now = time.monotonic()
        if now - self._window_start > 10:
            self._window_start, self._window_frames = now, 0
        self._window_frames += 1
        return self._window_frames <= settings.REALTIME["FRAMES_PER_10S"]

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None or len(text_data) > settings.REALTIME["MAX_FRAME_BYTES"]:
            await self.send_error(ERROR_TOO_LARGE if text_data else ERROR_BAD_FRAME)
            return
        if not self._rate_ok():
            await self.send_error(ERROR_RATE)
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            await self.send_error(ERROR_BAD_JSON)
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self.send_error(ERROR_BAD_FRAME)
            return
        handler = {
            "subscribe": self.on_subscribe,
            "unsubscribe": self.on_unsubscribe,
            "ping": self.on_ping,
            "post": self.on_post,
            "typing": self.on_typing,
        }.get(frame["type"])
        if handler is None:
            await self.send_error(ERROR_BAD_FRAME)
            return
        await handler(frame)

    async def on_ping(self, frame: dict[str, Any]) -> None:
        await self.send(text_data='{"type":"pong"}')

    async def on_subscribe(self, frame: dict[str, Any]) -> None:
        stream = frame.get("stream")
        parsed = streams.parse(stream) if isinstance(stream, str) else None
        kind = streams.get(parsed[0]) if parsed else None
        last_seq = frame.get("last_seq")
        if (
            parsed is None
            or kind is None
            or (last_seq is not None and (type(last_seq) is not int or last_seq < 0))
        ):
            await self.send_error(ERROR_BAD_FRAME, stream if isinstance(stream, str) else None)
            return
        assert isinstance(stream, str)
        follow = self.following.get(stream)
        if follow is None and len(self.following) >= settings.REALTIME["MAX_SUBSCRIPTIONS"]:
            await self.send_error(ERROR_TOO_MANY, stream)
            return
        new = follow is None
        if follow is None:
            follow = self.following[stream] = _Follow(kind, parsed[1])
        # Join the live stream first and hold what arrives, so nothing published while the
        # database is read below can fall between the replay and the live events.
        follow.holds += 1
        await self.hub.join(stream, self)
        outcome = await database_sync_to_async(_prepare_subscription)(
            user=self.user,
            epoch=self.epoch,
            kind=kind,
            key=parsed[1],
            stream=stream,
            last_seq=last_seq,
        )
        if self.closed or self.following.get(stream) is not follow:
            return
        if outcome["status"] == _USER_STALE:
            await self.close_socket(CLOSE_REVOKED)
            return
        if outcome["status"] != "ok":
            self.following.pop(stream, None)
            self.hub.leave(stream, self)
            if new:
                await self.send_error(ERROR_FORBIDDEN, stream)
            else:
                await self.send(text_data=json.dumps({"type": "revoked", "stream": stream}))
            return
        head = outcome["head"]
        if outcome["reset"]:
            await self.send(text_data=json.dumps({"type": "reset", "stream": stream, "seq": head}))
        for text in outcome["texts"]:
            await self.base_send({"type": "websocket.send", "text": text})
        follow.floor = max(follow.floor, head)
        subscribed: dict[str, Any] = {"type": "subscribed", "stream": stream, "seq": head}
        if kind.can_write is not None:
            subscribed["typer"] = self.typer  # so the page can ignore its own typing signals
        await self.send(text_data=json.dumps(subscribed))
        await self._release(stream, follow)
        if new and kind.presence and self.user_id is not None:
            await self._enter_presence(stream, follow)

    async def on_unsubscribe(self, frame: dict[str, Any]) -> None:
        stream = frame.get("stream")
        if isinstance(stream, str) and stream in self.following:
            follow = self.following.pop(stream)
            self.hub.leave(stream, self)
            await self._leave_presence(stream, follow)
        await self.send(text_data=json.dumps({"type": "unsubscribed", "stream": stream}))

    # --- presence, typing and posting ------------------------------------------------------------
    def _display_name(self) -> str:
        return str(self.user)

    async def _enter_presence(self, stream: str, follow: _Follow) -> None:
        """Send the roster to this socket, then announce the member (unless in safety mode)."""
        members = await asyncio.to_thread(presence.roster, stream)
        if self.closed or self.following.get(stream) is not follow:
            return
        frame = {"type": "event", "stream": stream, "event": "presence.roster", "seq": 0}
        frame["data"] = {"members": [m for m in members if m["user_id"] != self.user_id]}
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))
        if self.hidden_from_presence is None:
            self.hidden_from_presence = await database_sync_to_async(presence.hidden_from_presence)(
                self.user
            )
        if self.hidden_from_presence or self.closed or self.following.get(stream) is not follow:
            return
        follow.present = True
        assert self.user_id is not None
        name = self._display_name()
        if presence.track(self.hub, stream, self.user_id, name, 1):
            await asyncio.to_thread(presence.enter, [(stream, self.user_id, name)])
            await asyncio.to_thread(
                events.publish,
                stream=stream,
                event="presence",
                seq=0,
                data={"user_id": self.user_id, "name": name, "state": "here"},
            )

    async def _leave_presence(self, stream: str, follow: _Follow) -> None:
        if not follow.present or self.user_id is None:
            return
        follow.present = False
        name = self._display_name()
        if presence.track(self.hub, stream, self.user_id, name, -1):
            await asyncio.to_thread(presence.leave, stream, self.user_id, name)
            await asyncio.to_thread(
                events.publish,
                stream=stream,
                event="presence",
                seq=0,
                data={"user_id": self.user_id, "name": name, "state": "gone"},
            )

    async def on_typing(self, frame: dict[str, Any]) -> None:
        """Tell the stream's other readers that this member is writing. Silently dropped when
        too frequent, not following, or not allowed to write there."""
        stream = frame.get("stream")
        follow = self.following.get(stream) if isinstance(stream, str) else None
        if follow is None or self.user_id is None or follow.kind.can_write is None:
            return
        now = time.monotonic()
        if now - follow.typed_at < TYPING_INTERVAL:
            return
        follow.typed_at = now
        if follow.can_write is None:
            follow.can_write = await database_sync_to_async(_may_write)(
                user_id=self.user_id, epoch=self.epoch, kind=follow.kind, key=follow.key
            )
        if not follow.can_write:
            return
        if self.hidden_from_presence is None:
            self.hidden_from_presence = await database_sync_to_async(presence.hidden_from_presence)(
                self.user
            )
        data: dict[str, Any] = {"typer": self.typer, "user_id": None, "name": None}
        if not self.hidden_from_presence:
            data.update(user_id=self.user_id, name=self._display_name())
        await asyncio.to_thread(events.publish, stream=stream, event="typing", seq=0, data=data)

    def _post_rate_ok(self) -> bool:
        now = time.monotonic()
        self._posts = [t for t in self._posts if now - t < 60]
        if len(self._posts) >= settings.REALTIME.get("POSTS_PER_MINUTE", 10):
            return False
        self._posts.append(now)
        return True

    async def on_post(self, frame: dict[str, Any]) -> None:
        stream = frame.get("stream")
        key = frame.get("key")
        body = frame.get("body")
        reply_to = frame.get("reply_to")
        parsed = streams.parse(stream) if isinstance(stream, str) else None
        kind = streams.get(parsed[0]) if parsed else None
        if (
            parsed is None
            or kind is None
            or kind.post is None
            or not isinstance(body, str)
            or not _is_uuid(key)
            or (reply_to is not None and (type(reply_to) is not int or reply_to <= 0))
        ):
            await self._post_error(ERROR_BAD_FRAME, stream, key)
            return
        if self.user_id is None:
            await self._post_error(ERROR_FORBIDDEN, stream, key)
            return
        if not self._post_rate_ok():
            await self._post_error(ERROR_RATE, stream, key)
            return
        outcome = await database_sync_to_async(_run_post)(
            user_id=self.user_id,
            epoch=self.epoch,
            kind=kind,
            key=parsed[1],
            body=body,
            idempotency_key=key,
            reply_to=reply_to,
            language=self.language,
        )
        if outcome["status"] == _USER_STALE:
            await self.close_socket(CLOSE_REVOKED)
            return
        if outcome["status"] != "ok":
            await self._post_error(outcome["status"], stream, key, outcome.get("message"))
            return
        ack = {"type": "ack", "stream": stream, "key": key, **outcome["result"]}
        await self.send(text_data=json.dumps(ack))

    async def _post_error(
        self, code: str, stream: Any, key: Any, message: str | None = None
    ) -> None:
        if message is None:
            with translation.override(self.language):
                message = _error_messages()[code]
        frame: dict[str, Any] = {"type": "error", "code": code, "message": message}
        if isinstance(stream, str):
            frame["stream"] = stream
        if isinstance(key, str) and len(key) <= 64:
            frame["key"] = key
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str) or len(value) > 36:
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _fresh_user(user_id: int, epoch: int) -> Any:
    """The socket's member re-read from the database, or None if deactivated or their access
    changed since the socket connected (the socket is then closed and reconnects)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not user.is_active or user.access_epoch != epoch:
        return None
    return user


def _may_write(*, user_id: int, epoch: int, kind: streams.StreamKind, key: str) -> bool:
    user = _fresh_user(user_id, epoch)
    return user is not None and kind.can_write is not None and bool(kind.can_write(user, key))


def _run_post(
    *,
    user_id: int,
    epoch: int,
    kind: streams.StreamKind,
    key: str,
    body: str,
    idempotency_key: str,
    reply_to: int | None,
    language: str,
) -> dict[str, Any]:
    """In a worker thread: the stream kind's ``post`` hook (the same service as the HTTP form),
    with its refusals translated into the member's language."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.http import Http404

    user = _fresh_user(user_id, epoch)
    if user is None:
        return {"status": _USER_STALE}
    assert kind.post is not None
    with translation.override(language):
        try:
            result = kind.post(
                user, key, body=body, idempotency_key=idempotency_key, reply_to=reply_to
            )
        except ValidationError as exc:
            return {"status": ERROR_POST, "message": " ".join(str(m) for m in exc.messages)}
        except PermissionDenied as exc:
            text = str(exc.args[0]) if exc.args and exc.args[0] else None
            return {"status": ERROR_FORBIDDEN, "message": text}
        except Http404:
            return {"status": ERROR_FORBIDDEN}
    return {"status": "ok", "result": result}


def _still_signed_in(session: Any, user: Any, epoch: int) -> bool:
    """The socket's session still exists (no logout since) and its member is current."""
    key = getattr(session, "session_key", None)
    if not key or not session.exists(key):
        return False
    return _user_is_current(user, epoch)


def _user_is_current(user: Any, epoch: int) -> bool:
    """The socket's user is still active and no access change happened since it connected."""
    if not getattr(user, "is_authenticated", False):
        return True
    from django.contrib.auth import get_user_model

    row = (
        get_user_model().objects.filter(pk=user.pk).values_list("is_active", "access_epoch").first()
    )
    return row is not None and row[0] and row[1] == epoch


def _prepare_subscription(
    *,
    user: Any,
    epoch: int,
    kind: streams.StreamKind,
    key: str,
    stream: str,
    last_seq: int | None,
) -> dict[str, Any]:
    """In a worker thread: authorise, then read the head and the events after ``last_seq``."""
    from realtime.models import StreamCursor, StreamEvent

    if not _user_is_current(user, epoch):
        return {"status": _USER_STALE}
    if not kind.authorise(user, key):
        return {"status": ERROR_FORBIDDEN}
    head = StreamCursor.objects.filter(stream=stream).values_list("last_seq", flat=True).first()
    head = head or 0
    result: dict[str, Any] = {"status": "ok", "head": head, "texts": [], "reset": False}
    if last_seq is None or last_seq == head:
        return result
    cap = settings.REALTIME.get("REPLAY_CAP", 200)
    if last_seq > head or head - last_seq > cap:
        # Too far behind (or ahead of a reset log): the client reloads its view instead.
        result["reset"] = True
        return result
    rows = (
        StreamEvent.objects.filter(stream=stream, seq__gt=last_seq, seq__lte=head)
        .order_by("seq")
        .values_list("seq", "event", "data")
    )
    texts = result["texts"]
    for seq, event, data in rows:
        if kind.event_filter is not None and not kind.event_filter(user, key, event, data):
            texts.append(encode_skip(stream, seq))
        else:
            texts.append(encode_event(stream, event, seq, data))
    return result


def _authorise_followers(stream: str, users: dict[int | None, Any]) -> dict[int | None, bool]:
    """One verdict per distinct member (fresh from the database), for ``revoke_stream``."""
    from django.contrib.auth import get_user_model

    parsed = streams.parse(stream)
    kind = streams.get(parsed[0]) if parsed else None
    if parsed is None or kind is None:
        return {}
    fresh = get_user_model().objects.in_bulk([pk for pk in users if pk is not None])
    verdicts: dict[int | None, bool] = {}
    for pk, user in users.items():
        if pk is not None:
            current = fresh.get(pk)
            if current is None or not current.is_active:
                verdicts[pk] = False
                continue
            user = current
        verdicts[pk] = bool(kind.authorise(user, parsed[1]))
    return verdicts


async def authorise_many(stream: str, followers: list[Any]) -> dict[int | None, bool]:
    users = {f.user_id: f.user for f in followers}
    return await database_sync_to_async(_authorise_followers)(stream, users)
