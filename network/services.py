"""Writes to members, profiles and parties. Each service is atomic and records staff actions in
the audit log; the directory table follows saves through ``network.signals``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from network import indexing
from network.models import (
    AuditLogEntry,
    Country,
    Language,
    MemberProfile,
    Party,
    Topic,
    User,
)

NOT_A_CLAIM = _("This member has no parliamentarian claim awaiting verification.")
REASON_REQUIRED = _("Please give the member a reason for the rejection.")


# --- Profiles -----------------------------------------------------------------------------------
# The directory table and search index follow every save through network.signals; bulk writes
# call network.indexing directly.


def ensure_profile(*, member: User) -> MemberProfile:
    try:
        return member.profile
    except MemberProfile.DoesNotExist:
        profile = MemberProfile.objects.create(user=member)
        member.profile = profile
        return profile


def ensure_handle(*, member: User) -> None:
    """Give a member without a handle a unique one derived from their name."""
    if member.handle:
        return
    base = (slugify(member.display_name, allow_unicode=True).replace("-", "_") or "member")[:32]
    candidate, n = base, 1
    while User.objects.filter(handle=candidate).exclude(pk=member.pk).exists():
        n += 1
        candidate = f"{base}{n}"
    member.handle = candidate
    member.save(update_fields=["handle"])


# --- Members editing their own profile ----------------------------------------------------------


@transaction.atomic
def save_profile(
    *,
    member: User,
    profile: MemberProfile,
    user_fields: dict[str, Any] | None = None,
    languages: Iterable[Language] | None = None,
    expertise: Iterable[Topic] | None = None,
    interests: Iterable[Topic] | None = None,
) -> MemberProfile:
    """Save a member's edits (``profile`` already carries the new values); the directory
    entry follows (network.signals)."""
    for field, value in (user_fields or {}).items():
        setattr(member, field, value)
    if user_fields:
        member.save(update_fields=list(user_fields))
    ensure_handle(member=member)
    profile.user = member
    profile.save()
    if languages is not None:
        profile.languages.set(languages)
    if expertise is not None:
        profile.expertise.set(expertise)
    if interests is not None:
        profile.interests.set(interests)
    return profile


@transaction.atomic
def complete_onboarding(
    *,
    member: User,
    role: str,
    party: Party | None,
    country: Country | None,
    languages: Iterable[Language],
    expertise: Iterable[Topic],
    interests: Iterable[Topic],
    open_to_mentor: bool,
    open_to_mentee: bool,
) -> MemberProfile:
    """The guided first step after sign-up. Choosing "parliamentarian" files a claim that staff
    verify; it never grants the verified badge by itself."""
    user_fields: dict[str, Any] = {"party": party, "country": country}
    if role != member.role and role in {
        User.Role.YOUNG_LEADER,
        User.Role.PARLIAMENTARIAN,
        User.Role.PARTY_STAFF,
    }:
        user_fields["role"] = role
        if role == User.Role.PARLIAMENTARIAN:
            user_fields["parliamentarian_status"] = User.ParliamentarianStatus.CLAIMED
        elif member.parliamentarian_status == User.ParliamentarianStatus.CLAIMED:
            user_fields["parliamentarian_status"] = User.ParliamentarianStatus.NONE
    profile = ensure_profile(member=member)
    profile.open_to_mentor = open_to_mentor
    profile.open_to_mentee = open_to_mentee
    profile.onboarded_at = timezone.now()
    return save_profile(
        member=member,
        profile=profile,
        user_fields=user_fields,
        languages=languages,
        expertise=expertise,
        interests=interests,
    )


# --- Staff actions (each one audited) -----------------------------------------------------------


def record_audit(
    *,
    actor: User | None,
    member: User | None,
    action: str,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditLogEntry:
    return AuditLogEntry.objects.create(
        actor=actor,
        actor_label=(actor.email if actor else "system"),
        member=member,
        member_label=(f"{member.display_name} <{member.email}>" if member else ""),
        action=action,
        reason=reason,
        changes=changes or {},
    )


def _notify(*, member: User, template: str, context: dict[str, Any]) -> None:
    """Email ``member`` in their own language, after the transaction commits."""

    def send() -> None:
        with translation.override(member.preferred_language or "en"):
            subject = render_to_string(f"network/email/{template}_subject.txt", context).strip()
            body = render_to_string(f"network/email/{template}_body.txt", context)
        send_mail(subject, body, None, [member.email])

    transaction.on_commit(send)


@transaction.atomic
def verify_parliamentarian(*, actor: User, member: User) -> None:
    if member.parliamentarian_status != User.ParliamentarianStatus.CLAIMED:
        raise ValueError(NOT_A_CLAIM)
    member.role = User.Role.PARLIAMENTARIAN
    member.parliamentarian_status = User.ParliamentarianStatus.VERIFIED
    member.verified_at = timezone.now()
    member.save(update_fields=["role", "parliamentarian_status", "verified_at"])
    record_audit(actor=actor, member=member, action=AuditLogEntry.Action.VERIFY)
    _notify(member=member, template="verification_approved", context={"member": member})


@transaction.atomic
def reject_parliamentarian(*, actor: User, member: User, reason: str) -> None:
    if member.parliamentarian_status != User.ParliamentarianStatus.CLAIMED:
        raise ValueError(NOT_A_CLAIM)
    if not reason.strip():
        raise ValueError(REASON_REQUIRED)
    member.parliamentarian_status = User.ParliamentarianStatus.REJECTED
    member.save(update_fields=["parliamentarian_status"])
    record_audit(actor=actor, member=member, action=AuditLogEntry.Action.REJECT, reason=reason)
    _notify(
        member=member,
        template="verification_rejected",
        context={"member": member, "reason": reason},
    )


@transaction.atomic
def set_member_safety_mode(*, actor: User, member: User, enabled: bool, reason: str = "") -> None:
    profile = ensure_profile(member=member)
    profile.safety_mode = enabled
    profile.save(update_fields=["safety_mode", "updated_at"])
    if enabled:
        # Open sockets announced the member as present: close them, so they leave every
        # "who is reading" roster at once and reconnect unannounced.
        from realtime.services import revoke_access

        revoke_access(user_id=member.pk)
    action = AuditLogEntry.Action.SAFETY_ON if enabled else AuditLogEntry.Action.SAFETY_OFF
    record_audit(actor=actor, member=member, action=action, reason=reason)


@transaction.atomic
def set_country_safety_mode(
    *, actor: User, country: Country, enabled: bool, reason: str = ""
) -> int:
    """Switch safety mode for a whole country; returns how many profiles it affects."""
    country.safety_mode = enabled
    country.save(update_fields=["safety_mode"])
    affected = indexing.sync_profiles(MemberProfile.objects.filter(user__country=country))
    if enabled:
        from realtime.services import revoke_access_many

        revoke_access_many(
            user_ids=list(
                MemberProfile.objects.filter(user__country=country).values_list(
                    "user_id", flat=True
                )
            )
        )
    action = (
        AuditLogEntry.Action.COUNTRY_SAFETY_ON
        if enabled
        else AuditLogEntry.Action.COUNTRY_SAFETY_OFF
    )
    record_audit(
        actor=actor,
        member=None,
        action=action,
        reason=reason,
        changes={"country": country.iso2, "profiles": affected},
    )
    return affected


@transaction.atomic
def record_staff_edit(*, actor: User, member: User, changes: dict[str, Any]) -> None:
    """Called by the admin after staff saved a member's profile (already re-indexed)."""
    record_audit(actor=actor, member=member, action=AuditLogEntry.Action.EDIT, changes=changes)


