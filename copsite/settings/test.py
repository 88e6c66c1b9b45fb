"""Settings for the test suite: fast hashing, in-memory mail, eager tasks.

With REDIS_URL set (CI's PostgreSQL run) the cache is Redis and `celery_worker` tests use it.
"""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")

from .base import *  # noqa: E402,F403
from .base import REDIS_URL, VAR_DIR  # noqa: E402

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Tests exercise the limits explicitly; keep them from tripping ordinary tests.
ACCOUNT_RATE_LIMITS = {"login_failed": "1000/m/ip", "signup": "1000/m/ip", "confirm_email": False}
# Tasks run eagerly; tests marked `celery_worker` switch to a real worker on REDIS_URL.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = REDIS_URL or "memory://"


def _worker_redis_url(url: str) -> str:
    """Each pytest-xdist worker caches in a Redis database of its own (gw0: the URL's, gw1: the
    one below it...): tests clear the cache, and must not clear another worker's rate limits."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    base, _, number = url.rpartition("/")
    return f"{base}/{max(int(number or 0) - int(worker[2:]), 0)}"


if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _worker_redis_url(REDIS_URL),
            "KEY_PREFIX": f"copsite-test-{os.getpid()}",
        }
    }
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
