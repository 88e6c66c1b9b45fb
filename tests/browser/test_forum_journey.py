"""A forum conversation in a real browser: one member starts a thread (with the formatting
toolbar and the @mention picker), another replies quoting it, the first marks the reply as the
answer and the forum list says "Answered". axe-core checks every page on the way, including
pages with form errors, and the thread page must fit a 320 pixel screen."""

import re
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from communities.models import Role
from forums.models import Post, Thread
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "a-Strong-passw0rd"
TITLE = "Damp and mould in tower blocks"


def _sign_in(page, check, email: str) -> None:
    page.goto("/accounts/login/")
    check(page, "sign in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out").first).to_be_attached()


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").first.click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_attached()


def _png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (40, 20), "#1d5c63").save(out, format="PNG")
    return out.getvalue()


def _page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


@pytest.fixture
def forum(settings):
    settings.COPSITE_POSTS_PER_MINUTE = 10_000
    community = CommunityFactory(name="Housing officers", slug="housing", guidelines="Be kind.")
    asker = UserFactory(email="priya@example.gov.uk", display_name="Priya Shah")
    replier = UserFactory(
        email="tomasz@example.gov.uk", display_name="Tomasz Nowak", job_title="Surveyor"
    )
    MembershipFactory(community=community, user=asker)
    MembershipFactory(community=community, user=replier, role=Role.MEMBER)
    return community, asker, replier


def test_a_question_is_asked_quoted_in_a_reply_and_answered(page, check_accessibility, forum):
    check = check_accessibility
    community, asker, replier = forum

    # Priya starts a thread.
    _sign_in(page, check, asker.email)
    page.goto("/c/housing/forum/")
    check(page, "forum index (empty)")
    page.get_by_role("link", name="Start a thread").click()
    expect(page.get_by_role("heading", name="Start a thread")).to_be_visible()
    check(page, "start a thread")

    page.get_by_role("button", name="Start thread").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the thread a title.")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Write something before")
    check(page, "start a thread with errors")

    page.get_by_label("Title").fill(TITLE)
    body = page.get_by_label("Your message")
    body.fill("What worked for you with ")
    body.press("End")
    # The toolbar: "Bold" with nothing selected inserts a placeholder, selected for typing.
    toolbar = page.get_by_role("toolbar", name="Formatting")
    toolbar.get_by_role("button", name="Bold").click()
    page.keyboard.type("damp")
    body.press("End")
    page.keyboard.type("? Asking ")
    # The @mention picker: a combobox with a listbox of members.
    page.keyboard.type("@Tom")
    expect(body).to_have_attribute("aria-expanded", "true")
    option = page.get_by_role("option", name=re.compile("Tomasz Nowak"))
    expect(option).to_be_visible()
    check(page, "start a thread with the mention list open")
    body.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(body).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    body.press("Enter")
    expect(body).to_have_attribute("aria-expanded", "false")
    page.keyboard.type("as he is a surveyor.")
    expect(body).to_have_value(
        f"What worked for you with **damp**? Asking @[Tomasz Nowak](/people/{replier.pk}/) "
        "as he is a surveyor."
    )
    # Escape closes the list without inserting anything.
    page.keyboard.type(" Also @Pri")
    expect(page.get_by_role("option", name=re.compile("Priya Shah"))).to_be_visible()
    body.press("Escape")
    expect(body).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("listbox")).to_be_hidden()
    body.fill(body.input_value().removesuffix(" Also @Pri"))

    page.get_by_label("Tags (optional)").fill("damp, ventilation")
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview")
    expect(preview.locator("strong")).to_have_text("damp")
    expect(preview.get_by_role("link", name="Tomasz Nowak")).to_be_visible()
    check(page, "start a thread: preview")
    page.get_by_role("button", name="Start thread").click()

    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    check(page, "new thread")
    thread = Thread.objects.get(title=TITLE)
    thread_url = thread.get_absolute_url()
    _sign_out(page)

    # Tomasz replies: first an empty reply (an error), then quoting Priya's post.
    _sign_in(page, check, replier.email)
    page.goto(thread_url)
    check(page, "thread, as another member")
    page.get_by_role("button", name="Post reply").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Write something before sending.")
    check(page, "reply with errors")

    page.goto(thread_url)
    page.get_by_role("link", name="Quote post by Priya Shah").click()
    reply_body = page.get_by_label("Your reply")
    expect(reply_body).to_have_value(re.compile(r"^> \*\*Priya Shah\*\* \[wrote\]"))
    check(page, "reply page with the quote")
    reply_body.press("Control+End")
    page.keyboard.type("Extractor fans in every kitchen and bathroom fixed it for us.")
    # A picture, uploaded without leaving the page.
    page.get_by_text("Add a picture to your message").click()
    upload = page.get_by_role("button", name="Upload and add the picture")
    upload.click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a picture to upload.")
    expect(page.get_by_label("Picture", exact=True)).to_be_focused()
    check(page, "reply page with a picture upload error")
    page.get_by_label("Picture", exact=True).set_input_files(
        files=[{"name": "fan.png", "mimeType": "image/png", "buffer": _png()}]
    )
    page.get_by_label("Describe the picture for people who cannot see it").fill("A kitchen fan")
    upload.click()
    expect(page.get_by_text("The picture has been added to your message.")).to_be_visible()
    expect(reply_body).to_have_value(re.compile(r"\n!\[A kitchen fan\]\(/forums/images/\d+/"))
    page.get_by_role("button", name="Post reply").click()

    reply = page.locator(".copsite-post").nth(1)
    expect(reply.locator("blockquote")).to_contain_text("What worked for you with damp?")
    expect(reply).to_contain_text("Extractor fans in every kitchen")
    expect(reply.get_by_role("img", name="A kitchen fan")).to_be_visible()
    check(page, "thread with a quoting reply")
    reply_post = Post.objects.get(thread=thread, author=replier)
    _sign_out(page)

    # Priya marks the reply as the answer.
    _sign_in(page, check, asker.email)
    page.goto(thread_url)
    check(page, "thread, as the asker")
    page.get_by_role("button", name="Mark as answer – post by Tomasz Nowak").click()
    expect(page.get_by_text("Marked as the answer.")).to_be_visible()
    expect(page.get_by_role("heading", name="Accepted answer")).to_be_visible()
    expect(page.locator(f"#post-{reply_post.pk}")).to_have_class(re.compile("copsite-post--answer"))
    check(page, "thread with an accepted answer")

    page.get_by_role("link", name="Forum", exact=True).click()
    row = page.locator(".copsite-thread-list tbody tr", has_text=TITLE)
    expect(row.locator(".govuk-tag", has_text="Answered")).to_be_visible()
    check(page, "forum index with an answered thread")
    thread.refresh_from_db()
    assert thread.answer_id == reply_post.pk

    # A 320 pixel screen: nothing scrolls sideways, and the pages still pass axe.
    page.set_viewport_size({"width": 320, "height": 640})
    for path, label in ((thread_url, "thread"), ("/c/housing/forum/", "forum index")):
        page.goto(path)
        check(page, f"{label} at 320px")
        width = _page_width(page)
        assert width <= 320, f"the {label} page is {width}px wide at 320px"


