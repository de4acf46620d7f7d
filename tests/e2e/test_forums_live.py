"""Two members on one real forum thread in two browsers: a reply posted over the socket appears
in the other browser without a reload (announced in the live region, with the reader's own
controls), the second goes offline and back and sees exactly what it missed; axe-clean."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from forums.models import Audience, Post
from tests.factories import CategoryFactory
from tests.factories.forums import make_thread
from tests.support.browser import assert_accessible, run_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, base: str, email: str) -> None:
    from tests.factories.network import PASSWORD

    page.goto(f"{base}/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def _in_db_thread(fn: Any) -> None:
    """The browser thread runs Playwright's event loop, where the ORM refuses to run."""
    errors: list[BaseException] = []

    def work() -> None:
        try:
            fn()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    if errors:
        raise errors[0]


def test_a_reply_appears_live_in_another_browser_and_is_caught_up_after_going_offline(
    live_server_daphne, young_leader, parliamentarian, moderator
):
    from forums import services

    category = CategoryFactory(slug="live-board", name="Live board", read_audience=Audience.MEMBERS)
    thread = make_thread(author=moderator, category=category, title="Community radio campaigns")
    base = live_server_daphne.url
    url = f"{base}{thread.get_absolute_url()}"

    def missed_posts() -> None:
        for n in (1, 2):
            services.create_post(
                author=moderator,
                thread=thread,
                body=f"While you were away {n}",
                enforce_limits=False,
            )

    def steps(writer: Any, reader: Any) -> None:
        _sign_in(writer, base, young_leader.email)
        _sign_in(reader, base, parliamentarian.email)
        for page in (writer, reader):
            page.goto(url)
            page.wait_for_function("window.Realtime && window.Realtime.state() === 'live'")
            assert page.locator("[data-realtime-badge]").is_visible()

        # The writer's reply goes over the socket (no navigation) ...
        writer.fill("textarea[name=body]", "Radio **worked** in Accra too.")
        writer.click("button[name=post]")
        writer.locator(".post[id^=post-] strong", has_text="worked").wait_for()
        writer.wait_for_function("document.querySelectorAll('[data-echo]').length === 0")
        assert writer.url == url
        assert writer.locator(".post", has_text="Radio worked in Accra too.").count() == 1

        # ... and appears in the reader's browser without a reload, like a reloaded page.
        live = reader.locator(".post", has_text="Radio worked in Accra too.")
        live.wait_for()
        assert live.locator(".post-author").inner_text() == "Amina Njoroge"
        assert live.locator("a", has_text="Flag").count() == 1  # the reader's own controls
        reader.wait_for_function(
            "document.getElementById('live-status').textContent.includes('New post by Amina')"
        )
        assert_accessible(reader)

        # The reader drops off the network (the page's socket closes), misses two posts,
        # and comes back.
        reader.evaluate("() => window.Realtime.disconnect()")
        assert "Offline" in reader.locator("[data-realtime-badge]").inner_text()
        _in_db_thread(missed_posts)
        reader.evaluate("() => window.Realtime.connect()")
        reader.locator(".post", has_text="While you were away 2").wait_for()
        bodies = reader.locator(".post .post-body").all_inner_texts()
        assert bodies[-3:] == [
            "Radio worked in Accra too.",
            "While you were away 1",
            "While you were away 2",
        ]
        assert len(bodies) == len(set(bodies))
        reader.wait_for_function("window.Realtime.state() === 'live'")
        assert_accessible(reader)
        assert_accessible(writer)

    run_in_browser(steps, pages=2, timeout=180)
    assert Post.objects.filter(thread=thread, body="Radio **worked** in Accra too.").count() == 1
