"""Facilitation's own records: announcements (`Broadcast`) and who has been welcomed
(`Welcome`). Both moved here from notifications with their rows (facilitation 0001)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone, translation

from copsite import languages
from copsite.languages import LanguageText, text_for_reader


class Broadcast(models.Model):
    """An announcement a facilitator e-mails to every member of a community.

    Each member's copy is an `OutboundEmail` keyed `broadcast-<id>-<user id>` with the group key
    `broadcast-<id>`, written in the same transaction as this row: the delivery counts come from
    those rows. The body is Markdown, rendered by `copsite.markup` when each copy is built.
    """

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=150)
    body = models.TextField(max_length=20000)
    # `subject` and `body` are written in `language`; the `translated_` pair in the other one.
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    translated_subject = models.CharField(max_length=150, blank=True)
    translated_body = models.TextField(max_length=20000, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)
    submission_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["community", "-created_at"], name="broadcast_list_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_key"],
                condition=~models.Q(submission_key=""),
                name="broadcast_submission_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.community_id})"

    @property
    def group_key(self) -> str:
        return f"broadcast-{self.pk}"

    def in_language(self, field: str, language: str | None = None) -> LanguageText:
        """`subject` or `body` for a reader of `language` (the active one)."""
        reader = language or translation.get_language()
        return text_for_reader(
            getattr(self, field), getattr(self, f"translated_{field}"), self.language, reader
        )

    def versions(self, bilingual: bool) -> list[tuple[LanguageText, LanguageText]]:
        """(subject, body) pairs a member's e-mail carries: theirs, or where the community sends
        bilingual announcements and both are written, both with Welsh first."""
        if bilingual and self.translated_subject and self.translated_body:
            return [(self.in_language("subject", code), self.in_language("body", code))
                    for code in (languages.WELSH, languages.ENGLISH)]  # fmt: skip
        return [(self.in_language("subject"), self.in_language("body"))]


class Welcome(models.Model):
    """A member the facilitators have welcomed to a community: once per person and community,
    so the facilitation nudge stops listing them."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    welcomed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="welcome_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} welcomed to {self.community_id}"
