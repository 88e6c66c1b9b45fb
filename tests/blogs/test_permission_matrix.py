"""Every blog URL, feed, preview and Wagtail admin view, for every kind of person, in every kind
of community. Rows: the URLs. Columns: the roles of tests/test_permission_matrix.py, plus the
post's author and another member who writes in the blog (both have chosen "Write a post", so
they are in the blog's writers' group). Each cell is the status code.

Private communities are 404 to everyone outside them (in the admin too); restricted ones' content
is 403; Wagtail answers "not allowed" in its admin with a redirect to the dashboard (302).
"""

from collections.abc import Callable
from io import BytesIO

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.images import get_image_model

from blogs import services
from blogs.models import BlogComment
from community_pages.collections import community_collection
from tests.blogs.conftest import blog_of, make_post
from tests.conftest import make_cast
from tests.factories import MembershipFactory
from tests.matrix import OPEN, PRIVATE, RESTRICTED, Matrix, Row
from tests.test_permission_matrix import ROLES as SITE_ROLES

ROLES = (*SITE_ROLES, "author", "writer")
INSIDERS = {"member", "facilitator", "owner", "staff", "author", "writer"}
POSTERS = INSIDERS
MODERATORS = {"facilitator", "owner", "staff"}
NO_ADMIN = {"outsider", "pending", "member"}  # signed in, never chose "Write a post"


def everyone(code: int) -> Callable:
    return lambda visibility, role: code


def content(visibility, role) -> int:
    if visibility == PRIVATE and role not in INSIDERS:
        return 404
    if visibility == RESTRICTED and role not in INSIDERS:
        return 403
    return 200


def signed_in(ok: Callable, allowed: set[str]) -> Callable:
    """Sign-in first, then the community's content rules, then `allowed` get `ok` and other
    readers 403."""

    def expect(visibility, role):
        if role == "anonymous":
            return 302
        code = content(visibility, role)
        if code != 200:
            return code
        return ok(visibility, role) if role in allowed else 403

    return expect


def public_feed(visibility, role) -> int:
    """Public feeds read as an anonymous visitor, whoever asks."""
    return {OPEN: 200, RESTRICTED: 403, PRIVATE: 404}[visibility]


def public_only(visibility, role) -> int:
    """Site-wide pages about a tag or author that only this community's post carries: public
    feeds find it in open communities only."""
    return 200 if visibility == OPEN else 404


def tag_page(visibility, role) -> int:
    """The site-wide tag page exists for people who may read a post carrying the tag."""
    return 200 if content(visibility, role) == 200 else 404


def author_page(visibility, role) -> int:
    """Signed-in people see anyone's author page; anonymous visitors only public authors'."""
    if role == "anonymous":
        return 200 if visibility == OPEN else 404
    return 200


def personal_feed(visibility, role) -> int:
    """Read as the person whose token it is; anonymous visitors have no token (404)."""
    if role == "anonymous" or (visibility == PRIVATE and role not in INSIDERS):
        return 404
    return 200  # restricted communities give outsiders an empty "members only" feed


def personal_tag_feed(visibility, role) -> int:
    """A site-wide personal tag feed exists for the token's owner if they may read a post
    carrying the tag (as the tag page); anonymous visitors have no token (404)."""
    return 404 if role == "anonymous" else tag_page(visibility, role)


def personal_site_feed(visibility, role) -> int:
    """Site-wide personal feeds (all posts, an author's posts) answer every token's owner, with
    the posts they may read; anonymous visitors have no token (404)."""
    return 404 if role == "anonymous" else 200


def admin(allowed: set[str], ok: int = 200, hidden_blog: bool = True) -> Callable:
    """Wagtail admin views of this community's blog pages: anonymous → sign in; no admin
    account → 403; outside a private community → 404; refused → Wagtail's redirect."""

    def expect(visibility, role):
        if role == "anonymous":
            return 302
        if role in NO_ADMIN:
            return 403
        if hidden_blog and visibility == PRIVATE and role not in INSIDERS:
            return 404
        return ok if role in allowed else 302

    return expect


def admin_settings(visibility, role) -> int:
    if role == "anonymous":
        return 302
    if role in NO_ADMIN:
        return 403
    if visibility == PRIVATE and role not in INSIDERS:
        return 404
    return 200 if role in MODERATORS else 302


def hidden_comment_action(visibility, role) -> int:
    """A hidden comment exists only for facilitators and its author."""
    if role == "anonymous":
        return 302
    code = content(visibility, role)
    if code != 200:
        return code
    if role in MODERATORS:
        return 302
    return 403 if role == "author" else 404


