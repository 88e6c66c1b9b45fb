"""The Wagtail editor's form for blog posts."""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext

from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.blocks import BlockWidget
from wagtail.images.widgets import AdminImageChooser

from accounts.models import User
from communities.models import Membership

from .blocks import drop_pictures_from_elsewhere, in_library, pictures_from_elsewhere

MAX_TAGS = 5
MAX_TAG_LENGTH = 40


class CoAuthorField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.public_name}, {obj.job_title}" if obj.job_title else obj.public_name


class LibraryImageChooser(AdminImageChooser):
    """The image chooser, showing only a picture from the collection `collection_id`: anything
    else (such as another community's picture id posted by hand and refused by
    BlogPostPage.clean) is shown as no picture, so its title and thumbnail never reach the
    page."""

    def __init__(self, collection_id: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.collection_id = collection_id

    def get_instance(self, value):
        instance = super().get_instance(value)
        return instance if in_library(instance, self.collection_id) else None


class LibraryBlockWidget(BlockWidget):
    """The StreamField editor, showing pictures in blocks from the collection `collection_id`
    only (as LibraryImageChooser)."""

    def __init__(self, block_def, collection_id: int | None = None, attrs=None):
        super().__init__(block_def, attrs=attrs)
        self.collection_id = collection_id

    def render_with_errors(self, name, value, attrs=None, errors=None, renderer=None):
        if value is not None and pictures_from_elsewhere(self.block_def, value, self.collection_id):
            # Emptied in a copy: the value may be the page's own (a form that is not bound).
            value = self.block_def.to_python(self.block_def.get_prep_value(value))
            drop_pictures_from_elsewhere(self.block_def, value, self.collection_id)
        return super().render_with_errors(name, value, attrs, errors, renderer)


class BlogPostPageForm(WagtailAdminPageForm):
    """The editor's form for a post: co-authors are chosen from the community's members only
    (so the editor never lists people from elsewhere), pictures are shown only from the
    community's collection (BlogPostPage.clean refuses others), and tags are few and short."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        page = self.instance
        if page.community_id is None and self.parent_page is not None:
            page.community_id = getattr(self.parent_page.specific, "community_id", None)
        community = page.get_community()
        collection_id = community.collection_id if community is not None else None
        if "hero_image" in self.fields:
            self.fields["hero_image"].widget = LibraryImageChooser(collection_id=collection_id)
        if "body" in self.fields:
            field = self.fields["body"]
            field.widget = LibraryBlockWidget(field.block, collection_id=collection_id)
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
            raise forms.ValidationError(
                gettext("Use at most %(MAX_TAGS)s tags.") % {"MAX_TAGS": MAX_TAGS}
            )
        if any(len(str(tag)) > MAX_TAG_LENGTH for tag in tags):
            raise forms.ValidationError(
                gettext("Each tag must be %(MAX_TAG_LENGTH)s characters or fewer.")
                % {"MAX_TAG_LENGTH": MAX_TAG_LENGTH}
            )
        if any(not slugify(str(tag)) for tag in tags):
            raise forms.ValidationError(gettext("Each tag needs at least one letter or number."))
        return tags
