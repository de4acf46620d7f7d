"""Every write in the forums: one function per verb, keyword-only, atomic.

Each service checks permissions with ``forums.permissions`` (views, the websocket hub and
management commands call the same functions), writes, records moderation actions in
``ModerationAction``, fans out notifications and emits live events through ``forums.events``
inside the transaction (the event is stored with the write and pushed only after commit).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from forums import events, notifications, permissions
from forums.models import (
    Category,
    CategoryWatch,
    Flag,
    MemberStanding,
    ModerationAction,
    Notification,
    NotificationPreference,
    Participant,
    Post,
    PostRevision,
    Reaction,
    ReadState,
    Thread,
    ThreadWatch,
    WatchLevel,
)
from forums.rendering import QuotedPost, RenderedPost, extract_mentions, render_markdown
from network.models import User

EMPTY_BODY = _("Write something before posting.")
BODY_TOO_LONG = _("Posts are limited to %(max)s characters.")
TITLE_TOO_SHORT = _("Give the thread a title of at least %(min)s characters.")
POSTING_TOO_FAST = _("You are posting too quickly. Please wait %(seconds)s seconds.")
DUPLICATE_POST = _("You posted exactly this a moment ago.")
DAILY_CAP_REACHED = _("You have reached today's limit of %(cap)s posts. Please come back tomorrow.")
SAME_THREAD = _("A thread cannot be merged into itself.")
SAME_CATEGORY = _("The thread is already in this category.")
NOT_IN_THREAD = _("This post is not in this thread.")
UNKNOWN_REACTION = _("Unknown reaction.")
ALREADY_FLAGGED = _("You have already flagged this post.")

MAX_BODY = 20_000
MIN_TITLE = 5

DEFAULT_LIMITS = {
    # Members who joined less than NEW_MEMBER_DAYS ago wait longer and post less.
    "NEW_MEMBER_DAYS": 7,
    "NEW_MEMBER_INTERVAL": 60,
    "INTERVAL": 10,
    "NEW_MEMBER_DAILY_CAP": 20,
    "DAILY_CAP": 200,
    "DUPLICATE_WINDOW": 300,
    # Flags from this many members hide a new member's post until a moderator reviews it.
    "AUTO_HIDE_FLAGS": 3,
}


def limits() -> dict[str, int]:
    return {**DEFAULT_LIMITS, **getattr(settings, "FORUMS_LIMITS", {})}


def is_new_member(user: Any, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return user.date_joined > now - timedelta(days=limits()["NEW_MEMBER_DAYS"])


# --- rendering ----------------------------------------------------------------------------


def _validate_body(body: str) -> str:
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise ValidationError(EMPTY_BODY, code="empty")
    if len(body) > MAX_BODY:
        raise ValidationError(BODY_TOO_LONG, code="too_long", params={"max": MAX_BODY})
    return body


def profile_url(handle: str) -> str:
    return reverse("forums:member", kwargs={"handle": handle})


def mentionable_members(*, writer: Any, category: Category, handles: list[str]) -> list[User]:
    """Members named by ``handles`` whom ``writer`` may mention in ``category``."""
    if not handles:
        return []
    folded = [h.casefold() for h in handles[: notifications.MAX_MENTIONS_PER_POST * 2]]
    candidates = (
        User.objects.annotate(handle_folded=Lower("handle"))
        .filter(handle_folded__in=folded)
        .filter(permissions.audience_members_q(category.read_audience))
    )
    return [u for u in candidates if permissions.can_mention(writer, u, category)]


def render_post(*, author: Any, category: Category, body: str) -> tuple[RenderedPost, list[User]]:
    """Render ``body`` as it will be stored: mentions link only members who can read the
    category; quotes resolve only posts every reader of the category may also read."""
    mentioned = mentionable_members(
        writer=author, category=category, handles=extract_mentions(body)
    )

    def resolve(post_id: int) -> QuotedPost | None:
        quoted = (
            Post.objects.select_related("author", "thread__category")
            .filter(pk=post_id, is_hidden=False, is_deleted=False)
            .first()
        )
        if quoted is None or not permissions.can_read_thread(author, quoted.thread):
            return None
        if not permissions.audience_includes(
            quoted.thread.category.read_audience, category.read_audience
        ):
            return None
        return QuotedPost(author_name=str(quoted.author), permalink=quoted.get_absolute_url())

    rendered = render_markdown(
        body,
        mentions={u.handle: profile_url(u.handle) for u in mentioned},
        quote_resolver=resolve,
    )
    return rendered, mentioned


def preview_post(*, author: Any, category: Category, body: str) -> str:
    """Sanitised HTML of ``body`` exactly as posting would store it (nothing is saved)."""
    rendered, _mentioned = render_post(author=author, category=category, body=_validate_body(body))
    return rendered.html


# --- rate limits --------------------------------------------------------------------------


def _check_rate_limits(author: Any, body: str) -> None:
    if permissions.is_moderator(author):
        return
    now = timezone.now()
    cfg = limits()
    new = is_new_member(author, now=now)
    recent = Post.objects.filter(author=author)
    last = recent.order_by("-created_at").values_list("created_at", flat=True).first()
    interval = cfg["NEW_MEMBER_INTERVAL"] if new else cfg["INTERVAL"]
    if last is not None and (now - last).total_seconds() < interval:
        wait = int(interval - (now - last).total_seconds()) + 1
        raise ValidationError(POSTING_TOO_FAST, code="rate", params={"seconds": wait})
    window = now - timedelta(seconds=cfg["DUPLICATE_WINDOW"])
    if recent.filter(created_at__gte=window, body=body).exists():
        raise ValidationError(DUPLICATE_POST, code="duplicate")
    cap = cfg["NEW_MEMBER_DAILY_CAP"] if new else cfg["DAILY_CAP"]
    if recent.filter(created_at__gte=now - timedelta(days=1)).count() >= cap:
        raise ValidationError(DAILY_CAP_REACHED, code="cap", params={"cap": cap})


# --- posting ------------------------------------------------------------------------------


def _existing_for_key(author: Any, key: uuid.UUID | str | None) -> Post | None:
    if not key:
        return None
    return (
        Post.objects.select_related("thread__category")
        .filter(author=author, idempotency_key=key)
        .first()
    )


def _watch_on_participation(user: Any, thread: Thread) -> None:
    pref = NotificationPreference.objects.filter(user=user).first()
    if pref is None or pref.watch_own_threads:
        ThreadWatch.objects.get_or_create(
            user=user, thread=thread, defaults={"level": WatchLevel.WATCHING}
        )


def _add_post(
    *,
    author: Any,
    thread: Thread,
    body: str,
    reply_to: Post | None,
    idempotency_key: Any,
    is_new_thread: bool,
) -> Post:
    """Allocate the next number under a row lock, store the rendered post, update counters,
    notify and emit. Runs inside the caller's transaction."""
    category = thread.category
    rendered, mentioned = render_post(author=author, category=category, body=body)
    locked = Thread.objects.select_for_update().only("last_number").get(pk=thread.pk)
    number = locked.last_number + 1
    now = timezone.now()
    post = Post.objects.create(
        thread=thread,
        number=number,
        author=author,
        reply_to=reply_to,
        body=body,
        body_html=rendered.html,
        plain_text=rendered.plain_text,
        idempotency_key=idempotency_key or None,
    )
    participant, created = Participant.objects.get_or_create(thread=thread, user=author)
    Participant.objects.filter(pk=participant.pk).update(post_count=F("post_count") + 1)
    Thread.objects.filter(pk=thread.pk).update(
        last_number=number,
        last_activity_at=now,
        last_post_author=author,
        reply_count=F("reply_count") + (0 if is_new_thread else 1),
        participant_count=F("participant_count") + (1 if created else 0),
    )
    Category.objects.filter(pk=category.pk).update(
        post_count=F("post_count") + 1,
        thread_count=F("thread_count") + (1 if is_new_thread else 0),
        last_activity_at=now,
    )
    thread.last_number = number
    thread.last_activity_at = now
    ReadState.objects.update_or_create(
        user=author, thread=thread, defaults={"last_read_number": number}
    )
    _watch_on_participation(author, thread)
    replied: set[int] = set()
    if reply_to is not None:
        replied.add(reply_to.author_id)
    if rendered.quoted_post_ids:
        replied.update(
            Post.objects.filter(
                pk__in=rendered.quoted_post_ids,
                thread__category__read_audience__in=[category.read_audience, "public", "members"],
            ).values_list("author_id", flat=True)
        )
    post.author = author
    post.thread = thread
    notifications.notify_post(
        post=post, mentioned=mentioned, replied_to_user_ids=replied, is_new_thread=is_new_thread
    )
    if is_new_thread:
        events.thread_created(thread)
    events.post_created(post)
    return post


