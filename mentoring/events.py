"""Live events of mentoring. The only module here that talks to ``realtime``.

Payloads carry the database id and server-rendered, escaped HTML, so subscribers never render
member text themselves. Called inside the service's transaction: ``realtime.services.emit``
stores the event with its sequence and pushes after commit.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.html import escape

from mentoring.models import MentoringNotification, Message
from realtime.services import emit


def conversation_stream(mentorship_id: int) -> str:
    return f"conversation:{mentorship_id}"


def message_posted(message: Message) -> None:
    html = render_to_string("mentoring/_message.html", {"message": message, "live": True})
    emit(
        stream=conversation_stream(message.mentorship_id),
        event="message",
        data={"id": message.pk, "author_id": message.author_id, "html": html},
    )


def notification_created(notification: MentoringNotification) -> None:
    emit(
        stream=f"user:{notification.recipient_id}",
        event="notification",
        data={
            "id": notification.pk,
            "source": "mentoring",
            "kind": notification.kind,
            "url": notification.url,
            "html": f'<a href="{escape(notification.url)}">{escape(notification.text)}</a>',
        },
    )
