"""Claiming runs: where each person's window starts (`window_starts`), and the one INSERT
that claims a `sending` run per person and period, so each digest goes out at most once
(`runs_claim`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.db import connection, transaction

from ..models import DigestRun
from .periods import MAX_WINDOW, PERIOD_LENGTH


def window_starts(period: str, user_ids: list[int], now: datetime) -> dict[int, datetime]:
    """Where each person's window starts: the end of their last `sent` or `empty` run, or the
    start of a later run that never finished (crashed or failed: what it covered may not have
    arrived, so it comes again), at most MAX_WINDOW back; one period back for a first digest.
    """
    earliest = now - MAX_WINDOW[period]
    done_statuses = {DigestRun.Status.SENT, DigestRun.Status.EMPTY}
    runs: dict[int, list[tuple[str, datetime, datetime]]] = defaultdict(list)
    for user_id, status, created_at, covers_from in DigestRun.objects.filter(
        user_id__in=user_ids, period=period, created_at__gte=earliest, created_at__lt=now
    ).values_list("user_id", "status", "created_at", "covers_from"):
        runs[user_id].append((status, created_at, covers_from))
    starts = {}
    for user_id in user_ids:
        mine = runs.get(user_id, [])
        done = max((ended for status, ended, _ in mine if status in done_statuses), default=None)
        unfinished = [
            began
            for status, ended, began in mine
            if status not in done_statuses and (done is None or ended > done)
        ]
        start = min(unfinished) if unfinished else done or now - PERIOD_LENGTH[period]
        starts[user_id] = max(start, earliest)
    return starts


def runs_claim(
    period: str, rows: list[tuple[int, date, datetime]], now: datetime
) -> dict[int, int]:
    """Insert a `sending` run for each (user id, period_start, covers_from) unless one exists.
    Returns {user id: run id} for the rows this call inserted: those are ours to send.

    One statement; the unique constraint arbitrates between concurrent callers. Run it
    outside a transaction (as tasks do) so the claim is committed before anything is sent.
    """
    if not rows:
        return {}
    names = ("user", "period", "period_start", "covers_from", "status", "item_count", "created_at")
    fields = [DigestRun._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    params: list = []
    for user_id, period_start, covers_from in rows:
        values = (user_id, period, period_start, covers_from, DigestRun.Status.SENDING, 0, now)
        params.extend(
            f.get_db_prep_value(v, connection) for f, v in zip(fields, values, strict=True)
        )
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {quote(DigestRun._meta.db_table)} "  # noqa: S608 - names from the model
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES {', '.join([placeholders] * len(rows))} "
        f"ON CONFLICT DO NOTHING RETURNING {quote(DigestRun._meta.pk.column)}, "
        f"{quote(fields[0].column)}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {user_id: run_id for run_id, user_id in cursor.fetchall()}
