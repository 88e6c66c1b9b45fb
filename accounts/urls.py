from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("people/<int:user_id>/", views.ProfileView.as_view(), name="profile"),
    path("accounts/profile/", views.ProfileEditView.as_view(), name="profile-edit"),
    path("accounts/delete/", views.AccountDeleteView.as_view(), name="account-delete"),
]
