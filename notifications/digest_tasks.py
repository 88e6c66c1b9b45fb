"""Celery tasks for digests. Import this module from notifications.tasks so workers find it.

Tasks take ids and an ISO timestamp, and call `notifications.digests`; sending is at most
once per person and period however often a task runs (see that module).
"""

from datetime import datetime

from celery import shared_task

from . import digests


@shared_task
def send_due_digests(now: str | None = None) -> int:
    """Hourly (beat): queue a batch task for every BATCH_SIZE people whose digest is due."""
    return digests.digests_send_due(datetime.fromisoformat(now) if now else None)


@shared_task(acks_late=True)
def send_digest_batch(period: str, user_ids: list[int], now: str) -> int:
    """Claim, build and send one batch. Returns how many digests went out."""
    return digests.digest_batch_send(period, user_ids, datetime.fromisoformat(now)).sent


@shared_task
def prune_digest_runs() -> int:
    """Daily (beat): forget runs older than any digest window."""
    return digests.digest_runs_prune()
