"""Who may do what. ``check_*`` raise, ``can_*`` answer; views, consumers and search share them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from network.models import User

TWO_FACTOR_REQUIRED = _(
    "Staff who can publish or moderate must turn on two-factor authentication first."
)

STAFF_ROLES = {User.Role.ALLIANCE_STAFF, User.Role.MODERATOR}


def has_two_factor(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def needs_two_factor(user: Any) -> bool:
    """Staff who can publish or moderate must have 2FA; members may choose it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.role in STAFF_ROLES:
        return True
    return user.has_perm("wagtailadmin.access_admin")


def check_two_factor_for_staff(user: Any) -> None:
    if needs_two_factor(user) and not has_two_factor(user):
        raise PermissionDenied(TWO_FACTOR_REQUIRED)


def is_staff_member(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or user.role in STAFF_ROLES
    )


# --- Members and the directory ------------------------------------------------------------------


def can_view_member(viewer: Any, member: Any) -> bool:
    """May ``viewer`` open ``member``'s profile? (Audiences and safety mode: network.privacy.)"""
    from network import privacy

    return privacy.can_view_member(viewer, member)


def check_view_member(viewer: Any, member: Any) -> None:
    """Hidden members are indistinguishable from missing ones."""
    from django.http import Http404

    if not can_view_member(viewer, member):
        raise Http404


def can_manage_members(user: Any) -> bool:
    """Staff tools on members: verification, safety mode, exports, the audit log."""
    return is_staff_member(user) and user.has_perm("wagtailadmin.access_admin")


def check_manage_members(user: Any) -> None:
    if not can_manage_members(user):
        raise PermissionDenied(_("Only alliance staff can manage members."))
