"""/healthz for load balancers: 200 when healthy, 503 when a dependency is down."""

from __future__ import annotations

import pytest

from tests.support.services import free_port

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_channel_layer_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["channel_layer"]["ok"]


def test_healthz_says_503_when_redis_is_configured_but_down_and_pages_still_serve(client, settings):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    settings.REDIS_URL = dead
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": dead,
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["channel_layer"] == {
        "ok": False,
        "backend": "redis",
        "error": "ConnectionError",
    }
    page = client.get("/en/")
    assert page.status_code == 200
    assert b"Alliance Network" in page.content


def test_healthz_publishes_on_the_live_layers_redis_path(client, settings, redis_url):
    import redis

    from realtime import hub

    settings.REDIS_URL = redis_url
    listener = redis.Redis.from_url(redis_url).pubsub()
    listener.subscribe(hub.channel_prefix() + "!health")
    assert listener.get_message(timeout=2)["type"] == "subscribe"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["channel_layer"]["backend"] == "redis"
    message = listener.get_message(timeout=2)
    assert message is not None and message["data"] == b"ping"
    listener.close()
