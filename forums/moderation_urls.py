"""Facilitators' forum URLs, under /c/<slug>/forum/ (included by `forums.urls`, so the names
are in the "forums" namespace: this module sets no `app_name` of its own)."""

from django.urls import path

from .views import categories, merge, posting_bans, review, thread_moderation

urlpatterns = [
    path("review/", review.ReviewQueueView.as_view(), name="review"),
    path("settings/", categories.ForumSettingsView.as_view(), name="forum-settings"),
    path(
        "settings/categories/new/", categories.CategoryCreateView.as_view(), name="category-create"
    ),
    path(
        "settings/categories/<int:category_id>/edit/",
        categories.CategoryEditView.as_view(),
        name="category-edit",
    ),
    path(
        "settings/categories/<int:category_id>/reorder/",
        categories.CategoryReorderView.as_view(),
        name="category-reorder",
    ),
    path(
        "settings/categories/<int:category_id>/delete/",
        categories.CategoryDeleteView.as_view(),
        name="category-delete",
    ),
    path(
        "settings/bans/new/", posting_bans.PostingBanCreateView.as_view(), name="posting-ban-create"
    ),
    path(
        "settings/bans/<int:user_id>/lift/",
        posting_bans.PostingBanLiftView.as_view(),
        name="posting-ban-lift",
    ),
    path(
        "t/<int:thread_id>/state/", thread_moderation.ThreadStateView.as_view(), name="thread-state"
    ),
    path("t/<int:thread_id>/move/", thread_moderation.ThreadMoveView.as_view(), name="thread-move"),
    path("t/<int:thread_id>/merge/", merge.ThreadMergeView.as_view(), name="thread-merge"),
    path("t/<int:thread_id>/split/", merge.ThreadSplitView.as_view(), name="thread-split"),
    path(
        "t/<int:thread_id>/publish/",
        thread_moderation.ScheduledThreadPublishView.as_view(),
        name="scheduled-thread-publish",
    ),
    path(
        "t/<int:thread_id>/cancel/",
        thread_moderation.ScheduledThreadCancelView.as_view(),
        name="scheduled-thread-cancel",
    ),
    path("p/<int:post_id>/history/", review.PostHistoryView.as_view(), name="post-history"),
    path("p/<int:post_id>/hide/", review.PostHideView.as_view(), name="post-hide"),
    path("p/<int:post_id>/restore/", review.PostRestoreView.as_view(), name="post-restore"),
    path("p/<int:post_id>/approve/", review.PostApproveView.as_view(), name="post-approve"),
    path("p/<int:post_id>/reject/", review.PostRejectView.as_view(), name="post-reject"),
    path("p/<int:post_id>/reports/", review.FlagResolveView.as_view(), name="flag-resolve"),
]
