from celery import shared_task

from . import events, services
from .digest_tasks import prune_digest_runs, send_due_digests  # noqa: F401  (registers them)
from .maintenance import notifications_prune


@shared_task(acks_late=True)
def deliver_email(email_id: int) -> bool:
    return services.email_deliver(email_id)


@shared_task(acks_late=True)
def deliver_email_group(group_key: str) -> int:
    """Send a group queued together (an announcement); each row is still claimed once."""
    return sum(services.email_deliver(pk) for pk in services.group_pending_email_ids(group_key))


@shared_task
def deliver_pending_emails() -> int:
    """The sweep: sends what was queued while the broker was down, or failed and may retry."""
    return sum(services.email_deliver(email_id) for email_id in services.pending_email_ids())


@shared_task(acks_late=True)
def process_event(event_id: int) -> bool:
    return events.event_process(event_id)


@shared_task
def process_pending_events() -> int:
    """The sweep for events recorded while the broker was down."""
    return sum(events.event_process(event_id) for event_id in events.unprocessed_event_ids())


@shared_task
def prune_notifications() -> int:
    return notifications_prune()
