import re
import uuid

from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from communities.models import Community, Membership, PostingBan, Role
from copsite.forms_fields import TypedTextField

from .models import Category, Flag, ForumSettings, Post, Thread

BODY_HELP = _(
    "Markdown works: **bold**, *italic*, [link text](https://…), lists with -, quotes with >. "
    "Mention someone with @[Their name](/people/ID/) – the mention picker fills this in."
)


def _new_submission_key() -> str:
    return uuid.uuid4().hex


class SubmissionKeyMixin(forms.Form):
    """A hidden key per form view: sending the same form twice creates one post."""

    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", _new_submission_key())


class BodyField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Your message"))
        kwargs.setdefault("help_text", BODY_HELP)
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Write something before sending."),
                "max_length": ngettext_lazy(
                    "Posts can be at most %(limit_value)s character; this one has %(show_value)s.",
                    "Posts can be at most %(limit_value)s characters; this one has %(show_value)s.",
                    "limit_value",
                ),
            },
        )
        super().__init__(
            max_length=settings.COPSITE_MAX_POST_LENGTH,
            widget=forms.Textarea(attrs={"rows": 10, "data-markdown-editor": "true"}),
            **kwargs,
        )


class WrittenLanguageField(forms.ChoiceField):
    """Which language a post is in, so readers' browsers and screen readers know (`lang`)."""

    def __init__(self, **kwargs):
        super().__init__(
            label=_("Language this is written in"),
            choices=settings.LANGUAGES,
            required=False,
            **kwargs,
        )


class WrittenLanguageMixin(forms.Form):
    language = WrittenLanguageField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"] = self.fields.pop("language")  # after the message itself
        self.fields["language"].initial = translation.get_language()


class ThreadForm(SubmissionKeyMixin, WrittenLanguageMixin):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Give the thread a title.")},
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose a category.")},
    )
    body = BodyField()
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=200,
        help_text=_("Up to 5 topics, separated by commas."),
    )
    field_order = ["title", "category", "body", "tags"]

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(community=community)

    def clean_tags(self) -> list[str]:
        names = [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]
        if len(names) > 5:
            raise forms.ValidationError(gettext("Use at most 5 tags."))
        if any(len(name) > 40 for name in names):
            raise forms.ValidationError(gettext("Each tag must be 40 characters or fewer."))
        return list(dict.fromkeys(names))


