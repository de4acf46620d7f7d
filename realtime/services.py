"""Recording and pushing stream events. Apps call these from their own services.

``emit`` must run inside the caller's ``transaction.atomic()``: the event row and the domain
write commit together, and the push happens only after commit (a rolled-back write pushes
nothing). The sequence is allocated under a row lock on the stream's cursor, so concurrent
writers to one stream get distinct, gap-free sequence numbers.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from realtime import events
from realtime.models import StreamCursor, StreamEvent


def emit(*, stream: str, event: str, data: dict[str, Any]) -> StreamEvent:
    """Store ``event`` on ``stream`` with the next sequence number and push it after commit.

    ``data`` must be JSON-serialisable and already safe to show to every subscriber of the
    stream (render HTML on the server before calling).
    """
    StreamCursor.objects.get_or_create(stream=stream)
    StreamCursor.objects.filter(stream=stream).update(last_seq=F("last_seq") + 1)
    seq = (
        StreamCursor.objects.select_for_update()
        .values_list("last_seq", flat=True)
        .get(stream=stream)
    )
    record = StreamEvent.objects.create(stream=stream, seq=seq, event=event, data=data)
    transaction.on_commit(lambda: events.publish(stream=stream, event=event, seq=seq, data=data))
    return record


def broadcast_ephemeral(*, stream: str, event: str, data: dict[str, Any]) -> None:
    """Push something not worth storing (typing, presence): no sequence, no replay."""
    events.publish(stream=stream, event=event, seq=0, data=data)
