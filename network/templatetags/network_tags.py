from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def primary_navigation(context: dict[str, Any]) -> list[dict[str, Any]]:
    request = context.get("request")
    path = getattr(request, "path", "")
    language = get_language() or settings.LANGUAGE_CODE
    items = [
        (_("News"), f"/{language}/news/"),
        (_("Events"), f"/{language}/events/"),
        (_("Resolutions"), f"/{language}/resolutions/"),
    ]
    for label, name in (
        (_("People"), "network:directory"),
        (_("Mentoring"), "mentoring:index"),
        (_("Forums"), "forums:index"),
    ):
        try:
            items.append((label, reverse(name)))
        except NoReverseMatch:
            continue
    return [{"label": label, "url": url, "active": path.startswith(url)} for label, url in items]


@register.simple_tag(takes_context=True)
def language_links(context: dict[str, Any]) -> list[dict[str, Any]]:
    """Links to this page in each language. Pages may pass ``translated_urls`` (code -> url)."""
    request = context.get("request")
    current = get_language() or settings.LANGUAGE_CODE
    overrides: dict[str, str] = context.get("translated_urls") or {}
    path = request.get_full_path() if request else "/"
    links = []
    for code, name in settings.LANGUAGES:
        url = overrides.get(code) or translate_url(path, code)
        if url == path and code != current:
            # Not a resolvable i18n URL (e.g. a Wagtail page): swap the language prefix.
            prefix = f"/{current}/"
            url = f"/{code}/" + path[len(prefix) :] if path.startswith(prefix) else f"/{code}/"
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links
