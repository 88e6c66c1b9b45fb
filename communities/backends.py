from django.contrib.auth.backends import BaseBackend

from . import permissions

_PAGE_EDITOR_CACHE = "_copsite_has_page_permissions"


class CommunityRolesBackend(BaseBackend):
    """Lets community facilitators and owners, and blog writers, into the Wagtail admin.

    Django asks every backend for a permission, so admin access follows a person's community
    roles without copying them into groups. Blog writers are the exception: Wagtail decides
    what someone may do with pages from its group page permissions, so the blogs app keeps a
    writers' and an editors' group per community in step with memberships (blogs.access).
    A member is put in their community's writers' group the first time they choose "Write a
    post"; being in a group with page permissions is what lets them into the admin.
    """

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if perm != "wagtailadmin.access_admin" or not user_obj.is_active:
            return False
        return permissions.moderates_any_community(user_obj) or _has_page_permissions(user_obj)


def _has_page_permissions(user) -> bool:
    """Whether any of the person's groups gives them Wagtail page permissions (cached per
    request on the user object, like the access module's own cache)."""
    cached = getattr(user, _PAGE_EDITOR_CACHE, None)
    if cached is None:
        from wagtail.models import GroupPagePermission

        cached = GroupPagePermission.objects.filter(group__user=user).exists()
        setattr(user, _PAGE_EDITOR_CACHE, cached)
    return cached
