"""Settings for `bench/run.py`: production-like (DEBUG off) but self-contained.

`bench/run.py` sets DATABASE_URL (a throw-away database), SECRET_KEY and DEBUG in the
environment before Django reads this module. Local-memory cache, in-process Celery, fast
password hashing, no HTTPS redirects, so Django's test `Client` measures the views.
"""

from copsite.settings.base import *  # noqa: F403
from copsite.settings.base import VAR_DIR

DEBUG = False
ALLOWED_HOSTS = ["testserver"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = VAR_DIR / "bench" / "media"
# The manifest storage needs `collectstatic`; page timings do not depend on it.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Members sign in once per run; the posting limit is irrelevant to reading pages.
COPSITE_POSTS_PER_MINUTE = 1_000_000
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
