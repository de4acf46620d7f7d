from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Mentoring")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from mentoring import permissions
        from realtime import streams

        def replay(user: object, key: str, after: int) -> tuple[list[dict], bool]:
            # Re-checks access on every catch-up: a member who left sees nothing new.
            from realtime.models import StreamEvent

            if not permissions.authorise_conversation_stream(user, key):
                return [], True
            rows = StreamEvent.objects.filter(stream=f"conversation:{key}", seq__gt=after)
            events = [
                {"seq": e.seq, "event": e.event, "data": e.data} for e in rows.order_by("seq")[:200]
            ]
            return events, len(events) < 200

        streams.register(
            streams.StreamKind("conversation", permissions.authorise_conversation_stream, replay)
        )
