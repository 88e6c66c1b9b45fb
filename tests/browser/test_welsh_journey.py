"""A Welsh speaker's first visit, in Welsh throughout: the switch in the header, sign-up (which
asks the language of our e-mails), the confirmation e-mail in Welsh, joining a community and
starting a discussion. axe-core checks every page; every page says lang="cy"."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "a-Strong-passw0rd"


def _latest_mail(mail_dir) -> str:
    messages = sorted(mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime)
    return messages[-1].read_text()


def test_a_welsh_speaker_signs_up_joins_and_posts_in_welsh(page, mail_dir, check_accessibility):
    def check(label: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", "cy")
        check_accessibility(page, label)

    CommunityFactory(
        name="Housing Wales",
        slug="tai",
        language="en-gb",
        translated_name="Tai Cymru",
        description="People working on housing.",
        translated_description="Pobl sy'n gweithio ar dai.",
        guidelines="Be kind.",
        translated_guidelines="Byddwch yn garedig.",
    )
    page.goto("/")
    page.get_by_role("link", name="Cymraeg").click()
    expect(page).to_have_url(re.compile(r"/cy/$"))
    check("hafan")

    page.get_by_role("link", name="Creu cyfrif").first.click()
    check("cofrestru")
    expect(page.get_by_label("Cymraeg")).to_be_checked()
    page.get_by_label("E-bost").fill("rhiannon@sirgar.gov.uk")
    page.get_by_label("Cyfrinair", exact=True).fill(PASSWORD)
    page.get_by_label(re.compile("Cyfrinair \\(eto\\)")).fill(PASSWORD)
    page.get_by_role("button", name="Cofrestru").click()
    check("e-bost dilysu wedi'i anfon")
    assert User.objects.get(email="rhiannon@sirgar.gov.uk").language == "cy"

    message = _latest_mail(mail_dir)
    assert "Cadarnhewch eich cyfeiriad e-bost" in message
    link = re.search(r"http://[^\s]+/cy/accounts/confirm-email/[^\s]+/", message).group(0)
    page.goto(re.sub(r"^http://[^/]+", "", link))
    check("cadarnhau e-bost")
    page.get_by_role("button", name="Cadarnhau").click()

    # A signed-in Welsh speaker following an English address is answered in Welsh.
    page.goto("/communities/")
    expect(page).to_have_url(re.compile(r"/cy/communities/$"))
    check("cymunedau")
    page.get_by_role("link", name="Tai Cymru").click()
    check("hafan y gymuned")
    expect(page.get_by_text("Byddwch yn garedig.")).to_be_visible()
    page.get_by_role("link", name="Ymuno â Tai Cymru").click()
    check("ymuno")
    page.get_by_label("Rwyf wedi darllen ac yn derbyn canllawiau'r gymuned").check()
    page.get_by_role("button", name="Ymuno â Tai Cymru").click()
    check("wedi ymuno")

    page.goto("/cy/c/tai/forum/new/")
    check("dechrau trafodaeth")
    page.get_by_role("button", name="Dechrau'r drafodaeth").click()
    check("dechrau trafodaeth, gyda gwallau")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Rhowch deitl i'r drafodaeth.")
    page.get_by_label("Teitl").fill("Ôl-ddyledion rhent")
    page.get_by_role("combobox", name="Eich neges", exact=True).fill("Sut mae pawb yn mynd ati?")
    page.get_by_role("button", name="Dechrau'r drafodaeth").click()
    check("trafodaeth")
    expect(page.get_by_role("heading", name="Ôl-ddyledion rhent")).to_be_visible()
