"""Public feeds of a community's forum, under /c/<slug>/forum/ (open communities only)."""

from django.urls import path

from copsite.feeds import AtomFeed

from .feeds import PublicCategoryFeed, PublicCommunityFeed

urlpatterns = [
    path("feed.rss", PublicCommunityFeed(), name="feed-rss"),
    path("feed.atom", PublicCommunityFeed(AtomFeed), name="feed-atom"),
    path(
        "category/<slug:category_slug>/feed.rss",
        PublicCategoryFeed(),
        name="category-feed-rss",
    ),
    path(
        "category/<slug:category_slug>/feed.atom",
        PublicCategoryFeed(AtomFeed),
        name="category-feed-atom",
    ),
]
