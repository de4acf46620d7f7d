"""The published site in a real browser: an editor's trilingual workflow, axe on every page type.

The editor signs in through the real login and two-factor forms, writes a news article in English
in Wagtail's admin, translates it to French with wagtail-localize's editor, publishes both, and an
anonymous visitor reads the French article at ``/fr/news/<slug>/``.

Set ``E2E_SCREENSHOTS=/some/dir`` to keep a screenshot of each step (for debugging).
"""

from __future__ import annotations

import os
import time

import pytest

from tests.factories.network import PASSWORD
from tests.support.browser import assert_accessible, run_in_browser
from tests.support.services import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("E2E_SCREENSHOTS")
MOBILE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _sign_in_with_two_factor(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/en/accounts/login/?next=/admin/")
    page.get_by_label("Email:").fill(email)
    page.get_by_label("Password:").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/2fa/authenticate/**")
    # A code is valid for its 30-second window only: do not type one about to expire.
    if time.time() % 30 > 27:
        time.sleep(31 - time.time() % 30)
    page.get_by_label("Code").fill(totp_code())
    page.get_by_role("button", name="Sign In").click()
    try:
        page.wait_for_url("**/admin/")
    finally:
        _shot(page, "a0-after-2fa")


def _translate_segment(page, text: str) -> None:  # type: ignore[no-untyped-def]
    """Fill the first untranslated segment in wagtail-localize's editor and save it."""
    page.get_by_role("button", name="Translate", exact=True).first.click()
    page.locator("textarea").fill(text)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text(text, exact=True).wait_for()


def test_editor_writes_news_in_english_translates_it_to_french_and_a_visitor_reads_it(
    live_server_daphne, comms_staff
):
    from cms.models import NewsIndexPage
    from tests.factories import cms as pages

    server = live_server_daphne
    index = pages.section(NewsIndexPage)
    title = "Young leaders meet in Lisbon"
    french_title = "De jeunes responsables se réunissent à Lisbonne"
    french_summary = "Quarante jeunes responsables ont partagé leurs outils de campagne à Lisbonne."
    french_slug = "jeunes-responsables-a-lisbonne"

    def steps(editor, visitor):  # type: ignore[no-untyped-def]
        _sign_in_with_two_factor(editor, server.url, comms_staff.email)

        # Write and publish the English article.
        editor.goto(f"{server.url}/admin/pages/{index.pk}/")
        editor.get_by_role("link", name="Add child page").first.click()
        editor.wait_for_url(f"**/admin/pages/add/cms/newspage/{index.pk}/")
        editor.locator("#id_title").fill(title)
        editor.locator("#id_summary").fill(
            "Forty young leaders met in Lisbon to share campaign tools."
        )
        _shot(editor, "a1-add")
        editor.get_by_role("button", name="More actions").click()
        editor.get_by_role("button", name="Publish").click()
        editor.get_by_text(f"Page '{title}' created and published.").wait_for()

        # Translate it to French: wagtail-localize's action, then its translation editor.
        editor.get_by_role("button", name=f"More options for '{title}'").click()
        editor.get_by_role("link", name="Translate").click()
        editor.get_by_label("Français").check()
        editor.get_by_role("button", name="Submit").click()
        editor.get_by_text("successfully submitted for translation into Français").wait_for()
        _translate_segment(editor, french_title)
        _translate_segment(editor, french_summary)
        editor.get_by_role("tab", name="Promote").click()
        _translate_segment(editor, french_slug)
        _shot(editor, "a2-translated")
        editor.get_by_role("button", name="Publish in Français").click()
        editor.get_by_text(f"Published '{french_title}' in Français").wait_for()
        _shot(editor, "a3-published")

        # An anonymous visitor reads it in French, then switches to the English original.
        visitor.goto(f"{server.url}/fr/news/")
        visitor.get_by_role("link", name=french_title).click()
        visitor.wait_for_url(f"**/fr/news/{french_slug}/")
        assert visitor.locator("html").get_attribute("lang") == "fr"
        assert visitor.get_by_role("heading", level=1).inner_text() == french_title
        assert visitor.get_by_text(french_summary).count() >= 1
        assert_accessible(visitor)
        visitor.get_by_role("link", name="EN", exact=True).click()
        visitor.wait_for_url("**/en/news/young-leaders-meet-in-lisbon/")
        assert visitor.get_by_role("heading", level=1).inner_text() == title
        assert_accessible(visitor)
        return visitor.url

    run_in_browser(steps, pages=2, timeout=240)

    from cms.models import NewsPage

    french = NewsPage.objects.get(locale__language_code="fr", slug=french_slug)
    assert french.live and french.title == french_title
    assert (
        french.translation_key
        == NewsPage.objects.get(slug="young-leaders-meet-in-lisbon").translation_key
    )


def _demo_urls() -> dict[str, str]:
    """Seed the demo site and return one URL per page type (English)."""
    from cms import demo
    from cms.models import EventPage, NewsPage, ResolutionPage

    demo.seed(scale=1)
    return {
        "home": "/en/",
        "news index": "/en/news/",
        "news page": NewsPage.objects.get(locale__language_code="en", slug="news-1").url,
        "event index": "/en/events/",
        "event page": EventPage.objects.filter(locale__language_code="en")
        .order_by("-start")
        .first()
        .url,
        "resolution index": "/en/resolutions/",
        "resolution page": ResolutionPage.objects.get(
            locale__language_code="en", slug="social-cohesion-and-progress"
        ).url,
        "standard page": "/en/charter/",
        "form page": "/en/contact/",
        "search results": "/en/search/?q=network",
    }


def test_every_page_type_passes_axe_in_english_and_french_on_desktop_and_360px(
    live_server_daphne,
):
    server = live_server_daphne
    urls = _demo_urls()
    french = [
        "/fr/",
        "/fr/news/",
        "/fr/news/news-1/",
        "/fr/events/kuala-lumpur-2019-social-cohesion/",
        "/fr/resolutions/social-cohesion-and-progress/",
        "/fr/charter/",
        "/fr/search/?q=réseau",
    ]

    def steps(page):  # type: ignore[no-untyped-def]
        scanned = []
        for viewport in (DESKTOP, MOBILE):
            page.set_viewport_size(viewport)
            targets = list(urls.items()) + [(f"fr {url}", url) for url in french]
            for name, url in targets:
                response = page.goto(f"{server.url}{url}")
                assert response.status == 200, f"{name}: {url} answered {response.status}"
                # Nothing may overflow sideways on a phone (a common responsive failure).
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, (
                    f"{name} ({url}) scrolls sideways by {overflow}px at {viewport}"
                )
                _shot(page, f"b-{viewport['width']}-{name.replace('/', '_')}")
                assert_accessible(page)
                scanned.append((viewport["width"], name))
        return scanned

    scanned = run_in_browser(steps, timeout=300)
    assert len(scanned) == 2 * (len(urls) + len(french))
