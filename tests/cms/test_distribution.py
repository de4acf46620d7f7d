"""Feeds, calendars, sitemap and search: standard parsers, all languages, nothing private."""

from __future__ import annotations

import datetime
import uuid

import feedparser
import icalendar
import pytest
from wagtail.models import PageViewRestriction

from tests.factories import cms as pages

pytestmark = pytest.mark.django_db


def test_news_index_announces_its_rss_feed(client):
    html = client.get("/en/news/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/en/news/feed/"' in html


@pytest.mark.parametrize("path", ["/fr/news/feed/", "/fr/news/feed/atom/"])
def test_news_feeds_parse_and_list_only_their_languages_news(client, path):
    english = pages.news_page(title="English only story")
    pages.translate(english, "fr", title="Histoire en français")
    feed = feedparser.parse(client.get(path).content)
    assert not feed.bozo, feed.bozo_exception
    titles = [entry.title for entry in feed.entries]
    assert titles == ["Histoire en français"]
    assert feed.entries[0].link == "http://testserver/fr/news/news-item-0/"


def test_topic_feed_lists_only_that_topics_news(client):
    from network.models import Topic

    climate = Topic.objects.create(slug="climate-f", name="Climate F")
    pages.news_page(title="Climate news", topics=[climate])
    pages.news_page(title="Other news")
    feed = feedparser.parse(client.get("/en/news/topics/climate-f/feed/").content)
    assert [entry.title for entry in feed.entries] == ["Climate news"]
    assert client.get("/en/news/topics/no-such-topic/feed/").status_code == 404


def test_event_icalendar_file_parses_and_links_back_to_the_page(client):
    start = datetime.datetime(2031, 3, 10, 9, 0, tzinfo=datetime.UTC)
    event = pages.event_page(
        title="Lisbon forum",
        start=start,
        end=start + datetime.timedelta(hours=4),
        time_zone="Europe/Lisbon",
    )
    response = client.get(f"/en/events/ical/{event.pk}.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Lisbon forum"
    assert vevent.decoded("DTSTART") == start
    assert str(vevent["URL"]) == f"http://testserver{event.url}"


def test_calendar_feed_per_language_lists_that_languages_events(client):
    event = pages.event_page(title="Global summit")
    pages.translate(event, "es", title="Cumbre mundial")
    calendar = icalendar.Calendar.from_ical(client.get("/es/events/calendar.ics").content)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Cumbre mundial"]
    assert 'href="/en/events/calendar.ics"' in client.get("/en/events/").content.decode()


def test_sitemap_lists_pages_in_every_language(client):
    page = pages.news_page(title="Sitemapped", slug="sitemapped")
    pages.translate(page, "es", title="En el mapa")
    xml = client.get("/sitemap.xml").content.decode()
    for url in ("/en/news/sitemapped/", "/es/news/sitemapped/", "/fr/news/", "/es/"):
        assert f"{url}</loc>" in xml


def test_site_search_finds_live_public_pages_in_the_visitors_language(client):
    token = f"zq{uuid.uuid4().hex[:10]}"
    page = pages.news_page(title=f"Findable {token}", summary=f"About {token}.")
    html = client.get(f"/en/search/?q={token}").content.decode()
    assert page.url in html


def test_private_pages_never_leak_into_search_feeds_sitemaps_or_listings(client):
    token = f"secret{uuid.uuid4().hex[:10]}"
    private = pages.news_page(title=f"Private {token}", summary=f"Hidden {token}.")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    draft = pages.news_page(title=f"Draft {token}")
    draft.unpublish()
    for url in (
        f"/en/search/?q={token}",
        "/en/news/feed/",
        "/en/news/feed/atom/",
        "/sitemap.xml",
        "/en/news/",
        "/en/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        # (The search page repeats the query itself; the pages' own texts must not appear.)
        for text in (f"Private {token}", f"Hidden {token}", f"Draft {token}", private.url):
            assert text not in html, url
    # The page itself asks anonymous visitors to sign in.
    assert client.get(private.url).status_code == 302


def test_sitemap_links_each_page_to_its_translations_with_hreflang(client):
    from xml.etree import ElementTree

    page = pages.news_page(title="Alternates", slug="alternates")
    pages.translate(page, "fr", title="Alternatives", slug="alternatives")
    lonely = pages.news_page(title="English only", slug="english-only")
    root = ElementTree.fromstring(client.get("/sitemap.xml").content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    alternates = {
        url.find("s:loc", ns).text: {
            link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)
        }
        for url in root.findall("s:url", ns)
    }
    english = next(loc for loc in alternates if loc.endswith("/en/news/alternates/"))
    french = next(loc for loc in alternates if loc.endswith("/fr/news/alternatives/"))
    expected = {"en": english, "fr": french, "x-default": english}
    assert alternates[english] == expected
    assert alternates[french] == expected
    assert not alternates[next(loc for loc in alternates if loc.endswith(lonely.url))]
    # The home page exists in all three languages.
    home = next(loc for loc in alternates if loc.endswith("/en/"))
    assert set(alternates[home]) == {"en", "fr", "es", "x-default"}


def test_sitemap_query_count_does_not_grow_with_pages(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count_queries() -> int:
        client.get("/sitemap.xml")  # publishing retires cached site lookups: warm them first
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/sitemap.xml").status_code == 200
        return len(queries)

    for n in range(2):
        pages.translate(pages.news_page(slug=f"many-{n}"), "fr")
    few = count_queries()
    for n in range(2, 12):
        pages.translate(pages.news_page(slug=f"many-{n}"), "es")
    assert count_queries() == few <= 12
