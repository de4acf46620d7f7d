"""``manage.py realtime_prune``: old events go, each stream keeps its newest REPLAY_CAP."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from realtime.models import StreamCursor, StreamEvent
from realtime.services import emit

pytestmark = pytest.mark.django_db


def _events(stream: str, count: int, *, age_days: float) -> None:
    with transaction.atomic():
        for n in range(count):
            emit(stream=stream, event="post.created", data={"n": n})
    StreamEvent.objects.filter(stream=stream).update(
        created_at=timezone.now() - timedelta(days=age_days)
    )


def test_pruning_deletes_old_events_but_keeps_each_streams_newest_replay_cap(settings):
    settings.REALTIME = {**settings.REALTIME, "REPLAY_CAP": 10}
    _events("thread:1", 25, age_days=30)  # busy old stream: keeps its newest 10
    _events("thread:2", 4, age_days=30)  # quiet old stream: keeps everything
    _events("thread:3", 15, age_days=1)  # recent: untouched
    out = StringIO()
    call_command("realtime_prune", "--days", "7", stdout=out)
    assert "Deleted 15 stream events" in out.getvalue()
    kept = list(StreamEvent.objects.filter(stream="thread:1").values_list("seq", flat=True))
    assert kept == list(range(16, 26))
    assert StreamEvent.objects.filter(stream="thread:2").count() == 4
    assert StreamEvent.objects.filter(stream="thread:3").count() == 15
    # Sequences go on where they were: a client that was further behind gets a reset.
    assert StreamCursor.objects.get(stream="thread:1").last_seq == 25


def test_pruning_with_an_explicit_keep_and_nothing_to_do(settings):
    _events("thread:9", 6, age_days=10)
    call_command("realtime_prune", "--days", "7", "--keep", "2", stdout=StringIO())
    assert list(StreamEvent.objects.filter(stream="thread:9").values_list("seq", flat=True)) == [
        5,
        6,
    ]
    out = StringIO()
    call_command("realtime_prune", "--days", "7", "--keep", "2", stdout=out)
    assert "Deleted 0 stream events" in out.getvalue()
