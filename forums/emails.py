"""E-mails about the forum. Built at send time from ids, so they say what is true then."""

from django.conf import settings
from django.utils.translation import gettext as _

from notifications.registry import EmailContent, email_kind

from .models import Flag, Post


@email_kind("forum_author_warned")
def forum_author_warned(payload: dict) -> EmailContent | None:
    """A facilitator kept a reported post but asks its author to take care.

    Names the reasons people gave, never who reported the post."""
    post = (
        Post.objects.select_related("thread__community", "author")
        .filter(pk=payload["post_id"])
        .first()
    )
    if post is None or post.author.is_former_member or not post.author.is_active:
        return None
    community = post.thread.community
    reasons = sorted(
        {
            flag.get_reason_display()
            for flag in Flag.objects.filter(post=post, pk__in=payload.get("flag_ids", []))
        }
    )
    return EmailContent(
        subject=_("About your post in %(community)s") % {"community": community.name},
        template="forums/emails/author_warned",
        context={
            "person": post.author,
            "community": community,
            "thread": post.thread,
            "post": post,
            "reasons": reasons,
            "note": payload.get("note", ""),
            "post_url": settings.SITE_URL + post.get_absolute_url(),
            "guidelines_url": settings.SITE_URL + community.get_absolute_url(),
        },
    )
