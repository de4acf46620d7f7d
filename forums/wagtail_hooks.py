"""Staff screens in the Wagtail admin: categories (translatable), threads (resolution links),
and the moderation audit log (read-only)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from forums.models import Category, ModerationAction, Thread


class CategoryViewSet(ModelViewSet):
    model = Category
    icon = "folder-open-inverse"
    menu_label = _("Categories")
    list_display = ["name", "kind", "read_audience", "post_audience", "order", "thread_count"]
    list_filter = ["kind", "read_audience"]
    search_fields = ["name", "name_fr", "name_es"]
    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("name_fr"), FieldPanel("name_es")], heading=_("Name")
        ),
        MultiFieldPanel(
            [FieldPanel("description"), FieldPanel("description_fr"), FieldPanel("description_es")],
            heading=_("Description"),
        ),
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("order")]),
        FieldRowPanel([FieldPanel("topic"), FieldPanel("region")]),
        FieldRowPanel([FieldPanel("read_audience"), FieldPanel("post_audience")]),
    ]


class ThreadViewSet(ModelViewSet):
    """Staff link a thread to a resolution page here (or open one from the forum's
    /forums/resolutions/<page id>/ page, which the resolution's discussion_url can point to)."""

    model = Thread
    icon = "comment"
    menu_label = _("Threads")
    list_display = ["title", "category", "is_pinned", "is_locked", "last_activity_at"]
    list_filter = ["category", "is_pinned", "is_locked"]
    search_fields = ["title"]
    panels = [
        FieldPanel("title"),
        FieldPanel("category"),
        FieldRowPanel([FieldPanel("is_pinned"), FieldPanel("is_locked")]),
        FieldPanel("resolution_page"),
    ]


class ModerationLogViewSet(ModelViewSet):
    model = ModerationAction
    icon = "history"
    menu_label = _("Moderation log")
    list_display = ["created_at", "actor", "action", "target_user", "thread", "reason"]
    list_filter = ["action"]
    inspect_view_enabled = True
    form_fields = ["reason"]


class ForumsGroup(ModelViewSetGroup):
    menu_label = _("Forums")
    menu_icon = "comment"
    items = (CategoryViewSet, ThreadViewSet, ModerationLogViewSet)


@hooks.register("register_admin_viewset")
def register_forums_viewsets() -> ForumsGroup:
    return ForumsGroup()
