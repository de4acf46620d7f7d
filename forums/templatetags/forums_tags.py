"""Presentation helpers for forum templates (no rules, no writes)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from forums import notifications
from forums.models import Notification

register = template.Library()

REACTION_EMOJI = {"like": "👍", "thanks": "🙏", "insightful": "💡", "solidarity": "✊"}


@register.filter
def reaction_emoji(kind: str) -> str:
    return REACTION_EMOJI.get(kind, "")


@register.simple_tag
def reactors(reactions_by_post: dict, post_id: int, kind: str) -> str:
    names = reactions_by_post.get(post_id, {}).get(kind, [])
    return ", ".join(names)


@register.simple_tag
def reacted(my_reactions: set, post_id: int, kind: str) -> bool:
    return (post_id, kind) in my_reactions


@register.simple_tag
def reaction_count(post: Any, kind: str) -> int:
    return int((post.reaction_counts or {}).get(kind, 0))


@register.simple_tag
def notification_text(item: Notification) -> str:
    actor = str(item.actor) if item.actor_id else _("Someone")
    title = item.thread.title
    if item.kind == Notification.Kind.MENTION:
        return _("%(actor)s mentioned you in “%(title)s”") % {"actor": actor, "title": title}
    if item.kind == Notification.Kind.REPLY:
        return _("%(actor)s replied to you in “%(title)s”") % {"actor": actor, "title": title}
    if item.kind == Notification.Kind.WATCHED_POST:
        return _("%(actor)s posted in “%(title)s”") % {"actor": actor, "title": title}
    if item.kind == Notification.Kind.NEW_THREAD:
        return _("%(actor)s started “%(title)s”") % {"actor": actor, "title": title}
    verbs = {
        "hidden": _("Moderators hid your post in “%(title)s”"),
        "restored": _("Moderators restored your post in “%(title)s”"),
        "deleted": _("Moderators deleted your post in “%(title)s”"),
        "moved": _("Moderators moved your thread “%(title)s”"),
    }
    return verbs.get(item.verb, _("Moderators acted on “%(title)s”")) % {"title": title}


@register.simple_tag(takes_context=True)
def forum_unread_notifications(context: dict[str, Any]) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return notifications.unread_count(user, cached=True)
