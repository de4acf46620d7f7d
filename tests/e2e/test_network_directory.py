"""Browser: a young leader narrows the directory and opens a parliamentarian's profile."""

from __future__ import annotations

import pytest

from network.models import Audience
from tests.factories import (
    CountryFactory,
    LanguageFactory,
    MemberFactory,
    RegionFactory,
    TopicFactory,
    make_profile,
)
from tests.factories.network import PASSWORD
from tests.support.browser import assert_accessible, run_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_young_leader_filters_by_region_topic_and_language_and_sees_only_allowed_fields(
    live_server_daphne, young_leader
):
    latam = RegionFactory(code="latin-america", name="Latin America")
    africa = RegionFactory(code="africa", name="Africa")
    colombia = CountryFactory(iso2="CO", name="Colombia", region=latam)
    kenya = CountryFactory(iso2="KE", name="Kenya", region=africa)
    care = TopicFactory(slug="care-economy", name="Care economy")
    spanish = LanguageFactory(code="es", name="Spanish")
    LanguageFactory(code="en", name="English")
    make_profile(young_leader)
    mp = MemberFactory(
        display_name="Lucía Gómez",
        handle="lucia",
        parliamentarian=True,
        country=colombia,
        with_profile={
            "expertise": [care],
            "languages": [spanish],
            "headline": "Senator, care work campaigner",
            "listing_audience": Audience.PUBLIC,
            "city": "Bogota-city-visible",
            "city_audience": Audience.MEMBERS,
            "bio": "Bio-visible-to-members",
            "bio_audience": Audience.MEMBERS,
            "website": "https://hidden-links-staff.example.org/",
            "links_audience": Audience.STAFF,
            "email_audience": Audience.PARLIAMENTARIANS,
        },
    )
    MemberFactory(
        display_name="Kenyan Decoy",
        country=kenya,
        with_profile={"expertise": [care], "languages": [spanish]},
    )
    MemberFactory(display_name="Colombian Decoy", country=colombia)
    base = live_server_daphne.url

    def steps(page):  # type: ignore[no-untyped-def]
        page.goto(f"{base}/en/accounts/login/")
        page.fill("input[name=login]", young_leader.email)
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_url(lambda url: "/accounts/login" not in url)

        page.goto(f"{base}/en/network/people/")
        page.select_option("#id_region", "latin-america")
        page.wait_for_url(lambda url: "region=latin-america" in url)
        page.select_option("#id_topic", "care-economy")
        page.wait_for_url(lambda url: "topic=care-economy" in url)
        page.select_option("#id_language", "es")
        page.wait_for_url(lambda url: "language=es" in url)
        page.wait_for_function(
            "document.querySelector('[data-result-count]').textContent.includes('1 member')"
        )
        results = page.inner_text("#directory-results")
        assert "Lucía Gómez" in results
        assert "Kenyan Decoy" not in results and "Colombian Decoy" not in results
        # The count is announced to screen readers.
        page.wait_for_function(
            "document.getElementById('live-status').textContent.includes('1 member')"
        )
        assert_accessible(page)

        page.click("text=Lucía Gómez")
        page.wait_for_url(f"{base}/en/network/people/lucia/")
        html = page.content()
        assert "Bogota-city-visible" in html and "Bio-visible-to-members" in html
        assert "Verified parliamentarian" in html
        assert "hidden-links-staff" not in html
        assert mp.email not in html
        assert_accessible(page)

        # Back returns to the filtered directory (state lives in the URL).
        page.go_back()
        page.wait_for_url(lambda url: "language=es" in url)
        assert "Lucía Gómez" in page.inner_text("#directory-results")
        assert page.input_value("#id_region") == "latin-america"

        page.set_viewport_size({"width": 360, "height": 800})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        assert not overflow, "the directory scrolls sideways at 360 px"

    run_in_browser(steps)
