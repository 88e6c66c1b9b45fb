import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import BlogSettings

COMMENT_HELP = _(
    "Markdown works: **bold**, *italic*, [link text](https://…), lists with -, quotes with >."
)


class CommentForm(forms.Form):
    """A comment or a reply. A hidden key per form view: sending it twice makes one comment."""

    body = forms.CharField(
        label=_("Your comment"),
        help_text=COMMENT_HELP,
        max_length=settings.COPSITE_MAX_POST_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Write something before sending."),
            "max_length": _(
                "Comments can be at most %(limit_value)s characters; this one has %(show_value)s."
            ),
        },
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["body"].label = label
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)


class CommentEditForm(forms.Form):
    body = CommentForm.base_fields["body"]


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown in place of the comment)"),
        max_length=500,
        error_messages={"required": _("Give a reason: the author and readers see it.")},
    )


class BlogSettingsForm(forms.ModelForm):
    class Meta:
        model = BlogSettings
        fields = ["moderate_member_posts"]