# --- Data rights --------------------------------------------------------------------------------


def export_member_data(*, member: User) -> dict[str, Any]:
    """Everything the network stores about ``member``, for their own download."""
    from allauth.account.models import EmailAddress

    profile = getattr(member, "profile", None)
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": member.email,
            "display_name": member.display_name,
            "handle": member.handle,
            "role": member.role,
            "parliamentarian_status": member.parliamentarian_status,
            "verified_at": member.verified_at.isoformat() if member.verified_at else None,
            "preferred_language": member.preferred_language,
            "party": member.party.name if member.party else None,
            "country": member.country.iso2 if member.country else None,
            "date_joined": member.date_joined.isoformat(),
            "last_login": member.last_login.isoformat() if member.last_login else None,
            "email_addresses": list(
                EmailAddress.objects.filter(user=member).values("email", "verified", "primary")
            ),
        },
        "profile": None,
        "staff_actions_about_you": [
            {
                "when": entry.created_at.isoformat(),
                "action": entry.action,
                "reason": entry.reason,
            }
            for entry in AuditLogEntry.objects.filter(member=member)
        ],
    }
    if profile is not None:
        fields = [
            f.name
            for f in MemberProfile._meta.get_fields()
            if f.concrete and not f.many_to_many and f.name not in {"id", "user"}
        ]
        values: dict[str, Any] = {}
        for name in fields:
            value = getattr(profile, name)
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            elif isinstance(value, FieldFile):
                value = value.name or ""
            values[name] = value
        values["languages"] = [lang.code for lang in profile.languages.all()]
        values["expertise"] = [t.slug for t in profile.expertise.all()]
        values["interests"] = [t.slug for t in profile.interests.all()]
        data["profile"] = values
    # Other apps add their sections here as they grow (mentoring, forums).
    return data


@transaction.atomic
def delete_account(*, member: User, actor: User | None = None) -> None:
    """Delete a member's account while keeping the ``User`` row for other apps' foreign keys.

    Afterwards: no profile, no personal data on the row, no way to sign in, no open session or
    socket. Forum posts and the like show the author as "Former member".
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    user_id = member.pk
    MemberProfile.objects.filter(user=member).delete()
    EmailAddress.objects.filter(user=member).delete()
    Authenticator.objects.filter(user=member).delete()
    member.groups.clear()
    member.user_permissions.clear()
    member.email = f"former-member-{user_id}@deleted.invalid"
    member.display_name = ""
    member.handle = None
    member.set_unusable_password()
    member.is_active = False
    member.is_staff = False
    member.is_superuser = False
    member.party = None
    member.country = None
    member.parliamentarian_status = User.ParliamentarianStatus.NONE
    member.verified_at = None
    member.last_login = None
    member.deleted_at = timezone.now()
    member.access_epoch = F("access_epoch") + 1
    member.save()
    member.refresh_from_db(fields=["access_epoch"])
    _end_sessions(user_id=user_id)
    if actor is not None and actor.pk != user_id:
        record_audit(actor=actor, member=member, action=AuditLogEntry.Action.DELETE)

    # Closes every open socket of the member after commit (once, even though the
    # deactivating save above also triggers realtime's User save hook).
    from realtime.services import revoke_access

    revoke_access(user_id=user_id)


def _end_sessions(*, user_id: int) -> None:
    """Database sessions carry the user id only inside the encoded payload, so decode them.
    (The unusable password already invalidates them via the session auth hash; this removes
    them outright.)"""
    doomed = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id)
    ]
    Session.objects.filter(pk__in=doomed).delete()
