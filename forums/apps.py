from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "forums"

    def ready(self) -> None:
        # signals: default categories; digest, emails, notifications: what the forum tells people.
        from communities.sections import register_section

        from . import digest, emails, notifications, signals  # noqa: F401
        from .sections import FORUM_SECTION

        register_section(FORUM_SECTION)
