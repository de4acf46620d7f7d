"""Health checks for /healthz: the database and the live layer, each with a short timeout."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import connection

from realtime import hub


def check_database() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def check_channel_layer() -> dict[str, Any]:
    """The path live events really take: one Redis ``PUBLISH`` (``realtime.events``), on a
    health channel no socket follows. Its own client with a 1 s timeout, so the check neither
    waits on nor trips the publish circuit breaker."""
    started = time.perf_counter()
    if not settings.REDIS_URL:
        # In-process delivery (development, SQLite tests): nothing to reach.
        return {"ok": True, "backend": "memory", "ms": 0.0}
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        try:
            client.publish(hub.channel_prefix() + "!health", "ping")
        finally:
            client.close()
    except Exception as exc:
        return {"ok": False, "backend": "redis", "error": exc.__class__.__name__}
    return {
        "ok": True,
        "backend": "redis",
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }
