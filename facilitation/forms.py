"""Forms for the facilitation page and broadcasts."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _


def new_submission_key() -> str:
    return uuid.uuid4().hex


class SubmissionKeyForm(forms.Form):
    """A hidden key per form view: sending the same form twice does the thing once."""

    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", new_submission_key())


class MemberChoiceField(forms.TypedMultipleChoiceField):
    """Offers the new members listed on the page but accepts any id: the service decides who
    may be welcomed (someone already welcomed by another facilitator is simply left out)."""

    def valid_value(self, value) -> bool:
        return str(value).isdigit()


def _day(moment) -> str:
    return date_format(timezone.localtime(moment), "j F")


class WelcomeForm(SubmissionKeyForm):
    members = MemberChoiceField(
        label=_("Who to welcome"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the new members to welcome.")},
    )

    def __init__(self, *args, memberships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [
            (m.user_id, f"{m.user.public_name} (joined {_day(m.joined_at)})") for m in memberships
        ]
        if not self.is_bound:
            self.initial.setdefault("members", [m.user_id for m in memberships])


class BroadcastForm(SubmissionKeyForm):
    subject = forms.CharField(
        max_length=150,
        help_text=_("Members see this as the e-mail's subject, after the community's name."),
        error_messages={
            "required": _("Give the announcement a subject."),
            "max_length": _("Subjects can be at most %(limit_value)s characters."),
        },
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=20000,
        help_text=(
            _(
                "Markdown works: **bold**, *italic*, [link text](https://…), lists with -. "
                "Every member gets this by e-mail, unless they turned off e-mails from here."
            )
        ),
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={
            "required": _("Write the message."),
            "max_length": _("Messages can be at most %(limit_value)s characters."),
        },
    )
