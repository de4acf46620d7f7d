"""Notification fan-out (called by services inside their transaction) and email digests.

Email coalescing: a notification that deserves an email is stored with ``email="pending"``.
``manage.py forums_send_digests`` (run every few minutes by cron/systemd timer, see
docs/forums.md) sends **one mail per recipient per thread** covering every pending
notification of that thread, in the recipient's language, then marks them sent. A busy thread
therefore sends one mail per run window, not one per post. Before sending, read access is
re-checked: a thread moved out of the recipient's reach is skipped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forums import events, permissions
from forums.models import (
    CategoryWatch,
    Notification,
    NotificationPreference,
    Post,
    Thread,
    ThreadWatch,
    WatchLevel,
)
from network.models import User

# Which preference switches email on for which kind.
EMAIL_PREFERENCE = {
    Notification.Kind.MENTION: "email_mentions",
    Notification.Kind.REPLY: "email_replies",
    Notification.Kind.WATCHED_POST: "email_watching",
    Notification.Kind.NEW_THREAD: "email_watching",
    Notification.Kind.MODERATION: None,
}
MAX_MENTIONS_PER_POST = 20


def preferences_for(user_ids: Iterable[int]) -> dict[int, NotificationPreference]:
    ids = list(user_ids)
    found = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=ids)}
    return {uid: found.get(uid) or NotificationPreference(user_id=uid) for uid in ids}


def unread_counts(user_ids: Iterable[int]) -> dict[int, int]:
    ids = list(user_ids)
    rows = (
        Notification.objects.filter(recipient_id__in=ids, read_at__isnull=True)
        .values("recipient_id")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(ids, 0)
    counts.update({row["recipient_id"]: row["n"] for row in rows})
    return counts


def _cache_key(user_id: int) -> str:
    return f"forums:unread:{user_id}"


def unread_count(user: Any, *, cached: bool = False) -> int:
    """Unread notifications about threads the member can still read. The header badge uses
    ``cached=True`` (a short-lived cache entry cleared whenever the count changes) so pages
    outside the forums do not pay a query on every view."""
    if not getattr(user, "is_authenticated", False):
        return 0
    if cached:
        value = cache.get(_cache_key(user.pk))
        if value is not None:
            return int(value)
    count = (
        Notification.objects.filter(recipient=user, read_at__isnull=True)
        .filter(permissions.readable_categories_q(user, "thread__category__"))
        .filter(thread__is_deleted=False)
        .count()
    )
    cache.set(_cache_key(user.pk), count, 60)
    return count


def forget_unread_counts(user_ids: Iterable[int]) -> None:
    cache.delete_many([_cache_key(uid) for uid in user_ids])


def _deliver(items: list[Notification]) -> None:
    """Store notifications and push each recipient's new unread count."""
    if not items:
        return
    prefs = preferences_for({n.recipient_id for n in items})
    for item in items:
        field = EMAIL_PREFERENCE.get(item.kind)
        wants = True if field is None else getattr(prefs[item.recipient_id], field)
        item.email = Notification.Email.PENDING if wants else Notification.Email.NONE
    Notification.objects.bulk_create(items)
    forget_unread_counts({n.recipient_id for n in items})
    counts = unread_counts({n.recipient_id for n in items})
    latest: dict[int, Notification] = {}
    for item in items:
        latest[item.recipient_id] = item
    for recipient_id, item in latest.items():
        if item.pk is None:
            # Backends without RETURNING on bulk insert: push the count only.
            item = None  # type: ignore[assignment]
        events.notification(recipient_id=recipient_id, unread=counts[recipient_id], item=item)


def _muted_thread_users(thread: Thread, user_ids: Iterable[int]) -> set[int]:
    return set(
        ThreadWatch.objects.filter(
            thread=thread, user_id__in=list(user_ids), level=WatchLevel.MUTED
        ).values_list("user_id", flat=True)
    )


