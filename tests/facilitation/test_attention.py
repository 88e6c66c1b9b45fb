"""The "needs attention" registry: who registers what, and a new app's provider reaching the
facilitation page, the daily e-mail and the nudge counts without a change to facilitation."""

from datetime import timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from django.core import mail
from django.db import connection
from django.template import Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, Role
from facilitation.attention import Attention, AttentionProvider, attention_providers
from facilitation.nudges import community_nudges, nudges_for
from facilitation.tasks import send_facilitator_nudges
from facilitation.welcomes import welcome_writers
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_each_app_registers_its_providers_in_the_order_the_page_shows_them():
    assert [provider.key for provider in attention_providers] == [
        "unanswered-threads",  # forums
        "join-requests",  # facilitation, on the communities app's data
        "new-members",  # facilitation: its own Welcome record
        "reported-posts",  # forums
        "gone-quiet",  # forums
    ]
    assert [writer.key for writer in welcome_writers] == ["forum-welcome-thread"]


def test_no_two_providers_set_the_same_field():
    seen: dict[str, str] = {}
    for provider in attention_providers:
        for name in provider.empty:
            assert name not in seen, f"{provider.key} and {seen[name]} both set {name}"
            seen[name] = provider.key


def _wiki_reviews(communities, now):
    """A provider as a later app would write it: one query for every community."""
    ids = list(communities.filter(name__startswith="Wiki").values_list("pk", flat=True))
    return {pk: Attention(count=2, fields={"reviews_due": 2}) for pk in ids}


@pytest.fixture
def wiki_provider():
    provider = attention_providers.register(
        AttentionProvider(
            key="wiki-reviews",
            order=45,
            collect=_wiki_reviews,
            empty={"reviews_due": 0},
            page_template=Template("<h3>Wiki pages to review ({{ item.reviews_due }})</h3>"),
            email_template=Template("<li>{{ item.reviews_due }} wiki pages to review</li>"),
            text_template=Template("* {{ item.reviews_due }} wiki pages to review\n"),
        )
    )
    yield provider
    attention_providers.unregister(provider.key)


@pytest.fixture
def wiki():
    community = CommunityFactory(name="Wiki gardeners")
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    return SimpleNamespace(community=community, facilitator=facilitator)


def test_a_registered_provider_shows_on_the_page_and_counts(client, wiki, wiki_provider):
    (found,) = nudges_for(wiki.facilitator)
    assert found.reviews_due == 2 and found.item_count == 2 and found.has_something
    assert found.waiting == [wiki_provider]
    client.force_login(wiki.facilitator)
    page = client.get(reverse("facilitation:facilitate")).content.decode()
    assert "Wiki pages to review (2)" in page


def test_a_registered_provider_goes_into_the_daily_email(
    wiki, wiki_provider, django_capture_on_commit_callbacks
):
    now = timezone.now().astimezone(ZoneInfo("Europe/London")).replace(hour=7, minute=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_facilitator_nudges(now) == 1
    (message,) = mail.outbox
    assert message.subject == "2 things to look at in Wiki gardeners"
    assert "* 2 wiki pages to review" in message.body
    assert "<li>2 wiki pages to review</li>" in message.alternatives[0][0]


def test_a_provider_that_found_nothing_leaves_its_empty_fields(wiki):
    (found,) = nudges_for(wiki.facilitator)
    assert found.unanswered == [] and found.requests_total == 0 and found.quiet_since is None
    assert found.waiting == [] and not found.has_something
    with pytest.raises(AttributeError):
        found.no_such_field  # noqa: B018


def test_the_nudges_cost_one_query_for_the_communities_and_one_per_provider():
    def count(communities: int) -> int:
        for _ in range(communities):
            community = CommunityFactory(created_at=timezone.now() - timedelta(days=60))
            MembershipFactory(community=community)
        with CaptureQueriesContext(connection) as queries:
            community_nudges(Community.objects.all())
        return len(queries)

    assert count(1) == count(5) == 1 + len(list(attention_providers))
