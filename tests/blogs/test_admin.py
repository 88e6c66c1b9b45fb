"""The Wagtail editor, scoped per community: members who chose "Write a post" write in their
community's blog only; they publish their own posts unless the blog is moderated; nobody sees,
edits or publishes another community's posts in the admin (explorer, editor, preview, history,
search, choosers, images); people outside a private community get 404 there too."""

import pytest

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wagtail.images import get_image_model

from blogs import access, services
from blogs.models import BlogPostPage, BlogSettings
from communities import permissions as community_permissions
from communities import services as community_services
from communities.models import Membership, Role, Visibility
from tests.blogs.admin_helpers import add_url, edit_url, editor_data
from tests.blogs.conftest import blog_of, make_post, make_writer
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

# These tests search in the admin: Wagtail keeps its search index as it would in use.
pytestmark = [pytest.mark.django_db, pytest.mark.search_index]


# --- Writing and publishing in the editor -------------------------------------------------------


def test_a_writer_publishes_a_post_from_the_editor(client):
    community = CommunityFactory(slug="housing")
    writer = make_writer(community)
    client.force_login(writer)
    response = client.post(
        add_url(blog_of(community)),
        editor_data("Ventilation works", action="publish", tags="damp, repairs"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    post = BlogPostPage.objects.get(title="Ventilation works")
    assert post.live and post.owner == writer and post.community == community
    assert sorted(t.name for t in post.tags.all()) == ["damp", "repairs"]
    assert client.get("/c/housing/blog/ventilation-works/").status_code == 200


def test_a_draft_is_saved_with_revisions_and_can_be_rolled_back(client):
    community = CommunityFactory()
    writer = make_writer(community)
    client.force_login(writer)
    client.post(add_url(blog_of(community)), editor_data("First title"))
    post = BlogPostPage.objects.get(title="First title")
    assert not post.live
    client.post(edit_url(post), editor_data("Second title"))
    first, second = post.revisions.order_by("created_at", "pk")
    revert = reverse("wagtailadmin_pages:revisions_revert", args=[post.pk, first.pk])
    assert client.get(revert).status_code == 200
    assert "First title" in client.get(revert).content.decode()
    history = client.get(reverse("wagtailadmin_pages:history", args=[post.pk]))
    assert history.status_code == 200


def test_a_writer_schedules_a_post_for_later(client):
    from django.utils import timezone

    community = CommunityFactory()
    writer = make_writer(community)
    client.force_login(writer)
    later = (timezone.now() + timezone.timedelta(days=2)).strftime("%Y-%m-%d %H:%M")
    client.post(
        add_url(blog_of(community)), editor_data("Next week", action="publish", go_live_at=later)
    )
    post = BlogPostPage.objects.get(title="Next week")
    assert not post.live and post.get_latest_revision().approved_go_live_at is not None


def test_alt_text_is_required_with_a_picture_at_the_top(client, settings, tmp_path):
    community = CommunityFactory()
    writer = make_writer(community)
    image = _image(community)
    client.force_login(writer)
    response = client.post(
        add_url(blog_of(community)),
        editor_data("With a picture", action="publish", hero_image=str(image.pk)),
    )
    assert response.status_code == 200
    assert "Describe the picture at the top: alt text is required." in response.content.decode()
    assert not BlogPostPage.objects.filter(title="With a picture").exists()


def test_a_writer_cannot_publish_or_unpublish_someone_else_s_post(client):
    community = CommunityFactory()
    writer = make_writer(community)
    post = make_post(community, title="Not yours")
    client.force_login(writer)
    assert client.get(edit_url(post)).status_code == 302
    assert client.post(edit_url(post), editor_data("Hijacked", action="publish")).status_code == 302
    assert client.post(reverse("wagtailadmin_pages:unpublish", args=[post.pk])).status_code == 302
    assert client.post(reverse("wagtailadmin_pages:delete", args=[post.pk])).status_code == 302
    post.refresh_from_db()
    assert post.live and post.title == "Not yours"


def test_facilitators_edit_and_unpublish_posts_in_their_community(client):
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    post = make_post(community, title="Needs a fix")
    client.force_login(facilitator)
    assert client.get(edit_url(post)).status_code == 200
    response = client.post(reverse("wagtailadmin_pages:unpublish", args=[post.pk]))
    assert response.status_code == 302
    post.refresh_from_db()
    assert not post.live


def test_nobody_moves_copies_or_restricts_blog_pages_but_superusers():
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    post = make_post(community)
    for page in (post, blog_of(community)):
        tester = page.permissions_for_user(facilitator)
        assert not tester.can_move() and not tester.can_copy()
        assert not tester.can_set_view_restrictions()
    assert not blog_of(community).permissions_for_user(facilitator).can_delete()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    assert post.permissions_for_user(superuser).can_move()


# --- Moderation ---------------------------------------------------------------------------------


def test_in_a_moderated_blog_members_submit_instead_of_publishing(client):
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    services.blog_settings_update(
        actor=facilitator, community=community, moderate_member_posts=True
    )
    writer = make_writer(community)
    client.force_login(writer)
    editor = client.get(add_url(blog_of(community))).content.decode()
    assert 'name="action-publish"' not in editor and 'name="action-submit"' in editor
    client.post(add_url(blog_of(community)), editor_data("Try to publish", action="publish"))
    post = BlogPostPage.objects.get(title="Try to publish")
    assert not post.live
    client.post(edit_url(post), editor_data("Try to publish", action="submit"))
    post.refresh_from_db()
    assert post.workflow_in_progress and not post.live
    # The facilitator's own posts go straight out.
    client.force_login(facilitator)
    client.post(add_url(blog_of(community)), editor_data("From the team", action="publish"))
    assert BlogPostPage.objects.get(title="From the team").live


def test_switching_moderation_off_lets_members_publish_again():
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    writer = make_writer(community)
    post = make_post(community, writer, publish=False)
    services.blog_settings_update(
        actor=facilitator, community=community, moderate_member_posts=True
    )
    assert not post.permissions_for_user(writer).can_publish() and post.has_workflow
    services.blog_settings_update(
        actor=facilitator, community=community, moderate_member_posts=False
    )
    access.forget_page_permissions(writer)
    fresh = BlogPostPage.objects.get(pk=post.pk)
    assert fresh.permissions_for_user(writer).can_publish() and not fresh.has_workflow


def test_blog_pages_never_fall_back_to_wagtail_s_site_wide_workflow():
    post = make_post(CommunityFactory(), publish=False)
    assert post.get_workflow() is None and not post.has_workflow


def test_only_facilitators_change_a_blog_s_settings(client):
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    url = reverse("blogs_admin:settings", args=[community.pk])
    client.force_login(make_writer(community))
    assert client.get(url).status_code == 302  # Wagtail: permission denied → dashboard
    client.force_login(facilitator)
    assert client.get(url).status_code == 200
    assert client.post(url, {"moderate_member_posts": "on"}).status_code == 302
    assert BlogSettings.objects.get(community=community).moderate_member_posts


# --- Who is in which group ---------------------------------------------------------------------


def test_members_get_no_admin_until_they_choose_write_a_post(client):
    community = CommunityFactory()
    member = MembershipFactory(community=community).user
    client.force_login(member)
    assert client.get("/admin/").status_code == 403
    services.writer_enrol(actor=member, community=community)
    assert client.get("/admin/").status_code == 200


def test_facilitators_are_editors_and_leave_the_group_when_their_role_ends():
    community = CommunityFactory()
    membership = MembershipFactory(community=community, role=Role.FACILITATOR)
    settings = BlogSettings.objects.get(community=community)
    assert settings.editors_group in membership.user.groups.all()
    membership.role = Role.MEMBER
    membership.save()
    assert settings.editors_group not in membership.user.groups.all()


def test_leaving_a_community_or_losing_a_verified_address_ends_writing(client):
    community = CommunityFactory()
    other = CommunityFactory()
    writer = make_writer(community)
    make_writer(other) and services.writer_enrol(
        actor=MembershipFactory(community=other, user=writer).user, community=other
    )
    writers_group = BlogSettings.objects.get(community=community).writers_group
    community_services.membership_leave(actor=writer, community=community)
    assert writers_group not in writer.groups.all()
    assert writer.groups.filter(blog_writers_of__community=other).exists()
    writer.emailaddress_set.update(verified=False)
    writer.emailaddress_set.first().save()
    assert not writer.groups.filter(blog_writers_of__isnull=False).exists()
    client.force_login(writer)
    assert client.get("/admin/").status_code == 403


def test_a_banned_member_leaves_the_writers_group():
    community = CommunityFactory()
    owner = MembershipFactory(community=community, role=Role.OWNER).user
    writer = make_writer(community)
    membership = Membership.objects.get(user=writer, community=community)
    community_services.membership_ban(actor=owner, membership_id=membership.pk)
    assert not writer.groups.exists()


def test_a_member_stopped_from_posting_leaves_the_writers_group_and_is_told_why(client):
    community = CommunityFactory(slug="housing")
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    writer = make_writer(community)
    community_services.posting_ban_create(actor=facilitator, community=community, user=writer)
    assert not writer.groups.exists()
    client.force_login(writer)
    response = client.post(reverse("blogs:post-write", args=["housing"]))
    assert response.status_code == 403
    assert "A facilitator has stopped you posting" in response.content.decode()
    assert not writer.groups.exists()


def test_a_stale_group_alone_gives_no_access_to_the_community_s_posts():
    """The access module is asked on every check, not only the groups."""
    community = CommunityFactory()
    writer = make_writer(community)
    post = make_post(community, writer, publish=False)
    memberships = Membership.objects.filter(user=writer)
    memberships._raw_delete(memberships.db)  # bypassing signals: the group stays
    assert Group.objects.filter(user=writer).exists()
    community_permissions.forget_access(writer)  # as in a new request
    fresh = BlogPostPage.objects.get(pk=post.pk)
    tester = fresh.permissions_for_user(writer)
    assert not tester.can_edit() and not tester.can_publish()
    assert not blog_of(community).permissions_for_user(writer).can_add_subpage()


# --- Isolation between communities --------------------------------------------------------------


@pytest.fixture
def two_blogs():
    mine = CommunityFactory(slug="mine", name="Alpha housing")
    theirs = CommunityFactory(
        slug="theirs", name="Bravo secret board", visibility=Visibility.PRIVATE
    )
    _image(theirs, title="Bravo chart")
    writer = make_writer(mine)
    facilitator = MembershipFactory(community=mine, role=Role.FACILITATOR).user
    their_post = make_post(theirs, title="Bravo merger plans", tags=["merger"])
    their_draft = make_post(theirs, title="Bravo draft plans", publish=False)
    my_post = make_post(mine, writer, title="Alpha post")
    return mine, theirs, writer, facilitator, their_post, their_draft, my_post


def _admin_urls_for(page, blog) -> dict[str, str]:
    return {
        "edit": reverse("wagtailadmin_pages:edit", args=[page.pk]),
        "view draft": reverse("wagtailadmin_pages:view_draft", args=[page.pk]),
        "preview": reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk]),
        "history": reverse("wagtailadmin_pages:history", args=[page.pk]),
        "revisions": reverse("wagtailadmin_pages:revisions_index", args=[page.pk]),
        "unpublish": reverse("wagtailadmin_pages:unpublish", args=[page.pk]),
        "delete": reverse("wagtailadmin_pages:delete", args=[page.pk]),
        "move": reverse("wagtailadmin_pages:move", args=[page.pk]),
        "copy": reverse("wagtailadmin_pages:copy", args=[page.pk]),
        "add child": add_url(blog),
        "explore": reverse("wagtailadmin_explore", args=[blog.pk]),
        "chooser": reverse("wagtailadmin_choose_page_child", args=[blog.pk]),
    }


