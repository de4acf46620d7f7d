"""A young leader finds a mentor, the parliamentarian accepts, and they talk (in Chromium)."""

from __future__ import annotations

import pytest

from mentoring.models import Mentorship
from tests.factories import UserFactory, make_mentee_request, make_offer
from tests.factories.network import PASSWORD
from tests.support.browser import assert_accessible, run_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def sign_in(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def test_young_leader_requests_a_suggested_mentor_who_accepts_and_they_exchange_messages(
    live_server_daphne,
):
    mentee = UserFactory(display_name="Amina Njoroge", email="amina@example.org")
    mentor = UserFactory(parliamentarian=True, display_name="Ana Souza", email="ana@example.org")
    make_mentee_request(mentee, languages=("en", "es"), topics=("climate",))
    make_offer(mentor, languages=("es",), topics=("climate",))
    base = live_server_daphne.url

    def steps(young, mp):  # type: ignore[no-untyped-def]
        sign_in(young, base, mentee.email)
        young.goto(f"{base}/en/mentoring/suggestions/")
        assert "Both work on Climate" in young.inner_text("main")
        assert "Both speak Spanish" in young.inner_text("main")
        assert_accessible(young)
        young.click("text=Ask Ana Souza")
        young.fill("textarea[name=message]", "Would you mentor me on climate campaigns?")
        assert_accessible(young)
        young.click("main form button[type=submit]")
        young.wait_for_selector("text=Request sent to Ana Souza")
        assert_accessible(young)

        sign_in(mp, base, mentor.email)
        mp.goto(f"{base}/en/mentoring/")
        mp.click("text=Amina Njoroge")
        assert "Would you mentor me on climate campaigns?" in mp.inner_text("main")
        assert_accessible(mp)
        mp.click("button[value=accept]")
        mp.wait_for_load_state()
        assert "Your mentorship has started" in mp.inner_text("body"), mp.inner_text("body")
        assert_accessible(mp)

        young.goto(f"{base}/en/mentoring/")
        young.click("text=Mentored by Ana Souza")
        young.wait_for_selector("#message-form")
        assert "Active" in young.inner_text("main")
        young.fill("textarea[name=body]", "Hello Ana, thank you!")
        young.click("#message-form button[type=submit]")
        young.wait_for_selector("#messages >> text=Hello Ana, thank you!")

        # The mentor's open page receives it live, then answers.
        mp.wait_for_selector("#messages >> text=Hello Ana, thank you!", timeout=10_000)
        mp.fill("textarea[name=body]", "Welcome, Amina. Thursday at six?")
        mp.click("#message-form button[type=submit]")
        young.wait_for_selector("#messages >> text=Thursday at six?", timeout=10_000)
        assert_accessible(young)
        assert_accessible(mp)

    run_in_browser(steps, pages=2, timeout=180)
    assert Mentorship.objects.get().status == Mentorship.Status.ACTIVE
    assert Mentorship.objects.get().messages.count() == 2
