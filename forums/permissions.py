"""Who may read, write and moderate what in the forums.

``check_*`` raise (``Http404`` when even the existence of the object must stay hidden,
``PermissionDenied`` otherwise); ``can_*`` answer. Views, selectors (lists, search,
notifications, feeds, mention autocomplete) and the websocket stream authorisers all use these
functions, so a rule lives in exactly one place.

Audience membership: a category is readable by the members of its read audience. Moderators
and superusers belong to every audience (they must be able to moderate every board); alliance
staff belong to ``members`` and ``staff``. Because every read filters on the *current*
category's audience, moving a thread removes it at once from every list, search result,
notification, feed and live stream of readers who lost access.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forums.models import Audience, Category, Post, Thread
from network import permissions as network_permissions
from network.models import User

NOT_ALLOWED_TO_POST = _("You cannot post in this category.")
THREAD_LOCKED = _("This thread is locked: new replies are closed.")
SILENCED = _("You have been silenced in the forums until %(until)s.")
NOT_A_MODERATOR = _("Only moderators can do this.")
CANNOT_EDIT = _("You cannot edit this post.")


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def is_moderator(user: Any) -> bool:
    return _active(user) and (user.is_superuser or user.role == User.Role.MODERATOR)


def audiences_for(user: Any) -> frozenset[str]:
    """The audiences ``user`` belongs to (pure: no query)."""
    if not _active(user):
        return frozenset({Audience.PUBLIC})
    if is_moderator(user):
        return frozenset(Audience.values)
    groups = {Audience.PUBLIC, Audience.MEMBERS}
    if user.role == User.Role.YOUNG_LEADER:
        groups.add(Audience.YOUNG_LEADERS)
    if user.is_verified_parliamentarian:
        groups.add(Audience.PARLIAMENTARIANS)
    if user.role == User.Role.ALLIANCE_STAFF:
        groups.add(Audience.STAFF)
    return frozenset(groups)


def audience_members_q(audience: str, prefix: str = "") -> Q:
    """A ``Q`` on ``User`` (optionally through ``prefix``) for the members of ``audience``;
    the SQL twin of :func:`audiences_for`, used by mention autocomplete and fan-out."""
    p = prefix
    moderators = Q(**{f"{p}is_superuser": True}) | Q(**{f"{p}role": User.Role.MODERATOR})
    active = Q(**{f"{p}is_active": True})
    if audience in (Audience.PUBLIC, Audience.MEMBERS):
        return active
    if audience == Audience.YOUNG_LEADERS:
        return active & (Q(**{f"{p}role": User.Role.YOUNG_LEADER}) | moderators)
    if audience == Audience.PARLIAMENTARIANS:
        verified = Q(**{f"{p}role": User.Role.PARLIAMENTARIAN}) & Q(
            **{f"{p}parliamentarian_status": User.ParliamentarianStatus.VERIFIED}
        )
        return active & (verified | moderators)
    if audience == Audience.STAFF:
        return active & (Q(**{f"{p}role": User.Role.ALLIANCE_STAFF}) | moderators)
    return active & moderators


# --- categories ---------------------------------------------------------------------------


def readable_categories_q(user: Any, prefix: str = "") -> Q:
    """Filter for rows whose category ``user`` may read (``prefix`` e.g. ``"thread__"``)."""
    return Q(**{f"{prefix}read_audience__in": sorted(audiences_for(user))})


def can_read_category(user: Any, category: Category) -> bool:
    return category.read_audience in audiences_for(user)


def check_read_category(user: Any, category: Category) -> None:
    if not can_read_category(user, category):
        raise Http404


def can_post_in_category(user: Any, category: Category) -> bool:
    return (
        _active(user)
        and can_read_category(user, category)
        and category.post_audience in audiences_for(user)
        and not is_silenced(user)
    )


def check_post_in_category(user: Any, category: Category) -> None:
    check_read_category(user, category)
    check_not_silenced(user)
    if not can_post_in_category(user, category):
        raise PermissionDenied(NOT_ALLOWED_TO_POST)


# --- threads and posts --------------------------------------------------------------------


def can_read_thread(user: Any, thread: Thread) -> bool:
    if thread.is_deleted and not is_moderator(user):
        return False
    return can_read_category(user, thread.category)


def check_read_thread(user: Any, thread: Thread) -> None:
    if not can_read_thread(user, thread):
        raise Http404


def can_reply(user: Any, thread: Thread) -> bool:
    if not can_read_thread(user, thread) or not can_post_in_category(user, thread.category):
        return False
    return not thread.is_locked or is_moderator(user)


def check_reply(user: Any, thread: Thread) -> None:
    check_read_thread(user, thread)
    check_not_silenced(user)
    if thread.is_locked and not is_moderator(user):
        raise PermissionDenied(THREAD_LOCKED)
    if not can_post_in_category(user, thread.category):
        raise PermissionDenied(NOT_ALLOWED_TO_POST)


def can_see_post_body(user: Any, post: Post) -> bool:
    """Hidden posts stay readable by their author and moderators; deleted ones by moderators."""
    if post.is_deleted:
        return is_moderator(user)
    if post.is_hidden:
        return is_moderator(user) or (_active(user) and post.author_id == user.pk)
    return True


def check_read_post(user: Any, post: Post) -> None:
    check_read_thread(user, post.thread)
    if post.is_deleted and not is_moderator(user):
        raise Http404


def can_edit_post(user: Any, post: Post) -> bool:
    if not _active(user) or post.is_deleted:
        return False
    if is_moderator(user):
        return True
    return (
        post.author_id == user.pk
        and not is_silenced(user)
        and not post.thread.is_locked
        and can_read_thread(user, post.thread)
    )


def check_edit_post(user: Any, post: Post) -> None:
    check_read_post(user, post)
    if not can_edit_post(user, post):
        raise PermissionDenied(CANNOT_EDIT)
    if post.author_id != user.pk:
        check_moderate(user)


def can_react(user: Any, post: Post) -> bool:
    return (
        _active(user)
        and post.is_visible
        and post.author_id != user.pk
        and can_read_thread(user, post.thread)
        and not is_silenced(user)
    )


def can_flag(user: Any, post: Post) -> bool:
    return (
        _active(user)
        and post.is_visible
        and post.author_id != user.pk
        and can_read_thread(user, post.thread)
    )


def can_mark_solved(user: Any, thread: Thread) -> bool:
    return can_read_thread(user, thread) and (
        is_moderator(user) or (_active(user) and thread.author_id == user.pk)
    )


def audience_includes(wider: str, narrower: str) -> bool:
    """True when every member of ``narrower`` also belongs to ``wider``."""
    if wider == narrower or wider == Audience.PUBLIC:
        return True
    if wider == Audience.MEMBERS:
        return narrower != Audience.PUBLIC
    # Moderators belong to every audience.
    return narrower == Audience.MODERATORS


def can_mention(writer: Any, target: Any, thread_or_category: Thread | Category) -> bool:
    """A member may be mentioned when they can read where the mention is written."""
    category = (
        thread_or_category.category
        if isinstance(thread_or_category, Thread)
        else thread_or_category
    )
    return _active(writer) and _active(target) and can_read_category(target, category)


# --- moderation ---------------------------------------------------------------------------


def can_moderate(user: Any) -> bool:
    return is_moderator(user)


def check_moderate(user: Any) -> None:
    """Moderation needs the moderator role *and* two-factor authentication."""
    if not is_moderator(user):
        raise PermissionDenied(NOT_A_MODERATOR)
    network_permissions.check_two_factor_for_staff(user)


def can_open_resolution_thread(user: Any) -> bool:
    return network_permissions.is_staff_member(user)


def check_open_resolution_thread(user: Any) -> None:
    if not can_open_resolution_thread(user):
        raise PermissionDenied(NOT_A_MODERATOR)
    network_permissions.check_two_factor_for_staff(user)


def is_silenced(user: Any) -> bool:
    standing = _standing(user)
    return bool(standing and standing.silenced_until and standing.silenced_until > timezone.now())


def check_not_silenced(user: Any) -> None:
    standing = _standing(user)
    if standing and standing.silenced_until and standing.silenced_until > timezone.now():
        raise PermissionDenied(
            SILENCED
            % {"until": timezone.localtime(standing.silenced_until).strftime("%Y-%m-%d %H:%M")}
        )


def _standing(user: Any) -> Any:
    if not _active(user):
        return None
    # Cached on the user object for the request: checked by several rules per page.
    if not hasattr(user, "_forum_standing_cache"):
        from forums.models import MemberStanding

        user._forum_standing_cache = MemberStanding.objects.filter(user=user).first()
    return user._forum_standing_cache


# --- realtime -----------------------------------------------------------------------------


def authorise_thread_stream(user: Any, key: str) -> bool:
    if not key.isdigit():
        return False
    thread = Thread.objects.select_related("category").filter(pk=int(key)).first()
    return thread is not None and can_read_thread(user, thread)


def authorise_category_stream(user: Any, key: str) -> bool:
    if not key.isdigit():
        return False
    category = Category.objects.filter(pk=int(key)).first()
    return category is not None and can_read_category(user, category)
