"""Fixtures for publishing tests: a clean feed cache and a SITE_URL of our own."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_feed_cache(settings):
    """Rendered feeds are cached per version number, which a new test database reuses."""
    settings.SITE_URL = "https://events.hefei.example"
    cache.clear()
    yield
    cache.clear()
