"""Two members on one live stream in real browsers: live without reload, catch-up after
going offline, an accessible status region. Uses the test-only live room page (the forums
thread page is wired by the forums app)."""

from __future__ import annotations

import urllib.parse
import urllib.request

import pytest

from tests.support.browser import assert_accessible, run_in_browser
from tests.support.services import DaphneServer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def live_room_server(transactional_db, tmp_path):  # type: ignore[no-untyped-def]
    server = DaphneServer(
        mail_dir=tmp_path / "mail",
        extra_env={"DJANGO_SETTINGS_MODULE": "tests.realtime.live_settings"},
    )
    server.start()
    yield server
    server.stop()


def post(server: DaphneServer, html: str) -> None:
    body = urllib.parse.urlencode({"stream": "testroom:open-e2e", "html": html}).encode()
    urllib.request.urlopen(f"{server.url}/__live__/emit/", data=body, timeout=10).read()


def test_second_browser_sees_events_live_and_catches_up_after_going_offline(live_room_server):
    server = live_room_server
    room = f"{server.url}/__live__/room/open-e2e/"

    def steps(first, second):  # type: ignore[no-untyped-def]
        first.goto(room)
        second.goto(room)
        for page in (first, second):
            page.wait_for_function("window.Realtime && window.Realtime.state() === 'live'")
        post(server, "First live post")
        second.locator("#room-events li", has_text="First live post").wait_for()
        first.locator("#room-events li", has_text="First live post").wait_for()

        # The second member's connection drops (Playwright's offline mode leaves open
        # websockets alone, so the socket is closed from the page).
        second.evaluate("() => window.Realtime.disconnect()")
        post(server, "Posted while offline 1")
        post(server, "Posted while offline 2")
        second.evaluate("() => window.Realtime.connect()")
        post(server, "After coming back")
        items = second.locator("#room-events li")
        items.nth(3).wait_for()
        texts = items.all_inner_texts()
        assert texts == [
            "First live post",
            "Posted while offline 1",
            "Posted while offline 2",
            "After coming back",
        ]
        assert second.locator("#live-status").get_attribute("aria-live") == "polite"
        assert_accessible(first)
        assert_accessible(second)

    run_in_browser(steps, pages=2)
