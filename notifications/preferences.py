"""Who wants to hear what, and how. The defaults live on the models; this reads them in bulk."""

from collections.abc import Iterable

from .kinds import notification_kind
from .models import CommunityEmailSetting, Delivery, EmailSettings

# Which preference governs each kind of notification, and which kinds are in-site only here
# (their app sends its own e-mail), is what each app registered: see `notifications.kinds`.


def settings_for(user) -> EmailSettings:
    """The person's settings (unsaved defaults if they never changed any)."""
    existing = EmailSettings.objects.filter(user=user).first()
    return existing or EmailSettings(user=user)


def settings_for_many(user_ids: Iterable[int]) -> dict[int, EmailSettings]:
    """Each person's settings (unsaved defaults for those who never changed any): one query."""
    ids = list(user_ids)
    found = {s.user_id: s for s in EmailSettings.objects.filter(user_id__in=ids)}
    return {uid: found.get(uid) or EmailSettings(user_id=uid) for uid in ids}


def community_delivery_for_many(user_ids: Iterable[int], community_id: int) -> dict[int, str]:
    """How each person hears from the community (daily unless they chose): one query."""
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
    """How a notification of `kind` reaches this person by e-mail: as the preference its app
    registered says; never for in-site-only kinds. Turning a community off silences
    everything from it. An unregistered kind raises `UnknownNotificationKind`."""
    preference = notification_kind(kind).preference
    if preference is None or community_delivery == Delivery.OFF:
        return Delivery.OFF
    return getattr(email_settings, preference)


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
