"""Every URL the site has, for every kind of person, in every kind of community.

Rows: the URLs. Columns: anonymous, outsider, pending requester, member, facilitator,
owner, a facilitator of another community, and site staff. Each cell is the status code.
Later issues add their URLs to URLS; tests/test_url_coverage.py fails while a URL of ours is
in no row (of this matrix or tests/blogs/test_permission_matrix.py).
"""

from collections.abc import Callable

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.documents import get_document_model

from communities import services as community_services
from communities.models import Ban, Membership, Role
from community_pages.collections import community_collection
from facilitation.models import Broadcast
from notifications.models import Notification
from notifications.notification_kinds import REPLY
from tests.conftest import make_cast
from tests.factories import MembershipFactory, UserFactory
from tests.matrix import OPEN, PRIVATE, RESTRICTED, Matrix, Row

ROLES = (
    "anonymous", "outsider", "pending", "member", "facilitator", "owner", "other_facilitator",
    "staff",
)  # fmt: skip
INSIDERS = {"member", "facilitator", "owner", "staff"}
MODERATORS = {"facilitator", "owner", "staff"}
SIGNED_IN_WITHOUT_ADMIN = {"outsider", "pending", "member"}


def everyone(code: int) -> Callable:
    return lambda visibility, role: code


def signed_in(code: int) -> Callable:
    return lambda visibility, role: 302 if role == "anonymous" else code


def community_page(visibility, role) -> int:
    """The community's home: listed ones for all, private ones only for insiders."""
    if visibility == PRIVATE and role not in INSIDERS:
        return 404
    return 200


def community_content(visibility, role) -> int:
    if visibility == PRIVATE and role not in INSIDERS:
        return 404
    if visibility == RESTRICTED and role not in INSIDERS:
        return 403
    return 200


def signed_in_community_action(ok: Callable) -> Callable:
    """Actions needing sign-in: anonymous → sign in; hidden community → 404; else `ok`."""

    def expect(visibility, role):
        if role == "anonymous":
            return 302
        if visibility == PRIVATE and role not in INSIDERS:
            return 404
        return ok(visibility, role)

    return expect


def join_page(visibility, role) -> int:
    # Only people who may join directly see the form; everyone else is sent on (302).
    return 200 if visibility == OPEN and role not in INSIDERS - {"staff"} else 302


def request_page(visibility, role) -> int:
    return (
        200
        if visibility == RESTRICTED and role in {"outsider", "other_facilitator", "staff"}
        else 302
    )


def leave_page(visibility, role) -> int:
    return 200 if role in INSIDERS - {"staff"} else 302


def create_community(visibility, role) -> int:
    return {"anonymous": 302, "staff": 200}.get(role, 403)


def admin_home(visibility, role) -> int:
    if role == "anonymous":
        return 302
    return 403 if role in SIGNED_IN_WITHOUT_ADMIN else 200


def admin_community(ok: int) -> Callable:
    def expect(visibility, role):
        if role == "anonymous":
            return 302
        if role in SIGNED_IN_WITHOUT_ADMIN:
            return 403
        if role == "other_facilitator":
            # Wagtail turns PermissionDenied in admin views into a redirect to the admin
            # home with an error message; hidden communities stay 404.
            return 404 if visibility == PRIVATE else 302
        return ok

    return expect


