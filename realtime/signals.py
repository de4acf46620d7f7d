"""Access changes that must reach open sockets at once (the sockets keep their user otherwise).

Only receivers here: the work is in ``realtime.services``. Services that cut access call
``revoke_access`` themselves (forums' ``silence_member``; network's account deletion). Changes
to the fields every permission reads (``is_active``, ``role``, ``parliamentarian_status``,
``is_superuser``, ``is_staff``) are also caught on ``User`` saves, because staff make them in
the Wagtail and Django admins, which call no service: the socket's cached user is invalidated
like a cache entry.
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


ACCESS_FIELDS = ("is_active", "role", "parliamentarian_status", "is_superuser", "is_staff")


def _before_user_save(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    instance._realtime_access_changed = False
    if instance.pk is None or kwargs.get("raw"):
        return
    if update_fields is not None and not set(update_fields) & set(ACCESS_FIELDS):
        return  # e.g. the last_login update at every sign-in: no query
    old = sender.objects.filter(pk=instance.pk).values(*ACCESS_FIELDS).first()
    if old is not None and any(old[f] != getattr(instance, f) for f in ACCESS_FIELDS):
        instance._realtime_access_changed = True


def _after_user_save(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    if getattr(instance, "_realtime_access_changed", False):
        instance._realtime_access_changed = False
        services.revoke_access(user_id=instance.pk)
        # revoke_access bumps the epoch in the database; keep this instance in step so a later
        # full save() does not write the old epoch back.
        instance.access_epoch = (
            sender.objects.filter(pk=instance.pk).values_list("access_epoch", flat=True).first()
        )


def connect() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_save, pre_save

    user_model = get_user_model()
    pre_save.connect(_before_user_save, sender=user_model, dispatch_uid="realtime-user-access")
    post_save.connect(_after_user_save, sender=user_model, dispatch_uid="realtime-user-access")
    from allauth.account.signals import password_changed, password_reset, password_set
    from django.contrib.auth.signals import user_logged_out

    user_logged_out.connect(_on_logout, dispatch_uid="realtime-logout")
    for signal, uid in (
        (password_changed, "realtime-password-changed"),
        (password_reset, "realtime-password-reset"),
        (password_set, "realtime-password-set"),
    ):
        signal.connect(_on_password_change, dispatch_uid=uid)
