"""Full-text search that works on PostgreSQL and SQLite without ``django.contrib.postgres``.

The directory table has two search documents (``DirectoryEntry.search_base`` without the bio,
``search_full`` with it). On PostgreSQL they are ``tsvector`` columns with GIN indexes, written
through ``to_tsvector('simple', ...)`` and queried with the ``__matches`` lookup. On SQLite they
stay empty: the FTS5 table ``network_directory_fts`` answers a whole directory query at once
through the ``__fts5`` lookup (``fts5_words``, ``fts5_tokens``; see ``DirectoryFilter``).

Text is normalised in Python (lower case, accents folded) before it reaches either database, so
"Bogotá" and "bogota" match without PostgreSQL's ``unaccent`` extension. The ``simple``
configuration (no stemming) is deliberate: members write in many languages and a single
stemmer would mangle most of them. The last word of a query matches as a prefix (``term:*``:
the member may still be typing it, and it covers plurals); the words before it match whole
(expanding every word of "member of parliament" into all its prefixes was 2-3x the index work
for no better results: "care" should not find "career" once the member typed a space).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.db import models
from django.db.models import Lookup

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
MAX_TERMS = 6


def normalise(text: str) -> str:
    """Lower-case, accent-free words separated by single spaces."""
    folded = unicodedata.normalize("NFKD", text or "")
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    return " ".join(_WORD.findall(folded))


def query_terms(query: str) -> list[str]:
    """The words of a search box query, normalised, at most ``MAX_TERMS`` of them."""
    return normalise(query).split()[:MAX_TERMS]


class SearchDocumentField(models.TextField):
    """A tsvector on PostgreSQL, normalised text elsewhere. Assign plain text to it."""

    description = "Search document"

    def db_type(self, connection: Any) -> str:
        if connection.vendor == "postgresql":
            return "tsvector"
        return super().db_type(connection)

    def get_placeholder(self, value: Any, compiler: Any, connection: Any) -> str:
        # Used by Django's INSERT and UPDATE compilers: the database builds the vector.
        if connection.vendor == "postgresql":
            return "to_tsvector('simple', %s)"
        return "%s"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return normalise(value) if isinstance(value, str) else value


@SearchDocumentField.register_lookup
class Matches(Lookup):
    """``search_full__matches=["care", "econ"]``: every term matches a word (as a prefix)."""

    lookup_name = "matches"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [value]

    def process_rhs(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [list(self.rhs)]

    @property
    def exact(self) -> bool:
        # Tag columns match whole tokens; text columns match word prefixes.
        return self.lhs.target.name.endswith("_tags")

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        terms = [t for t in self.rhs if t]
        tsquery = " & ".join(
            f"{t}{':*' if self._prefix(i, terms) else ''}" for i, t in enumerate(terms)
        )
        tsquery = tsquery or "''"
        return f"{lhs} @@ to_tsquery('simple', %s)", [*lhs_params, tsquery]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        # On SQLite the directory asks FTS5 for a whole query at once (the ``fts5`` lookup,
        # built by DirectoryFilter); nothing else searches these columns.
        raise NotImplementedError("the matches lookup is PostgreSQL's; SQLite uses fts5")

    def _prefix(self, index: int, terms: list[str]) -> bool:
        return not self.exact and is_typed_word(index, terms)


def is_typed_word(index: int, terms: list[str]) -> bool:
    """The word the member may still be typing (the last): it matches as a prefix."""
    return index == len(terms) - 1


def fts5_words(columns: list[str], terms: list[str]) -> str:
    """FTS5 clause: every term matches a word in one of ``columns`` (the last as a prefix)."""
    words = " AND ".join(
        f'"{t}"{"*" if is_typed_word(i, terms) else ""}' for i, t in enumerate(terms)
    )
    return "{" + " ".join(columns) + "} : (" + words + ")"


def fts5_tokens(tokens: list[str]) -> str:
    """FTS5 clause: the tags column holds every one of ``tokens`` exactly."""
    return "tags : (" + " AND ".join(f'"{t}"' for t in tokens) + ")"


@SearchDocumentField.register_lookup
class Fts5(Lookup):
    """SQLite only: ``search_tags__fts5=(expression, broad)`` keeps the directory rows whose
    FTS5 row matches ``expression`` (a whole directory query, see DirectoryFilter).

    ``broad`` (more matches than the page could sort cheaply) stops SQLite from driving the
    query by the match list, so it walks the sort index instead and stops at the page."""

    lookup_name = "fts5"
    prepare_rhs = False

    def process_rhs(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", [self.rhs[0]]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if connection.vendor != "sqlite":
            raise NotImplementedError("the fts5 lookup is SQLite's")
        expression, broad = self.rhs
        alias = compiler.quote_name_unless_alias(self.lhs.alias)
        column = f'{"+" if broad else ""}{alias}."profile_id"'
        return (
            f"{column} IN (SELECT rowid FROM network_directory_fts "
            "WHERE network_directory_fts MATCH %s)",
            [expression],
        )


def fts5_count(expression: str, *, limit: int) -> int:
    """SQLite: how many directory rows match ``expression``, counting at most ``limit``."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT rowid FROM network_directory_fts "
            "WHERE network_directory_fts MATCH %s LIMIT %s)",
            [expression, limit],
        )
        return int(cursor.fetchone()[0])
