"""Who is reading a stream: a short-lived roster shared by every daphne process.

Each process records the members present on its sockets in one Redis sorted set per stream
(member ``"<user_id>\\t<name>"``, score = expiry time) and refreshes them every
``REFRESH_SECONDS``, so the members of a crashed process fade out after ``TTL_SECONDS``. Joins
and leaves travel as ephemeral ``presence`` events (``realtime.services.broadcast_ephemeral``);
a new follower gets the roster once. Without Redis a process-local dict does the same.

Presence is best-effort: every Redis call here is bounded by ``realtime.events``' short
timeouts and failures only mean an incomplete roster. Members in safety mode are never
recorded or announced (``hidden_from_presence``).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings

from realtime import hub as hub_module

logger = logging.getLogger(__name__)

TTL_SECONDS = 75
REFRESH_SECONDS = 30

_local_lock = threading.Lock()
_local: dict[str, dict[str, float]] = {}


def _key(stream: str) -> str:
    return f"{hub_module.channel_prefix()}presence.{stream}"


def _client() -> Any:
    from realtime import events

    return events._client(settings.REDIS_URL)


def _entry(user_id: int, name: str) -> str:
    return f"{user_id}\t{name}"


def enter(entries: list[tuple[str, int, str]]) -> None:
    """Record (or refresh) ``(stream, user_id, name)`` entries for ``TTL_SECONDS``."""
    if not entries:
        return
    expiry = time.time() + TTL_SECONDS
    if not settings.REDIS_URL:
        with _local_lock:
            for stream, user_id, name in entries:
                _local.setdefault(stream, {})[_entry(user_id, name)] = expiry
        return
    try:
        pipe = _client().pipeline(transaction=False)
        for stream, user_id, name in entries:
            pipe.zadd(_key(stream), {_entry(user_id, name): expiry})
            pipe.expire(_key(stream), TTL_SECONDS)
        pipe.execute()
    except Exception as exc:
        logger.info("Presence not recorded: %s", exc)


def leave(stream: str, user_id: int, name: str) -> None:
    if not settings.REDIS_URL:
        with _local_lock:
            _local.get(stream, {}).pop(_entry(user_id, name), None)
        return
    try:
        _client().zrem(_key(stream), _entry(user_id, name))
    except Exception as exc:
        logger.info("Presence not cleared: %s", exc)


def roster(stream: str) -> list[dict[str, Any]]:
    """Members present on ``stream`` now (one entry per member, sorted by name)."""
    now = time.time()
    if not settings.REDIS_URL:
        with _local_lock:
            found = _local.get(stream, {})
            for entry in [e for e, expiry in found.items() if expiry < now]:
                del found[entry]
            entries = list(found)
    else:
        try:
            client = _client()
            client.zremrangebyscore(_key(stream), "-inf", now)
            entries = [e.decode() for e in client.zrangebyscore(_key(stream), now, "+inf")]
        except Exception as exc:
            logger.info("Presence roster unavailable: %s", exc)
            return []
    members: dict[int, str] = {}
    for entry in entries:
        user_id, _sep, name = entry.partition("\t")
        if user_id.isdigit():
            members[int(user_id)] = name
    return [
        {"user_id": pk, "name": name}
        for pk, name in sorted(members.items(), key=lambda item: item[1].casefold())
    ]


def reset_local() -> None:
    """For tests."""
    with _local_lock:
        _local.clear()


def hidden_from_presence(user: Any) -> bool:
    """Members in safety mode (their own or their country's) are never shown as present.

    The rule belongs to the network app (``network.privacy.in_safety_mode``); until that module
    is present, the ``safety_mode`` fields of the member's profile and country are read
    directly. Runs in a worker thread (it queries).
    """
    if not getattr(user, "is_authenticated", False):
        return True
    from network.models import MemberProfile

    profile = MemberProfile.objects.filter(user_id=user.pk).first()
    country = user.country if getattr(user, "country_id", None) else None
    try:
        from network.privacy import in_safety_mode  # type: ignore[attr-defined]
    except ImportError:
        in_safety_mode = None
    if in_safety_mode is not None and profile is not None:
        return bool(in_safety_mode(profile, country))
    return bool(getattr(profile, "safety_mode", False) or getattr(country, "safety_mode", False))


# --- the per-process side: which members this process's sockets hold present ------------------


def track(hub: Any, stream: str, user_id: int, name: str, delta: int) -> bool:
    """Count one more (``delta`` 1) or one fewer (-1) local socket of ``user_id`` on ``stream``.
    Returns True when the member arrived (first socket) or left (last socket) in this process."""
    present: dict[tuple[str, int], list[Any]] = hub.__dict__.setdefault("present", {})
    slot = present.get((stream, user_id))
    if delta > 0:
        if slot is None:
            present[(stream, user_id)] = [name, 1]
            if hub.__dict__.get("presence_task") is None:
                hub.presence_task = hub_module._spawn(hub.loop, _refresh_loop(hub))
            return True
        slot[1] += 1
        return False
    if slot is None:
        return False
    slot[1] -= 1
    if slot[1] <= 0:
        del present[(stream, user_id)]
        return True
    return False


async def _refresh_loop(hub: Any) -> None:
    import asyncio

    while True:
        await asyncio.sleep(REFRESH_SECONDS)
        entries = [(s, pk, slot[0]) for (s, pk), slot in hub.present.items()]
        if entries:
            await asyncio.to_thread(enter, entries)
