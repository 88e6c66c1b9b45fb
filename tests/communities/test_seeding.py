import pytest

from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User
from communities.models import Community, Membership, Role

pytestmark = pytest.mark.django_db


def test_seed_builds_members_communities_and_owners_in_bulk():
    call_command("seed", members=200, communities=12, verbosity=0)
    assert User.objects.count() == 200
    assert Community.objects.count() == 12
    for community in Community.objects.all():
        assert community.collection_id is not None
        assert Membership.objects.filter(community=community, role=Role.OWNER).exists()
    assert Membership.objects.count() >= 200


def test_seeding_twice_adds_more_rather_than_failing():
    call_command("seed", members=20, communities=3, verbosity=0)
    call_command("seed", members=20, communities=3, verbosity=0)
    assert User.objects.count() == 40


def test_demo_content_is_for_development_only(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo")


def test_demo_content_loads_once_and_prints_the_sign_ins(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    out = capsys.readouterr().out
    assert "admin@example.com" in out and "copsite-demo-2026" in out
    assert User.objects.filter(email="admin@example.com", is_staff=True).count() == 1
    facilitator = User.objects.get(email="facilitator@example.gov.uk")
    assert Membership.objects.filter(user=facilitator, role=Role.OWNER).exists()


def test_the_demo_has_a_welsh_speaker_and_communities_written_in_welsh(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    assert "aelod@example.gov.uk" in capsys.readouterr().out
    speaker = User.objects.get(email="aelod@example.gov.uk")
    assert speaker.language == "cy"
    welsh = Community.objects.filter(language="cy")
    assert welsh.count() == 2
    assert Membership.objects.filter(user=speaker, community__in=welsh).count() == 2
    housing = welsh.get(slug="tai-cymru")
    assert housing.in_language("name", "en-gb").text == "Housing and Homelessness in Wales"
    assert housing.categories.filter(name="Cyffredinol").exists()
