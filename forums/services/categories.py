"""A forum's categories: the defaults every community starts with, and facilitators
creating, renaming, reordering and deleting them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.models import Community

from .. import permissions
from ..models import Category, Thread
from ..permissions import require
from .moderation import require_moderator

# Names and descriptions in the language of the person who makes the community (they are
# the community's own text from then on, for its facilitators to change); slugs stay.
DEFAULT_CATEGORIES = [
    (
        gettext_lazy("General"),
        "general",
        gettext_lazy("Questions, ideas and news about the community's work."),
    ),
    (
        gettext_lazy("Off topic"),
        "off-topic",
        gettext_lazy("Everything else: introductions, events, the odd tangent."),
    ),
]


def categories_create_defaults(community: Community) -> None:
    for position, (name, slug, description) in enumerate(DEFAULT_CATEGORIES):
        Category.objects.get_or_create(
            community=community,
            slug=slug,
            defaults={"name": str(name), "description": str(description), "position": position},
        )


def category_name_check(community: Community, name: str, *, exclude_pk: int | None = None) -> str:
    """The name stripped, or ValidationError if it is empty or another category of the
    community already has it (ignoring case). `exclude_pk` is the category being renamed."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the category a name."))
    same = Category.objects.filter(community=community, name__iexact=name)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise ValidationError(_("There is already a category with that name."))
    return name


def _free_category_slug(community: Community, name: str) -> str:
    """A slug from the name that no category of the community has yet: "name", "name-2"…
    (a renamed category keeps its slug, so another name can lead to the same one)."""
    base = slugify(name)[:80] or "category"
    taken = set(
        Category.objects.filter(community=community, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        suffix = f"-{number}"
        slug = base[: 80 - len(suffix)] + suffix
    return slug


@transaction.atomic
def category_create(*, actor, community: Community, name: str, description: str = "") -> Category:
    require(permissions.can_moderate(actor, community), "Only facilitators manage categories.")
    # Lock the community's categories so two creates cannot both take a name or slug.
    list(Category.objects.select_for_update().filter(community=community).values_list("pk"))
    name = category_name_check(community, name)
    position = Category.objects.filter(community=community).count()
    return Category.objects.create(
        community=community,
        name=name,
        slug=_free_category_slug(community, name),
        description=description,
        position=position,
    )


@transaction.atomic
def category_update(*, actor, category: Category, name: str, description: str = "") -> Category:
    """Rename or describe a category. Its address (slug) stays, so links and feeds keep
    working."""
    community = category.community
    require_moderator(actor, community, "Only facilitators manage categories.")
    category.name = category_name_check(community, name, exclude_pk=category.pk)
    category.description = description.strip()[:300]
    category.save(update_fields=["name", "description"])
    return category


@transaction.atomic
def category_reorder(*, actor, category: Category, direction: str) -> list[Category]:
    """Move a category one place up or down. Positions are renumbered 0, 1, 2… so old
    duplicates in `position` sort out too. Returns the categories in their new order."""
    community = category.community
    require_moderator(actor, community, "Only facilitators manage categories.")
    if direction not in ("up", "down"):
        raise ValidationError(_("Choose up or down."))
    ordered = list(
        Category.objects.select_for_update()
        .filter(community=community)
        .order_by("position", "name", "pk")
    )
    index = next(i for i, c in enumerate(ordered) if c.pk == category.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        already = (
            _("“%(name)s” is already first.") if other < 0 else _("“%(name)s” is already last.")
        )
        raise ValidationError(already % {"name": category.name})
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    Category.objects.bulk_update(ordered, ["position"])
    return ordered


@transaction.atomic
def category_delete(*, actor, category: Category) -> None:
    """Delete an empty category. A forum keeps at least one, so threads can be started."""
    community = category.community
    require_moderator(actor, community, "Only facilitators manage categories.")
    siblings = list(
        Category.objects.select_for_update()
        .filter(community=community)
        .values_list("pk", flat=True)
    )
    if Thread.objects.filter(category=category).exclude(status=Thread.Status.MERGED).exists():
        raise ValidationError(
            _("“%(name)s” still has threads. Move them to another category first.")
            % {"name": category.name}
        )
    if len(siblings) <= 1:
        raise ValidationError(_("The forum needs at least one category."))
    # Merged threads are only forwarding addresses: they follow the thread they lead to
    # (never in this category: it has no other threads), or go if that thread is gone.
    merged = Thread.objects.filter(category=category, status=Thread.Status.MERGED)
    merged.filter(merged_into__isnull=False).update(
        category_id=Subquery(
            Thread.objects.filter(pk=OuterRef("merged_into_id")).values("category_id")[:1]
        )
    )
    merged.delete()
    category.delete()
