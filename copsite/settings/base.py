"""Copsite settings: every environment read happens here, through one `environ.Env`.

Two ways to run (see docs/decisions.md):
- embedded default: SQLite, eager Celery, local-memory cache, e-mail files in var/mail/;
- production: DATABASE_URL, REDIS_URL, EMAIL_URL and S3 storage settings.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# --- Core ---------------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development only: a key that never leaves this checkout (var/ is git-ignored).
    _dev_key_file = VAR_DIR / "dev-secret-key"
    if not _dev_key_file.exists():
        from django.core.management.utils import get_random_secret_key

        VAR_DIR.mkdir(exist_ok=True)
        _dev_key_file.write_text(get_random_secret_key())
    SECRET_KEY = _dev_key_file.read_text().strip()

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])
SITE_ID = 1

INSTALLED_APPS = [
    "accounts",
    "communities",
    "community_pages",
    "forums",
    "blogs",
    "notifications",
    "facilitation",
    "pages",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # allauth
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.openid_connect",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sites",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.language.PreferredLanguageMiddleware",
    "accounts.middleware.RequireMultiFactorMiddleware",
    "accounts.middleware.AdminAccessMiddleware",
    "communities.middleware.CommunitySlugRedirectMiddleware",
    "communities.middleware.AccessCheckedRedirectMiddleware",
]

FORM_RENDERER = "copsite.forms.GovukFormRenderer"
ROOT_URLCONF = "copsite.urls"
WSGI_APPLICATION = "copsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "copsite.context_processors.site_chrome",
            ],
            # `markdown` and `excerpt`: the only way templates show user-written text as HTML.
            "builtins": ["copsite.templatetags.markup"],
            "libraries": {"languages": "copsite.templatetags.languages"},
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'copsite.sqlite3'}"),
}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default: WAL lets readers work while a request writes, and IMMEDIATE
    # transactions queue writers instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery ---------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "copsite",
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# When the broker is down, give up queueing quickly: the request still succeeds and the
# periodic sweeps deliver the work once Redis is back (copsite.tasks.enqueue_after_commit).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULE = {
    "deliver-pending-emails": {
        "task": "notifications.tasks.deliver_pending_emails",
        "schedule": 120.0,
    },
    "publish-scheduled-threads": {
        "task": "forums.tasks.publish_scheduled_threads",
        "schedule": 60.0,
    },
    "process-pending-events": {
        "task": "notifications.tasks.process_pending_events",
        "schedule": 120.0,
    },
    "prune-notifications": {
        "task": "notifications.tasks.prune_notifications",
        "schedule": 24 * 3600.0,
    },
    "send-facilitator-nudges": {  # hourly: each facilitator at their own digest hour
        "task": "notifications.facilitation_tasks.send_facilitator_nudges",
        "schedule": crontab(minute=5),
    },
}

# --- Auth and accounts (django-allauth) ---------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "communities.backends.CommunityRolesBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"  # asks which language to e-mail in
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Copsite] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_email": "1/m/user",
    "manage_email": "10/m/user",
    "change_password": "5/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Copsite")
# When on, site staff and community facilitators must set up an authenticator app.
COPSITE_REQUIRE_MFA_FOR_STAFF = env.bool("REQUIRE_MFA_FOR_STAFF", default=False)

# Single sign-on: each provider is switched on by its environment variables.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_PROVIDERS: dict = {}
if env.str("ENTRA_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["microsoft"] = {
        "APPS": [
            {
                "client_id": env.str("ENTRA_CLIENT_ID"),
                "secret": env.str("ENTRA_CLIENT_SECRET"),
                "settings": {"tenant": env.str("ENTRA_TENANT", default="organizations")},
            }
        ],
        "VERIFIED_EMAIL": True,
    }
if env.str("OIDC_CLIENT_ID", default=""):
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": env.str("OIDC_PROVIDER_ID", default="oidc"),
                "name": env.str("OIDC_NAME", default="Single sign-on"),
                "client_id": env.str("OIDC_CLIENT_ID"),
                "secret": env.str("OIDC_CLIENT_SECRET"),
                "settings": {"server_url": env.str("OIDC_SERVER_URL")},
            }
        ],
        "VERIFIED_EMAIL": True,
    }

# --- Communities --------------------------------------------------------------------------------
# Site staff can always create communities; this lets any verified member do so too.
COPSITE_MEMBERS_CAN_CREATE_COMMUNITIES = env.bool("MEMBERS_CAN_CREATE_COMMUNITIES", default=False)
COPSITE_INVITATION_DAYS = env.int("INVITATION_DAYS", default=14)
COPSITE_SITE_NAME = env.str("SITE_NAME", default="Copsite")
COPSITE_BRAND_COLOUR = env.str("BRAND_COLOUR", default="#1d5c63")
COPSITE_LOGO_URL = env.str("LOGO_URL", default="")
COPSITE_MAX_POST_LENGTH = env.int("MAX_POST_LENGTH", default=20000)
# Posts (threads and replies) one member may make per minute; the next is refused politely.
COPSITE_POSTS_PER_MINUTE = env.int("POSTS_PER_MINUTE", default=6)

# --- Wagtail ------------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = COPSITE_SITE_NAME
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_AGING_PAGES_ENABLED = False  # its report shows publishers' usernames (e-mail addresses)
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party requests carrying e-mail hashes
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
WAGTAIL_USER_CUSTOM_FIELDS = ["display_name"]
TAGGIT_CASE_INSENSITIVE = True

# --- E-mail -------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Copsite <noreply@copsite.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# --- Files --------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
_govuk_dist = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"
if _govuk_dist.exists():
    STATICFILES_DIRS.append(("govuk", _govuk_dist))
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if env.str("AWS_STORAGE_BUCKET_NAME", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# --- Security -----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# No inline scripts anywhere. Wagtail's admin sets inline style attributes, so styles allow them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "https:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", "https:"] if not DEBUG else ["'self'", "http:", "https:"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Locale -------------------------------------------------------------------------------------
# English addresses are unprefixed, Welsh ones start /cy/ (copsite/languages.py; decision 30).
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
LANGUAGE_COOKIE_NAME = "copsite_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
# Wagtail's admin in Welsh as far as Wagtail translates it; our own admin screens are fully Welsh.
WAGTAILADMIN_PERMITTED_LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Blogs --------------------------------------------------------------------------------------
# Comments on a blog post close this many days after it is first published (0: never close).
COPSITE_BLOG_COMMENTS_CLOSE_AFTER_DAYS = env.int("BLOG_COMMENTS_CLOSE_AFTER_DAYS", default=30)
# Blog feeds carry each post's full text (on) or only its summary (off).
COPSITE_BLOG_FEEDS_FULL_CONTENT = env.bool("BLOG_FEEDS_FULL_CONTENT", default=True)
# Videos in posts play in these players only (privacy-enhanced YouTube, Vimeo; blogs/video.py);
# the Wagtail admin's preview panel is a frame of our own.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"] = [
    "'self'",
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
]
# Scheduled blog posts (Wagtail's go-live and expiry times) are published by beat.
CELERY_BEAT_SCHEDULE["publish-scheduled-pages"] = {
    "task": "blogs.tasks.publish_scheduled_pages",
    "schedule": 60.0,
}
# Pictures people upload for posts: no SVG (it can carry script) and no formats browsers lack.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# A private community's pages are 404 in the Wagtail admin too, for people who may not know it;
# the editor's preview panel (a same-origin frame) may show previews.
MIDDLEWARE = [
    *MIDDLEWARE,
    "community_pages.middleware.HiddenCommunityAdminPagesMiddleware",
    "community_pages.middleware.PreviewFrameMiddleware",
]

# --- Digests ------------------------------------------------------------------------------------
# Replies to digest e-mails go here; by default the no-reply sender address.
DEFAULT_REPLY_TO_EMAIL = env.str("DEFAULT_REPLY_TO_EMAIL", default=DEFAULT_FROM_EMAIL)
from celery.schedules import crontab  # noqa: E402

# Hourly, on the hour: digests whose local hour has come (notifications.digests).
CELERY_BEAT_SCHEDULE["send-due-digests"] = {
    "task": "notifications.digest_tasks.send_due_digests",
    "schedule": crontab(minute=0),
}
CELERY_BEAT_SCHEDULE["prune-digest-runs"] = {
    "task": "notifications.digest_tasks.prune_digest_runs",
    "schedule": crontab(minute=40, hour=3),
}
