from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = _("Real-time")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from realtime import events, signals

        signals.connect()
        events.prepare()
