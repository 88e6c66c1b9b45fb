"""A post shows pictures from its own community's collection only: the picture at the top and
every picture in the body, however it is nested. Another community's picture is refused in the
editor with a message on the field and nothing is saved, for writers and site staff alike, and
neither revisions nor scheduled publishing get one through."""

from io import BytesIO

import pytest
from PIL import Image

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.text import slugify

from wagtail import blocks
from wagtail.blocks import StreamValue
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Collection
from wagtail.test.utils.form_data import nested_form_data, streamfield

from blogs.blocks import (
    PICTURE_FROM_ELSEWHERE,
    BodyBlock,
    drop_pictures_from_elsewhere,
    pictures_from_elsewhere,
)
from blogs.models import BlogPostPage
from communities.models import Visibility
from community_pages.collections import community_collection
from tests.blogs.admin_helpers import add_url, edit_url, editor_data
from tests.blogs.conftest import blog_of, make_post, make_writer
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db

MESSAGE = "Choose a picture from this community&#x27;s library."  # as escaped in the editor


def _image(community=None, title="A chart"):
    """A picture in `community`'s collection (in the root collection without one)."""
    out = BytesIO()
    Image.new("RGB", (40, 20), (10, 20, 30)).save(out, format="PNG")
    return get_image_model().objects.create(
        title=title,
        file=SimpleUploadedFile(f"{slugify(title)}.png", out.getvalue(), content_type="image/png"),
        collection=community_collection(community)
        if community
        else Collection.get_first_root_node(),
    )


def _picture(image, alt_text="A chart of arrears") -> tuple:
    return ("picture", {"image": image, "alt_text": alt_text, "caption": ""})


def _form_with_pictures(title: str, pictures: list, action: str = "", **fields) -> dict:
    """The editor's form (as tests.blogs.admin_helpers.editor_data) with picture blocks."""
    body = streamfield(
        [
            ("picture", {"image": str(image.pk), "alt_text": "A chart", "caption": ""})
            for image in pictures
        ]
    )
    data = editor_data(title, action, **fields)
    data = {key: value for key, value in data.items() if not key.startswith("body-")}
    data.update(nested_form_data({"body": body}))
    return data


def _assert_not_shown(html: str, image) -> None:
    """The editor names and previews no picture from elsewhere (ids are sequential, so that
    would let anyone list every community's pictures)."""
    assert image.title not in html
    assert image.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] not in html
    assert f'value="{image.pk}"' not in html and f"&quot;id&quot;: {image.pk}," not in html


@pytest.fixture
def scene():
    mine = CommunityFactory(slug="mine", name="Alpha housing")
    theirs = CommunityFactory(
        slug="theirs", name="Bravo secret board", visibility=Visibility.PRIVATE
    )
    writer = make_writer(mine)
    own = _image(mine, title="Alpha chart")
    foreign = _image(theirs, title="Bravo secret chart")
    post = make_post(mine, writer, title="Alpha post", hero_image=own, hero_alt_text="Our chart")
    return mine, theirs, writer, own, foreign, post


# --- The picture at the top ---------------------------------------------------------------------


