"""Health checks for /healthz: the database and the channel layer, each with a short timeout."""

from __future__ import annotations

import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection


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
    started = time.perf_counter()
    if settings.REDIS_URL:
        # Ask Redis directly with a 1 s timeout: the layer itself would retry for much longer.
        import redis

        try:
            client = redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
            )
            client.ping()
            client.close()
        except Exception as exc:
            return {"ok": False, "backend": "redis", "error": exc.__class__.__name__}
        return {
            "ok": True,
            "backend": "redis",
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }

    layer = get_channel_layer()

    async def round_trip() -> bool:
        channel = await layer.new_channel("healthz")
        await layer.send(channel, {"type": "healthz"})
        message = await layer.receive(channel)
        return message.get("type") == "healthz"

    try:
        ok = async_to_sync(round_trip)()
    except Exception as exc:
        return {"ok": False, "backend": "memory", "error": exc.__class__.__name__}
    return {"ok": ok, "backend": "memory", "ms": round((time.perf_counter() - started) * 1000, 1)}
