from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "forums"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (default categories for new communities)
