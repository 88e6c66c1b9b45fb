"""Cross-site scripting corpus: hostile text typed into every field people control (thread
titles, post bodies, tags, category and community names and descriptions, display names, job
titles) never becomes executable markup on any page that shows it.

The corpus and the checker live in tests/html_safety.py: each page is parsed and checked for
script elements other than the site's own external ones, event-handler attributes, URLs whose
scheme a browser would run (javascript:, vbscript:, data:), and elements that load or run other
documents (no frames at all: forum pages embed none). The payload must also be visible as text,
which is only possible if it was escaped. `render_markdown` is tested on the same corpus
directly.
"""

import pytest

from django.urls import reverse
from django.utils.html import escape

from communities.models import Role
from copsite.markup import plain_excerpt, render_markdown
from forums.services import posts as post_services
from forums.services import threads as thread_services
from tests.factories import CategoryFactory, CommunityFactory, MembershipFactory, UserFactory
from tests.html_safety import CORPUS, assert_safe, executable_markup, normalise, parse, url_scheme

pytestmark = pytest.mark.django_db


# --- The checker itself ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "unsafe",
    [
        "<script>alert(1)</script>",
        '<script src="https://evil.example/x.js"></script>',
        "<img src=x onerror=alert(1)>",
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href=" JAVASCRIPT:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        "<svg onload=alert(1)>",
        "<iframe src=https://example.gov.uk/></iframe>",
        '<img srcset="x.png 1x, javascript:alert(1) 2x">',
        '<div style="background:url(javascript:alert(1))">x</div>',
        '<input value=""><script>alert(1)</script>">',
    ],
)
def test_the_checker_finds_executable_markup(unsafe):
    assert executable_markup(f"<p>{unsafe}</p>")


def test_the_checker_accepts_the_site_s_own_markup():
    html = (
        '<link rel="icon" href="data:,"><script type="module" src="/static/js/app.js"></script>'
        '<a href="/c/x/">x</a><a href="https://example.gov.uk/">y</a>'
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; onerror=alert(1) javascript:alert(1)</p>"
    )
    assert executable_markup(html) == []
    assert "<script>alert(1)</script> onerror=alert(1)" in parse(html).text


# --- The Markdown sanitiser on its own --------------------------------------------------------


@pytest.mark.parametrize("payload", CORPUS, ids=lambda p: p.id)
def test_render_markdown_never_outputs_executable_markup(payload):
    html = str(render_markdown(payload.text))
    assert executable_markup(html) == []
    assert normalise(payload.markdown_text) in parse(html).text
    for element in parse(html).elements:
        if element.tag == "a":
            assert url_scheme(element.attrs["href"]) in {"", "http", "https", "mailto"}
            assert element.attrs["rel"] == "nofollow ugc noopener"
        if element.tag == "img":
            assert element.attrs.get("src", "").startswith("/forums/images/")


@pytest.mark.parametrize("payload", CORPUS, ids=lambda p: p.id)
def test_plain_excerpts_are_the_visible_text(payload):
    """Excerpts (bookmarks, reports, feeds, e-mails) are text for the template to escape."""
    assert plain_excerpt(payload.text, 1000) == parse(str(render_markdown(payload.text))).text


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("[ok](https://example.gov.uk/)", 'href="https://example.gov.uk/"'),
        ("![chart](/forums/images/3/chart.png)", 'src="/forums/images/3/chart.png"'),
        ("> quoted", "<blockquote>"),
    ],
)
def test_render_markdown_keeps_safe_markup(markdown, expected):
    assert expected in render_markdown(markdown)


@pytest.mark.parametrize(
    "markdown",
    [
        "![x](https://evil.example/track.png)",
        "![x](//evil.example/track.png)",
        "![x](/forums/images/3/x.png?steal=1)",
        "![x](data:image/png;base64,iVBORw0KGgo=)",
    ],
)
def test_images_only_come_from_the_site_s_own_uploads(markdown):
    assert "src=" not in render_markdown(markdown)


# --- Every page that shows what people typed ---------------------------------------------------


def _hostile_forum(text: str):
    """A community where every field people control holds `text`."""
    community = CommunityFactory(name=text, slug="xss", description=text, guidelines=text)
    community.tags.add(text[:100])
    category = CategoryFactory(
        community=community, name=text[:80], slug="xss-category", description=text[:300]
    )
    author = UserFactory(display_name=text, job_title=text[:100], organisation=text, bio=text)
    author.expertise.add(text[:100])
    replier = UserFactory(display_name=text, job_title=text[:100], organisation=text)
    reader = UserFactory(display_name="Reader")
    MembershipFactory(community=community, user=author, role=Role.OWNER)
    MembershipFactory(community=community, user=replier)
    MembershipFactory(community=community, user=reader)
    thread = thread_services.thread_create(
        actor=author,
        community=community,
        category=category,
        title=text,
        body=text,
        tags=[text[:100]],
    )
    first_post = thread.posts.get()
    reply = post_services.post_reply(actor=replier, thread=thread, body=text)
    post_services.answer_mark(actor=author, thread=thread, post=reply)
    post_services.reaction_toggle(actor=replier, post=first_post, kind="helpful")
    post_services.bookmark_toggle(actor=reader, post=first_post)
    return community, category, thread, first_post, reply, author, reader