@pytest.mark.parametrize("action", ["publish", ""])  # publishing, and saving a draft
def test_another_community_s_picture_at_the_top_is_refused(client, scene, action):
    mine, theirs, writer, own, foreign, post = scene
    revisions = post.revisions.count()
    client.force_login(writer)
    response = client.post(
        edit_url(post),
        editor_data(
            "Alpha post, changed",
            action=action,
            hero_image=str(foreign.pk),
            hero_alt_text="Their chart",
            summary="What I typed.",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert MESSAGE in html
    assert "What I typed." in html and "Alpha post, changed" in html  # the form is kept
    _assert_not_shown(html, foreign)
    post.refresh_from_db()
    assert post.hero_image == own and post.title == "Alpha post"
    assert post.revisions.count() == revisions
    assert post.get_latest_revision().as_object().hero_image_id == own.pk


def test_a_new_post_with_another_community_s_picture_is_not_created(client, scene):
    mine, theirs, writer, own, foreign, post = scene
    client.force_login(writer)
    response = client.post(
        add_url(blog_of(mine)),
        editor_data(
            "Borrowed picture", action="publish", hero_image=str(foreign.pk), hero_alt_text="x"
        ),
    )
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    _assert_not_shown(response.content.decode(), foreign)
    assert not BlogPostPage.objects.filter(title="Borrowed picture").exists()


def test_site_staff_follow_the_same_rule(client, scene):
    mine, theirs, writer, own, foreign, post = scene
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        edit_url(post),
        editor_data("Alpha post", action="publish", hero_image=str(foreign.pk), hero_alt_text="x"),
    )
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    _assert_not_shown(response.content.decode(), foreign)
    post.refresh_from_db()
    assert post.hero_image == own


def test_a_picture_from_the_community_s_own_library_is_used(client, scene):
    mine, theirs, writer, own, foreign, post = scene
    other_own = _image(mine, title="Alpha second chart")
    client.force_login(writer)
    response = client.post(
        edit_url(post),
        _form_with_pictures(
            "Alpha post",
            [own, other_own],
            action="publish",
            hero_image=str(other_own.pk),
            hero_alt_text="Our second chart",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    post.refresh_from_db()
    assert post.hero_image == other_own
    assert [block.value["image"] for block in post.body] == [own, other_own]


# --- Pictures in the body -----------------------------------------------------------------------


def test_another_community_s_picture_in_the_body_is_refused(client, scene):
    mine, theirs, writer, own, foreign, post = scene
    body_before = BlogPostPage.objects.filter(pk=post.pk).values_list("body", flat=True).get()
    client.force_login(writer)
    response = client.post(
        edit_url(post),
        _form_with_pictures(
            "Alpha post",
            [own, foreign],
            action="publish",
            hero_image=str(own.pk),
            hero_alt_text="Our chart",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert MESSAGE in html  # on the picture's block (in the StreamField's error data)
    _assert_not_shown(html, foreign)
    assert "Alpha chart" in html  # the other picture is kept
    assert BlogPostPage.objects.filter(pk=post.pk).values_list("body", flat=True).get() == (
        body_before
    )
    post.refresh_from_db()
    assert not any(block.block_type == "picture" for block in post.body)


def test_a_picture_in_the_root_collection_is_refused_too(client, scene):
    mine, theirs, writer, own, foreign, post = scene
    loose = _image(None, title="Uploaded outside any community")
    client.force_login(writer)
    response = client.post(
        edit_url(post),
        _form_with_pictures(
            "Alpha post",
            [loose],
            action="publish",
            hero_image=str(own.pk),
            hero_alt_text="Our chart",
        ),
    )
    assert response.status_code == 200
    post.refresh_from_db()
    assert not any(block.block_type == "picture" for block in post.body)


# --- The model ----------------------------------------------------------------------------------


def test_clean_refuses_pictures_from_another_community(scene):
    mine, theirs, writer, own, foreign, post = scene
    post.full_clean()  # its own pictures are fine
    post.hero_image = foreign
    post.body = StreamValue(BodyBlock(), [_picture(own), _picture(foreign)])
    with pytest.raises(ValidationError) as raised:
        post.full_clean()
    errors = raised.value.error_dict
    assert [error.message for error in errors["hero_image"]] == [PICTURE_FROM_ELSEWHERE]
    body_error = errors["body"][0]
    assert list(body_error.block_errors) == [1]  # the second block, not the first
    assert body_error.block_errors[1].block_errors["image"].message == PICTURE_FROM_ELSEWHERE


def test_a_post_without_a_community_collection_may_use_no_picture(scene):
    mine, theirs, writer, own, foreign, post = scene
    type(mine).objects.filter(pk=mine.pk).update(collection=None)
    fresh = BlogPostPage.objects.get(pk=post.pk)
    with pytest.raises(ValidationError) as raised:
        fresh.full_clean()
    assert "hero_image" in raised.value.error_dict


def test_nested_pictures_are_found_wherever_they_are():
    community, other = CommunityFactory(), CommunityFactory()
    own, foreign = _image(community), _image(other)
    block = blocks.StreamBlock(
        [
            (
                "gallery",
                blocks.StructBlock(
                    [
                        ("heading", blocks.CharBlock()),
                        ("pictures", blocks.ListBlock(ImageChooserBlock())),
                    ]
                ),
            ),
            ("inner", blocks.StreamBlock([("image", ImageChooserBlock())])),
        ]
    )
    value = block.to_python(
        [
            {"type": "gallery", "value": {"heading": "x", "pictures": [own.pk, foreign.pk]}},
            {"type": "inner", "value": [{"type": "image", "value": own.pk}]},
            {"type": "inner", "value": [{"type": "image", "value": foreign.pk}]},
        ]
    )
    collection_id = community.collection_id
    error = pictures_from_elsewhere(block, value, collection_id)
    assert sorted(error.block_errors) == [0, 2]
    gallery = error.block_errors[0].block_errors["pictures"]
    assert list(gallery.block_errors) == [1]
    assert error.block_errors[2].block_errors[0].message == PICTURE_FROM_ELSEWHERE
    assert drop_pictures_from_elsewhere(block, value, collection_id)
    assert list(value[0].value["pictures"]) == [own, None]
    assert value[1].value[0].value == own and value[2].value[0].value is None
    assert pictures_from_elsewhere(block, value, collection_id) is None
    own_only = block.to_python([{"type": "inner", "value": [{"type": "image", "value": own.pk}]}])
    assert pictures_from_elsewhere(block, own_only, collection_id) is None


# --- Revisions and scheduled publishing ---------------------------------------------------------


def test_a_revision_with_another_community_s_picture_cannot_be_published(scene):
    """Revisions saved without validation (as Wagtail's draft save does, after the editor form
    has been validated) are validated again when published, including by the scheduler."""
    mine, theirs, writer, own, foreign, post = scene
    post.hero_image = foreign
    with pytest.raises(ValidationError):
        post.save_revision(user=writer)  # validated by default
    revision = post.save_revision(user=writer, clean=False)
    with pytest.raises(ValidationError):
        revision.publish(user=writer)
    post = BlogPostPage.objects.get(pk=post.pk)
    assert post.hero_image == own and post.live_revision_id != revision.pk


def test_the_editor_never_shows_a_picture_from_elsewhere_already_in_a_post(client, scene):
    """A post saved before this rule (or by a script) may hold another community's picture:
    the editor shows no picture there, and publishing is refused until one is chosen."""
    mine, theirs, writer, own, foreign, post = scene
    body = StreamValue(BodyBlock(), [_picture(foreign)])
    BlogPostPage.objects.filter(pk=post.pk).update(hero_image=foreign, body=body)
    client.force_login(writer)
    html = client.get(edit_url(post)).content.decode()
    assert "Choose an image" in html
    _assert_not_shown(html, foreign)
    fresh = BlogPostPage.objects.get(pk=post.pk)
    assert fresh.body[0].value["image"] == foreign  # the page itself is not changed


def test_emptying_pictures_from_elsewhere_keeps_the_rest():
    community, other = CommunityFactory(), CommunityFactory()
    own, foreign = _image(community), _image(other)
    block = BodyBlock()
    value = StreamValue(block, [_picture(own), _picture(foreign)])
    assert drop_pictures_from_elsewhere(block, value, community.collection_id)
    assert [child.value["image"] for child in value] == [own, None]
    assert [child.value["alt_text"] for child in value] == ["A chart of arrears"] * 2
    assert not drop_pictures_from_elsewhere(block, value, community.collection_id)


def test_the_preview_does_not_show_a_picture_from_elsewhere(client, scene):
    mine, theirs, writer, own, foreign, post = scene
    client.force_login(writer)
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[post.pk])
    data = editor_data("Alpha post", hero_image=str(foreign.pk), hero_alt_text="x")
    assert client.post(preview_url, data).json()["is_valid"] is False
    html = client.get(preview_url).content.decode()
    assert foreign.title not in html and slugify(foreign.title) not in html