URLS = [
    Row("home", lambda c: "/", everyone(200)),
    Row("accessibility", lambda c: "/accessibility/", everyone(200)),
    Row("health", lambda c: reverse("health"), everyone(200)),
    Row("theme-css", lambda c: reverse("theme-css"), everyone(200)),
    Row("document", lambda c: c.document_url, community_content),
    Row("directory", lambda c: reverse("communities:directory"), everyone(200)),
    Row("community-create", lambda c: reverse("communities:community-create"), create_community),
    Row("community-home", lambda c: c.community.get_absolute_url(), community_page),
    Row(
        "member-list",
        lambda c: reverse("communities:member-list", args=[c.community.slug]),
        community_content,
    ),
    Row(
        "join",
        lambda c: reverse("communities:join", args=[c.community.slug]),
        signed_in_community_action(join_page),
    ),
    Row(
        "request",
        lambda c: reverse("communities:request", args=[c.community.slug]),
        signed_in_community_action(request_page),
    ),
    Row(
        "request-withdraw",
        lambda c: reverse("communities:request-withdraw", args=[c.community.slug]),
        signed_in_community_action(lambda v, r: 302),
        method="post",
    ),
    Row(
        "leave",
        lambda c: reverse("communities:leave", args=[c.community.slug]),
        signed_in_community_action(leave_page),
    ),
    Row("invitation-unknown", lambda c: "/invitations/not-a-real-token/", everyone(404)),
    Row("profile", lambda c: c.member.get_absolute_url(), signed_in(200)),
    Row("profile-edit", lambda c: reverse("accounts:profile-edit"), signed_in(200)),
    Row("account-delete", lambda c: reverse("accounts:account-delete"), signed_in(200)),
    Row("account-email", lambda c: reverse("account_email"), signed_in(200)),
    Row("admin", lambda c: "/admin/", admin_home),
    Row("admin-communities", lambda c: reverse("communities_admin:index"), admin_home),
    Row(
        "admin-requests",
        lambda c: reverse("communities_admin:requests", args=[c.community.pk]),
        admin_community(200),
    ),
    Row(
        "admin-members",
        lambda c: reverse("communities_admin:members", args=[c.community.pk]),
        admin_community(200),
    ),
    Row(
        "admin-invitations",
        lambda c: reverse("communities_admin:invitations", args=[c.community.pk]),
        admin_community(200),
    ),
    Row(
        "admin-settings",
        lambda c: reverse("communities_admin:edit", args=[c.community.pk]),
        admin_community(200),
    ),
    Row(
        "admin-request-approve",
        lambda c: reverse("communities_admin:request-approve", args=[c.request_id]),
        admin_community(302),
        method="post",
    ),
    Row(
        "admin-request-decline",
        lambda c: reverse("communities_admin:request-decline", args=[c.request_id]),
        admin_community(302),
        method="post",
    ),
    Row(
        "admin-member-role",
        lambda c: reverse("communities_admin:member-role", args=[c.member_membership_id]),
        admin_community(302),  # no role chosen: refused, sent back
        method="post",
    ),
    Row(
        "admin-member-remove",
        lambda c: reverse("communities_admin:member-remove", args=[c.owner_membership_id]),
        admin_community(302),  # the only owner stays: refused, sent back
        method="post",
    ),
    Row(
        "admin-member-ban",
        lambda c: reverse("communities_admin:member-ban", args=[c.owner_membership_id]),
        admin_community(302),  # the only owner stays: refused, sent back
        method="post",
    ),
    Row(
        "admin-ban-lift",
        lambda c: reverse("communities_admin:ban-lift", args=[c.ban_id]),
        admin_community(302),  # lifted; RESETS puts the ban back before the next person
        method="post",
    ),
    Row(
        "admin-invitation-revoke",
        lambda c: reverse("communities_admin:invitation-revoke", args=[c.invitation_id]),
        admin_community(302),
        method="post",
    ),
]


# --- Forums -------------------------------------------------------------------------------------
POSTERS = {"member", "facilitator", "owner", "staff"}


def forum_page(visibility, role) -> int:
    return community_content(visibility, role)


def forum_redirect(visibility, role) -> int:
    """Permalinks redirect readers to the thread page."""
    code = community_content(visibility, role)
    return 302 if code == 200 else code


def forum_write(allowed: set[str], ok: int = 200) -> Callable:
    """Signed-in actions: anonymous → sign in; unreadable community → 403/404; then allowed."""

    def expect(visibility, role):
        if role == "anonymous":
            return 302
        code = community_content(visibility, role)
        if code != 200:
            return code
        return ok if role in allowed else 403

    return expect


def forum_follow(visibility, role) -> int:
    """Watching and bookmarking: any signed-in reader, members or not."""
    if role == "anonymous":
        return 302
    code = community_content(visibility, role)
    return 302 if code == 200 else code


def public_feed(visibility, role) -> int:
    """Public feeds read as an anonymous visitor, whoever asks (members use personal feeds,
    covered in tests/forums/test_feeds.py)."""
    return {OPEN: 200, RESTRICTED: 403, PRIVATE: 404}[visibility]


def facilitators_anywhere(visibility, role) -> int:
    """The facilitation dashboard: for anyone who facilitates some community."""
    if role == "anonymous":
        return 302
    return 200 if role in MODERATORS | {"other_facilitator"} else 403


def signed_in_anywhere(visibility, role) -> int:
    return 302 if role == "anonymous" else 200


