"""Fixtures for publishing tests: a clean feed cache and a SITE_URL of our own."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_feed_cache(settings):
    """Every test starts with an empty feed cache: the cache is the process's, not the test's."""
    settings.SITE_URL = "https://events.hefei.example"
    cache.clear()
    yield
    cache.clear()
