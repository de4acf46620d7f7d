from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from network.models import Country, Language, MemberProfile, Party, Topic, User

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


class OnboardingForm(forms.Form):
    """The short guided step after sign-up."""

    role = forms.ChoiceField(label=_("I am a"), choices=SIGNUP_ROLES)
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), required=False
    )
    party = forms.ModelChoiceField(
        label=_("Party or organisation"),
        queryset=Party.objects.select_related("country").order_by("name"),
        required=False,
    )
    languages = forms.ModelMultipleChoiceField(
        label=_("Languages you speak"),
        queryset=Language.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expertise = forms.ModelMultipleChoiceField(
        label=_("Topics you know well"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    interests = forms.ModelMultipleChoiceField(
        label=_("Topics you want to learn about"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    open_to_mentor = forms.BooleanField(label=_("I would like to mentor others"), required=False)
    open_to_mentee = forms.BooleanField(label=_("I am looking for a mentor"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        party, country = data.get("party"), data.get("country")
        if party and country and party.country_id != country.pk:
            self.add_error("party", _("This party is not in the country you chose."))
        return data


class ProfileForm(forms.ModelForm):
    """A member's own profile, with who may see each sensitive field next to it."""

    display_name = forms.CharField(label=_("Your name"), max_length=120)
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), required=False
    )
    party = forms.ModelChoiceField(
        label=_("Party or organisation"),
        queryset=Party.objects.order_by("name"),
        required=False,
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = MemberProfile
        fields = [
            "headline",
            "photo",
            "photo_audience",
            "bio",
            "bio_audience",
            "city",
            "city_audience",
            "website",
            "social_links",
            "links_audience",
            "email_audience",
            "listing_audience",
            "languages",
            "expertise",
            "interests",
            "open_to_mentor",
            "open_to_mentee",
            "organisation",
            "position",
            "parliament",
            "chamber",
            "constituency",
            "term_start",
            "term_end",
            "committees",
            "years_in_office",
            "gender",
        ]
        widgets = {
            "languages": forms.CheckboxSelectMultiple,
            "expertise": forms.CheckboxSelectMultiple,
            "interests": forms.CheckboxSelectMultiple,
            "bio": forms.Textarea(attrs={"rows": 6}),
            "social_links": forms.Textarea(attrs={"rows": 3}),
            "committees": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_social_links(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["social_links"].splitlines()]
        lines = [line for line in lines if line]
        validator = URLValidator(schemes=["https", "http"])
        for line in lines:
            try:
                validator(line)
            except forms.ValidationError as exc:
                raise forms.ValidationError(
                    _("“%(line)s” is not a web address.") % {"line": line}
                ) from exc
        return "\n".join(lines)


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type your email address to confirm"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args: Any, member: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip().lower()
        if value != self.member.email.lower():
            raise forms.ValidationError(_("That is not your email address."))
        return value


class RejectClaimForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the member)"), widget=forms.Textarea(attrs={"rows": 3})
    )
