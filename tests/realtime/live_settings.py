"""Settings for daphne processes started by the realtime tests and benchmarks.

The test settings plus a test-only URLconf (an emit endpoint and a minimal live page) and the
``testroom`` stream kind, so live behaviour is tested without depending on other apps' pages.
"""

from config.settings.test import *  # noqa: F403
from realtime import streams

ROOT_URLCONF = "tests.realtime.live_urls"


def _room_authorise(user, key):  # type: ignore[no-untyped-def]
    # Test rooms: any signed-in member, or everyone for keys starting with "open".
    return key.startswith("open") or bool(getattr(user, "is_authenticated", False))


streams.register(streams.StreamKind("testroom", _room_authorise))

# Serve static files from the app directories without collectstatic.
WHITENOISE_USE_FINDERS = True
