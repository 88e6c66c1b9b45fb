"""A facilitator tidies the forum in a real browser: merges a duplicate question into the
original, then splits a side conversation off into its own thread. axe-core checks every
page on the way, including the pages with form errors."""

import pytest
from playwright.sync_api import expect

from communities.models import Role
from forums.models import Thread
from tests.factories import CommunityFactory, MembershipFactory, UserFactory, make_thread

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "a-Strong-passw0rd"


@pytest.fixture
def forum():
    community = CommunityFactory(name="Housing officers", slug="housing")
    facilitator = UserFactory(email="fran@example.gov.uk", display_name="Fran Okoye")
    MembershipFactory(community=community, user=facilitator, role=Role.FACILITATOR)
    original = make_thread(community, title="Damp surveys: which supplier?", replies=2)
    duplicate = make_thread(community, title="Anyone used a damp survey firm?", replies=1)
    return community, facilitator, original, duplicate


def test_a_facilitator_merges_a_duplicate_and_splits_off_a_side_conversation(
    page, check_accessibility, forum
):
    check = check_accessibility
    community, facilitator, original, duplicate = forum
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(facilitator.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out").first).to_be_attached()

    # Merge the duplicate into the original.
    page.goto(duplicate.get_absolute_url())
    page.get_by_role("link", name="Merge into another thread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merge this thread into another")
    check(page, "merge: choose")
    page.get_by_role("button", name="Check").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the address or number")
    check(page, "merge: choose, with an error")
    page.get_by_label("Address or number of the thread to merge into").fill(
        f"http://testserver{original.get_absolute_url()}"
    )
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(original.title)
    check(page, "merge: check")
    page.get_by_role("button", name="Merge threads").click()
    expect(page.get_by_role("heading", level=1, name=original.title)).to_be_visible()
    check(page, "the original after the merge")
    duplicate.refresh_from_db()
    assert duplicate.status == Thread.Status.MERGED and duplicate.merged_into_id == original.pk

    # Split one reply off into a thread of its own.
    page.get_by_role("link", name="Split replies into a new thread").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Split replies into a new thread")
    check(page, "split")
    page.get_by_role("button", name="Split into a new thread").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose at least one reply to move.")
    expect(summary).to_contain_text("Give the new thread a title.")
    check(page, "split, with errors")
    page.locator(".govuk-checkboxes__input").first.check()
    page.get_by_label("Title of the new thread").fill("Ventilation after a damp survey")
    page.get_by_role("button", name="Split into a new thread").click()
    expect(
        page.get_by_role("heading", level=1, name="Ventilation after a damp survey")
    ).to_be_visible()
    check(page, "the new thread after the split")
