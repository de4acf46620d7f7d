"""Every live event the forums emit, with its payload shape, in one place.

Called by ``forums.services`` inside their transaction: ``realtime.services.emit`` stores the
event with its stream sequence and pushes it only after commit. Payloads carry ids and the
stored, sanitised ``body_html`` (never re-rendered) and nothing the stream's audience may not
see: a thread stream is readable by the thread's readers, a category stream by the category's
readers, a ``user:`` stream by that member only.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from forums.models import Category, Notification, Post, Thread
from realtime.services import emit


def _author(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "name": str(user), "handle": user.handle or ""}


def post_payload(post: Post) -> dict[str, Any]:
    return {
        "post_id": post.pk,
        "thread_id": post.thread_id,
        "number": post.number,
        "author": _author(post.author),
        "body_html": post.body_html,
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
            "body_html": post.body_html,
            "edited_at": post.edited_at.isoformat() if post.edited_at else None,
        },
    )


def post_hidden(post: Post) -> None:
    # No body: readers of the stream may not see a hidden post.
    emit(stream=f"thread:{post.thread_id}", event="post.hidden", data={"post_id": post.pk})


def post_restored(post: Post) -> None:
    emit(stream=f"thread:{post.thread_id}", event="post.restored", data=post_payload(post))


def post_deleted(post: Post) -> None:
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
    emit(stream=f"thread:{thread.pk}", event="thread.moved", data=gone)
    emit(stream=f"category:{old_category.pk}", event="thread.moved", data=gone)
    emit(
        stream=f"category:{thread.category_id}", event="thread.created", data=thread_payload(thread)
    )


def thread_merged(source: Thread, target: Thread) -> None:
    emit(
        stream=f"thread:{source.pk}",
        event="thread.moved",
        data={"thread_id": source.pk, "merged_into": target.pk, "url": target.get_absolute_url()},
    )


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
