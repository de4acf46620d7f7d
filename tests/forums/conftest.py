from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_posting_limits(settings):  # type: ignore[no-untyped-def]
    """Most tests post in quick succession; the rate-limit tests set their own limits."""
    settings.FORUMS_LIMITS = {"INTERVAL": 0, "NEW_MEMBER_INTERVAL": 0, "DUPLICATE_WINDOW": 0}


@pytest.fixture
def author(db):  # type: ignore[no-untyped-def]
    """A moderator who can start threads in every category."""
    from tests.factories import UserFactory

    return UserFactory(moderator=True, display_name="Thread Starter", handle="starter")
