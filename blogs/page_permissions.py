"""What Wagtail lets someone do with a blog's pages, narrowed by the access module.

Wagtail works out page permissions from group page permissions (blogs.access keeps a writers'
and an editors' group per community). These testers add what groups cannot say:

- a writer may publish, unpublish or delete only their own posts (Wagtail's "publish"
  permission would otherwise cover every post in the blog);
- everything also needs the access module to agree now (`can_blog` for writers,
  `can_moderate` for facilitators), so a membership that has just ended stops working even
  before its group is updated;
- nobody but a superuser unpublishes or deletes a blog itself; moving, copying and privacy are
  kept from everyone else for every community page (community_pages.page_permissions).

Which pages the admin shows at all is community_pages.page_permissions.hidden_pages.
"""

from community_pages.page_permissions import CommunityPageTester


class BlogIndexPermissionTester(CommunityPageTester):
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


class BlogPostPermissionTester(CommunityPageTester):
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
