"""Who wants to hear what, and how. The defaults live on the models; this reads them in bulk."""

from collections.abc import Iterable

from .models import CommunityEmailSetting, Delivery, EmailSettings, Notification

# Which preference governs each kind of notification.
PREFERENCE_FOR_KIND = {
    Notification.Kind.MENTION: "mentions",
    Notification.Kind.REPLY: "replies",
    Notification.Kind.QUOTE: "replies",
    Notification.Kind.BLOG_COMMENT: "replies",
    Notification.Kind.WATCHED: "watching",
    Notification.Kind.ANSWER: "my_posts_activity",
    Notification.Kind.REACTION: "my_posts_activity",
    Notification.Kind.THREAD_MERGED: "my_posts_activity",
    Notification.Kind.JOIN_REQUEST: "facilitation",
    Notification.Kind.FLAG: "facilitation",
}
# Kinds whose e-mail is sent by their own app (e.g. the join decision): in-site only here.
SITE_ONLY_KINDS = {Notification.Kind.REQUEST_DECIDED}


def settings_for(user) -> EmailSettings:
    """The person's settings (unsaved defaults if they never changed any)."""
    existing = EmailSettings.objects.filter(user=user).first()
    return existing or EmailSettings(user=user)


def settings_for_many(user_ids: Iterable[int]) -> dict[int, EmailSettings]:
    ids = list(user_ids)
    found = {s.user_id: s for s in EmailSettings.objects.filter(user_id__in=ids)}
    return {uid: found.get(uid) or EmailSettings(user_id=uid) for uid in ids}


def community_delivery_for_many(user_ids: Iterable[int], community_id: int) -> dict[int, str]:
    ids = list(user_ids)
    found = dict(
        CommunityEmailSetting.objects.filter(
            user_id__in=ids, community_id=community_id
        ).values_list("user_id", "delivery")
    )
    return {uid: found.get(uid, Delivery.DAILY) for uid in ids}


def community_deliveries_save(user_id: int, deliveries: dict[int, str]) -> None:
    """Store how the person hears from each of these communities: one statement for all."""
    CommunityEmailSetting.objects.bulk_create(
        [
            CommunityEmailSetting(user_id=user_id, community_id=community_id, delivery=delivery)
            for community_id, delivery in deliveries.items()
        ],
        update_conflicts=True,
        unique_fields=["user", "community"],
        update_fields=["delivery"],
    )


def delivery_for(email_settings: EmailSettings, kind: str, community_delivery: str) -> str:
    """How a notification of `kind` reaches this person by e-mail. Turning a community off
    silences everything from it."""
    if kind in SITE_ONLY_KINDS or community_delivery == Delivery.OFF:
        return Delivery.OFF
    return getattr(email_settings, PREFERENCE_FOR_KIND[kind])


def community_delivery_on_joining(user_id: int, community_id: int) -> None:
    """A person who joins a community hears from it as their "communities you join from now
    on" setting says (so "unsubscribe from everything" stays true after joining another)."""
    chosen = (
        EmailSettings.objects.filter(user_id=user_id)
        .values_list("new_communities", flat=True)
        .first()
    )
    if chosen is not None and chosen != Delivery.DAILY:
        CommunityEmailSetting.objects.get_or_create(
            user_id=user_id, community_id=community_id, defaults={"delivery": chosen}
        )