def _blog(cast) -> str:
    return f"/c/{cast.community.slug}/blog/"


def _url(name: str, *attrs) -> Callable:
    return lambda cast: reverse(f"blogs:{name}", args=[getattr(cast, a) for a in attrs])


def _admin(name: str, attr: str) -> Callable:
    return lambda cast: reverse(f"wagtailadmin_pages:{name}", args=[getattr(cast, attr)])


URLS = [
    # The blog (Wagtail pages)
    Row("blog", _blog, content),
    Row("blog-page-2", lambda c: _blog(c) + "?page=2", content),
    Row("blog-tag", lambda c: _blog(c) + "tags/damp/", content),
    Row("post", lambda c: c.post.get_absolute_url(), content),
    Row("draft-post", lambda c: c.draft.get_absolute_url(), lambda v, r: 404),
    Row("post-picture", _url("image", "image_id", "spec", "image_name"), content),
    # Writing
    Row("write", lambda c: reverse("blogs:post-write", args=[c.community.slug]),
        signed_in(everyone(200), POSTERS)),
    Row("write-post", lambda c: reverse("blogs:post-write", args=[c.community.slug]),
        signed_in(everyone(302), POSTERS), method="post"),
    # Comments
    Row("comment-create-get", _url("comment-create", "post_id"),
        signed_in(everyone(302), set(ROLES))),
    Row("comment-create", _url("comment-create", "post_id"), signed_in(everyone(400), POSTERS),
        method="post"),
    Row("comment-reply", _url("comment-reply", "comment_id"), signed_in(everyone(200), POSTERS)),
    Row("comment-edit", _url("comment-edit", "comment_id"), signed_in(everyone(200), {"writer"})),
    Row("comment-delete", _url("comment-delete", "comment_id"),
        signed_in(everyone(200), {"writer"})),
    Row("comment-hide", _url("comment-hide", "comment_id"), signed_in(everyone(200), MODERATORS)),
    Row("comment-restore", _url("comment-restore", "hidden_comment_id"), hidden_comment_action,
        method="post"),
    Row("comments-close", _url("comments-close", "post_id"),
        signed_in(everyone(302), MODERATORS | {"author"}), method="post"),
    # Across blogs
    Row("latest", lambda c: reverse("blogs:latest"), everyone(200)),
    Row("site-tag", lambda c: reverse("blogs:tag", args=["damp"]), tag_page),
    Row("author-page", _url("author", "author_id"), author_page),
    Row("feed-list", lambda c: reverse("blogs:feed-list"),
        lambda v, r: 302 if r == "anonymous" else 200),
    # Feeds
    Row("blog-feed-rss", lambda c: reverse("blogs:blog-feed-rss", args=[c.community.slug]),
        public_feed),
    Row("blog-feed-atom", lambda c: reverse("blogs:blog-feed-atom", args=[c.community.slug]),
        public_feed),
    Row("blog-tag-feed",
        lambda c: reverse("blogs:blog-tag-feed-rss", args=[c.community.slug, "damp"]),
        public_feed),
    Row("blog-tag-feed-atom",
        lambda c: reverse("blogs:blog-tag-feed-atom", args=[c.community.slug, "damp"]),
        public_feed),
    Row("site-feed", lambda c: reverse("blogs:feed-atom"), everyone(200)),
    Row("site-feed-rss", lambda c: reverse("blogs:feed-rss"), everyone(200)),
    Row("tag-feed", lambda c: reverse("blogs:tag-feed-rss", args=["damp"]), public_only),
    Row("tag-feed-atom", lambda c: reverse("blogs:tag-feed-atom", args=["damp"]), public_only),
    Row("author-feed", _url("author-feed-rss", "author_id"), public_only),
    Row("author-feed-atom", _url("author-feed-atom", "author_id"), public_only),
    Row("personal-blog-feed",
        lambda c: reverse("blogs:personal-blog-feed-rss", args=[c.token, c.community.slug]),
        personal_feed),
    Row("personal-blog-feed-atom",
        lambda c: reverse("blogs:personal-blog-feed-atom", args=[c.token, c.community.slug]),
        personal_feed),
    Row("personal-site-feed", lambda c: reverse("blogs:personal-feed-atom", args=[c.token]),
        lambda v, r: 404 if r == "anonymous" else 200),
    Row("personal-site-feed-rss", lambda c: reverse("blogs:personal-feed-rss", args=[c.token]),
        personal_site_feed),
    Row("personal-blog-tag-feed",
        lambda c: reverse("blogs:personal-blog-tag-feed-rss",
                          args=[c.token, c.community.slug, "damp"]),
        personal_feed),
    Row("personal-blog-tag-feed-atom",
        lambda c: reverse("blogs:personal-blog-tag-feed-atom",
                          args=[c.token, c.community.slug, "damp"]),
        personal_feed),
    Row("personal-tag-feed",
        lambda c: reverse("blogs:personal-tag-feed-atom", args=[c.token, "damp"]),
        personal_tag_feed),
    Row("personal-tag-feed-rss",
        lambda c: reverse("blogs:personal-tag-feed-rss", args=[c.token, "damp"]),
        personal_tag_feed),
    Row("personal-author-feed",
        lambda c: reverse("blogs:personal-author-feed-rss", args=[c.token, c.author_id]),
        personal_site_feed),
    Row("personal-author-feed-atom",
        lambda c: reverse("blogs:personal-author-feed-atom", args=[c.token, c.author_id]),
        personal_site_feed),
    # The Wagtail admin
    Row("admin-blogs", lambda c: reverse("blogs_admin:index"),
        lambda v, r: {"anonymous": 302}.get(r, 403 if r in NO_ADMIN else 200)),
    Row("admin-blog-settings", lambda c: reverse("blogs_admin:settings", args=[c.community.pk]),
        admin_settings),
    Row("admin-explore-blog", lambda c: reverse("wagtailadmin_explore", args=[c.blog_id]),
        admin(MODERATORS | {"author", "writer"})),
    Row("admin-add-post",
        lambda c: reverse("wagtailadmin_pages:add", args=["blogs", "blogpostpage", c.blog_id]),
        admin(MODERATORS | {"author", "writer"})),
    Row("admin-edit-post", _admin("edit", "post_id"), admin(MODERATORS | {"author"})),
    Row("admin-edit-draft", _admin("edit", "draft_id"), admin(MODERATORS | {"author"})),
    Row("admin-view-draft", _admin("view_draft", "draft_id"), admin(MODERATORS | {"author"})),
    Row("admin-preview", _admin("preview_on_edit", "draft_id"), admin(MODERATORS | {"author"})),
    Row("admin-history", _admin("history", "post_id"), admin(MODERATORS | {"author"})),
    Row("admin-unpublish", _admin("unpublish", "post_id"), admin(MODERATORS | {"author"})),
    Row("admin-delete-draft", _admin("delete", "draft_id"), admin(MODERATORS | {"author"})),
    Row("admin-edit-blog", _admin("edit", "blog_id"), admin(MODERATORS)),
]  # fmt: skip


