from django.urls import path

from . import views

app_name = "communities"

urlpatterns = [
    path("communities/", views.CommunityDirectoryView.as_view(), name="directory"),
    path("communities/new/", views.CommunityCreateView.as_view(), name="community-create"),
    path("invitations/<str:token>/", views.InvitationView.as_view(), name="invitation"),
    path("c/<slug:slug>/", views.CommunityHomeView.as_view(), name="home"),
    path("c/<slug:slug>/members/", views.MemberListView.as_view(), name="member-list"),
    path("c/<slug:slug>/join/", views.CommunityJoinView.as_view(), name="join"),
    path("c/<slug:slug>/request/", views.MembershipRequestView.as_view(), name="request"),
    path(
        "c/<slug:slug>/request/withdraw/",
        views.MembershipRequestWithdrawView.as_view(),
        name="request-withdraw",
    ),
    path("c/<slug:slug>/leave/", views.CommunityLeaveView.as_view(), name="leave"),
]
