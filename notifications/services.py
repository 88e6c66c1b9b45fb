"""Queueing and delivering e-mails through the outbox (see models.OutboundEmail)."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import User
from copsite.tasks import enqueue_after_commit

from .languages import email_language
from .models import OutboundEmail
from .registry import EmailContent, builder_for

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def email_queue(
    *,
    key: str,
    kind: str,
    to_address: str,
    recipient=None,
    recipient_id: int | None = None,
    payload: dict | None = None,
    group_key: str = "",
) -> OutboundEmail:
    """Record an e-mail to send once the current transaction commits. Same key, same e-mail."""
    email, created = OutboundEmail.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "to_address": to_address,
            "recipient_id": recipient_id or getattr(recipient, "pk", None),
            "payload": payload or {},
            "group_key": group_key,
            "language": "" if (recipient or recipient_id) else email_language(None),
        },
    )
    if created:
        from .tasks import deliver_email

        enqueue_after_commit(deliver_email, email.pk)
    return email


@dataclass(frozen=True)
class QueuedEmail:
    """One e-mail of a batch for `email_queue_group`."""

    key: str
    to_address: str
    recipient_id: int
    payload: dict


def email_queue_group(*, kind: str, group_key: str, emails: list[QueuedEmail]) -> None:
    """Record many e-mails of one kind (an announcement to every member) with one bulk insert,
    and one task that sends the group after commit, instead of a query and a broker message
    each. Keys already queued are left alone."""
    OutboundEmail.objects.bulk_create(
        [
            OutboundEmail(
                key=email.key,
                kind=kind,
                to_address=email.to_address,
                recipient_id=email.recipient_id,
                payload=email.payload,
                group_key=group_key,
            )
            for email in emails
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    from .tasks import deliver_email_group

    enqueue_after_commit(deliver_email_group, group_key)


def group_pending_email_ids(group_key: str) -> list[int]:
    return list(
        OutboundEmail.objects.filter(
            group_key=group_key, status=OutboundEmail.Status.PENDING
        ).values_list("pk", flat=True)
    )


def build_message(content: EmailContent, to_address: str) -> EmailMultiAlternatives:
    context = {"site_name": settings.COPSITE_SITE_NAME, "site_url": settings.SITE_URL}
    context.update(content.context)
    text = render_to_string(f"{content.template}.txt", context)
    html = render_to_string(f"{content.template}.html", context)
    message = EmailMultiAlternatives(
        subject=content.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to_address],
        headers=content.headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def _language_of(email: OutboundEmail) -> str:
    """The recipient's language as it is now; for an address with no account, the one stored."""
    if email.recipient_id:
        recipient = User.objects.filter(pk=email.recipient_id).only("language").first()
        return email_language(recipient)
    return email.language or email_language(None)


def _claim(email_id: int) -> OutboundEmail | None:
    """Mark the row as being sent, committed before sending: a second worker finds it taken."""
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update()
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return None
        email.status = OutboundEmail.Status.SENDING
        email.attempts += 1
        email.save(update_fields=["status", "attempts"])
    return email


def email_deliver(email_id: int) -> bool:
    """Send one queued e-mail at most once. Returns whether a message went out."""
    email = _claim(email_id)
    if email is None:
        return False
    try:
        with translation.override(_language_of(email)):
            content = builder_for(email.kind)(email.payload)
            if content is None:
                _finish(email, OutboundEmail.Status.SKIPPED)
                return False
            message = build_message(content, email.to_address)
        message.send()
    except Exception as error:
        logger.exception("Sending e-mail %s failed", email.pk)
        email.last_error = repr(error)[:2000]
        if email.attempts >= MAX_ATTEMPTS:
            _finish(email, OutboundEmail.Status.FAILED, "last_error")
        else:
            email.status = OutboundEmail.Status.PENDING
            email.save(update_fields=["status", "last_error"])
        return False
    email.sent_at = timezone.now()
    _finish(email, OutboundEmail.Status.SENT, "sent_at")
    return True


def _finish(email: OutboundEmail, status: str, *fields: str) -> None:
    """Record the row's final state. Secrets in the payload (such as an invitation token) were
    needed only to build the message: they go whether it was sent, skipped or given up on."""
    email.status = status
    email.payload = {k: v for k, v in email.payload.items() if not k.startswith("secret_")}
    email.save(update_fields=["status", "payload", *fields])


def pending_email_ids(*, older_than_seconds: int = 60) -> list[int]:
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        OutboundEmail.objects.filter(
            status=OutboundEmail.Status.PENDING, created_at__lte=cutoff
        ).values_list("pk", flat=True)[:500]
    )
