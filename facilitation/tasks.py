"""Celery tasks for facilitation (found by the Celery app's autodiscovery); beat runs
`send_facilitator_nudges` every hour (copsite/settings)."""

from datetime import datetime

from celery import shared_task

from . import emails as _emails  # noqa: F401  (registers the e-mail kinds)
from .nudges import facilitator_nudges_queue


# The name it had in notifications: messages queued before a deploy still find it.
@shared_task(name="notifications.facilitation_tasks.send_facilitator_nudges")
def send_facilitator_nudges(now: datetime | str | None = None) -> int:
    """Queue the nudge e-mail of every facilitator whose local nudge hour it is. Idempotent:
    a second run in the same hour queues nothing (one outbox key per person and local day)."""
    if isinstance(now, str):
        now = datetime.fromisoformat(now)
    return facilitator_nudges_queue(now)
