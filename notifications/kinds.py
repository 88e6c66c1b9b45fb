"""The registry of notification kinds: each app declares the kinds it produces.

A kind is the stored value of `Notification.kind` ("reply", "flag"…) with what the rest of the
app needs to know about it: the label people see ("Replied to you"), the e-mail preference
group that decides how it reaches them (`EmailSettings.replies`…), and the subject of the
e-mail sent straight away. An app declares its kinds in one module it owns
(`forums/notification_kinds.py`…), imported when the app is ready:

    REPLY = register_notification_kind(
        "reply", label="Replied to you", preference="replies",
        email_subject="{actor} replied to “{title}”",
    )

Invariants:

- a key is registered once (registering the same kind again with the same details is
  harmless; different details are an error), and fits `Notification.kind`
  (`KIND_MAX_LENGTH`); keys are stored in rows, so a key never changes once used;
- `preference` is one of `PREFERENCES` (a field of `EmailSettings`), or None for a kind that
  is in-site only here because its app sends its own e-mail (a join request's decision);
- looking up a key nobody registered raises `UnknownNotificationKind`.

`Notification.kind` has no `choices`: adding a kind needs no migration in this app.
"""

from __future__ import annotations

from dataclasses import dataclass

# How long a key may be: the length of `Notification.kind`.
KIND_MAX_LENGTH = 20

# The preference groups a kind can belong to: the per-kind delivery fields of `EmailSettings`,
# in the order the settings page shows them. One-click unsubscribe links name one of these.
PREFERENCES = ("mentions", "replies", "watching", "my_posts_activity", "facilitation")


class UnknownNotificationKind(LookupError):
    """No app registered a notification kind with this key."""


@dataclass(frozen=True)
class NotificationKind:
    """One kind of notification, as its app registered it.

    `email_subject` is a `str.format` template with `{actor}` and `{title}` (the digest's
    "For you" uses it too); None means the notification's title alone. `counts_people`: when
    several people do it to the same thing, the list says "3 people" rather than the latest
    person's name (reactions, reports, join requests).
    """

    key: str
    label: str
    preference: str | None
    email_subject: str | None = None
    counts_people: bool = False

    @property
    def site_only(self) -> bool:
        """Shown in the site only: its app e-mails people itself, if at all."""
        return self.preference is None

    def subject(self, *, actor: str, title: str) -> str:
        """The e-mail subject (and digest line) for this kind of notification."""
        return (self.email_subject or "{title}").format(actor=actor, title=title)


_kinds: dict[str, NotificationKind] = {}


def register_notification_kind(
    key: str,
    *,
    label: str,
    preference: str | None,
    email_subject: str | None = None,
    counts_people: bool = False,
) -> str:
    """Register a kind of notification and return its key (the value stored in rows)."""
    kind = NotificationKind(key, label, preference, email_subject, counts_people)
    _check(kind)
    existing = _kinds.setdefault(key, kind)
    if existing != kind:
        raise ValueError(f"Notification kind {key!r} is already registered differently.")
    return key


def _check(kind: NotificationKind) -> None:
    if not kind.key or len(kind.key) > KIND_MAX_LENGTH:
        raise ValueError(
            f"Notification kind key {kind.key!r} must be 1 to {KIND_MAX_LENGTH} characters."
        )
    if kind.preference is not None and kind.preference not in PREFERENCES:
        raise ValueError(
            f"Notification kind {kind.key!r}: preference {kind.preference!r} is not one of "
            f"{', '.join(PREFERENCES)} (or None for in-site only)."
        )


def notification_kind(key: str) -> NotificationKind:
    """The registered kind with this key; `UnknownNotificationKind` if there is none."""
    try:
        return _kinds[key]
    except KeyError:
        raise UnknownNotificationKind(
            f"No app registered the notification kind {key!r}. Known kinds: "
            f"{', '.join(sorted(_kinds)) or 'none yet (are the apps ready?)'}."
        ) from None


def notification_kinds() -> list[NotificationKind]:
    """Every registered kind, in the order they were registered."""
    return list(_kinds.values())


def emailed_kind_keys() -> set[str]:
    """The keys of the kinds this app may e-mail (those with a preference)."""
    return {kind.key for kind in _kinds.values() if not kind.site_only}
