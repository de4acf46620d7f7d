"""Cache keys for published content, all tied to one "content version".

Publishing, unpublishing, moving or deleting a page, or changing a view restriction, bumps the
version (see ``cms.signals``), which retires every cached page, fragment, route and listing at
once. Stale entries simply expire: no key enumeration is ever needed.

Within one request the version is read from Redis once (``request_scope``, opened by
``cms.middleware.AnonymousPageCacheMiddleware``) and so are the lookups made through
``remember``: a page needs a dozen cached values, and each Redis round trip costs about as
much as rendering a news card.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "cms:content-version"
STRUCTURE_KEY = "cms:structure-version"
# Long enough to matter, short enough that figures from other apps stay fresh.
PAGE_TTL = 300

T = TypeVar("T")
_MISSING = object()

# Values read during the current request (key -> value), or None outside a request.
_request_memo: ContextVar[dict[str, Any] | None] = ContextVar("cms_request_memo", default=None)


@contextmanager
def request_scope() -> Iterator[None]:
    """Read the content version (and ``remember``ed values) at most once inside the block.

    A request sees one consistent version from start to end; a bump made by the request itself
    still takes effect at once (``bump_content_version`` updates the memo).
    """
    token = _request_memo.set({})
    try:
        yield
    finally:
        _request_memo.reset(token)


def content_version() -> int:
    return _version(VERSION_KEY)


def structure_version() -> int:
    """Changes only with the tree's access structure: view restrictions, aliases, page
    creation, moves and deletions (not with every publication, so what depends on it alone,
    the restricted paths, survives the first view after a publication)."""
    return _version(STRUCTURE_KEY)


def _version(key: str) -> int:
    memo = _request_memo.get()
    if memo is not None and key in memo:
        return memo[key]
    # Both versions in one round trip: a request needs the second soon after the first.
    found = cache.get_many([VERSION_KEY, STRUCTURE_KEY])
    for name in (VERSION_KEY, STRUCTURE_KEY):
        if found.get(name) is None:
            # A time-based start means a cache flush can never resurrect older entries.
            found[name] = int(time.time() * 1000)
            if not cache.add(name, found[name], None):
                found[name] = cache.get(name, found[name])
    if memo is not None:
        memo[VERSION_KEY] = found[VERSION_KEY]
        memo[STRUCTURE_KEY] = found[STRUCTURE_KEY]
    return found[key]


def _incr(key: str) -> None:
    try:
        version = cache.incr(key)
    except ValueError:
        version = int(time.time() * 1000)
        cache.set(key, version, None)
    memo = _request_memo.get()
    if memo is not None:
        # Values remembered under the old version are stale for the rest of this request too.
        other = {k: memo[k] for k in (VERSION_KEY, STRUCTURE_KEY) if k in memo and k != key}
        memo.clear()
        memo.update(other)
        memo[key] = version


def _incr_version() -> None:
    _incr(VERSION_KEY)


def _incr_structure() -> None:
    _incr(STRUCTURE_KEY)


def bump_content_version(**_kwargs: Any) -> None:
    """Retire every cached rendering of published content (signal receiver compatible).

    Inside a transaction the version is bumped again on commit: a request that read the new
    version before the commit could otherwise have cached the old rows under it.
    """
    _incr_version()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_incr_version)


def bump_structure_version(**_kwargs: Any) -> None:
    """The access structure changed (and so, maybe, what visitors see): retire both."""
    _incr_structure()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_incr_structure)
    bump_content_version()


def versioned_key(*parts: object) -> str:
    return ":".join(["cms", str(content_version()), *(str(p) for p in parts)])


def structure_key(*parts: object) -> str:
    return ":".join(["cms-structure", str(structure_version()), *(str(p) for p in parts)])


def prefetch(*keys: str) -> None:
    """Read several ``remember`` keys in one round trip (inside a request; no-op outside)."""
    memo = _request_memo.get()
    if memo is None:
        return
    missing = [key for key in keys if key not in memo]
    if missing:
        found = cache.get_many(missing)
        # Known misses are noted too, so that ``remember`` computes them without a second read.
        memo.update({key: found.get(key, _MISSING) for key in missing})


def remember_for_request(key: str, value: Any) -> None:
    """Make ``remember(key, ...)`` return ``value`` for the rest of this request, unread."""
    memo = _request_memo.get()
    if memo is not None:
        memo[key] = value


def remember(key: str, compute: Callable[[], T], ttl: int = PAGE_TTL) -> T:
    """The cached value of ``key`` (a ``versioned_key``), computed and stored on a miss.

    Also kept for the rest of the request, so callers must not mutate what they get.
    """
    memo = _request_memo.get()
    value = memo.get(key) if memo is not None else None
    if value is not None and value is not _MISSING:
        return value
    if value is None:
        value = cache.get(key)
    if value is None or value is _MISSING:
        value = compute()
        cache.set(key, value, ttl)
    if memo is not None:
        memo[key] = value
    return value
