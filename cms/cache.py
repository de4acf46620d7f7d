"""Cache keys for published content, all tied to one "content version".

Publishing, unpublishing, moving or deleting a page, or changing a view restriction, bumps the
version (see ``cms.signals``), which retires every cached page, fragment, route and listing at
once. Stale entries simply expire: no key enumeration is ever needed.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache

VERSION_KEY = "cms:content-version"
# Long enough to matter, short enough that figures from other apps stay fresh.
PAGE_TTL = 300


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        # A time-based start means a cache flush can never resurrect an older version's entries.
        version = int(time.time() * 1000)
        cache.add(VERSION_KEY, version, None)
    return version


def bump_content_version(**_kwargs: Any) -> None:
    """Retire every cached rendering of published content (signal receiver compatible)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, int(time.time() * 1000), None)


def versioned_key(*parts: object) -> str:
    return ":".join(["cms", str(content_version()), *(str(p) for p in parts)])
