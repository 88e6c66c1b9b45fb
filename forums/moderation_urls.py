"""Facilitators' forum URLs, under /c/<slug>/forum/ (included by `forums.urls`, so the names
are in the "forums" namespace: this module sets no `app_name` of its own)."""

from django.urls import path

from .views import moderation as views

urlpatterns = [
    path("review/", views.ReviewQueueView.as_view(), name="review"),
    path("settings/", views.ForumSettingsView.as_view(), name="forum-settings"),
    path("settings/categories/new/", views.CategoryCreateView.as_view(), name="category-create"),
    path(
        "settings/categories/<int:category_id>/edit/",
        views.CategoryEditView.as_view(),
        name="category-edit",
    ),
    path(
        "settings/categories/<int:category_id>/reorder/",
        views.CategoryReorderView.as_view(),
        name="category-reorder",
    ),
    path(
        "settings/categories/<int:category_id>/delete/",
        views.CategoryDeleteView.as_view(),
        name="category-delete",
    ),
    path("settings/bans/new/", views.PostingBanCreateView.as_view(), name="posting-ban-create"),
    path(
        "settings/bans/<int:user_id>/lift/",
        views.PostingBanLiftView.as_view(),
        name="posting-ban-lift",
    ),
    path("t/<int:thread_id>/state/", views.ThreadStateView.as_view(), name="thread-state"),
    path("t/<int:thread_id>/move/", views.ThreadMoveView.as_view(), name="thread-move"),
    path("t/<int:thread_id>/merge/", views.ThreadMergeView.as_view(), name="thread-merge"),
    path("t/<int:thread_id>/split/", views.ThreadSplitView.as_view(), name="thread-split"),
    path(
        "t/<int:thread_id>/publish/",
        views.ScheduledThreadPublishView.as_view(),
        name="scheduled-thread-publish",
    ),
    path(
        "t/<int:thread_id>/cancel/",
        views.ScheduledThreadCancelView.as_view(),
        name="scheduled-thread-cancel",
    ),
    path("p/<int:post_id>/history/", views.PostHistoryView.as_view(), name="post-history"),
    path("p/<int:post_id>/hide/", views.PostHideView.as_view(), name="post-hide"),
    path("p/<int:post_id>/restore/", views.PostRestoreView.as_view(), name="post-restore"),
    path("p/<int:post_id>/approve/", views.PostApproveView.as_view(), name="post-approve"),
    path("p/<int:post_id>/reject/", views.PostRejectView.as_view(), name="post-reject"),
    path("p/<int:post_id>/reports/", views.FlagResolveView.as_view(), name="flag-resolve"),
]
