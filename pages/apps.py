from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Site pages"

    def ready(self) -> None:
        from .home_sections import ACTIVE_COMMUNITIES, home_sections

        home_sections.register(ACTIVE_COMMUNITIES)
