from django.apps import AppConfig


class CommunityPagesConfig(AppConfig):
    name = "community_pages"
    verbose_name = "community pages"

    def ready(self) -> None:
        # signals: a new community gets its collection and pages; renamed ones keep them in step.
        from . import signals  # noqa: F401
