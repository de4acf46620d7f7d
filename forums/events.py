"""Every live event the forums emit, with its payload shape, in one place.

Called by ``forums.services`` inside their transaction: ``realtime.services.emit`` stores the
event with its stream sequence and pushes it only after commit. Payloads carry ids and the
stored, sanitised ``body_html`` (never re-rendered) and nothing the stream's audience may not
see: a thread stream is readable by the thread's readers, a category stream by the category's
readers, a ``user:`` stream by that member only.

Per-event visibility is decided from flags on the payload (``hidden``/``deleted`` with
``author_id``, ``withdrawn``) by the stream kinds' ``event_filter`` below, never by a query:
it runs for every follower on the broadcast path. Hiding or deleting a post also flags the
stored events that carried its body, so a later catch-up skips them for non-moderators.

New and restored posts carry ``html``: the thread page's own list-item partial
(``forums/_post.html``) rendered once per site language for a viewer with no per-viewer
controls, with an empty body that the client fills from ``body_html``. A live insert therefore
looks like a reload; controls for the viewer are added by ``static/js/forums.js``.
"""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from forums.models import Category, Notification, Post, Reaction, Thread
from realtime.services import amend_events, emit, revoke_access, revoke_stream

# Events that carry a post's body (flagged when the post is hidden or deleted).
BODY_EVENTS = ("post.created", "post.edited", "post.restored")


def thread_stream(thread_id: int) -> str:
    return f"thread:{thread_id}"


def category_stream(category_id: int) -> str:
    return f"category:{category_id}"


def _author(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "name": str(user), "handle": user.handle or ""}


def _post_shells(post: Post) -> dict[str, str]:
    """``forums/_post.html`` for a viewer with no controls, per language, body left empty."""
    shell = copy.copy(post)
    shell.body_html = ""
    context = {
        "post": shell,
        "thread": post.thread,
        "data": SimpleNamespace(last_read_number=0, my_reactions=set(), reactions_by_post={}),
        "request": SimpleNamespace(user=AnonymousUser()),
        "is_moderator": False,
        "can_reply": False,
        "can_solve": False,
        "reaction_kinds": Reaction.Kind.choices,
    }
    shells = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            shells[code] = render_to_string("forums/_post.html", context).strip()
    return shells


def post_payload(post: Post) -> dict[str, Any]:
    return {
        "post_id": post.pk,
        "thread_id": post.thread_id,
        "number": post.number,
        "author_id": post.author_id,
        "author": _author(post.author),
        "body_html": post.body_html,
        "html": _post_shells(post),
        "hidden": post.is_hidden,
        "created_at": post.created_at.isoformat(),
        "permalink": post.get_absolute_url(),
        "reply_to_id": post.reply_to_id,
    }


def post_created(post: Post) -> None:
    emit(stream=f"thread:{post.thread_id}", event="post.created", data=post_payload(post))


def post_edited(post: Post) -> None:
    emit(
        stream=f"thread:{post.thread_id}",
        event="post.edited",
        data={
            "post_id": post.pk,
            "author_id": post.author_id,
            # An edit of a hidden post reaches only its author and the moderators.
            "hidden": post.is_hidden,
            "body_html": post.body_html,
            "edited_at": post.edited_at.isoformat() if post.edited_at else None,
        },
    )


def post_hidden(post: Post) -> None:
    # No body: readers of the stream may not see a hidden post. Stored events that carried
    # its body are flagged first, so a catch-up skips them for everyone else.
    amend_events(
        stream=thread_stream(post.thread_id),
        match={"post_id": post.pk},
        flags={"hidden": True, "author_id": post.author_id},
        events=BODY_EVENTS,
    )
    emit(stream=f"thread:{post.thread_id}", event="post.hidden", data={"post_id": post.pk})


def post_restored(post: Post) -> None:
    emit(stream=f"thread:{post.thread_id}", event="post.restored", data=post_payload(post))


def post_deleted(post: Post) -> None:
    amend_events(
        stream=thread_stream(post.thread_id),
        match={"post_id": post.pk},
        flags={"deleted": True},
        events=BODY_EVENTS,
    )
    emit(stream=f"thread:{post.thread_id}", event="post.deleted", data={"post_id": post.pk})


def reaction_changed(post: Post) -> None:
    emit(
        stream=f"thread:{post.thread_id}",
        event="reaction",
        data={"post_id": post.pk, "counts": dict(post.reaction_counts)},
    )


def thread_locked(thread: Thread) -> None:
    emit(
        stream=f"thread:{thread.pk}",
        event="thread.locked",
        data={"thread_id": thread.pk, "locked": thread.is_locked},
    )


