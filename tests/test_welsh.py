"""Every page type in Welsh says so, and no English is left behind in pages or e-mails.

The content here is written in Welsh so that any English word found in a page came from the
interface. Text marked with another `lang` (a language switch, content in English) is skipped.
"""

import re

import pytest
from lxml import html as lxml_html

from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from communities.models import Role
from forums.services import posts as post_services
from notifications import digests
from tests.blogs.conftest import make_post
from tests.digest_helpers import next_digest_time
from tests.factories import CommunityFactory, MembershipFactory, UserFactory, make_thread

pytestmark = pytest.mark.django_db

# Words that are English and never Welsh. ("a", "i", "am", "at", "to"… are Welsh words too.)
ENGLISH_ONLY = re.compile(
    r"\b(the|and|your|you|this|with|for|are|has|have|will|not|from|about|there|what|when|who|"
    r"been|was|were|can|more|other|their|these|sign|reply|replies|post|posts|members|member|"
    r"community|communities|discussion|discussions|notifications|settings|profile|join|leave|"
    r"read|write|edit|delete|save|cancel|search|page|next|previous|new|thread|threads|"
    r"latest|category|comments?|welcome|account|email|e-mail|password)\b",
    re.IGNORECASE,
)
WELSH_CONTENT = {
    "community": "Tai Cymru",
    "description": "Pobl sy'n gweithio ar dai yng Nghymru.",
    "guidelines": "Byddwch yn garedig.",
    "thread": "Cwestiwn am ddyledion rhent",
    "body": "Rydym yn ceisio deall dyledion rhent.",
    "reply": "Dyma ein profiad ni.",
    "name": "Rhiannon Jones",
    "job": "Swyddog polisi",
    "organisation": "Cyngor Caerdydd",
}


def english_left_in(page: str) -> list[str]:
    """English words in the text people read (and in the attributes they hear), outside any
    element marked with a language other than Welsh."""
    tree = lxml_html.fromstring(page)
    for element in tree.xpath("//script|//style|//*[@lang and not(starts-with(@lang, 'cy'))]"):
        if element.getparent() is not None and element.tag != "html":
            element.drop_tree()
    texts = tree.xpath("//body//text()") + tree.xpath(
        "//@alt|//@aria-label|//@title|//@placeholder|//head/title/text()"
    )
    found = []
    for text in texts:
        found.extend(match.group(0) for match in ENGLISH_ONLY.finditer(str(text)))
    return found


@pytest.fixture
def welsh_world(db):
    # Made by someone using the site in Welsh: the forum's first categories are written in Welsh.
    with translation.override("cy"):
        community = _welsh_community()
    return _welsh_world(community)


def _welsh_community():
    return CommunityFactory(
        name=WELSH_CONTENT["community"],
        slug="tai",
        description=WELSH_CONTENT["description"],
        guidelines=WELSH_CONTENT["guidelines"],
    )


def _welsh_world(community):
    facilitator = MembershipFactory(
        community=community,
        role=Role.FACILITATOR,
        user=UserFactory(
            display_name="Dafydd Evans",
            job_title=WELSH_CONTENT["job"],
            organisation=WELSH_CONTENT["organisation"],
            language="cy",
        ),
    ).user
    member = MembershipFactory(
        community=community,
        user=UserFactory(
            display_name=WELSH_CONTENT["name"],
            job_title=WELSH_CONTENT["job"],
            organisation=WELSH_CONTENT["organisation"],
            language="cy",
        ),
    ).user
    with translation.override("cy"):
        thread = make_thread(
            community=community,
            author=facilitator,
            title=WELSH_CONTENT["thread"],
            body=WELSH_CONTENT["body"],
        )
    post_services.post_reply(actor=member, thread=thread, body=WELSH_CONTENT["reply"])
    blog_post = make_post(
        community,
        facilitator,
        title="Beth ddysgon ni",
        summary="Tri pheth.",
        body="<p>Buom mewn 400 o gartrefi.</p>",
    )
    return {
        "community": community,
        "facilitator": facilitator,
        "member": member,
        "thread": thread,
        "blog_post": blog_post,
    }


def welsh_pages(world) -> list[tuple[str, str, str]]:
    """(name, who, English address) for each page type."""
    community, thread = world["community"], world["thread"]
    return [
        ("home", "anonymous", "/"),
        ("directory", "anonymous", reverse("communities:directory")),
        ("community home", "anonymous", community.get_absolute_url()),
        ("members", "member", reverse("communities:member-list", args=[community.slug])),
        ("forum", "anonymous", reverse("forums:forum", args=[community.slug])),
        ("thread", "member", thread.get_absolute_url()),
        ("latest", "anonymous", reverse("forums:latest")),
        ("start a thread", "member", reverse("forums:thread-start", args=[community.slug])),
        ("blog post", "anonymous", world["blog_post"].url),
        ("notifications", "member", reverse("notifications:list")),
        ("e-mail settings", "member", reverse("notifications:settings")),
        ("profile", "member", reverse("accounts:profile-edit")),
        ("sign in", "anonymous", reverse("account_login")),
        ("sign up", "anonymous", reverse("account_signup")),
        ("facilitation", "facilitator", reverse("facilitation:facilitate")),
        (
            "announce",
            "facilitator",
            reverse("facilitation:broadcast-create", args=[community.slug]),
        ),
        ("not found", "anonymous", "/dim-tudalen-yma/"),
    ]


