"""The blog's models: Wagtail pages for the posts (pages.py), plain Django models for the
high-volume conversation under them (comments.py) and per-community settings (blog_settings.py).
"""

from .blog_settings import BlogSettings
from .comments import BlogComment, BlogCommentQuerySet
from .pages import (
    BlogIndexPage,
    BlogPostPage,
    BlogPostQuerySet,
    BlogPostTag,
)

__all__ = [
    "BlogComment",
    "BlogCommentQuerySet",
    "BlogIndexPage",
    "BlogPostPage",
    "BlogPostQuerySet",
    "BlogPostTag",
    "BlogSettings",
]
