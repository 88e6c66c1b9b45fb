"""People: one account per person, signed in by e-mail address."""

from taggit.managers import TaggableManager

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

FORMER_MEMBER_NAME = _("Former member")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The e-mail address is private: it is never shown to other members."""

    email = models.EmailField(_("e-mail address"), unique=True, null=True, blank=True)
    display_name = models.CharField(
        max_length=100, blank=True, help_text=_("Your name as others see it. Real names help.")
    )
    job_title = models.CharField(max_length=100, blank=True)
    organisation = models.CharField(max_length=150, blank=True)
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    expertise = TaggableManager(
        _("areas of expertise"),
        blank=True,
        help_text=_("Separate areas with commas, for example: housing, data protection."),
    )
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    # The language of this person's e-mails and of every page once they sign in (decision 30).
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("We write to you in this language, and show the site in it when you sign in."),
    )
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["display_name", "id"]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name other people see: never the e-mail address."""
        if self.deleted_at:
            return FORMER_MEMBER_NAME
        return self.display_name or gettext("Member %(number)s") % {"number": self.pk}

    @property
    def is_former_member(self) -> bool:
        return self.deleted_at is not None

    def get_full_name(self) -> str:
        return self.public_name

    def get_short_name(self) -> str:
        return self.public_name

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"user_id": self.pk})

    @property
    def profile_is_complete(self) -> bool:
        return bool(self.display_name and self.job_title and self.organisation)


class FeedKey(models.Model):
    """The secret behind a person's private feed URLs. Resetting it revokes every old URL.

    The URL token is an HMAC of this key (see `accounts.feeds`), so a database leak alone
    does not reveal working feed URLs.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="feed_key")
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Feed key for {self.user_id}"
