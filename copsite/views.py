import re

import redis

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from wagtail.documents.views.serve import serve as serve_wagtail_document

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _database_ok() -> bool:
    """Open a fresh connection (not the pooled one) and run a query."""
    connection = connections.create_connection("default")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:
        return False
    finally:
        connection.close()


def _redis_ok() -> bool:
    if not settings.REDIS_URL:
        return True
    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping())
    except redis.RedisError:
        return False


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok(), "redis": _redis_ok()}
    return JsonResponse(
        {"status": "ok" if all(checks.values()) else "unavailable", "checks": checks},
        status=200 if all(checks.values()) else 503,
    )


def _text_colour_for(background: str) -> str:
    """Black or white, whichever contrasts more with the brand colour (WCAG luminance)."""
    channels = [int(background[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    contrast_with_white = 1.05 / (luminance + 0.05)
    contrast_with_black = (luminance + 0.05) / 0.05
    return "#ffffff" if contrast_with_white >= contrast_with_black else "#0b0c0c"


@cache_control(max_age=300, public=True)
@require_GET
def theme_css(request: HttpRequest) -> HttpResponse:
    """The site's brand colour as CSS custom properties (set BRAND_COLOUR to re-theme)."""
    brand = settings.COPSITE_BRAND_COLOUR
    if not HEX_COLOUR.match(brand):
        brand = "#1d5c63"
    css = (
        f":root {{ --copsite-brand: {brand}; --copsite-brand-text: {_text_colour_for(brand)}; }}\n"
    )
    return HttpResponse(css, content_type="text/css; charset=utf-8")


def document(request: HttpRequest, document_id: str, document_filename: str) -> HttpResponse:
    """Wagtail's document view (its `before_serve_document` hooks apply each community's
    access rule), marked private: a document may be members-only, so no shared cache keeps it."""
    response = serve_wagtail_document(request, document_id, document_filename)
    patch_cache_control(response, private=True)
    return response