def create_thread(
    *,
    author: Any,
    category: Category,
    title: str,
    body: str,
    topics: Any = (),
    idempotency_key: Any = None,
    enforce_limits: bool = True,
    resolution_page: Any = None,
) -> Thread:
    """Start a thread with its first post. A retried request with the same
    ``idempotency_key`` returns the thread created the first time."""
    existing = _existing_for_key(author, idempotency_key)
    if existing is not None:
        return existing.thread
    permissions.check_post_in_category(author, category)
    title = " ".join((title or "").split())
    if len(title) < MIN_TITLE:
        raise ValidationError(TITLE_TOO_SHORT, code="title", params={"min": MIN_TITLE})
    body = _validate_body(body)
    if enforce_limits:
        _check_rate_limits(author, body)
    try:
        with transaction.atomic():
            thread = Thread.objects.create(
                category=category,
                title=title[:200],
                slug=slugify(title, allow_unicode=True)[:80],
                author=author,
                last_activity_at=timezone.now(),
                last_post_author=author,
                resolution_page=resolution_page,
            )
            if topics:
                thread.topics.set(topics)
            _add_post(
                author=author,
                thread=thread,
                body=body,
                reply_to=None,
                idempotency_key=idempotency_key,
                is_new_thread=True,
            )
    except IntegrityError:
        # A concurrent retry with the same key won the race: return its thread.
        existing = _existing_for_key(author, idempotency_key)
        if existing is None:
            raise
        return existing.thread
    return thread


