"""A database made before models moved between apps migrates forward whole.

The migration graph is wound back to where it stood at cbc5c17 (the blogs app owning
`CommunitiesIndexPage` and `CommunityPage`, the forums app owning `PostingBan`, the
notifications app owning `Broadcast` and `Welcome`), content is written there with the models of
that time (a community's pages, a post, revisions, log entries, a reference index row, a
workflow state, a posting stop, an announcement and a welcome), then the graph is migrated
forward. Every page must still serve, everything that named the moved models through their
content types must name the new ones, the stop must still stop, and the announcement and the
welcome must be facilitation's, with their data.
"""

import importlib
import json
import uuid

import pytest

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision, WorkflowState

from blogs.models import BlogIndexPage, BlogPostPage
from communities.models import Community, PostingBan
from communities.permissions import NoPosting, why_no_posting
from community_pages.models import CommunitiesIndexPage, CommunityPage
from facilitation.models import Broadcast, Welcome

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The leaf migration of each of our apps at cbc5c17; community_pages and facilitation did not
# exist.
BEFORE_THE_MOVE = [
    ("accounts", "0002_feedkey"),
    ("communities", "0002_community_slug_redirect"),
    ("forums", "0007_backfill_team_opening_posts"),
    ("blogs", "0002_community_blogs"),
    ("notifications", "0006_my_posts_activity_label"),
    ("pages", "0002_site_pages"),
    ("community_pages", None),
    ("facilitation", None),
]
_add_child = importlib.import_module("blogs.migrations.0002_community_blogs")._add_child


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _all_leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _write_blog_content_the_old_way(apps) -> dict:
    """A community with its pages, a published post, and the history that names them."""
    get = apps.get_model
    Page_, Site = get("wagtailcore", "Page"), get("wagtailcore", "Site")
    ContentType = get("contenttypes", "ContentType")
    User = get("accounts", "User")
    Community = get("communities", "Community")
    author = User.objects.create(email="writer@example.org")
    community = Community.objects.create(
        name="Damp and mould", slug="damp", description="Homes.", guidelines="Be kind."
    )
    root = Page_.objects.get(pk=Site.objects.get(is_default_site=True).root_page_id)
    index = _add_child(
        Page_,
        ContentType,
        get("blogs", "CommunitiesIndexPage"),
        root,
        title="Communities",
        slug="c",
    )
    container = _add_child(
        Page_, ContentType, get("blogs", "CommunityPage"), index, title="Damp and mould",
        slug="damp", community_id=community.pk,
    )  # fmt: skip
    blog = _add_child(
        Page_, ContentType, get("blogs", "BlogIndexPage"), container, title="Blog", slug="blog",
        community_id=community.pk,
    )  # fmt: skip
    post = _add_child(
        Page_, ContentType, get("blogs", "BlogPostPage"), blog, title="What we learned",
        slug="what-we-learned", community_id=community.pk, owner_id=author.pk,
        summary="Three things.", first_published_at=timezone.now(),
        body=json.dumps([{"type": "paragraph", "value": "<p>We visited 400 homes.</p>",
                          "id": str(uuid.uuid4())}]),
    )  # fmt: skip
    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    container_type = ContentType.objects.get(app_label="blogs", model="communitypage")
    post_type = ContentType.objects.get(app_label="blogs", model="blogpostpage")
    revision = get("wagtailcore", "Revision").objects.create(
        content_type=container_type, base_content_type=page_type, object_id=str(container.pk),
        created_at=timezone.now(), user_id=author.pk, object_str=container.title,
        content={"pk": container.pk, "title": container.title, "slug": "damp",
                 "community": community.pk},
    )  # fmt: skip
    get("wagtailcore", "PageLogEntry").objects.create(
        content_type=container_type, label=container.title, action="wagtail.edit",
        timestamp=timezone.now(), page_id=container.pk, revision_id=revision.pk,
        user_id=author.pk,
    )  # fmt: skip
    get("wagtailcore", "ReferenceIndex").objects.create(
        content_type=container_type, base_content_type=page_type, object_id=str(container.pk),
        to_content_type=post_type, to_object_id=str(post.pk), model_path="title",
        content_path="title", content_path_hash=uuid.uuid4(),
    )  # fmt: skip
    get("forums", "PostingBan").objects.create(
        community_id=community.pk, user_id=author.pk, reason="Selling things"
    )
    broadcast = get("notifications", "Broadcast").objects.create(
        community_id=community.pk, author_id=author.pk, subject="Meet-up in May",
        body="Join us on **Friday**.", recipient_count=12, submission_key="announce-1",
    )  # fmt: skip
    get("notifications", "Welcome").objects.create(
        community_id=community.pk, user_id=author.pk, welcomed_by_id=author.pk
    )
    broadcast_type, _ = ContentType.objects.get_or_create(
        app_label="notifications", model="broadcast"
    )
    workflow = get("wagtailcore", "Workflow").objects.create(name="Damp facilitators")
    get("wagtailcore", "WorkflowState").objects.create(
        content_type=container_type, base_content_type=page_type, object_id=str(container.pk),
        workflow=workflow, status="cancelled", requested_by_id=author.pk,
    )  # fmt: skip
    return {
        "author": author.pk,
        "community": community.pk,
        "index": index.pk,
        "container": container.pk,
        "blog": blog.pk,
        "post": post.pk,
        "revision": revision.pk,
        "broadcast": broadcast.pk,
        "broadcast_type": broadcast_type.pk,
    }


