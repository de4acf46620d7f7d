"""allauth hooks: throttled logins and emails sent in the member's language."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from network import throttling

TOO_MANY_ATTEMPTS = _(
    "Too many failed sign-in attempts from your network. Please wait a few minutes and try again."
)


class AccountAdapter(DefaultAccountAdapter):
    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        email = str(credentials.get("email") or credentials.get("username") or "")
        if throttling.is_blocked(email=email, address=throttling.client_address(request)):
            raise forms.ValidationError(TOO_MANY_ATTEMPTS)
        # Deliberately not calling super(): allauth's own limit counts per account, which would
        # let anyone lock a member out by failing on purpose.

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        email = str(credentials.get("email") or credentials.get("username") or "")
        throttling.record_failure(email=email, address=throttling.client_address(request))

    def login(self, request: HttpRequest, user: Any) -> None:
        throttling.record_success(email=user.email, address=throttling.client_address(request))
        super().login(request, user)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        user.display_name = data.get("display_name") or user.email.split("@")[0]
        user.role = data.get("role") or user.role
        user.preferred_language = translation.get_language() or "en"
        if commit:
            user.save()
            from network import services

            services.ensure_handle(member=user)
            services.ensure_profile(member=user)
        return user

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        # New members go through the short guided profile step before anything else.
        from django.urls import reverse

        return reverse("network:onboarding")

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Mail goes out in the recipient's language, not whatever the request happened to use.
        user = context.get("user")
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            super().send_mail(template_prefix, email, context)
