from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "forums"

    def ready(self) -> None:
        # E-mail builders; default categories for new communities.
        from . import emails, signals  # noqa: F401