def create_post(
    *,
    author: Any,
    thread: Thread,
    body: str,
    reply_to: Post | None = None,
    idempotency_key: Any = None,
    enforce_limits: bool = True,
) -> Post:
    """Reply in ``thread``. Stored once per (author, idempotency_key)."""
    existing = _existing_for_key(author, idempotency_key)
    if existing is not None:
        return existing
    permissions.check_reply(author, thread)
    body = _validate_body(body)
    if reply_to is not None and reply_to.thread_id != thread.pk:
        raise ValidationError(NOT_IN_THREAD, code="reply_to")
    if enforce_limits:
        _check_rate_limits(author, body)
    try:
        with transaction.atomic():
            return _add_post(
                author=author,
                thread=thread,
                body=body,
                reply_to=reply_to,
                idempotency_key=idempotency_key,
                is_new_thread=False,
            )
    except IntegrityError:
        existing = _existing_for_key(author, idempotency_key)
        if existing is None:
            raise
        return existing


@transaction.atomic
def edit_post(*, editor: Any, post: Post, body: str, title: str | None = None) -> Post:
    """Re-render and store a new body; the old one goes to the edit history. Editing the
    first post may also change the thread title."""
    permissions.check_edit_post(editor, post)
    body = _validate_body(body)
    thread = post.thread
    if body != post.body:
        PostRevision.objects.create(post=post, body=post.body, editor=editor)
        rendered, _mentioned = render_post(author=post.author, category=thread.category, body=body)
        post.body = body
        post.body_html = rendered.html
        post.plain_text = rendered.plain_text
        post.edited_at = timezone.now()
        post.edit_count += 1
        post.save(update_fields=["body", "body_html", "plain_text", "edited_at", "edit_count"])
        if editor.pk != post.author_id:
            _log(editor, ModerationAction.Action.EDIT, post=post, thread=thread)
        events.post_edited(post)
    if title is not None and post.number == 1:
        title = " ".join(title.split())
        if len(title) < MIN_TITLE:
            raise ValidationError(TITLE_TOO_SHORT, code="title", params={"min": MIN_TITLE})
        if title != thread.title:
            thread.title = title[:200]
            thread.slug = slugify(title, allow_unicode=True)[:80]
            thread.save(update_fields=["title", "slug"])
    return post


