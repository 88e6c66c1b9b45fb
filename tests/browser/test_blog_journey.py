"""A blog post in a real browser, in a blog whose members' posts are moderated: a member writes
it in the Wagtail editor (one click from the blog), previews it beside the form, and sends it to
the facilitators; a facilitator opens the link from their e-mail and approves it; the author is
e-mailed once; another member comments. axe-core checks every page on the way, ours and the
Wagtail editor's, including pages with errors, and the post page must fit a 320 pixel screen.

Wagtail's editor pins its header while the page scrolls; axe counts a control tucked under that
header as too small a target, so the editor pages are checked scrolled to the top.
"""

import re
import time

import pytest
from playwright.sync_api import expect

from blogs import services
from blogs.models import BlogComment, BlogPostPage
from communities.models import Role
from notifications.models import OutboundEmail
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "a-Strong-passw0rd"
TITLE = "Ventilation that works"
WORKFLOW = "Submit to Housing officers blog: facilitators approve members' posts"


def _sign_in(page, check, email: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out").first).to_be_attached()


def _check_admin(check, page, label: str) -> None:
    page.evaluate("() => window.scrollTo(0, 0)")
    check(page, label)


def _mail_to(mail_dir, address: str) -> list[str]:
    return [
        path.read_text()
        for path in sorted(mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime)
        if f"To: {address}" in path.read_text()
    ]


def _wait_until(condition, what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


def _page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


@pytest.fixture
def blog(settings):
    settings.COPSITE_POSTS_PER_MINUTE = 10_000
    community = CommunityFactory(name="Housing officers", slug="housing", guidelines="Be kind.")
    writer = UserFactory(email="priya@example.gov.uk", display_name="Priya Shah",
                         job_title="Surveyor", organisation="Leeds City Council")  # fmt: skip
    facilitator = UserFactory(email="fran@example.gov.uk", display_name="Fran Facilitator")
    reader = UserFactory(email="tomasz@example.gov.uk", display_name="Tomasz Nowak")
    MembershipFactory(community=community, user=writer)
    MembershipFactory(community=community, user=reader)
    MembershipFactory(community=community, user=facilitator, role=Role.FACILITATOR)
    services.blog_settings_update(
        actor=facilitator, community=community, moderate_member_posts=True
    )
    return community, writer, facilitator, reader


def test_a_post_is_written_approved_and_commented_on(page, check_accessibility, mail_dir, blog):
    check = check_accessibility
    community, writer, facilitator, reader = blog

    # Priya finds the blog from her community's home page and opens the editor in one click.
    _sign_in(page, check, writer.email)
    page.goto("/c/housing/")
    check(page, "community home")
    page.get_by_role("link", name="Go to the blog").click()
    expect(page.get_by_role("heading", level=1, name="Blog")).to_be_visible()
    expect(
        page.get_by_text("A facilitator reads members' posts before they are published.")
    ).to_be_visible()
    check(page, "blog (empty)")
    page.get_by_role("button", name="Write a post").click()
    expect(page).to_have_url(re.compile(r"/admin/pages/add/blogs/blogpostpage/\d+/$"))
    editor_url = page.url
    _check_admin(check, page, "editor")

    # Saving an empty post explains what is missing.
    page.get_by_role("button", name="Save draft").click()
    expect(
        page.get_by_text("The page could not be created due to validation errors")
    ).to_be_visible()
    _check_admin(check, page, "editor with errors")
    page.goto(editor_url)

    page.locator("#id_title").fill(TITLE)
    page.locator("#id_summary").fill("What we learned fitting extractor fans in 400 homes.")
    page.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Text").click()
    body = page.get_by_role("textbox", name="Text", exact=True)
    body.click()
    expect(body).to_be_focused()
    page.keyboard.type("Extractor fans in every kitchen and bathroom fixed the damp.")
    # Draftail copies what was typed into the form a moment later (its save interval).
    page.wait_for_timeout(600)
    page.locator("#id_tags").fill("damp, ventilation")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(f"Page '{TITLE}' created.")).to_be_visible()
    _check_admin(check, page, "editor with a draft")

    # The preview panel shows the post as readers will see it.
    page.get_by_role("button", name="Toggle preview").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(preview.get_by_text("Extractor fans in every kitchen")).to_be_visible()
    _check_admin(check, page, "editor with the preview panel")

    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name=WORKFLOW).click()
    expect(page.get_by_text(f"Page '{TITLE}' has been submitted for moderation.")).to_be_visible()
    _check_admin(check, page, "after sending for approval")
    post = BlogPostPage.objects.get(title=TITLE)
    assert post.workflow_in_progress and not post.live
    assert page.context.request.get(post.get_absolute_url()).status == 404  # not published yet

    # Fran follows the link in her e-mail and approves the post.
    review_mail = _mail_to(mail_dir, facilitator.email)
    assert len(review_mail) == 1 and TITLE in review_mail[0]
    review_link = re.search(r"http://[^\s]+/admin/pages/\d+/edit/", review_mail[0]).group(0)
    _sign_in(page, check, facilitator.email)
    page.goto(re.sub(r"^http://[^/]+", "", review_link))
    expect(page.locator("#id_title")).to_have_value(TITLE)
    _check_admin(check, page, "reviewing the post")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Approve and Publish", exact=True).click()
    _wait_until(lambda: BlogPostPage.objects.get(pk=post.pk).live, "the post to be published")
    page.wait_for_load_state("load")
    _check_admin(check, page, "after approving")
    post.refresh_from_db()
    decided = _mail_to(mail_dir, writer.email)
    assert len(decided) == 1 and "approved your post" in decided[0]
    assert "/c/housing/blog/ventilation-that-works/" in decided[0]
    assert OutboundEmail.objects.filter(kind="blog_post_decided").count() == 1

    # Tomasz reads it and comments: first with nothing written (an error), then properly.
    _sign_in(page, check, reader.email)
    page.goto("/c/housing/blog/")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(page.get_by_text("(Surveyor, Leeds City Council)")).to_be_visible()
    check(page, "post page")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Write something before sending.")
    check(page, "comment with errors")
    page.get_by_label("Your comment").fill("We found the **same**: fans on humidity sensors.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Your comment has been added.")).to_be_visible()
    comment = page.locator(".copsite-comment").first
    expect(comment.locator("strong")).to_have_text("same")
    check(page, "post page with a comment")
    assert BlogComment.objects.filter(post=post, author=reader).count() == 1

    # Priya hears about the comment once and replies on the site.
    assert len(_mail_to(mail_dir, writer.email)) == 2
    _sign_in(page, check, writer.email)
    page.goto(post.get_absolute_url())
    page.get_by_role("link", name="Reply to Tomasz Nowak").click()
    check(page, "reply page")
    page.get_by_label("Your reply").fill("Thanks, Tomasz: which sensors did you use?")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator(".copsite-comment-list--replies")).to_contain_text("which sensors")
    check(page, "post page with a reply")

    # The latest posts page and a 320 pixel screen.
    page.goto("/blog/latest/")
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    check(page, "latest posts")
    page.set_viewport_size({"width": 320, "height": 640})
    for path, label in ((post.get_absolute_url(), "post"), ("/c/housing/blog/", "blog")):
        page.goto(path)
        check(page, f"{label} at 320px")
        width = _page_width(page)
        assert width <= 320, f"the {label} page is {width}px wide at 320px"


def test_the_share_button_copies_the_link(browser, live_server, blog):
    community, writer, facilitator, reader = blog
    from tests.blogs.conftest import make_post

    services.blog_settings_update(
        actor=facilitator, community=community, moderate_member_posts=False
    )
    post = make_post(community, writer, title=TITLE)
    context = browser.new_context(base_url=live_server.url)  # CSP enforced, not bypassed
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    try:
        page.goto(post.get_absolute_url())
        page.get_by_role("button", name="Copy link").click()
        expect(page.get_by_role("status")).to_have_text("Link copied.")
        assert page.evaluate("() => navigator.clipboard.readText()").endswith(
            post.get_absolute_url()
        )
    finally:
        context.close()
    assert problems == []
