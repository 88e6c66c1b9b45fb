from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="list"),
    path(
        "notifications/<int:notification_id>/",
        views.NotificationOpenView.as_view(),
        name="open",
    ),
    path("notifications/read-all/", views.MarkAllReadView.as_view(), name="read-all"),
    path("notifications/settings/", views.EmailSettingsView.as_view(), name="settings"),
    path(
        "email/settings/<str:token>/",
        views.EmailLinkSettingsView.as_view(),
        name="email-link-settings",
    ),
    path("email/unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