def test_content_written_before_the_moves_serves_after_them(client):
    old_apps = _migrate(BEFORE_THE_MOVE)
    try:
        ids = _write_blog_content_the_old_way(old_apps)
    finally:
        _migrate(_all_leaves())

    assert type(Page.objects.get(pk=ids["index"]).specific) is CommunitiesIndexPage
    assert type(Page.objects.get(pk=ids["container"]).specific) is CommunityPage
    assert type(Page.objects.get(pk=ids["blog"]).specific) is BlogIndexPage
    assert type(Page.objects.get(pk=ids["post"]).specific) is BlogPostPage
    assert type(Revision.objects.get(pk=ids["revision"]).as_object()) is CommunityPage
    assert PageLogEntry.objects.get(page_id=ids["container"]).content_type.model_class() is (
        CommunityPage
    )
    reference = ReferenceIndex.objects.get(object_id=str(ids["container"]))
    assert reference.content_type.model_class() is CommunityPage
    assert reference.to_content_type.model_class() is BlogPostPage
    state = WorkflowState.objects.get(object_id=str(ids["container"]))
    assert state.content_type.model_class() is CommunityPage
    assert Page.find_problems() == ([], [], [], [], [])

    ban = PostingBan.objects.get(community_id=ids["community"])
    assert ban.user_id == ids["author"] and ban.reason == "Selling things"
    author = get_user_model().objects.get(pk=ids["author"])
    community = Community.objects.get(pk=ids["community"])
    assert why_no_posting(author, community) is NoPosting.STOPPED

    broadcast = Broadcast.objects.get(pk=ids["broadcast"])
    assert (broadcast.community_id, broadcast.author_id) == (ids["community"], ids["author"])
    assert (broadcast.subject, broadcast.body) == ("Meet-up in May", "Join us on **Friday**.")
    assert (broadcast.recipient_count, broadcast.submission_key) == (12, "announce-1")
    welcome = Welcome.objects.get(community_id=ids["community"])
    assert welcome.user_id == welcome.welcomed_by_id == ids["author"]
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Broadcast).pk == ids["broadcast_type"]  # relabelled
    assert not ContentType.objects.filter(app_label="notifications", model="broadcast").exists()
    again = Broadcast.objects.create(community=community, author=author, subject="Hi", body="Hi")
    assert again.pk > broadcast.pk  # the table's id sequence carried on

    assert client.get("/c/").status_code == 302
    assert client.get("/c/damp/").status_code == 200
    assert client.get("/c/damp/blog/").status_code == 200
    post_page = client.get("/c/damp/blog/what-we-learned/")
    assert post_page.status_code == 200
    assert b"We visited 400 homes." in post_page.content

    staff = get_user_model().objects.create(
        email="staff@example.org", is_staff=True,
        is_superuser=True,
    )  # fmt: skip
    client.force_login(staff)
    for page_id in ids["container"], ids["blog"], ids["post"]:
        assert client.get(f"/admin/pages/{page_id}/edit/").status_code == 200
        assert client.get(f"/admin/pages/{page_id}/history/").status_code == 200
    assert client.get(f"/admin/pages/{ids['container']}/").status_code == 200
