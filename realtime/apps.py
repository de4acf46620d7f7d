from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = _("Real-time")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from realtime import events

        def close_sockets_on_logout(sender, request, user, **kwargs):  # type: ignore[no-untyped-def]
            # An open socket keeps the user it connected with; logging out must end it too.
            if user is not None:
                events.revoke_user_sockets(user_id=user.pk)

        user_logged_out.connect(close_sockets_on_logout, dispatch_uid="realtime-logout")
