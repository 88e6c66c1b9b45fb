"""Personal secret feeds (/feeds/<token>/...) and the page that lists and resets them."""

from django.urls import include, path

from copsite.feeds import AtomFeed

from .feeds import PersonalAllFeed, PersonalCategoryFeed, PersonalCommunityFeed
from .views.feeds import FeedSettingsView

personal_patterns = [
    path("forum.rss", PersonalAllFeed(), name="personal-feed-rss"),
    path("forum.atom", PersonalAllFeed(AtomFeed), name="personal-feed-atom"),
    path("c/<slug:slug>/forum.rss", PersonalCommunityFeed(), name="personal-community-feed-rss"),
    path(
        "c/<slug:slug>/forum.atom",
        PersonalCommunityFeed(AtomFeed),
        name="personal-community-feed-atom",
    ),
    path(
        "c/<slug:slug>/forum/category/<slug:category_slug>.rss",
        PersonalCategoryFeed(),
        name="personal-category-feed-rss",
    ),
    path(
        "c/<slug:slug>/forum/category/<slug:category_slug>.atom",
        PersonalCategoryFeed(AtomFeed),
        name="personal-category-feed-atom",
    ),
]

urlpatterns = [
    path("feeds/", FeedSettingsView.as_view(), name="feed-settings"),
    path("feeds/<str:token>/", include(personal_patterns)),
]