class SeedThreadForm(ThreadForm):
    """Facilitators can post as the team and schedule a thread for later."""

    as_team = forms.BooleanField(label=_("Post as “the facilitation team”"), required=False)
    publish_at = forms.DateTimeField(
        label=_("Publish later (optional)"),
        required=False,
        help_text=_("For example 2026-12-01 09:00. Leave empty to publish now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class ReplyForm(SubmissionKeyMixin, WrittenLanguageMixin):
    body = BodyField(label=_("Your reply"))


class PostEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = BodyField()

    def __init__(self, *args, is_first_post: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_first_post:
            del self.fields["title"]
        else:
            self.fields["title"].required = True


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown in place of the post)"),
        max_length=500,
        error_messages={"required": _("Give a reason: the author and readers see it.")},
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=Flag.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you are reporting this post.")},
    )
    note = TypedTextField(
        label=_("Anything the facilitators should know"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MoveForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), empty_label=None
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(community=community)


# A thread's number, or an address with /t/<number>/ (a thread) or /p/<number>/ (one of its
# posts) in it: a path, a full URL, with or without a page number or #post anchor.
THREAD_NUMBER = re.compile(r"^#?(?P<thread>\d+)$")
FORUM_ADDRESS = re.compile(r"/forum/(?P<kind>[tp])/(?P<number>\d+)(?:[/?#]|$)")


def thread_reference(text: str) -> tuple[str, int] | None:
    """("thread", id) or ("post", id) for what a facilitator typed or pasted, or None."""
    text = text.strip()
    if found := THREAD_NUMBER.match(text):
        return "thread", int(found["thread"])
    if found := FORUM_ADDRESS.search(text):
        return ("thread" if found["kind"] == "t" else "post"), int(found["number"])
    return None


class MergeForm(forms.Form):
    """Which thread of the community to merge into, by its address or number."""

    target = forms.CharField(
        label=_("Address or number of the thread to merge into"),
        help_text=_(
            "Paste the other thread's address, for example "
            "https://example.org/c/housing/forum/t/123/, or type its number, 123."
        ),
        max_length=500,
        error_messages={"required": _("Enter the address or number of the thread to merge into.")},
    )

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.community = community

    def clean_target(self) -> Thread:
        """The thread, looked up in this community only: another community's threads are
        neither found nor named."""
        reference = thread_reference(self.cleaned_data["target"])
        if reference is None:
            raise forms.ValidationError(
                gettext(
                    "Enter a thread's address, like https://example.org/c/housing/forum/t/123/, "
                    "or its number, like 123."
                )
            )
        kind, number = reference
        threads = Thread.objects.select_related("author", "category")
        found = threads.filter(posts__pk=number) if kind == "post" else threads.filter(pk=number)
        target = found.filter(community=self.community).first()
        if target is None:
            raise forms.ValidationError(
                gettext(
                    "There is no such thread in this community's forum. Threads can only be "
                    "merged with another thread of the same community."
                )
            )
        target.community = self.community
        return target


class SplitForm(forms.Form):
    """Replies of a thread (one page of them) to move into a new thread."""

    posts = forms.TypedMultipleChoiceField(
        label=_("Replies to move"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one reply to move."),
            "invalid_choice": _(
                "Some of the chosen replies are no longer on this page. Choose again."
            ),
        },
    )
    title = forms.CharField(
        label=_("Title of the new thread"),
        max_length=200,
        error_messages={"required": _("Give the new thread a title.")},
    )
    category = forms.ModelChoiceField(
        label=_("Category of the new thread"),
        queryset=Category.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose a category.")},
    )

    def __init__(self, *args, community: Community, posts: list[Post], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posts"].choices = [(post.pk, f"Post {post.pk}") for post in posts]
        self.fields["category"].queryset = Category.objects.filter(community=community)


class ImageUploadForm(forms.Form):
    image = forms.FileField(
        label=_("Picture"),
        help_text=_("A JPEG, PNG, GIF or WebP image under 5 MB."),
        error_messages={"required": _("Choose a picture to upload.")},
    )
    alt_text = forms.CharField(
        label=_("Describe the picture for people who cannot see it"),
        max_length=250,
        help_text=_("For example: Bar chart of rent arrears falling from 12% to 7% over 2025."),
        error_messages={"required": _("Describe the picture: alt text is required.")},
    )


# --- Facilitators ------------------------------------------------------------------------------


class FlagResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("What to do about this post"),
        choices=[
            (Flag.Resolution.HIDDEN, _("Hide the post")),
            (Flag.Resolution.KEPT, _("Keep the post")),
            (Flag.Resolution.WARNED, _("Keep the post and warn its author by e-mail")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what to do about the post.")},
    )
    reason = TypedTextField(
        label=_("Reason or note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "When hiding, readers see this in place of the post. When warning, the "
            "author reads it in the e-mail. Reporters' names are never shared."
        ),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("resolution") == Flag.Resolution.HIDDEN and not data.get("reason", "").strip():
            self.add_error("reason", gettext("Give a reason for hiding the post: readers see it."))
        return data


class ForumSettingsForm(forms.ModelForm):
    class Meta:
        model = ForumSettings
        fields = ["hold_first_posts"]


class CategoryForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        error_messages={"required": _("Give the category a name.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=300,
        required=False,
        help_text=_("One sentence on what belongs here. Shown on the forum's front page."),
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.public_name}, {obj.job_title}" if obj.job_title else obj.public_name


class PostingBanForm(forms.Form):
    person = PersonChoiceField(
        queryset=User.objects.none(),
        label=_("Member"),
        empty_label=_("Choose a member"),
        error_messages={
            "required": _("Choose the member who should stop posting."),
            "invalid_choice": _("Choose one of the community's members."),
        },
    )
    reason = TypedTextField(
        label=_("Reason (for the facilitators' records)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            User.objects.filter(
                pk__in=Membership.objects.filter(community=community, role=Role.MEMBER).values(
                    "user_id"
                ),
                is_active=True,
            )
            .exclude(pk__in=PostingBan.objects.filter(community=community).values("user_id"))
            .order_by("display_name", "pk")
        )
