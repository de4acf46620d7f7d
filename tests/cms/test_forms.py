"""Contact forms: real people get through, bots do not (no outside captcha service)."""

from __future__ import annotations

import time

import pytest
from django.core import signing
from wagtail.contrib.forms.models import FormSubmission

from cms.models import FormField, FormPage
from cms.models.standard import STARTED_SALT
from tests.factories import cms as pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact_page():
    page = FormPage(
        title="Contact us",
        slug="contact-us",
        to_address="",
        from_address="noreply@alliance.example",
        subject="Contact",
    )
    page.form_fields = [
        FormField(label="Your name", field_type="singleline", required=True),
        FormField(label="Message", field_type="multiline", required=True),
    ]
    return pages.publish(pages.home(), page)


def _started(seconds_ago: float) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=STARTED_SALT)


def test_a_person_who_takes_their_time_gets_through(client, contact_page):
    form = client.get(contact_page.url).content.decode()
    assert 'name="form_started"' in form and 'name="website"' in form
    response = client.post(
        contact_page.url,
        {"your_name": "Amina", "message": "Hello", "website": "", "form_started": _started(10)},
    )
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    submission = FormSubmission.objects.get(page=contact_page)
    assert "website" not in submission.form_data and "form_started" not in submission.form_data


def test_a_bot_filling_the_honeypot_is_refused(client, contact_page):
    client.post(
        contact_page.url,
        {"your_name": "Bot", "message": "Spam", "website": "http://x", "form_started": _started(9)},
    )
    assert not FormSubmission.objects.exists()


def test_a_form_posted_too_fast_is_refused_with_a_friendly_message(client, contact_page):
    response = client.post(
        contact_page.url,
        {"your_name": "Bot", "message": "Spam", "website": "", "form_started": _started(0)},
    )
    assert "That was quick!" in response.content.decode()
    assert not FormSubmission.objects.exists()


def test_a_forged_timestamp_is_refused(client, contact_page):
    client.post(
        contact_page.url,
        {"your_name": "Bot", "message": "Spam", "website": "", "form_started": "12345"},
    )
    assert not FormSubmission.objects.exists()


def test_form_pages_are_never_cached_whole(client, contact_page):
    client.get(contact_page.url)
    assert not client.get(contact_page.url).has_header("X-Page-Cache")
