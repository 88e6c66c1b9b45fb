from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from copsite.images import avatar_from_upload

from .language import remember_language, sync_admin_language
from .models import User

LANGUAGE_QUESTION = _("Which language should we use when we e-mail you?")
LANGUAGE_HINT = _("We also show the site in this language when you sign in.")


def language_field(*, required: bool = True) -> forms.ChoiceField:
    """Each language named in itself, so a person finds theirs whatever the page's language."""
    return forms.ChoiceField(
        label=LANGUAGE_QUESTION,
        help_text=LANGUAGE_HINT,
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        required=required,
        error_messages={"required": _("Choose the language we should e-mail you in.")},
    )


class SignupForm(forms.Form):
    """What allauth's sign-up form asks besides the e-mail address and password."""

    # Chosen already: the language of the page they are signing up on.
    language = language_field(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = translation.get_language()

    def signup(self, request, user: User) -> None:
        user.language = self.cleaned_data["language"] or translation.get_language()
        user.save(update_fields=["language"])
        remember_language(user, user.language)


class ProfileForm(forms.ModelForm):
    expertise = forms.CharField(
        label=_("Areas of expertise"),
        required=False,
        max_length=300,
        help_text=_("Separate areas with commas, for example: housing, data protection."),
    )
    language = language_field(required=False)
    avatar = forms.FileField(
        label=_("Profile picture (optional)"),
        required=False,
        help_text=_("A JPEG, PNG, GIF or WebP image under 5 MB. We crop it to a square."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
        ),
    )

    class Meta:
        model = User
        fields = ["display_name", "job_title", "organisation", "bio", "language"]
        labels = {"display_name": _("Your name"), "bio": _("A short bio")}
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True
        self.fields["display_name"].error_messages["required"] = _("Enter your name.")
        if self.instance.pk:
            self.initial.setdefault(
                "expertise", ", ".join(t.name for t in self.instance.expertise.all())
            )

    def clean_expertise(self) -> list[str]:
        names = [t.strip() for t in self.cleaned_data["expertise"].split(",") if t.strip()]
        if any(len(name) > 50 for name in names):
            raise forms.ValidationError(_("Each area must be 50 characters or fewer."))
        return list(dict.fromkeys(names))[:15]

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or self.instance.language

    def clean_avatar(self):
        upload = self.cleaned_data.get("avatar")
        if not upload:
            return None
        return avatar_from_upload(upload)

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        avatar = self.cleaned_data.get("avatar")
        if avatar:
            if user.avatar:
                user.avatar.delete(save=False)
            user.avatar.save(f"{user.pk}.png", avatar, save=False)
        if commit:
            user.save()
            user.expertise.set(self.cleaned_data["expertise"])
            sync_admin_language(user)
        return user


# Translators: the word a person types to confirm deleting their account, in capitals.
CONFIRM_WORD = _("DELETE")


class AccountDeleteForm(forms.Form):
    confirm = forms.CharField(
        max_length=20,
        help_text=_("Your posts stay, shown as by “Former member”. This cannot be undone."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = _("Type %(word)s to confirm") % {"word": CONFIRM_WORD}

    def clean_confirm(self) -> str:
        if self.cleaned_data["confirm"].strip() != str(CONFIRM_WORD):
            raise forms.ValidationError(
                _("Type %(word)s in capital letters to confirm.") % {"word": CONFIRM_WORD}
            )
        return self.cleaned_data["confirm"]
