"""A small fixed-window rate limit on the shared cache (Redis in production).

If the cache is unreachable the limit is not applied: a Redis outage must not stop people
posting (ARCHITECTURE 7). The outage is logged.
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)


def hit(key: str, *, limit: int, period_seconds: int) -> bool:
    """Count one action; False when `limit` actions have already happened in this window."""
    window = int(time.time() // period_seconds)
    cache_key = f"ratelimit:{key}:{window}"
    try:
        if cache.add(cache_key, 1, timeout=period_seconds + 1):
            return True
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=period_seconds + 1)
            return True
    except Exception:  # the cache server is down: let the action through
        logger.warning("Rate limit for %s not applied: the cache is unreachable", key)
        return True
    return count <= limit
