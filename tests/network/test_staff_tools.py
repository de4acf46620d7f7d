"""Staff tools in the admin: verification queue, CSV export, safety mode, the audit log."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from network.models import Audience, AuditLogEntry, User
from tests.factories import CountryFactory, MemberFactory, UserFactory, make_profile

pytestmark = pytest.mark.django_db

QUEUE = "/admin/network/verification/"


@pytest.fixture
def staff_client(comms_staff) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(comms_staff)
    return client


@pytest.fixture
def claimant(db) -> User:  # type: ignore[no-untyped-def]
    user = UserFactory(
        display_name="Claude Claimant",
        role=User.Role.PARLIAMENTARIAN,
        parliamentarian_status=User.ParliamentarianStatus.CLAIMED,
        preferred_language="fr",
    )
    make_profile(user, parliament="Assemblée nationale")
    return user


def test_staff_approve_a_claim_and_the_member_is_told_in_their_language(
    staff_client, claimant, comms_staff, django_capture_on_commit_callbacks
):
    html = staff_client.get(QUEUE).content.decode()
    assert "Claude Claimant" in html and "Assemblée nationale" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(f"{QUEUE}{claimant.pk}/", {"decision": "approve"})
    assert response.status_code == 302
    claimant.refresh_from_db()
    assert claimant.is_verified_parliamentarian and claimant.verified_at
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [claimant.email]
    entry = AuditLogEntry.objects.get(member=claimant)
    assert entry.action == AuditLogEntry.Action.VERIFY and entry.actor == comms_staff
    assert f"{QUEUE}{claimant.pk}/" not in staff_client.get(QUEUE).content.decode()


def test_rejecting_needs_a_reason_which_the_member_receives(
    staff_client, claimant, django_capture_on_commit_callbacks
):
    staff_client.post(f"{QUEUE}{claimant.pk}/", {"decision": "reject", "reason": "  "})
    claimant.refresh_from_db()
    assert claimant.parliamentarian_status == User.ParliamentarianStatus.CLAIMED
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            f"{QUEUE}{claimant.pk}/", {"decision": "reject", "reason": "No such mandate"}
        )
    claimant.refresh_from_db()
    assert claimant.parliamentarian_status == User.ParliamentarianStatus.REJECTED
    assert "No such mandate" in mail.outbox[0].body
    assert AuditLogEntry.objects.get(member=claimant).reason == "No such mandate"


@pytest.mark.parametrize("who", ["young_leader", "parliamentarian", "party_staff"])
def test_members_cannot_reach_the_staff_tools(request, who, claimant):
    client = Client()
    client.force_login(request.getfixturevalue(who))
    for url in (QUEUE, "/admin/network/members.csv", f"{QUEUE}{claimant.pk}/"):
        response = (
            client.post(url, {"decision": "approve"})
            if url.endswith(f"{claimant.pk}/")
            else client.get(url)
        )
        assert response.status_code in {302, 403}
    claimant.refresh_from_db()
    assert claimant.parliamentarian_status == User.ParliamentarianStatus.CLAIMED


def test_csv_export_is_audited_and_leaves_out_what_staff_may_not_see(staff_client):
    MemberFactory(
        display_name="Private Email",
        email="secret-only-me@example.org",
        with_profile={"email_audience": Audience.ONLY_ME, "city": "Staffcity"},
    )
    response = staff_client.get("/admin/network/members.csv")
    body = b"".join(response.streaming_content).decode()
    assert "Private Email" in body and "Staffcity" in body
    assert "secret-only-me" not in body
    assert AuditLogEntry.objects.filter(action=AuditLogEntry.Action.EXPORT).count() == 1


def test_the_audit_log_is_append_only(comms_staff, young_leader):
    from network import services

    entry = services.record_audit(actor=comms_staff, member=young_leader, action="edit")
    entry.reason = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditLogEntry.objects.all().update(reason="x")
    with pytest.raises(PermissionError):
        AuditLogEntry.objects.all().delete()


def test_staff_screens_for_parties_topics_countries_members_and_the_log_load(
    staff_client, young_leader
):
    make_profile(young_leader)
    for url in (
        "/admin/network/parties/",
        "/admin/network/topics/",
        "/admin/network/languages/",
        "/admin/network/countries/",
        "/admin/network/members/",
        "/admin/network/audit-log/",
        f"/admin/network/members/edit/{young_leader.profile.pk}/",
    ):
        assert staff_client.get(url).status_code == 200, url


def test_staff_edits_and_safety_mode_from_the_admin_are_audited(staff_client, young_leader):
    make_profile(young_leader, listing_audience=Audience.PUBLIC)
    url = f"/admin/network/members/edit/{young_leader.profile.pk}/"
    response = staff_client.post(
        url,
        {
            "headline": "Edited by staff",
            "bio": "",
            "city": "",
            "organisation": "",
            "position": "",
            "safety_mode": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    actions = set(AuditLogEntry.objects.values_list("action", flat=True))
    assert actions == {AuditLogEntry.Action.SAFETY_ON, AuditLogEntry.Action.EDIT}
    assert Client().get("/en/network/people/amina/").status_code == 404


def test_country_safety_mode_from_the_admin_is_audited(staff_client):
    country = CountryFactory(iso2="ZZ", name="Zedland")
    response = staff_client.post(
        f"/admin/network/countries/edit/{country.pk}/",
        {"name": "Zedland", "iso2": "ZZ", "region": country.region_id, "safety_mode": "on"},
    )
    assert response.status_code == 302
    country.refresh_from_db()
    assert country.safety_mode
    assert AuditLogEntry.objects.get().action == AuditLogEntry.Action.COUNTRY_SAFETY_ON
