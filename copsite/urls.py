from django.conf import settings
from django.urls import include, path, re_path
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
    path("", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("communities.urls")),
    path("", include("forums.urls")),
    path("", include("blogs.urls")),
    path("", include("notifications.urls")),
    path("", include("facilitation.urls")),
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

urlpatterns.append(path("", include(wagtail_urls)))