# --- moderation ---------------------------------------------------------------------------


def _log(actor: Any, action: str, *, reason: str = "", **targets: Any) -> ModerationAction:
    post = targets.get("post")
    thread = targets.get("thread") or (post.thread if post is not None else None)
    target_user = targets.get("target_user") or (post.author if post is not None else None)
    return ModerationAction.objects.create(
        actor=actor,
        action=action,
        post=post,
        thread=thread,
        target_user=target_user,
        reason=reason[:300],
        data=targets.get("data") or {},
    )


@transaction.atomic
def hide_post(*, moderator: Any, post: Post, reason: str = "") -> Post:
    permissions.check_moderate(moderator)
    if not post.is_hidden:
        post.is_hidden = True
        post.pending_review = False
        post.hidden_reason = reason[:300]
        post.save(update_fields=["is_hidden", "pending_review", "hidden_reason"])
        _close_flags(post, moderator, Flag.Outcome.UPHELD)
        _log(moderator, ModerationAction.Action.HIDE, post=post, reason=reason)
        notifications.notify_moderation(
            post=post, thread=post.thread, verb="hidden", actor=moderator
        )
        events.post_hidden(post)
    return post


@transaction.atomic
def restore_post(*, moderator: Any, post: Post, reason: str = "") -> Post:
    permissions.check_moderate(moderator)
    if post.is_hidden or post.is_deleted:
        post.is_hidden = False
        post.pending_review = False
        post.is_deleted = False
        post.deleted_at = None
        post.hidden_reason = ""
        post.save(
            update_fields=[
                "is_hidden",
                "pending_review",
                "is_deleted",
                "deleted_at",
                "hidden_reason",
            ]
        )
        _close_flags(post, moderator, Flag.Outcome.DISMISSED)
        _log(moderator, ModerationAction.Action.RESTORE, post=post, reason=reason)
        notifications.notify_moderation(
            post=post, thread=post.thread, verb="restored", actor=moderator
        )
        events.post_restored(post)
    return post


@transaction.atomic
def delete_post(*, actor: Any, post: Post, reason: str = "") -> Post:
    """Soft delete: authors may delete their own replies; moderators any post. Deleting the
    first post deletes the thread (moderators only)."""
    own = post.author_id == actor.pk and not post.thread.is_locked
    if not own or post.number == 1:
        permissions.check_moderate(actor)
    else:
        permissions.check_read_post(actor, post)
    if post.is_deleted:
        return post
    post.is_deleted = True
    post.deleted_at = timezone.now()
    post.save(update_fields=["is_deleted", "deleted_at"])
    thread = post.thread
    if post.number == 1:
        thread.is_deleted = True
        thread.save(update_fields=["is_deleted"])
        Category.objects.filter(pk=thread.category_id).update(thread_count=F("thread_count") - 1)
    else:
        Thread.objects.filter(pk=thread.pk, reply_count__gt=0).update(
            reply_count=F("reply_count") - 1
        )
    if not own or permissions.is_moderator(actor):
        _log(actor, ModerationAction.Action.DELETE, post=post, reason=reason)
        notifications.notify_moderation(post=post, thread=thread, verb="deleted", actor=actor)
    _close_flags(post, actor, Flag.Outcome.UPHELD)
    events.post_deleted(post)
    return post


