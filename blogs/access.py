"""Wagtail's side of who may write in a community's blog, kept in step with the access module.

Wagtail decides what someone may do with pages from group page permissions and with images from
group collection permissions, and its moderation tasks name groups. So each community with a
blog has two groups (in `BlogSettings`):

- writers: may add posts under the community's blog (and publish their own, unless members'
  posts are moderated), and add and choose images in the community's collection;
- editors (facilitators and owners): may add, change, publish, lock and unlock any post there,
  change the blog page, manage the collection's images, and approve posts in the community's
  moderation workflow.

Facilitators and owners are kept in the editors' group by signals on `Membership`. A member joins
the writers' group the first time they choose "Write a post" (`writer_enrol`), so only people who
write get an admin account surface; they leave it when they leave, are banned or lose their
verified address. The page permission testers (blogs.page_permissions) also ask the access
module on every check, so the groups are never the only thing standing between someone and a
community's posts.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext

from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from communities import permissions as community_permissions
from communities.models import MODERATOR_ROLES, Community, Membership
from community_pages.collections import community_collection

from .models import BlogIndexPage, BlogSettings
from .tree import blog_pages_ensure

WRITER_PAGE_ACTIONS = frozenset({"add", "publish"})
MODERATED_WRITER_PAGE_ACTIONS = frozenset({"add"})
EDITOR_PAGE_ACTIONS = frozenset({"add", "change", "publish", "lock", "unlock"})
WRITER_IMAGE_ACTIONS = frozenset({"add", "choose"})
EDITOR_IMAGE_ACTIONS = frozenset({"add", "change", "choose", "delete"})
_PAGE_PERMISSIONS_CACHE = "_copsite_has_page_permissions"  # see communities.backends


def forget_page_permissions(user) -> None:
    """Drop what this request cached about the person's Wagtail permissions."""
    for name in (_PAGE_PERMISSIONS_CACHE, "_page_permission_cache", "_explorable_root_page_cache",
                 "_perm_cache", "_group_perm_cache"):  # fmt: skip
        if hasattr(user, name):
            delattr(user, name)


def _permissions(model, actions: frozenset[str]) -> list[Permission]:
    content_type = ContentType.objects.get_for_model(model)
    codenames = {f"{action}_{model._meta.model_name}" for action in actions}
    found = list(Permission.objects.filter(content_type=content_type, codename__in=codenames))
    if len(found) != len(codenames):
        missing = codenames - {p.codename for p in found}
        raise RuntimeError(f"Permissions missing (run migrate): {', '.join(sorted(missing))}")
    return found


def _set_page_permissions(group: Group, page: Page, actions: frozenset[str]) -> None:
    wanted = {p.pk: p for p in _permissions(Page, actions)}
    current = GroupPagePermission.objects.filter(group=group, page=page)
    current.exclude(permission_id__in=wanted).delete()
    have = set(current.values_list("permission_id", flat=True))
    GroupPagePermission.objects.bulk_create(
        [
            GroupPagePermission(group=group, page=page, permission=permission)
            for pk, permission in wanted.items()
            if pk not in have
        ]
    )
    # Nothing anywhere else: these groups are about this one blog.
    GroupPagePermission.objects.filter(group=group).exclude(page=page).delete()


def _set_collection_permissions(group: Group, collection: Collection, actions) -> None:
    wanted = {p.pk: p for p in _permissions(get_image_model(), actions)}
    current = GroupCollectionPermission.objects.filter(group=group, collection=collection)
    current.exclude(permission_id__in=wanted).delete()
    have = set(current.values_list("permission_id", flat=True))
    GroupCollectionPermission.objects.bulk_create(
        [
            GroupCollectionPermission(group=group, collection=collection, permission=permission)
            for pk, permission in wanted.items()
            if pk not in have
        ]
    )
    GroupCollectionPermission.objects.filter(group=group).exclude(collection=collection).delete()


def _group(name: str) -> Group:
    group, _ = Group.objects.get_or_create(name=name[:150])
    return group


def _sync_editors(settings: BlogSettings) -> None:
    """The editors' group is the community's facilitators and owners, and any site staff who
    joined it through "Write a post"."""
    group = settings.editors_group
    members = group.user_set
    current = set(members.values_list("pk", flat=True))
    staff = set(members.filter(is_staff=True, is_active=True).values_list("pk", flat=True))
    wanted = community_permissions.moderator_ids(settings.community) | staff
    if current - wanted:
        members.remove(*(current - wanted))
    if wanted - current:
        members.add(*(wanted - current))


