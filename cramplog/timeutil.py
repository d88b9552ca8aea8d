"""Times as people say them, and which night a moment belongs to.

Night D begins on the evening of calendar date D. A moment belongs to night
`(local wall time - day boundary).date()`: with the default boundary of 12:00, a cramp at 03:10
on 20 Nov belongs to night 19 Nov. Local wall time is used (not UTC) so that the night is the
one the person lived, wherever they were.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cramplog.errors import InputError

WHEN_FORMS = "now, 03:10, yesterday 23:40, 2h ago, 45m ago, 20 Nov 03:10, or 2026-11-20 03:10"
DATE_FORMS = "YYYY-MM-DD, 20 Nov, Nov 20, today, yesterday, 3 days ago, or a weekday such as mon"
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


EARLIEST = date(1900, 1, 1)  # no diary entry, medicine or period begins before this
AHEAD_LIMIT = timedelta(days=366)  # nothing a person plans is more than a year ahead
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[a-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s*(?P<year>\d{4}))?"
# "20 Nov", "20th November 2025", "Nov 20", "November 20, 2025"
_WORD_DATES = [
    re.compile(rf"{_DAY}\s*(?:of\s+)?{_MONTH}{_YEAR}"),
    re.compile(rf"{_MONTH}\s*{_DAY}{_YEAR}"),
]
# "20/11", "20/11/2025", "20.11.25"; which part is the day needs the date_order setting
# unless only one reading is a date.
_NUMBER_DATE = re.compile(r"(\d{1,2})([/.])(\d{1,2})(?:\2(\d{2}|\d{4}))?")
_ORDER_WORDS = {"dmy": "day/month", "mdy": "month/day"}


_BEFORE_YEAR_ONE = date.min  # stands for "further back than any calendar", refused as too early


@dataclass(frozen=True)
class DateRules:
    """How one diary reads dates: the earliest it accepts, and the order of all-number dates.

    `earliest` is 1 Jan 1900, or 1 Jan of the person's birth year when the profile has one;
    `order` is the `date_order` setting ('' reads 20/11 but refuses 4/11 as ambiguous).
    """

    earliest: date = EARLIEST
    order: str = ""
    birth_year: int | None = None

    @classmethod
    def for_person(cls, birth_year: int | None, order: str = "") -> DateRules:
        if birth_year is not None and EARLIEST.year <= birth_year <= date.max.year:
            return cls(date(birth_year, 1, 1), order, birth_year)
        return cls(EARLIEST, order)

    def check(
        self, day: date, field: str, today: date, text: str | None = None, ahead: int = 0
    ) -> date:
        """Refuse a date before `earliest` or after today (+ `ahead` days, at most a year)."""
        latest = today + timedelta(days=min(ahead, AHEAD_LIMIT.days))
        upto = f"today ({today.isoformat()})" if latest == today else latest.isoformat()
        said = day.isoformat()
        if text and day == _BEFORE_YEAR_ONE:
            said = repr(text)  # "999999 days ago": further back than any calendar
        elif text and text.strip() != said:
            said = f"{text!r} ({said})"
        if day < self.earliest:
            why = (
                f"is before your birth year ({self.birth_year})"
                if self.birth_year is not None and day.year >= EARLIEST.year
                else f"is before {EARLIEST.year}"
            )
            raise InputError(
                field, f"{said} {why}", f"a date from {self.earliest.isoformat()} up to {upto}"
            )
        if day > latest:
            raise InputError(field, f"{said} is in the future", f"a date up to {upto}")
        return day


DEFAULT_RULES = DateRules()


class AmbiguousTime(InputError):
    """A wall-clock time that happened twice (the repeated hour when clocks go back).

    `first` and `second` are the two moments; the CLI asks which on a terminal, and takes
    --first / --second otherwise.
    """

    def __init__(self, field: str, first: datetime, second: datetime) -> None:
        self.first = first
        self.second = second
        wall = f"{first:%H:%M} on {friendly_date(first.date())}"
        super().__init__(
            field,
            f"{wall} happened twice in {first.tzinfo} (the clocks went back)",
            f"--first for {describe_moment(first)}, or --second for {describe_moment(second)}",
        )


def describe_moment(moment: datetime) -> str:
    """ "01:30 BST (+01:00)": a wall time with its zone's abbreviation and offset."""
    return f"{moment:%H:%M} {moment.tzname()} ({moment.isoformat(timespec='minutes')[-6:]})"


