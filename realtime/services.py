"""Recording and pushing stream events, and cutting access. Apps call these from their services.

``emit`` must run inside the caller's ``transaction.atomic()``: the event row and the domain
write commit together, and the push happens only after commit (a rolled-back write pushes
nothing). The sequence is allocated under a row lock on the stream's cursor, so concurrent
writers to one stream get distinct, gap-free sequence numbers that commit in order.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from realtime import events, hub
from realtime.models import StreamCursor, StreamEvent


def emit(*, stream: str, event: str, data: dict[str, Any]) -> StreamEvent:
    """Store ``event`` on ``stream`` with the next sequence number and push it after commit.

    ``data`` must be JSON-serialisable and already safe to show to every subscriber of the
    stream (render HTML on the server before calling), unless the stream kind has an
    ``event_filter``. The push is bounded in time and never raises (see ``realtime.events``).
    """
    StreamCursor.objects.get_or_create(stream=stream)
    StreamCursor.objects.filter(stream=stream).update(last_seq=F("last_seq") + 1)
    seq = (
        StreamCursor.objects.select_for_update()
        .values_list("last_seq", flat=True)
        .get(stream=stream)
    )
    record = StreamEvent.objects.create(stream=stream, seq=seq, event=event, data=data)
    # Encoded once, here; every socket of every process receives this same text.
    text = hub.encode_event(stream, event, seq, data)
    transaction.on_commit(lambda: events.publish_text(stream=stream, seq=seq, text=text))
    return record


def broadcast_ephemeral(*, stream: str, event: str, data: dict[str, Any]) -> None:
    """Push something not worth storing (typing, presence): no sequence, no replay."""
    events.publish(stream=stream, event=event, seq=0, data=data)


def revoke_stream(*, stream: str) -> None:
    """After commit, every follower of ``stream`` re-checks its authorisation; those no longer
    allowed get a ``revoked`` frame (the client removes the content) and nothing more.

    Call it when who may read a stream changes (a thread moved to a hidden category, a member
    removed from a conversation). Live events of the stream wait until the verdicts are in.
    """
    transaction.on_commit(lambda: events.recheck_stream(stream=stream))


def revoke_access(*, user_id: int) -> None:
    """The member's access changed (deactivated, silenced, role lost, password changed):
    close every open socket of theirs after commit. Reconnecting re-authenticates from the
    session and re-authorises every stream. ``access_epoch`` is bumped so a socket that missed
    the push (live layer down) is closed at its next subscription."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(pk=user_id).update(access_epoch=F("access_epoch") + 1)
    connection = transaction.get_connection()
    for _sids, pending, _robust in getattr(connection, "run_on_commit", []):
        # Already scheduled in this transaction (e.g. by a service and by the User save hook):
        # one push is enough. Rolled-back callbacks leave this list, so none is lost.
        if getattr(pending, "revokes_user", None) == user_id:
            return

    def push() -> None:
        events.revoke_user_sockets(user_id=user_id)

    push.revokes_user = user_id  # type: ignore[attr-defined]
    transaction.on_commit(push)


def amend_events(
    *,
    stream: str,
    match: dict[str, Any],
    flags: dict[str, Any],
    events: tuple[str, ...] | None = None,
) -> int:
    """Merge ``flags`` into the stored data of ``stream``'s events whose data contains
    ``match`` (e.g. ``{"post_id": 7}`` -> ``{"hidden": True}``), so a later catch-up treats
    them by today's rules (the stream's ``event_filter`` turns them into ``skip`` frames)
    instead of replaying what was visible when they happened. ``events`` limits it to those
    event names. Returns how many changed."""
    rows = StreamEvent.objects.filter(stream=stream)
    if events is not None:
        rows = rows.filter(event__in=events)
    for field, value in match.items():
        rows = rows.filter(**{f"data__{field}": value})
    changed = 0
    for record in rows.only("pk", "data"):
        data = {**record.data, **flags}
        if data != record.data:
            StreamEvent.objects.filter(pk=record.pk).update(data=data)
            changed += 1
    return changed


def revoke_access_many(*, user_ids: list[int]) -> None:
    """``revoke_access`` for many members at once (one UPDATE; one push each after commit)."""
    from django.contrib.auth import get_user_model

    ids = sorted(set(user_ids))
    if not ids:
        return
    get_user_model().objects.filter(pk__in=ids).update(access_epoch=F("access_epoch") + 1)

    def push() -> None:
        for user_id in ids:
            events.revoke_user_sockets(user_id=user_id)

    transaction.on_commit(push)
