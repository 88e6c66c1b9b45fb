from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "communities"

    def ready(self) -> None:
        # Register the e-mail kinds, the notification kinds and handlers; signals: facilitators
        # are never stopped posting.
        from . import emails, notification_kinds, notifications, signals  # noqa: F401