def personal_feed(visibility, role) -> int:
    """Read as the person whose token it is; anonymous visitors have no token (404). A private
    community stays 404 to outsiders; a restricted one gives them an empty "members only" feed."""
    if role == "anonymous" or (visibility == PRIVATE and role not in INSIDERS):
        return 404
    return 200


def personal_site_feed(visibility, role) -> int:
    """The feed of all one's communities: every token's owner, with what they may read."""
    return 404 if role == "anonymous" else 200


def own_notification(visibility, role) -> int:
    """A notification opens (a redirect to its target) for its recipient, the member, only."""
    if role == "anonymous":
        return 302
    return 302 if role == "member" else 404


def _forum_url(name: str, *args) -> Callable:
    def url(cast) -> str:
        values = [getattr(cast, a) if isinstance(a, str) else a for a in args]
        return reverse(f"forums:{name}", args=[cast.community.slug, *values])

    return url


URLS += [
    Row("forum", _forum_url("forum"), forum_page),
    Row("forum-category", _forum_url("category", "category_slug"), forum_page),
    Row("forum-thread", _forum_url("thread", "thread_id"), forum_page),
    Row("forum-post", _forum_url("post", "post_id"), forum_redirect),
    Row("forum-thread-start", _forum_url("thread-start"), forum_write(POSTERS)),
    Row("forum-reply", _forum_url("reply", "thread_id"), forum_write(POSTERS)),
    Row("forum-post-edit", _forum_url("post-edit", "post_id"), forum_write(MODERATORS)),
    Row("forum-post-delete", _forum_url("post-delete", "post_id"), forum_write(MODERATORS)),
    Row("forum-post-flag", _forum_url("post-flag", "post_id"), forum_write(POSTERS)),
    Row(
        "forum-post-react",
        _forum_url("post-react", "post_id"),
        forum_write(POSTERS, ok=302),
        method="post",
    ),
    Row(
        "forum-post-answer",
        _forum_url("post-answer", "reply_id"),
        forum_write(MODERATORS, ok=302),
        method="post",
    ),
    Row(
        "forum-post-unanswer",
        _forum_url("post-unanswer", "reply_id"),
        forum_write(MODERATORS, ok=302),
        method="post",
    ),
    Row("forum-post-bookmark", _forum_url("post-bookmark", "post_id"), forum_follow, "post"),
    Row("forum-thread-watch", _forum_url("thread-watch", "thread_id"), forum_follow, "post"),
    Row(
        "forum-category-watch",
        _forum_url("category-watch", "category_slug"),
        forum_follow,
        "post",
    ),
    Row("forum-mentions", _forum_url("mention-search"), forum_write(POSTERS)),
    Row("forum-image-upload", _forum_url("image-upload"), forum_write(POSTERS)),
    Row(
        "forum-image",
        lambda c: reverse("forums:image", args=[c.image_id, "image.png"]),
        forum_page,
    ),
    # Facilitation pages and actions
    Row("forum-review", _forum_url("review"), forum_write(MODERATORS)),
    Row("forum-settings", _forum_url("forum-settings"), forum_write(MODERATORS)),
    Row("forum-category-create", _forum_url("category-create"), forum_write(MODERATORS)),
    Row("forum-posting-ban-create", _forum_url("posting-ban-create"), forum_write(MODERATORS)),
    Row("forum-post-history", _forum_url("post-history", "post_id"), forum_write(MODERATORS)),
    Row("forum-post-hide", _forum_url("post-hide", "reply_id"), forum_write(MODERATORS)),
    Row("forum-flag-resolve", _forum_url("flag-resolve", "reply_id"), forum_write(MODERATORS)),
    Row("forum-thread-move", _forum_url("thread-move", "thread_id"), forum_write(MODERATORS)),
    Row("forum-thread-merge", _forum_url("thread-merge", "thread_id"), forum_write(MODERATORS)),
    Row(
        "forum-thread-merge-post",
        _forum_url("thread-merge", "thread_id"),
        forum_write(MODERATORS, ok=400),  # nothing chosen to merge into
        method="post",
    ),
    Row("forum-thread-split", _forum_url("thread-split", "thread_id"), forum_write(MODERATORS)),
    Row(
        "forum-thread-split-post",
        _forum_url("thread-split", "thread_id"),
        forum_write(MODERATORS, ok=400),  # no replies chosen, no title
        method="post",
    ),
    Row(
        "forum-thread-pin",
        lambda c: _forum_url("thread-state", "thread_id")(c),
        forum_write(MODERATORS, ok=302),
        method="post",
    ),
    Row(
        "forum-post-restore",
        _forum_url("post-restore", "reply_id"),
        forum_write(MODERATORS, ok=302),
        method="post",
    ),
    Row("forum-category-edit", _forum_url("category-edit", "category_id"), forum_write(MODERATORS)),
    Row(
        "forum-category-reorder",
        _forum_url("category-reorder", "category_id"),
        forum_write(MODERATORS, ok=302),  # no direction chosen: back to the settings
        method="post",
    ),
    Row(
        "forum-category-delete",
        _forum_url("category-delete", "category_id"),
        forum_write(MODERATORS),
    ),
    Row(
        "forum-posting-ban-lift",
        _forum_url("posting-ban-lift", "reply_author_id"),
        forum_write(MODERATORS, ok=404),  # that person has no ban to lift
        method="post",
    ),
    Row(
        "forum-scheduled-thread-publish",
        _forum_url("scheduled-thread-publish", "thread_id"),
        forum_write(MODERATORS, ok=302),  # the thread is published already: refused, sent back
        method="post",
    ),
    Row(
        "forum-scheduled-thread-cancel",
        _forum_url("scheduled-thread-cancel", "thread_id"),
        forum_write(MODERATORS),
    ),
    Row(
        "forum-post-approve",
        _forum_url("post-approve", "reply_id"),
        forum_write(MODERATORS, ok=302),  # the reply is not held: refused, sent back
        method="post",
    ),
    Row(
        "forum-post-reject",
        _forum_url("post-reject", "reply_id"),
        forum_write(MODERATORS, ok=302),  # the reply is not held: refused, sent back
        method="post",
    ),
    Row("forum-feed-rss", _forum_url("feed-rss"), public_feed),
    Row("forum-feed-atom", _forum_url("feed-atom"), public_feed),
    Row("forum-category-feed-rss", _forum_url("category-feed-rss", "category_slug"), public_feed),
    Row("forum-category-feed-atom", _forum_url("category-feed-atom", "category_slug"), public_feed),
    Row("forum-feed-settings", lambda c: reverse("forums:feed-settings"), signed_in_anywhere),
    # Personal feeds, read with the token of the person in the column (tests/forums/test_feeds.py
    # covers what they carry)
    Row(
        "forum-personal-feed-rss",
        lambda c: reverse("forums:personal-feed-rss", args=[c.token]),
        personal_site_feed,
    ),
    Row(
        "forum-personal-feed-atom",
        lambda c: reverse("forums:personal-feed-atom", args=[c.token]),
        personal_site_feed,
    ),
    Row(
        "forum-personal-community-feed-rss",
        lambda c: reverse("forums:personal-community-feed-rss", args=[c.token, c.community.slug]),
        personal_feed,
    ),
    Row(
        "forum-personal-community-feed-atom",
        lambda c: reverse("forums:personal-community-feed-atom", args=[c.token, c.community.slug]),
        personal_feed,
    ),
    Row(
        "forum-personal-category-feed-rss",
        lambda c: reverse(
            "forums:personal-category-feed-rss", args=[c.token, c.community.slug, c.category_slug]
        ),
        personal_feed,
    ),
    Row(
        "forum-personal-category-feed-atom",
        lambda c: reverse(
            "forums:personal-category-feed-atom", args=[c.token, c.community.slug, c.category_slug]
        ),
        personal_feed,
    ),
    Row("forum-latest", lambda c: reverse("forums:latest"), everyone(200)),
    # Notifications (per person; no community content without an access check)
    Row("notifications", lambda c: reverse("notifications:list"), signed_in_anywhere),
    Row("notification-settings", lambda c: reverse("notifications:settings"), signed_in_anywhere),
    Row(
        "notification-open",
        lambda c: reverse("notifications:open", args=[c.notification_id]),
        own_notification,
    ),
    Row(
        "notifications-read-all",
        lambda c: reverse("notifications:read-all"),
        lambda v, r: 302,
        method="post",
    ),
    Row("facilitate", lambda c: reverse("facilitation:facilitate"), facilitators_anywhere),
    Row(
        "broadcast-create",
        lambda c: reverse("facilitation:broadcast-create", args=[c.community.slug]),
        forum_write(MODERATORS),
    ),
    Row(
        "broadcast-detail",
        lambda c: reverse("facilitation:broadcast-detail", args=[c.community.slug, c.broadcast_id]),
        forum_write(MODERATORS),
    ),
    Row(
        "members-welcome",
        lambda c: reverse("facilitation:members-welcome", args=[c.community.slug]),
        forum_write(MODERATORS, ok=400),
        method="post",
    ),
    Row("unsubscribe-bad-link", lambda c: "/email/unsubscribe/not-a-token/", everyone(400)),
    Row("email-settings-bad-link", lambda c: "/email/settings/not-a-token/", everyone(400)),
    Row("forum-mine", lambda c: reverse("forums:mine"), signed_in_anywhere),
    Row("forum-bookmarks", lambda c: reverse("forums:bookmarks"), signed_in_anywhere),
]


