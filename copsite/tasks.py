"""Queueing background work so that a write never depends on the broker being up."""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_after_commit(task, *args) -> None:
    """Queue `task.delay(*args)` once the current transaction commits.

    If the broker is unreachable the write still succeeds: the work is left for the
    periodic sweep that picks up anything not yet delivered (see notifications.tasks).
    """

    def send() -> None:
        try:
            task.delay(*args)
        except Exception:  # broker down: kombu raises OperationalError and friends
            logger.warning("Could not queue %s%s; the sweep will deliver it", task.name, args)

    transaction.on_commit(send)