@pytest.mark.parametrize("who", ["writer", "facilitator"])
def test_another_private_community_s_pages_are_404_in_the_admin(client, two_blogs, who):
    mine, theirs, writer, facilitator, their_post, their_draft, _ = two_blogs
    client.force_login(writer if who == "writer" else facilitator)
    for name, url in _admin_urls_for(their_draft, blog_of(theirs)).items():
        assert client.get(url).status_code == 404, name
    response = client.post(edit_url(their_draft), editor_data("Hijacked", action="publish"))
    assert response.status_code == 404
    their_draft.refresh_from_db()
    assert not their_draft.live and their_draft.title == "Bravo draft plans"


def test_another_open_community_s_pages_are_refused_in_the_admin(client):
    mine, theirs = CommunityFactory(), CommunityFactory(name="Open other")
    facilitator = MembershipFactory(community=mine, role=Role.FACILITATOR).user
    post = make_post(theirs, title="Open other post")
    client.force_login(facilitator)
    for name, url in _admin_urls_for(post, blog_of(theirs)).items():
        if name == "chooser":
            continue  # listing a blog's children in the chooser is not an action on it
        response = client.get(url, follow=True)
        assert response.redirect_chain, name  # Wagtail refuses with a redirect
        assert response.redirect_chain[-1][0] != url, name
        assert "Open other post" not in response.content.decode(), name
    assert client.post(edit_url(post), editor_data("Hijacked", action="publish")).status_code == 302
    post.refresh_from_db()
    assert post.title == "Open other post"


