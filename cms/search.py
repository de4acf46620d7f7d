"""Site search with per-language stemming on PostgreSQL.

Wagtail's database search backend becomes ``modelsearch``'s PostgreSQL full-text backend on
PostgreSQL, and that backend has one text-search configuration for everything it indexes and
queries. With one configuration, French and Spanish pages would be stemmed as English, so
"réseaux" would not find "réseau" and "campañas" would not find "campaña".

This backend keeps the single index table but chooses the configuration per object and per query:

- indexing: each page's vectors are built with its locale's configuration (``english``,
  ``french``, ``spanish``); objects without a locale (images, documents) use ``SEARCH_CONFIG``.
- querying: :func:`backend_for_language` returns the backend with the language's configuration,
  used by the site search, which always searches one language's pages.

On SQLite (development, most tests) it is the ordinary database backend: FTS5 without stemming.
Wagtail's admin search queries with the default configuration (English) across all languages, so
in the admin a French word matches French pages only when English stemming leaves it unchanged
(usually, for exact words); the public search is the one that stems properly per language.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any

from django.db import connection
from modelsearch.backends import get_search_backend
from modelsearch.backends.database import SearchBackend as database_backend

# PostgreSQL text-search configurations shipped with every PostgreSQL install.
TEXT_SEARCH_CONFIGS = {"en": "english", "fr": "french", "es": "spanish"}
DEFAULT_CONFIG = "english"

_locale_languages: dict[int, str] = {}


def config_for_language(language: str | None) -> str:
    base = (language or "").split("-")[0].lower()
    return TEXT_SEARCH_CONFIGS.get(base, DEFAULT_CONFIG)


def _language_of_locale(locale_id: int) -> str | None:
    # Locales are few and almost never change: keep a map, refreshed when an id is unknown
    # (a new locale, or a flushed test database with new ids).
    if locale_id not in _locale_languages:
        from wagtail.models import Locale

        _locale_languages.clear()
        _locale_languages.update(Locale.objects.values_list("pk", "language_code"))
    return _locale_languages.get(locale_id)


def _postgres_backend_class() -> type:
    from modelsearch.backends.database.postgres.postgres import (
        PostgresIndex,
        PostgresSearchBackend,
    )

    class LocalisedPostgresIndex(PostgresIndex):
        def add_items(self, model: type, objs: Any) -> None:
            groups: dict[str, list[Any]] = defaultdict(list)
            for obj in objs:
                groups[self.backend.config_for_object(obj)].append(obj)
            for config, group in groups.items():
                if config == self.backend.config:
                    super().add_items(model, group)
                else:
                    # The indexer reads the configuration from the backend it is given.
                    backend = copy.copy(self.backend)
                    backend.config = config
                    PostgresIndex(backend).add_items(model, group)

    class LocalisedPostgresSearchBackend(PostgresSearchBackend):
        index_class = LocalisedPostgresIndex

        def __init__(self, params: dict[str, Any]) -> None:
            super().__init__(params)
            self.config = self.config or DEFAULT_CONFIG

        def config_for_object(self, obj: Any) -> str:
            locale_id = getattr(obj, "locale_id", None)
            if locale_id is None:
                return self.config
            return config_for_language(_language_of_locale(locale_id))

    return LocalisedPostgresSearchBackend


def SearchBackend(params: dict[str, Any]) -> Any:  # Wagtail imports this name
    """The backend for the current database: per-language stemming on PostgreSQL."""
    if connection.vendor == "postgresql":
        return _postgres_backend_class()(params)
    return database_backend(params)


def backend_for_language(language: str | None) -> Any:
    """The search backend querying with ``language``'s stemming (on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return get_search_backend("default", SEARCH_CONFIG=config_for_language(language))
    return get_search_backend("default")
