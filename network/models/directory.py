"""The directory's own narrow table: one row per member profile, derived, never edited.

Every directory filter, count and sort runs on this table alone (plus the topic and language
link tables), so its cost does not depend on how wide profiles grow. ``network.indexing`` keeps it
in step with users and profiles (signals and services); nothing else writes to it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from network.models.members import MemberProfile
from network.models.reference import Country, Party, Region
from network.search import SearchDocumentField


class DirectoryEntry(models.Model):
    profile = models.OneToOneField(
        MemberProfile, on_delete=models.CASCADE, primary_key=True, related_name="directory_entry"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_entry"
    )
    # The lowest viewer tier that may list this member (listing audience after safety mode).
    listed_to = models.PositiveSmallIntegerField()
    bio_audience = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=20)
    verified = models.BooleanField(default=False)
    country = models.ForeignKey(
        Country, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    region = models.ForeignKey(
        Region, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    party = models.ForeignKey(
        Party, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    open_to_mentor = models.BooleanField(default=False)
    open_to_mentee = models.BooleanField(default=False)
    sort_name = models.CharField(max_length=120)
    joined = models.DateTimeField()
    # PostgreSQL: tsvectors with GIN indexes. SQLite: left empty; the FTS5 table
    # ``network_directory_fts`` (rowid = profile id) does the matching instead.
    search_base = SearchDocumentField(default="", blank=True)
    search_full = SearchDocumentField(default="", blank=True)
    # Topic and language tags ("t<topic id>", "l<language id>"), matched exactly. Intersecting
    # posting lists (GIN / FTS5) beats probing link tables row by row when a dense filter (a
    # topic 40% of members share) meets a sparse one (a language 3% speak).
    search_tags = SearchDocumentField(default="", blank=True)

    class Meta:
        # Sort indexes lead with the sort key: ``listed_to <= tier`` is a range, so an index
        # led by it could not give the order; the page walks the sort index and stops at 21.
        indexes = [
            models.Index(fields=["sort_name", "user"], name="dir_name_idx"),
            models.Index(fields=["-joined", "user"], name="dir_joined_idx"),
            models.Index(fields=["role", "listed_to"], name="dir_role_idx"),
            # PostgreSQL only (covering indexes): the search documents make heap rows wide
            # (8 a page), so walking the name order or counting by the columns the filters
            # read must not visit the heap: index-only scans once autovacuum has run.
            models.Index(
                fields=["sort_name", "user"],
                include=[
                    "listed_to",
                    "role",
                    "region",
                    "country",
                    "party",
                    "verified",
                    "open_to_mentor",
                    "open_to_mentee",
                ],
                name="dir_name_cover_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Directory entry {self.pk}"


class DirectoryVersion(models.Model):
    """One row: the directory's change counter. ``network.indexing`` bumps it (a row lock on
    PostgreSQL, so bumps commit in counter order) in the transaction that rewrites directory
    rows; each process compares it with the version its in-memory index has read
    (``network.directory_store``). ``stamp`` is new on every bump, so a counter that went
    back (a rolled-back transaction) and forward again is not taken for the same history."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    stamp = models.CharField(max_length=32, default="")

    def __str__(self) -> str:
        return f"Directory version {self.seq}"


class DirectoryChange(models.Model):
    """Append-only log: which members' directory rows changed at each version (``user`` empty:
    reference data changed, such as a topic's name). Pruned to the recent past."""

    seq = models.BigIntegerField(db_index=True)
    stamp = models.CharField(max_length=32)
    user_id = models.BigIntegerField(null=True)

    def __str__(self) -> str:
        return f"Directory change {self.seq}"
