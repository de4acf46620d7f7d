from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Mentoring")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from mentoring import permissions
        from realtime import streams

        # Catch-up reads realtime's event log and re-runs this same check first.
        streams.register(
            streams.StreamKind("conversation", permissions.authorise_conversation_stream)
        )
