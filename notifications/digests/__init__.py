"""Digest e-mails: what is new for one member since their last digest, daily or weekly.

Sections. Apps register a section with `register_digest_section(key, builder, order, ...)`.
A builder takes a `DigestBatch` (up to BATCH_SIZE people, each with their time window and
the communities they follow for this digest, read when the batch runs) and returns, per
person, their items best first. It makes one query for the whole batch and filters per
person in Python (`items_per_user`), so a batch of 500 costs the queries a batch of 5 does
(Zulip's digest works the same way). The "For you" section below is this app's own.

Which communities. A person's digest covers the communities they belong to whose
`CommunityEmailSetting` (default daily) matches the digest: daily, or weekly. "Straight
away" rides the daily digest (no per-post e-mail exists, so choosing it never means hearing
less); "never" is left out. Memberships are read when the batch runs, so someone removed
from a community after something happened there hears nothing about it.

Due. `digests_send_due(now)` runs hourly from beat. A person is due when, in their time
zone, it is their digest hour or up to CATCH_UP_HOURS - 1 hours after it (so a beat or
broker outage of an hour or two delays digests instead of dropping them; the catch-up never
crosses local midnight), on their weekly day for weekly digests, and they have no run for
that local date yet. Due people are sent in batches of BATCH_SIZE, each its own task,
queued after commit.

Once. `digest_batch_send` inserts a `DigestRun` (status `sending`) per person and period
before building or sending anything, with one `INSERT ... ON CONFLICT DO NOTHING RETURNING`
for the whole batch: the unique (user, period, period_start) constraint decides who sends,
exactly as get_or_create would, and that statement is committed before sending. A rerun, a
second worker or a retried task finds the rows taken and sends nothing. At most once, like
the outbox: a run left in `sending` by a crash is never resent (it may have gone out); what
it covered is not lost, because the next window starts where that run's did.

Windows. A run covers (covers_from, created_at]; created_at is the moment the digest was
planned for (`now`). covers_from is the created_at of the person's last `sent` or `empty`
run of the same period, or, if a later run never finished (left `sending` by a crash, or
`failed`), that run's covers_from, so what it covered comes again rather than never; at most
MAX_WINDOW back. A first digest looks back one period.

Modules: `periods` (daily, weekly and the clock), `sections` (the registry and what builders
return), `describers` (bulk target describers), `batch` (the batch context), `due` (who is
due, queueing, pruning), `runs` (windows and claiming), `for_you` (this app's section),
`compose` (the digest and its e-mail) and `sending` (`digest_batch_send`). This package
re-exports what other apps and tasks use, so `notifications.digests.register_digest_section`
and `digests.digest_batch_send` keep working.
"""

from .batch import BATCH_SIZE, DigestBatch, items_per_user
from .describers import Described, bulk_target_describer, views_per_community
from .due import digest_due_user_ids, digest_runs_prune, digests_send_due
from .for_you import public_name
from .periods import CATCH_UP_HOURS, DAILY, PERIODS, WEEKLY, zone_for
from .sections import Candidate, DigestItem, deferred, lazy_excerpt, register_digest_section
from .sending import BatchResult, digest_batch_send

__all__ = [
    "BATCH_SIZE",
    "CATCH_UP_HOURS",
    "DAILY",
    "PERIODS",
    "WEEKLY",
    "BatchResult",
    "Candidate",
    "Described",
    "DigestBatch",
    "DigestItem",
    "bulk_target_describer",
    "deferred",
    "digest_batch_send",
    "digest_due_user_ids",
    "digest_runs_prune",
    "digests_send_due",
    "items_per_user",
    "lazy_excerpt",
    "public_name",
    "register_digest_section",
    "views_per_community",
    "zone_for",
]
