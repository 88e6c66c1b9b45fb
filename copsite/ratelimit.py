"""A small fixed-window rate limit on the shared cache (Redis in production)."""

import time

from django.core.cache import cache


def hit(key: str, *, limit: int, period_seconds: int) -> bool:
    """Count one action; False when `limit` actions have already happened in this window."""
    window = int(time.time() // period_seconds)
    cache_key = f"ratelimit:{key}:{window}"
    if cache.add(cache_key, 1, timeout=period_seconds + 1):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=period_seconds + 1)
        return True
    return count <= limit
