import pytest


@pytest.fixture(autouse=True)
def _no_post_rate_limit(settings):
    """Tests post far faster than people: the per-minute posting limit is tested on its own."""
    settings.COPSITE_POSTS_PER_MINUTE = 10_000
