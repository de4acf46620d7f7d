"""Forms of mentoring: validation only; writes happen in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentoring.models import (
    CohortRound,
    Format,
    MatchingSettings,
    MenteeRequest,
    MentorOffer,
    Mentorship,
)


class _FormatsField(forms.MultipleChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Format.choices, widget=forms.CheckboxSelectMultiple, **kwargs)


class OfferForm(forms.ModelForm):
    formats = _FormatsField(label=_("Formats you offer"))

    class Meta:
        model = MentorOffer
        fields = [
            "capacity",
            "topics",
            "languages",
            "formats",
            "regions",
            "about",
            "available_from",
            "available_until",
            "is_paused",
        ]
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "languages": forms.CheckboxSelectMultiple,
            "regions": forms.CheckboxSelectMultiple,
            "available_from": forms.DateInput(attrs={"type": "date"}),
            "available_until": forms.DateInput(attrs={"type": "date"}),
            "about": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("available_from"), data.get("available_until")
        if start and end and end < start:
            self.add_error("available_until", _("The end comes before the start."))
        return data


class MenteeRequestForm(forms.ModelForm):
    formats = _FormatsField(label=_("Formats you prefer"), required=False)

    class Meta:
        model = MenteeRequest
        fields = [
            "goals",
            "topics",
            "languages",
            "formats",
            "region_preference",
            "duration_months",
            "is_open",
        ]
        widgets = {
            "topics": forms.CheckboxSelectMultiple,
            "languages": forms.CheckboxSelectMultiple,
            "region_preference": forms.RadioSelect,
            "goals": forms.Textarea(attrs={"rows": 4}),
        }


class SendRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the mentor"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say what you hope to learn and how you would like to work together."),
    )


class AnswerForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)


class GoalForm(forms.Form):
    title = forms.CharField(label=_("New goal"), max_length=200)


class GoalProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)


class CheckInForm(forms.Form):
    met_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(
        label=_("Notes"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_steps = forms.CharField(
        label=_("Next steps"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GoodFitForm(forms.Form):
    good_fit = forms.TypedChoiceField(
        label=_("After your first meeting: is this a good fit?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )


class EndForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why are you ending it?"), choices=Mentorship.EndReason.choices
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was it overall?"),
        choices=[(str(n), str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("5 is excellent. Only the network's staff see your feedback."),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MatchingSettingsForm(forms.ModelForm):
    class Meta:
        model = MatchingSettings
        fields = [
            "weight_topic",
            "weight_language",
            "weight_format",
            "weight_region",
            "weight_experience",
            "weight_capacity",
            "suggestions_shown",
            "request_deadline_days",
            "reminder_days_before",
            "check_in_interval_days",
            "min_women_share",
            "every_region_represented",
            "candidates_per_mentee",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        weights = [
            data.get(f"weight_{c}") or 0
            for c in ("topic", "language", "format", "region", "experience", "capacity")
        ]
        if sum(weights) <= 0:
            raise forms.ValidationError(_("At least one weight must be above zero."))
        return data


class RoundForm(forms.ModelForm):
    class Meta:
        model = CohortRound
        fields = ["title", "description", "deadline", "duration_months"]
        widgets = {"deadline": forms.DateTimeInput(attrs={"type": "datetime-local"})}


class PairForm(forms.Form):
    mentee_request = forms.ModelChoiceField(queryset=MenteeRequest.objects.all())
    offer = forms.ModelChoiceField(queryset=MentorOffer.objects.all(), required=False)
