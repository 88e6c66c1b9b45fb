"""Facilitation URLs, in the "facilitation" namespace (they were in "notifications" before the
app had its own; the paths and names are the same)."""

from django.urls import path

from . import views

app_name = "facilitation"

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
