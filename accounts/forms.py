from django import forms

from copsite.images import avatar_from_upload

from .models import User


class ProfileForm(forms.ModelForm):
    expertise = forms.CharField(
        label="Areas of expertise",
        required=False,
        max_length=300,
        help_text="Separate areas with commas, for example: housing, data protection.",
    )
    avatar = forms.FileField(
        label="Profile picture (optional)",
        required=False,
        help_text="A JPEG, PNG, GIF or WebP image under 5 MB. We crop it to a square.",
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}
        ),
    )

    class Meta:
        model = User
        fields = ["display_name", "job_title", "organisation", "bio"]
        labels = {"display_name": "Your name", "bio": "A short bio"}
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["display_name"].required = True
        self.fields["display_name"].error_messages["required"] = "Enter your name."
        if self.instance.pk:
            self.initial.setdefault(
                "expertise", ", ".join(t.name for t in self.instance.expertise.all())
            )

    def clean_expertise(self) -> list[str]:
        names = [t.strip() for t in self.cleaned_data["expertise"].split(",") if t.strip()]
        if any(len(name) > 50 for name in names):
            raise forms.ValidationError("Each area must be 50 characters or fewer.")
        return list(dict.fromkeys(names))[:15]

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
        return user


class AccountDeleteForm(forms.Form):
    confirm = forms.CharField(
        label="Type DELETE to confirm",
        max_length=10,
        help_text="Your posts stay, shown as by “Former member”. This cannot be undone.",
    )

    def clean_confirm(self) -> str:
        if self.cleaned_data["confirm"].strip() != "DELETE":
            raise forms.ValidationError("Type DELETE in capital letters to confirm.")
        return self.cleaned_data["confirm"]
