"""The e-mail for one notification sent straight away. Built at send time: if the person can
no longer see what it is about, or turned that kind of e-mail off since, nothing is sent.
Its subject and the preference its unsubscribe link names are what the kind's app registered
(`notifications.kinds`)."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from notifications.registry import EmailContent, email_kind

from . import preferences, unsubscribe
from .models import Delivery, Notification
from .targets import describe


def subject_for(notification: Notification, actor_name: str) -> str:
    """The subject its kind registered (`notifications.kinds`), filled in."""
    return notification.kind_info.subject(actor=actor_name, title=notification.title)


@email_kind("notification")
def notification_email(payload: dict) -> EmailContent | None:
    notification = (
        Notification.objects.select_related("recipient", "actor", "community")
        .filter(pk=payload["notification_id"])
        .first()
    )
    if notification is None or notification.read_at is not None:
        return None
    recipient = notification.recipient
    if not recipient.is_active:
        return None
    email_settings = preferences.settings_for(recipient)
    community_delivery = (
        preferences.community_delivery_for_many([recipient.pk], notification.community_id)[
            recipient.pk
        ]
        if notification.community_id
        else Delivery.DAILY
    )
    if (
        preferences.delivery_for(email_settings, notification.kind, community_delivery)
        != Delivery.IMMEDIATELY
    ):
        return None
    view = describe(recipient, notification.target_type, [notification.target_id]).get(
        notification.target_id
    )
    if view is None:  # lost access, or the post is gone
        return None
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    actor_name = notification.actor.public_name if notification.actor else gettext("Someone")
    scope = f"pref:{notification.kind_info.preference}"
    return EmailContent(
        subject=subject_for(notification, actor_name),
        template="notifications/emails/notification",
        context={
            "notification": notification,
            "actor_name": actor_name,
            "view": view,
            "url": settings.SITE_URL + view.url,
            "unsubscribe_url": unsubscribe.unsubscribe_url(recipient.pk, scope),
            "manage_url": unsubscribe.manage_url(recipient.pk),
            "person": recipient,
        },
        headers=unsubscribe.unsubscribe_headers(recipient.pk, scope),
    )
