"""Forum data: categories, threads, posts and what people do with them.

Who may see or do what is decided in `forums.permissions`, which builds on
`communities.permissions`; querysets start from `visible_to(user)`.
"""

from taggit.managers import TaggableManager

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities import permissions as community_permissions
from communities.models import Community
from copsite.markup import image_markdown

POSTS_PER_PAGE = 20
TEAM_NAME = _("The facilitation team")


class CategoryQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CategoryQuerySet":
        """Categories of communities whose content the person may read."""
        return community_permissions.filter_by_readable_community(self, user)


class Category(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="category_slug_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "forums:category", kwargs={"slug": self.community.slug, "category_slug": self.slug}
        )


class ForumSettings(models.Model):
    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, related_name="forum_settings"
    )
    hold_first_posts = models.BooleanField(
        _("hold new members' first posts for approval"),
        default=False,
        help_text=_("A member's first post waits for a facilitator before others see it."),
    )

    def __str__(self) -> str:
        return f"Forum settings for {self.community}"


class ThreadQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ThreadQuerySet":
        from . import permissions

        return permissions.filter_visible_threads(self, user)

    def for_thread_list(self) -> "ThreadQuerySet":
        return self.select_related("author", "category", "community", "last_post__author").order_by(
            "-is_pinned", "-last_activity_at", "-pk"
        )

    def for_latest(self) -> "ThreadQuerySet":
        """Across communities, pinning means nothing: newest activity first."""
        return self.select_related("author", "category", "community", "last_post__author").order_by(
            "-last_activity_at", "-pk"
        )

    def with_reading_state(self, user) -> "ThreadQuerySet":
        """Adds `last_read_at` and `new_reply_count` for a signed-in reader (two subqueries,
        so a page of threads stays one query)."""
        if not user.is_authenticated:
            return self
        last_read = ThreadRead.objects.filter(user=user, thread=OuterRef("pk")).values(
            "last_read_at"
        )[:1]
        new_posts = (
            Post.objects.filter(
                thread=OuterRef("pk"),
                status=Post.Status.VISIBLE,
                created_at__gt=OuterRef("last_read_at"),
            )
            .order_by()
            .values("thread")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(last_read_at=Subquery(last_read)).annotate(
            new_reply_count=Coalesce(Subquery(new_posts), 0)
        )


class Thread(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Waiting for approval")
        # Its posts now live in `merged_into`; its address leads there. Listed nowhere.
        MERGED = "merged", _("Merged into another thread")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="threads")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="threads")
    title = models.CharField(max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="threads"
    )
    as_team = models.BooleanField(_("post as the facilitation team"), default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    publish_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    last_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_count = models.PositiveIntegerField(default=0)
    is_pinned = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    is_closed = models.BooleanField(default=False)
    answer = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_threads",
        help_text=_("Set when the thread is merged: the thread that now holds its posts."),
    )
    tags = TaggableManager(blank=True)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["community", "status", "-is_pinned", "-last_activity_at", "-id"],
                name="thread_community_list_idx",
            ),
            models.Index(
                fields=["category", "status", "-is_pinned", "-last_activity_at", "-id"],
                name="thread_category_list_idx",
            ),
            models.Index(fields=["status", "-last_activity_at", "-id"], name="thread_latest_idx"),
            models.Index(fields=["status", "publish_at"], name="thread_scheduled_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forums:thread", kwargs={"slug": self.community.slug, "thread_id": self.pk})

    @property
    def is_answered(self) -> bool:
        return self.answer_id is not None

    @property
    def accepts_replies(self) -> bool:
        return not (self.is_locked or self.is_closed)

    def opening_post(self) -> "Post | None":
        """The post that opened the thread (see `PostQuerySet.opening`), or None."""
        return Post.objects.opening(self).first()


class PostQuerySet(models.QuerySet):
    def shown(self) -> "PostQuerySet":
        return self.filter(status=Post.Status.VISIBLE)

    def visible_to(self, user) -> "PostQuerySet":
        """Visible posts of published threads in communities the person may read: what lists,
        feeds, notifications and digests may show anyone. (The thread page also shows a
        facilitator or an author their held and hidden posts: `permissions`.)"""
        published = self.shown().filter(thread__status=Thread.Status.PUBLISHED)
        return community_permissions.filter_by_readable_community(
            published, user, "thread__community"
        )

    def for_thread_page(self) -> "PostQuerySet":
        return self.select_related("author").order_by("created_at", "pk")

    def opening(self, thread) -> "PostQuerySet":
        """The thread's opening post, as a queryset of at most one row: its first post by
        created_at, pk, whatever its status. `thread` may be a Thread, a pk or an OuterRef, so
        the result also serves as a subquery (`.values("pk")`)."""
        return self.filter(thread=thread).order_by("created_at", "pk")[:1]


