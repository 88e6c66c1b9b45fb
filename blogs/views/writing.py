""" "Write a post": one click from the blog to the Wagtail editor, scoped to the community."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from communities import permissions as community_permissions

from .. import services
from ..models import BlogIndexPage, BlogSettings


def editor_url(index: BlogIndexPage) -> str:
    """Wagtail's "add a post" page under this community's blog."""
    return reverse("wagtailadmin_pages:add", args=("blogs", "blogpostpage", index.pk))


class PostWriteView(LoginRequiredMixin, View):
    """GET explains what happens next (for people who arrive by address); POST, the "Write a
    post" button on the blog, gives the person what the editor needs and opens it."""

    template_name = "blogs/write/index.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.community = community_permissions.get_readable_community_or_404(
                request.user, kwargs["slug"]
            )
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request, status=200):
        can_write = community_permissions.can_blog(request.user, self.community)
        moderated = BlogSettings.objects.filter(
            community=self.community, moderate_member_posts=True
        ).exists() and not community_permissions.can_moderate(request.user, self.community)
        context = {
            "community": self.community,
            "can_write": can_write,
            "problem": None if can_write else services.why_no_writing(request.user, self.community),
            "posts_are_moderated": moderated,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, slug):
        can_write = community_permissions.can_blog(request.user, self.community)
        return self._render(request, status=200 if can_write else 403)

    def post(self, request, slug):
        if not community_permissions.can_blog(request.user, self.community):
            return self._render(request, status=403)
        index = services.writer_enrol(actor=request.user, community=self.community)
        return redirect(editor_url(index))
