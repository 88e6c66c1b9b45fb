"""Blog posts as search documents (copsite.search_types): live, public posts only (drafts,
scheduled and privately restricted pages are never documents), their summary and body words
as the text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from copsite.search_types import SearchDocument, SearchType

from .models import BlogPostPage, BlogPostTag

POST = "blog.post"


def post_documents(ids: Iterable[int] | None = None) -> Iterator[SearchDocument]:
    posts = BlogPostPage.objects.live().public().filter(community__isnull=False)
    if ids is not None:
        posts = posts.filter(pk__in=list(ids))
    posts = posts.prefetch_related(
        Prefetch("tagged_items", queryset=BlogPostTag.objects.select_related("tag"))
    ).order_by("pk")
    for post in posts:
        yield SearchDocument(
            type_key=POST,
            object_id=post.pk,
            community_id=post.community_id,
            title=post.title,
            text=post.plain_text(),
            url=post.get_absolute_url(),
            author_id=post.owner_id,
            created_at=post.first_published_at,
            updated_at=post.last_published_at or post.first_published_at,
            tags=tuple(sorted(item.tag.name for item in post.tagged_items.all())),
        )


POST_SEARCH = SearchType(POST, _("Blog posts"), BlogPostPage, post_documents, order=20)