def _sync_workflow(settings: BlogSettings, index: BlogIndexPage) -> None:
    community = settings.community
    if not settings.moderate_member_posts:
        WorkflowPage.objects.filter(page=index).delete()
        return
    workflow = settings.workflow
    if workflow is None:
        workflow = Workflow.objects.create(
            name=gettext("%(name)s blog: facilitators approve members' posts")
            % {"name": community.name}
        )
        task = GroupApprovalTask.objects.create(name=f"{community.name} facilitators"[:255])
        task.groups.set([settings.editors_group])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        settings.workflow = workflow
        settings.save(update_fields=["workflow"])
    elif not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    WorkflowPage.objects.update_or_create(page=index, defaults={"workflow": workflow})


@transaction.atomic
def blog_access_refresh(community: Community) -> BlogSettings:
    """Make the community's groups, permissions and workflow match its settings and roles.
    Idempotent: it only adds or removes what differs."""
    index = blog_pages_ensure(community)
    settings, _ = BlogSettings.objects.select_for_update().get_or_create(community=community)
    settings.community = community
    if settings.writers_group is None or settings.editors_group is None:
        settings.writers_group = settings.writers_group or _group(
            f"Community {community.pk} blog writers"
        )
        settings.editors_group = settings.editors_group or _group(
            f"Community {community.pk} blog editors"
        )
        settings.save(update_fields=["writers_group", "editors_group"])
    writer_actions = (
        MODERATED_WRITER_PAGE_ACTIONS if settings.moderate_member_posts else WRITER_PAGE_ACTIONS
    )
    _set_page_permissions(settings.writers_group, index, writer_actions)
    _set_page_permissions(settings.editors_group, index, EDITOR_PAGE_ACTIONS)
    collection = community_collection(community)
    _set_collection_permissions(settings.writers_group, collection, WRITER_IMAGE_ACTIONS)
    _set_collection_permissions(settings.editors_group, collection, EDITOR_IMAGE_ACTIONS)
    _sync_editors(settings)
    _sync_workflow(settings, index)
    return settings


def blog_access_ensure(community: Community) -> BlogSettings:
    """The community's blog settings with groups in place (refreshed only when first made)."""
    settings = (
        BlogSettings.objects.select_related("writers_group", "editors_group")
        .filter(community=community)
        .first()
    )
    if settings is None or settings.writers_group is None or settings.editors_group is None:
        return blog_access_refresh(community)
    settings.community = community
    return settings


def community_workflow(community: Community | None) -> Workflow | None:
    """The moderation workflow of the community's blog, if members' posts are moderated."""
    if community is None:
        return None
    settings = (
        BlogSettings.objects.select_related("workflow")
        .filter(community=community, moderate_member_posts=True, workflow__active=True)
        .first()
    )
    return settings.workflow if settings else None


# --- People ---------------------------------------------------------------------------------------


@transaction.atomic
def blog_access_sync_member(user, community: Community) -> None:
    """After someone's membership of `community` changed: facilitators and owners are editors;
    people who may no longer write leave the writers' group."""
    community_permissions.forget_access(user)
    membership = Membership.objects.filter(user=user, community=community).first()
    is_moderator = membership is not None and membership.role in MODERATOR_ROLES
    settings = BlogSettings.objects.filter(community=community).first()
    if settings is None or settings.editors_group is None:
        if not is_moderator:
            return
        settings = blog_access_refresh(community)
    held = _blog_groups_held(user, settings)
    if is_moderator:
        if settings.editors_group_id not in held:
            user.groups.add(settings.editors_group)
    elif settings.editors_group_id in held and not user.is_staff:
        user.groups.remove(settings.editors_group)
    if settings.writers_group_id in held and not community_permissions.can_blog(user, community):
        user.groups.remove(settings.writers_group)
    forget_page_permissions(user)


def _blog_groups_held(user, settings: BlogSettings) -> set[int]:
    """Which of the blog's two groups the person is in (one query: most members are in
    neither, so nothing needs asking or removing)."""
    ids = [pk for pk in (settings.editors_group_id, settings.writers_group_id) if pk]
    return set(user.groups.filter(pk__in=ids).values_list("pk", flat=True))


def blog_access_sync_person(user) -> None:
    """After someone's e-mail addresses or account changed: leave the writers' groups of every
    blog they may no longer write in, and the editors' groups (whose members approve posts) of
    every blog they may no longer moderate, such as staff who are staff no more."""
    community_permissions.forget_access(user)
    for settings in BlogSettings.objects.filter(writers_group__user=user).select_related(
        "community", "writers_group"
    ):
        if not community_permissions.can_blog(user, settings.community):
            user.groups.remove(settings.writers_group)
    for settings in BlogSettings.objects.filter(editors_group__user=user).select_related(
        "community", "editors_group"
    ):
        if not community_permissions.can_moderate(user, settings.community):
            user.groups.remove(settings.editors_group)
    forget_page_permissions(user)


def writer_group_for(user, community: Community) -> Group:
    """The group "Write a post" puts the person in: editors for facilitators, else writers."""
    settings = blog_access_ensure(community)
    if community_permissions.can_moderate(user, community):
        return settings.editors_group
    return settings.writers_group
