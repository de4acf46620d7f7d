import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Page, route and figure caches must not carry over between tests.
    cache.clear()
    yield
    cache.clear()
