"""Communities and who belongs to them.

A community is a plain Django model (see docs/decisions.md): its sections (blog, wiki,
library) hang off it in later apps. Who may see or do what is decided only in
`communities.permissions`.
"""

import fnmatch
import hashlib

from taggit.managers import TaggableManager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copsite.languages import LanguageText, text_for_reader

RESERVED_SLUGS = frozenset(
    {
        "about", "accessibility", "account", "accounts", "admin", "api", "blog", "blogs",
        "c", "communities", "community", "django-admin", "documents", "events", "feeds",
        "forum", "forums", "health", "help", "invitations", "latest", "library", "media",
        "new", "people", "search", "settings", "static", "theme", "wiki",
    }
)  # fmt: skip


class Visibility(models.TextChoices):
    OPEN = "open", _("Open: anyone can read, members post")
    RESTRICTED = "restricted", _("Restricted: listed, content for members only")
    PRIVATE = "private", _("Private: unlisted, by invitation only")


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    FACILITATOR = "facilitator", _("Facilitator")
    OWNER = "owner", _("Owner")


ROLE_RANK: dict[str, int] = {Role.MEMBER: 1, Role.FACILITATOR: 2, Role.OWNER: 3}
MODERATOR_ROLES = (Role.FACILITATOR, Role.OWNER)


def validate_community_slug(value: str) -> None:
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(
            gettext("“%(slug)s” is reserved. Choose another web address."), params={"slug": value}
        )


def validate_domain_patterns(value: str) -> None:
    for pattern in split_domain_patterns(value):
        bare = pattern.removeprefix("*.")
        if "*" in bare or "." not in bare or "@" in bare or " " in bare:
            raise ValidationError(
                gettext(
                    "“%(pattern)s” is not a domain pattern. Use forms such as gov.uk or *.nhs.uk."
                ),
                params={"pattern": pattern},
            )


def split_domain_patterns(value: str) -> list[str]:
    return [p.strip().lower() for p in value.replace(",", "\n").splitlines() if p.strip()]


class CommunityQuerySet(models.QuerySet):
    def listed_to(self, user) -> "CommunityQuerySet":
        """Communities this person may know exist (the directory). Wider than `visible_to`:
        restricted communities are listed to everyone, though their content is for members."""
        from communities import permissions

        return permissions.filter_listed_communities(self, user)

    def visible_to(self, user) -> "CommunityQuerySet":
        """Communities whose content (posts, members) this person may read: the `visible_to`
        of every other kind of community content starts from these."""
        from communities import permissions

        return permissions.filter_readable_communities(self, user)

    def holding_collection(self, collection) -> "Community | None":
        """The community whose Wagtail collection this is, or holds it at any depth (a
        sub-collection of a private community's collection is just as private)."""
        chain = [collection, *collection.get_ancestors()]
        return self.filter(collection__in=chain).order_by("-collection__depth").first()

    def for_directory(self) -> "CommunityQuerySet":
        return (
            self.annotate(member_count=Count("memberships", distinct=True))
            .prefetch_related(
                "tags",
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.filter(role__in=MODERATOR_ROLES)
                    .select_related("user")
                    .order_by("user__display_name"),
                    to_attr="facilitator_memberships",
                ),
            )
            .order_by("-last_activity_at", "name")
        )


# What a list needs to show a community's name in each reader's language (`.only(...)`).
NAME_FIELDS = ("name", "language", "translated_name")


