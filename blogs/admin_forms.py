"""The Wagtail editor's form for blog posts."""

from django import forms
from django.utils.text import slugify

from wagtail.admin.forms import WagtailAdminPageForm

from accounts.models import User
from communities.models import Membership

MAX_TAGS = 5
MAX_TAG_LENGTH = 40


class CoAuthorField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.public_name}, {obj.job_title}" if obj.job_title else obj.public_name


class BlogPostPageForm(WagtailAdminPageForm):
    """The editor's form for a post: co-authors are chosen from the community's members only
    (so the editor never lists people from elsewhere), and tags are few and short."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        page = self.instance
        if page.community_id is None and self.parent_page is not None:
            page.community_id = getattr(self.parent_page.specific, "community_id", None)
        if "co_authors" in self.fields:
            field = self.fields["co_authors"]
            self.fields["co_authors"] = CoAuthorField(
                queryset=User.objects.filter(
                    pk__in=Membership.objects.filter(community_id=page.community_id).values(
                        "user_id"
                    ),
                    is_active=True,
                    deleted_at__isnull=True,
                )
                .exclude(pk=page.owner_id or getattr(self.for_user, "pk", None))
                .order_by("display_name", "pk"),
                required=False,
                label=field.label,
                help_text=field.help_text,
                widget=forms.SelectMultiple(attrs={"size": 6}),
            )

    def clean_tags(self):
        tags = self.cleaned_data.get("tags") or []
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(f"Use at most {MAX_TAGS} tags.")
        if any(len(str(tag)) > MAX_TAG_LENGTH for tag in tags):
            raise forms.ValidationError(f"Each tag must be {MAX_TAG_LENGTH} characters or fewer.")
        if any(not slugify(str(tag)) for tag in tags):
            raise forms.ValidationError("Each tag needs at least one letter or number.")
        return tags
