"""Query counts of the busiest pages do not grow with the number of items (page cache off)."""

from __future__ import annotations

import pytest

from tests.factories import cms as pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def uncached(settings):
    # Measure the work of rendering, not the whole-page cache in front of it.
    settings.CMS_PAGE_CACHE = False


def _count(client, url, captured, *, cold=False):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cms.cache import bump_content_version

    client.get(url)  # warm the route, site and translation caches
    if cold:
        # As on the first view after a publication: every route, page and fragment cache misses.
        bump_content_version()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    captured.append(len(queries))
    return len(queries)


# Limits with warm content caches (routes, pages, fragments: the usual case), then on the first
# view after a publication, when all of them miss (but the restricted paths, which follow the
# tree's structure, not each publication). Before the content caches these were 5/9
# (home), 6/10 (news index), 5/9 (events), 5/9 (resolutions) and 7/10 (news article).
@pytest.mark.parametrize(
    ("url", "make", "warm_limit", "cold_limit"),
    [
        ("/en/", lambda n: pages.news_page(title=f"N{n}") and pages.event_page(days=n + 1), 0, 6),
        ("/en/news/", lambda n: pages.news_page(title=f"N{n}"), 0, 7),
        ("/en/events/", lambda n: pages.event_page(days=n - 3), 2, 6),
        ("/en/resolutions/", lambda n: pages.resolution_page(), 2, 6),
    ],
)
@pytest.mark.parametrize("cold", [False, True], ids=["warm", "after-a-publication"])
def test_listing_query_count_does_not_grow_with_items(
    client, uncached, url, make, warm_limit, cold_limit, cold
):
    from network.models import Topic

    Topic.objects.get_or_create(slug="t1", defaults={"name": "T1"})
    counts: list[int] = []
    make(0)
    _count(client, url, counts, cold=cold)
    for n in range(1, 8):
        make(n)
    _count(client, url, counts, cold=cold)
    assert counts[0] == counts[1] <= (cold_limit if cold else warm_limit), counts


def test_news_page_needs_no_query_warm_and_eight_after_a_publication(client, uncached):
    from network.models import Topic

    topic, _ = Topic.objects.get_or_create(slug="t2", defaults={"name": "T2"})
    related = pages.news_page(title="Related")
    page = pages.news_page(title="Main", topics=[topic], author_name="A. Author")
    page.tags.add("solidarity")
    page.related_links.create(related_page=related)
    page.save_revision().publish()
    assert _count(client, page.url, []) == 0
    assert _count(client, page.url, [], cold=True) <= 8


def test_cached_pages_need_no_query_at_all(client, django_assert_num_queries):
    page = pages.news_page(title="Cached")
    client.get(page.url)
    with django_assert_num_queries(0):
        assert client.get(page.url)["X-Page-Cache"] == "hit"