def _add_forum_content(cast) -> None:
    """A thread by a member outside the matrix's roles, with a reply and a picture."""
    from django.core.files.base import ContentFile

    from copsite.images import picture_from_upload
    from forums.models import PostImage
    from tests.factories import make_thread

    author = MembershipFactory(community=cast.community).user
    thread = make_thread(community=cast.community, author=author, replies=1)
    posts = list(thread.posts.order_by("created_at", "pk"))
    cast.thread_id, cast.post_id, cast.reply_id = thread.pk, posts[0].pk, posts[1].pk
    cast.category_slug, cast.category_id = thread.category.slug, thread.category_id
    cast.reply_author_id = posts[1].author_id
    image = PostImage(community=cast.community, uploader=author, alt_text="A chart")
    image.file.save("image.png", picture_from_upload(ContentFile(_png(), name="x.png")))
    cast.image_id = image.pk


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (4, 4), (10, 20, 30)).save(out, format="PNG")
    return out.getvalue()


def _add_document(cast) -> str:
    """A document in the community's collection (the document library's files)."""
    document = get_document_model().objects.create(
        title="Minutes",
        file=SimpleUploadedFile("minutes.txt", b"Agreed.", content_type="text/plain"),
        collection=community_collection(cast.community),
    )
    return document.url


