"""Reading blogs: the blog, tag, post, latest and author pages; who sees what; Open Graph on
public posts only; and query counts that do not grow with rows."""

from datetime import timedelta

import pytest

from django.urls import reverse
from django.utils import timezone

from wagtail.models import PageViewRestriction

from blogs import reading
from blogs.models import BlogPostPage
from communities.models import Role, Visibility
from tests.blogs.conftest import blog_of, make_post, make_writer
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- The blog ---------------------------------------------------------------------------------


def test_the_blog_lists_published_posts_newest_first_ten_to_a_page(client):
    community = CommunityFactory(slug="housing")
    author = MembershipFactory(community=community).user
    now = timezone.now()
    for n in range(12):
        make_post(community, author, title=f"Post {n:02d}", published_at=now - timedelta(days=n))
    make_post(community, author, title="Still a draft", publish=False)
    first = html_of(client.get("/c/housing/blog/"))
    assert first.index("Post 00") < first.index("Post 09")
    assert "Post 10" not in first and "Still a draft" not in first
    second = html_of(client.get("/c/housing/blog/?page=2"))
    assert "Post 10" in second and "Post 11" in second and "Post 00" not in second


def test_a_post_shows_its_authors_job_titles_date_reading_time_and_tags(client):
    community = CommunityFactory(slug="housing")
    author = UserFactory(display_name="Priya Shah", job_title="Surveyor", organisation="Leeds")
    co_author = UserFactory(display_name="Tomasz Nowak", job_title="Analyst", organisation="Hull")
    MembershipFactory(community=community, user=author)
    MembershipFactory(community=community, user=co_author)
    words = " ".join(["word"] * 450)
    post = make_post(
        community, author, title="Damp", body=f"<p>{words}</p>", tags=["damp", "Repairs"],
        co_authors=[co_author],
    )  # fmt: skip
    html = html_of(client.get(post.get_absolute_url()))
    assert "Priya Shah" in html and "(Surveyor, Leeds)" in html
    assert "Tomasz Nowak" in html and "(Analyst, Hull)" in html
    assert post.first_published_at.strftime("%-d %B %Y") in html
    assert "3 min read" in html
    assert 'href="/c/housing/blog/tags/damp/"' in html and ">Repairs<" in html
    assert reverse("blogs:author", args=[author.pk]) in html


def test_a_post_links_to_the_previous_and_next_posts_in_its_blog(client):
    community = CommunityFactory()
    now = timezone.now()
    older = make_post(community, title="Older", published_at=now - timedelta(days=3))
    middle = make_post(community, title="Middle", published_at=now - timedelta(days=2))
    newer = make_post(community, title="Newer", published_at=now - timedelta(days=1))
    make_post(CommunityFactory(), title="Elsewhere", published_at=now - timedelta(hours=1))
    html = html_of(client.get(middle.get_absolute_url()))
    assert f'href="{older.get_absolute_url()}" rel="next"' in html
    assert f'href="{newer.get_absolute_url()}" rel="prev"' in html
    assert "Elsewhere" not in html


def test_share_gives_the_link_and_an_email_link(client):
    post = make_post(CommunityFactory(slug="housing"), title="Damp & mould")
    html = html_of(client.get(post.get_absolute_url()))
    assert 'value="http://127.0.0.1:8000/c/housing/blog/damp-mould/"' in html or (
        f'value="{reading.absolute_url(post.get_absolute_url())}"' in html
    )
    assert "mailto:?subject=Damp%20%26%20mould&amp;body=" in html
    assert "data-copy-link" in html and "blogs/share.js" in html


def test_public_posts_have_open_graph_and_canonical_meta(client, settings):
    settings.SITE_URL = "https://copsite.example"
    post = make_post(CommunityFactory(slug="housing"), title="Open post", summary="In short.")
    html = html_of(client.get(post.get_absolute_url()))
    assert '<link rel="canonical" href="https://copsite.example/c/housing/blog/open-post/">' in html
    assert '<meta property="og:title" content="Open post">' in html
    assert '<meta property="og:description" content="In short.">' in html
    assert '<meta property="og:type" content="article">' in html


