from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copsite.forms_fields import TypedTextField

from .models import RESERVED_SLUGS, Community, Role, Visibility


class CommunityForm(forms.ModelForm):
    tags = forms.CharField(
        required=False,
        max_length=300,
        help_text=_("Topics, separated by commas, for example: housing, digital inclusion."),
    )

    class Meta:
        model = Community
        fields = [
            "name",
            "slug",
            "description",
            "guidelines",
            "language",
            "translated_name",
            "translated_description",
            "translated_guidelines",
            "bilingual_announcements",
            "visibility",
            "allowed_email_domains",
        ]
        widgets = {
            "visibility": forms.RadioSelect,
            "language": forms.RadioSelect,
            "translated_description": forms.Textarea(attrs={"rows": 4}),
            "translated_guidelines": forms.Textarea(attrs={"rows": 6}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "guidelines": forms.Textarea(attrs={"rows": 6}),
            "allowed_email_domains": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].required = False  # left as it is when not sent
        if self.instance.pk:
            self.initial.setdefault("tags", ", ".join(t.name for t in self.instance.tags.all()))

    def clean_language(self) -> str:
        return self.cleaned_data.get("language") or self.instance.language

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].lower()
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(gettext("That web address is reserved. Choose another."))
        taken = Community.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists()
        if taken:
            raise forms.ValidationError(gettext("Another community already uses that web address."))
        return slug

    def clean_tags(self) -> list[str]:
        names = [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]
        if any(len(name) > 50 for name in names):
            raise forms.ValidationError(gettext("Each tag must be 50 characters or fewer."))
        return list(dict.fromkeys(names))[:10]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("allowed_email_domains")
            and cleaned.get("visibility") != Visibility.RESTRICTED
        ):
            self.add_error(
                "allowed_email_domains",
                gettext(
                    "E-mail domains only apply to restricted communities. Clear them or choose "
                    "restricted."
                ),
            )
        return cleaned


class GuidelinesForm(forms.Form):
    """Accepting the community guidelines, when the community has some."""

    accept_guidelines = forms.BooleanField(
        label=_("I have read and accept the community guidelines"),
        required=True,
        error_messages={"required": _("Accept the community guidelines to continue.")},
    )

    def __init__(self, *args, community: Community, **kwargs):
        super().__init__(*args, **kwargs)
        if not community.guidelines:
            del self.fields["accept_guidelines"]

    @property
    def accepted(self) -> bool:
        return self.cleaned_data.get("accept_guidelines", True)


class MembershipRequestForm(GuidelinesForm):
    message = forms.CharField(
        label=_("Tell the facilitators about yourself (optional)"),
        help_text=_("For example your role and why you would like to join."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    field_order = ["message", "accept_guidelines"]


class CommunitySearchForm(forms.Form):
    q = forms.CharField(label=_("Search communities"), required=False, max_length=100)
    tag = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER, widget=forms.RadioSelect)


class DeclineForm(forms.Form):
    note = TypedTextField(
        label=_("Reason (sent to the person)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BanForm(forms.Form):
    reason = TypedTextField(label=_("Reason"), required=False, max_length=2000)


def first_error(form: forms.Form) -> str:
    """The form's first error, as a sentence for a message."""
    for errors in form.errors.values():
        return errors[0]
    return ""


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