def test_every_page_type_speaks_welsh_with_no_english_left(client, welsh_world):
    problems = []
    for name, who, address in welsh_pages(welsh_world):
        client.logout()
        if who != "anonymous":
            client.force_login(welsh_world[who])
        response = client.get("/cy" + address)
        if response.status_code not in (200, 404):
            problems.append(f"{name}: {response.status_code}")
            continue
        page = response.content.decode()
        if '<html lang="cy"' not in page:
            problems.append(f"{name}: no lang=cy")
        left = english_left_in(page)
        if left:
            problems.append(f"{name}: {sorted(set(left))}")
    assert problems == [], "\n".join(problems)


def test_the_scan_notices_english(client, welsh_world):
    assert english_left_in("<html><body><p>Sign in to reply</p></body></html>") == [
        "Sign",
        "reply",
    ]
    assert english_left_in('<html><body><p lang="en">Sign in</p></body></html>') == []


def test_a_welsh_member_gets_welsh_notifications_and_an_english_one_english(
    welsh_world, run_after_commit
):
    community = welsh_world["community"]
    english_author = MembershipFactory(community=community).user
    english_thread = make_thread(community=community, author=english_author, title="Dyledion")
    for thread in (welsh_world["thread"], english_thread):
        run_after_commit(
            lambda thread=thread: post_services.post_reply(
                actor=welsh_world["member"], thread=thread, body=WELSH_CONTENT["reply"]
            )
        )
    welsh = next(m for m in mail.outbox if m.to == [welsh_world["facilitator"].email])
    english = next(m for m in mail.outbox if m.to == [english_author.email])
    assert f"{settings.SITE_URL}/cy/" in welsh.body
    assert f"{settings.SITE_URL}/cy/" not in english.body
    welsh_html = welsh.alternatives[0][0]
    assert '<html lang="cy"' in welsh_html
    assert english_left_in(welsh_html) == []
    assert ENGLISH_ONLY.search(welsh.subject) is None
    assert "replied to" in english.subject


def test_a_welsh_member_gets_a_welsh_digest_and_an_english_one_english(welsh_world):
    english_reader = MembershipFactory(community=welsh_world["community"]).user
    readers = [welsh_world["member"], english_reader]
    digests.digest_batch_send(digests.DAILY, [u.pk for u in readers], next_digest_time())
    welsh = next(m for m in mail.outbox if m.to == [welsh_world["member"].email])
    english = next(m for m in mail.outbox if m.to == [english_reader.email])
    assert welsh.subject.startswith("Eich crynodeb dyddiol")
    assert english.subject.startswith("Your daily digest")
    html = welsh.alternatives[0][0]
    assert '<html lang="cy"' in html
    assert english_left_in(html) == []
    words = re.sub(r"https?://\S+", "", welsh.body)
    assert ENGLISH_ONLY.findall(words) == []


def _announce_in_both(world, django_capture_on_commit_callbacks):
    from facilitation import broadcasts

    with django_capture_on_commit_callbacks(execute=True):
        broadcasts.broadcast_create(
            actor=world["facilitator"],
            community=world["community"],
            subject="Meeting in Cardiff",
            body="We meet on Friday.",
            language="en-gb",
            translated_subject="Cyfarfod yng Nghaerdydd",
            translated_body="Rydym yn cwrdd ddydd Gwener.",
        )


def test_each_member_gets_an_announcement_in_their_language(
    welsh_world, django_capture_on_commit_callbacks
):
    english_reader = MembershipFactory(community=welsh_world["community"]).user
    _announce_in_both(welsh_world, django_capture_on_commit_callbacks)
    welsh = next(m for m in mail.outbox if m.to == [welsh_world["member"].email])
    english = next(m for m in mail.outbox if m.to == [english_reader.email])
    assert welsh.subject == "[Tai Cymru] Cyfarfod yng Nghaerdydd"
    assert "Rydym yn cwrdd" in welsh.body and "We meet" not in welsh.body
    assert english.subject == "[Tai Cymru] Meeting in Cardiff"
    assert "We meet on Friday." in english.body and "Rydym" not in english.body


def test_a_bilingual_community_sends_both_languages_welsh_first(
    welsh_world, django_capture_on_commit_callbacks
):
    community = welsh_world["community"]
    community.bilingual_announcements = True
    community.save()
    english_reader = MembershipFactory(community=community).user
    _announce_in_both(welsh_world, django_capture_on_commit_callbacks)
    english = next(m for m in mail.outbox if m.to == [english_reader.email])
    assert english.subject == "[Tai Cymru] Cyfarfod yng Nghaerdydd / Meeting in Cardiff"
    assert english.body.index("Rydym yn cwrdd") < english.body.index("We meet on Friday.")
    html = english.alternatives[0][0]
    assert '<div lang="cy">' in html and '<div lang="en-GB">' in html
