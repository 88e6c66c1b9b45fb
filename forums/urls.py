from django.urls import include, path

from .views import reading, writing

app_name = "forums"

community_patterns = [
    path("", reading.ForumIndexView.as_view(), name="forum"),
    path("new/", writing.ThreadStartView.as_view(), name="thread-start"),
    path("category/<slug:category_slug>/", reading.CategoryView.as_view(), name="category"),
    path(
        "category/<slug:category_slug>/watch/",
        writing.WatchView.as_view(),
        name="category-watch",
    ),
    path("t/<int:thread_id>/", reading.ThreadView.as_view(), name="thread"),
    path("t/<int:thread_id>/reply/", writing.ReplyView.as_view(), name="reply"),
    path("t/<int:thread_id>/watch/", writing.WatchView.as_view(), name="thread-watch"),
    path("p/<int:post_id>/", reading.PostPermalinkView.as_view(), name="post"),
    path("p/<int:post_id>/edit/", writing.PostEditView.as_view(), name="post-edit"),
    path("p/<int:post_id>/delete/", writing.PostDeleteView.as_view(), name="post-delete"),
    path(
        "p/<int:post_id>/react/", writing.PostActionView.as_view(action="react"), name="post-react"
    ),
    path(
        "p/<int:post_id>/bookmark/",
        writing.PostActionView.as_view(action="bookmark"),
        name="post-bookmark",
    ),
    path(
        "p/<int:post_id>/answer/",
        writing.PostActionView.as_view(action="answer"),
        name="post-answer",
    ),
    path(
        "p/<int:post_id>/unanswer/",
        writing.PostActionView.as_view(action="unanswer"),
        name="post-unanswer",
    ),
    path("p/<int:post_id>/flag/", writing.FlagView.as_view(), name="post-flag"),
    path("mentions/", writing.MentionSearchView.as_view(), name="mention-search"),
    path("images/new/", writing.ImageUploadView.as_view(), name="image-upload"),
    path("", include("forums.moderation_urls")),
    path("", include("forums.feed_urls")),
]

urlpatterns = [
    path("c/<slug:slug>/forum/", include(community_patterns)),
    path("forum/latest/", reading.LatestView.as_view(), name="latest"),
    path("forum/mine/", reading.MyCommunitiesLatestView.as_view(), name="mine"),
    path("forum/bookmarks/", reading.BookmarkListView.as_view(), name="bookmarks"),
    path("forums/images/<int:image_id>/<str:name>", writing.ImageServeView.as_view(), name="image"),
    path("", include("forums.site_feed_urls")),
]
