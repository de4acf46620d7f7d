from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Forums")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Live streams are authorised by the same rules as the pages they mirror.
        from forums import permissions
        from realtime import streams

        streams.register(streams.StreamKind("thread", permissions.authorise_thread_stream))
        streams.register(streams.StreamKind("category", permissions.authorise_category_stream))
