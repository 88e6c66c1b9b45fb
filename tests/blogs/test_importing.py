"""The blog's import path (`blogs.importing`): posts published when they were, comments by
their own authors and dates, the page tree consistent, nobody told."""

from datetime import UTC, datetime, timedelta

import pytest

from django.apps import apps
from django.core import mail

from wagtail.models import Page

from blogs import importing
from blogs.importing import ImportedBlogPost, ImportedComment, InvalidImport
from blogs.models import BlogComment, BlogIndexPage, BlogPostPage
from blogs.models.pages import reading_minutes
from communities.models import Community, Visibility
from tests.blogs.conftest import make_image, make_post
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

MAY_2019 = datetime(2019, 5, 2, 8, 0, tzinfo=UTC)
BODY = "<p>We visited 400 homes.</p><h2>What we found</h2><ul><li>damp</li><li>mould</li></ul>"


def event_model():
    """The notifications app's domain events (renamed from Event to DomainEvent)."""
    for name in ("DomainEvent", "Event"):
        try:
            return apps.get_model("notifications", name)
        except LookupError:
            continue
    raise LookupError("notifications has no event model")


def assert_nobody_was_told() -> None:
    assert mail.outbox == []
    assert apps.get_model("notifications", "OutboundEmail").objects.count() == 0
    assert apps.get_model("notifications", "Notification").objects.count() == 0
    assert event_model().objects.count() == 0


def a_post(community, owner, *, when=MAY_2019, **fields) -> ImportedBlogPost:
    return ImportedBlogPost(
        community=community,
        title=fields.pop("title", "What we learned from a year of damp surveys"),
        owner=owner,
        first_published_at=when,
        summary=fields.pop("summary", "Three things that changed how we inspect homes."),
        body=fields.pop("body", BODY),
        **fields,
    )


def test_an_imported_post_serves_at_its_address_with_its_dates_tags_and_authors(client):
    community = CommunityFactory(slug="housing", visibility=Visibility.OPEN)
    owner, co_author = (MembershipFactory(community=community).user for _ in range(2))
    result = importing.import_blog_post(
        community=community,
        title="Damp surveys, a year on",
        owner=owner,
        first_published_at=MAY_2019,
        last_published_at=MAY_2019 + timedelta(days=30),
        summary="What a year of surveys taught us.",
        body=BODY,
        tags=["damp", "surveys"],
        co_authors=[co_author],
    )
    post = BlogPostPage.objects.get(pk=result.post.pk)
    assert result.created and post.url_path.endswith("/c/housing/blog/damp-surveys-a-year-on/")
    assert post.owner == owner and list(post.co_authors.all()) == [co_author]
    assert post.first_published_at == MAY_2019
    assert post.last_published_at == MAY_2019 + timedelta(days=30)
    assert post.live and post.community == community
    assert sorted(post.tags.names()) == ["damp", "surveys"]
    assert post.reading_minutes == reading_minutes(post.plain_text())
    response = client.get("/c/housing/blog/damp-surveys-a-year-on/")
    page = response.content.decode()
    assert response.status_code == 200 and "Damp surveys, a year on" in page
    assert "2019-05-02T09:00:00+01:00" in page and "2 May 2019" in page  # London time
    assert client.get("/c/housing/blog/").content.decode().count("Damp surveys, a year on") >= 1
    assert client.get("/c/housing/blog/tags/damp/").status_code == 200


def test_comments_keep_their_authors_and_dates_and_replies_their_parents(client):
    community = CommunityFactory(slug="housing", visibility=Visibility.OPEN)
    owner = MembershipFactory(community=community).user
    reader = UserFactory(display_name="Rita Reader")
    MembershipFactory(community=community, user=reader)
    said, answered = MAY_2019 + timedelta(days=1), MAY_2019 + timedelta(days=2)
    comment = ImportedComment(
        author=reader,
        created_at=said,
        body="Could you share the **template**?",
        replies=[ImportedComment(author=owner, created_at=answered, body="Sent it over.")],
    )
    result = importing.import_blog_post(
        community=community, title="Damp", owner=owner, first_published_at=MAY_2019,
        summary="S", body=BODY, comments=[comment],
    )  # fmt: skip
    first, reply = result.comments
    assert (first.author, first.created_at, first.parent) == (reader, said, None)
    assert (reply.author, reply.created_at, reply.parent_id) == (owner, answered, first.pk)
    page = client.get(result.post.get_absolute_url()).content.decode()
    assert "Rita Reader" in page and "<strong>template</strong>" in page
    assert "3 May 2019" in page and "4 May 2019" in page
    assert BlogComment.objects.filter(post_id=result.post.pk).count() == 2


def test_a_bulk_import_keeps_the_page_tree_consistent_and_wagtail_can_add_after_it():
    busy, new = CommunityFactory(), CommunityFactory()
    earlier = make_post(busy, title="Written in the editor")
    owners = {c.pk: MembershipFactory(community=c).user for c in (busy, new)}
    posts = [
        a_post(c, owners[c.pk], when=MAY_2019 + timedelta(days=n), title="Same title")
        for n in range(15)
        for c in (busy, new)
    ]
    result = importing.import_blog_posts(posts)
    assert len(result.posts) == 30
    assert Page.find_problems() == ([], [], [], [], [])
    for community in (busy, new):
        blog = BlogIndexPage.objects.get(community=community)
        children = BlogPostPage.objects.child_of(blog)
        assert blog.numchild == children.count() == (16 if community == busy else 15)
        assert len({p.slug for p in children}) == children.count()
    mine = BlogPostPage.objects.filter(community=busy).exclude(pk=earlier.pk)
    assert all(p.path > earlier.path for p in mine)
    last = max(BlogPostPage.objects.filter(community=new).values_list("path", flat=True))
    assert make_post(new, title="Written after the import").path > last
    assert Page.find_problems() == ([], [], [], [], [])


