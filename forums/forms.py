"""Forms validate input only; rules live in permissions and writes in services."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from forums.models import Category, Flag, NotificationPreference
from network.models import Topic


class _Editor(forms.Textarea):
    def __init__(self) -> None:
        super().__init__(attrs={"rows": 8, "class": "forum-editor", "data-mentions": "1"})


class PostForm(forms.Form):
    body = forms.CharField(label=_("Your reply (Markdown)"), widget=_Editor(), max_length=20_000)
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Generated when the form is shown; a retried submission carries the same key, so the
    # post is stored once.
    idempotency_key = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())


class ThreadForm(PostForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    field_order = ["title", "body", "topics"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].label = _("Message (Markdown)")


class EditPostForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = forms.CharField(label=_("Message (Markdown)"), widget=_Editor(), max_length=20_000)


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why should moderators look at this post?"),
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Details (optional)"), max_length=500, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown in the audit log)"), max_length=300, required=False
    )


class MoveForm(ReasonForm):
    category = forms.ModelChoiceField(label=_("Move to"), queryset=Category.objects.all())


class MergeForm(ReasonForm):
    target = forms.IntegerField(label=_("Merge into thread number"), min_value=1)


class SilenceForm(ReasonForm):
    days = forms.IntegerField(
        label=_("Silence for how many days (0 lifts the silence)"), min_value=0, max_value=365
    )


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email_mentions", "email_replies", "email_watching", "watch_own_threads"]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    author = forms.CharField(label=_("Author handle"), max_length=40, required=False)
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=Topic.objects.all(), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, categories: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if categories is not None:
            self.fields["category"].queryset = categories  # type: ignore[attr-defined]


class ResolutionThreadForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
