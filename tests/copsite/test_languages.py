"""English at unprefixed addresses, Welsh under /cy/, and each person's language remembered."""

import pytest

from django.conf import settings

from wagtail.users.models import UserProfile

from copsite import languages
from tests.factories import CommunityFactory, UserFactory

pytestmark = pytest.mark.django_db
COOKIE = settings.LANGUAGE_COOKIE_NAME


def test_english_pages_are_unprefixed_and_say_so(client):
    response = client.get("/communities/")
    assert response.status_code == 200
    assert b'<html lang="en-GB"' in response.content


def test_welsh_pages_live_under_cy_and_say_so(client):
    response = client.get("/cy/communities/")
    assert response.status_code == 200
    assert b'<html lang="cy"' in response.content
    assert b"Cymunedau" in response.content


def test_every_page_names_its_other_language_address(client):
    html = client.get("/communities/?page=1").content.decode()
    assert f'hreflang="cy" href="{settings.SITE_URL}/cy/communities/?page=1"' in html
    assert f'hreflang="en-GB" href="{settings.SITE_URL}/communities/?page=1"' in html


def test_the_switch_names_each_language_in_itself(client):
    html = client.get("/communities/").content.decode()
    assert 'href="/cy/communities/?lang=cy" lang="cy" hreflang="cy"' in html
    assert ">Cymraeg<" in html
    welsh = client.get("/cy/communities/").content.decode()
    assert 'href="/communities/?lang=en-gb" lang="en-GB" hreflang="en-GB"' in welsh
    assert ">English<" in welsh


def test_the_switch_remembers_a_visitors_choice_and_keeps_the_page(client):
    response = client.get("/communities/?q=care&lang=cy")
    assert response.status_code == 302
    assert response["Location"] == "/cy/communities/?q=care"
    assert response.cookies[COOKIE].value == "cy"
    # From then on, English addresses send this visitor to the Welsh page.
    assert client.get("/communities/")["Location"] == "/cy/communities/"
    back = client.get("/cy/communities/?lang=en-gb")
    assert back["Location"] == "/communities/"
    assert client.get("/communities/").status_code == 200


def test_a_visitor_is_answered_in_their_browsers_language_until_they_choose(client):
    response = client.get("/communities/", HTTP_ACCEPT_LANGUAGE="cy-GB,cy;q=0.9,en;q=0.5")
    assert response.status_code == 302
    assert response["Location"] == "/cy/communities/"
    assert "Accept-Language" in response["Vary"]
    assert client.get("/communities/", HTTP_ACCEPT_LANGUAGE="en-GB,en").status_code == 200
    client.cookies[COOKIE] = "en-gb"
    assert client.get("/communities/", HTTP_ACCEPT_LANGUAGE="cy").status_code == 200


def test_a_welsh_address_is_welsh_whoever_follows_it(client):
    client.cookies[COOKIE] = "en-gb"
    assert b'<html lang="cy"' in client.get("/cy/communities/").content


def test_a_signed_in_persons_language_comes_before_the_cookie(client):
    person = UserFactory(language="cy")
    client.force_login(person)
    client.cookies[COOKIE] = "en-gb"
    assert client.get("/communities/")["Location"] == "/cy/communities/"


def test_the_switch_saves_a_signed_in_persons_language_for_pages_e_mail_and_the_admin(client):
    person = UserFactory(language="en-gb")
    client.force_login(person)
    client.get("/communities/?lang=cy")
    person.refresh_from_db()
    assert person.language == "cy"
    assert UserProfile.get_for_user(person).preferred_language == "cy"


def test_forms_and_machine_addresses_are_never_redirected(client):
    client.cookies[COOKIE] = "cy"
    assert client.post("/communities/").status_code != 302 or (
        client.post("/communities/")["Location"] != "/cy/communities/"
    )
    assert client.get("/health/").status_code == 200
    assert client.get("/theme.css").status_code == 200


def test_addresses_in_each_language():
    assert languages.address_in("cy", "/c/care/forum/?page=2") == "/cy/c/care/forum/?page=2"
    assert languages.address_in("en-gb", "/cy/c/care/forum/") == "/c/care/forum/"
    assert languages.address_in("cy", "/cy/") == "/cy/"
    assert languages.address_in("en-gb", "/cy/") == "/"
    assert languages.address_in("cy", "/admin/pages/") == "/admin/pages/"


def test_the_javascript_catalogue_speaks_welsh(client):
    response = client.get("/cy/jsi18n/")
    assert response.status_code == 200
    assert b"Fformatio" in response.content


def test_a_community_reads_in_the_readers_language_where_it_is_written(client):
    community = CommunityFactory(
        name="Housing Wales",
        slug="housing-wales",
        description="People working on housing.",
        translated_name="Tai Cymru",
        translated_description="Pobl sy'n gweithio ar dai.",
        guidelines="Be kind.",
    )
    welsh = client.get(f"/cy/c/{community.slug}/").content.decode()
    assert '<h1 class="govuk-heading-xl" lang="cy">Tai Cymru</h1>' in welsh
    assert "Pobl sy&#x27;n gweithio ar dai." in welsh
    # The guidelines exist only in English: shown in English, marked, and said so in Welsh.
    assert '<div class="govuk-body" lang="en-GB"><p>Be kind.</p></div>' in welsh
    assert "Dim ond ar gael yn Saesneg." in welsh
    english = client.get(f"/c/{community.slug}/").content.decode()
    assert '<h1 class="govuk-heading-xl" lang="en-GB">Housing Wales</h1>' in english
    assert "Only available in" not in english


def test_feeds_say_their_language(client):
    assert b"<language>cy</language>" in client.get("/cy/blog/feed.rss").content
    assert b"<language>en-gb</language>" in client.get("/blog/feed.rss").content


def test_a_post_says_the_language_it_is_written_in(client):
    from tests.factories import MembershipFactory, make_thread

    community = CommunityFactory()
    author = MembershipFactory(community=community).user
    thread = make_thread(community=community, author=author, title="Tai", body="Helo")
    assert thread.posts.get().language == "en-gb"  # the page's language by default
    client.force_login(author)
    client.post(
        f"/cy/c/{community.slug}/forum/t/{thread.pk}/reply/",
        {"body": "Diolch yn fawr", "language": "cy", "submission_key": "k1"},
    )
    reply = thread.posts.get(body="Diolch yn fawr")
    assert reply.language == "cy"
    page = client.get(f"/c/{community.slug}/forum/t/{thread.pk}/?lang=en-gb", follow=True)
    assert '<div class="copsite-prose" lang="cy"><p>Diolch yn fawr</p>' in page.content.decode()


def test_pictures_are_served_at_one_address_whatever_the_language(client):
    client.cookies[COOKIE] = "cy"
    response = client.get("/forums/images/1/picture.png")
    assert response.status_code != 302  # no redirect to /cy/ for every picture in a post
    assert languages.address_in("cy", "/blog/images/1/hero/x/") == "/blog/images/1/hero/x/"
