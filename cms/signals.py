"""Cache invalidation for published content (the only signal receivers in cms)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from cms.cache import bump_content_version, bump_structure_version


def connect() -> None:
    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(bump_content_version, dispatch_uid=f"cms-bump-{id(signal)}")
    post_page_move.connect(bump_structure_version, dispatch_uid="cms-structure-move")
    for model in (Page, PageViewRestriction, Site):
        post_save.connect(bump_structure_version, sender=model, dispatch_uid=f"cms-save-{model}")
        post_delete.connect(bump_structure_version, sender=model, dispatch_uid=f"cms-del-{model}")
    # Deleting a specific page sends post_delete for its own class, not for Page.
    post_delete.connect(_page_deleted, dispatch_uid="cms-del-any-page")
    # Likewise for saves: a new page (an alias above all) changes which paths may be restricted.
    post_save.connect(_page_saved, dispatch_uid="cms-save-any-page")
    # Resolution pages link their forum discussion: cached pages must learn of a new one.
    post_save.connect(_thread_saved, sender="forums.Thread", dispatch_uid="cms-forum-thread")
    post_delete.connect(_thread_saved, sender="forums.Thread", dispatch_uid="cms-forum-thread-del")


def _page_deleted(sender: type, instance: object, **kwargs: object) -> None:
    if isinstance(instance, Page):
        bump_structure_version()


def _page_saved(sender: type, instance: object, created: bool = False, **kwargs: object) -> None:
    # Drafts of existing pages (the common save) change nothing visitors can see.
    if isinstance(instance, Page) and (created or instance.alias_of_id):
        bump_structure_version()


# Thread fields that decide whether (and where) a resolution page links its discussion.
THREAD_LINK_FIELDS = frozenset({"resolution_page", "is_deleted", "category"})


def _thread_saved(sender: type, instance: Any, **kwargs: Any) -> None:
    if not getattr(instance, "resolution_page_id", None):
        return
    update_fields = kwargs.get("update_fields")
    # Replies update counters with update_fields: those leave the link as it was.
    if update_fields is None or THREAD_LINK_FIELDS & set(update_fields):
        bump_content_version()
