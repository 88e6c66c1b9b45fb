from django.apps import AppConfig


class FacilitationConfig(AppConfig):
    name = "facilitation"
    verbose_name = "Facilitation"

    def ready(self) -> None:
        # The e-mail kinds "facilitator_nudge" and "broadcast"; the "needs attention" providers
        # for the communities app's data (join requests, new members to welcome).
        from . import emails  # noqa: F401
        from .member_attention import register_member_attention

        register_member_attention()
