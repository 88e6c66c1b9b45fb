"""Background work through a real Redis broker and a real Celery worker (CI's PostgreSQL run)."""

import time

import pytest

from django.conf import settings
from django.core import mail

from communities.services import membership_request_approve
from copsite.celery import app
from notifications.models import OutboundEmail
from tests.factories import MembershipFactory, MembershipRequestFactory

pytestmark = [
    pytest.mark.celery_worker,
    # serialized_rollback keeps the migrated Wagtail site and pages for the tests after this one.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def real_worker():
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: run with `make test-postgres`")
    from celery.contrib.testing.worker import start_worker

    app.conf.task_always_eager = False
    app.conf.broker_url = settings.REDIS_URL
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield app
    finally:
        app.conf.task_always_eager = True


def _wait_for(predicate, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_real_worker_sends_the_decision_email_once(real_worker):
    request = MembershipRequestFactory()
    owner = MembershipFactory(community=request.community, role="owner").user
    membership_request_approve(actor=owner, request_id=request.pk)
    email = OutboundEmail.objects.get()
    assert _wait_for(
        lambda: OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.SENT
    )
    # Queue the same delivery again, as a retry would: nothing more is sent.
    from notifications.tasks import deliver_email

    deliver_email.delay(email.pk)
    deliver_email.delay(email.pk)
    time.sleep(2)
    assert len([m for m in mail.outbox if m.to == [request.user.email]]) == 1
