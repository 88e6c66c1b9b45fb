from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications and e-mail"

    def ready(self) -> None:
        from . import emails  # noqa: F401  (registers the "notification" e-mail)
