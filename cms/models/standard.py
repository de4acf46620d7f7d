"""About, charter and contact pages, and form-builder pages with spam protection."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.core import signing
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.models.base import SitePage

HONEYPOT_FIELD = "website"
STARTED_FIELD = "form_started"
STARTED_SALT = "cms.forms.started"
# People need a few seconds to read and fill a form; scripts post at once.
MIN_SECONDS_TO_SUBMIT = 3
MAX_FORM_AGE_SECONDS = 24 * 3600
SPAM_REJECTED = _("Your message could not be sent. Please try again.")
TOO_FAST = _("That was quick! Please check your answers and send the form again.")


class StandardPage(SitePage):
    intro = models.TextField(_("introduction"), blank=True)
    featured_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("featured image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *SitePage.content_panels,
        FieldPanel("intro"),
        FieldPanel("featured_image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *SitePage.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage", "cms.FormPage"]
    template = "pages/standard_page.html"
    social_image_field = "featured_image"

    class Meta:
        verbose_name = _("standard page")

    @classmethod
    def route_queryset(cls) -> models.QuerySet:
        return cls.objects.select_related("featured_image", "locale")


class FormField(AbstractFormField):
    page = ParentalKey("cms.FormPage", related_name="form_fields", on_delete=models.CASCADE)


def _started_token() -> str:
    return signing.dumps(time.time(), salt=STARTED_SALT)


class SpamProtectedForm(forms.Form):
    """Mixed into the form builder's form: a honeypot and a minimum time to submit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        self.fields[STARTED_FIELD] = forms.CharField(
            initial=_started_token, widget=forms.HiddenInput, required=False
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get(HONEYPOT_FIELD):
            raise forms.ValidationError(SPAM_REJECTED, code="spam")
        try:
            started = signing.loads(
                cleaned.get(STARTED_FIELD) or "", salt=STARTED_SALT, max_age=MAX_FORM_AGE_SECONDS
            )
        except signing.BadSignature:
            raise forms.ValidationError(SPAM_REJECTED, code="spam")
        if time.time() - float(started) < MIN_SECONDS_TO_SUBMIT:
            raise forms.ValidationError(TOO_FAST, code="too_fast")
        return cleaned


class FormPage(SitePage, AbstractEmailForm):
    # The form carries a CSRF token and a per-visitor timestamp: never cache it whole.
    cache_ttl = 0

    intro = RichTextField(_("introduction"), blank=True)
    thank_you_text = RichTextField(_("thank-you message"), blank=True)

    content_panels = [
        *AbstractEmailForm.content_panels,
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("Email"),
        ),
    ]
    search_fields = [*SitePage.search_fields, index.SearchField("intro")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types: list[str] = []
    template = "pages/form_page.html"
    landing_page_template = "pages/form_page_landing.html"

    class Meta:
        verbose_name = _("form page")

    def get_form_class(self) -> type[forms.Form]:
        built = super().get_form_class()
        return type("ProtectedFormPageForm", (SpamProtectedForm, built), {})

    def process_form_submission(self, form: forms.Form) -> Any:
        # The protection fields are not the visitor's answers: keep them out of submissions.
        for name in (HONEYPOT_FIELD, STARTED_FIELD):
            form.cleaned_data.pop(name, None)
            form.fields.pop(name, None)
        return super().process_form_submission(form)