@pytest.mark.parametrize("who", ["writer", "facilitator"])
def test_admin_listings_never_show_another_community(client, two_blogs, who):
    mine, theirs, writer, facilitator, *_ = two_blogs
    client.force_login(writer if who == "writer" else facilitator)
    container = blog_of(mine).get_parent().get_parent()
    pages = [
        "/admin/",
        reverse("wagtailadmin_explore", args=[blog_of(mine).pk]),
        reverse("wagtailadmin_explore_root"),
        reverse("wagtailadmin_pages:search") + "?q=bravo",
        reverse("wagtailadmin_choose_page"),
        reverse("wagtailadmin_choose_page_child", args=[container.pk]),
        reverse("wagtailadmin_choose_page_search") + "?q=bravo",
        reverse("wagtailimages:index"),
        reverse("blogs_admin:index"),
    ]
    for url in pages:
        response = client.get(url, follow=True)
        html = response.content.decode()
        assert response.status_code == 200, url
        for secret in (
            "Bravo merger plans",
            "Bravo draft plans",
            "Bravo secret board",
            "Bravo chart",
        ):
            assert secret not in html, (url, secret)


def test_writers_do_not_see_other_members_drafts_in_the_explorer(client):
    community = CommunityFactory()
    writer = make_writer(community)
    make_post(community, title="Someone's unfinished draft", publish=False)
    make_post(community, writer, title="My own draft", publish=False)
    make_post(community, title="Published by someone")
    client.force_login(writer)
    html = client.get(
        reverse("wagtailadmin_explore", args=[blog_of(community).pk])
    ).content.decode()
    assert "My own draft" in html and "Published by someone" in html
    assert "unfinished draft" not in html


