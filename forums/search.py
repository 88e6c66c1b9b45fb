"""Forum threads as search documents (copsite.search_types): a thread is one result, its text
the opening post and every visible reply, so a match in a reply finds the thread.

Only published threads and visible posts are documents. Team posts (`as_team`) never name their
writer, in search as everywhere else, so such a thread has no author to filter by.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext_lazy as _

from copsite.markup import plain_text
from copsite.search_types import SearchDocument, SearchType

from .models import Post, Thread

THREAD = "forum.thread"


def thread_documents(ids: Iterable[int] | None = None) -> Iterator[SearchDocument]:
    threads = Thread.objects.filter(status=Thread.Status.PUBLISHED).select_related("community")
    if ids is not None:
        threads = threads.filter(pk__in=list(ids))
    texts = _visible_post_texts(threads)
    for thread in threads.prefetch_related("tags").order_by("pk"):
        yield SearchDocument(
            type_key=THREAD,
            object_id=thread.pk,
            community_id=thread.community_id,
            title=thread.title,
            text="\n\n".join(texts.get(thread.pk, [])),
            url=thread.get_absolute_url(),
            author_id=None if thread.as_team else thread.author_id,
            created_at=thread.created_at,
            updated_at=thread.last_activity_at,
            tags=tuple(sorted(tag.name for tag in thread.tags.all())),
        )


def _visible_post_texts(threads) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = defaultdict(list)
    posts = (
        Post.objects.shown()
        .filter(thread__in=threads.values("pk"))
        .order_by("thread_id", "created_at", "pk")
        .values_list("thread_id", "body")
    )
    for thread_id, body in posts:
        texts[thread_id].append(plain_text(body))
    return texts


THREAD_SEARCH = SearchType(THREAD, _("Discussions"), Thread, thread_documents, order=10)
