"""This process's copy of the directory (``network.directory_index``), kept in step with the
database through the change log that ``network.indexing`` writes.

Each directory request reads the version row (one small query). Same version: the copy is
current. Newer: the members logged since are re-read and applied. Anything else (a version
that went back, a log pruned past this copy, more changes than a rebuild costs): the copy is
rebuilt. So every process answers from its own memory yet never serves a row older than the
database's at the start of the request.

While one thread builds or updates the copy, other threads answer from the database (the SQL
path in ``network.selectors``), so nobody waits for a build. ``current()`` returns None then.

Cards: the members a page shows are kept too (model instances with their topics and languages,
at most ``CARD_CACHE_SIZE``), dropped when their member changes and all at once when reference
data (names of parties, countries, topics...) changes. What a viewer sees of a card is decided
per request by ``network.privacy``, never cached.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection

from network.directory_index import DirectoryIndex, DirectoryQuery, DirectoryResult, MemberRow
from network.indexing import BIO_COLUMNS, FTS_TABLE

# Past this many changed members, rebuilding costs less than applying them one by one.
MAX_APPLIED_CHANGES = 5_000
CARD_CACHE_SIZE = 5_000

_ENTRY_COLUMNS = (
    "e.user_id, e.listed_to, e.bio_audience, e.role, e.region_id, e.country_id, e.party_id, "
    "e.verified, e.open_to_mentor, e.open_to_mentee, e.sort_name, e.joined"
)
_TSVECTOR_WORD = re.compile(r"'((?:[^']|'')*)'")
_TAG = re.compile(r"^([tl])(\d+)$")


@dataclass
class Card:
    """What a directory card is made of, before a viewer's privacy is applied."""

    member: Any  # User with profile, country (and region) and party loaded
    topics: list[tuple[str, dict[str, str]]]  # slug, names by column (Topic.name_field)
    languages: list[tuple[str, str]]  # code, name
    # selectors.listed_data (+ topics, languages) per (language, script prefix): what anyone
    # who may list the member sees; the viewer's share is added per request.
    listed: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)


@dataclass
class References:
    """Filter values (codes, slugs) to ids, as the filter form's choice fields look them up."""

    regions: dict[str, int] = field(default_factory=dict)
    countries: dict[str, int] = field(default_factory=dict)
    parties: dict[str, int] = field(default_factory=dict)
    topics: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)


class DirectoryStore:
    def __init__(self, index: DirectoryIndex, seq: int, stamp: str) -> None:
        self.index = index
        self.seq = seq
        self.stamp = stamp
        self.cards: dict[int, Card] = {}
        self._references: References | None = None
        self.lock = threading.Lock()

    def search(self, query: DirectoryQuery) -> DirectoryResult:
        with self.lock:
            return self.index.search(query)

    @property
    def references(self) -> References:
        references = self._references
        if references is None:
            references = self._references = _load_references()
        return references

    def cards_for(self, user_ids: list[int]) -> dict[int, Card]:
        """The cards of these members: from memory, the missing ones in three queries."""
        cards = self.cards  # read without the lock: a change may drop entries meanwhile
        found = {pk: card for pk in user_ids if (card := cards.get(pk)) is not None}
        missing = [pk for pk in user_ids if pk not in found]
        if missing:
            seq = self.seq
            loaded = load_cards(missing)
            found.update(loaded)
            with self.lock:
                # Kept only if no change was applied meanwhile: a card read before a change
                # committed must not outlive the change's ``forget``.
                if self.seq == seq:
                    if len(self.cards) + len(loaded) > CARD_CACHE_SIZE:
                        self.cards = {}
                    self.cards.update(loaded)
        return found

    def forget(self, user_ids: Iterable[int | None]) -> None:
        for pk in user_ids:
            if pk is None:
                self.cards = {}
                self._references = None
                return
            self.cards.pop(pk, None)


_store: DirectoryStore | None = None
_building = threading.Lock()


def enabled() -> bool:
    return bool(getattr(settings, "DIRECTORY_MEMORY_INDEX", True))


def current() -> DirectoryStore | None:
    """This process's directory, current as of now; None while another thread updates it (or
    when the in-memory directory is switched off): the caller then asks the database."""
    if not enabled():
        return None
    global _store
    seq, stamp = _read_version()
    store = _store
    if store is not None and store.seq == seq and store.stamp == stamp:
        return store
    if not _building.acquire(blocking=False):
        return None
    try:
        store = _store
        if store is not None and store.seq == seq and store.stamp == stamp:
            return store
        if store is None or store.index.needs_rebuild or not _catch_up(store, seq, stamp):
            store = _store = _build()
        return store
    finally:
        _building.release()


def reset() -> None:
    """Drop this process's copy (tests, or after restoring a database)."""
    global _store
    with _building:
        _store = None