@pytest.mark.parametrize("visibility", [Visibility.RESTRICTED, Visibility.PRIVATE])
def test_members_only_posts_have_no_open_graph_or_canonical_meta(client, visibility):
    community = CommunityFactory(visibility=visibility)
    post = make_post(community, title="Members only")
    client.force_login(MembershipFactory(community=community).user)
    html = html_of(client.get(post.get_absolute_url()))
    assert "og:" not in html and 'rel="canonical"' not in html


def test_private_blogs_are_404_and_restricted_ones_403_to_outsiders(client):
    private = CommunityFactory(slug="secret", visibility=Visibility.PRIVATE)
    restricted = CommunityFactory(slug="members", visibility=Visibility.RESTRICTED)
    secret_post = make_post(private, title="Secret", tags=["plans"])
    members_post = make_post(restricted, title="Members", tags=["plans"])
    client.force_login(UserFactory())
    for url in ("/c/secret/blog/", secret_post.get_absolute_url(), "/c/secret/blog/tags/plans/"):
        assert client.get(url).status_code == 404, url
    for url in ("/c/members/blog/", members_post.get_absolute_url(), "/c/members/blog/tags/plans/"):
        assert client.get(url).status_code == 403, url
    latest = html_of(client.get(reverse("blogs:latest")))
    assert "Secret" not in latest and "Members" not in latest


def test_posts_under_a_wagtail_view_restriction_are_left_out_of_lists(client):
    community = CommunityFactory()
    post = make_post(community, title="Restricted by Wagtail")
    PageViewRestriction.objects.create(page=post, restriction_type="password", password="x")
    assert "Restricted by Wagtail" not in html_of(client.get(blog_of(community).url))
    assert "Restricted by Wagtail" not in html_of(client.get(reverse("blogs:latest")))


def test_a_blog_tag_page_lists_that_blog_s_posts_with_the_tag(client):
    community = CommunityFactory(slug="housing")
    make_post(community, title="Tagged", tags=["damp"])
    make_post(community, title="Untagged")
    make_post(CommunityFactory(), title="Other blog", tags=["damp"])
    html = html_of(client.get("/c/housing/blog/tags/damp/"))
    assert "Tagged" in html and "Untagged" not in html and "Other blog" not in html
    assert client.get("/c/housing/blog/tags/no-such-tag/").status_code == 404


def test_a_tag_only_private_posts_use_is_unknown_to_outsiders(client):
    make_post(CommunityFactory(visibility=Visibility.PRIVATE), tags=["merger"])
    open_community = CommunityFactory(slug="open")
    make_post(open_community, tags=["damp"])
    assert client.get(reverse("blogs:tag", args=["merger"])).status_code == 404
    assert client.get("/c/open/blog/tags/merger/").status_code == 404
    assert client.get(reverse("blogs:tag", args=["damp"])).status_code == 200


def test_the_site_wide_tag_page_covers_every_blog_the_reader_may_read(client):
    mine = CommunityFactory(visibility=Visibility.PRIVATE)
    reader = MembershipFactory(community=mine).user
    make_post(mine, title="Mine", tags=["damp"])
    make_post(CommunityFactory(), title="Open", tags=["damp"])
    make_post(CommunityFactory(visibility=Visibility.RESTRICTED), title="Not mine", tags=["damp"])
    client.force_login(reader)
    html = html_of(client.get(reverse("blogs:tag", args=["damp"])))
    assert "Mine" in html and "Open" in html and "Not mine" not in html


def test_the_latest_page_shows_open_posts_to_everyone_and_members_theirs(client):
    private = CommunityFactory(visibility=Visibility.PRIVATE)
    make_post(CommunityFactory(), title="Open news")
    make_post(private, title="Private news")
    assert "Private news" not in html_of(client.get(reverse("blogs:latest")))
    client.force_login(MembershipFactory(community=private).user)
    html = html_of(client.get(reverse("blogs:latest")))
    assert "Open news" in html and "Private news" in html


def test_an_author_page_lists_posts_and_co_authored_posts_the_reader_may_read(client):
    author = UserFactory(display_name="Priya Shah", job_title="Surveyor")
    open_community = CommunityFactory()
    private = CommunityFactory(visibility=Visibility.PRIVATE)
    MembershipFactory(community=open_community, user=author)
    MembershipFactory(community=private, user=author)
    make_post(open_community, author, title="Her open post")
    make_post(private, author, title="Her private post")
    make_post(open_community, title="Written together", co_authors=[author])
    html = html_of(client.get(reverse("blogs:author", args=[author.pk])))
    assert "Her open post" in html and "Written together" in html
    assert "Her private post" not in html and "Surveyor" in html


