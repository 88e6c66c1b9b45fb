from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BlogCommentQuerySet(models.QuerySet):
    def shown(self) -> "BlogCommentQuerySet":
        return self.filter(status=BlogComment.Status.VISIBLE)

    def visible_to(self, user) -> "BlogCommentQuerySet":
        """Visible comments on published, public posts the person may read."""
        from .pages import BlogPostPage

        return self.shown().filter(post__in=BlogPostPage.objects.visible_to(user).values("pk"))

    def for_post_page(self) -> "BlogCommentQuerySet":
        return self.select_related("author").order_by("created_at", "pk")


class BlogComment(models.Model):
    """A comment on a post, or a reply to one (one level: replies have no replies)."""

    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HIDDEN = "hidden", _("Hidden by a facilitator")
        DELETED = "deleted", _("Deleted by its author")

    post = models.ForeignKey(
        "blogs.BlogPostPage", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blog_comments"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.VISIBLE)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderation_reason = models.CharField(max_length=500, blank=True)
    submission_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = BlogCommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_key"],
                condition=~Q(submission_key=""),
                name="blog_comment_submission_unique",
            )
        ]
        indexes = [
            models.Index(fields=["post", "parent", "created_at"], name="blog_comment_thread_idx"),
            models.Index(fields=["post", "status"], name="blog_comment_count_idx"),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author_id} on {self.post_id}"

    def get_absolute_url(self) -> str:
        return f"{self.post.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"
