"""Forms for the facilitation page and broadcasts."""

import uuid

from django import forms
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
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
            (
                m.user_id,
                gettext("%(name)s (joined %(day)s)")
                % {"name": m.user.public_name, "day": _day(m.joined_at)},
            )
            for m in memberships
        ]
        if not self.is_bound:
            self.initial.setdefault("members", [m.user_id for m in memberships])


class BroadcastForm(SubmissionKeyForm):
    language = forms.ChoiceField(
        label=_("Language of this announcement"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        required=False,
    )
    subject = forms.CharField(
        label=_("Subject"),
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
    translated_subject = forms.CharField(
        label=_("Subject in the other language (optional)"),
        max_length=150,
        required=False,
        error_messages={"max_length": _("Subjects can be at most %(limit_value)s characters.")},
    )
    translated_body = forms.CharField(
        label=_("Message in the other language (optional)"),
        max_length=20000,
        required=False,
        help_text=_(
            "Members who read the other language get this version; where the community sends "
            "announcements in both languages, everyone gets both."
        ),
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"max_length": _("Messages can be at most %(limit_value)s characters.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = translation.get_language()
