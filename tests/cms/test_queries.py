"""Query counts of the busiest pages do not grow with the number of items (page cache off)."""

from __future__ import annotations

import pytest

from tests.factories import cms as pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def uncached(settings):
    # Measure the work of rendering, not the whole-page cache in front of it.
    settings.CMS_PAGE_CACHE = False


def _count(client, url, captured):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the route, site and translation caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    captured.append(len(queries))
    return len(queries)


@pytest.mark.parametrize(
    ("url", "make", "limit"),
    [
        ("/en/", lambda n: pages.news_page(title=f"N{n}") and pages.event_page(days=n + 1), 7),
        ("/en/news/", lambda n: pages.news_page(title=f"N{n}"), 7),
        ("/en/events/", lambda n: pages.event_page(days=n - 3), 6),
        ("/en/resolutions/", lambda n: pages.resolution_page(), 6),
    ],
)
def test_listing_query_count_does_not_grow_with_items(client, uncached, url, make, limit):
    from network.models import Topic

    Topic.objects.get_or_create(slug="t1", defaults={"name": "T1"})
    counts: list[int] = []
    make(0)
    _count(client, url, counts)
    for n in range(1, 8):
        make(n)
    _count(client, url, counts)
    assert counts[0] == counts[1] <= limit, counts


def test_news_page_needs_at_most_eight_queries(client, uncached):
    from network.models import Topic

    topic, _ = Topic.objects.get_or_create(slug="t2", defaults={"name": "T2"})
    related = pages.news_page(title="Related")
    page = pages.news_page(title="Main", topics=[topic])
    page.related_links.create(related_page=related)
    page.save_revision().publish()
    assert _count(client, page.url, []) <= 8


def test_cached_pages_need_no_query_at_all(client, django_assert_num_queries):
    page = pages.news_page(title="Cached")
    client.get(page.url)
    with django_assert_num_queries(0):
        assert client.get(page.url)["X-Page-Cache"] == "hit"
