from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "communities"

    def ready(self) -> None:
        # Register the e-mail kinds and the notification handlers.
        from . import emails, notifications  # noqa: F401