def test_importing_tells_nobody_and_is_not_rate_limited(settings, run_after_commit):
    settings.COPSITE_POSTS_PER_MINUTE = 2
    community = CommunityFactory()
    owner = MembershipFactory(community=community).user
    chatty = UserFactory(verified=False)  # not a member, no verified address
    minute = [MAY_2019 + timedelta(seconds=n) for n in range(50)]
    comments = [ImportedComment(author=chatty, created_at=when, body=f"Comment {n}")
                for n, when in enumerate(minute)]  # fmt: skip
    result = run_after_commit(
        lambda: importing.import_blog_post(
            community=community, title="Damp", owner=owner, first_published_at=MAY_2019,
            summary="S", body=BODY, comments=comments,
        )
    )  # fmt: skip
    assert len(result.comments) == 50
    more = run_after_commit(
        lambda: importing.import_comments(
            post=result.post,
            comments=[ImportedComment(author=owner, created_at=minute[-1], body="Thanks all")],
        )
    )
    assert len(more) == 1
    assert_nobody_was_told()


def test_comments_move_the_communitys_activity_forward_only():
    old = datetime(2010, 1, 1, tzinfo=UTC)
    community = CommunityFactory(last_activity_at=old)
    owner = MembershipFactory(community=community).user
    when = MAY_2019 + timedelta(days=3)
    importing.import_blog_posts([a_post(community, owner)])
    assert Community.objects.get(pk=community.pk).last_activity_at == old  # posts do not
    importing.import_blog_posts(
        [a_post(community, owner, comments=[ImportedComment(owner, when, "Hi")])]
    )
    assert Community.objects.get(pk=community.pk).last_activity_at == when
    importing.import_blog_posts(
        [a_post(community, owner, comments=[ImportedComment(owner, old, "Earlier")])]
    )
    assert Community.objects.get(pk=community.pk).last_activity_at == when


def test_an_imported_post_in_a_private_community_is_hidden_from_outsiders(client):
    community = CommunityFactory(visibility=Visibility.PRIVATE)
    member = MembershipFactory(community=community).user
    post = importing.import_blog_posts([a_post(community, member)]).posts[0].post
    url = post.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 200


def test_source_keys_make_a_second_run_add_only_what_is_new():
    community = CommunityFactory()
    owner, reader = (MembershipFactory(community=community).user for _ in range(2))

    def run(*comments):
        post = a_post(community, owner, source_key="wp:42", comments=comments)
        return importing.import_blog_posts([post]).posts[0]

    def comment(n, key=""):
        return ImportedComment(reader, MAY_2019 + timedelta(hours=n), f"C{n}", source_key=key)

    first = run(comment(1, "c-1"), comment(2))
    assert first.created and len(first.comments) == 2
    second = run(comment(1, "c-1"), comment(2), comment(3, "c-3"))
    assert not second.created and second.post.pk == first.post.pk
    assert [c.body for c in second.comments] == ["C3"]  # the keyless one is not written again
    assert BlogPostPage.objects.count() == 1 and BlogComment.objects.count() == 3
    assert Page.find_problems() == ([], [], [], [], [])


def test_slugs_never_clash_with_siblings_or_the_blogs_own_addresses():
    community = CommunityFactory()
    owner = MembershipFactory(community=community).user
    posts = [a_post(community, owner, slug="tags"), a_post(community, owner, title="Tags")]
    posts += [a_post(community, owner, title="A shared title") for _ in range(3)]
    slugs = [item.post.slug for item in importing.import_blog_posts(posts).posts]
    assert slugs == ["tags-2", "tags-3", "a-shared-title", "a-shared-title-2", "a-shared-title-3"]


def test_reading_time_is_the_models_for_every_kind_of_block():
    community = CommunityFactory()
    owner = MembershipFactory(community=community).user
    image = make_image(community)
    words = " ".join(["word"] * 450)
    blocks = [
        {"type": "paragraph", "value": f"<p>{words}</p><ul><li>one</li><li>two</li></ul>"},
        {"type": "quote", "value": {"quote": words, "attribution": "A resident"}},
        {"type": "picture", "value": {"image": image.pk, "alt_text": "A chart",
                                      "caption": words}},
        {"type": "video", "value": {"url": "https://www.youtube.com/watch?v=abc", "title": "V"}},
    ]  # fmt: skip
    post = importing.import_blog_posts([a_post(community, owner, body=blocks)]).posts[0].post
    stored = BlogPostPage.objects.get(pk=post.pk)
    assert stored.reading_minutes == reading_minutes(stored.plain_text()) == 7


@pytest.mark.parametrize("problem", ["naive date", "unknown block", "reply to a reply", "no body"])
def test_invalid_content_writes_nothing(problem):
    community = CommunityFactory()
    owner = MembershipFactory(community=community).user
    reply = ImportedComment(owner, MAY_2019, "R")
    broken = {
        "naive date": lambda: a_post(community, owner, when=datetime(2019, 5, 2)),  # noqa: DTZ001
        "unknown block": lambda: a_post(community, owner, body=[{"type": "table", "value": ""}]),
        "reply to a reply": lambda: a_post(community, owner, comments=[
            ImportedComment(owner, MAY_2019, "C", replies=[
                ImportedComment(owner, MAY_2019, "R", replies=[reply])])]),
        "no body": lambda: a_post(community, owner, body=" "),
    }[problem]()  # fmt: skip
    with pytest.raises(InvalidImport):
        importing.import_blog_posts([a_post(community, owner), broken])
    assert BlogPostPage.objects.count() == 0 and BlogComment.objects.count() == 0
