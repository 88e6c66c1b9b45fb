"""The blog's part of the digest: new blog posts.

One query for the whole batch: live, public posts first published in the batch's widest
window in the communities somebody in the batch follows for this digest, the most
commented first. `notifications.digests.items_per_user` then gives each person the posts in
their own window, in communities they follow, whose community they may read now
(`communities.permissions.can_read`, answered from the memberships the batch read when it
ran), never posts they wrote or co-wrote.

A post counts from its first publication (a scheduled post from when it went live), so
republishing an edit does not send it again.

Also describes blog comments in bulk for the digest's "For you" section.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.models import User
from communities import permissions as community_permissions
from copsite.feeds import absolute_url
from notifications.digests import (
    Candidate,
    Described,
    DigestBatch,
    DigestItem,
    bulk_target_describer,
    items_per_user,
    lazy_excerpt,
    register_digest_section,
    views_per_community,
)
from notifications.targets import TargetView

from .models import BlogComment, BlogPostPage
from .notifications import TARGET_TYPE, comment_view, shown_comments_with_posts

POST_FIELDS = (
    "id", "title", "url_path", "summary", "first_published_at", "community", "owner",
    "community__id", "community__name", "community__language", "community__translated_name",
    "community__slug", "community__visibility",
    "owner__id", "owner__display_name", "owner__deleted_at",
)  # fmt: skip


def _comment_count_label(count: int) -> str:
    if not count:
        return ""
    return f"{count} comment" if count == 1 else f"{count} comments"


def new_posts(batch: DigestBatch) -> dict[int, list[DigestItem]]:
    """Posts first published in the window, the most discussed first."""
    posts = (
        BlogPostPage.objects.live()
        .public()
        .filter(
            community_id__in=batch.followed_community_ids,
            first_published_at__gt=batch.earliest,
            first_published_at__lte=batch.until,
        )
        .select_related("community", "owner")
        .prefetch_related(Prefetch("co_authors", queryset=User.objects.only("pk")))
        .only(*POST_FIELDS)
        .annotate(
            shown_comments=Count("comments", filter=Q(comments__status=BlogComment.Status.VISIBLE))
        )
        .order_by("-shown_comments", "-first_published_at", "-pk")
    )
    candidates = []
    for post in posts:
        author = post.owner.public_name if post.owner_id else post.community.name
        item = DigestItem(
            key=f"blog.post:{post.pk}",
            title=post.title,
            url=absolute_url(post.get_absolute_url()),
            community_id=post.community_id,
            community_name=post.community.name,
            byline=f"By {author}",
            detail=_comment_count_label(post.shown_comments),
            excerpt=lazy_excerpt(post.summary),
        )
        candidates.append(
            Candidate(
                community_id=post.community_id,
                when=post.first_published_at,
                item=item,
                subject=post.community,
                author_id=post.owner_id,
                co_author_ids=frozenset(person.pk for person in post.co_authors.all()),
            )
        )
    # Live, public posts: the blog's reading rule comes down to the community.
    return items_per_user(batch, candidates, community_permissions.can_read, per_community=True)


register_digest_section(
    "blog.posts",
    new_posts,
    order=25,
    heading=_("New blog posts"),
    noun=ngettext_lazy("%(count)s new blog post", "%(count)s new blog posts", "count"),
    limit=5,
    more_url_name="blogs:latest",
)


# --- "For you": blog comments for a whole batch --------------------------------------------------


@bulk_target_describer(TARGET_TYPE)
def describe_comments_for_batch(
    batch: DigestBatch, wanted: dict[int, set[int]]
) -> dict[int, dict[int, TargetView]]:
    """`blogs.notifications.describe_comments` for a batch: one query. Only visible comments
    on live public posts are read, so the rule comes down to the community: asked once per
    person and community."""
    comments = shown_comments_with_posts().filter(pk__in=set().union(*wanted.values()))
    found = {
        comment.pk: Described(
            community_id=comment.post.community_id,
            subject=comment.post.community,
            view=comment_view(comment, lazy_excerpt),
        )
        for comment in comments
    }
    return views_per_community(batch, wanted, found, community_permissions.can_read)