def localize(wall: datetime, tz: ZoneInfo, field: str, fold: int | None = None) -> datetime:
    """A naive wall-clock time as a moment in `tz`.

    A time that does not exist there (inside the spring-forward gap) is refused, naming the
    last valid minute before the gap and the first after; one that happened twice (the
    fall-back hour) needs `fold` (0 the first, 1 the second), else AmbiguousTime.
    """
    before = wall.replace(tzinfo=tz, fold=0)
    after = wall.replace(tzinfo=tz, fold=1)
    off0, off1 = before.utcoffset(), after.utcoffset()
    assert off0 is not None and off1 is not None
    if off0 == off1:
        return before
    if off0 > off1:  # the repeated hour
        if fold is None:
            raise AmbiguousTime(field, before, after)
        return after if fold else before
    # The gap: the clocks jumped from `start` to `end` (wall times) at one instant.
    low = (wall - off1).replace(tzinfo=UTC)
    high = (wall - off0).replace(tzinfo=UTC)
    while high - low > timedelta(minutes=1):  # the instant of the change, to the minute
        mid = low + (high - low) / 2
        if mid.astimezone(tz).utcoffset() == off0:
            low = mid
        else:
            high = mid
    change = high.replace(second=0, microsecond=0)
    start = (change + off0).replace(tzinfo=None)
    end = (change + off1).replace(tzinfo=None)
    valid_before = (start - timedelta(minutes=1)).replace(tzinfo=tz)
    valid_after = end.replace(tzinfo=tz)
    raise InputError(
        field,
        f"{wall:%H:%M} on {friendly_date(wall.date())} did not happen in {tz} "
        f"(the clocks went forward from {start:%H:%M} to {end:%H:%M})",
        f"{valid_before:%H:%M} or {valid_after:%H:%M}, the nearest times that did",
    )


def _at(day: date, hh: int, mm: int, tz: ZoneInfo, field: str, fold: int | None) -> datetime:
    return localize(datetime.combine(day, time(hh, mm)), tz, field, fold)


def _clock(text: str) -> tuple[int, int] | None:
    m = re.fullmatch(r"(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?", text.strip().lower())
    if not m or (m.group(2) is None and m.group(3) is None):
        return None
    hh, mm = int(m.group(1)), int(m.group(2) or 0)
    if m.group(3):
        if not 1 <= hh <= 12:
            return None
        hh = hh % 12 + (12 if m.group(3).startswith("p") else 0)
    if hh > 23 or mm > 59:
        return None
    return hh, mm


def _bare_hour(text: str) -> tuple[int, int] | None:
    """`--at 3`: the hour alone, as the whole of what was typed (03:00)."""
    if re.fullmatch(r"\d{1,2}", text) and int(text) <= 23:
        return int(text), 0
    return None


_AGO = re.compile(
    r"(?:(\d+(?:\.\d{1,6})?)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*m(?:in(?:utes?|s)?)?)?\s+ago"
)
_MAX_AGO_DIGITS = 8  # 8 digits of hours is over 10,000 years: refused as too far back, unread


def _back(current: datetime, delta: timedelta) -> datetime | None:
    """`current` minus a real duration (in UTC, so a DST change in between is counted)."""
    try:
        return (current.astimezone(UTC) - delta).astimezone(current.tzinfo)
    except OverflowError:
        return None


