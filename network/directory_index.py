"""The directory as an in-process index: posting lists and column arrays (NumPy), no Django.

A directory query (listing rule, column filters, topic and language tags, words with the last one
as a prefix, a sort, a page and a capped count) is a handful of vectorised operations over one
boolean per member, then a walk of a precomputed sort order: well under a millisecond at 50,000
members, where the same query through SQL costs 10-20 ms, most of it counting. The rules are
those of the SQL path (``DirectoryFilter`` and ``selectors._ordering``), which stays the
reference: ``tests/network/test_directory_index.py`` asserts both give the same pages.

Privacy lives in the data, as in the SQL indexes: a member's bio words are filed under the bio's
audience, and a viewer of tier T matches only the bios of audiences <= T; members are listed to
tiers >= ``listed_to``.

Updates: the index built from every member is frozen (compact sorted posting arrays); a changed
or new member gets a fresh slot appended to small mutable postings and its old slot is marked
dead. Once the appended slots outgrow ``needs_rebuild``, the owner builds a new index.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

SORTS = ("relevance", "name", "newest")
_NONE = -1  # region, country or party not set
_TOP = "\U0010ffff"  # sorts after every continuation of a prefix


@dataclass(frozen=True, slots=True)
class MemberRow:
    """One member as the directory indexes them (a ``DirectoryEntry`` row plus its words)."""

    user_id: int
    listed_to: int
    bio_audience: int
    role: str
    region_id: int | None
    country_id: int | None
    party_id: int | None
    verified: bool
    open_to_mentor: bool
    open_to_mentee: bool
    sort_name: str
    joined: Any  # anything ordered: a datetime, or SQLite's ISO text
    base_words: tuple[str, ...]  # distinct words of the name, headline, party...: whoever may
    bio_words: tuple[str, ...]  # list the member reads them; the bio's: tiers >= bio_audience
    topic_ids: tuple[int, ...]
    language_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DirectoryQuery:
    tier: int
    terms: tuple[str, ...] = ()
    role: str | None = None
    region_id: int | None = None
    country_id: int | None = None
    party_id: int | None = None
    topic_id: int | None = None
    language_id: int | None = None
    verified: bool = False
    open_to_mentor: bool = False
    open_to_mentee: bool = False
    sort: str = "name"
    offset: int = 0
    limit: int = 20
    count_cap: int = 1000


@dataclass(frozen=True, slots=True)
class DirectoryResult:
    user_ids: list[int]
    count: int  # at most count_cap
    capped: bool  # more than count_cap matched
    has_next: bool
    sort: str  # the sort applied (relevance falls back to name past the cap)


class _FrozenPostings:
    """word -> slots, as one sorted vocabulary and one array: the slots of every word sharing
    a prefix are contiguous, so a prefix lookup is two bisections and one slice."""

    __slots__ = ("offsets", "slots", "words")

    def __init__(self, postings: dict[str, array[int]]) -> None:
        self.words = sorted(postings)
        lengths = np.fromiter(
            (len(postings[w]) for w in self.words), dtype=np.int64, count=len(self.words)
        )
        self.offsets = np.zeros(len(self.words) + 1, dtype=np.int64)
        np.cumsum(lengths, out=self.offsets[1:])
        self.slots = np.frombuffer(
            b"".join(postings[w].tobytes() for w in self.words), dtype=np.int32
        ).copy()

    def mark(self, mask: np.ndarray, term: str, prefix: bool) -> None:
        lo, hi = _word_range(self.words, term, prefix)
        if hi > lo:
            mask[self.slots[self.offsets[lo] : self.offsets[hi]]] = True


class _AppendedPostings:
    """The postings of slots appended since the build: few, so plain lists."""

    __slots__ = ("lists", "words")

    def __init__(self) -> None:
        self.words: list[str] = []
        self.lists: dict[str, list[int]] = {}

    def add(self, word: str, slot: int) -> None:
        slots = self.lists.get(word)
        if slots is None:
            bisect.insort(self.words, word)
            slots = self.lists[word] = []
        slots.append(slot)

    def mark(self, mask: np.ndarray, term: str, prefix: bool) -> None:
        lo, hi = _word_range(self.words, term, prefix)
        for word in self.words[lo:hi]:
            mask[self.lists[word]] = True


class _Postings:
    __slots__ = ("appended", "frozen")

    def __init__(self, postings: dict[str, array[int]]) -> None:
        self.frozen = _FrozenPostings(postings)
        self.appended = _AppendedPostings()

    def mark(self, mask: np.ndarray, term: str, prefix: bool) -> None:
        self.frozen.mark(mask, term, prefix)
        if self.appended.words:
            self.appended.mark(mask, term, prefix)


def _word_range(words: list[str], term: str, prefix: bool) -> tuple[int, int]:
    lo = bisect.bisect_left(words, term)
    if prefix:
        return lo, bisect.bisect_left(words, term + _TOP, lo)
    return lo, (lo + 1 if lo < len(words) and words[lo] == term else lo)


def _tag(kind: str, pk: int) -> str:
    return f"{kind}{pk}"


class DirectoryIndex:
    """Every listed member of the directory, searchable in memory. Not thread-safe: the owner
    (``network.directory_store``) serialises updates and reads."""

    AUDIENCES = 5  # public, members, parliamentarians, staff, only me

    def __init__(self, rows: Iterable[MemberRow], expected: int = 0) -> None:
        """``rows`` is consumed once (streamed: 50,000 rows with their words held at once
        took ten times the index's own memory); ``expected`` sizes the column arrays."""
        capacity = expected + max(256, expected // 8)
        self._size = 0
        self._listed_to = np.full(capacity, 127, dtype=np.int8)
        self._alive = np.zeros(capacity, dtype=bool)
        self._role = np.full(capacity, _NONE, dtype=np.int8)
        self._region = np.full(capacity, _NONE, dtype=np.int32)
        self._country = np.full(capacity, _NONE, dtype=np.int32)
        self._party = np.full(capacity, _NONE, dtype=np.int32)
        self._verified = np.zeros(capacity, dtype=bool)
        self._mentor = np.zeros(capacity, dtype=bool)
        self._mentee = np.zeros(capacity, dtype=bool)
        self._user_ids: list[int] = []
        self._sort_names: list[str] = []
        self._joined: list[Any] = []
        self._slot_of: dict[int, int] = {}
        self._role_codes: dict[str, int] = {}

        base: dict[str, array[int]] = {}
        bios: list[dict[str, array[int]]] = [{} for _ in range(self.AUDIENCES)]
        tags: dict[str, array[int]] = {}

        def post(postings: dict[str, array[int]], words: Iterable[str], slot: int) -> None:
            for word in words:
                slots = postings.get(word)
                if slots is None:
                    slots = postings[word] = array("i")
                slots.append(slot)

        names: dict[str, array[int]] = {}
        for row in rows:
            slot = self._append_columns(row)
            post(names, set(row.sort_name.split()), slot)
            post(base, row.base_words, slot)
            post(bios[self._audience(row.bio_audience)], row.bio_words, slot)
            post(tags, self._tags(row), slot)
        self._base_size = self._size
        self._names = _Postings(names)  # the words of sort_name, for relevance
        self._base = _Postings(base)
        self._bios = [_Postings(b) for b in bios]
        self._tagged = _Postings(tags)
        # Sort orders as sorted key lists (kept by bisection on updates) and, lazily, as
        # arrays of slots in the same order (ascending; "newest" is read backwards).
        self._keys = {
            "name": sorted((self._sort_names[s], self._user_ids[s], s) for s in range(self._size)),
            "newest": sorted((self._joined[s], -self._user_ids[s], s) for s in range(self._size)),
        }
        self._orders: dict[str, np.ndarray] = {}

    # --- updates ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._slot_of)

    @property
    def needs_rebuild(self) -> bool:
        """Appended slots have grown past what keeps the appended postings cheap."""
        return self._size - self._base_size > max(1000, self._base_size // 5)

    def apply(self, rows: Sequence[MemberRow], removed: Sequence[int] = ()) -> None:
        """Members whose directory rows changed (``rows``) or who left it (``removed``)."""
        if len(rows) + len(removed) > 64:
            self._orders.clear()  # regenerated once, on the next search
        for user_id in removed:
            self._kill(user_id)
        for row in rows:
            self._kill(row.user_id)
            slot = self._append_columns(row)
            for word in set(row.sort_name.split()):
                self._names.appended.add(word, slot)
            for word in row.base_words:
                self._base.appended.add(word, slot)
            bio = self._bios[self._audience(row.bio_audience)]
            for word in row.bio_words:
                bio.appended.add(word, slot)
            for token in self._tags(row):
                self._tagged.appended.add(token, slot)
            self._insert_key("name", (row.sort_name, row.user_id, slot))
            self._insert_key("newest", (row.joined, -row.user_id, slot))

    def _kill(self, user_id: int) -> None:
        slot = self._slot_of.pop(user_id, None)
        if slot is None:
            return
        self._alive[slot] = False
        self._delete_key("name", (self._sort_names[slot], user_id, slot))
        self._delete_key("newest", (self._joined[slot], -user_id, slot))

    # A few changes adjust the sort orders in place (a copy of one array each, ~50 us at
    # 50,000 members) rather than regenerate them from the key lists (~5 ms).
    def _insert_key(self, sort: str, key: tuple[Any, int, int]) -> None:
        keys = self._keys[sort]
        at = bisect.bisect_left(keys, key)
        keys.insert(at, key)
        order = self._orders.get(sort)
        if order is not None:
            self._orders[sort] = np.insert(order, at, key[2])

    def _delete_key(self, sort: str, key: tuple[Any, int, int]) -> None:
        keys = self._keys[sort]
        at = bisect.bisect_left(keys, key)
        if at < len(keys) and keys[at] == key:
            del keys[at]
            order = self._orders.get(sort)
            if order is not None:
                self._orders[sort] = np.delete(order, at)

    def _append_columns(self, row: MemberRow) -> int:
        slot = self._size
        if slot >= len(self._alive):
            self._grow()
        self._size += 1
        self._listed_to[slot] = min(max(int(row.listed_to), 0), 127)
        self._alive[slot] = True
        # Roles are coded as they are first seen: the index needs no copy of User.Role.
        self._role[slot] = self._role_codes.setdefault(row.role, len(self._role_codes))
        self._region[slot] = _NONE if row.region_id is None else row.region_id
        self._country[slot] = _NONE if row.country_id is None else row.country_id
        self._party[slot] = _NONE if row.party_id is None else row.party_id
        self._verified[slot] = row.verified
        self._mentor[slot] = row.open_to_mentor
        self._mentee[slot] = row.open_to_mentee
        self._user_ids.append(row.user_id)
        self._sort_names.append(row.sort_name)
        self._joined.append(row.joined)
        self._slot_of[row.user_id] = slot
        return slot

    def _grow(self) -> None:
        extra = max(256, len(self._alive) // 4)
        for name, fill in (
            ("_listed_to", 127),
            ("_alive", False),
            ("_role", _NONE),
            ("_region", _NONE),
            ("_country", _NONE),
            ("_party", _NONE),
            ("_verified", False),
            ("_mentor", False),
            ("_mentee", False),
        ):
            array = getattr(self, name)
            setattr(self, name, np.concatenate([array, np.full(extra, fill, dtype=array.dtype)]))

    def _audience(self, audience: int) -> int:
        return min(max(int(audience), 0), self.AUDIENCES - 1)

    @staticmethod
    def _tags(row: MemberRow) -> Iterable[str]:
        yield from (_tag("t", pk) for pk in row.topic_ids)
        yield from (_tag("l", pk) for pk in row.language_ids)

    # --- reads -----------------------------------------------------------------------------

    def search(self, query: DirectoryQuery) -> DirectoryResult:
        n = self._size
        mask = self._alive[:n] & (self._listed_to[:n] <= query.tier)
        if query.role is not None:
            code = self._role_codes.get(query.role, -2)
            mask &= self._role[:n] == code
        for value, column in (
            (query.region_id, self._region),
            (query.country_id, self._country),
            (query.party_id, self._party),
        ):
            if value is not None:
                mask &= column[:n] == value
        for flag, column in (
            (query.verified, self._verified),
            (query.open_to_mentor, self._mentor),
            (query.open_to_mentee, self._mentee),
        ):
            if flag:
                mask &= column[:n]
        for kind, value in (("t", query.topic_id), ("l", query.language_id)):
            if value is not None:
                tagged = np.zeros(n, dtype=bool)
                self._tagged.mark(tagged, _tag(kind, value), False)
                mask &= tagged
        terms = query.terms
        if terms:
            readable = self._bios[: self._audience(query.tier) + 1]
            for i, term in enumerate(terms):
                prefix = i == len(terms) - 1  # the word still being typed
                found = np.zeros(n, dtype=bool)
                self._base.mark(found, term, prefix)
                for bio in readable:
                    bio.mark(found, term, prefix)
                mask &= found

        sort = query.sort if query.sort in SORTS else "name"
        if sort == "relevance" and not terms:
            sort = "name"
        order = self._order("newest" if sort == "newest" else "name")
        hits = np.flatnonzero(mask[order])
        count = len(hits)
        capped = count > query.count_cap
        if capped and sort == "relevance":
            sort = "name"  # the SQL path's rule: past the cap, broad searches list by name
        start, stop = query.offset, query.offset + query.limit
        if sort == "relevance":
            # Members whose name has a word starting with the first term come first.
            named = np.zeros(n, dtype=bool)
            self._names.mark(named, terms[0], True)
            slots = order[hits]
            first = named[slots]
            page = np.concatenate([slots[first], slots[~first]])[start : stop + 1].tolist()
        else:
            page = order[hits[start : stop + 1]].tolist()
        user_ids = self._user_ids
        return DirectoryResult(
            user_ids=[user_ids[s] for s in page[: query.limit]],
            count=min(count, query.count_cap),
            capped=capped,
            has_next=len(page) > query.limit,
            sort=sort,
        )

    def _order(self, sort: str) -> np.ndarray:
        order = self._orders.get(sort)
        if order is None:
            keys = self._keys[sort]
            order = np.fromiter((k[2] for k in keys), dtype=np.int64, count=len(keys))
            self._orders[sort] = order
        # "newest" keys ascend by (joined, -user id): read backwards, newest first, then by id
        return order[::-1] if sort == "newest" else order
