"""Cache invalidation for published content (the only signal receivers in cms)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from cms.cache import bump_content_version


def connect() -> None:
    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(bump_content_version, dispatch_uid=f"cms-bump-{id(signal)}")
    for model in (Page, PageViewRestriction, Site):
        post_save.connect(bump_content_version, sender=model, dispatch_uid=f"cms-save-{model}")
        post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"cms-del-{model}")
    # Deleting a specific page sends post_delete for its own class, not for Page.
    post_delete.connect(_page_deleted, dispatch_uid="cms-del-any-page")


def _page_deleted(sender: type, instance: object, **kwargs: object) -> None:
    if isinstance(instance, Page):
        bump_content_version()