def thread_pinned(thread: Thread) -> None:
    data = {"thread_id": thread.pk, "pinned": thread.is_pinned}
    emit(stream=f"thread:{thread.pk}", event="thread.pinned", data=data)
    emit(stream=f"category:{thread.category_id}", event="thread.pinned", data=data)


def thread_moved(thread: Thread, *, old_category: Category) -> None:
    # Old readers only learn that it left (ids only): they may not read the new category.
    gone = {"thread_id": thread.pk, "category_id": thread.category_id}
    # The old category's log no longer shows the thread to later catch-ups.
    amend_events(
        stream=category_stream(old_category.pk),
        match={"thread_id": thread.pk},
        flags={"withdrawn": True},
    )
    emit(stream=f"thread:{thread.pk}", event="thread.moved", data=gone)
    emit(stream=f"category:{old_category.pk}", event="thread.moved", data=gone)
    emit(
        stream=f"category:{thread.category_id}", event="thread.created", data=thread_payload(thread)
    )
    # Readers of the thread who may not read the new category are told and cut off.
    revoke_stream(stream=thread_stream(thread.pk))


def member_access_changed(*, user_id: int) -> None:
    """Silenced or unsilenced: the member's open sockets close and re-authorise."""
    revoke_access(user_id=user_id)


def thread_deleted(thread: Thread) -> None:
    """Only moderators read a deleted thread: every other follower is cut off."""
    revoke_stream(stream=thread_stream(thread.pk))


def thread_merged(source: Thread, target: Thread) -> None:
    emit(
        stream=f"thread:{source.pk}",
        event="thread.moved",
        data={"thread_id": source.pk, "merged_into": target.pk, "url": target.get_absolute_url()},
    )
    revoke_stream(stream=thread_stream(source.pk))


def thread_payload(thread: Thread) -> dict[str, Any]:
    return {
        "thread_id": thread.pk,
        "title": thread.title,
        "url": thread.get_absolute_url(),
        "author": _author(thread.author),
        "created_at": thread.created_at.isoformat(),
    }


def thread_created(thread: Thread) -> None:
    emit(
        stream=f"category:{thread.category_id}",
        event="thread.created",
        data=thread_payload(thread),
    )


def notification(*, recipient_id: int, unread: int, item: Notification | None) -> None:
    data: dict[str, Any] = {"count": unread}
    if item is not None:
        data.update(
            {
                "id": item.pk,
                "kind": item.kind,
                "thread_id": item.thread_id,
                "post_id": item.post_id,
                "url": reverse("forums:post", kwargs={"pk": item.post_id}) if item.post_id else "",
            }
        )
    emit(stream=f"user:{recipient_id}", event="notification", data=data)


# --- stream kinds (registered in ForumsConfig.ready) ----------------------------------------


def thread_event_filter(user: Any, key: str, event: str, data: dict[str, Any]) -> bool:
    """Who may see one event of a thread they may read. Pure: payload flags and user fields."""
    from forums.permissions import is_moderator

    if data.get("deleted") or data.get("withdrawn"):
        return is_moderator(user)
    if data.get("hidden"):
        own = bool(getattr(user, "is_authenticated", False)) and user.pk == data.get("author_id")
        return own or is_moderator(user)
    return True


def category_event_filter(user: Any, key: str, event: str, data: dict[str, Any]) -> bool:
    from forums.permissions import is_moderator

    return not data.get("withdrawn") or is_moderator(user)


def _thread_for_key(key: str) -> Thread | None:
    if not key.isdigit():
        return None
    return Thread.objects.select_related("category").filter(pk=int(key)).first()


def can_write_in_thread(user: Any, key: str) -> bool:
    from forums.permissions import can_reply

    thread = _thread_for_key(key)
    return thread is not None and can_reply(user, thread)


def post_from_socket(
    user: Any, key: str, *, body: str, idempotency_key: str, reply_to: int | None
) -> dict[str, Any]:
    """A ``post`` frame on ``thread:<key>``: the same ``create_post`` as the reply form."""
    from forums import permissions, services
    from realtime.selectors import event_seq

    thread = _thread_for_key(key)
    if thread is None:
        raise Http404
    permissions.check_read_thread(user, thread)
    reply = None
    if reply_to is not None:
        reply = Post.objects.filter(pk=reply_to, thread=thread, is_deleted=False).first()
    post = services.create_post(
        author=user, thread=thread, body=body, reply_to=reply, idempotency_key=idempotency_key
    )
    seq = event_seq(
        stream=thread_stream(post.thread_id), event="post.created", match={"post_id": post.pk}
    )
    return {"id": post.pk, "seq": seq, "url": post.get_absolute_url()}
