"""Who may do what in mentoring. ``check_*`` raise, ``can_*`` answer.

Private things (a mentorship, its conversation, goals and check-ins) raise ``Http404`` for
anyone who is not a participant, so their existence never leaks. Staff may read a conversation
only through ``can_audit_conversation`` and every such read is recorded.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from mentoring.models import Mentorship, MentorshipRequest
from network.models import User
from network.permissions import has_two_factor, is_staff_member

NOT_A_PARLIAMENTARIAN = _("Only verified parliamentarians can offer mentoring.")
NOT_A_YOUNG_LEADER = _("Only young leaders can look for a mentor here.")


def _authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def can_offer_mentoring(user: Any) -> bool:
    return _authenticated(user) and user.is_verified_parliamentarian


def check_offer_mentoring(user: Any) -> None:
    if not can_offer_mentoring(user):
        raise PermissionDenied(NOT_A_PARLIAMENTARIAN)


def can_seek_mentor(user: Any) -> bool:
    return _authenticated(user) and user.role == User.Role.YOUNG_LEADER


def check_seek_mentor(user: Any) -> None:
    if not can_seek_mentor(user):
        raise PermissionDenied(NOT_A_YOUNG_LEADER)


def is_participant(user: Any, mentorship: Mentorship) -> bool:
    return _authenticated(user) and user.pk in (mentorship.mentor_id, mentorship.mentee_id)


def can_read_conversation(user: Any, mentorship: Mentorship) -> bool:
    """Participants only. (Staff use ``can_audit_conversation``; their reads are logged.)"""
    return is_participant(user, mentorship) and mentorship.status != Mentorship.Status.DECLINED


def can_audit_conversation(user: Any, mentorship: Mentorship) -> bool:
    return is_staff_member(user) and has_two_factor(user)


def check_view_mentorship(user: Any, mentorship: Mentorship) -> None:
    if not (is_participant(user, mentorship) or can_audit_conversation(user, mentorship)):
        raise Http404


def check_participant(user: Any, mentorship: Mentorship) -> None:
    if not is_participant(user, mentorship):
        raise Http404


def can_post_message(user: Any, mentorship: Mentorship) -> bool:
    return can_read_conversation(user, mentorship) and mentorship.status in (
        Mentorship.Status.PROPOSED,
        Mentorship.Status.ACTIVE,
    )


def check_answer_request(user: Any, request: MentorshipRequest) -> None:
    """Only the mentor asked may answer; others must not learn the request exists."""
    if not _authenticated(user) or request.offer.mentor_id != user.pk:
        raise Http404


def check_withdraw_request(user: Any, request: MentorshipRequest) -> None:
    if not _authenticated(user) or request.mentee_id != user.pk:
        raise Http404


def can_manage_mentoring(user: Any) -> bool:
    """Staff screens (dashboard, rounds, settings) in the Wagtail admin."""
    return is_staff_member(user) and has_two_factor(user)


def authorise_conversation_stream(user: Any, key: str) -> bool:
    """Realtime: may ``user`` follow ``conversation:<key>``? Same rule as the page."""
    if not key.isdigit():
        return False
    mentorship = Mentorship.objects.filter(pk=int(key)).first()
    return mentorship is not None and can_read_conversation(user, mentorship)
