"""RSS and Atom feeds of news, per language (the URL prefix) and per topic."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cms import selectors

FEED_ITEMS = 30


class NewsFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request: HttpRequest, slug: str | None = None) -> Any:
        self.request = request
        if slug is None:
            return None
        topic = next((t for t in selectors.news_topics() if t.slug == slug), None)
        if topic is None:
            raise Http404
        return topic

    def title(self, topic: Any) -> str:
        if topic is not None:
            return _("Alliance Network news: %(topic)s") % {"topic": topic.label}
        return _("Alliance Network news")

    def description(self, topic: Any) -> str:
        return _("News from the international network of progressive young leaders and MPs.")

    def link(self, topic: Any) -> str:
        base = f"/{get_language()}/news/"
        return f"{base}?topic={topic.slug}" if topic is not None else base

    def items(self, topic: Any) -> list[Any]:
        return selectors.news_for_feed(language=get_language(), topic=topic, limit=FEED_ITEMS)

    def item_title(self, item: Any) -> str:
        return item.title

    def item_description(self, item: Any) -> str:
        return item.summary

    def item_link(self, item: Any) -> str:
        return item.get_url(self.request)

    def item_pubdate(self, item: Any) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time(12)))

    def item_updateddate(self, item: Any) -> datetime.datetime | None:
        return item.last_published_at

    def item_author_name(self, item: Any) -> str:
        return item.byline

    def item_categories(self, item: Any) -> list[str]:
        return [topic.label for topic in item.topics.all()]


class NewsAtomFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description
