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
from collections import deque
from typing import Any

from django.conf import settings

from realtime import hub

logger = logging.getLogger(__name__)

PUBLISH_TIMEOUT = 0.3  # seconds, connect and reply
BREAKER_SECONDS = 1.0
RETRY_SECONDS = 1.0
# Messages that could not be published are retried in order from a timer thread once Redis
# answers again (at-least-once; readers drop duplicates by sequence). Without this, the last
# events before a quiet period would reach live readers only at their next reconnect.
OUTBOX_LIMIT = 10_000

_lock = threading.Lock()
_clients: dict[str, Any] = {}
_down_until = 0.0
_outbox: deque[tuple[str, str, str]] = deque(maxlen=OUTBOX_LIMIT)
_retry_timer: threading.Timer | None = None


def prepare() -> None:
    """Import the Redis client and build the publisher now (``RealtimeConfig.ready``).

    Importing redis-py takes 150-280 ms; done lazily, it landed on the first event published
    after each start: measured as the one slow post of a 1,000-socket fan-out. The
    connection itself is still opened on first use (about 1 ms on a LAN), so management
    commands and a Redis that is down at startup cost nothing here."""
    if settings.REDIS_URL:
        _client(settings.REDIS_URL)


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
    channel = hub.channel_prefix() + suffix
    if time.monotonic() < _down_until or _outbox:
        _keep(url, channel, data)
        return False
    try:
        _client(url).publish(channel, data)
    except Exception as exc:
        _down_until = time.monotonic() + BREAKER_SECONDS
        logger.warning("Live push to %s failed: %s", channel, exc)
        _keep(url, channel, data)
        return False
    return True


def _keep(url: str, channel: str, data: str) -> None:
    global _retry_timer
    with _lock:
        _outbox.append((url, channel, data))
        if _retry_timer is None:
            _retry_timer = threading.Timer(RETRY_SECONDS, _flush_outbox)
            _retry_timer.daemon = True
            _retry_timer.start()


def _flush_outbox() -> None:
    global _retry_timer, _down_until
    while True:
        with _lock:
            if not _outbox:
                _retry_timer = None
                return
            url, channel, data = _outbox[0]
        try:
            _client(url).publish(channel, data)
        except Exception:
            with _lock:
                _retry_timer = threading.Timer(RETRY_SECONDS, _flush_outbox)
                _retry_timer.daemon = True
                _retry_timer.start()
            return
        with _lock:
            if _outbox and _outbox[0] == (url, channel, data):
                _outbox.popleft()
            _down_until = 0.0


def reset_breaker() -> None:
    """For tests and after configuration changes."""
    global _down_until, _retry_timer
    _down_until = 0.0
    with _lock:
        if _retry_timer is not None:
            _retry_timer.cancel()
            _retry_timer = None
        _outbox.clear()
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
