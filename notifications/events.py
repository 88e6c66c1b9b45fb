"""Recording and processing events. Apps register a handler per event kind in ready().

A handler receives the payload and creates notifications (and queues e-mails) through
`notifications.notify`. It runs inside the transaction that marks the event processed, so
an event's effects happen once even if its task runs twice or the sweep picks it up.
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from copsite.tasks import enqueue_after_commit

from .models import DomainEvent

logger = logging.getLogger(__name__)
Handler = Callable[[dict], None]
_handlers: dict[str, Handler] = {}


def event_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _handlers[kind] = handler
        return handler

    return register


def event_record(*, kind: str, key: str, payload: dict) -> DomainEvent:
    """Record that something happened; it is processed after the current transaction commits."""
    event, created = DomainEvent.objects.get_or_create(
        key=key, defaults={"kind": kind, "payload": payload}
    )
    if created:
        from .tasks import process_event

        enqueue_after_commit(process_event, event.pk)
    return event


def event_process(event_id: int) -> bool:
    """Run the event's handler once. Returns whether it ran now."""
    with transaction.atomic():
        event = (
            DomainEvent.objects.select_for_update()
            .filter(pk=event_id, processed_at__isnull=True)
            .first()
        )
        if event is None:
            return False
        handler = _handlers.get(event.kind)
        if handler is None:
            logger.error("No handler for event kind %s", event.kind)
        else:
            handler(event.payload)
        event.processed_at = timezone.now()
        event.save(update_fields=["processed_at"])
    return True


def unprocessed_event_ids(*, older_than_seconds: int = 60, limit: int = 1000) -> list[int]:
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        DomainEvent.objects.filter(processed_at__isnull=True, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
