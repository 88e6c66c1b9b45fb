from django.apps import AppConfig


class BlogsConfig(AppConfig):
    name = "blogs"

    def ready(self) -> None:
        # signals: Wagtail groups in step with memberships;
        # emails, notification_kinds, notifications, digest: what the blog tells people;
        # workflow_notifications: moderation e-mails through the outbox instead of Wagtail's
        # synchronous mailer (must connect before wagtail.admin).
        from communities.sections import register_section
        from community_pages.sections import register_section_page
        from copsite.search_types import search_types

        from . import (  # noqa: F401
            digest,
            emails,
            notification_kinds,
            notifications,
            signals,
            workflow_notifications,
        )
        from .search import POST_SEARCH
        from .sections import BLOG_SECTION, register_blog_links
        from .tree import blog_pages_ensure

        register_section(BLOG_SECTION)
        register_blog_links()
        search_types.register(POST_SEARCH)
        register_section_page("blogs.BlogIndexPage", ensure=blog_pages_ensure)
        workflow_notifications.connect()
