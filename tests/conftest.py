"""Shared fixtures: members of every role, the site, websocket and live-server helpers.

Services (PostgreSQL, Redis, Chromium) are used for real. When one is missing, the tests that need
it are skipped with the reason printed, except under CI (``CI=true``), where a missing service
is a failure: CI must run every test.
"""

from __future__ import annotations

import os

import pytest

from tests.support import services


def pytest_report_header(config: pytest.Config) -> list[str]:
    from django.conf import settings

    return [
        f"database: {settings.DATABASES['default']['ENGINE']}",
        f"channel layer: {settings.CHANNEL_LAYERS['default']['BACKEND']}",
        f"redis for redis-marked tests: {services.redis_url()}",
        f"CI: {os.environ.get('CI', '')!r} (missing services fail instead of skipping)",
    ]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Every test database starts with the locales and the home page in each language."""
    from cms.services import ensure_site

    with django_db_blocker.unblock():
        ensure_site()


@pytest.fixture
def home_page(db):  # type: ignore[no-untyped-def]
    from cms.services import ensure_site

    return ensure_site()


@pytest.fixture
def young_leader(db):  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory

    return UserFactory(display_name="Amina Njoroge", handle="amina")


@pytest.fixture
def parliamentarian(db):  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory

    return UserFactory(parliamentarian=True, display_name="Ana Souza", handle="ana")


@pytest.fixture
def party_staff(db):  # type: ignore[no-untyped-def]
    from network.models import User
    from tests.factories import UserFactory

    return UserFactory(role=User.Role.PARTY_STAFF, display_name="Priya Sharma", handle="priya")


def _with_totp(user):  # type: ignore[no-untyped-def]
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, services.TEST_TOTP_SECRET)
    return user


@pytest.fixture
def comms_staff(db):  # type: ignore[no-untyped-def]
    """Alliance communications staff with two-factor authentication, in the editors' group."""
    from tests.factories import UserFactory

    user = UserFactory(staff=True, display_name="Chloé Dubois", handle="chloe")
    services.grant_admin_access(user)
    return _with_totp(user)


@pytest.fixture
def staff_without_2fa(db):  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory

    user = UserFactory(staff=True, display_name="Sam Unsecured", handle="sam")
    services.grant_admin_access(user)
    return user


@pytest.fixture
def moderator(db):  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory

    return _with_totp(UserFactory(moderator=True, display_name="Kwame Mensah", handle="kwame"))


@pytest.fixture
def superuser(db):  # type: ignore[no-untyped-def]
    from tests.factories import UserFactory

    return _with_totp(UserFactory(staff=True, is_superuser=True, handle="root"))


@pytest.fixture
def redis_url() -> str:
    """A reachable Redis (REDIS_URL or localhost); skipped outside CI when there is none."""
    url = services.redis_url()
    if not services.redis_available(url):
        services.missing_service(f"Redis is not reachable at {url}")
    return url


@pytest.fixture
def live_server_daphne(transactional_db, home_page, tmp_path):  # type: ignore[no-untyped-def]
    """A real daphne process serving the test database (for browser and multi-process tests)."""
    server = services.DaphneServer(mail_dir=tmp_path / "mail")
    server.start()
    yield server
    server.stop()
