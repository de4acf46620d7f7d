"""The only place that talks to the channel layer for realtime's own streams.

Apps publish through ``publish()`` from ``transaction.on_commit`` callbacks. Failures of the
channel layer (Redis down) are logged and swallowed: the write is already committed and readers
catch up from the database when the live layer returns.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from realtime import streams

logger = logging.getLogger(__name__)


def publish(*, stream: str, event: str, seq: int, data: dict[str, Any]) -> bool:
    """Send one event to every socket subscribed to ``stream``. Returns False if not delivered
    to the layer. The payload is encoded here, once, not per socket."""
    text = json.dumps(
        {"type": "event", "stream": stream, "event": event, "seq": seq, "data": data},
        separators=(",", ":"),
    )
    layer = get_channel_layer()
    try:
        async_to_sync(layer.group_send)(
            streams.group_name(stream), {"type": "stream.event", "stream": stream, "text": text}
        )
    except Exception as exc:
        logger.warning("Live push to %s failed: %s", stream, exc)
        return False
    return True


def revoke_user_sockets(*, user_id: int) -> bool:
    """Close every open socket of this member (logout, password change, deactivation)."""
    layer = get_channel_layer()
    try:
        async_to_sync(layer.group_send)(streams.user_group(user_id), {"type": "access.revoked"})
    except Exception as exc:
        logger.warning("Revoking sockets of user %s failed: %s", user_id, exc)
        return False
    return True
