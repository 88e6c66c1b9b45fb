"""What Wagtail lets someone do with a blog's pages, narrowed by the access module.

Wagtail works out page permissions from group page permissions (blogs.access keeps a writers'
and an editors' group per community). These testers add what groups cannot say:

- a writer may publish, unpublish or delete only their own posts (Wagtail's "publish"
  permission would otherwise cover every post in the blog);
- everything also needs the access module to agree now (`can_blog` for writers,
  `can_moderate` for facilitators), so a membership that has just ended stops working even
  before its group is updated;
- nobody but a superuser moves, copies or sets privacy on blog pages, or deletes, moves or
  unpublishes a blog itself: a blog belongs to its community, and who may read it follows the
  community's visibility, not Wagtail's view restrictions.

What the admin shows someone is narrowed the same way: `hidden_pages` is the one rule for which
pages the admin never shows a person (another community's pages they may not read, and other
people's drafts in blogs they do not facilitate), and `CommunityPagePermissionPolicy` applies it
to every page queryset Wagtail builds from its permission policy (page search, listings, the
admin API, site history, reports), besides the explorer and chooser hooks (blogs.wagtail_hooks)
and the per-URL 404s (blogs.middleware).
"""

from django.db.models import Q, QuerySet

from wagtail.models import PagePermissionTester
from wagtail.permission_policies.pages import PagePermissionPolicy

from communities import permissions as community_permissions


def hidden_pages(user) -> Q:
    """Pages of communities whose content the person may not read, and other people's drafts
    in blogs they do not facilitate. (Not for superusers: they see everything.)"""
    from communities.models import Community

    from .models import BlogIndexPage, BlogPostPage, CommunityPage

    readable = community_permissions.filter_readable_communities(Community.objects.all(), user)
    moderated = community_permissions.communities_moderated_by(user)
    unreadable = ~Q(community__in=readable.values("pk"))
    others_drafts = Q(live=False) & ~Q(owner=user) & ~Q(community__in=moderated.values("pk"))
    return (
        Q(pk__in=CommunityPage.objects.filter(unreadable).values("pk"))
        | Q(pk__in=BlogIndexPage.objects.filter(unreadable).values("pk"))
        | Q(pk__in=BlogPostPage.objects.filter(unreadable | others_drafts).values("pk"))
    )


def visible_pages(user, pages: QuerySet) -> QuerySet:
    """`pages` less those the admin hides from `user` (`hidden_pages`): all of them for an
    active superuser, none for an inactive or anonymous person (who may open no admin page)."""
    if user.is_anonymous or not user.is_active:
        return pages.none()
    if user.is_superuser:
        return pages
    return pages.exclude(hidden_pages(user))


class CommunityPagePermissionPolicy(PagePermissionPolicy):
    """Wagtail's page permission policy, minus the pages the admin hides from the person.

    Wagtail asks the policy for "pages this person may explore" (page search, page listings and
    filters, the admin API, site history) and "pages this person has permission X for"
    (reports, dashboard panels): those querysets never include a hidden page. Permission checks
    on one page are the testers' business (below), not this policy's.
    """

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        return visible_pages(user, super().instances_user_has_any_permission_for(user, actions))

    def explorable_instances(self, user) -> QuerySet:
        return visible_pages(user, super().explorable_instances(user))


class _CommunityTester(PagePermissionTester):
    @property
    def _superuser(self) -> bool:
        return self.user.is_active and self.user.is_superuser

    @property
    def _community(self):
        return self.page.get_community()

    def _moderates(self) -> bool:
        community = self._community
        return community is not None and community_permissions.can_moderate(self.user, community)

    def _writes(self) -> bool:
        community = self._community
        return community is not None and community_permissions.can_blog(self.user, community)

    def can_move(self) -> bool:
        return self._superuser

    def can_copy(self) -> bool:
        return self._superuser

    def can_copy_to(self, destination, recursive=False) -> bool:
        return self._superuser and super().can_copy_to(destination, recursive)

    def can_set_view_restrictions(self) -> bool:
        return self._superuser

    def can_reorder_children(self) -> bool:
        return self._superuser


class ContainerPermissionTester(_CommunityTester):
    """A community's page in the tree: only superusers change it (blogs.tree keeps it)."""

    def can_add_subpage(self) -> bool:
        return self._superuser and super().can_add_subpage()

    def can_edit(self) -> bool:
        return self._superuser and super().can_edit()

    def can_delete(self, ignore_bulk=False) -> bool:
        return self._superuser and super().can_delete(ignore_bulk)

    def can_publish(self) -> bool:
        return self._superuser and super().can_publish()

    def can_unpublish(self) -> bool:
        return self._superuser and super().can_unpublish()

    def can_publish_subpage(self) -> bool:
        return self._superuser and super().can_publish_subpage()


class BlogIndexPermissionTester(_CommunityTester):
    def can_add_subpage(self) -> bool:
        return super().can_add_subpage() and (
            self._superuser or self._writes() or self._moderates()
        )

    def can_publish_subpage(self) -> bool:
        return super().can_publish_subpage() and (
            self._superuser or self._writes() or self._moderates()
        )

    def can_edit(self) -> bool:
        return super().can_edit() and (self._superuser or self._moderates())

    def can_publish(self) -> bool:
        return super().can_publish() and (self._superuser or self._moderates())

    def can_unpublish(self) -> bool:
        return self._superuser and super().can_unpublish()

    def can_delete(self, ignore_bulk=False) -> bool:
        return self._superuser and super().can_delete(ignore_bulk)

    def can_lock(self) -> bool:
        return super().can_lock() and (self._superuser or self._moderates())

    def can_unlock(self) -> bool:
        return super().can_unlock() and (self._superuser or self._moderates())


class BlogPostPermissionTester(_CommunityTester):
    def _owns(self) -> bool:
        return self.page.owner_id is not None and self.page.owner_id == self.user.pk

    def _own_or_moderated(self) -> bool:
        return self._superuser or self._moderates() or (self._owns() and self._writes())

    def can_add_subpage(self) -> bool:
        return False

    def can_edit(self) -> bool:
        return super().can_edit() and (self._superuser or self._moderates() or self._writes())

    def can_publish(self) -> bool:
        return super().can_publish() and self._own_or_moderated()

    def can_unpublish(self) -> bool:
        return super().can_unpublish() and self._own_or_moderated()

    def can_unschedule(self) -> bool:
        return super().can_unschedule() and self._own_or_moderated()

    def can_delete(self, ignore_bulk=False) -> bool:
        return super().can_delete(ignore_bulk) and self._own_or_moderated()

    def can_lock(self) -> bool:
        return super().can_lock() and (self._superuser or self._moderates())

    def can_unlock(self) -> bool:
        return super().can_unlock() and (self._superuser or self._moderates() or self._owns())
