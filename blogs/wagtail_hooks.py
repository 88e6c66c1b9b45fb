"""The blog in the Wagtail admin: the blogs menu and settings screens, and the editor's
accessibility fixes. (What the admin shows of other communities is community_pages'.)"""

from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views

admin_urlpatterns = [
    path("", admin_views.AdminBlogIndexView.as_view(), name="index"),
    path(
        "<int:community_id>/settings/",
        admin_views.AdminBlogSettingsView.as_view(),
        name="settings",
    ),
]


@hooks.register("register_admin_urls")
def register_blog_admin_urls() -> list:
    return [path("blogs/", include((admin_urlpatterns, "blogs_admin")))]


class BlogsMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return admin_views.blogs_for(request.user).exists()


@hooks.register("register_admin_menu_item")
def register_blogs_menu_item() -> MenuItem:
    return BlogsMenuItem(_("Blogs"), reverse("blogs_admin:index"), icon_name="doc-full", order=160)


@hooks.register("insert_editor_js")
def editor_accessibility_js() -> str:
    return format_html('<script src="{}"></script>', static("blogs/admin-a11y.js"))


@hooks.register("insert_global_admin_css")
def admin_accessibility_css() -> str:
    return format_html('<link rel="stylesheet" href="{}">', static("blogs/admin-a11y.css"))
