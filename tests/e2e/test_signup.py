"""A new visitor joins: sign-up, email verification from the outbox, sign-in, French."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import assert_accessible, run_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_new_member_signs_up_verifies_email_logs_in_and_reads_the_site_in_french(
    live_server_daphne,
):
    server = live_server_daphne
    password = "Solidarity-across-borders-2026"

    def steps(page):  # type: ignore[no-untyped-def]
        page.goto(f"{server.url}/en/")
        assert_accessible(page)
        page.get_by_role("link", name="Join", exact=True).click()
        page.wait_for_url("**/accounts/signup/")
        assert_accessible(page)
        page.get_by_label("Email:").fill("lucia@example.org")
        page.get_by_label("Your name:").fill("Lucía Pereira")
        page.get_by_label("I am a:").select_option("young_leader")
        page.get_by_label("Password:", exact=True).fill(password)
        page.get_by_label("Password (again):").fill(password)
        page.get_by_role("button", name="Sign Up").click()
        page.wait_for_url("**/accounts/confirm-email/")
        assert_accessible(page)

        mails = server.sent_mail()
        assert len(mails) == 1, server.read_log()
        link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mails[0]).group(0)
        page.goto(link)
        assert_accessible(page)
        page.get_by_role("button", name="Confirm").click()
        page.wait_for_load_state()

        # Sign out, then sign in as a returning member would.
        if page.get_by_role("button", name="Sign out").count():
            page.get_by_role("button", name="Sign out").click()
            page.wait_for_load_state()
        page.goto(f"{server.url}/en/accounts/login/")
        assert_accessible(page)
        page.get_by_label("Email:").fill("lucia@example.org")
        page.get_by_label("Password:").fill(password)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state()
        page.goto(f"{server.url}/en/")
        assert page.get_by_text("Lucía Pereira").count() >= 1

        page.get_by_role("link", name="FR").click()
        page.wait_for_url("**/fr/")
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.get_by_text("Rejoindre le réseau").count() == 1
        assert_accessible(page)

        page.set_viewport_size({"width": 360, "height": 740})
        assert_accessible(page)
        return page.url

    final_url = run_in_browser(steps)
    assert final_url.endswith("/fr/")

    from network.models import User

    member = User.objects.get(email="lucia@example.org")
    assert member.preferred_language == "fr"
    assert member.emailaddress_set.get().verified
