"""Sign-in from the outside: throttling that cannot lock members out, staff two-factor."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from network.adapters import TOO_MANY_ATTEMPTS
from network.models import User
from tests.factories.network import PASSWORD
from tests.support.services import totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/en/accounts/login/"


def attempt(address: str, email: str, password: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    client.post(LOGIN, {"login": email, "password": password})
    return client


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_throttling_blocks_the_attackers_address_but_not_the_members_login_elsewhere(
    young_leader, settings
):
    attacker = "203.0.113.66"
    for _ in range(settings.LOGIN_THROTTLE["PAIR_LIMIT"]):
        assert not signed_in(attempt(attacker, young_leader.email, "wrong-password"))

    # Even the right password is refused from the attacker's address now...
    blocked = Client(REMOTE_ADDR=attacker)
    response = blocked.post(LOGIN, {"login": young_leader.email, "password": PASSWORD})
    assert not signed_in(blocked)
    assert str(TOO_MANY_ATTEMPTS) in response.content.decode()

    # ...while the member signs in from their own address at once.
    assert signed_in(attempt("198.51.100.7", young_leader.email, PASSWORD))


def test_one_address_trying_many_accounts_is_blocked(settings, young_leader):
    settings.LOGIN_THROTTLE = {**settings.LOGIN_THROTTLE, "ADDRESS_LIMIT": 4}
    for n in range(4):
        attempt("203.0.113.99", f"someone{n}@example.org", "guess")
    assert not signed_in(attempt("203.0.113.99", young_leader.email, PASSWORD))
    assert signed_in(attempt("198.51.100.8", young_leader.email, PASSWORD))


def test_a_successful_login_resets_the_members_own_failures(young_leader, settings):
    address = "198.51.100.9"
    for _ in range(settings.LOGIN_THROTTLE["PAIR_LIMIT"] - 1):
        attempt(address, young_leader.email, "typo")
    assert signed_in(attempt(address, young_leader.email, PASSWORD))
    for _ in range(settings.LOGIN_THROTTLE["PAIR_LIMIT"] - 1):
        attempt(address, young_leader.email, "typo")
    assert signed_in(attempt(address, young_leader.email, PASSWORD))


def test_staff_without_two_factor_are_sent_to_set_it_up_instead_of_the_admin(
    client, staff_without_2fa
):
    client.force_login(staff_without_2fa)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/accounts/2fa/totp/activate" in response["Location"]


def test_staff_without_two_factor_cannot_publish_a_page(client, staff_without_2fa, home_page):
    from wagtail.models import Page

    client.force_login(staff_without_2fa)
    response = client.post(
        f"/admin/pages/{home_page.pk}/edit/",
        {"title": "Hijacked", "slug": "home", "action-publish": "publish"},
    )
    assert response.status_code == 302
    assert "/accounts/2fa/" in response["Location"]
    assert Page.objects.get(pk=home_page.pk).title != "Hijacked"


def test_staff_with_two_factor_reach_the_admin(client, comms_staff):
    client.force_login(comms_staff)
    assert client.get("/admin/").status_code == 200


def test_signing_in_with_two_factor_asks_for_the_code(comms_staff):
    client = Client(REMOTE_ADDR="198.51.100.20")
    response = client.post(LOGIN, {"login": comms_staff.email, "password": PASSWORD})
    assert response.status_code == 302 and "/2fa/authenticate" in response["Location"]
    assert not signed_in(client)
    client.post(response["Location"], {"code": totp_code()})
    assert signed_in(client)


def test_members_are_not_forced_into_two_factor(client, young_leader):
    client.force_login(young_leader)
    assert client.get("/en/").status_code == 200
    assert client.get("/admin/").status_code == 302  # no admin access, but no 2FA detour
    assert "/2fa/" not in client.get("/admin/")["Location"]


def test_signup_sends_a_verification_email_in_the_visitors_language(client):
    response = client.post(
        "/fr/accounts/signup/",
        {
            "email": "nouvelle@example.org",
            "password1": "une-phrase-longue-2026",
            "password2": "une-phrase-longue-2026",
            "display_name": "Inès Martin",
            "role": User.Role.YOUNG_LEADER,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@example.org")
    assert user.display_name == "Inès Martin" and user.preferred_language == "fr"
    assert len(mail.outbox) == 1
    assert "Confirmez votre adresse" in mail.outbox[0].subject


def test_claiming_to_be_a_parliamentarian_awaits_staff_verification(client):
    client.post(
        "/en/accounts/signup/",
        {
            "email": "mp@example.org",
            "password1": "a-long-pass-phrase-2026",
            "password2": "a-long-pass-phrase-2026",
            "display_name": "Jo MP",
            "role": User.Role.PARLIAMENTARIAN,
        },
    )
    user = User.objects.get(email="mp@example.org")
    assert user.parliamentarian_status == User.ParliamentarianStatus.CLAIMED
    assert not user.is_verified_parliamentarian