class Post(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HELD = "held", _("Waiting for approval")
        HIDDEN = "hidden", _("Hidden by a facilitator")
        DELETED = "deleted", _("Deleted")
        REJECTED = "rejected", _("Rejected")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=settings.COPSITE_MAX_POST_LENGTH)
    # The language it is written in (for `lang`); blank for posts from before anyone said.
    language = models.CharField(max_length=8, blank=True, choices=settings.LANGUAGES)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VISIBLE)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    moderation_reason = models.CharField(max_length=500, blank=True)
    as_team = models.BooleanField(default=False, help_text=_("Shown as by the facilitation team."))
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submission_key = models.CharField(max_length=64, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["thread", "status", "created_at"], name="post_thread_idx"),
            models.Index(fields=["status", "created_at"], name="post_recent_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_key"],
                condition=~Q(submission_key=""),
                name="post_submission_unique",
            )
        ]

    def __str__(self) -> str:
        return f"Post {self.pk} in {self.thread_id}"

    def get_absolute_url(self) -> str:
        return reverse(
            "forums:post", kwargs={"slug": self.thread.community.slug, "post_id": self.pk}
        )

    @property
    def anchor(self) -> str:
        return f"post-{self.pk}"

    @property
    def byline(self) -> str:
        """Who readers are told wrote this: a team post never names its facilitator."""
        return str(TEAM_NAME) if self.as_team else self.author.public_name


class PostRevision(models.Model):
    """The text of a post before an edit. Facilitators see the history."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    title = models.CharField(max_length=200, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Revision of post {self.post_id}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        HELPFUL = "helpful", _("Helpful")
        THANKS = "thanks", _("Thanks")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="reaction_unique")
        ]
        # The digest reads a window's reactions ("replies people found helpful").
        indexes = [models.Index(fields=["created_at", "post"], name="reaction_window_idx")]

    def __str__(self) -> str:
        return f"{self.kind} on {self.post_id}"


class Mention(models.Model):
    """Someone named in a post. The notifications app delivers these (`notified_at`)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="mention_unique")]
        indexes = [models.Index(fields=["notified_at", "created_at"], name="mention_queue_idx")]

    def __str__(self) -> str:
        return f"Mention of {self.user_id} in {self.post_id}"


class ThreadRead(models.Model):
    """How far a person has read a thread: drives unread markers and "jump to unread"."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    last_read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="thread_read_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id}"


class Watch(models.Model):
    """A person following a thread or a whole category (delivered by notifications)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(
        Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="watches"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="watches"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "thread"], condition=Q(thread__isnull=False), name="watch_thread"
            ),
            models.UniqueConstraint(
                fields=["user", "category"],
                condition=Q(category__isnull=False),
                name="watch_category",
            ),
            models.CheckConstraint(
                condition=Q(thread__isnull=False) ^ Q(category__isnull=False),
                name="watch_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.thread_id or self.category_id}"


class BookmarkQuerySet(models.QuerySet):
    def visible_to(self, user) -> "BookmarkQuerySet":
        """The person's own bookmarks of posts they may still see (`PostQuerySet.visible_to`)."""
        own = self.filter(
            user=user,
            post__status=Post.Status.VISIBLE,
            post__thread__status=Thread.Status.PUBLISHED,
        )
        return community_permissions.filter_by_readable_community(
            own, user, "post__thread__community"
        )


class Bookmark(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bookmarks")
    created_at = models.DateTimeField(default=timezone.now)

    objects = BookmarkQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="bookmark_unique")]
        indexes = [models.Index(fields=["user", "-created_at"], name="bookmark_list_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} bookmarked {self.post_id}"


class Flag(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        RUDE = "rude", _("Rude or abusive")
        PERSONAL_DATA = "personal_data", _("Shares personal data")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Something else")

    class Resolution(models.TextChoices):
        OPEN = "open", _("Waiting for review")
        HIDDEN = "hidden", _("Post hidden")
        KEPT = "kept", _("Post kept")
        WARNED = "warned", _("Author warned")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    note = models.CharField(max_length=500, blank=True)
    resolution = models.CharField(
        max_length=10, choices=Resolution.choices, default=Resolution.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "reporter"], name="flag_unique")]
        indexes = [models.Index(fields=["resolution", "created_at"], name="flag_queue_idx")]

    def __str__(self) -> str:
        return f"Flag on {self.post_id}: {self.reason}"


class PostImageQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PostImageQuerySet":
        """Pictures of communities whose content the person may read."""
        return community_permissions.filter_by_readable_community(self, user)


class PostImage(models.Model):
    """An uploaded picture, served only to people who may read its community."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    file = models.ImageField(upload_to="forum-images/%Y/%m/")
    alt_text = models.CharField(max_length=250)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PostImageQuerySet.as_manager()

    def __str__(self) -> str:
        return self.alt_text

    @property
    def markdown(self) -> str:
        return image_markdown(self.alt_text, self.url)

    @property
    def url(self) -> str:
        return reverse("forums:image", kwargs={"image_id": self.pk, "name": "image.png"})
