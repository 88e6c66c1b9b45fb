"""The two digest periods, daily and weekly, and the clock they run on: how far back a
window may reach, how late a digest may catch up, and each person's time zone and day."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..models import Delivery, EmailSettings

DAILY = Delivery.DAILY.value
WEEKLY = Delivery.WEEKLY.value
PERIODS = (DAILY, WEEKLY)
PERIOD_LENGTH = {DAILY: timedelta(days=1), WEEKLY: timedelta(days=7)}
MAX_WINDOW = {DAILY: timedelta(days=7), WEEKLY: timedelta(days=28)}
CATCH_UP_HOURS = 3

DEFAULT_TIME_ZONE = EmailSettings._meta.get_field("time_zone").default
DEFAULT_HOUR = EmailSettings._meta.get_field("digest_hour").default
DEFAULT_WEEKDAY = EmailSettings._meta.get_field("weekly_digest_day").default


def zone_for(name: str) -> ZoneInfo:
    """The person's time zone, or the default one if theirs is empty or unknown."""
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def period_start_for(email_settings: EmailSettings, now: datetime) -> date:
    """The person's local date: one digest of each period per local day at most."""
    return now.astimezone(zone_for(email_settings.time_zone)).date()
