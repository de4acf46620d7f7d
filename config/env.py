"""The only module that reads ``os.environ``.

Every setting that varies between machines comes through here, so ``.env.example`` and this file
together are the complete list of knobs.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}


def get_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def get_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in _TRUE


def get_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def get_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def database_url() -> str | None:
    # An empty DATABASE_URL makes dj-database-url fail with KeyError('ENGINE'): treat it as unset.
    return os.environ.get("DATABASE_URL") or None


def redis_url() -> str | None:
    return os.environ.get("REDIS_URL") or None
