"""What a post's body is made of: sanitised rich text, pictures with required alt text served
through the access module, quotations, and videos from two privacy-enhanced players."""

from io import BytesIO

import pytest
from PIL import Image

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.blocks import StreamValue
from wagtail.images import get_image_model
from wagtail.models import Collection

from blogs.blocks import BodyBlock, PictureBlock, VideoBlock
from blogs.models.pages import reading_minutes
from blogs.video import parse_video_url
from communities.models import Visibility
from community_pages.collections import community_collection
from tests.blogs.conftest import make_post
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _image(community=None, title="Rent arrears chart", size=(2400, 1200)):
    out = BytesIO()
    Image.new("RGB", size, (29, 92, 99)).save(out, format="PNG")
    return get_image_model().objects.create(
        title=title,
        file=SimpleUploadedFile("chart.png", out.getvalue(), content_type="image/png"),
        collection=community_collection(community)
        if community
        else Collection.get_first_root_node(),
    )


@pytest.mark.parametrize(
    ("url", "player"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://youtu.be/dQw4w9WgXcQ?t=30", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        (
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871?dnt=1"),
        (
            "https://player.vimeo.com/video/76979871",
            "https://player.vimeo.com/video/76979871?dnt=1",
        ),
    ],
)
def test_youtube_and_vimeo_addresses_become_privacy_enhanced_players(url, player):
    assert parse_video_url(url).player_url == player


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=short",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://vimeo.com/not-a-number",
        "ftp://vimeo.com/76979871",
        "",
    ],
)
def test_anything_else_is_not_a_video(url):
    assert parse_video_url(url) is None


def test_only_the_video_id_of_an_address_reaches_the_page():
    video = parse_video_url('https://www.youtube.com/watch?v=dQw4w9WgXcQ&v=x"><script>')
    assert video.player_url == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"


def test_a_video_block_explains_what_it_accepts():
    with pytest.raises(ValidationError) as raised:
        VideoBlock().clean({"url": "https://example.gov.uk/video", "title": "Our launch"})
    assert "YouTube or Vimeo" in str(raised.value.block_errors)


def test_a_picture_needs_alt_text():
    image = _image()
    with pytest.raises(ValidationError):
        PictureBlock().clean({"image": image, "alt_text": "", "caption": ""})
    cleaned = PictureBlock().clean({"image": image, "alt_text": "A chart", "caption": ""})
    assert cleaned["alt_text"] == "A chart"


def test_reading_time_is_words_over_two_hundred_at_least_one_minute():
    assert reading_minutes("") == 1
    assert reading_minutes("word " * 200) == 1
    assert reading_minutes("word " * 201) == 2


def test_blocks_render_pictures_quotes_and_videos(client):
    community = CommunityFactory(slug="housing")
    image = _image(community)
    post = make_post(community, title="Rich post")
    post.body = StreamValue(
        BodyBlock(),
        [
            ("picture", {"image": image, "alt_text": "Arrears fell to 7%", "caption": "2025"}),
            ("quote", {"quote": "It just worked.", "attribution": "A tenant"}),
            ("video", {"url": "https://youtu.be/dQw4w9WgXcQ", "title": "Our launch"}),
        ],
    )
    post.save_revision(user=post.owner).publish(user=post.owner)
    html = client.get(post.get_absolute_url()).content.decode()
    picture_url = reverse(
        "blogs:image", kwargs={"image_id": image.pk, "spec": "body", "name": "rent-arrears-chart"}
    )
    assert f'src="{picture_url}" width="960" height="480" alt="Arrears fell to 7%"' in html
    assert '<figcaption class="copsite-figure__caption">2025</figcaption>' in html
    assert "It just worked." in html and "A tenant" in html
    assert (
        'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" title="Our launch (video)"'
        in html
    )
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in html


def test_pictures_are_re_encoded_and_served_with_nosniff(client):
    community = CommunityFactory()
    image = _image(community)
    response = client.get(reverse("blogs:image", args=[image.pk, "body", "chart"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("public")
    served = Image.open(BytesIO(b"".join(response.streaming_content)))
    assert served.size == (960, 480)
    assert client.get(reverse("blogs:image", args=[image.pk, "huge", "chart"])).status_code == 404


def test_a_private_community_s_pictures_are_for_its_members(client):
    community = CommunityFactory(visibility=Visibility.PRIVATE)
    image = _image(community)
    url = reverse("blogs:image", args=[image.pk, "hero", "chart"])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(MembershipFactory(community=community).user)
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"].startswith("private")


def test_a_restricted_community_s_pictures_are_403_to_outsiders(client):
    image = _image(CommunityFactory(visibility=Visibility.RESTRICTED))
    assert client.get(reverse("blogs:image", args=[image.pk, "body", "x"])).status_code == 403


def test_pictures_in_a_sub_collection_of_a_private_community_s_are_private_too(client):
    community = CommunityFactory(visibility=Visibility.PRIVATE)
    image = _image(community)
    image.collection = community_collection(community).add_child(name="Charts")
    image.save()
    url = reverse("blogs:image", args=[image.pk, "hero", "chart"])
    assert client.get(url).status_code == 404
    client.force_login(MembershipFactory(community=community).user)
    assert client.get(url).status_code == 200
