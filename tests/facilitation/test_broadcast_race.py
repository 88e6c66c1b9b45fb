"""Announcements sent at the same moment (a double click, two facilitators) are counted from
the announcements recorded, under a lock on the community: a double click records and counts
one, and the day's limit cannot be passed by sending together. PostgreSQL only: SQLite has
one writer at a time, so nothing races there."""

import threading

import pytest

from django.db import connection

from communities.models import Role
from facilitation import broadcasts as facilitation
from facilitation.models import Broadcast
from tests.factories import CommunityFactory, MembershipFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _send_together(calls):
    """Run each call in its own thread (and database connection), all released at once."""
    start = threading.Barrier(len(calls))
    errors = []

    def run(call):
        try:
            start.wait()
            call()
        except Exception as error:  # noqa: BLE001  (collected and reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_a_double_click_records_one_announcement_and_uses_one_of_the_day(settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (CI's second run)")
    settings.COPSITE_BROADCASTS_PER_DAY = 2
    community = CommunityFactory()
    facilitator = MembershipFactory(community=community, role=Role.FACILITATOR).user
    MembershipFactory(community=community)

    def send(key, subject="Meet-up"):
        return lambda: facilitation.broadcast_create(
            actor=facilitator, community=community, subject=subject, body="Hi", submission_key=key
        )

    assert _send_together([send("click"), send("click")]) == []
    assert Broadcast.objects.filter(submission_key="click").count() == 1
    assert facilitation.broadcasts_sent_today(community) == 1

    errors = _send_together([send("one", "First"), send("two", "Second")])
    assert Broadcast.objects.count() == 2
    assert len(errors) == 1 and "announcements today" in str(errors[0])
