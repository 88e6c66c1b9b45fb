"""The blog in the Wagtail admin: scoping what people see to their own communities, the blogs
menu and settings screens."""

from django.db.models import Q, QuerySet
from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from communities import permissions as community_permissions
from communities.models import Community

from . import admin_views
from .models import BlogIndexPage, BlogPostPage, CommunityPage

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
    return BlogsMenuItem("Blogs", reverse("blogs_admin:index"), icon_name="doc-full", order=160)


def _hidden_community_pages(user) -> Q:
    """Pages of communities whose content the person may not read, and other people's drafts
    in blogs they do not facilitate. Site superusers see everything."""
    readable = community_permissions.filter_readable_communities(Community.objects.all(), user)
    moderated = community_permissions.communities_moderated_by(user)
    unreadable = ~Q(community__in=readable.values("pk"))
    others_drafts = Q(live=False) & ~Q(owner=user) & ~Q(community__in=moderated.values("pk"))
    return (
        Q(pk__in=CommunityPage.objects.filter(unreadable).values("pk"))
        | Q(pk__in=BlogIndexPage.objects.filter(unreadable).values("pk"))
        | Q(pk__in=BlogPostPage.objects.filter(unreadable | others_drafts).values("pk"))
    )


@hooks.register("construct_explorer_page_queryset")
def hide_other_communities_in_explorer(parent_page, pages, request) -> QuerySet:
    if request.user.is_superuser:
        return pages
    return pages.exclude(_hidden_community_pages(request.user))


@hooks.register("construct_page_chooser_queryset")
def hide_other_communities_in_chooser(pages, request) -> QuerySet:
    if request.user.is_superuser:
        return pages
    return pages.exclude(_hidden_community_pages(request.user))


@hooks.register("insert_editor_js")
def editor_accessibility_js() -> str:
    return format_html('<script src="{}"></script>', static("blogs/admin-a11y.js"))


@hooks.register("insert_global_admin_css")
def admin_accessibility_css() -> str:
    return format_html('<link rel="stylesheet" href="{}">', static("blogs/admin-a11y.css"))
