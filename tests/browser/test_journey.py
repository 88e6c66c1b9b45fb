"""A new person's first visit: sign up, confirm, complete the profile, join an open community,
ask to join a restricted one; a facilitator approves them in the admin. axe-core checks
every page on the way."""

import re

import pytest
from playwright.sync_api import expect

from communities.models import Membership, Role, Visibility
from tests.factories import CommunityFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "a-Strong-passw0rd"


def _latest_link(mail_dir, pattern: str) -> str:
    messages = sorted(mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime)
    text = messages[-1].read_text()
    return re.search(pattern, text).group(0)


def _sign_in(page, check, email: str) -> None:
    page.goto("/accounts/login/")
    check(page, "sign in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").first.click()
    if page.get_by_role("button", name="Sign out").count():
        page.get_by_role("button", name="Sign out").first.click()


def test_a_new_member_joins_and_a_facilitator_approves_them(page, mail_dir, check_accessibility):
    check = check_accessibility
    housing = CommunityFactory(name="Housing officers", slug="housing", guidelines="Be kind.")
    data = CommunityFactory(name="Data people", slug="data", visibility=Visibility.RESTRICTED)
    facilitator = MembershipFactory(
        community=data, role=Role.OWNER, user=UserFactory(email="fran@example.gov.uk")
    ).user

    page.goto("/")
    check(page, "home")
    page.get_by_role("link", name="Create an account").first.click()
    check(page, "sign up")
    page.get_by_role("button", name="Sign up").click()
    check(page, "sign up with errors")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.get_by_label("Email").fill("new.person@leeds.gov.uk")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label(re.compile("Password \\(again\\)|Confirm password")).fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    check(page, "verification sent")

    link = _latest_link(mail_dir, r"http://[^\s]+/accounts/confirm-email/[^\s]+/")
    page.goto(re.sub(r"^http://[^/]+", "", link))
    check(page, "confirm e-mail")
    page.get_by_role("button", name="Confirm").click()

    page.goto("/accounts/profile/")
    check(page, "profile form")
    page.get_by_label("Your name").fill("")
    page.get_by_role("button", name="Save profile").click()
    check(page, "profile form with errors")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your name")
    page.get_by_label("Your name").fill("Sam Jones")
    page.get_by_label("Job title").fill("Housing officer")
    page.get_by_label("Organisation").fill("Leeds City Council")
    page.get_by_role("button", name="Save profile").click()
    check(page, "profile")
    expect(page.get_by_role("heading", name="Sam Jones")).to_be_visible()

    page.goto("/communities/")
    check(page, "directory")
    page.get_by_role("link", name="Housing officers").click()
    check(page, "open community home")
    page.get_by_role("link", name="Join Housing officers").click()
    check(page, "join")
    page.get_by_label("I have read and accept the community guidelines").check()
    page.get_by_role("button", name="Join Housing officers").click()
    check(page, "joined")
    expect(page.get_by_role("heading", name="You are a member")).to_be_visible()

    page.goto("/c/data/")
    check(page, "restricted community home")
    page.get_by_role("link", name="Ask to join").click()
    check(page, "ask to join")
    page.get_by_label("Tell the facilitators about yourself (optional)").fill("I run housing data.")
    page.get_by_label("I have read and accept the community guidelines").check()
    page.get_by_role("button", name="Send request").click()
    check(page, "request sent")
    expect(page.get_by_role("button", name="Withdraw my request")).to_be_visible()

    _sign_out(page)
    _sign_in(page, check, facilitator.email)
    page.goto("/admin/communities/")
    check(page, "admin: your communities")
    page.get_by_role("link", name="Data people").first.click()
    check(page, "admin: requests to join")
    expect(page.get_by_text("I run housing data.")).to_be_visible()
    page.get_by_role("button", name="Approve Sam Jones").click()
    expect(page.get_by_text("Sam Jones is now a member of Data people")).to_be_visible()
    check(page, "admin: request approved")

    member = Membership.objects.get(community=data, user__email="new.person@leeds.gov.uk")
    assert member.role == Role.MEMBER
    assert Membership.objects.filter(community=housing, user=member.user).exists()
    decision = _latest_link(mail_dir, r"http://[^\s]+/c/data/")
    assert decision.endswith("/c/data/")


def test_pages_fit_a_320_pixel_screen_and_work_without_javascript(browser, live_server):
    CommunityFactory(name="Housing officers", slug="housing", guidelines="")
    UserFactory(email="sam@example.gov.uk")
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 320, "height": 640}
    )
    page = context.new_page()
    try:
        for path in ("/", "/communities/", "/c/housing/", "/accounts/login/", "/accessibility/"):
            page.goto(path)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 320, f"{path} is {width}px wide"
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill("sam@example.gov.uk")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto("/c/housing/join/")
        page.get_by_role("button", name="Join Housing officers").click()
        expect(page.get_by_role("heading", name="You are a member")).to_be_visible()
    finally:
        context.close()
