"""Reads of the event log for pages that go live."""

from __future__ import annotations

from realtime.models import StreamCursor, StreamEvent


def stream_head(stream: str) -> int:
    """The stream's current sequence. Read it *before* the content a page renders, and put it
    in ``data-realtime-seq``: whatever happens after is replayed when the page subscribes (the
    client drops what it already shows by id), so nothing falls between render and subscribe."""
    head = StreamCursor.objects.filter(stream=stream).values_list("last_seq", flat=True).first()
    return head or 0


def event_seq(*, stream: str, event: str, match: dict[str, object]) -> int | None:
    """The sequence of the first ``event`` on ``stream`` whose data contains ``match``."""
    rows = StreamEvent.objects.filter(stream=stream, event=event)
    for field, value in match.items():
        rows = rows.filter(**{f"data__{field}": value})
    return rows.order_by("seq").values_list("seq", flat=True).first()
