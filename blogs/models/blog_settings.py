from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.models import Workflow

from communities.models import Community


class BlogSettings(models.Model):
    """One community's blog settings and the Wagtail objects that carry them out.

    The groups and the workflow are derived state kept by `blogs.access`: the writers' group
    may add pages under the community's blog (and publish them unless members' posts are
    moderated); the editors' group (facilitators and owners) may add, change, publish, lock and
    unlock them and approves posts in the moderation workflow.
    """

    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, related_name="blog_settings"
    )
    moderate_member_posts = models.BooleanField(
        _("send members' posts through moderation"),
        default=False,
        help_text=_(
            "A facilitator approves each member's post (or asks for changes) before it is "
            "published. Facilitators' own posts are published straight away."
        ),
    )
    writers_group = models.OneToOneField(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="blog_writers_of"
    )
    editors_group = models.OneToOneField(
        Group, null=True, blank=True, on_delete=models.SET_NULL, related_name="blog_editors_of"
    )
    workflow = models.OneToOneField(
        Workflow, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("blog settings")
        verbose_name_plural = _("blog settings")

    def __str__(self) -> str:
        return f"Blog settings of {self.community}"
