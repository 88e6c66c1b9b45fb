"""Facilitators' forum URLs, under /c/<slug>/forum/. (Temporary placeholders: the moderation
work replaces these with real views.)"""

from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    path("review/", RedirectView.as_view(url="../"), name="review"),
    path("p/<int:post_id>/history/", RedirectView.as_view(url="../"), name="post-history"),
]