@pytest.mark.parametrize("payload", CORPUS, ids=lambda p: p.id)
def test_no_page_runs_what_people_typed(client, payload):
    community, category, thread, first_post, reply, author, reader = _hostile_forum(payload.text)
    slug = community.slug
    reader_pages = {
        "forum index": reverse("forums:forum", args=[slug]),
        "category": category.get_absolute_url(),
        "thread": thread.get_absolute_url(),
        "latest": reverse("forums:latest"),
        "your communities' threads": reverse("forums:mine"),
        "bookmarks": reverse("forums:bookmarks"),
        "reply with a quote": reverse("forums:reply", args=[slug, thread.pk])
        + f"?quote={first_post.pk}",
        "start a thread": reverse("forums:thread-start", args=[slug]),
        "report a post": reverse("forums:post-flag", args=[slug, first_post.pk]),
        "community home": community.get_absolute_url(),
        "directory": reverse("communities:directory"),
        "member list": reverse("communities:member-list", args=[slug]),
        "profile": author.get_absolute_url(),
    }
    author_pages = {
        "edit post": reverse("forums:post-edit", args=[slug, first_post.pk]),
        "delete post": reverse("forums:post-delete", args=[slug, first_post.pk]),
    }
    plain = normalise(payload.text)

    client.force_login(reader)
    for name, url in reader_pages.items():
        response = client.get(url)
        assert response.status_code == 200, f"{name} ({url}): {response.status_code}"
        page = assert_safe(response.content.decode(), f"{name} ({url})")
        assert plain in page.text, f"{name}: the text is not shown escaped"

    thread_page = client.get(thread.get_absolute_url()).content.decode()
    assert escape(payload.text) in thread_page  # the title, escaped once
    assert normalise(payload.markdown_text) in parse(thread_page).text  # the posts

    preview = client.post(
        reverse("forums:reply", args=[slug, thread.pk]),
        {"body": payload.text, "submission_key": "preview", "action": "preview"},
    )
    page = assert_safe(preview.content.decode(), "reply preview")
    assert normalise(payload.markdown_text) in page.text

    empty = client.post(
        reverse("forums:thread-start", args=[slug]),
        {"title": payload.text, "category": category.pk, "body": "", "action": "post"},
    )
    assert empty.status_code == 400
    assert_safe(empty.content.decode(), "start a thread, with errors")

    client.force_login(author)
    for name, url in author_pages.items():
        response = client.get(url)
        assert response.status_code == 200, f"{name} ({url}): {response.status_code}"
        page = assert_safe(response.content.decode(), f"{name} ({url})")
        assert plain in page.text, f"{name}: the text is not shown escaped"


@pytest.mark.parametrize("payload", CORPUS[:6], ids=lambda p: p.id)
def test_the_mention_search_answers_json_that_no_browser_renders(client, payload):
    community, *_, reader = _hostile_forum(payload.text)
    client.force_login(reader)
    response = client.get(
        reverse("forums:mention-search", args=[community.slug]), {"q": payload.text[:10]}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert payload.text in [person["name"] for person in response.json()["results"]]


@pytest.mark.parametrize("payload", CORPUS, ids=lambda p: p.id)
def test_no_facilitator_page_runs_what_people_typed(client, payload):
    community, category, thread, first_post, reply, author, reader = _hostile_forum(payload.text)
    slug = community.slug
    post_services.flag_create(actor=reader, post=first_post, reason="spam", note=payload.text[:500])
    post_services.post_edit(actor=author, post=first_post, body=f"{payload.text} (edited)")
    pages = {
        "review queue": reverse("forums:review", args=[slug]),
        "forum settings": reverse("forums:forum-settings", args=[slug]),
        "post history": reverse("forums:post-history", args=[slug, first_post.pk]),
        "reports on a post": reverse("forums:flag-resolve", args=[slug, first_post.pk]),
        "edit category": reverse("forums:category-edit", args=[slug, category.pk]),
        "move thread": reverse("forums:thread-move", args=[slug, thread.pk]),
        "hide post": reverse("forums:post-hide", args=[slug, reply.pk]),
        "ban a member": reverse("forums:posting-ban-create", args=[slug]),
    }
    client.force_login(author)
    for name, url in pages.items():
        response = client.get(url)
        if response.status_code == 405:  # an action that only answers POST
            continue
        assert response.status_code == 200, f"{name} ({url}): {response.status_code}"
        page = assert_safe(response.content.decode(), f"{name} ({url})")
        assert normalise(payload.text) in page.text, f"{name}: the text is not shown escaped"
