from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from network.models import User

SIGNUP_ROLES = [
    (User.Role.YOUNG_LEADER, _("Young leader")),
    (User.Role.PARLIAMENTARIAN, _("Parliamentarian (verified by our staff)")),
    (User.Role.PARTY_STAFF, _("Party staff")),
]


class SignupForm(forms.Form):
    """Extra sign-up fields; allauth adds email and passwords."""

    display_name = forms.CharField(
        label=_("Your name"), max_length=120, help_text=_("As other members will see it.")
    )
    role = forms.ChoiceField(label=_("I am a"), choices=SIGNUP_ROLES)

    def signup(self, request: Any, user: User) -> None:
        # A parliamentarian role is a claim until staff verify it.
        if user.role == User.Role.PARLIAMENTARIAN:
            user.parliamentarian_status = User.ParliamentarianStatus.CLAIMED
            user.save(update_fields=["parliamentarian_status"])
