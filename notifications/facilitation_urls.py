"""Facilitation URLs. Included by `notifications.urls`, so the names are in the "notifications"
namespace: this module sets no `app_name` of its own."""

from django.urls import path

from . import facilitation_views as views

urlpatterns = [
    path("facilitate/", views.FacilitateView.as_view(), name="facilitate"),
    path(
        "c/<slug:slug>/facilitate/welcome/",
        views.MembersWelcomeView.as_view(),
        name="members-welcome",
    ),
    path("c/<slug:slug>/announce/", views.BroadcastCreateView.as_view(), name="broadcast-create"),
    path(
        "c/<slug:slug>/announce/<int:broadcast_id>/",
        views.BroadcastDetailView.as_view(),
        name="broadcast-detail",
    ),
]
