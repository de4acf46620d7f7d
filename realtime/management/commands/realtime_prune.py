"""Delete old stream events: ``manage.py realtime_prune --days 7`` (run daily, e.g. from cron).

Catch-up reads the event log; a client further behind than what is kept gets ``reset`` and
reloads its view, so old events are only dead weight. The newest ``REPLAY_CAP`` events of every
stream are always kept, whatever their age, so a quiet stream still replays fully.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Max
from django.utils import timezone

from realtime.models import StreamEvent


def prune_events(*, days: int, keep: int, batch: int = 5_000) -> int:
    """Delete events older than ``days`` except each stream's newest ``keep``; returns how many.

    Per stream with old events, the floor is ``max(seq) - keep``; deletes run in batches by
    primary key so no single statement locks the table for long. Cursors are never touched:
    sequences continue where they were.
    """
    cutoff = timezone.now() - timedelta(days=days)
    deleted = 0
    streams = (
        StreamEvent.objects.filter(created_at__lt=cutoff)
        .order_by()
        .values_list("stream", flat=True)
        .distinct()
    )
    for stream in list(streams):
        head = StreamEvent.objects.filter(stream=stream).aggregate(head=Max("seq"))["head"] or 0
        floor = head - keep
        while True:
            ids = list(
                StreamEvent.objects.filter(stream=stream, created_at__lt=cutoff, seq__lte=floor)
                .order_by("seq")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                break
            deleted += StreamEvent.objects.filter(pk__in=ids).delete()[0]
    return deleted


class Command(BaseCommand):
    help = "Delete stream events older than --days, keeping each stream's newest REPLAY_CAP."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7, help="Keep events younger than this.")
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="Events always kept per stream (default: the REPLAY_CAP setting).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] < 0:
            self.stderr.write("--days must be 0 or more")
            return
        keep = options["keep"]
        if keep is None:
            keep = settings.REALTIME.get("REPLAY_CAP", 200)
        deleted = prune_events(days=options["days"], keep=keep)
        self.stdout.write(f"Deleted {deleted} stream events older than {options['days']} days.")