def test_images_are_chosen_only_from_your_communities_collections(client):
    mine, theirs = CommunityFactory(), CommunityFactory(visibility=Visibility.PRIVATE)
    writer = make_writer(mine)
    _image(mine, title="Alpha chart")
    _image(theirs, title="Bravo chart")
    client.force_login(writer)
    html = client.get(reverse("wagtailimages_chooser:choose")).content.decode()
    assert "Alpha chart" in html and "Bravo chart" not in html


def _image(community, title="A chart"):
    from io import BytesIO

    from PIL import Image

    from community_pages.collections import community_collection

    out = BytesIO()
    Image.new("RGB", (40, 20), (10, 20, 30)).save(out, format="PNG")
    return get_image_model().objects.create(
        title=title,
        file=SimpleUploadedFile("chart.png", out.getvalue(), content_type="image/png"),
        collection=community_collection(community),
    )


# --- Scheduling and previews ---------------------------------------------------------------------


def test_the_beat_task_publishes_scheduled_posts_when_their_time_comes(client):
    import time
    from datetime import timedelta

    from django.utils import timezone

    from blogs.tasks import publish_scheduled_pages

    community = CommunityFactory(slug="housing")
    writer = make_writer(community)
    post = make_post(community, writer, title="Monday post", publish=False)
    post.go_live_at = timezone.now() + timedelta(seconds=2)
    post.save_revision(user=writer).publish(user=writer)
    post.refresh_from_db()
    publish_scheduled_pages()
    post.refresh_from_db()
    assert not post.live  # not yet
    time.sleep(max(0.0, (post.go_live_at - timezone.now()).total_seconds()) + 0.1)
    publish_scheduled_pages()
    post.refresh_from_db()
    assert post.live
    assert client.get("/c/housing/blog/monday-post/").status_code == 200


def test_the_editor_s_preview_panel_may_frame_our_preview_and_nothing_else(client):
    community = CommunityFactory()
    writer = make_writer(community)
    post = make_post(community, writer, publish=False)
    client.force_login(writer)
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[post.pk])
    client.post(preview_url, editor_data("Preview me"))
    preview = client.get(preview_url + "?in_preview_panel=true")
    assert preview.status_code == 200 and "Preview me" in preview.content.decode()
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    editor = client.get(edit_url(post))
    assert "frame-ancestors 'none'" in editor["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in client.get("/")["Content-Security-Policy"]


def test_the_blogs_admin_page_lists_the_blogs_someone_writes_in(client):
    mine = CommunityFactory(name="Alpha housing")
    CommunityFactory(name="Bravo elsewhere")
    writer = make_writer(mine)
    client.force_login(writer)
    html = client.get(reverse("blogs_admin:index")).content.decode()
    assert "Alpha housing" in html and "Bravo elsewhere" not in html
    assert add_url(blog_of(mine)) in html
    assert reverse("blogs_admin:settings", args=[mine.pk]) not in html  # facilitators only
