"""Login throttling that an attacker cannot turn into a lock-out.

Failures are counted per (account, address) pair and per address, never per account alone: a
stranger hammering a member's email from their own address blocks only that address, while the
member still signs in from theirs. Counters live in the cache (Redis in production) with a
cool-off window; a successful login clears the pair's counter.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    # Behind the load balancer daphne is started with --proxy-headers, which rewrites
    # REMOTE_ADDR from X-Forwarded-For; trusting the header here would let anyone spoof it.
    return request.META.get("REMOTE_ADDR") or "unknown"


def _key(*parts: str) -> str:
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return f"login-throttle:{digest}"


def _config() -> dict[str, int]:
    return settings.LOGIN_THROTTLE


def is_blocked(*, email: str, address: str) -> bool:
    """True when this address may not try to sign in (as this account, or at all)."""
    cfg = _config()
    pair = cache.get(_key("pair", email.lower(), address), 0)
    per_address = cache.get(_key("addr", address), 0)
    return pair >= cfg["PAIR_LIMIT"] or per_address >= cfg["ADDRESS_LIMIT"]


def _incr(key: str, timeout: int) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout)


def record_failure(*, email: str, address: str) -> None:
    timeout = _config()["COOL_OFF_SECONDS"]
    _incr(_key("pair", email.lower(), address), timeout)
    _incr(_key("addr", address), timeout)


def record_success(*, email: str, address: str) -> None:
    cache.delete(_key("pair", email.lower(), address))
