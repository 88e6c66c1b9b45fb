from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications and e-mail"

    def ready(self) -> None:
        # Register the e-mail kind "notification"; the notification kinds several apps share;
        # signals: new members' e-mail setting for the community.
        from . import emails, notification_kinds, signals  # noqa: F401
