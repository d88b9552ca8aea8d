"""Times as people say them, and which night a moment belongs to.

Night D begins on the evening of calendar date D. A moment belongs to night
`(local wall time - day boundary).date()`: with the default boundary of 12:00, a cramp at 03:10
on 20 Nov belongs to night 19 Nov. Local wall time is used (not UTC) so that the night is the
one the person lived, wherever they were.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cramplog.errors import InputError

WHEN_FORMS = "now, 03:10, yesterday 23:40, 2h ago, 45m ago, or 2026-11-20 03:10"
DATE_FORMS = "YYYY-MM-DD, today, yesterday, 3 days ago, or a weekday such as mon"
FUTURE_SLACK = timedelta(minutes=2)  # a clock a minute fast should not reject "now"

_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def system_zone_name() -> str:
    """The IANA name of the machine's zone: TZ, else /etc/localtime's target, else UTC."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz and _valid_zone(tz):
        return tz
    localtime = Path("/etc/localtime")
    try:
        target = str(localtime.resolve())
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        name = target.split("zoneinfo/", 1)[1]
        if _valid_zone(name):
            return name
    try:
        name = Path("/etc/timezone").read_text().strip()
        if _valid_zone(name):
            return name
    except OSError:
        pass
    return "UTC"


def _valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def zone(name: str | None) -> ZoneInfo:
    return ZoneInfo(name or system_zone_name())


def now(tz: ZoneInfo) -> datetime:
    """The current moment in `tz`. CRAMPLOG_NOW pins it (tests, reproducible demos)."""
    pinned = os.environ.get("CRAMPLOG_NOW")
    if pinned:
        moment = datetime.fromisoformat(pinned)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=tz)
        return moment.astimezone(tz)
    return datetime.now(tz)


def parse_boundary(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def night_of(moment: datetime, boundary: time = time(12, 0)) -> date:
    """The night a moment belongs to, from its local wall-clock time."""
    wall = moment.replace(tzinfo=None)
    return (wall - timedelta(hours=boundary.hour, minutes=boundary.minute)).date()


def last_night(current: datetime, boundary: time = time(12, 0)) -> date:
    """The night a person means by "last night": at 07:00 on 20 Nov, and at 15:00, night 19 Nov."""
    return min(night_of(current, boundary), current.date() - timedelta(days=1))


def factor_day(current: datetime, boundary: time = time(12, 0)) -> date:
    """The day whose factors a person most likely means: yesterday in the morning, else today."""
    return night_of(current, boundary)


def _at(day: date, hh: int, mm: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=tz)


def _clock(text: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", text.strip().lower())
    if not m or (m.group(2) is None and m.group(3) is None):
        return None
    hh, mm = int(m.group(1)), int(m.group(2) or 0)
    if m.group(3):
        if not 1 <= hh <= 12:
            return None
        hh = hh % 12 + (12 if m.group(3) == "pm" else 0)
    if hh > 23 or mm > 59:
        return None
    return hh, mm


_AGO = re.compile(r"(?:(\d+(?:\.\d+)?)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*m(?:in(?:utes?)?)?)?\s+ago")


def parse_when(text: str, current: datetime, field: str = "--at") -> datetime:
    """A moment from a person's words, in `current`'s zone; never in the future."""
    raw = text.strip()
    low = raw.lower()
    tz = current.tzinfo
    assert isinstance(tz, ZoneInfo)
    result: datetime | None = None
    if low == "now":
        result = current
    elif (clock := _clock(low)) is not None:
        result = _at(current.date(), *clock, tz)
        if result > current + FUTURE_SLACK:
            result = _at(current.date() - timedelta(days=1), *clock, tz)
    elif m := re.fullmatch(r"(yesterday|today|last night)\s+(.+)", low):
        clock = _clock(m.group(2))
        if clock is not None:
            day = current.date() - timedelta(days=0 if m.group(1) == "today" else 1)
            if m.group(1) == "last night" and clock[0] < 12:
                day = current.date()  # "last night 03:00" said in the morning is this morning
            result = _at(day, *clock, tz)
    elif (m := _AGO.fullmatch(low)) and (m.group(1) or m.group(2)):
        hours = float(m.group(1) or 0)
        minutes = int(m.group(2) or 0)
        result = current - timedelta(hours=hours, minutes=minutes)
    else:
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            parsed = None
        if parsed is not None and (":" in raw):
            result = parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed.astimezone(tz)
    if result is None:
        raise InputError(field, f"cannot read {text!r} as a time", WHEN_FORMS)
    if result > current + FUTURE_SLACK:
        raise InputError(field, f"{text!r} is in the future", "a time up to now")
    return result


def parse_date(text: str, today: date, field: str = "--date") -> date:
    """A calendar date from a person's words; never in the future."""
    low = text.strip().lower()
    result: date | None = None
    if low == "today":
        result = today
    elif low in ("yesterday", "last night"):
        result = today - timedelta(days=1)
    elif m := re.fullmatch(r"(\d+)\s*days?\s+ago", low):
        result = today - timedelta(days=int(m.group(1)))
    elif low[:3] in _WEEKDAYS and low.isalpha() and len(low) >= 3:
        back = (today.weekday() - _WEEKDAYS.index(low[:3])) % 7
        result = today - timedelta(days=back)
    else:
        try:
            result = date.fromisoformat(low)
        except ValueError:
            result = None
    if result is None:
        raise InputError(field, f"cannot read {text!r} as a date", DATE_FORMS)
    if result > today:
        raise InputError(field, f"{result.isoformat()} is in the future", "a date up to today")
    return result


def friendly_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def iso_local(moment: datetime, tz_name: str) -> str:
    """ISO 8601 with the offset of the zone in force when the moment was logged."""
    return moment.astimezone(ZoneInfo(tz_name)).isoformat(timespec="minutes")
