"""The facilitator's daily nudge and a broadcast's per-member copy. Both are built when sent,
through the access module: a facilitator who lost their role, or a member who left between
queueing and sending, gets nothing (the outbox row is marked skipped)."""

import functools
import re

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from accounts.models import User
from communities import permissions as community_permissions
from copsite.markup import MENTION, render_markdown
from notifications import preferences, unsubscribe
from notifications.models import CommunityEmailSetting, Delivery
from notifications.registry import EmailContent, email_kind

from .attention import providers_context
from .models import Broadcast
from .nudges import nudges_for

IMAGE = re.compile(r"!\[((?:\\.|[^\]\\])*)\]\([^)\s]*\)")
RELATIVE_LINK = re.compile(r"\]\(/(?!/)")
NUDGE_SCOPE = "pref:facilitation"


def _active_user(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first()


def _footer(user_id: int, scope: str) -> tuple[dict, dict]:
    context = {
        "unsubscribe_url": unsubscribe.unsubscribe_url(user_id, scope),
        "manage_url": unsubscribe.manage_url(user_id),
    }
    return context, unsubscribe.unsubscribe_headers(user_id, scope)


@email_kind("facilitator_nudge")
def facilitator_nudge(payload: dict) -> EmailContent | None:
    user = _active_user(payload["user_id"])
    if user is None:
        return None
    if preferences.settings_for(user).facilitation == Delivery.OFF:
        return None
    waiting = [n for n in nudges_for(user, roles_only=True) if n.has_something]
    if not waiting:
        return None
    if len(waiting) == 1:
        count = waiting[0].item_count
        subject = ngettext(
            "%(count)s thing to look at in %(community)s",
            "%(count)s things to look at in %(community)s",
            count,
        ) % {"count": count, "community": waiting[0].community.name}
    else:
        subject = gettext("Things to look at in %(count)s of your communities") % {
            "count": len(waiting)
        }
    footer, headers = _footer(user.pk, NUDGE_SCOPE)
    return EmailContent(
        subject=subject,
        template="facilitation/emails/nudge",
        context={
            **providers_context(),
            "person": user,
            "communities": waiting,
            "dashboard_url": settings.SITE_URL + reverse("facilitation:facilitate"),
            **footer,
        },
        headers=headers,
    )


def markdown_for_email(body: str) -> str:
    """The Markdown an e-mail shows (still rendered by the one sanitiser): pictures are served
    only to signed-in readers, so they become `[picture: alt text]`, and links to our own
    pages get the site's address, which a mail client needs."""
    text = IMAGE.sub(lambda m: f"[picture: {m.group(1)}]", body)
    return RELATIVE_LINK.sub(f"]({settings.SITE_URL}/", text)


def markdown_as_text(body: str) -> str:
    """A Markdown body for the plain-text part: Markdown reads as text already, except for
    mentions, which become `@Name`."""
    return markdown_for_email(MENTION.sub(lambda m: f"@{m.group(1)}", body))


# Every member's copy of an announcement has the same body: render it once per worker process.
# The site's address is part of the key because the links it makes depend on it.
@functools.lru_cache(maxsize=32)
def _broadcast_html(body: str, site_url: str) -> str:
    return render_markdown(markdown_for_email(body))


@functools.lru_cache(maxsize=32)
def _broadcast_text(body: str, site_url: str) -> str:
    return markdown_as_text(body)


@email_kind("broadcast")
def broadcast_email(payload: dict) -> EmailContent | None:
    broadcast = (
        Broadcast.objects.select_related("community").filter(pk=payload["broadcast_id"]).first()
    )
    user = _active_user(payload["user_id"])
    if broadcast is None or user is None:
        return None
    community = broadcast.community
    if not community_permissions.is_member(user, community):
        return None  # left or removed since it was queued
    if CommunityEmailSetting.objects.filter(
        user=user, community=community, delivery=Delivery.OFF
    ).exists():
        return None
    footer, headers = _footer(user.pk, f"community:{community.pk}")
    versions = [
        {
            "subject": subject,
            "html_lang": body.html_lang,
            "body_html": _broadcast_html(body.text, settings.SITE_URL),
            "body_text": _broadcast_text(body.text, settings.SITE_URL),
        }
        for subject, body in broadcast.versions(community.bilingual_announcements)
    ]
    subjects = " / ".join(str(version["subject"]) for version in versions)
    return EmailContent(
        subject=f"[{community.local_name}] {subjects}",
        template="facilitation/emails/broadcast",
        context={
            "person": user,
            "broadcast": broadcast,
            "versions": versions,
            "community": community,
            "community_url": settings.SITE_URL + community.get_absolute_url(),
            **footer,
        },
        headers=headers,
    )
