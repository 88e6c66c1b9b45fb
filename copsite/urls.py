from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.utils import timezone
from django.views.decorators.http import last_modified
from django.views.i18n import JavaScriptCatalog
from django.views.static import serve

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views

urlpatterns = [
    path("health/", views.health, name="health"),
    path("theme.css", views.theme_css, name="theme-css"),
    path("admin/", include(wagtailadmin_urls)),
    # Before Wagtail's own pattern for the same address (`doc.url` still reverses to it).
    re_path(r"^documents/(\d+)/(.*)$", views.document, name="document"),
    path("documents/", include(wagtaildocs_urls)),
]

# Every page people read has an English address (unprefixed) and a Welsh one (under /cy/).
SERVER_STARTED = timezone.now()
translated_patterns = [
    path(
        "jsi18n/",
        last_modified(lambda request: SERVER_STARTED)(JavaScriptCatalog.as_view()),
        name="javascript-catalog",
    ),
    path("", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("communities.urls")),
    path("", include("forums.urls")),
    path("", include("blogs.urls")),
    path("", include("notifications.urls")),
    path("", include("facilitation.urls")),
    path("", include(wagtail_urls)),
]

if settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    # Avatars are images we re-encoded ourselves; nothing else under MEDIA_ROOT is served here.
    urlpatterns.append(
        re_path(
            r"^media/(?P<path>avatars/[\w.-]+\.png)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
            name="avatar-file",
        )
    )

urlpatterns += i18n_patterns(*translated_patterns, prefix_default_language=False)
