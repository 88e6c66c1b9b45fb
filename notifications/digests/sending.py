"""Sending a batch: claim each person's run, build every section once for the batch,
compose and send the digests, and record which were sent, empty or failed
(`digest_batch_send`, see the package docstring)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from django.core.mail import get_connection
from django.db import connection
from django.utils import timezone, translation

from accounts.models import User

from ..languages import email_language
from ..models import DigestRun
from .batch import batch_load, settings_of
from .compose import attach_html, digest_compose, digest_message
from .periods import period_start_for
from .runs import runs_claim, window_starts
from .sections import digest_sections

# The name this has always logged under (it was `notifications.digests`' own logger).
logger = logging.getLogger("notifications.digests")


def _record_sent(runs: list[tuple[int, int]], sent_at: datetime) -> None:
    """Mark runs sent with their item counts: one UPDATE for the batch. (`bulk_update` builds
    the same CASE; resolving its ORM expressions cost as much as sending the batch's e-mails
    in the benchmark.)"""
    if not runs:
        return
    quote = connection.ops.quote_name
    field = DigestRun._meta.get_field
    pk, sent_field = quote(DigestRun._meta.pk.column), field("sent_at")
    cases = " ".join(["WHEN %s THEN CAST(%s AS INTEGER)"] * len(runs))
    sql = (
        f"UPDATE {quote(DigestRun._meta.db_table)} "  # noqa: S608 - names from the model
        f"SET {quote(field('status').column)} = %s, {quote(sent_field.column)} = %s, "
        f"{quote(field('item_count').column)} = CASE {pk} {cases} END "
        f"WHERE {pk} IN ({', '.join(['%s'] * len(runs))})"
    )
    params = [DigestRun.Status.SENT, sent_field.get_db_prep_value(sent_at, connection)]
    params += [value for run in runs for value in run]
    params += [run_id for run_id, _ in runs]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@dataclass
class BatchResult:
    sent: int = 0
    empty: int = 0
    failed: int = 0
    skipped: int = 0  # someone else had the run, or the person cannot get e-mail


def digest_batch_send(period: str, user_ids: Iterable[int], now: datetime) -> BatchResult:
    """Claim, build and send the `period` digests planned for `now` for these people, each
    at most once (see the package docstring). The query count depends on the batch, not on
    how many people are in it."""
    user_ids = list(user_ids)
    users = list(
        User.objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .select_related("email_settings")
        .order_by("pk")
    )
    result = BatchResult(skipped=len(user_ids) - len(users))
    if not users:
        return result
    email_settings = {user.pk: settings_of(user) for user in users}
    since = window_starts(period, [user.pk for user in users], now)
    claimed = runs_claim(
        period,
        [(u.pk, period_start_for(email_settings[u.pk], now), since[u.pk]) for u in users],
        now,
    )
    result.skipped += len(users) - len(claimed)
    users = [user for user in users if user.pk in claimed]
    if not users:
        return result
    users = sorted(users, key=lambda user: (email_language(user), user.pk))
    digests: list = []
    messages: dict = {}
    try:
        # Each language's readers are one batch built in their language: titles, bylines,
        # counts and every link (`reverse` adds /cy/) are then written as they will be read.
        for language, readers in groupby(users, key=email_language):
            readers = list(readers)
            with translation.override(language):
                batch = batch_load(period, readers, since, email_settings, now)
                built = {section.key: section.builder(batch) for section in digest_sections()}
                composed = [digest_compose(batch, user, built) for user in readers]
                rendered: dict = {}
                messages.update(
                    {
                        digest.user.pk: digest_message(
                            digest, email_settings[digest.user.pk], html=False, rendered=rendered
                        )
                        for digest in composed
                        if digest is not None
                    }
                )
            digests.extend(composed)
        attach_html(list(messages.values()))
    except Exception:
        logger.exception("Building %s digests failed; these runs will not be retried", period)
        DigestRun.objects.filter(pk__in=claimed.values()).update(status=DigestRun.Status.FAILED)
        raise
    empty = [claimed[u.pk] for u, digest in zip(users, digests, strict=True) if digest is None]
    DigestRun.objects.filter(pk__in=empty).update(status=DigestRun.Status.EMPTY)
    to_send = [digest for digest in digests if digest is not None]
    sent_at = timezone.now()
    sent: list[tuple[int, int]] = []
    try:
        with get_connection() as mail_connection:
            for digest in to_send:
                user_id = digest.user.pk
                try:
                    mail_connection.send_messages([messages[user_id]])
                except Exception:
                    logger.exception("Sending the %s digest to user %s failed", period, user_id)
                    mail_connection.close()  # the next send opens a fresh connection
                    continue
                sent.append((claimed[user_id], digest.item_count))
    finally:
        # Whatever did not go out (a refused message, or no mail server at all) is `failed`.
        done = {run_id for run_id, _ in sent}
        failed = [claimed[d.user.pk] for d in to_send if claimed[d.user.pk] not in done]
        if failed:
            DigestRun.objects.filter(pk__in=failed).update(status=DigestRun.Status.FAILED)
        _record_sent(sent, sent_at)
    result.sent, result.empty, result.failed = len(sent), len(empty), len(failed)
    return result
