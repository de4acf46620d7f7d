"""A protocol-correct Python client of the hub (what static/js/realtime.js does), for tests
and benchmarks: remembers the last sequence per stream, ignores duplicates, asks for catch-up
on a gap, and reconnects (re-subscribing with its last sequences) when the socket closes."""

from __future__ import annotations

import asyncio
import json
import random
import time
from typing import Any


class LiveClient:
    def __init__(self, url: str, streams: list[str], *, origin: str, cookie: str = "") -> None:
        self.url = url
        self.streams = streams
        self.origin = origin
        self.cookie = cookie
        self.last: dict[str, int] = {}
        self.pending: dict[str, dict[int, dict[str, Any]]] = {s: {} for s in streams}
        self.received: dict[str, list[int]] = {s: [] for s in streams}
        self.arrivals: dict[tuple[str, int], float] = {}
        self.duplicates = 0
        self.closes: list[int | None] = []
        self.connects = 0
        self.subscribed = asyncio.Event()
        self.catching_up: set[str] = set()
        self.stopped = False
        self._ws: Any = None
        self._tasks: set[asyncio.Future[None]] = set()

    async def run(self) -> None:
        import websockets

        backoff = 0.1
        while not self.stopped:
            headers = {"Cookie": self.cookie} if self.cookie else {}
            try:
                async with websockets.connect(
                    self.url,
                    origin=self.origin,
                    additional_headers=headers,
                    max_queue=None,
                    ping_interval=None,
                    open_timeout=20,
                ) as ws:
                    self._ws = ws
                    self.connects += 1
                    self.catching_up.clear()
                    backoff = 0.1
                    for stream in self.streams:
                        await self._subscribe(stream)
                    async for raw in ws:
                        self._on_frame(json.loads(raw))
                    self.closes.append(ws.close_code)
            except Exception as exc:
                if self.stopped:
                    return
                self.closes.append(getattr(exc, "code", None))
            self._ws = None
            if self.stopped:
                return
            await asyncio.sleep(backoff * (0.5 + random.random()))
            backoff = min(backoff * 2, 2.0)

    async def _subscribe(self, stream: str) -> None:
        frame: dict[str, Any] = {"type": "subscribe", "stream": stream}
        if stream in self.last:
            frame["last_seq"] = self.last[stream]
        await self._ws.send(json.dumps(frame))

    def _on_frame(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        stream = frame.get("stream")
        if kind == "subscribed":
            self.catching_up.discard(stream)
            self.last.setdefault(stream, frame["seq"])
            self.subscribed.set()
            self._drain(stream)
        elif kind in {"event", "skip"} and frame.get("seq"):
            self._on_event(stream, frame)

    def _on_event(self, stream: str, frame: dict[str, Any]) -> None:
        seq = frame["seq"]
        last = self.last.get(stream)
        if (last is not None and seq <= last) or seq in self.pending[stream]:
            self.duplicates += 1
            return
        self.arrivals[(stream, seq)] = time.time()
        self.pending[stream][seq] = frame
        self._drain(stream)
        if (
            self.pending[stream]
            and self._ws is not None
            and stream in self.last
            and stream not in self.catching_up
        ):
            # A gap: ask the server for what is missing (it dedupes the rest).
            self.catching_up.add(stream)
            task = asyncio.ensure_future(self._subscribe(stream))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _drain(self, stream: str) -> None:
        if stream not in self.last:
            return
        pending = self.pending[stream]
        for seq in sorted(s for s in pending if s <= self.last[stream]):
            del pending[seq]
        while self.last[stream] + 1 in pending:
            self.last[stream] += 1
            pending.pop(self.last[stream])
            self.received[stream].append(self.last[stream])

    async def stop(self) -> None:
        self.stopped = True
        if self._ws is not None:
            await self._ws.close()
