from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications and e-mail"

    def ready(self) -> None:
        # Register the e-mail kinds: "notification", "facilitator_nudge" and "broadcast"; the
        # notification kinds several apps share; signals: new members' e-mail setting for the
        # community.
        from . import emails, facilitation_emails, notification_kinds, signals  # noqa: F401
