from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "forums"

    def ready(self) -> None:
        # signals: default categories for new communities; emails: the kinds the forum sends.
        from communities.sections import register_section

        from . import emails, signals  # noqa: F401
        from .sections import FORUM_SECTION

        register_section(FORUM_SECTION)
