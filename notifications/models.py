"""An outbox of e-mails: one row per message, written in the same transaction as the change
that causes it and claimed before sending, so a retried or repeated task sends nothing twice."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class OutboundEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to send"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Not sent (no longer relevant)"
        FAILED = "failed", "Gave up"

    key = models.CharField(max_length=200, unique=True, help_text="Deduplication key.")
    kind = models.CharField(max_length=60)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    to_address = models.EmailField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="outbound_email_queue_idx")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_address or self.recipient_id} ({self.status})"
