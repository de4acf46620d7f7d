"""The site as a visitor meets it: languages, error pages, the demo, production settings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.management import call_command

from tests.support.services import ROOT

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept", "expected"),
    [("fr-FR,fr;q=0.9", "/fr/"), ("es", "/es/"), ("de", "/en/"), ("", "/en/")],
)
def test_root_redirects_by_browser_language(client, accept, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302 and response["Location"] == expected


@pytest.mark.parametrize(
    ("language", "text"),
    [("en", "Join the network"), ("fr", "Rejoindre le réseau"), ("es", "Únete a la red")],
)
def test_home_page_speaks_the_visitors_language(client, language, text):
    response = client.get(f"/{language}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert text in html


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "We could not find that page"),
        ("fr", "Nous n’avons pas trouvé cette page"),
        ("es", "No encontramos esa página"),
    ],
)
def test_not_found_page_is_in_the_visitors_language(client, language, text):
    response = client.get(f"/{language}/no-such-page/")
    assert response.status_code == 404
    assert text in response.content.decode()


def test_language_switcher_links_to_the_same_page_in_each_language(client):
    html = client.get("/fr/accounts/login/").content.decode()
    assert 'href="/en/accounts/login/"' in html and 'href="/es/accounts/login/"' in html


def test_pages_have_a_skip_link_landmarks_and_one_h1(client):
    html = client.get("/en/").content.decode()
    assert 'class="skip-link" href="#main"' in html
    assert html.count("<h1") == 1 and "<main" in html and "<nav" in html and "<footer" in html


def test_seed_demo_is_idempotent():
    from network.models import Country, Party, Region, User

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    counts = (User.objects.count(), Party.objects.count(), Country.objects.count())
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert (User.objects.count(), Party.objects.count(), Country.objects.count()) == counts
    assert Region.objects.count() == 7
    assert User.objects.filter(email="mp@alliance.example", role="parliamentarian").exists()


def test_demo_members_can_sign_in(client):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    from network.demo import DEMO_PASSWORD

    client.post(
        "/en/accounts/login/", {"login": "young@alliance.example", "password": DEMO_PASSWORD}
    )
    assert "_auth_user_id" in client.session


def test_production_settings_pass_check_deploy_with_no_warnings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 40 + "-this-is-a-long-production-secret-key",
        "ALLOWED_HOSTS": "alliance.example",
    }
    env.pop("DEBUG", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr
