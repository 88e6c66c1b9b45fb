from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "communities"

    def ready(self) -> None:
        from . import emails  # noqa: F401  (registers the e-mail kinds)
