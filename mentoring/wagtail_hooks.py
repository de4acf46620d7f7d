"""Mentoring in the Wagtail admin: dashboard, rounds and matching settings (staff only)."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from mentoring import admin_views, permissions

app_name = "mentoring_admin"
urlpatterns = [
    path("", admin_views.dashboard, name="dashboard"),
    path("export.csv", admin_views.export_csv, name="export"),
    path("settings/", admin_views.matching_settings, name="settings"),
    path("rounds/", admin_views.round_list, name="rounds"),
    path("rounds/<int:pk>/", admin_views.round_detail, name="round"),
]


@hooks.register("register_admin_urls")
def register_admin_urls() -> list:
    return [path("mentoring/", include((urlpatterns, app_name), namespace=app_name))]


class StaffMenuItem(MenuItem):
    def is_shown(self, request) -> bool:  # type: ignore[no-untyped-def]
        return permissions.can_manage_mentoring(request.user)


class StaffSubmenu(SubmenuMenuItem):
    def is_shown(self, request) -> bool:  # type: ignore[no-untyped-def]
        return permissions.can_manage_mentoring(request.user)


@hooks.register("register_admin_menu_item")
def register_menu():  # type: ignore[no-untyped-def]
    menu = Menu(
        items=[
            StaffMenuItem(
                _("Dashboard"), reverse("mentoring_admin:dashboard"), icon_name="view", order=1
            ),
            StaffMenuItem(
                _("Cohort rounds"), reverse("mentoring_admin:rounds"), icon_name="group", order=2
            ),
            StaffMenuItem(
                _("Matching settings"),
                reverse("mentoring_admin:settings"),
                icon_name="cogs",
                order=3,
            ),
        ]
    )
    return StaffSubmenu(_("Mentoring"), menu, icon_name="user", order=250)
