"""Staff tools in Wagtail's admin: parties, topics, countries (safety mode), members, the
verification queue, the CSV export and the audit log. Every change to a member goes through
``network.services`` so it is audited."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from network import permissions, selectors, services
from network.forms import RejectClaimForm
from network.models import AuditLogEntry, Country, Language, MemberProfile, Party, Region, Topic


class NetworkStaffPolicy(BasePermissionPolicy):
    """Alliance staff with admin access manage network data; nobody else, whatever their
    Django model permissions. ``allowed`` narrows the actions (the audit log is view-only)."""

    def __init__(self, model: Any, allowed: set[str] | None = None) -> None:
        super().__init__(model)
        self.allowed = allowed

    def user_has_permission(self, user: Any, action: str) -> bool:
        if self.allowed is not None and action not in self.allowed:
            return False
        return permissions.can_manage_members(user)

    def user_has_any_permission(self, user: Any, actions: Any) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions: Any) -> Any:
        from network.permissions import STAFF_ROLES

        return get_user_model().objects.filter(is_active=True, role__in=STAFF_ROLES)

    def users_with_permission(self, action: str) -> Any:
        return self.users_with_any_permission([action])


for _model in (Party, Topic, Country, Region, Language, MemberProfile):
    register_permission_policy(_model, NetworkStaffPolicy(_model))
register_permission_policy(AuditLogEntry, NetworkStaffPolicy(AuditLogEntry, allowed={"view"}))


class PartyViewSet(ModelViewSet):
    url_prefix = "network/parties"
    model = Party
    icon = "group"
    menu_label = gettext_lazy("Parties")
    list_display = ["name", "short_name", "country", "membership_status", "kind"]
    list_filter = ["membership_status", "kind", "country__region"]
    search_fields = ["name", "name_en", "short_name"]
    form_fields = [
        "name",
        "name_en",
        "name_fr",
        "name_es",
        "short_name",
        "slug",
        "country",
        "kind",
        "membership_status",
        "website",
        "logo",
        "youth_wing",
    ]


class TopicViewSet(ModelViewSet):
    url_prefix = "network/topics"
    model = Topic
    icon = "tag"
    menu_label = gettext_lazy("Topics")
    list_display = ["name", "name_fr", "name_es", "slug", "order"]
    search_fields = ["name", "name_fr", "name_es"]
    form_fields = ["name", "name_fr", "name_es", "slug", "order"]


class LanguageViewSet(ModelViewSet):
    url_prefix = "network/languages"
    model = Language
    icon = "globe"
    menu_label = gettext_lazy("Languages")
    list_display = ["name", "native_name", "code"]
    search_fields = ["name", "code"]
    form_fields = ["code", "name", "native_name"]


class CountryEditView(generic.EditView):
    def save_instance(self) -> Any:
        # Safety mode changes many profiles at once and must be audited: use the service.
        instance = self.form.instance
        before = Country.objects.get(pk=instance.pk).safety_mode
        safety = self.form.cleaned_data.get("safety_mode", before)
        instance.safety_mode = before
        instance.save()
        if safety != before:
            services.set_country_safety_mode(
                actor=self.request.user, country=instance, enabled=safety
            )
        return instance


class CountryViewSet(ModelViewSet):
    url_prefix = "network/countries"
    model = Country
    icon = "site"
    menu_label = gettext_lazy("Countries")
    list_display = ["name", "iso2", "region", "safety_mode"]
    list_filter = ["region", "safety_mode"]
    search_fields = ["name", "iso2"]
    form_fields = ["name", "iso2", "region", "safety_mode"]
    edit_view_class = CountryEditView


class MemberEditView(generic.EditView):
    def save_instance(self) -> Any:
        profile: MemberProfile = self.form.instance
        changed = {name: str(self.form.cleaned_data.get(name)) for name in self.form.changed_data}
        safety = self.form.cleaned_data.get("safety_mode")
        old_safety = MemberProfile.objects.get(pk=profile.pk).safety_mode
        profile.safety_mode = old_safety
        # Only the edited columns: the search documents are rebuilt by the service below.
        profile.save(update_fields=[f for f in MemberViewSet.form_fields if f != "safety_mode"])
        if safety != old_safety:
            services.set_member_safety_mode(
                actor=self.request.user, member=profile.user, enabled=bool(safety)
            )
            changed.pop("safety_mode", None)
        if changed:
            services.record_staff_edit(
                actor=self.request.user, member=profile.user, changes=changed
            )
        return profile


class MemberViewSet(ModelViewSet):
    model = MemberProfile
    icon = "user"
    menu_label = gettext_lazy("Members")
    url_prefix = "network/members"
    list_display = [
        Column("user", label=gettext_lazy("Member"), accessor="user"),
        Column("email", label=gettext_lazy("Email"), accessor="user.email"),
        Column("role", label=gettext_lazy("Role"), accessor="user.get_role_display"),
        Column("country", label=gettext_lazy("Country"), accessor="user.country"),
        "safety_mode",
    ]
    list_filter = ["safety_mode", "user__role", "user__parliamentarian_status"]
    search_fields = ["user__display_name", "user__email", "headline"]
    form_fields = ["headline", "bio", "city", "organisation", "position", "safety_mode"]
    edit_view_class = MemberEditView
    inspect_view_enabled = True

    def get_queryset(self, request: HttpRequest) -> Any:
        return MemberProfile.objects.select_related("user__country")


class AuditLogViewSet(ModelViewSet):
    url_prefix = "network/audit-log"
    model = AuditLogEntry
    icon = "history"
    menu_label = gettext_lazy("Audit log")
    list_display = ["created_at", "actor_label", "action", "member_label", "reason"]
    list_filter = ["action"]
    search_fields = ["actor_label", "member_label", "reason"]
    inspect_view_enabled = True
    form_fields = ["reason"]  # never used: the policy allows "view" only


class NetworkGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Network")
    menu_icon = "group"
    menu_order = 250
    items = (
        PartyViewSet,
        TopicViewSet,
        LanguageViewSet,
        CountryViewSet,
        MemberViewSet,
        AuditLogViewSet,
    )


@hooks.register("register_admin_viewset")
def register_network_viewsets() -> ModelViewSetGroup:
    return NetworkGroup()


# --- Verification queue and CSV export (plain admin views) -------------------------------------


def verification_queue(request: HttpRequest) -> HttpResponse:
    permissions.check_manage_members(request.user)
    return TemplateResponse(
        request,
        "network/admin/verification_queue.html",
        {
            "claims": selectors.verification_queue(),
            "reject_form": RejectClaimForm(),
            "header_icon": "tick",
            "page_title": _("Parliamentarian verification"),
        },
    )


def verification_decide(request: HttpRequest, user_id: int) -> HttpResponse:
    permissions.check_manage_members(request.user)
    if request.method != "POST":
        return redirect("network_verification_queue")
    member = get_object_or_404(get_user_model(), pk=user_id)
    try:
        if request.POST.get("decision") == "approve":
            services.verify_parliamentarian(actor=request.user, member=member)
            messages.success(request, _("%(name)s is now verified.") % {"name": member})
        else:
            form = RejectClaimForm(request.POST)
            if not form.is_valid():
                messages.error(request, services.REASON_REQUIRED)
                return redirect("network_verification_queue")
            services.reject_parliamentarian(
                actor=request.user, member=member, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The claim of %(name)s was rejected.") % {"name": member})
    except ValueError as exc:
        messages.error(request, str(exc))
    return redirect("network_verification_queue")


class _Echo:
    def write(self, value: str) -> str:
        return value


def members_csv(request: HttpRequest) -> HttpResponse:
    """Members and fields the requesting staff member may see; the export itself is audited."""
    permissions.check_manage_members(request.user)
    services.record_audit(
        actor=request.user, member=None, action=AuditLogEntry.Action.EXPORT, changes={}
    )
    writer = csv.writer(_Echo())
    rows = (writer.writerow(row) for row in selectors.members_csv_rows(viewer=request.user))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="alliance-members.csv"'
    return response


@hooks.register("register_admin_urls")
def register_network_admin_urls() -> list:
    return [
        path("network/verification/", verification_queue, name="network_verification_queue"),
        path(
            "network/verification/<int:user_id>/",
            verification_decide,
            name="network_verification_decide",
        ),
        path("network/members.csv", members_csv, name="network_members_csv"),
    ]


class StaffMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return permissions.can_manage_members(request.user)


@hooks.register("register_admin_menu_item")
def verification_menu_item() -> MenuItem:
    return StaffMenuItem(
        gettext_lazy("Verification queue"),
        reverse("network_verification_queue"),
        icon_name="tick",
        order=251,
    )


@hooks.register("register_admin_menu_item")
def members_csv_menu_item() -> MenuItem:
    return StaffMenuItem(
        gettext_lazy("Export members (CSV)"),
        reverse("network_members_csv"),
        icon_name="download",
        order=252,
    )