def parse_when(
    text: str,
    current: datetime,
    field: str = "--at",
    rules: DateRules = DEFAULT_RULES,
    fold: int | None = None,
) -> datetime:
    """A moment from a person's words, in `current`'s zone; never in the future.

    Wall-clock forms ("03:10", "20 Nov 03:10") that fall in a DST gap are refused, and those in
    the repeated hour need `fold` (see `localize`). Before `rules.earliest` is refused.
    """
    raw = text.strip()
    low = " ".join(raw.lower().split())
    tz = current.tzinfo
    assert isinstance(tz, ZoneInfo)
    result: datetime | None = None
    too_far_back = False
    if not low:
        raise InputError(field, "is empty", WHEN_FORMS)
    if low == "now":
        result = current
    elif (clock := _clock(low) or _bare_hour(low)) is not None:
        day = current.date()
        if datetime.combine(day, time(*clock)) > current.replace(tzinfo=None) + FUTURE_SLACK:
            day -= timedelta(days=1)  # later than now today: the last time it was that
        result = _at(day, *clock, tz, field, fold)
    elif m := re.fullmatch(r"last night\s+(.+)|(.+?)\s+last night", low):
        clock = _clock(m.group(1) or m.group(2))
        if clock is not None:
            # "last night 03:00" said in the morning is this morning
            day = current.date() - timedelta(days=0 if clock[0] < 12 else 1)
            result = _at(day, *clock, tz, field, fold)
    elif (m := _AGO.fullmatch(low)) and (m.group(1) or m.group(2)):
        hours, minutes = m.group(1) or "0", m.group(2) or "0"
        if max(len(hours.split(".")[0]), len(minutes)) > _MAX_AGO_DIGITS:
            too_far_back = True
        else:
            result = _back(current, timedelta(hours=float(hours), minutes=int(minutes)))
            too_far_back = result is None
    else:
        result = _iso_moment(raw, tz, field, fold)
        if result is None and (m := re.fullmatch(r"(.+?)\s*(?:,|\bat\b)?\s+(\S+)", low)):
            # "20 Nov 03:10", "yesterday 23:40", "Nov 20 at 3am", "20/11 03:10"
            clock = _clock(m.group(2))
            if clock is not None:
                day = _read_date(m.group(1), current.date(), rules, field)
                if day is not None:
                    rules.check(day, field, current.date(), m.group(1), AHEAD_LIMIT.days)
                    result = _at(day, *clock, tz, field, fold)
    if too_far_back or (result is not None and result.date() < rules.earliest):
        why = f"your birth year ({rules.birth_year})" if rules.birth_year else str(EARLIEST.year)
        raise InputError(
            field,
            f"{text!r} is before {why}",
            f"a time from {rules.earliest.isoformat()} up to now",
        )
    if result is None:
        raise InputError(field, f"cannot read {text!r} as a time", WHEN_FORMS)
    if result.astimezone(UTC) > current.astimezone(UTC) + FUTURE_SLACK:
        raise InputError(field, f"{text!r} is in the future", "a time up to now")
    return result


def _iso_moment(raw: str, tz: ZoneInfo, field: str, fold: int | None) -> datetime | None:
    """ "2026-11-20 03:10" (in `tz`) or "2026-11-20T03:10+01:00" (that instant)."""
    if ":" not in raw or not re.match(r"\d{4}-\d\d-\d\d", raw):
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        try:
            return parsed.astimezone(tz)
        except OverflowError:
            return datetime.min.replace(tzinfo=tz)  # year 1 with an offset: refused as too early
    if parsed.year < EARLIEST.year:
        return parsed.replace(tzinfo=tz)  # refused by the caller, before any arithmetic
    return localize(parsed, tz, field, fold)


def _days_before(today: date, count: str, unit_days: int) -> date | None:
    """`today` minus `count` days or weeks; None when that is before year 1."""
    if len(count) > 7:
        return None
    try:
        return today - timedelta(days=int(count) * unit_days)
    except OverflowError:
        return None


def _read_date(low: str, today: date, rules: DateRules, field: str) -> date | None:
    """A date from lower-case words, or None when the words are not a date.

    A day and month without a year is the most recent one up to today ("20 Nov" said in
    January is last November), as a clock time is the most recent past one.
    """
    if low == "today":
        return today
    if low in ("yesterday", "last night"):
        return today - timedelta(days=1)
    if m := re.fullmatch(r"(\d+)\s*(days?|weeks?)\s+ago", low):
        back = _days_before(today, m.group(1), 7 if m.group(2).startswith("w") else 1)
        return _BEFORE_YEAR_ONE if back is None else back
    if low.isalpha() and len(low) >= 3 and low[:3] in _WEEKDAYS and _is_weekday_word(low):
        back_days = (today.weekday() - _WEEKDAYS.index(low[:3])) % 7
        return today - timedelta(days=back_days)
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", low):
        year, month, day = (int(p) for p in low.split("-"))
        return _make_date(year, month, day, low, field, rules)
    for pattern in _WORD_DATES:
        if m := pattern.fullmatch(low):
            month = _MONTHS.get(m.group("month"))
            if month is None:
                return None
            return _day_month(int(m.group("day")), month, m.group("year"), today, low, field, rules)
    if m := _NUMBER_DATE.fullmatch(low):
        return _number_date(m, today, low, field, rules)
    try:
        return date.fromisoformat(low)  # the other ISO 8601 forms: 20261120, 2026-W47-1
    except ValueError:
        return None


