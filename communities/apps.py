from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "communities"

    def ready(self) -> None:
        # Register the e-mail kinds and the notification handlers; signals: facilitators are
        # never stopped posting.
        from . import emails, notifications, signals  # noqa: F401
