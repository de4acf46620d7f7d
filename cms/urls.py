"""Non-page URLs owned by the published site (feeds, calendars, search), then page serving.

Included at ``/<lang>/`` before Wagtail's own catch-all, so each path here wins over a page
with the same slug; the last pattern serves pages through the cached fast router.
"""

from django.urls import path, re_path

from cms import feeds, views

app_name = "cms"

urlpatterns = [
    path("news/feed/", feeds.NewsFeed(), name="news_feed"),
    path("news/feed/atom/", feeds.NewsAtomFeed(), name="news_atom"),
    path("news/topics/<slug:slug>/feed/", feeds.NewsFeed(), name="topic_news_feed"),
    path("news/topics/<slug:slug>/feed/atom/", feeds.NewsAtomFeed(), name="topic_news_atom"),
    path("events/calendar.ics", views.event_calendar, name="event_calendar"),
    path("events/ical/<int:pk>.ics", views.event_ical, name="event_ical"),
    path("search/", views.search, name="search"),
    re_path(r"^((?:[\w\-]+/)*)$", views.serve, name="serve"),
]