def _is_weekday_word(low: str) -> bool:
    full = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    return low in _WEEKDAYS or low in full or low in ("tues", "thur", "thurs", "weds")


def _make_date(year: int, month: int, day: int, text: str, field: str, rules: DateRules) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InputError(field, f"{text!r} is not a date", DATE_FORMS) from None


def _day_month(
    day: int, month: int, year: str | None, today: date, text: str, field: str, rules: DateRules
) -> date:
    if year is not None:
        return _make_date(int(year), month, day, text, field, rules)
    if not 1 <= day <= 31:
        raise InputError(field, f"{text!r} is not a date", DATE_FORMS)
    # The most recent such date: this year's, or last year's when this year's is still ahead
    # (29 Feb: the most recent leap year's).
    for year_back in range(9):
        try:
            candidate = date(today.year - year_back, month, day)
        except ValueError:
            continue
        if candidate <= today:
            return candidate
    raise InputError(field, f"{text!r} is not a date", DATE_FORMS)


def _number_date(m: re.Match[str], today: date, text: str, field: str, rules: DateRules) -> date:
    a, b = int(m.group(1)), int(m.group(3))
    year = m.group(4)
    if year is not None and len(year) == 2:
        # "20/11/25": the latest year ending so that is not after this one
        full = today.year - (today.year - int(year)) % 100
        year = str(full)
    readings = {"dmy": (a, b), "mdy": (b, a)}
    if rules.order in readings:
        day, month = readings[rules.order]
        if not 1 <= month <= 12:
            raise InputError(
                field,
                f"{text!r} is not a date in {_ORDER_WORDS[rules.order]} order "
                "(the date_order setting)",
                DATE_FORMS,
            )
        return _day_month(day, month, year, today, text, field, rules)
    possible = {order for order, (d, mo) in readings.items() if 1 <= mo <= 12 and 1 <= d <= 31}
    if len(possible) == 2 and a != b:
        raise InputError(
            field,
            f"{text!r} could be {_short(a, b)} or {_short(b, a)}",
            "the month in words, such as 20 Nov or Nov 20, or YYYY-MM-DD; or set the order: "
            "cramplog config set date_order dmy (or mdy)",
        )
    if not possible:
        raise InputError(field, f"{text!r} is not a date", DATE_FORMS)
    day, month = readings["dmy" if "dmy" in possible else "mdy"]
    return _day_month(day, month, year, today, text, field, rules)


def _short(day: int, month: int) -> str:
    return f"{day} {date(2000, month, 1):%b}"


def parse_date(
    text: str,
    today: date,
    field: str = "--date",
    rules: DateRules = DEFAULT_RULES,
    *,
    ahead: int = 0,
) -> date:
    """A calendar date from a person's words, from `rules.earliest` to today (+ `ahead`).

    Accepts today, yesterday, 3 days ago, 2 weeks ago, a weekday, 2026-11-20, 20 Nov, Nov 20,
    20 November 2025, and all-number dates such as 20/11 where only one reading is a date (or
    the `date_order` setting says which). `ahead` days past today are accepted (for a date
    planned ahead), never more than a year, whatever `ahead` says.
    """
    low = " ".join(text.strip().lower().split())
    if not low:
        raise InputError(field, "is empty", DATE_FORMS)
    result = _read_date(low, today, rules, field)
    if result is None:
        raise InputError(field, f"cannot read {text!r} as a date", DATE_FORMS)
    return rules.check(result, field, today, text, ahead)


def friendly_date(day: date) -> str:
    """The one way a date reads to a person (cramplog.present.day), for messages made here."""
    from cramplog import present

    return present.day(day)


def iso_local(moment: datetime, tz_name: str) -> str:
    """ISO 8601 with the offset of the zone in force when the moment was logged."""
    return moment.astimezone(ZoneInfo(tz_name)).isoformat(timespec="minutes")