def test_a_long_thread_fits_a_320_pixel_screen(browser, live_server, forum, check_accessibility):
    """Long words, links, code, tables and quotes in posts and titles wrap, not scroll."""
    community, asker, replier = forum
    from forums.models import Category
    from forums.services import posts as post_services
    from forums.services import threads as thread_services

    long_word = "Supercalifragilisticexpialidocious" * 3
    body = (
        f"{long_word}\n\n"
        f"https://example.gov.uk/{'a-very-long-path-segment/' * 6}\n\n"
        f"`{long_word}`\n\n"
        "```\n" + "x = 1  # " + "a long line of code " * 8 + "\n```\n\n"
        "> " + long_word + "\n\n"
        "| Area | Homes with damp | Homes fixed | Waiting list | Notes |\n"
        "| --- | --- | --- | --- | --- |\n"
        f"| Leeds | 120 | 80 | 40 | {long_word} |\n"
    )
    thread = thread_services.thread_create(
        actor=asker,
        community=community,
        category=Category.objects.filter(community=community).first(),
        title=f"Title {long_word}",
        body=body,
        tags=[long_word[:40]],
    )
    post_services.post_reply(actor=replier, thread=thread, body=body)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(replier.email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        for path in (
            thread.get_absolute_url(),
            "/c/housing/forum/",
            "/forum/latest/",
            f"/c/housing/forum/t/{thread.pk}/reply/?quote={thread.last_post_id}",
        ):
            page.goto(path)
            width = _page_width(page)
            assert width <= 320, f"{path} is {width}px wide at 320px"
            check_accessibility(page, f"{path} at 320px")
    finally:
        context.close()


def test_the_editor_keeps_to_the_content_security_policy(browser, live_server, forum):
    community, asker, replier = forum
    from forums.models import Category
    from forums.services import threads as thread_services

    thread = thread_services.thread_create(
        actor=asker,
        community=community,
        category=Category.objects.filter(community=community).first(),
        title=TITLE,
        body="What worked?",
    )
    context = browser.new_context(base_url=live_server.url)  # CSP enforced, not bypassed
    page = context.new_page()
    problems: list[str] = []
    # Policy violations are reported on the console; script errors as page errors.
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto(f"/accounts/login/?next={thread.get_absolute_url()}")
        page.get_by_label("Email").fill(replier.email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        body = page.get_by_label("Your reply")
        page.get_by_role("toolbar", name="Formatting").get_by_role("button", name="Italic").click()
        expect(body).to_have_value("*italic text*")
        body.press("End")
        page.keyboard.type(" @Pri")
        expect(page.get_by_role("option", name=re.compile("Priya Shah"))).to_be_visible()
        page.get_by_role("option", name=re.compile("Priya Shah")).click()
        expect(body).to_have_value(f"*italic text* @[Priya Shah](/people/{asker.pk}/) ")
    finally:
        context.close()
    assert problems == []
