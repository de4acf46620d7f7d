"""Access changes that must reach open sockets at once (the sockets keep their user otherwise).

Only receivers here: the work is in ``realtime.services``. Deactivation and role changes are
pushed by the services that make them (``revoke_access``), not by a ``post_save`` hook.
"""

from __future__ import annotations

from typing import Any

from realtime import events, services


def _on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # Closes every socket of the member; those of other still-valid sessions reconnect at once.
    if user is not None:
        events.revoke_user_sockets(user_id=user.pk)


def _on_password_change(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if user is not None and user.pk is not None:
        services.revoke_access(user_id=user.pk)


def connect() -> None:
    from allauth.account.signals import password_changed, password_reset, password_set
    from django.contrib.auth.signals import user_logged_out

    user_logged_out.connect(_on_logout, dispatch_uid="realtime-logout")
    for signal, uid in (
        (password_changed, "realtime-password-changed"),
        (password_reset, "realtime-password-reset"),
        (password_set, "realtime-password-set"),
    ):
        signal.connect(_on_password_change, dispatch_uid=uid)
