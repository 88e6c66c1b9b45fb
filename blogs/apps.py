from django.apps import AppConfig


class BlogsConfig(AppConfig):
    name = "blogs"

    def ready(self) -> None:
        # signals: Wagtail groups in step with memberships;
        # emails, notifications, digest: what the blog tells people; workflow_notifications:
        # moderation e-mails through the outbox instead of Wagtail's synchronous mailer (must
        # connect before wagtail.admin).
        from communities.sections import register_section
        from community_pages.sections import register_section_page

        from . import digest, emails, notifications, signals, workflow_notifications  # noqa: F401
        from .sections import BLOG_SECTION
        from .tree import blog_pages_ensure

        register_section(BLOG_SECTION)
        register_section_page("blogs.BlogIndexPage", ensure=blog_pages_ensure)
        workflow_notifications.connect()
