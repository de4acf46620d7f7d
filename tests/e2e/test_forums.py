"""Browser journey: a member writes a thread with Markdown and a mention; the mentioned member
sees the notification and replies; a moderator hides a flagged post. Every page passes axe."""

from __future__ import annotations

import pytest

from forums.models import Audience, Flag, Post
from tests.factories import CategoryFactory
from tests.factories.network import PASSWORD
from tests.support.browser import assert_accessible, run_in_browser
from tests.support.services import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base: str, email: str, *, totp: bool = False) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    if totp:
        page.wait_for_selector("input[name=code]")
        page.fill("input[name=code]", totp_code())
        page.click("form button[type=submit]")
    page.wait_for_load_state()


def test_mention_reply_and_moderation_journey(
    live_server_daphne, young_leader, parliamentarian, moderator
):
    CategoryFactory(slug="campaigns", name="Campaigns", read_audience=Audience.MEMBERS)
    base = live_server_daphne.url

    def steps(writer, mentioned, mod):  # type: ignore[no-untyped-def]
        _sign_in(writer, base, young_leader.email)
        writer.goto(f"{base}/en/forums/c/campaigns/")
        assert_accessible(writer)
        writer.click("text=New thread")
        writer.fill("input[name=title]", "How we ran the youth primary")
        writer.fill("textarea[name=body]", "We used **community radio**. What do you think, @ana?")
        writer.click("button[name=preview]")
        writer.wait_for_selector("[data-preview] strong, .post-preview strong")
        assert_accessible(writer)
        writer.click("button[name=post]")
        writer.wait_for_selector("h1:has-text('How we ran the youth primary')")
        assert writer.inner_html(".post-body strong") == "community radio"
        assert_accessible(writer)

        _sign_in(mentioned, base, parliamentarian.email)
        mentioned.goto(f"{base}/en/forums/notifications/")
        mentioned.click("text=mentioned you")
        assert_accessible(mentioned)
        mentioned.fill("textarea[name=body]", "Radio worked for us too.")
        mentioned.click("button[name=post]")
        mentioned.wait_for_selector("text=Radio worked for us too.")

        # The writer flags the reply (a second member would do the same in real life).
        writer.goto(f"{base}/en/forums/notifications/")
        writer.click("text=posted in")
        writer.click(".post:last-child >> text=Flag")
        writer.check("input[value=off_topic]")
        writer.click("text=Send to moderators")
        assert_accessible(writer)

        _sign_in(mod, base, moderator.email, totp=True)
        mod.goto(f"{base}/en/forums/moderation/")
        assert_accessible(mod)
        mod.click("text=Hide post")
        mod.wait_for_selector("text=Nothing to review.")
        assert_accessible(mod)

    run_in_browser(steps, pages=3, timeout=180)
    reply = Post.objects.get(number=2)
    assert reply.is_hidden
    assert Flag.objects.get(post=reply).outcome == Flag.Outcome.UPHELD
