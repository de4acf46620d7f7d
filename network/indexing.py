"""Keeps the directory table (``DirectoryEntry``) and, on SQLite, its FTS5 table in step with
members and profiles. Called from signals (``network.signals``: the one use of signals the
architecture allows, search indexing) and, for bulk loads, directly.

Invariant: a member has a directory entry iff they are active and have a profile; its columns
are exactly ``entry_values(member, profile)``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction

from network import privacy
from network.search import normalise

FTS_TABLE = "network_directory_fts"


def search_texts(member: Any, profile: Any) -> tuple[str, str]:
    """(base, bio): ``base`` is what anyone who may list the member can read; the bio has its
    own audience and is matched only for viewers who may read it."""
    party = getattr(member, "party", None)
    parts = [
        member.display_name,
        member.handle or "",
        profile.headline,
        profile.organisation,
        profile.position,
        profile.parliament,
    ]
    if party is not None:
        parts += [party.name, party.short_name, party.name_en, party.name_fr, party.name_es]
    return normalise(" ".join(p for p in parts if p)), normalise(profile.bio)


def tag_text(topic_ids: Iterable[int], language_ids: Iterable[int]) -> str:
    return " ".join(
        [
            *(f"t{pk}" for pk in sorted(set(topic_ids))),
            *(f"l{pk}" for pk in sorted(set(language_ids))),
        ]
    )


# Audiences 0 (public) .. 4 (only me); FTS5 (SQLite) keeps the bio in the column of its
# audience, so a viewer's search names exactly the bio columns they may read.
BIO_COLUMNS = tuple(f"bio{audience}" for audience in range(5))
VIEWER_TIERS = range(4)  # public, members, parliamentarians, staff (privacy.viewer_tier)


def attribute_tags(values: dict[str, Any]) -> str:
    """Exact tokens for the directory's column filters (``values``: a directory row), so that
    on SQLite one FTS5 lookup intersects them with the words and topics instead of probing
    rows one by one. ``vis<tier>`` is present for every viewer tier that may list the member."""
    tokens = [viewer_tag(tier) for tier in VIEWER_TIERS if values["listed_to"] <= tier]
    tokens += filter_tokens(
        role=values["role"],
        region_id=values["region_id"],
        country_id=values["country_id"],
        party_id=values["party_id"],
        verified=values["verified"],
        open_to_mentor=values["open_to_mentor"],
        open_to_mentee=values["open_to_mentee"],
    )
    return " ".join(tokens)


def filter_tokens(
    *,
    role: str | None = None,
    region_id: int | None = None,
    country_id: int | None = None,
    party_id: int | None = None,
    verified: bool = False,
    open_to_mentor: bool = False,
    open_to_mentee: bool = False,
) -> list[str]:
    """The tokens of these column values: what a row is indexed with and what a directory
    filter asks for (``DirectoryFilter``), from this one vocabulary."""
    tokens = [role_tag(role)] if role else []
    for value, prefix in ((region_id, "r"), (country_id, "c"), (party_id, "p")):
        if value is not None:
            tokens.append(f"{prefix}{value}")
    for flag, token in ((verified, "ver"), (open_to_mentor, "mtr"), (open_to_mentee, "mte")):
        if flag:
            tokens.append(token)
    return tokens


def viewer_tag(tier: int) -> str:
    return f"vis{tier}"


def role_tag(role: str) -> str:
    return "o" + role.replace("_", "")


def topic_tag(topic_id: int) -> str:
    return f"t{topic_id}"


def language_tag(language_id: int) -> str:
    return f"l{language_id}"


def entry_values(member: Any, profile: Any, tags: str) -> dict[str, Any]:
    """The directory row of ``member`` (duck-typed: works with migration-time models too)."""
    country = member.country
    base, bio = search_texts(member, profile)
    postgres = connection.vendor == "postgresql"
    values = {
        "user_id": member.pk,
        "listed_to": privacy.listing_audience(profile, country),
        "bio_audience": profile.bio_audience,
        "role": member.role,
        "verified": member.role == "parliamentarian"
        and member.parliamentarian_status == "verified",
        "country_id": member.country_id,
        "region_id": country.region_id if country is not None else None,
        "party_id": member.party_id,
        "open_to_mentor": profile.open_to_mentor,
        "open_to_mentee": profile.open_to_mentee,
        "sort_name": normalise(member.display_name)[:120],
        "joined": member.date_joined,
        "search_base": base if postgres else "",
        "search_full": f"{base} {bio}" if postgres else "",
        "search_tags": "",
    }
    values["search_tags"] = full_tags(values, tags) if postgres else ""
    return values


def full_tags(values: dict[str, Any], tags: str) -> str:
    """Topic and language tags plus the attribute tokens of the directory row ``values``."""
    return f"{tags} {attribute_tags(values)}".strip()


def _fts_row(profile_id: int, base: str, bio: str, bio_audience: int, tags: str) -> tuple[Any, ...]:
    bios = ["" for _ in BIO_COLUMNS]
    bios[min(max(int(bio_audience), 0), len(BIO_COLUMNS) - 1)] = bio
    return (profile_id, base, *bios, tags)


def _fts_replace(rows: list[tuple[Any, ...]], *, delete: bool = True) -> None:
    """``rows`` from ``_fts_row``."""
    if connection.vendor != "sqlite" or not rows:
        return
    columns = ", ".join(("rowid", "base", *BIO_COLUMNS, "tags"))
    marks = ", ".join(["%s"] * (len(BIO_COLUMNS) + 3))
    with connection.cursor() as cursor:
        if delete:
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(r[0],) for r in rows])
        cursor.executemany(f"INSERT INTO {FTS_TABLE} ({columns}) VALUES ({marks})", rows)


def _tags_for(profile_ids: list[int], MemberProfile: Any) -> dict[int, str]:
    """Tag text per profile: three queries for any number of profiles."""
    topics: dict[int, list[int]] = {pk: [] for pk in profile_ids}
    languages: dict[int, list[int]] = {pk: [] for pk in profile_ids}
    for through in (MemberProfile.expertise.through, MemberProfile.interests.through):
        rows = through.objects.filter(memberprofile_id__in=profile_ids)
        for profile_id, topic_id in rows.values_list("memberprofile_id", "topic_id"):
            topics[profile_id].append(topic_id)
    rows = MemberProfile.languages.through.objects.filter(memberprofile_id__in=profile_ids)
    for profile_id, language_id in rows.values_list("memberprofile_id", "language_id"):
        languages[profile_id].append(language_id)
    return {pk: tag_text(topics[pk], languages[pk]) for pk in profile_ids}


def _fts_delete(profile_ids: Iterable[int]) -> None:
    ids = [(pk,) for pk in profile_ids]
    if connection.vendor != "sqlite" or not ids:
        return
    with connection.cursor() as cursor:
        cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", ids)


# The change log keeps this many versions; a process further behind rebuilds its index.
CHANGES_KEPT = 20_000
_PRUNE_EVERY = 500


def log_changes(user_ids: Iterable[int | None]) -> None:
    """Record that these members' directory rows changed (``None``: reference data such as a
    topic's name), after the rows are written and in the same transaction, so a process that
    reads the new version also reads the new rows (``network.directory_store``)."""
    ids = list(user_ids)
    if not ids:
        return
    stamp = uuid.uuid4().hex
    with connection.cursor() as cursor:
        # The upsert takes the version row's lock until commit: versions commit in order.
        cursor.execute(
            "INSERT INTO network_directoryversion (id, seq, stamp) VALUES (1, 1, %s) "
            "ON CONFLICT (id) DO UPDATE SET seq = network_directoryversion.seq + 1, "
            "stamp = excluded.stamp RETURNING seq",
            [stamp],
        )
        seq = int(cursor.fetchone()[0])
        cursor.executemany(
            "INSERT INTO network_directorychange (seq, stamp, user_id) VALUES (%s, %s, %s)",
            [(seq, stamp, pk) for pk in dict.fromkeys(ids)],
        )
        if seq % _PRUNE_EVERY == 0:
            cursor.execute(
                "DELETE FROM network_directorychange WHERE seq < %s", [seq - CHANGES_KEPT]
            )


def reference_changed() -> None:
    """Regions, countries, parties, topics or languages changed: cached names and codes go."""
    with transaction.atomic():
        log_changes([None])


def sync_member(member: Any) -> None:
    """Rebuild one member's directory row (or remove it)."""
    with transaction.atomic():
        _sync_member(member)
        log_changes([member.pk])


