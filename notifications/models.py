"""An outbox of e-mails: one row per message, written in the same transaction as the change
that causes it and claimed before sending, so a retried or repeated task sends nothing twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import KIND_MAX_LENGTH, NotificationKind, notification_kind, notification_kinds


class OutboundEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to send")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not sent (no longer relevant)")
        FAILED = "failed", _("Gave up")

    key = models.CharField(max_length=200, unique=True, help_text=_("Deduplication key."))
    kind = models.CharField(max_length=60)
    group_key = models.CharField(
        max_length=100, blank=True, db_index=True, help_text=_("E.g. a broadcast, for counts.")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    to_address = models.EmailField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    # For an address with no account (an invitation): the language it was sent from.
    # A person's e-mail is written in their language as it is when it is sent.
    language = models.CharField(max_length=8, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"], name="outbound_email_queue_idx")]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_address or self.recipient_id} ({self.status})"


class DomainEvent(models.Model):
    """Something happened that may notify people (a post, a reaction, a join request…).

    Written in the same transaction as the change and processed after commit by a task; the
    periodic sweep processes any left behind (for example while the broker was down).
    Processing is idempotent: `processed_at` is set in the same transaction as its effects.
    ("Domain" event: not to be confused with a community's calendar events.)
    """

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=60)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["processed_at", "created_at"], name="event_queue_idx")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.key})"


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", _("Straight away")
    DAILY = "daily", _("In a daily digest")
    WEEKLY = "weekly", _("In a weekly digest")
    OFF = "off", _("Never")


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> NotificationQuerySet:
        """The person's notifications whose target they may still see, of kinds still
        registered: decided inside the query by each target type's registered filter
        (`notifications.targets.target_filter`; by default, the notification's community
        must be one they may read). Costs no queries of its own beyond the person's cached
        access, however many rows there are. The target's describer remains the final check
        when a notification is shown or e-mailed."""
        from .targets import visible_targets_q  # targets reads the access module

        return self.filter(
            visible_targets_q(user),
            recipient=user,
            kind__in=[kind.key for kind in notification_kinds()],
        )


class Notification(models.Model):
    """One thing to tell one person, shown on their notifications page (and maybe e-mailed).

    Repeats on the same target while unread are folded into one row ("3 people found your
    reply helpful"): `actor_count` counts them and `updated_at` moves it to the top.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # A key registered in `notifications.kinds` by the app that produces it (no choices: a
    # new kind needs no migration here).
    kind = models.CharField(max_length=KIND_MAX_LENGTH)
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_count = models.PositiveIntegerField(default=1)
    target_type = models.CharField(max_length=40)
    target_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "-updated_at"], name="notification_list_idx"),
            models.Index(fields=["read_at"], name="notification_prune_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "target_type", "target_id"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind_info.label}: {self.title}"

    @property
    def kind_info(self) -> NotificationKind:
        """What the app that owns this kind registered (its label, preference, subject)."""
        return notification_kind(self.kind)


class EmailSettings(models.Model):
    """How and when one person hears from us. Missing rows mean the defaults below."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_settings"
    )
    mentions = models.CharField(
        _("when someone mentions you"), max_length=12, choices=Delivery.choices,
        default=Delivery.IMMEDIATELY,
    )  # fmt: skip
    replies = models.CharField(
        _("replies to and quotes of your posts, comments on your blog posts"), max_length=12,
        choices=Delivery.choices, default=Delivery.IMMEDIATELY,
    )  # fmt: skip
    watching = models.CharField(
        _("new posts in threads and categories you watch"), max_length=12,
        choices=Delivery.choices, default=Delivery.DAILY,
    )  # fmt: skip
    my_posts_activity = models.CharField(
        _("answers accepted, reactions and your threads being merged"), max_length=12,
        choices=Delivery.choices, default=Delivery.DAILY,
    )  # fmt: skip
    facilitation = models.CharField(
        _("for facilitators: join requests, reports and nudges"), max_length=12,
        choices=Delivery.choices, default=Delivery.DAILY,
    )  # fmt: skip
    new_communities = models.CharField(
        _("activity in communities you join from now on"), max_length=12,
        choices=Delivery.choices, default=Delivery.DAILY,
        help_text=_("Set when you join; change it for each community below."),
    )  # fmt: skip
    digest_hour = models.PositiveSmallIntegerField(
        _("time of your digest"), default=7, help_text=_("The hour, 0–23, in your time zone.")
    )
    time_zone = models.CharField(max_length=64, default="Europe/London")
    weekly_digest_day = models.PositiveSmallIntegerField(
        default=0, help_text=_("0 is Monday, 6 is Sunday.")
    )

    def __str__(self) -> str:
        return f"E-mail settings for {self.user_id}"


class CommunityEmailSetting(models.Model):
    """How often one person hears about one community's activity (default: daily digest)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    delivery = models.CharField(max_length=12, choices=Delivery.choices, default=Delivery.DAILY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="community_email_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} hears about {self.community_id}: {self.delivery}"


class DigestRun(models.Model):
    """One person's digest for one period, written before sending so it goes out once."""

    class Status(models.TextChoices):
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        EMPTY = "empty", _("Nothing new: not sent")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=10)  # "daily" or "weekly"
    period_start = models.DateField()
    covers_from = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENDING)
    item_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period", "period_start"], name="digest_run_unique"
            )
        ]
        indexes = [models.Index(fields=["user", "period", "-period_start"], name="digest_last_idx")]

    def __str__(self) -> str:
        return f"{self.period} digest {self.period_start} for {self.user_id}"
