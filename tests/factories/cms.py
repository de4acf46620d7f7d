"""Published pages for tests: created under the real section indexes of ``ensure_site()``."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from wagtail.models import Locale, Page

from cms.models import (
    EventIndexPage,
    EventPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    ResolutionIndexPage,
    ResolutionPage,
)


def section(model: type[Page], language: str = "en") -> Any:
    return model.objects.get(locale__language_code=language)


def publish(parent: Page, page: Page) -> Any:
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def news_page(language: str = "en", **fields: Any) -> NewsPage:
    n = NewsPage.objects.count()
    defaults: dict[str, Any] = {
        "title": f"News item {n}",
        "slug": f"news-item-{n}",
        "summary": f"Summary of news item {n}.",
        "date": timezone.localdate(),
    }
    topics = fields.pop("topics", None)
    page = NewsPage(**{**defaults, **fields})
    if topics:
        page.topics = topics
    return publish(section(NewsIndexPage, language), page)


def event_page(language: str = "en", *, days: int = 10, **fields: Any) -> EventPage:
    n = EventPage.objects.count()
    start = timezone.now() + datetime.timedelta(days=days)
    defaults: dict[str, Any] = {
        "title": f"Event {n}",
        "slug": f"event-{n}",
        "summary": f"Summary of event {n}.",
        "start": start,
        "end": start + datetime.timedelta(hours=3),
        "time_zone": "Europe/Paris",
        "venue_name": "Maison de la Mutualité",
        "city": "Paris",
    }
    return publish(section(EventIndexPage, language), EventPage(**{**defaults, **fields}))


def resolution_page(language: str = "en", **fields: Any) -> ResolutionPage:
    n = ResolutionPage.objects.count()
    defaults: dict[str, Any] = {
        "title": f"Resolution {n}",
        "slug": f"resolution-{n}",
        "summary": f"Summary of resolution {n}.",
        "status": ResolutionPage.Status.ADOPTED,
    }
    page = ResolutionPage(**{**defaults, **fields})
    return publish(section(ResolutionIndexPage, language), page)


def translate(page: Page, language: str, **fields: Any) -> Any:
    translated = page.copy_for_translation(Locale.objects.get(language_code=language))
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save_revision().publish()
    translated.refresh_from_db()
    return translated


def home(language: str = "en") -> HomePage:
    return HomePage.objects.get(locale__language_code=language)
