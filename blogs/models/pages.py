"""The blog's pages, a section under each community's page (community_pages.models):

    CommunityPage       the community's slug /c/<slug>/
      BlogIndexPage     slug "blog"          /c/<slug>/blog/
        BlogPostPage    the post's slug      /c/<slug>/blog/<post>/

The index and posts point at their community with a foreign key and ask
`communities.permissions` on every serve and preview (`CommunityAccessMixin`), so a private
community's pages are 404 to outsiders and a restricted one's are 403, as everywhere else. The
blog's page is made by `blogs.tree`, registered as the community's "blog" section.
"""

from __future__ import annotations

import math
import re
from functools import cached_property

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.forms import TagWidget
from taggit.models import TaggedItemBase

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.html import strip_tags
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.images import get_image_model
from wagtail.models import Page, PageManager, PageQuerySet
from wagtail.search import index

from communities import permissions as community_permissions
from communities.models import Community
from community_pages.models import CommunityAccessMixin, CommunityWorkflowMixin

from ..admin_forms import BlogPostPageForm
from ..blocks import PICTURE_FROM_ELSEWHERE, BodyBlock, pictures_from_elsewhere

WORDS_PER_MINUTE = 200
# Post slugs that would clash with the blog's own addresses (/c/<slug>/blog/tags/..., the
# "Write a post" and feed URLs in blogs/urls.py).
RESERVED_POST_SLUGS = frozenset({"tags", "write", "feed", "feeds", "comments", "settings"})
_WORD = re.compile(r"\w+", re.UNICODE)


def reading_minutes(text: str) -> int:
    """Minutes to read `text` at 200 words a minute, at least one."""
    return max(1, math.ceil(len(_WORD.findall(text)) / WORDS_PER_MINUTE))


class BlogWorkflowMixin(CommunityWorkflowMixin):
    """Blog pages go through the community's blog moderation workflow when facilitators have
    switched it on (blogs.access), and through none otherwise."""

    def section_workflow(self):
        from ..access import community_workflow

        return community_workflow(self.get_community())


# --- The blog -----------------------------------------------------------------------------------


