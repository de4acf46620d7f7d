"""Editorial groups, page permissions and the review workflow (idempotent).

- "Communications": draft, submit and publish news, events and resolutions in every language,
  upload images and documents, submit translations. No rights on the home pages (the page
  tree root), users, groups or settings.
- "Communications leads": the same on the whole site, and the reviewers of the
  "Communications review" workflow (draft -> review by a lead -> publish) assigned to every
  home page, so any page submitted for moderation waits for a lead's approval.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

COMMUNICATIONS = "Communications"
COMMUNICATIONS_LEADS = "Communications leads"
WORKFLOW_NAME = "Communications review"
REVIEW_TASK_NAME = "Review by a Communications lead"

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page")
LEAD_PAGE_PERMISSIONS = (*EDITOR_PAGE_PERMISSIONS, "unlock_page")
COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)
GLOBAL_PERMISSIONS = (
    ("wagtailadmin", "access_admin"),
    ("wagtail_localize", "submit_translation"),
)


# Permissions that migrations create with data (not model Meta), so a database flush (as in
# transactional tests) removes them and post_migrate does not bring them back.
DATA_PERMISSIONS = {
    ("wagtail_localize", "submit_translation"): ("translation", "Can submit translations"),
}


def _permission(app_label: str, codename: str) -> Permission:
    permission = Permission.objects.filter(
        content_type__app_label=app_label, codename=codename
    ).first()
    if permission is None and (app_label, codename) in DATA_PERMISSIONS:
        model, name = DATA_PERMISSIONS[app_label, codename]
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission = Permission.objects.create(
            content_type=content_type, codename=codename, name=name
        )
    if permission is None:
        raise Permission.DoesNotExist(f"{app_label}.{codename}")
    return permission


def _root_collection() -> Collection:
    # Wagtail's migrations create the root collection; a flush removes it.
    return Collection.get_first_root_node() or Collection.add_root(name="Root")


def _grant_pages(group: Group, pages: Iterable[Page], codenames: Iterable[str]) -> None:
    permissions = [_permission("wagtailcore", codename) for codename in codenames]
    for page in pages:
        for permission in permissions:
            GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def _grant_common(group: Group) -> None:
    group.permissions.add(*(_permission(app, code) for app, code in GLOBAL_PERMISSIONS))
    root_collection = _root_collection()
    for app_label, codename in COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=_permission(app_label, codename)
        )


@transaction.atomic
def ensure_editorial_setup(*, home_pages: Iterable[Page], section_pages: Iterable[Page]) -> None:
    """Create or complete the groups, their permissions and the review workflow."""
    home_pages = list(home_pages)
    editors, _ = Group.objects.get_or_create(name=COMMUNICATIONS)
    leads, _ = Group.objects.get_or_create(name=COMMUNICATIONS_LEADS)
    for group in (editors, leads):
        _grant_common(group)
    _grant_pages(editors, section_pages, EDITOR_PAGE_PERMISSIONS)
    _grant_pages(leads, home_pages, LEAD_PAGE_PERMISSIONS)

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    task = GroupApprovalTask.objects.filter(name=REVIEW_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK_NAME)
    task.groups.add(leads)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for home in home_pages:
        WorkflowPage.objects.get_or_create(page=home, defaults={"workflow": workflow})
