"""Request-wide rules that must hold on every page."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from network import permissions


class StaffTwoFactorMiddleware:
    """Keep staff without two-factor authentication out of the publishing and moderation tools.

    The admin is where pages are published and members moderated; a stolen staff password alone
    must not be enough to reach it. Members are only prompted, never blocked.
    """

    protected_prefixes = ("/admin/",)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.protected_prefixes) and request.user.is_authenticated:
            user = request.user
            if permissions.needs_two_factor(user) and not permissions.has_two_factor(user):
                messages.warning(request, permissions.TWO_FACTOR_REQUIRED)
                with translation.override(getattr(user, "preferred_language", "en")):
                    return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class MemberLanguageMiddleware:
    """Remember the language a signed-in member reads in, for their emails and notifications."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        language = getattr(request, "LANGUAGE_CODE", None)
        if (
            user is not None
            and user.is_authenticated
            and language in {"en", "fr", "es"}
            and request.path[:4] == f"/{language}/"
            and user.preferred_language != language
        ):
            user.preferred_language = language
            user.save(update_fields=["preferred_language"])
        return response


class AdminFramingMiddleware:
    """Let Wagtail's admin frame its own previews while the public site refuses all framing.

    Listed after XFrameOptionsMiddleware, so it sees the response first and its header wins.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/admin/"):
            response["X-Frame-Options"] = "SAMEORIGIN"
        return response
