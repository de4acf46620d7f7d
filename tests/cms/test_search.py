"""Site search stems each language with its own rules on PostgreSQL (see cms/search.py)."""

from __future__ import annotations

import pytest
from django.db import connection

from cms.search import config_for_language
from tests.factories import cms as pages

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="stemming is PostgreSQL full-text search; SQLite's FTS5 matches words as written",
)


@pytest.mark.parametrize(
    ("language", "config"),
    [
        ("en", "english"),
        ("fr", "french"),
        ("es", "spanish"),
        ("pt-br", "english"),
        (None, "english"),
    ],
)
def test_each_language_has_a_text_search_configuration(language, config):
    assert config_for_language(language) == config


def _search(client, language: str, query: str) -> str:
    return client.get(f"/{language}/search/", {"q": query}).content.decode()


def test_search_finds_pages_by_an_exact_word_in_every_language(client):
    english = pages.news_page(title="Solidarity caucus", slug="solidarity-caucus")
    french = pages.translate(english, "fr", title="Caucus de solidarité")
    spanish = pages.translate(english, "es", title="Caucus de solidaridad")
    assert english.url in _search(client, "en", "caucus")
    assert french.url in _search(client, "fr", "caucus")
    assert spanish.url in _search(client, "es", "caucus")


@postgres_only
@pytest.mark.postgres
@pytest.mark.parametrize(
    ("language", "title", "query"),
    [
        ("en", "Campaigns that mobilised young voters", "campaign mobilising"),
        # With English stemming (one configuration for every language) these two would not
        # match: "réseaux" stays "réseaux" while the query gives "réseau", "movilizaron" stays
        # whole while "movilizar" does not.
        ("fr", "Les réseaux de jeunes responsables", "réseau jeune responsable"),
        ("es", "Campañas que movilizaron a los jóvenes", "campaña movilizar"),
    ],
)
def test_search_stems_words_in_the_pages_own_language(client, language, title, query):
    english = pages.news_page(title="Stemming source", slug=f"stemming-{language}")
    if language == "en":
        english.title = title
        english.save_revision().publish()
        page = english
    else:
        page = pages.translate(english, language, title=title)
    html = _search(client, language, query)
    assert page.url in html, f"{query!r} did not find {title!r}"
