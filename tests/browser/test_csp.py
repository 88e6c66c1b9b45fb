"""The Content-Security-Policy holds in a real browser: pages and the admin run no blocked code."""

import pytest

from communities.models import Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "a-Strong-passw0rd"


def test_no_page_breaks_the_content_security_policy(browser, live_server):
    owner = MembershipFactory(role=Role.OWNER, user=UserFactory(email="owner@example.gov.uk"))
    context = browser.new_context(base_url=live_server.url)  # CSP enforced, not bypassed
    page = context.new_page()
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(owner.user.email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("load")
        for path in (
            "/",
            "/communities/",
            owner.community.get_absolute_url(),
            "/accounts/profile/",
            "/admin/",
            "/admin/communities/",
            f"/admin/communities/{owner.community.pk}/members/",
            f"/admin/communities/{owner.community.pk}/settings/",
        ):
            page.goto(path)
            page.wait_for_load_state("networkidle")
    finally:
        context.close()
    assert violations == []
