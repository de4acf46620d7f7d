"""Test stream kinds and hub hygiene for the realtime tests.

``testroom:<key>`` is readable by the members listed in ``ROOMS[key]`` (by user id);
``testmod:<key>`` is readable by every member, but events with ``data["hidden"]`` only by
moderators (a per-event filter, like hidden posts in a thread).
"""

from __future__ import annotations

from typing import Any

import pytest

from realtime import streams

ROOMS: dict[str, set[int]] = {}


def _room_authorise(user: Any, key: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.pk in ROOMS.get(key, set())


def _member_authorise(user: Any, key: str) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _hidden_filter(user: Any, key: str, event: str, data: dict[str, Any]) -> bool:
    return not data.get("hidden") or getattr(user, "role", None) == "moderator"


@pytest.fixture(autouse=True)
def test_stream_kinds():  # type: ignore[no-untyped-def]
    streams.register(streams.StreamKind("testroom", _room_authorise))
    streams.register(streams.StreamKind("testmod", _member_authorise, event_filter=_hidden_filter))
    ROOMS.clear()
    yield ROOMS
    streams.unregister("testroom")
    streams.unregister("testmod")
    ROOMS.clear()


@pytest.fixture(autouse=True)
async def fresh_hub():  # type: ignore[no-untyped-def]
    """Each test's event loop gets its own hub; stop it (and its Redis reader) afterwards."""
    from realtime import events, hub

    events.reset_breaker()
    yield
    await hub.close_hub()
    events.reset_breaker()
