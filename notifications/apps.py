from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications and e-mail"

    def ready(self) -> None:
        # Register the e-mail kinds: "notification", "facilitator_nudge" and "broadcast";
        # signals: new members' e-mail setting for the community.
        from . import emails, facilitation_emails, signals  # noqa: F401
