"""A member downloads everything and can delete their account; their row stays anonymised."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from network.models import Audience, MemberProfile, User
from tests.factories import make_profile

pytestmark = pytest.mark.django_db


def test_a_member_downloads_all_their_data_as_json(young_leader):
    make_profile(young_leader, bio="My bio", city="Nairobi", email_audience=Audience.ONLY_ME)
    client = Client()
    client.force_login(young_leader)
    response = client.get("/en/network/me/data/archive.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == young_leader.email
    assert data["profile"]["bio"] == "My bio" and data["profile"]["city"] == "Nairobi"
    assert data["profile"]["email_audience"] == Audience.ONLY_ME


def test_visitors_cannot_download_anyones_data(client):
    response = client.get("/en/network/me/data/archive.json")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_deleting_the_account_keeps_an_anonymous_row_and_ends_sessions(young_leader, monkeypatch):
    revoked = []
    monkeypatch.setattr(
        "realtime.events.revoke_user_sockets", lambda *, user_id: revoked.append(user_id)
    )
    make_profile(young_leader, bio="Goodbye", listing_audience=Audience.PUBLIC)
    other_device = Client()
    other_device.force_login(young_leader)
    client = Client()
    client.force_login(young_leader)

    wrong = client.post("/en/network/me/delete/", {"confirm": "not-my-email"})
    assert wrong.status_code == 400 and User.objects.get(pk=young_leader.pk).is_active

    response = client.post("/en/network/me/delete/", {"confirm": young_leader.email})
    assert response.status_code == 302
    user = User.objects.get(pk=young_leader.pk)  # the row (and other apps' FKs) stays
    assert not user.is_active and user.is_former_member and str(user) == "Former member"
    assert user.display_name == "" and user.handle is None and "amina" not in user.email
    assert not user.has_usable_password()
    assert not MemberProfile.objects.filter(user_id=user.pk).exists()
    assert "_auth_user_id" not in other_device.session
    assert other_device.get("/en/network/me/edit/").status_code == 302
    assert Client().get("/en/network/people/amina/").status_code == 404


def test_delete_account_service_closes_sockets_after_commit(
    young_leader, django_capture_on_commit_callbacks, monkeypatch
):
    from network import services

    revoked = []
    monkeypatch.setattr(
        "realtime.events.revoke_user_sockets", lambda *, user_id: revoked.append(user_id)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_account(member=young_leader)
    assert revoked == [young_leader.pk]
