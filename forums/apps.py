from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "forums"

    def ready(self) -> None:
        # signals: default categories; digest, emails, notification_kinds, notifications: what
        # the forum tells people.
        from communities.sections import register_section
        from copsite.search_types import search_types

        from . import digest, emails, notification_kinds, notifications, signals  # noqa: F401
        from .facilitation import register_facilitation
        from .search import THREAD_SEARCH
        from .sections import FORUM_SECTION, register_forum_links

        register_section(FORUM_SECTION)
        register_forum_links()
        search_types.register(THREAD_SEARCH)
        register_facilitation()  # needs-attention providers and the welcome writer
