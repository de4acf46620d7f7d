"""The websocket hub: one socket per browser tab, multiplexing authorised streams.

Frames from the client are JSON objects with a ``type``: ``subscribe`` (``stream``, optional
``last_seq``), ``unsubscribe`` (``stream``) and ``ping``. Every frame is validated; a bad one
gets an ``error`` frame in the member's language and never closes the socket by itself.
"""

from __future__ import annotations

import json
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from realtime import streams

ERROR_BAD_JSON = "bad_json"
ERROR_BAD_FRAME = "bad_frame"
ERROR_FORBIDDEN = "forbidden"
ERROR_TOO_LARGE = "too_large"
ERROR_RATE = "rate_limited"
ERROR_TOO_MANY = "too_many_subscriptions"


def _error_messages() -> dict[str, str]:
    return {
        ERROR_BAD_JSON: _("The message could not be read."),
        ERROR_BAD_FRAME: _("The message was not understood."),
        ERROR_FORBIDDEN: _("You cannot follow this stream."),
        ERROR_TOO_LARGE: _("The message is too large."),
        ERROR_RATE: _("Too many messages; slow down."),
        ERROR_TOO_MANY: _("Too many open streams on this page."),
    }


class HubConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.subscriptions: set[str] = set()
        self.language = self._language()
        self._window_start = time.monotonic()
        self._window_frames = 0
        await self.accept()
        if getattr(self.user, "is_authenticated", False):
            await self.channel_layer.group_add(streams.user_group(self.user.pk), self.channel_name)

    def _language(self) -> str:
        query = self.scope.get("query_string", b"").decode()
        for part in query.split("&"):
            if part.startswith("lang=") and part[5:] in {"en", "fr", "es"}:
                return part[5:]
        return getattr(self.user, "preferred_language", None) or "en"

    async def disconnect(self, code: int) -> None:
        for stream in list(self.subscriptions):
            await self.channel_layer.group_discard(streams.group_name(stream), self.channel_name)
        if getattr(self.user, "is_authenticated", False):
            await self.channel_layer.group_discard(
                streams.user_group(self.user.pk), self.channel_name
            )

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
        if parsed is None or kind is None:
            await self.send_error(ERROR_BAD_FRAME, stream if isinstance(stream, str) else None)
            return
        if stream in self.subscriptions:
            await self.send(text_data=json.dumps({"type": "subscribed", "stream": stream}))
            return
        if len(self.subscriptions) >= settings.REALTIME["MAX_SUBSCRIPTIONS"]:
            await self.send_error(ERROR_TOO_MANY, stream)
            return
        allowed = await database_sync_to_async(kind.authorise)(self.user, parsed[1])
        if not allowed:
            await self.send_error(ERROR_FORBIDDEN, stream)
            return
        self.subscriptions.add(stream)
        await self.channel_layer.group_add(streams.group_name(stream), self.channel_name)
        await self.send(text_data=json.dumps({"type": "subscribed", "stream": stream}))

    async def on_unsubscribe(self, frame: dict[str, Any]) -> None:
        stream = frame.get("stream")
        if isinstance(stream, str) and stream in self.subscriptions:
            self.subscriptions.discard(stream)
            await self.channel_layer.group_discard(streams.group_name(stream), self.channel_name)
        await self.send(text_data=json.dumps({"type": "unsubscribed", "stream": stream}))

    # --- messages from the channel layer ---------------------------------------------------

    async def stream_event(self, message: dict[str, Any]) -> None:
        """Relay an event published by an app's ``events.py`` (already encoded once)."""
        if message.get("stream") in self.subscriptions:
            await self.send(text_data=message["text"])

    async def access_revoked(self, message: dict[str, Any]) -> None:
        """The member logged out, changed password or lost access: stop at once."""
        await self.close(code=4401)
