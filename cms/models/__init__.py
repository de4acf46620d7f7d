"""Wagtail pages: editor-owned, URL-addressed content. See docs/architecture.md."""

from cms.models.base import SitePage
from cms.models.events import EventIndexPage, EventPage, EventSpeaker
from cms.models.home import HomePage
from cms.models.news import NewsIndexPage, NewsPage, NewsPageTag, NewsRelatedLink
from cms.models.resolutions import ResolutionIndexPage, ResolutionPage
from cms.models.standard import FormField, FormPage, StandardPage

__all__ = [
    "EventIndexPage",
    "EventPage",
    "EventSpeaker",
    "FormField",
    "FormPage",
    "HomePage",
    "NewsIndexPage",
    "NewsPage",
    "NewsPageTag",
    "NewsRelatedLink",
    "ResolutionIndexPage",
    "ResolutionPage",
    "SitePage",
    "StandardPage",
]
