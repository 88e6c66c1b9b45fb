from celery import shared_task

from . import services


@shared_task(acks_late=True)
def deliver_email(email_id: int) -> bool:
    return services.email_deliver(email_id)


@shared_task
def deliver_pending_emails() -> int:
    """The sweep: sends what was queued while the broker was down, or failed and may retry."""
    return sum(services.email_deliver(email_id) for email_id in services.pending_email_ids())