@transaction.atomic
def lock_thread(*, moderator: Any, thread: Thread, locked: bool = True) -> Thread:
    permissions.check_moderate(moderator)
    if thread.is_locked != locked:
        thread.is_locked = locked
        thread.save(update_fields=["is_locked"])
        action = ModerationAction.Action.LOCK if locked else ModerationAction.Action.UNLOCK
        _log(moderator, action, thread=thread, target_user=thread.author)
        events.thread_locked(thread)
    return thread


@transaction.atomic
def pin_thread(*, moderator: Any, thread: Thread, pinned: bool = True) -> Thread:
    permissions.check_moderate(moderator)
    if thread.is_pinned != pinned:
        thread.is_pinned = pinned
        thread.save(update_fields=["is_pinned"])
        action = ModerationAction.Action.PIN if pinned else ModerationAction.Action.UNPIN
        _log(moderator, action, thread=thread, target_user=thread.author)
        events.thread_pinned(thread)
    return thread


@transaction.atomic
def move_thread(*, moderator: Any, thread: Thread, category: Category, reason: str = "") -> Thread:
    """Move a thread. Every read filters on the current category's audience, so readers who
    lose access lose the thread everywhere (lists, search, notifications, feeds, streams) in
    the same commit."""
    permissions.check_moderate(moderator)
    if thread.category_id == category.pk:
        raise ValidationError(SAME_CATEGORY, code="same_category")
    old = thread.category
    visible_posts = Post.objects.filter(thread=thread, is_deleted=False).count()
    thread.category = category
    thread.save(update_fields=["category"])
    Category.objects.filter(pk=old.pk).update(
        thread_count=F("thread_count") - 1, post_count=F("post_count") - visible_posts
    )
    Category.objects.filter(pk=category.pk).update(
        thread_count=F("thread_count") + 1, post_count=F("post_count") + visible_posts
    )
    _log(
        moderator,
        ModerationAction.Action.MOVE,
        thread=thread,
        target_user=thread.author,
        reason=reason,
        data={"from": old.pk, "to": category.pk},
    )
    notifications.notify_moderation(post=None, thread=thread, verb="moved", actor=moderator)
    events.thread_moved(thread, old_category=old)
    return thread


@transaction.atomic
def merge_threads(*, moderator: Any, source: Thread, target: Thread, reason: str = "") -> Thread:
    """Append every post of ``source`` to ``target`` (renumbered after its last post, in
    creation order); ``source`` then redirects to ``target``."""
    permissions.check_moderate(moderator)
    if source.pk == target.pk:
        raise ValidationError(SAME_THREAD, code="same_thread")
    locked = Thread.objects.select_for_update().get(pk=target.pk)
    number = locked.last_number
    moved = list(Post.objects.filter(thread=source).order_by("created_at", "number"))
    # Two passes so the (thread, number) constraint never sees a clash.
    for post in moved:
        number += 1
        post.thread = target
        post.number = number
    Post.objects.filter(thread=source).update(number=F("number") + 10**9)
    for post in moved:
        Post.objects.filter(pk=post.pk).update(thread=target, number=post.number)
    for part in Participant.objects.filter(thread=source):
        existing, created = Participant.objects.get_or_create(
            thread=target, user_id=part.user_id, defaults={"post_count": part.post_count}
        )
        if not created:
            Participant.objects.filter(pk=existing.pk).update(
                post_count=F("post_count") + part.post_count
            )
    visible = sum(1 for p in moved if not p.is_deleted)
    Thread.objects.filter(pk=target.pk).update(
        last_number=number,
        reply_count=F("reply_count") + visible,
        participant_count=Participant.objects.filter(thread=target).count(),
        last_activity_at=max([target.last_activity_at, source.last_activity_at]),
    )
    source.merged_into = target
    source.is_deleted = True
    source.last_number = 0
    source.save(update_fields=["merged_into", "is_deleted", "last_number"])
    if source.category_id != target.category_id:
        Category.objects.filter(pk=source.category_id).update(
            thread_count=F("thread_count") - 1, post_count=F("post_count") - visible
        )
        Category.objects.filter(pk=target.category_id).update(post_count=F("post_count") + visible)
    else:
        Category.objects.filter(pk=source.category_id).update(thread_count=F("thread_count") - 1)
    _log(
        moderator,
        ModerationAction.Action.MERGE,
        thread=target,
        reason=reason,
        data={"source": source.pk, "target": target.pk},
    )
    events.thread_merged(source, target)
    target.refresh_from_db()
    return target


