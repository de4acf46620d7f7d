from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site_chrome(request: HttpRequest) -> dict[str, Any]:
    """What the base layout needs on every page."""
    return {
        "SITE_NAME": settings.WAGTAIL_SITE_NAME,
        "AVAILABLE_LANGUAGES": settings.LANGUAGES,
    }
