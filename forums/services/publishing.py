"""What every new post goes through, whether it opens a thread or replies to one: spotting a
double submission, holding a newcomer's first post, recording mentions and moving the
community's activity forward."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from accounts.models import User
from communities.models import Community, Membership
from copsite.markup import mentioned_user_ids

from .. import permissions
from ..models import ForumSettings, Mention, Post


def existing_submission(actor, submission_key: str) -> Post | None:
    """The post `actor` already made with this submission key (a double click), if any."""
    if not submission_key:
        return None
    return (
        Post.objects.select_related("thread")
        .filter(author=actor, submission_key=submission_key)
        .first()
    )


def should_hold(actor, community: Community) -> bool:
    """A new member's first post waits for approval when the community asks for it."""
    if permissions.can_moderate(actor, community):
        return False
    forum_settings = ForumSettings.objects.filter(community=community).first()
    if not (forum_settings and forum_settings.hold_first_posts):
        return False
    return not Post.objects.filter(
        author=actor, thread__community=community, status=Post.Status.VISIBLE
    ).exists()


def mentions_record(post: Post, community: Community) -> None:
    """Record mentions of people who may read the community (notifications deliver them)."""
    ids = mentioned_user_ids(post.body) - {post.author_id}
    if not ids:
        return
    readers = User.objects.filter(pk__in=ids, is_active=True)
    if community.visibility != "open":
        readers = readers.filter(
            Q(pk__in=Membership.objects.filter(community=community).values("user_id"))
            | Q(is_staff=True)
        )
    Mention.objects.bulk_create(
        [Mention(post=post, user=user) for user in readers], ignore_conflicts=True
    )


def community_touch(community: Community, when: datetime) -> None:
    Community.objects.filter(pk=community.pk, last_activity_at__lt=when).update(
        last_activity_at=when
    )