@transaction.atomic
def mark_solved(*, actor: Any, thread: Thread, post: Post | None) -> Thread:
    """The thread's author or a moderator accepts ``post`` as the answer (None clears it)."""
    if not permissions.can_mark_solved(actor, thread):
        raise PermissionDenied(permissions.NOT_A_MODERATOR)
    if actor.pk != thread.author_id:
        permissions.check_moderate(actor)
    if post is not None and (post.thread_id != thread.pk or not post.is_visible):
        raise ValidationError(NOT_IN_THREAD, code="not_in_thread")
    thread.solved_post = post
    thread.save(update_fields=["solved_post"])
    if actor.pk != thread.author_id:
        _log(actor, ModerationAction.Action.SOLVE, thread=thread, post=post)
    return thread


@transaction.atomic
def react(*, user: Any, post: Post, kind: str) -> bool:
    """Toggle ``user``'s ``kind`` reaction on ``post``. Returns True if it is now on."""
    if kind not in Reaction.Kind.values:
        raise ValidationError(UNKNOWN_REACTION, code="kind")
    permissions.check_read_post(user, post)
    if not permissions.can_react(user, post):
        raise PermissionDenied
    deleted, _rows = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
    if not deleted:
        Reaction.objects.create(post=post, user=user, kind=kind)
    locked = Post.objects.select_for_update().only("reaction_counts").get(pk=post.pk)
    counts = dict(locked.reaction_counts or {})
    counts[kind] = max(0, counts.get(kind, 0) + (-1 if deleted else 1))
    if not counts[kind]:
        del counts[kind]
    post.reaction_counts = counts
    Post.objects.filter(pk=post.pk).update(reaction_counts=counts)
    events.reaction_changed(post)
    return not deleted


def _close_flags(post: Post, moderator: Any, outcome: str) -> None:
    Flag.objects.filter(post=post, outcome=Flag.Outcome.OPEN).update(
        outcome=outcome, resolved_at=timezone.now(), resolved_by=moderator
    )


@transaction.atomic
def flag_post(*, reporter: Any, post: Post, reason: str, note: str = "") -> Flag:
    """Flag a post for moderators. When enough members flag a new member's post it is hidden
    pending review (a moderator restores or confirms)."""
    permissions.check_read_post(reporter, post)
    if not permissions.can_flag(reporter, post):
        raise PermissionDenied
    if Flag.objects.filter(post=post, reporter=reporter).exists():
        raise ValidationError(ALREADY_FLAGGED, code="already_flagged")
    flag = Flag.objects.create(post=post, reporter=reporter, reason=reason, note=note[:500])
    open_flags = Flag.objects.filter(post=post, outcome=Flag.Outcome.OPEN).count()
    author = post.author
    if (
        open_flags >= limits()["AUTO_HIDE_FLAGS"]
        and not post.is_hidden
        and is_new_member(author)
        and not permissions.is_moderator(author)
    ):
        post.is_hidden = True
        post.pending_review = True
        post.save(update_fields=["is_hidden", "pending_review"])
        _log(None, ModerationAction.Action.AUTO_HIDE, post=post, data={"flags": open_flags})
        notifications.notify_moderation(post=post, thread=post.thread, verb="hidden", actor=None)
        events.post_hidden(post)
    return flag


@transaction.atomic
def dismiss_flags(*, moderator: Any, post: Post) -> Post:
    permissions.check_moderate(moderator)
    _close_flags(post, moderator, Flag.Outcome.DISMISSED)
    _log(moderator, ModerationAction.Action.DISMISS_FLAGS, post=post)
    if post.pending_review:
        return restore_post(moderator=moderator, post=post)
    return post


