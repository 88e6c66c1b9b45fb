import re
from io import BytesIO

import pytest
from allauth.account.models import EmailAddress
from PIL import Image

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import FORMER_MEMBER_NAME, User
from communities.models import Membership
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-Strong-passw0rd"


def _signup(client, email="new.person@leeds.gov.uk", password=PASSWORD):
    return client.post(
        reverse("account_signup"), {"email": email, "password1": password, "password2": password}
    )


def _confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


def test_signing_up_sends_a_verification_email_and_confirming_signs_you_in(client):
    response = _signup(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.person@leeds.gov.uk")
    assert not EmailAddress.objects.get(user=user).verified
    link = _confirmation_link(mail.outbox[0])
    response = client.post(link)
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(reverse("accounts:profile-edit")).status_code == 200


def test_an_unverified_account_cannot_sign_in_until_it_confirms(client):
    UserFactory(email="waiting@example.gov.uk", verified=False)
    EmailAddress.objects.create(
        user=User.objects.get(email="waiting@example.gov.uk"),
        email="waiting@example.gov.uk",
        verified=False,
        primary=True,
    )
    response = client.post(
        reverse("account_login"), {"login": "waiting@example.gov.uk", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")


def test_signing_up_with_a_taken_address_reveals_nothing_and_creates_nothing(client):
    UserFactory(email="taken@example.gov.uk")
    response = _signup(client, email="taken@example.gov.uk")
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email="taken@example.gov.uk").count() == 1
    # The owner of the address is told instead.
    assert mail.outbox and mail.outbox[0].to == ["taken@example.gov.uk"]


def test_a_weak_password_is_refused_and_the_address_is_kept(client):
    response = _signup(client, email="typed@example.gov.uk", password="password")
    html = response.content.decode()
    assert response.status_code == 200
    assert "typed@example.gov.uk" in html
    assert "too common" in html or "too short" in html
    assert "govuk-error-summary" in html
    assert not User.objects.filter(email="typed@example.gov.uk").exists()


def test_people_sign_in_with_their_email_address(client):
    UserFactory(email="sam@example.gov.uk")
    response = client.post(
        reverse("account_login"), {"login": "Sam@Example.gov.uk", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile-edit")).status_code == 200


def test_a_wrong_password_does_not_say_whether_the_account_exists(client):
    UserFactory(email="sam@example.gov.uk")
    wrong_password = client.post(
        reverse("account_login"), {"login": "sam@example.gov.uk", "password": "nope-nope-nope"}
    ).content.decode()
    no_account = client.post(
        reverse("account_login"), {"login": "nobody@example.gov.uk", "password": "nope-nope-nope"}
    ).content.decode()
    message = "The email address and/or password you specified are not correct."
    assert message in wrong_password and message in no_account


def test_password_reset_says_the_same_for_known_and_unknown_addresses(client):
    UserFactory(email="sam@example.gov.uk")
    known = client.post(reverse("account_reset_password"), {"email": "sam@example.gov.uk"})
    unknown = client.post(reverse("account_reset_password"), {"email": "who@example.gov.uk"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url


def test_repeated_failed_sign_ins_are_rate_limited(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    UserFactory(email="sam@example.gov.uk")
    pages = [
        client.post(
            reverse("account_login"), {"login": "sam@example.gov.uk", "password": "wrong-one-1"}
        ).content.decode()
        for _ in range(5)
    ]
    assert "Too many failed login attempts" not in pages[0]
    assert "Too many failed login attempts" in pages[-1]
    # Even the right password is refused while the limit holds.
    blocked = client.post(
        reverse("account_login"), {"login": "sam@example.gov.uk", "password": PASSWORD}
    )
    assert blocked.status_code == 200


def test_sign_ups_are_rate_limited(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"signup": "2/m/ip"}
    statuses = [_signup(client, email=f"p{i}@example.gov.uk").status_code for i in range(4)]
    assert statuses[-1] == 429


def _png_bytes(size=(400, 300)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_completing_a_profile_with_an_avatar_stores_a_square_png(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    person = UserFactory(display_name="")
    client.force_login(person)
    response = client.post(
        reverse("accounts:profile-edit"),
        {
            "display_name": "Sam Jones",
            "job_title": "Housing officer",
            "organisation": "Leeds City Council",
            "bio": "I fix damp.",
            "expertise": "housing, damp and mould",
            "avatar": SimpleUploadedFile("me.png", _png_bytes(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.profile_is_complete
    assert sorted(t.name for t in person.expertise.all()) == ["damp and mould", "housing"]
    with Image.open(person.avatar.path) as stored:
        assert stored.size == (256, 256) and stored.format == "PNG"


def test_a_file_that_is_not_a_picture_is_refused_and_the_rest_is_kept(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    person = UserFactory()
    client.force_login(person)
    response = client.post(
        reverse("accounts:profile-edit"),
        {
            "display_name": "Typed Name",
            "job_title": "Typed title",
            "organisation": "Org",
            "avatar": SimpleUploadedFile(
                "evil.png", b"<svg onload=alert(1)></svg>", content_type="image/png"
            ),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "not a picture we can read" in html
    assert "Typed Name" in html and "Typed title" in html
    person.refresh_from_db()
    assert not person.avatar


def test_profiles_never_show_email_addresses(client):
    person = UserFactory(email="private@example.gov.uk", display_name="Sam Jones")
    client.force_login(UserFactory())
    html = client.get(person.get_absolute_url()).content.decode()
    assert "Sam Jones" in html and "private@example.gov.uk" not in html


def test_a_profile_lists_only_communities_whose_members_the_viewer_may_see(client):
    person = UserFactory()
    MembershipFactory(user=person, community__name="Open one")
    MembershipFactory(user=person, community__name="Secret one", community__visibility="private")
    restricted = MembershipFactory(
        user=person, community__name="Whistleblowers", community__visibility="restricted"
    ).community
    viewer = UserFactory()
    client.force_login(viewer)
    html = client.get(person.get_absolute_url()).content.decode()
    assert "Open one" in html and "Secret one" not in html
    assert "Whistleblowers" not in html  # its member list is for its members
    MembershipFactory(user=viewer, community=restricted)
    assert "Whistleblowers" in client.get(person.get_absolute_url()).content.decode()


def test_deleting_an_account_keeps_content_as_former_member(client):
    person = UserFactory(display_name="Sam Jones")
    MembershipFactory(user=person)
    client.force_login(person)
    response = client.post(reverse("accounts:account-delete"), {"confirm": "DELETE"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.public_name == FORMER_MEMBER_NAME
    assert person.email is None and not person.is_active and not person.has_usable_password()
    assert not Membership.objects.filter(user=person).exists()
    assert not EmailAddress.objects.filter(user=person).exists()
    assert client.get(person.get_absolute_url()).status_code == 302  # signed out


def test_deleting_needs_the_confirmation_word(client):
    person = UserFactory()
    client.force_login(person)
    response = client.post(reverse("accounts:account-delete"), {"confirm": "yes"})
    assert "Type DELETE" in response.content.decode()
    person.refresh_from_db()
    assert person.is_active


def test_a_sole_owner_must_hand_over_before_deleting(client):
    owner = MembershipFactory(role="owner", community__name="Housing")
    client.force_login(owner.user)
    response = client.post(reverse("accounts:account-delete"), {"confirm": "DELETE"})
    assert "only owner of Housing" in response.content.decode()
    owner.user.refresh_from_db()
    assert owner.user.is_active


def test_facilitators_must_set_up_mfa_when_the_site_requires_it(client, settings):
    settings.COPSITE_REQUIRE_MFA_FOR_STAFF = True
    facilitator = MembershipFactory(role="facilitator").user
    client.force_login(facilitator)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    # Setting up MFA (after allauth's re-authentication) is reachable, not redirected again.
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.url.startswith(reverse("account_reauthenticate"))
    assert client.get(setup.url).status_code == 200
    member = MembershipFactory().user
    client.force_login(member)
    assert client.get(reverse("communities:directory")).status_code == 200


def test_sso_providers_are_switched_on_by_environment_and_count_emails_as_verified():
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "p = s.SOCIALACCOUNT_PROVIDERS; "
        "print(sorted(p), p['microsoft']['VERIFIED_EMAIL'], p['openid_connect']['VERIFIED_EMAIL'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "copsite.settings.test",
        "ENTRA_CLIENT_ID": "id",
        "ENTRA_CLIENT_SECRET": "secret",
        "OIDC_CLIENT_ID": "id",
        "OIDC_CLIENT_SECRET": "secret",
        "OIDC_SERVER_URL": "https://login.example/.well-known/openid-configuration",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True,
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert out.stdout.strip() == "['microsoft', 'openid_connect'] True True", out.stderr


@pytest.mark.parametrize("rows", [1, 12])
def test_the_profile_page_query_count_does_not_grow_with_communities(
    client, django_assert_max_num_queries, rows
):
    person = UserFactory()
    person.expertise.add("housing", "data")
    for _ in range(rows):
        MembershipFactory(user=person)
    client.force_login(UserFactory())
    with django_assert_max_num_queries(10):
        assert client.get(person.get_absolute_url()).status_code == 200