def _sync_member(member: Any) -> None:
    from network.models import DirectoryEntry, MemberProfile

    profile = MemberProfile.objects.filter(user_id=member.pk).first()
    if profile is None:
        DirectoryEntry.objects.filter(user_id=member.pk).delete()
        return
    if not member.is_active:
        DirectoryEntry.objects.filter(pk=profile.pk).delete()
        _fts_delete([profile.pk])
        return
    tags = _tags_for([profile.pk], MemberProfile)[profile.pk]
    values = entry_values(member, profile, tags)
    DirectoryEntry.objects.update_or_create(profile_id=profile.pk, defaults=values)
    base, bio = search_texts(member, profile)
    _fts_replace([_fts_row(profile.pk, base, bio, profile.bio_audience, full_tags(values, tags))])


def sync_profiles(profiles: Any = None, *, models: Any = None, batch_size: int = 2000) -> int:
    """Rebuild the rows of many profiles (all by default). ``models`` lets a migration pass
    its historical (MemberProfile, DirectoryEntry); such a rebuild is not logged (the change
    log may not exist yet; processes build their index after migrating anyway)."""
    logged = models is None
    if models is None:
        from network.models import DirectoryEntry, MemberProfile
    else:
        MemberProfile, DirectoryEntry = models
    queryset = profiles if profiles is not None else MemberProfile.objects.all()
    queryset = queryset.select_related("user__country", "user__party").order_by("pk")
    total = 0
    batch: list[Any] = []

    def flush() -> None:
        with transaction.atomic():
            write()
            if logged:
                log_changes(p.user_id for p in batch)

    def write() -> None:
        ids = [p.pk for p in batch]
        tags = _tags_for(ids, MemberProfile)
        DirectoryEntry.objects.filter(pk__in=ids).delete()
        live = [p for p in batch if p.user.is_active]
        values = {p.pk: entry_values(p.user, p, tags[p.pk]) for p in live}
        DirectoryEntry.objects.bulk_create(
            [DirectoryEntry(profile_id=p.pk, **values[p.pk]) for p in live], batch_size=1000
        )
        _fts_delete(ids)
        _fts_replace(
            [
                _fts_row(
                    p.pk,
                    *search_texts(p.user, p),
                    p.bio_audience,
                    full_tags(values[p.pk], tags[p.pk]),
                )
                for p in live
            ],
            delete=False,
        )

    for profile in queryset.iterator(chunk_size=batch_size):
        batch.append(profile)
        if len(batch) >= batch_size:
            flush()
            total += len(batch)
            batch = []
    if batch:
        flush()
        total += len(batch)
    return total


def remove_profile(profile_id: int, user_id: int | None = None) -> None:
    with transaction.atomic():
        _fts_delete([profile_id])
        if user_id is not None:
            log_changes([user_id])
