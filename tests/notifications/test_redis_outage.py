"""With the real Redis stopped, posting still works; once Redis is back, the sweep delivers
the notification and its e-mail exactly once.

This stops and restarts the machine's Redis, so it runs only when COPSITE_TEST_REDIS_OUTAGE=1
(CI's PostgreSQL and Redis stage sets it).
"""

import os
import subprocess
import time

import pytest

from django.conf import settings
from django.core import mail
from django.urls import reverse

from copsite.celery import app
from forums.models import Post
from notifications.models import DomainEvent, Notification, OutboundEmail
from tests.factories import MembershipFactory, make_thread

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        os.environ.get("COPSITE_TEST_REDIS_OUTAGE") != "1",
        reason="stops the machine's Redis: set COPSITE_TEST_REDIS_OUTAGE=1 (CI does)",
    ),
]
PORT = 6379


def _redis_up() -> bool:
    result = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", str(PORT), "ping"], capture_output=True, text=True
    )
    return result.stdout.strip() == "PONG"


def _stop_redis() -> None:
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(PORT), "shutdown", "nosave"])
    deadline = time.monotonic() + 10
    while _redis_up() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _redis_up(), "Redis did not stop"


def _start_redis() -> None:
    if not _redis_up():
        subprocess.run(
            ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", str(PORT),
             "--save", "", "--appendonly", "no"],
            check=True,
        )  # fmt: skip
    deadline = time.monotonic() + 15
    while not _redis_up() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _redis_up(), "Redis did not start again"


def _wait_for(predicate, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


@pytest.fixture
def redis_outage():
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    assert _redis_up(), "Redis must be running before the outage test"
    try:
        yield
    finally:
        _start_redis()
        app.conf.task_always_eager = True


def test_posting_works_while_redis_is_down_and_the_work_is_delivered_once_it_is_back(
    client, redis_outage, settings
):
    """The worker starts only after Redis is back; the sweeps deliver what was left."""
    settings.COPSITE_POSTS_PER_MINUTE = 100
    thread = make_thread(title="Outage thread")
    replier = MembershipFactory(community=thread.community).user
    client.force_login(replier)

    app.conf.task_always_eager = False  # queue through the (stopped) broker, as in production
    _stop_redis()
    started = time.monotonic()
    response = client.post(
        reverse("forums:reply", args=[thread.community.slug, thread.pk]),
        {"body": "Posted while Redis was down", "submission_key": "outage-1", "action": "post"},
    )
    assert response.status_code == 302
    assert time.monotonic() - started < 20, "posting must not hang while the broker is down"
    post = Post.objects.get(body="Posted while Redis was down")
    event = DomainEvent.objects.get(key=f"forum-post-{post.pk}")
    assert event.processed_at is None

    _start_redis()
    from celery.contrib.testing.worker import start_worker

    from notifications.tasks import deliver_pending_emails, process_pending_events

    DomainEvent.objects.update(created_at="2000-01-01T00:00:00Z")
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            process_pending_events.delay()
            assert _wait_for(lambda: DomainEvent.objects.get(pk=event.pk).processed_at is not None)
            notification = Notification.objects.get(recipient=thread.author)
            assert _wait_for(lambda: OutboundEmail.objects.filter(kind="notification").exists())
            # Whether the e-mail went straight away or waits for the sweep, it goes once.
            OutboundEmail.objects.filter(status="pending").update(created_at="2000-01-01T00:00:00Z")
            deliver_pending_emails.delay()
            assert _wait_for(
                lambda: OutboundEmail.objects.filter(kind="notification", status="sent").exists()
            )
            process_pending_events.delay()
            deliver_pending_emails.delay()
            time.sleep(2)
    finally:
        app.conf.task_always_eager = True
    sent = [m for m in mail.outbox if m.to == [thread.author.email]]
    assert len(sent) == 1 and notification.kind == "reply"
