"""Content caches behind the whole-page cache: cached routes, pages and fragments.

Every test here runs with the whole-page cache off, as signed-in members (and visitors whose
request the page cache cannot answer) see the site: what they get must be as fresh, as private
and as personal as if nothing were cached.
"""

from __future__ import annotations

import pytest
from wagtail.models import PageViewRestriction

from cms.cache import bump_content_version, content_version
from tests.factories import cms as pages

pytestmark = pytest.mark.django_db

LISTINGS = ("/en/news/", "/en/")


@pytest.fixture(autouse=True)
def uncached(settings):
    settings.CMS_PAGE_CACHE = False


def _html(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def test_a_published_edit_shows_at_once_on_the_article_the_news_index_and_home(client):
    page = pages.news_page(title="Old headline", summary="Old summary.")
    for url in (*LISTINGS, page.url):
        assert "Old headline" in _html(client, url)
    page.title = "New headline"
    page.summary = "New summary."
    page.save_revision().publish()
    for url in (*LISTINGS, page.url):
        html = _html(client, url)
        assert "New headline" in html and "Old headline" not in html, url
        assert "New summary." in html, url


def test_a_saved_draft_changes_nothing_visitors_see(client):
    page = pages.news_page(title="Published words")
    _html(client, page.url)
    page.title = "Unpublished words"
    page.save_revision()
    for url in (*LISTINGS, page.url):
        html = _html(client, url)
        assert "Published words" in html and "Unpublished words" not in html, url


def test_unpublished_articles_leave_cached_listings_at_once(client):
    page = pages.news_page(title="Soon withdrawn")
    for url in LISTINGS:
        assert "Soon withdrawn" in _html(client, url)
    _html(client, page.url)
    page.unpublish()
    for url in LISTINGS:
        assert "Soon withdrawn" not in _html(client, url), url
    _html(client, page.url, status=404)


def test_deleted_articles_leave_cached_listings_at_once(client):
    page = pages.news_page(title="Soon deleted")
    for url in (*LISTINGS, page.url):
        assert "Soon deleted" in _html(client, url)
    url = page.url
    page.delete()
    for listing in LISTINGS:
        assert "Soon deleted" not in _html(client, listing), listing
    _html(client, url, status=404)


def test_an_article_made_private_after_being_served_leaves_listings_and_asks_for_sign_in(client):
    page = pages.news_page(title="Members only soon")
    for url in (*LISTINGS, page.url):
        assert "Members only soon" in _html(client, url)
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    for url in LISTINGS:
        assert "Members only soon" not in _html(client, url), url
    response = client.get(page.url)
    assert response.status_code == 302 and "Members only soon" not in response.content.decode()


def test_a_restriction_on_the_news_index_covers_articles_already_served(client):
    page = pages.news_page(title="Under a private section")
    _html(client, page.url)
    index = page.get_parent()
    PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(page.url).status_code == 302
    assert client.get("/en/news/").status_code == 302


def test_an_alias_follows_its_original_when_the_original_is_made_private(client):
    original = pages.news_page(title="Original story", slug="original-story")
    alias = original.create_alias(update_slug="alias-of-original")
    assert "Original story" in _html(client, alias.url)
    # Restricting the original restricts its aliases too (Wagtail checks an alias's source).
    PageViewRestriction.objects.create(page=original, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(alias.url)
    assert response.status_code == 302 and "Original story" not in response.content.decode()


def test_members_and_visitors_share_fragments_but_never_each_others_header(client, young_leader):
    from django.test import Client

    pages.news_page(title="Shared story")
    member = Client()
    member.force_login(young_leader)
    name = young_leader.get_short_name()
    for url in LISTINGS:
        # The member renders (and caches) the page first, then a visitor, then the member again.
        assert name in _html(member, url)
        visitor_html = _html(client, url)
        assert name not in visitor_html and "Shared story" in visitor_html
        assert "Sign in" in visitor_html
        member_html = _html(member, url)
        assert name in member_html and "Sign in" not in member_html


def test_the_preview_of_a_draft_shows_the_draft_not_the_cached_article(client):
    page = pages.news_page(title="Live title", author_name="Live Byline")
    # Wagtail previews on the site's own host name: visit there, so both share fragments.
    host = page.get_site().hostname
    assert "Live Byline" in client.get(page.url, HTTP_HOST=host).content.decode()
    draft = page.get_latest_revision_as_object()
    draft.author_name = "Draft Byline"  # shown in the article itself, not in the head
    response = draft.make_preview_request()
    assert "Draft Byline" in response.content.decode()
    assert "Draft Byline" not in client.get(page.url, HTTP_HOST=host).content.decode()


def test_home_shows_new_network_figures_without_waiting_for_a_publication(client):
    from django.core.cache import cache

    from cms.selectors import FIGURES_KEY, network_figures

    figures = network_figures()
    _html(client, "/en/")
    cache.set(FIGURES_KEY, {**figures, "members": 987654}, 60)
    assert "987,654" in _html(client, "/en/")


def test_each_language_and_topic_gets_its_own_news_index(client):
    from network.models import Topic

    topic = Topic.objects.create(slug="cache-topic", name="Cache topic", name_fr="Sujet")
    english = pages.news_page(title="English story", topics=[topic])
    pages.translate(english, "fr", title="Histoire française")
    pages.news_page(title="Story without the topic")
    assert "English story" in _html(client, "/en/news/")
    french = _html(client, "/fr/news/")
    assert "Histoire française" in french and "English story" not in french
    filtered = _html(client, "/en/news/?topic=cache-topic")
    assert "English story" in filtered and "Story without the topic" not in filtered
    assert "Story without the topic" in _html(client, "/en/news/")


def test_every_page_of_the_news_index_lists_its_own_articles(client):
    from cms.models.news import NEWS_PER_PAGE

    for n in range(NEWS_PER_PAGE + 1):
        pages.news_page(title=f"Numbered story {n:02d}")
    first = _html(client, "/en/news/")
    second = _html(client, "/en/news/?page=2")
    assert "Numbered story 12" in first and "Numbered story 00" not in first
    assert "Numbered story 00" in second and "Numbered story 12" not in second
    # Out-of-range and malformed page numbers show the last and the first page.
    assert "Numbered story 00" in _html(client, "/en/news/?page=99")
    assert "Numbered story 12" in _html(client, "/en/news/?page=abc")


def test_a_publication_retires_caches_again_when_its_transaction_commits(
    django_capture_on_commit_callbacks,
):
    # A request that read the new version before the commit may have cached the old rows
    # under it: the second bump, on commit, retires whatever it stored.
    before = content_version()
    with django_capture_on_commit_callbacks(execute=True):
        bump_content_version()
        during = content_version()
    assert before < during < content_version()
