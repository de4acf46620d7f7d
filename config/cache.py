"""A Redis cache that degrades to "no cache" instead of erroring when Redis is away.

Pages, throttles and counters read the cache on every request; Redis going down must make the
site slower and not live, never broken.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

_RETRY_AFTER_SECONDS = 5.0


class ResilientRedisCache(RedisCache):
    _down_until = 0.0

    def _guard(self, name: str, default: Any, *args: Any, **kwargs: Any) -> Any:
        # After a failure, skip Redis for a few seconds so every request does not pay a timeout.
        if time.monotonic() < ResilientRedisCache._down_until:
            return default
        try:
            return getattr(super(), name)(*args, **kwargs)
        except Exception as exc:  # redis raises several unrelated classes on connection loss
            ResilientRedisCache._down_until = time.monotonic() + _RETRY_AFTER_SECONDS
            logger.warning("Cache unavailable (%s): %s", name, exc)
            return default

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guard("get", default, key, default, version)

    def set(self, *args: Any, **kwargs: Any) -> None:
        self._guard("set", None, *args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> bool:
        return self._guard("add", False, *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> bool:
        return self._guard("delete", False, *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> dict:
        return self._guard("get_many", {}, *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> list:
        return self._guard("set_many", [], *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> None:
        self._guard("delete_many", None, *args, **kwargs)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        if time.monotonic() < ResilientRedisCache._down_until:
            raise ValueError("cache unavailable")
        try:
            return super().incr(key, delta, version)
        except ValueError:
            raise
        except Exception as exc:
            ResilientRedisCache._down_until = time.monotonic() + _RETRY_AFTER_SECONDS
            logger.warning("Cache unavailable (incr): %s", exc)
            raise ValueError("cache unavailable") from exc

    def touch(self, *args: Any, **kwargs: Any) -> bool:
        return self._guard("touch", False, *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> bool:
        return self._guard("has_key", False, *args, **kwargs)

    def clear(self) -> None:
        self._guard("clear", None)