class Community(models.Model):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(
        _("web address"),
        max_length=60,
        unique=True,
        validators=[validate_community_slug],
        help_text=_(
            "Lower-case letters, numbers and hyphens; used in the community's web address."
        ),
    )
    description = models.TextField(
        max_length=2000, help_text=_("What the community is for and who it is for.")
    )
    guidelines = models.TextField(
        blank=True,
        max_length=10000,
        help_text=_("How members are expected to behave. New members accept these when joining."),
    )
    # Name, description and guidelines are written in `language`; the `translated_` fields hold
    # them in the other language when someone writes it (decision 31; `in_language`).
    language = models.CharField(
        _("language of the name, description and guidelines"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    translated_name = models.CharField(
        _("name in the other language (optional)"), max_length=120, blank=True
    )
    translated_description = models.TextField(
        _("description in the other language (optional)"), max_length=2000, blank=True
    )
    translated_guidelines = models.TextField(
        _("guidelines in the other language (optional)"), max_length=10000, blank=True
    )
    bilingual_announcements = models.BooleanField(
        _("send announcements in both languages at once"),
        default=False,
        help_text=_(
            "When an announcement is written in Welsh and English, every member gets both in "
            "one e-mail, Welsh first. Otherwise each member gets theirs."
        ),
    )
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.OPEN, db_index=True
    )
    allowed_email_domains = models.TextField(
        _("e-mail domains that may join without asking"),
        blank=True,
        validators=[validate_domain_patterns],
        help_text=_("Restricted communities only. One per line, e.g. *.gov.uk or nhs.net."),
    )
    tags = TaggableManager(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_activity_at = models.DateTimeField(default=timezone.now, db_index=True)
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community",
        help_text=_("The community's document library in the Wagtail admin."),
    )

    objects = CommunityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "communities"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["-last_activity_at", "name"], name="community_activity_idx")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        """Saving a new web address keeps the old one leading here (`CommunitySlugRedirect`)."""
        adding = self._state.adding
        old_slug = getattr(self, "_saved_slug", None)
        moved = bool(old_slug) and old_slug != self.slug
        with transaction.atomic():
            super().save(*args, **kwargs)
            if adding or moved:  # the address is this community's now
                CommunitySlugRedirect.objects.filter(old_slug=self.slug).delete()
            if moved:
                CommunitySlugRedirect.objects.update_or_create(
                    old_slug=old_slug, defaults={"community": self}
                )
        self._saved_slug = self.slug

    def get_absolute_url(self) -> str:
        return reverse("communities:home", kwargs={"slug": self.slug})

    @property
    def local_name(self) -> str:
        """The name in the reader's language where it is written in it (what pages show)."""
        return self.in_language("name").text

    def in_language(self, field: str, language: str | None = None) -> LanguageText:
        """`name`, `description` or `guidelines` for a reader of `language` (the active one):
        in their language where it is written, otherwise in the language it was written in.
        Lists that load few fields load `NAME_FIELDS`; without them this never queries."""
        reader = language or translation.get_language()
        if {"language", f"translated_{field}"} & self.get_deferred_fields():
            return LanguageText(getattr(self, field), settings.LANGUAGE_CODE, reader)
        return text_for_reader(
            getattr(self, field), getattr(self, f"translated_{field}"), self.language, reader
        )

    @classmethod
    def from_db(cls, db, field_names, values):
        """Remember the address as loaded, so `save` knows when it changes."""
        instance = super().from_db(db, field_names, values)
        instance._saved_slug = instance.__dict__.get("slug")
        return instance

    def email_domain_may_join(self, email: str) -> bool:
        """Whether an address on this domain may join a restricted community without asking."""
        domain = email.rpartition("@")[2].lower()
        for pattern in split_domain_patterns(self.allowed_email_domains):
            if pattern.startswith("*."):
                if domain == pattern[2:] or fnmatch.fnmatch(domain, pattern):
                    return True
            elif domain == pattern:
                return True
        return False


class MembershipQuerySet(models.QuerySet):
    def for_member_list(self) -> "MembershipQuerySet":
        return self.select_related("user").order_by("-role", "user__display_name", "user_id")


class Membership(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)
    accepted_guidelines_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="membership_unique")
        ]
        indexes = [
            models.Index(fields=["user", "community"], name="membership_user_idx"),
            models.Index(fields=["community", "role"], name="membership_role_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.community} ({self.get_role_display()})"

    @property
    def is_moderator(self) -> bool:
        return self.role in MODERATOR_ROLES


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MembershipRequestQuerySet(models.QuerySet):
    def pending(self) -> "MembershipRequestQuerySet":
        return self.filter(status=RequestStatus.PENDING)


class MembershipRequest(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="membership_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership_requests"
    )
    message = models.TextField(blank=True, max_length=2000)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.TextField(blank=True, max_length=2000)

    objects = MembershipRequestQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"],
                condition=Q(status="pending"),
                name="membership_request_one_pending",
            )
        ]
        indexes = [
            models.Index(fields=["community", "status", "created_at"], name="request_queue_idx"),
            models.Index(fields=["user", "status"], name="request_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} asks to join {self.community}"


class Ban(models.Model):
    """A person removed from a community who may not join or ask to join again."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="bans")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField(blank=True, max_length=2000)
    banned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="ban_unique")]

    def __str__(self) -> str:
        return f"{self.user} banned from {self.community}"


def hash_invitation_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """A single-use link, bound to one e-mail address, that expires. Only its hash is stored."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["community", "created_at"], name="invitation_list_idx")]

    def __str__(self) -> str:
        return f"Invitation to {self.community} for {self.email}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired


class CommunitySlugRedirect(models.Model):
    """A web address a community used before. Addresses under it (/c/<old>/…) that find
    nothing are sent on to the same address under the community's current one
    (communities.middleware), for people who may know the community exists. A community that
    takes the address later takes it over."""

    old_slug = models.SlugField(max_length=60, unique=True)
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="slug_redirects"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"/c/{self.old_slug}/ → {self.community_id}"


class PostingBan(models.Model):
    """A member a facilitator stopped posting in one community: they still read, but write
    nothing there (threads, replies, blog posts, comments). Read by the posting rule
    (`permissions.why_no_posting`); facilitators manage them from the forum's settings."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="posting_bans")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=500, blank=True)
    banned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="posting_ban_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} may not post in {self.community_id}"
