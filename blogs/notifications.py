"""Who hears about blog comments. Runs in the event handler, after the comment has committed:
every recipient is checked against the access module then, and again when the notification
is shown or e-mailed (the "blog.comment" describer below).

A new comment tells the post's authors ("commented on your blog post"); a reply to a comment
also tells that comment's author ("replied to you"). Both follow the person's e-mail settings
(the "replies" preference and the community's setting), like the forum's notifications.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Exists, OuterRef, Q

from communities import permissions as community_permissions
from community_pages.models import without_view_restrictions
from copsite.markup import plain_excerpt
from notifications.events import event_handler, event_record
from notifications.notify import Target, notify
from notifications.targets import TargetView, target_describer, target_filter

from .models import BlogComment, BlogPostPage
from .notification_kinds import BLOG_COMMENT, REPLY

TARGET_TYPE = "blog.comment"
EXCERPT_CHARACTERS = 260  # about 40 words


def comment_published(comment: BlogComment) -> None:
    """Record a new comment (called from blogs.services inside the writing transaction)."""
    event_record(
        kind="blog.comment_published",
        key=f"blog-comment-{comment.pk}",
        payload={"comment_id": comment.pk},
    )


def _shown_comments():
    """Visible comments on published, public posts of a community's blog."""
    return BlogComment.objects.filter(
        status=BlogComment.Status.VISIBLE,
        post__in=without_view_restrictions(BlogPostPage.objects.live()).values("pk"),
        post__community__isnull=False,
    )


def _target(comment: BlogComment) -> Target:
    post = comment.post
    return Target(
        type=TARGET_TYPE,
        id=comment.pk,
        title=post.title,
        url=comment.get_absolute_url(),
        community_id=post.community_id,
    )


@event_handler("blog.comment_published")
def on_comment_published(payload: dict) -> None:
    comment = (
        _shown_comments()
        .select_related("post__community", "post__owner", "parent")
        .filter(pk=payload["comment_id"])
        .first()
    )
    if comment is None:
        return
    post = comment.post
    authors = {person.pk for person in post.authors}
    parent = comment.parent
    replied_to = set()
    if parent is not None and parent.status == BlogComment.Status.VISIBLE:
        replied_to = {parent.author_id}
    readers = community_permissions.user_ids_who_can_read(
        (authors | replied_to) - {comment.author_id}, post.community
    )
    target = _target(comment)
    notify(
        recipient_ids=authors & readers,
        kind=BLOG_COMMENT,
        target=target,
        actor_id=comment.author_id,
    )
    notify(
        recipient_ids=(replied_to & readers) - authors,
        kind=REPLY,
        target=target,
        actor_id=comment.author_id,
    )


def comment_view(comment: BlogComment, excerpt: Callable[[str], str] | None = None) -> TargetView:
    """How a notification shows a comment (the comment's post and community loaded). Digests
    pass `lazy_excerpt`, so only the comments a digest shows are rendered."""
    return TargetView(
        title=comment.post.title,
        url=comment.get_absolute_url(),
        excerpt=(excerpt or _excerpt)(comment.body),
        community_name=comment.post.community.name,
    )


def _excerpt(markdown: str) -> str:
    return plain_excerpt(markdown, EXCERPT_CHARACTERS)


def shown_comments_with_posts():
    """Visible comments on live public posts, with what `comment_view` and the access checks
    read (the post's title and path, its community)."""
    return (
        _shown_comments()
        .select_related("post__community")
        .only(
            "id",
            "body",
            "post",
            "post__id",
            "post__title",
            "post__url_path",
            "post__community",
            "post__community__id",
            "post__community__name",
            "post__community__language",
            "post__community__translated_name",
            "post__community__slug",
            "post__community__visibility",
        )  # fmt: skip
    )


@target_describer(TARGET_TYPE)
def describe_comments(user, comment_ids: list[int]) -> dict[int, TargetView]:
    """Comments the reader may still see: visible, on a live public post, in a community
    whose content they may read now."""
    comments = community_permissions.filter_by_readable_community(
        shown_comments_with_posts().filter(pk__in=comment_ids), user, "post__community"
    )
    return {comment.pk: comment_view(comment) for comment in comments}


@target_filter(TARGET_TYPE)
def readable_comment_notifications(user) -> Q:
    """Notifications about visible comments on live, public posts in communities the person
    may read now: `describe_comments`'s rule, view restrictions decided inside the query."""
    comments = _shown_comments().filter(pk=OuterRef("target_id"))
    return Q(
        Exists(
            community_permissions.filter_by_readable_community(comments, user, "post__community")
        )
    )
