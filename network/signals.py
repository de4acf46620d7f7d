"""Search indexing: keep the directory table in step with members, profiles and parties.

The only signals in the app (the architecture allows them for search indexing). Bulk writes
(``bulk_create``, ``QuerySet.update``) bypass them: those call ``network.indexing`` directly.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from network import indexing
from network.models import Country, Language, MemberProfile, Party, Region, Topic, User

# User columns the directory row depends on; saves touching only others (last_login, the
# member's language) skip the re-index.
INDEXED_USER_FIELDS = {
    "display_name",
    "handle",
    "role",
    "parliamentarian_status",
    "party",
    "country",
    "is_active",
    "date_joined",
    "deleted_at",
    "email",  # shown on directory cards (per its audience), which processes cache
}


@receiver(post_save, sender=User)
def index_user(sender: Any, instance: User, update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields is not None and not (set(update_fields) & INDEXED_USER_FIELDS):
        return
    indexing.sync_member(instance)


@receiver(post_save, sender=MemberProfile)
def index_profile(sender: Any, instance: MemberProfile, **kwargs: Any) -> None:
    indexing.sync_member(instance.user)


@receiver(post_delete, sender=MemberProfile)
def unindex_profile(sender: Any, instance: MemberProfile, **kwargs: Any) -> None:
    indexing.remove_profile(instance.pk, instance.user_id)


@receiver(post_save, sender=Party)
def index_party_members(sender: Any, instance: Party, created: bool, **kwargs: Any) -> None:
    # Party names are searchable: a renamed party re-indexes its members.
    if not created:
        indexing.sync_profiles(MemberProfile.objects.filter(user__party=instance))


def _index_links(sender: Any, instance: Any, action: str, reverse: bool, **kwargs: Any) -> None:
    # Topics and languages are directory tags: re-index after the links change.
    if not action.startswith("post_"):
        return
    if reverse:  # topic.experts.add(...) and the like: re-index the profiles touched
        pk_set = kwargs.get("pk_set")
        profiles = MemberProfile.objects.all() if pk_set is None else None
        indexing.sync_profiles(
            profiles if profiles is not None else MemberProfile.objects.filter(pk__in=pk_set)
        )
        return
    indexing.sync_member(instance.user)


for _through in (
    MemberProfile.languages.through,
    MemberProfile.expertise.through,
    MemberProfile.interests.through,
):
    m2m_changed.connect(_index_links, sender=_through, dispatch_uid=f"index-{_through.__name__}")


def _reference_changed(sender: Any, **kwargs: Any) -> None:
    # Cards show these names and filters accept these codes: processes drop their copies.
    indexing.reference_changed()


for _model in (Region, Country, Party, Topic, Language):
    for _signal in (post_save, post_delete):
        _signal.connect(
            _reference_changed, sender=_model, dispatch_uid=f"reference-{_model.__name__}"
        )
