"""The only place that publishes to the live layer.

Apps publish through ``realtime.services`` (``emit``, ``revoke_stream``, ``revoke_access``),
which call these from ``transaction.on_commit``. Publishing is one Redis ``PUBLISH`` per
event (received once per daphne process, see ``realtime.hub``), bounded by short timeouts and a
circuit breaker: with Redis down a request loses at most ``PUBLISH_TIMEOUT`` once, then skips
publishing for ``BREAKER_SECONDS``. Failures are logged and swallowed: the write is committed
and readers catch up from the event log when the live layer returns.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from typing import Any

from django.conf import settings

from realtime import hub

logger = logging.getLogger(__name__)

PUBLISH_TIMEOUT = 0.3  # seconds, connect and reply
BREAKER_SECONDS = 2.0

_lock = threading.Lock()
_clients: dict[str, Any] = {}
_down_until = 0.0


def _client(url: str) -> Any:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    with _lock:
        client = _clients.get(url)
        if client is None:
            # redis-py retries with growing backoff by default: seconds lost per request while
            # Redis is down. One attempt, short timeouts.
            client = _clients[url] = redis.Redis.from_url(
                url,
                socket_connect_timeout=PUBLISH_TIMEOUT,
                socket_timeout=PUBLISH_TIMEOUT,
                retry=Retry(NoBackoff(), 0),
                health_check_interval=0,
            )
        return client


def _publish(suffix: str, data: str) -> bool:
    global _down_until
    url = settings.REDIS_URL
    if not url:
        hub.publish_local(suffix, data)
        return True
    if time.monotonic() < _down_until:
        return False
    channel = hub.channel_prefix() + suffix
    try:
        _client(url).publish(channel, data)
    except Exception as exc:
        _down_until = time.monotonic() + BREAKER_SECONDS
        logger.warning("Live push to %s failed: %s", channel, exc)
        return False
    return True


def reset_breaker() -> None:
    """For tests and after configuration changes."""
    global _down_until
    _down_until = 0.0
    with _lock:
        for client in _clients.values():
            with contextlib.suppress(Exception):
                client.close()
        _clients.clear()


def publish(*, stream: str, event: str, seq: int, data: dict[str, Any]) -> bool:
    """Send one event to every socket following ``stream``; False if the live layer is down.
    The payload is encoded here, once, and written as-is to every socket."""
    return _publish(stream, hub.wire_event(seq, hub.encode_event(stream, event, seq, data)))


def publish_text(*, stream: str, seq: int, text: str) -> bool:
    """Publish an already encoded event (``hub.encode_event``)."""
    return _publish(stream, hub.wire_event(seq, text))


def recheck_stream(*, stream: str) -> bool:
    """Make every follower of ``stream`` re-check its authorisation now."""
    return _publish(stream, hub.wire_recheck())


def revoke_user_sockets(*, user_id: int) -> bool:
    """Close every open socket of this member (logout, password change, deactivation)."""
    return _publish(hub.CONTROL, hub.wire_revoke_user(user_id))