def notify_post(
    *, post: Post, mentioned: list[User], replied_to_user_ids: set[int], is_new_thread: bool
) -> None:
    """Fan out notifications for a new post. Each member gets at most one notification per
    post (mention > reply > watched), only when they can read the thread and have not muted
    it. A fixed number of queries whatever the number of recipients (plus one event per
    recipient's own stream)."""
    thread = post.thread
    category = thread.category
    audience = permissions.audience_members_q(category.read_audience)
    author_id = post.author_id
    kinds: dict[int, str] = {}
    for user in mentioned[:MAX_MENTIONS_PER_POST]:
        if user.pk != author_id:
            kinds.setdefault(user.pk, Notification.Kind.MENTION)
    for uid in replied_to_user_ids:
        if uid != author_id:
            kinds.setdefault(uid, Notification.Kind.REPLY)
    watchers = ThreadWatch.objects.filter(thread=thread, level=WatchLevel.WATCHING).exclude(
        user_id=author_id
    )
    for uid in watchers.filter(Q(user__in=User.objects.filter(audience))).values_list(
        "user_id", flat=True
    ):
        kinds.setdefault(uid, Notification.Kind.WATCHED_POST)
    if is_new_thread:
        category_watchers = (
            CategoryWatch.objects.filter(category=category, level=WatchLevel.WATCHING)
            .exclude(user_id=author_id)
            .filter(user__in=User.objects.filter(audience))
            .values_list("user_id", flat=True)
        )
        for uid in category_watchers:
            kinds.setdefault(uid, Notification.Kind.NEW_THREAD)
    if not kinds:
        return
    # Mentioned and replied-to members must still be able to read the thread.
    allowed = set(User.objects.filter(audience, pk__in=list(kinds)).values_list("pk", flat=True))
    muted = _muted_thread_users(thread, allowed)
    items = [
        Notification(recipient_id=uid, kind=kind, actor_id=author_id, thread=thread, post=post)
        for uid, kind in kinds.items()
        if uid in allowed and uid not in muted
    ]
    _deliver(items)


def notify_moderation(*, post: Post | None, thread: Thread, verb: str, actor: Any) -> None:
    """Tell the author of a post (or thread) that a moderator acted on it."""
    recipient_id = post.author_id if post is not None else thread.author_id
    if actor is not None and recipient_id == actor.pk:
        return
    _deliver(
        [
            Notification(
                recipient_id=recipient_id,
                kind=Notification.Kind.MODERATION,
                actor=None,  # moderators act as "the moderators", not by name
                thread=thread,
                post=post,
                verb=verb,
            )
        ]
    )


def push_unread_count(user: Any) -> None:
    forget_unread_counts([user.pk])
    events.notification(recipient_id=user.pk, unread=unread_count(user), item=None)


# --- email digests ------------------------------------------------------------------------


def send_digests(*, now: Any = None) -> int:
    """Send one email per (recipient, thread) with pending notifications. Returns mails sent."""
    now = now or timezone.now()
    pending = list(
        Notification.objects.filter(email=Notification.Email.PENDING)
        .select_related("recipient", "thread__category", "post__author", "actor")
        .order_by("recipient_id", "thread_id", "created_at")
    )
    groups: dict[tuple[int, int], list[Notification]] = defaultdict(list)
    for item in pending:
        groups[(item.recipient_id, item.thread_id)].append(item)
    sent = 0
    for items in groups.values():
        recipient = items[0].recipient
        thread = items[0].thread
        ids = [n.pk for n in items]
        readable = (
            recipient.is_active
            and recipient.email
            and permissions.can_read_thread(recipient, thread)
        )
        unread = [n for n in items if n.read_at is None]
        if not readable or not unread:
            # Already seen on the site, or no longer readable: nothing to mail.
            Notification.objects.filter(pk__in=ids).update(email=Notification.Email.SKIPPED)
            continue
        with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
            subject = _("New activity in “%(title)s”") % {"title": thread.title}
            context = {
                "recipient": recipient,
                "thread": thread,
                "items": unread,
                "site_url": settings.SITE_URL.rstrip("/"),
                "thread_url": reverse(
                    "forums:thread", kwargs={"pk": thread.pk, "slug": thread.slug or "-"}
                ),
                "preferences_url": reverse("forums:preferences"),
            }
            body = render_to_string("forums/email/digest.txt", context)
        with transaction.atomic():
            send_mail(
                settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
                body,
                settings.DEFAULT_FROM_EMAIL,
                [recipient.email],
            )
            Notification.objects.filter(pk__in=ids).update(email=Notification.Email.SENT)
        sent += 1
    return sent
