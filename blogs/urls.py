"""The blog's Django views. The blogs themselves (/c/<slug>/blog/, tag pages, posts) are
Wagtail pages; these are the pages around them: latest posts, tags and authors across blogs,
comments, "Write a post", pictures and feeds. Addresses under /c/<slug>/blog/ end in ".rss",
".atom" or use a slug posts may not take (BlogPostPage.RESERVED_POST_SLUGS)."""

from django.urls import include, path

from copsite.feeds import AtomFeed

from .feeds import (
    PersonalAuthorFeed,
    PersonalBlogFeed,
    PersonalSiteFeed,
    PersonalTagFeed,
    PublicAuthorFeed,
    PublicBlogFeed,
    PublicSiteFeed,
    PublicTagFeed,
)
from .views import comments, images, reading, writing

app_name = "blogs"


def _feeds(route: str, name: str, feed_class) -> list:
    return [
        path(f"{route}.rss", feed_class(), name=f"{name}-rss"),
        path(f"{route}.atom", feed_class(AtomFeed), name=f"{name}-atom"),
    ]


personal_feeds = [
    *_feeds("blog", "personal-feed", PersonalSiteFeed),
    *_feeds("c/<slug:slug>/blog", "personal-blog-feed", PersonalBlogFeed),
    *_feeds("c/<slug:slug>/blog/tags/<str:tag>", "personal-blog-tag-feed", PersonalBlogFeed),
    *_feeds("blog/tags/<str:tag>", "personal-tag-feed", PersonalTagFeed),
    *_feeds("blog/authors/<int:user_id>", "personal-author-feed", PersonalAuthorFeed),
]

urlpatterns = [
    # Around a community's blog
    path("c/<slug:slug>/blog/write/", writing.PostWriteView.as_view(), name="post-write"),
    *_feeds("c/<slug:slug>/blog/feed", "blog-feed", PublicBlogFeed),
    *_feeds("c/<slug:slug>/blog/tags/<str:tag>/feed", "blog-tag-feed", PublicBlogFeed),
    # Across blogs
    path("blog/latest/", reading.LatestView.as_view(), name="latest"),
    path("blog/tags/<str:tag>/", reading.TagView.as_view(), name="tag"),
    path("blog/authors/<int:user_id>/", reading.AuthorView.as_view(), name="author"),
    path("blog/feeds/", reading.FeedListView.as_view(), name="feed-list"),
    *_feeds("blog/feed", "feed", PublicSiteFeed),
    *_feeds("blog/tags/<str:tag>/feed", "tag-feed", PublicTagFeed),
    *_feeds("blog/authors/<int:user_id>/feed", "author-feed", PublicAuthorFeed),
    # Comments
    path(
        "blog/posts/<int:post_id>/comments/",
        comments.CommentCreateView.as_view(),
        name="comment-create",
    ),
    path(
        "blog/posts/<int:post_id>/comments/close/",
        comments.CommentsCloseView.as_view(),
        name="comments-close",
    ),
    path(
        "blog/comments/<int:comment_id>/reply/",
        comments.CommentReplyView.as_view(),
        name="comment-reply",
    ),
    path(
        "blog/comments/<int:comment_id>/edit/",
        comments.CommentEditView.as_view(),
        name="comment-edit",
    ),
    path(
        "blog/comments/<int:comment_id>/delete/",
        comments.CommentDeleteView.as_view(),
        name="comment-delete",
    ),
    path(
        "blog/comments/<int:comment_id>/hide/",
        comments.CommentHideView.as_view(),
        name="comment-hide",
    ),
    path(
        "blog/comments/<int:comment_id>/restore/",
        comments.CommentRestoreView.as_view(),
        name="comment-restore",
    ),
    # Pictures
    path(
        "blog/images/<int:image_id>/<slug:spec>/<slug:name>",
        images.ImageServeView.as_view(),
        name="image",
    ),
    path("feeds/<str:token>/", include(personal_feeds)),
]