@transaction.atomic
def silence_member(
    *, moderator: Any, member: Any, until: datetime | None, reason: str = ""
) -> MemberStanding:
    """Silence ``member`` until ``until`` (None lifts the silence). Silenced members read but
    cannot post, edit, react or be rate-limited around it."""
    permissions.check_moderate(moderator)
    standing, _created = MemberStanding.objects.get_or_create(user=member)
    standing.silenced_until = until
    standing.silence_reason = reason[:300] if until else ""
    standing.save(update_fields=["silenced_until", "silence_reason"])
    if hasattr(member, "_forum_standing_cache"):
        del member._forum_standing_cache
    action = ModerationAction.Action.SILENCE if until else ModerationAction.Action.UNSILENCE
    _log(
        moderator,
        action,
        target_user=member,
        reason=reason,
        data={"until": until.isoformat() if until else None},
    )
    return standing


# --- reading state and preferences --------------------------------------------------------


def mark_read(*, user: Any, thread: Thread, number: int, previous: int | None = None) -> None:
    """Advance ``user``'s read marker (never moves backwards). ``previous`` is the marker the
    caller already loaded, which saves the write when nothing new was read."""
    if not getattr(user, "is_authenticated", False) or number <= 0:
        return
    if previous is not None and previous >= number:
        return
    updated = ReadState.objects.filter(
        user=user, thread=thread, last_read_number__lt=number
    ).update(last_read_number=number, updated_at=timezone.now())
    if not updated and not previous:
        try:
            with transaction.atomic():
                ReadState.objects.get_or_create(
                    user=user, thread=thread, defaults={"last_read_number": number}
                )
        except IntegrityError:
            pass


@transaction.atomic
def set_watch_level(
    *, user: Any, level: str, thread: Thread | None = None, category: Category | None = None
) -> None:
    if level not in WatchLevel.values:
        raise ValidationError(UNKNOWN_REACTION, code="level")
    if thread is not None:
        permissions.check_read_thread(user, thread)
        ThreadWatch.objects.update_or_create(user=user, thread=thread, defaults={"level": level})
    if category is not None:
        permissions.check_read_category(user, category)
        CategoryWatch.objects.update_or_create(
            user=user, category=category, defaults={"level": level}
        )


@transaction.atomic
def mark_notifications_read(*, user: Any, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    changed = qs.update(read_at=timezone.now())
    if changed:
        notifications.push_unread_count(user)
    return changed


def mark_thread_notifications_read(*, user: Any, thread: Thread) -> None:
    """Reading a thread clears its notifications (one cheap UPDATE)."""
    if getattr(user, "is_authenticated", False):
        with transaction.atomic():
            if Notification.objects.filter(
                recipient=user, thread=thread, read_at__isnull=True
            ).update(read_at=timezone.now()):
                notifications.push_unread_count(user)


def update_preferences(*, user: Any, **values: bool) -> NotificationPreference:
    pref, _created = NotificationPreference.objects.get_or_create(user=user)
    for key, value in values.items():
        setattr(pref, key, bool(value))
    pref.save()
    return pref


# --- resolutions --------------------------------------------------------------------------


RESOLUTION_BODY = _(
    "This thread is for amendments and comments on the resolution “%(title)s”.\n\n"
    "Read it here: %(url)s"
)


@transaction.atomic
def open_resolution_thread(*, actor: Any, page: Any, category: Category) -> Thread:
    """Open (or return) the discussion thread linked to a resolution page. Staff only."""
    permissions.check_open_resolution_thread(actor)
    existing = Thread.objects.filter(resolution_page=page).first()
    if existing is not None:
        return existing
    url = page.get_url() or "/"
    thread = create_thread(
        author=actor,
        category=category,
        title=page.title,
        body=str(RESOLUTION_BODY % {"title": page.title, "url": url}),
        enforce_limits=False,
        resolution_page=page,
    )
    _log(actor, ModerationAction.Action.OPEN_RESOLUTION, thread=thread, data={"page": page.pk})
    return thread


def visible_filter(user: Any) -> Q:
    """Posts a member sees with their body in lists (search, feeds, member pages)."""
    return Q(is_hidden=False, is_deleted=False)
