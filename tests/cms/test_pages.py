"""Page types as visitors and editors meet them: tree rules, rendering, translations."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from cms.models import (
    EventIndexPage,
    EventPage,
    FormPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    ResolutionIndexPage,
    ResolutionPage,
    StandardPage,
)
from tests.factories import cms as pages

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("child", "parent", "allowed"),
    [
        (NewsPage, NewsIndexPage, True),
        (NewsPage, HomePage, False),
        (NewsPage, EventIndexPage, False),
        (EventPage, EventIndexPage, True),
        (EventPage, NewsIndexPage, False),
        (ResolutionPage, ResolutionIndexPage, True),
        (ResolutionPage, HomePage, False),
        (NewsIndexPage, HomePage, True),
        (NewsIndexPage, StandardPage, False),
        (StandardPage, HomePage, True),
        (StandardPage, StandardPage, True),
        (FormPage, StandardPage, True),
        (FormPage, NewsIndexPage, False),
        (HomePage, Page, True),
        (HomePage, HomePage, False),
    ],
)
def test_page_tree_rules(child, parent, allowed):
    assert child.can_exist_under(parent()) is allowed


def test_each_index_can_exist_only_once_per_home_page():
    home = pages.home()
    assert not NewsIndexPage.can_create_at(home)
    assert not EventIndexPage.can_create_at(home)
    assert not ResolutionIndexPage.can_create_at(home)


@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("section", ["news", "events", "resolutions"])
def test_indexes_live_at_fixed_addresses_in_every_language(client, language, section):
    response = client.get(f"/{language}/{section}/")
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


def test_news_page_shows_its_body_topics_and_related_pages(client):
    from network.models import Topic

    topic = Topic.objects.create(slug="climate-t", name="Climate and just transition")
    related = pages.news_page(title="Earlier story")
    page = pages.news_page(
        title="Young leaders meet in Accra",
        topics=[topic],
        body=[
            ("heading", {"text": "What happened", "level": "h2"}),
            ("paragraph", "<p>Forty young leaders compared tools.</p>"),
            ("quote", {"text": "We learn from each other.", "attribution": "A delegate"}),
        ],
    )
    page.related_links.create(related_page=related)
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "<h1>Young leaders meet in Accra</h1>" in html
    assert "Forty young leaders compared tools." in html and "We learn from each other." in html
    assert "Climate and just transition" in html and "Earlier story" in html
    assert html.count("<h1") == 1


def test_news_index_filters_by_topic_and_paginates(client):
    from network.models import Topic

    climate = Topic.objects.create(slug="climate-x", name="Climate X")
    for n in range(14):
        pages.news_page(title=f"Climate story {n}", topics=[climate])
    pages.news_page(title="Unrelated story")
    html = client.get("/en/news/?topic=climate-x").content.decode()
    assert "Climate story 13" in html and "Unrelated story" not in html
    assert "Page 1 of 2" in html
    second = client.get("/en/news/?topic=climate-x&page=2").content.decode()
    assert "Climate story 0" in second


def test_event_page_shows_times_in_the_events_zone_speakers_and_calendar_link(
    client, parliamentarian
):
    import datetime

    start = datetime.datetime(2030, 5, 1, 8, 0, tzinfo=datetime.UTC)
    page = pages.event_page(
        title="Paris forum",
        start=start,
        end=start + datetime.timedelta(hours=2),
        time_zone="Europe/Paris",
    )
    page.speakers.create(member=parliamentarian, role="MP")
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    # 08:00 UTC is 10:00 in Paris in May.
    assert "10:00" in html or "10 a.m." in html
    assert f"/network/people/{parliamentarian.handle}/" in html
    assert f"/en/events/ical/{page.pk}.ics" in html


def test_event_index_separates_upcoming_and_past_events(client):
    pages.event_page(title="Future gathering", days=20)
    pages.event_page(title="Old gathering", days=-20)
    html = client.get("/en/events/").content.decode()
    upcoming, past = html.split('id="past-heading"')
    assert "Future gathering" in upcoming and "Old gathering" in past


def test_resolution_open_for_amendments_requires_a_deadline():
    page = ResolutionPage(
        title="Draft", slug="draft", summary="x", status=ResolutionPage.Status.OPEN
    )
    with pytest.raises(ValidationError):
        page.clean()


def test_resolution_page_links_its_event_sponsors_and_forum_discussion(client):
    from tests.factories import PartyFactory

    event = pages.event_page(title="Kuala Lumpur conference", days=-400)
    party = PartyFactory(name="Labour Party of Somewhere")
    page = pages.resolution_page(
        title="Social Cohesion and Progress",
        adopted_at=event,
        discussion_url="https://alliance.example/en/forums/t/1/",
    )
    page.sponsoring_parties = [party]
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "Kuala Lumpur conference" in html and "Labour Party of Somewhere" in html
    assert "https://alliance.example/en/forums/t/1/" in html


def test_every_page_has_hreflang_alternates_and_a_canonical_url(client):
    page = pages.news_page(title="Solidarity across borders", slug="solidarity")
    pages.translate(page, "fr", title="Solidarité sans frontières")
    html = client.get("/en/news/solidarity/").content.decode()
    assert '<link rel="canonical" href="http://testserver/en/news/solidarity/">' in html
    assert 'hreflang="fr" href="http://testserver/fr/news/solidarity/"' in html
    # No Spanish translation: no Spanish alternate (it would not be the same page).
    assert 'rel="alternate" hreflang="es"' not in html


def test_language_switcher_lands_on_the_translation_or_the_nearest_translated_ancestor(client):
    page = pages.news_page(title="Only in two languages", slug="two-languages")
    pages.translate(page, "fr", title="Seulement en deux langues")
    html = client.get("/en/news/two-languages/").content.decode()
    switcher = re.search(r'class="language-switcher".*?</nav>', html, re.S).group(0)
    assert 'href="/fr/news/two-languages/"' in switcher
    assert 'href="/es/news/"' in switcher


def test_open_graph_and_twitter_tags_describe_the_page(client):
    page = pages.news_page(title="Campaign academy", summary="Trainings in Accra.")
    html = client.get(page.url).content.decode()
    assert '<meta property="og:title" content="Campaign academy">' in html
    assert '<meta property="og:description" content="Trainings in Accra.">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card"' in html


def test_home_page_shows_featured_news_upcoming_events_and_network_figures(client):
    pages.news_page(title="Featured headline")
    pages.event_page(title="Coming soon summit", days=5)
    html = client.get("/en/").content.decode()
    assert "Featured headline" in html and "Coming soon summit" in html
    assert "Members" in html and "Active mentorships" in html
    assert "Discussions this week" in html
    assert "Join the network" in html


def test_network_figures_are_cached_and_zero_for_apps_not_built_yet(django_assert_num_queries):
    from cms.selectors import network_figures

    figures = network_figures()
    assert figures["active_mentorships"] >= 0 and figures["discussions_this_week"] >= 0
    with django_assert_num_queries(0):
        assert network_figures() == figures


def test_anonymous_visitors_get_cached_pages_until_something_is_published(client):
    page = pages.news_page(title="Before the edit")
    assert client.get(page.url)["X-Page-Cache"] == "miss"
    assert client.get(page.url)["X-Page-Cache"] == "hit"
    page.title = "After the edit"
    page.save_revision().publish()
    response = client.get(page.url)
    assert response["X-Page-Cache"] == "miss" and "After the edit" in response.content.decode()


def test_signed_in_members_never_get_a_cached_page(client, young_leader):
    page = pages.news_page(title="Members see live pages")
    client.get(page.url)
    client.force_login(young_leader)
    response = client.get(page.url)
    assert not response.has_header("X-Page-Cache")
    assert young_leader.get_short_name() in response.content.decode()


def test_event_page_lists_each_adopted_resolution_once_in_the_visitors_language(client):
    event = pages.event_page(title="Kuala Lumpur conference", slug="kl", days=-400)
    french_event = pages.translate(event, "fr", title="Conférence de Kuala Lumpur")
    adopted = pages.resolution_page(title="Social Cohesion and Progress", adopted_at=event)
    pages.translate(adopted, "fr", title="Cohésion sociale et progrès")
    english_only = pages.resolution_page(title="Decent work everywhere", adopted_at=event)
    english = client.get(event.url).content.decode()
    assert "Social Cohesion and Progress" in english and "Cohésion sociale" not in english
    french = client.get(french_event.url).content.decode()
    assert "Cohésion sociale et progrès" in french and "Social Cohesion and Progress" not in french
    # Not translated yet: the English original, marked as English for screen readers.
    assert f'href="{english_only.url}" lang="en">Decent work everywhere' in french


def test_translated_resolution_links_to_the_event_in_its_own_language(client):
    event = pages.event_page(title="Kuala Lumpur conference", slug="kl-2019", days=-400)
    french_event = pages.translate(event, "fr", title="Conférence de Kuala Lumpur")
    resolution = pages.resolution_page(title="Social Cohesion", adopted_at=event)
    french = pages.translate(resolution, "fr", title="Cohésion sociale")
    html = client.get(french.url).content.decode()
    assert f'href="{french_event.url}">Conférence de Kuala Lumpur</a>' in html
    index_html = client.get("/fr/resolutions/").content.decode()
    assert "Conférence de Kuala Lumpur" in index_html


def test_resolution_page_links_the_forum_thread_opened_for_it_in_every_language(client, moderator):
    from forums.services import open_resolution_thread
    from tests.factories.forums import CategoryFactory

    resolution = pages.resolution_page(title="A just transition")
    french = pages.translate(resolution, "fr", title="Une transition juste")
    assert "forums/resolutions/" not in client.get(resolution.url).content.decode()
    open_resolution_thread(actor=moderator, page=resolution, category=CategoryFactory())
    link = f'href="/en/forums/resolutions/{resolution.pk}/"'
    assert link in client.get(resolution.url).content.decode()
    assert (
        f'href="/fr/forums/resolutions/{resolution.pk}/"' in client.get(french.url).content.decode()
    )


def test_resolution_page_does_not_link_a_forum_thread_most_readers_cannot_open(client, moderator):
    from forums.models import Audience
    from forums.services import open_resolution_thread
    from tests.factories.forums import CategoryFactory

    resolution = pages.resolution_page(title="Internal matters")
    staff_only = CategoryFactory(read_audience=Audience.STAFF, post_audience=Audience.STAFF)
    open_resolution_thread(actor=moderator, page=resolution, category=staff_only)
    assert "forums/resolutions/" not in client.get(resolution.url).content.decode()
