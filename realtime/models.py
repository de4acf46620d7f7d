"""The event log behind every live stream.

Each stream (``thread:42``) has a cursor holding its last sequence number; each event is stored
with its sequence in the same transaction as the write it describes. Live delivery is a bonus on
top: a client that misses pushes (slow socket, Redis restart, reconnect) replays from here.
"""

from __future__ import annotations

from django.db import models


class StreamCursor(models.Model):
    stream = models.CharField(max_length=100, primary_key=True)
    last_seq = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.stream}@{self.last_seq}"


class StreamEvent(models.Model):
    stream = models.CharField(max_length=100)
    seq = models.PositiveBigIntegerField()
    event = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="stream_event_unique_seq")
        ]
        indexes = [models.Index(fields=["stream", "seq"], name="stream_event_replay")]
        ordering = ["stream", "seq"]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq} {self.event}"