class BlogIndexPage(BlogWorkflowMixin, CommunityAccessMixin, RoutablePageMixin, Page):
    """A community's blog: its posts, newest first, ten to a page, and a page per tag."""

    community = models.OneToOneField(
        Community, null=True, on_delete=models.SET_NULL, related_name="blog_index", editable=False
    )
    intro = models.TextField(
        blank=True,
        max_length=1000,
        help_text=_("A sentence or two under the blog's title: what is written here and by whom."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    promote_panels: list = []
    parent_page_types = ["community_pages.CommunityPage"]
    subpage_types = ["blogs.BlogPostPage"]
    is_creatable = False
    template = "blogs/index/index.html"

    class Meta:
        verbose_name = "blog"

    @path("")
    def index_route(self, request):
        from ..reading import blog_index_context

        return self.render(request, context_overrides=blog_index_context(request, self))

    @path("tags/<str:tag>/")
    def tag_route(self, request, tag: str):
        from ..reading import blog_index_context

        return self.render(
            request,
            template="blogs/tag/index.html",
            context_overrides=blog_index_context(request, self, tag_slug=tag),
        )

    def permissions_for_user(self, user):
        from ..page_permissions import BlogIndexPermissionTester

        return BlogIndexPermissionTester(user, self)


class BlogPostTag(TaggedItemBase):
    content_object = ParentalKey(
        "blogs.BlogPostPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


def _visible_comment_count():
    from .comments import BlogComment

    counts = (
        BlogComment.objects.filter(post=OuterRef("pk"), status=BlogComment.Status.VISIBLE)
        .order_by()
        .values("post")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)


class BlogPostQuerySet(PageQuerySet):
    def visible_to(self, user) -> BlogPostQuerySet:
        """Published, public posts in communities whose content the person may read."""
        return community_permissions.filter_by_readable_community(self.live().public(), user)

    def by_author(self, person) -> BlogPostQuerySet:
        return self.filter(Q(owner=person) | Q(pk__in=_co_authored_post_ids(person)))

    def tagged(self, tag_slug: str) -> BlogPostQuerySet:
        return self.filter(
            pk__in=BlogPostTag.objects.filter(tag__slug=tag_slug).values("content_object_id")
        )

    def newest_first(self) -> BlogPostQuerySet:
        return self.order_by("-first_published_at", "-pk")

    def for_listing(self) -> BlogPostQuerySet:
        """What a list of posts shows: authors, community, tags and the comment count (three
        queries for any number of posts)."""
        return (
            self.select_related("owner", "community")
            .prefetch_related(
                Prefetch(
                    "tagged_items",
                    queryset=BlogPostTag.objects.select_related("tag").order_by("tag__name"),
                ),
                "co_authors",
            )
            .annotate(comment_count=_visible_comment_count())
            .defer_streamfields()
        )


def _co_authored_post_ids(person):
    return BlogPostPage.co_authors.through.objects.filter(user=person).values("blogpostpage_id")


BlogPostManager = PageManager.from_queryset(BlogPostQuerySet)


class BlogPostPage(BlogWorkflowMixin, CommunityAccessMixin, Page):
    community = models.ForeignKey(
        Community, null=True, on_delete=models.SET_NULL, related_name="blog_posts", editable=False
    )
    summary = models.TextField(
        max_length=300,
        help_text=_(
            "One or two sentences shown in lists of posts, feeds and when the post is "
            "shared. At most 300 characters."
        ),
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("picture at the top (optional)"),
    )
    hero_alt_text = models.CharField(
        _("alt text of the picture at the top"),
        max_length=250,
        blank=True,
        help_text=_("Describe the picture for people who cannot see it. Required with a picture."),
    )
    body = StreamField(BodyBlock())
    co_authors = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="co_authored_blog_posts",
        verbose_name=_("co-authors (optional)"),
        help_text=_("Members of the community who wrote this post with you."),
    )
    tags = ClusterTaggableManager(
        through=BlogPostTag, blank=True, help_text=_("Up to 5 topics, separated by commas.")
    )
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
    # Not versioned (see with_content_json): closing comments takes effect at once.
    comments_closed = models.BooleanField(default=False, editable=False)

    objects = BlogPostManager()

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("hero_image"),
        FieldPanel("hero_alt_text"),
        FieldPanel("body"),
        # A plain comma-separated field: Wagtail's tag widget suggests every tag on the site
        # (including tags only private communities use) and its input has no label.
        FieldPanel("tags", widget=TagWidget),
        FieldPanel("co_authors"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("community"),
    ]
    base_form_class = BlogPostPageForm
    drafts_private_to_owner = True  # members write posts; their drafts are theirs
    parent_page_types = ["blogs.BlogIndexPage"]
    subpage_types: list = []
    template = "blogs/post/index.html"

    class Meta:
        verbose_name = _("blog post")

    def get_community(self) -> Community | None:
        """The community, from the parent blog for a page not saved yet (a preview)."""
        if self.community_id is None and self.path:
            self.community_id = (
                BlogIndexPage.objects.filter(path=self.path[: -self.steplen])
                .values_list("community_id", flat=True)
                .first()
            )
        return self.community if self.community_id else None

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.slug in RESERVED_POST_SLUGS:
            errors["slug"] = gettext(
                "“%(slug)s” is used by the blog itself. Choose another slug."
            ) % {"slug": self.slug}
        if self.hero_image_id and not (self.hero_alt_text or "").strip():
            errors["hero_alt_text"] = gettext(
                "Describe the picture at the top: alt text is required."
            )
        errors.update(self._pictures_from_elsewhere())
        if errors:
            raise ValidationError(errors)

    def _pictures_from_elsewhere(self) -> dict:
        """Errors for pictures that are not in the post's community's collection: a post shows
        in one community only, so it may not show (or, by its chooser, name) another's
        pictures, whoever is editing it. Run on every save through the editor, every revision
        saved with validation and every publish (scheduled or not)."""
        community = self.get_community()
        collection_id = community.collection_id if community is not None else None
        errors = {}
        if self.hero_image_id and not (
            collection_id is not None
            and get_image_model()
            .objects.filter(pk=self.hero_image_id, collection_id=collection_id)
            .exists()
        ):
            errors["hero_image"] = ValidationError(
                PICTURE_FROM_ELSEWHERE, code="picture_from_elsewhere"
            )
        body_error = pictures_from_elsewhere(self.body.stream_block, self.body, collection_id)
        if body_error is not None:
            errors["body"] = body_error
        return errors

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.reading_minutes = reading_minutes(self.plain_text())
        if self.community_id is None:
            self.get_community()
        return super().save(*args, **kwargs)

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        obj.community_id = self.community_id
        obj.comments_closed = self.comments_closed
        return obj

    @property
    def blog_url(self) -> str:
        """The address of the blog the post is in (from its own address: no query)."""
        return self.get_absolute_url().rsplit("/", 2)[0] + "/"

    def plain_text(self) -> str:
        """The words of the summary and body, for reading time."""
        parts = [self.summary or ""]
        for block in self.body:
            if block.block_type == "paragraph":
                parts.append(strip_tags(block.value.source))
            elif block.block_type == "quote":
                parts.append(block.value.get("quote", ""))
            elif block.block_type == "picture":
                parts.append(block.value.get("caption", "") or "")
        return " ".join(parts)

    def get_context(self, request, *args, **kwargs):
        from ..reading import post_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(post_page_context(request, self))
        return context

    def permissions_for_user(self, user):
        from ..page_permissions import BlogPostPermissionTester

        return BlogPostPermissionTester(user, self)

    @cached_property
    def authors(self) -> list:
        """The owner first, then co-authors (uses the prefetched co-authors when present)."""
        people = [self.owner] if self.owner_id else []
        people += [person for person in self.co_authors.all() if person.pk != self.owner_id]
        return people
