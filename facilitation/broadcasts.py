"""Announcements: a facilitator e-mails every member of a community, and sees how it went.

`broadcast_create` records an announcement and queues one e-mail per member in the same
transaction (one bulk insert of outbox rows and one task for the group); a submission key
absorbs a double click, and the day's limit is counted from the announcements recorded, under a
lock on the community row, so two facilitators sending at once cannot pass it (decision 18).
`delivery_counts` reads how each one's e-mails went from the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from communities import permissions as community_permissions
from communities.models import Community, Membership
from copsite import posting
from notifications.models import CommunityEmailSetting, Delivery, OutboundEmail
from notifications.services import QueuedEmail, email_queue_group

from .models import Broadcast

BROADCASTS_PER_DAY = 3  # per community; `settings.COPSITE_BROADCASTS_PER_DAY` overrides


def broadcast_recipients(community: Community) -> QuerySet:
    """Memberships of active people with a verified address who have not turned this
    community's e-mails off (turning all e-mail off does that for each community)."""
    verified = EmailAddress.objects.filter(
        user_id=OuterRef("user_id"), verified=True, email__iexact=OuterRef("user__email")
    )
    turned_off = CommunityEmailSetting.objects.filter(
        user_id=OuterRef("user_id"), community_id=community.pk, delivery=Delivery.OFF
    )
    return (
        Membership.objects.filter(community=community, user__is_active=True)
        .exclude(Q(user__email__isnull=True) | Q(user__email=""))
        .filter(Exists(verified))
        .filter(~Exists(turned_off))
    )


def broadcasts_per_day() -> int:
    return getattr(settings, "COPSITE_BROADCASTS_PER_DAY", BROADCASTS_PER_DAY)


def broadcasts_sent_today(community: Community) -> int:
    """Announcements the community sent in the last 24 hours (the day's limit counts these)."""
    since = timezone.now() - timedelta(days=1)
    return Broadcast.objects.filter(community=community, created_at__gte=since).count()


def broadcast_create(
    *,
    actor,
    community: Community,
    subject: str,
    body: str,
    submission_key: str = "",
    language: str = "",
    translated_subject: str = "",
    translated_body: str = "",
) -> Broadcast:
    """Record an announcement and queue one e-mail per recipient (sent after commit).

    The same submission key twice returns the first broadcast. Raises `ValidationError` when
    the subject or body is empty, nobody would receive it, or the community has already sent
    its broadcasts for today (nothing is recorded then, so the form can be sent again later).
    """
    if not community_permissions.can_moderate(actor, community):
        raise PermissionDenied("Only the community's facilitators can send announcements.")
    subject, body = subject.strip(), body.strip()
    translated_subject, translated_body = translated_subject.strip(), translated_body.strip()
    if not subject or not body:
        raise ValidationError(gettext("Give the announcement a subject and a message."))
    if bool(translated_subject) != bool(translated_body):
        raise ValidationError(
            gettext("Give the other language's version both a subject and a message, or neither.")
        )
    with transaction.atomic():
        # One announcement at a time per community: a double click, or two facilitators at
        # once, cannot both pass the day's limit or both be sent.
        # no_key: threads, joins and the like that point at the community are not held up.
        Community.objects.select_for_update(no_key=True).filter(pk=community.pk).first()
        if submission_key:
            earlier = Broadcast.objects.filter(author=actor, submission_key=submission_key)
            if existing := earlier.first():
                return existing
        recipients = list(broadcast_recipients(community).values_list("user_id", "user__email"))
        if not recipients:
            raise ValidationError(
                gettext("Nobody would get this: no member can receive e-mail from here.")
            )
        limit = broadcasts_per_day()
        if broadcasts_sent_today(community) >= limit:
            raise ValidationError(
                ngettext(
                    "%(name)s has sent %(limit)s announcement today, the most for one day. "
                    "Send this one tomorrow: what you wrote is still here.",
                    "%(name)s has sent %(limit)s announcements today, the most for one day. "
                    "Send this one tomorrow: what you wrote is still here.",
                    limit,
                )
                % {"name": community.name, "limit": limit}
            )
        try:
            with transaction.atomic():
                broadcast = Broadcast.objects.create(
                    community=community,
                    author=actor,
                    subject=subject[:150],
                    body=body,
                    language=posting.written_language(language),
                    translated_subject=translated_subject[:150],
                    translated_body=translated_body,
                    recipient_count=len(recipients),
                    submission_key=submission_key,
                )
        except IntegrityError:  # the same submission raced in from another community's form
            return Broadcast.objects.get(author=actor, submission_key=submission_key)
        email_queue_group(
            kind="broadcast",
            group_key=broadcast.group_key,
            emails=[
                QueuedEmail(
                    key=f"broadcast-{broadcast.pk}-{user_id}",
                    to_address=address,
                    recipient_id=user_id,
                    payload={"broadcast_id": broadcast.pk, "user_id": user_id},
                )
                for user_id, address in recipients
            ],
        )
    return broadcast


@dataclass
class DeliveryCounts:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    waiting: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.skipped + self.waiting


def delivery_counts(broadcasts: list[Broadcast]) -> dict[int, DeliveryCounts]:
    """Sent / failed / not sent / waiting for each broadcast, from its outbox rows (one query)."""
    counts = {broadcast.pk: DeliveryCounts() for broadcast in broadcasts}
    by_key = {broadcast.group_key: broadcast.pk for broadcast in broadcasts}
    if not by_key:
        return counts
    Status = OutboundEmail.Status
    for row in (
        OutboundEmail.objects.filter(group_key__in=list(by_key))
        .values("group_key", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        tally = counts[by_key[row["group_key"]]]
        if row["status"] == Status.SENT:
            tally.sent += row["n"]
        elif row["status"] == Status.FAILED:
            tally.failed += row["n"]
        elif row["status"] == Status.SKIPPED:
            tally.skipped += row["n"]
        else:
            tally.waiting += row["n"]
    return counts
