from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views, permissions

admin_urlpatterns = [
    path("", admin_views.AdminCommunityIndexView.as_view(), name="index"),
    path(
        "<int:community_id>/requests/", admin_views.AdminRequestListView.as_view(), name="requests"
    ),
    path("<int:community_id>/members/", admin_views.AdminMemberListView.as_view(), name="members"),
    path(
        "<int:community_id>/invitations/",
        admin_views.AdminInvitationListView.as_view(),
        name="invitations",
    ),
    path("<int:community_id>/settings/", admin_views.AdminCommunityEditView.as_view(), name="edit"),
    path(
        "requests/<int:request_id>/approve/",
        admin_views.AdminRequestDecideView.as_view(decision="approve"),
        name="request-approve",
    ),
    path(
        "requests/<int:request_id>/decline/",
        admin_views.AdminRequestDecideView.as_view(decision="decline"),
        name="request-decline",
    ),
    path(
        "members/<int:membership_id>/role/",
        admin_views.AdminMembershipActionView.as_view(action="role"),
        name="member-role",
    ),
    path(
        "members/<int:membership_id>/remove/",
        admin_views.AdminMembershipActionView.as_view(action="remove"),
        name="member-remove",
    ),
    path(
        "members/<int:membership_id>/ban/",
        admin_views.AdminMembershipActionView.as_view(action="ban"),
        name="member-ban",
    ),
    path("bans/<int:ban_id>/lift/", admin_views.AdminBanLiftView.as_view(), name="ban-lift"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        admin_views.AdminInvitationRevokeView.as_view(),
        name="invitation-revoke",
    ),
]


@hooks.register("register_admin_urls")
def register_community_admin_urls():
    return [path("communities/", include((admin_urlpatterns, "communities_admin")))]


class CommunitiesMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return permissions.moderates_any_community(request.user)


@hooks.register("register_admin_menu_item")
def register_communities_menu_item():
    return CommunitiesMenuItem(
        _("Communities"), reverse("communities_admin:index"), icon_name="group", order=150
    )
