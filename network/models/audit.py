"""The append-only record of what staff did to members."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

APPEND_ONLY = "The audit log is append-only: entries cannot be changed or deleted."


class AuditQuerySet(models.QuerySet["AuditLogEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError(APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(APPEND_ONLY)


class AuditLogEntry(models.Model):
    """One staff action on a member. Labels are copied so the entry survives deletions."""

    class Action(models.TextChoices):
        VERIFY = "verify", _("Verified parliamentarian claim")
        REJECT = "reject", _("Rejected parliamentarian claim")
        EDIT = "edit", _("Edited member")
        SAFETY_ON = "safety_on", _("Safety mode switched on")
        SAFETY_OFF = "safety_off", _("Safety mode switched off")
        COUNTRY_SAFETY_ON = "country_safety_on", _("Country safety mode switched on")
        COUNTRY_SAFETY_OFF = "country_safety_off", _("Country safety mode switched off")
        EXPORT = "export", _("Exported members (CSV)")
        DELETE = "delete", _("Deleted account")

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_actions",
        verbose_name=_("staff member"),
    )
    actor_label = models.CharField(_("staff member"), max_length=200, blank=True)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("member"),
    )
    member_label = models.CharField(_("member"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    reason = models.TextField(_("reason"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        when = f"{self.created_at:%Y-%m-%d %H:%M}" if self.created_at else ""
        return f"{when} {self.actor_label}: {self.action} {self.member_label}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The invariant lives on the model so no code path (admin, shell, service) can rewrite
        # history; the database-level guard would be a trigger, which SQLite and PG spell apart.
        if self.pk is not None:
            raise PermissionError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(APPEND_ONLY)