def _read_version() -> tuple[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, stamp FROM network_directoryversion WHERE id = 1")
        row = cursor.fetchone()
    return (int(row[0]), row[1]) if row else (0, "")


def _catch_up(store: DirectoryStore, seq: int, stamp: str) -> bool:
    """Apply the changes logged after the store's version; False when the log cannot tell
    (history rewritten by a rollback, pruned, or too long): the caller rebuilds."""
    if seq <= store.seq:
        return False
    with connection.cursor() as cursor:
        if store.seq:
            cursor.execute(
                "SELECT stamp FROM network_directorychange WHERE seq = %s LIMIT 1", [store.seq]
            )
            row = cursor.fetchone()
            if row is None or row[0] != store.stamp:
                return False
        cursor.execute(
            "SELECT DISTINCT user_id FROM network_directorychange WHERE seq > %s AND seq <= %s",
            [store.seq, seq],
        )
        changed = [row[0] for row in cursor.fetchall()]
    if len(changed) > MAX_APPLIED_CHANGES:
        return False
    members = [pk for pk in changed if pk is not None]
    rows = list(_load_rows(members))
    found = {row.user_id for row in rows}
    with store.lock:
        store.index.apply(rows, removed=[pk for pk in members if pk not in found])
        store.forget(changed)
        store.seq, store.stamp = seq, stamp
    return True


def _build() -> DirectoryStore:
    # The version is read first: a change committed during the read is applied again next
    # time, which is harmless (applying a row is idempotent).
    seq, stamp = _read_version()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM network_directoryentry")
        expected = int(cursor.fetchone()[0])
    return DirectoryStore(DirectoryIndex(_load_rows(None), expected), seq, stamp)


# --- Reading the directory tables ---------------------------------------------------------


def _load_rows(user_ids: list[int] | None) -> Iterator[MemberRow]:
    """Directory rows with their words, all of them or those of ``user_ids``, streamed. The
    words come from the search index the SQL path uses (FTS5 on SQLite, tsvectors on
    PostgreSQL), so both paths match the same words."""
    if user_ids is not None and not user_ids:
        return
    postgres = connection.vendor == "postgresql"
    if postgres:
        sql = (
            f"SELECT {_ENTRY_COLUMNS}, e.search_base::text, e.search_full::text, "
            "e.search_tags::text FROM network_directoryentry e"
        )
    else:
        bios = " || ' ' || ".join(f"f.{c}" for c in BIO_COLUMNS)
        sql = (
            f"SELECT {_ENTRY_COLUMNS}, f.base, {bios}, f.tags FROM network_directoryentry e "
            f"JOIN {FTS_TABLE} f ON f.rowid = e.profile_id"
        )
    chunks: Iterable[list[int] | None] = (
        [None]
        if user_ids is None
        else (user_ids[i : i + 500] for i in range(0, len(user_ids), 500))
    )
    with connection.cursor() as cursor:
        for chunk in chunks:
            if chunk is None:
                cursor.execute(sql)
            else:
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"{sql} WHERE e.user_id IN ({marks})", chunk)
            while batch := cursor.fetchmany(2000):
                for row in batch:
                    yield _member_row(row, postgres)


def _member_row(row: tuple[Any, ...], postgres: bool) -> MemberRow:
    (user_id, listed_to, bio_audience, role, region, country, party) = row[:7]
    (verified, mentor, mentee, sort_name, joined, base_text, bio_text, tags_text) = row[7:]
    if postgres:
        base = set(_tsvector_words(base_text))
        bio = set(_tsvector_words(bio_text)) - base  # search_full = base + bio
        tags = _tsvector_words(tags_text)
    else:
        base = set(base_text.split())
        bio = set(bio_text.split())
        tags = tags_text.split()
    topics, languages = set(), set()
    for token in tags:
        match = _TAG.match(token)
        if match:
            (topics if match[1] == "t" else languages).add(int(match[2]))
    return MemberRow(
        user_id=user_id,
        listed_to=listed_to,
        bio_audience=bio_audience,
        role=role,
        region_id=region,
        country_id=country,
        party_id=party,
        verified=bool(verified),
        open_to_mentor=bool(mentor),
        open_to_mentee=bool(mentee),
        sort_name=sort_name,
        joined=joined,
        base_words=tuple(base),
        bio_words=tuple(bio),
        topic_ids=tuple(topics),
        language_ids=tuple(languages),
    )


def _tsvector_words(text: str) -> list[str]:
    return [word.replace("''", "'") for word in _TSVECTOR_WORD.findall(text or "")]


def _load_references() -> References:
    from network.models import Country, Language, Party, Region, Topic

    return References(
        regions=dict(Region.objects.values_list("code", "pk")),
        countries=dict(Country.objects.values_list("iso2", "pk")),
        parties=dict(Party.objects.values_list("slug", "pk")),
        topics=dict(Topic.objects.values_list("slug", "pk")),
        languages=dict(Language.objects.values_list("code", "pk")),
    )


_TOPIC_NAMES = ("name", "name_fr", "name_es")


def load_cards(user_ids: list[int]) -> dict[int, Card]:
    """The cards of these members, read in three queries (members, topics, languages) whatever
    their number; the SQL path reads its page's cards with it too."""
    from network.models import MemberProfile, User

    members = (
        User.objects.select_related("profile", "country__region", "party")
        .defer("password")
        .filter(pk__in=user_ids, profile__isnull=False)
    )
    cards = {m.pk: Card(member=m, topics=[], languages=[]) for m in members}
    by_profile = {card.member.profile.pk: card for card in cards.values()}
    if not by_profile:
        return cards
    Expertise = MemberProfile.expertise.through
    for profile_id, slug, *names in (
        Expertise.objects.filter(memberprofile_id__in=list(by_profile))
        .order_by("topic__order", "topic__name")
        .values_list("memberprofile_id", "topic__slug", *(f"topic__{c}" for c in _TOPIC_NAMES))
    ):
        by_profile[profile_id].topics.append((slug, dict(zip(_TOPIC_NAMES, names, strict=True))))
    Languages = MemberProfile.languages.through
    for profile_id, code, name in (
        Languages.objects.filter(memberprofile_id__in=list(by_profile))
        .order_by("language__name")
        .values_list("memberprofile_id", "language__code", "language__name")
    ):
        by_profile[profile_id].languages.append((code, name))
    return cards
