"""The registry of stream kinds a socket may subscribe to.

A stream is named ``kind:key`` (``thread:42``, ``user:7``, ``public:site``). Each app registers
its kinds in ``AppConfig.ready()`` with an ``authorise`` function built on that app's
``permissions`` module, so a subscription is allowed by exactly the rule that guards the page.
Only ``events.py`` modules and the hub consumer use the group names produced here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import Any

STREAM_RE = re.compile(r"^(?P<kind>[a-z_]{1,32}):(?P<key>[A-Za-z0-9_\-]{1,64})$")


@dataclass(frozen=True)
class StreamKind:
    kind: str
    # Runs in a worker thread (it may query): returns True when ``user`` may read ``key``.
    authorise: Callable[[Any, str], bool]
    # Keyword-only, so a positional argument can never land in the wrong hook.
    _: KW_ONLY
    # Optional per-event visibility: ``(user, key, event, data) -> bool``. It runs on the
    # broadcast path for every follower, so it must not query the database: decide from the
    # payload (e.g. ``data["hidden"]``) and the user's own fields. Events a follower may not see
    # reach it as a data-less ``skip`` frame so its sequence stays gap-free.
    event_filter: Callable[[Any, str, str, dict[str, Any]], bool] | None = None


_registry: dict[str, StreamKind] = {}


def register(kind: StreamKind) -> None:
    _registry[kind.kind] = kind


def unregister(kind: str) -> None:
    """For tests that register temporary kinds."""
    _registry.pop(kind, None)


def get(kind: str) -> StreamKind | None:
    return _registry.get(kind)


def parse(stream: str) -> tuple[str, str] | None:
    match = STREAM_RE.match(stream or "")
    if not match:
        return None
    return match["kind"], match["key"]


def group_name(stream: str) -> str:
    # Channels group names allow [A-Za-z0-9._-] only, under 100 characters.
    return "s." + stream.replace(":", ".")


def user_group(user_id: int) -> str:
    """Every socket of a member joins this group, so access changes can reach all of them."""
    return f"u.{user_id}"


def _public_authorise(user: Any, key: str) -> bool:
    return key == "site"


def _own_authorise(user: Any, key: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and str(user.pk) == key


register(StreamKind("public", _public_authorise))
register(StreamKind("user", _own_authorise))
