"""What the directory renders fast must be what Django would render: selects and profile links."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms
from django.utils.translation import gettext_lazy

from network.widgets import FastSelect


class _Events(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, object]] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.events.append(("start", (tag, sorted(attrs, key=lambda a: a[0]))))

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        self.events.append(("end", tag))

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if data.strip():
            self.events.append(("text", data.strip()))


def _parsed(html: str) -> list[tuple[str, object]]:
    parser = _Events()
    parser.feed(html)
    return parser.events


CHOICES = [
    ("", gettext_lazy("Any country")),
    ("ci", "Côte d'Ivoire"),
    ("x", '<script>alert("x")</script> & co'),
    ("Groups", [("a", "A"), ("b", "B")]),
]


@pytest.mark.parametrize("value", [None, "", "ci", "x", "b"])
def test_fast_select_renders_what_djangos_select_renders(value):
    attrs = {"id": "id_country", "aria-describedby": "help", "disabled": False, "data-x": True}
    stock = forms.Select(choices=CHOICES).render("country", value, attrs=attrs)
    fast = FastSelect(choices=CHOICES).render("country", value, attrs=attrs)
    assert _parsed(fast) == _parsed(stock)
    assert "<script>" not in fast


@pytest.mark.django_db
@pytest.mark.parametrize("handle", ["ana_beatriz_souza", "ana_fernández5", "x-y", "çà~é:@"])
def test_directory_card_links_are_the_urls_django_reverses(handle):
    from django.urls import reverse
    from django.utils import translation

    from network.selectors import profile_url
    from tests.factories import UserFactory

    member = UserFactory(handle=handle)
    for language in ("en", "fr", "es"):
        with translation.override(language):
            assert profile_url(member) == reverse("network:profile", kwargs={"handle": handle})