def test_anonymous_visitors_only_find_authors_with_public_posts(client):
    quiet = UserFactory()
    assert client.get(reverse("blogs:author", args=[quiet.pk])).status_code == 404
    assert client.get(reverse("blogs:author", args=[999999])).status_code == 404
    client.force_login(UserFactory())
    assert client.get(reverse("blogs:author", args=[quiet.pk])).status_code == 200


def test_the_header_leads_to_the_blogs_and_marks_them_current_on_blog_pages(client):
    community = CommunityFactory(slug="housing")
    post = make_post(community, title="Damp surveys")
    latest = reverse("blogs:latest")
    home = html_of(client.get("/"))
    assert f'<a class="govuk-service-navigation__link" href="{latest}">Blogs</a>' in home
    for path in (latest, "/c/housing/blog/", post.get_absolute_url()):
        page = html_of(client.get(path))
        current = "page" if path == latest else "true"
        assert f'href="{latest}" aria-current="{current}"' in page, path


def test_a_profile_links_to_the_person_s_blog_posts(client):
    person = UserFactory(display_name="Priya Shah")
    client.force_login(UserFactory())
    page = html_of(client.get(reverse("accounts:profile", args=[person.pk])))
    assert f'href="{reverse("blogs:author", args=[person.pk])}"' in page
    assert "Blog posts by Priya Shah" in page


def test_the_community_home_shows_the_latest_posts(client):
    community = CommunityFactory(slug="housing")
    make_post(community, title="Fresh from the blog")
    html = html_of(client.get("/c/housing/"))
    assert "Latest blog posts" in html and "Fresh from the blog" in html
    assert 'href="/c/housing/blog/"' in html


def test_the_community_home_hides_the_blog_from_people_who_may_not_read_it(client):
    community = CommunityFactory(slug="members", visibility=Visibility.RESTRICTED)
    make_post(community, title="Members' news")
    html = html_of(client.get("/c/members/"))
    assert "Members' news" not in html and "Latest blog posts" not in html


# --- Writing ------------------------------------------------------------------------------------


def test_members_see_write_a_post_and_readers_do_not(client):
    community = CommunityFactory(slug="housing")
    assert "Write a post" not in html_of(client.get("/c/housing/blog/"))
    client.force_login(UserFactory())
    assert "Write a post" not in html_of(client.get("/c/housing/blog/"))
    client.force_login(MembershipFactory(community=community).user)
    html = html_of(client.get("/c/housing/blog/"))
    assert f'action="{reverse("blogs:post-write", args=["housing"])}"' in html


def test_write_a_post_opens_the_editor_under_the_community_s_blog(client):
    community = CommunityFactory(slug="housing")
    member = MembershipFactory(community=community).user
    client.force_login(member)
    response = client.post(reverse("blogs:post-write", args=["housing"]))
    blog = blog_of(community)
    assert response["Location"] == f"/admin/pages/add/blogs/blogpostpage/{blog.pk}/"
    editor = client.get(response["Location"])
    assert editor.status_code == 200
    assert "Summary" in editor.content.decode()


def test_members_without_a_verified_address_are_told_why_they_cannot_write(client):
    community = CommunityFactory(slug="housing")
    member = MembershipFactory(community=community, user=UserFactory(verified=False)).user
    client.force_login(member)
    response = client.post(reverse("blogs:post-write", args=["housing"]))
    assert response.status_code == 403
    assert "Confirm your e-mail address" in response.content.decode()
    assert not member.groups.exists()


def test_outsiders_are_asked_to_join_before_writing(client):
    CommunityFactory(slug="housing")
    client.force_login(UserFactory())
    response = client.get(reverse("blogs:post-write", args=["housing"]))
    assert response.status_code == 403
    assert "Join the community" in response.content.decode()


# --- Previews -----------------------------------------------------------------------------------