def _png() -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (8, 4), (10, 20, 30)).save(out, format="PNG")
    return out.getvalue()


def build_cast(visibility):
    cast = make_cast(visibility)
    community = cast.community
    cast.other_facilitator = MembershipFactory(role="facilitator").user
    cast.author = MembershipFactory(community=community).user
    cast.writer = MembershipFactory(community=community).user
    services.writer_enrol(actor=cast.writer, community=community)
    post = make_post(community, cast.author, title="Matrix post", tags=["damp"])
    draft = make_post(community, cast.author, title="Matrix draft", publish=False)
    comment = services.comment_create(actor=cast.writer, post=post, body="A comment")
    hidden = services.comment_create(actor=cast.author, post=post, body="Hidden")
    services.comment_hide(actor=cast.owner, comment=hidden, reason="Off topic")
    image = get_image_model().objects.create(
        title="Chart",
        file=SimpleUploadedFile("chart.png", _png(), content_type="image/png"),
        collection=community_collection(community),
    )
    cast.post, cast.draft = post, draft
    cast.post_id, cast.draft_id, cast.blog_id = post.pk, draft.pk, blog_of(community).pk
    cast.author_id = cast.author.pk
    cast.comment_id, cast.hidden_comment_id = comment.pk, hidden.pk
    cast.image_id, cast.spec, cast.image_name = image.pk, "body", "chart"
    return cast


# Rows whose action changes what the next person meets: put it back before each request.
RESETS = {
    "comment-restore": lambda cast: BlogComment.objects.filter(pk=cast.hidden_comment_id).update(
        status=BlogComment.Status.HIDDEN
    ),
}

matrix = Matrix("blog", URLS, ROLES, build_cast, RESETS)


@pytest.mark.parametrize("row", matrix.cells())
def test_blog_permission_matrix(client, cast, row):
    matrix.check(client, cast, row)