def _add_admin_content(cast) -> None:
    """What the facilitators' admin screens act on: memberships, a ban and an invitation."""
    memberships = Membership.objects.filter(community=cast.community)
    cast.member_membership_id = memberships.get(user=cast.member).pk
    cast.owner_membership_id = memberships.get(role=Role.OWNER).pk
    cast.banned = UserFactory()
    cast.ban_id = Ban.objects.create(
        community=cast.community, user=cast.banned, banned_by=cast.owner
    ).pk
    cast.invitation_id = community_services.invitation_create(
        actor=cast.owner, community=cast.community, email="invited@example.org"
    )[0].pk


def build_cast(visibility):
    """The community of the visibility under test, with a person in every role, a thread,
    a reply and a picture, and a facilitator of some other community."""
    cast = make_cast(visibility)
    cast.other_facilitator = MembershipFactory(role="facilitator").user
    cast.request_id = cast.community.membership_requests.get().pk
    _add_forum_content(cast)
    cast.broadcast_id = Broadcast.objects.create(
        community=cast.community, author=cast.facilitator, subject="Hi", body="Hello"
    ).pk
    _add_admin_content(cast)
    cast.document_url = _add_document(cast)
    cast.notification_id = Notification.objects.create(
        recipient=cast.member,
        kind=REPLY,
        community=cast.community,
        target_type="forum.post",
        target_id=cast.reply_id,
        title="A reply",
        url="/",
    ).pk
    return cast


def _ban_back(cast) -> None:
    Ban.objects.get_or_create(
        pk=cast.ban_id,
        defaults={"community": cast.community, "user": cast.banned, "banned_by": cast.owner},
    )


# Rows whose action changes what the next person meets: put it back before each request.
RESETS = {"admin-ban-lift": _ban_back}

matrix = Matrix("site", URLS, ROLES, build_cast, RESETS)


@pytest.mark.parametrize("row", matrix.cells())
def test_permission_matrix(client, cast, row):
    matrix.check(client, cast, row)


@pytest.mark.parametrize("row", [cell for cell in matrix.cells() if cell.values[0].method == "get"])
def test_the_welsh_addresses_keep_the_same_permissions(client, cast, row):
    """The same pages under /cy/: what one language hides, the other hides too."""
    matrix.check(client, cast, row, language="cy")