def test_the_author_previews_a_draft_in_the_editor(client):
    community = CommunityFactory()
    author = make_writer(community)
    post = make_post(community, author, title="Draft idea", publish=False)
    client.force_login(author)
    preview = client.get(reverse("wagtailadmin_pages:view_draft", args=[post.pk]))
    assert preview.status_code == 200
    assert "Draft idea" in preview.content.decode()
    assert client.get(post.get_absolute_url()).status_code == 404  # not published


def test_a_preview_still_asks_the_access_module(rf):
    community = CommunityFactory(visibility=Visibility.PRIVATE)
    post = make_post(community, title="Hidden draft", publish=False)
    request = rf.get("/")
    request.user = UserFactory()
    with pytest.raises(Exception) as raised:
        BlogPostPage.objects.get(pk=post.pk).serve_preview(request, "")
    assert raised.typename == "Http404"


# --- Query counts -------------------------------------------------------------------------------


def _busy_blog(rows: int):
    community = CommunityFactory(slug="busy")
    author = UserFactory(job_title="Analyst", organisation="Leeds")
    MembershipFactory(community=community, user=author, role=Role.OWNER)
    co_author = MembershipFactory(community=community).user
    commenter = MembershipFactory(community=community).user
    from blogs import services

    posts = []
    for n in range(rows):
        post = make_post(
            community, author, title=f"Post {n}", tags=["damp", f"topic-{n}"],
            co_authors=[co_author],
        )  # fmt: skip
        posts.append(post)
        for m in range(rows):
            comment = services.comment_create(actor=commenter, post=post, body=f"Comment {m}")
            services.comment_create(actor=author, post=post, body="Thanks", parent=comment)
    reader = MembershipFactory(community=community).user
    return community, posts, author, reader


@pytest.mark.parametrize("rows", [1, 8])
def test_blog_pages_query_counts_do_not_grow_with_posts_or_comments(
    client, django_assert_max_num_queries, rows
):
    community, posts, author, reader = _busy_blog(rows)
    client.force_login(reader)
    pages = {
        "/c/busy/blog/": 27,
        "/c/busy/blog/tags/damp/": 29,
        posts[0].get_absolute_url(): 31,
        reverse("blogs:latest"): 14,  # the first visit makes the reader's feed key
        reverse("blogs:author", args=[author.pk]): 13,
        "/c/busy/": 16,
    }
    for url, bound in pages.items():
        with django_assert_max_num_queries(bound):
            response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("rows", [1, 8])
def test_anonymous_blog_pages_query_counts_do_not_grow(client, django_assert_max_num_queries, rows):
    community, posts, author, reader = _busy_blog(rows)
    for url, bound in {
        "/c/busy/blog/": 18,
        posts[-1].get_absolute_url(): 24,
        reverse("blogs:latest"): 6,
    }.items():
        with django_assert_max_num_queries(bound):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [1, 8])
def test_site_tag_page_and_feed_list_query_counts_do_not_grow(
    client, django_assert_max_num_queries, rows
):
    """The site-wide tag page with more posts carrying the tag (in more communities), and the
    feed list for someone in more communities, cost the same queries."""
    community, posts, author, reader = _busy_blog(rows)
    for n in range(rows):
        other = CommunityFactory(slug=f"other-{n}")
        MembershipFactory(community=other, user=reader)
        make_post(other, title=f"Elsewhere {n}", tags=["damp"])
    client.force_login(reader)
    for url, bound in {
        reverse("blogs:tag", args=["damp"]): 16,
        reverse("blogs:feed-list"): 7,
    }.items():
        with django_assert_max_num_queries(bound):
            response = client.get(url)
        assert response.status_code == 200, url
    client.logout()
    with django_assert_max_num_queries(7):
        assert client.get(reverse("blogs:tag", args=["damp"])).status_code == 200


def test_people_who_write_here_find_their_drafts_from_the_blog(client):
    community = CommunityFactory(slug="housing")
    writer = make_writer(community)
    client.force_login(MembershipFactory(community=community).user)
    assert "Your posts and drafts" not in html_of(client.get("/c/housing/blog/"))
    client.force_login(writer)
    html = html_of(client.get("/c/housing/blog/"))
    assert f'href="{reverse("wagtailadmin_explore", args=[blog_of(community).pk])}"' in html
