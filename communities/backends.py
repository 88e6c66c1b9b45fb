from django.contrib.auth.backends import BaseBackend

from . import permissions


class CommunityRolesBackend(BaseBackend):
    """Lets community facilitators and owners into the Wagtail admin.

    Django asks every backend for a permission, so admin access follows a person's
    community roles without copying them into groups.
    """

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if perm != "wagtailadmin.access_admin" or not user_obj.is_active:
            return False
        return permissions.moderates_any_community(user_obj)
