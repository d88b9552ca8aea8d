"""Night assignment and people's words for times and dates."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cramplog.errors import InputError
from cramplog.timeutil import (
    AmbiguousTime,
    DateRules,
    factor_day,
    last_night,
    night_of,
    parse_date,
    parse_when,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=LONDON)  # a Monday morning


def test_a_cramp_at_0310_on_20_nov_belongs_to_night_19_nov() -> None:
    assert night_of(datetime(2026, 11, 20, 3, 10, tzinfo=LONDON)) == date(2026, 11, 19)


@pytest.mark.parametrize(
    ("clock", "night"),
    [
        ("11:59", date(2026, 11, 19)),
        ("12:00", date(2026, 11, 20)),
        ("23:40", date(2026, 11, 20)),
        ("00:00", date(2026, 11, 19)),
    ],
)
def test_noon_is_the_default_boundary(clock: str, night: date) -> None:
    hh, mm = map(int, clock.split(":"))
    assert night_of(datetime(2026, 11, 20, hh, mm, tzinfo=LONDON)) == night


def test_the_boundary_is_a_setting() -> None:
    moment = datetime(2026, 11, 20, 9, 30, tzinfo=LONDON)
    assert night_of(moment, time(12, 0)) == date(2026, 11, 19)
    assert night_of(moment, time(9, 0)) == date(2026, 11, 20)


def test_daylight_saving_change_does_not_move_a_night() -> None:
    # Clocks went back at 02:00 on 25 Oct 2026 in London: 01:30 happens twice, both night 24 Oct.
    first = datetime(2026, 10, 25, 1, 30, fold=0, tzinfo=LONDON)
    second = datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON)
    assert night_of(first) == night_of(second) == date(2026, 10, 24)


def test_night_uses_the_local_wall_clock_of_the_zone_logged_in() -> None:
    instant = datetime(2026, 11, 20, 11, 0, tzinfo=ZoneInfo("UTC"))
    assert night_of(instant.astimezone(LONDON)) == date(2026, 11, 19)  # 11:00 in London
    assert night_of(instant.astimezone(ZoneInfo("Asia/Tokyo"))) == date(2026, 11, 20)  # 20:00


def test_last_night_and_factor_day() -> None:
    assert last_night(NOW) == date(2026, 11, 22)
    assert last_night(NOW.replace(hour=15)) == date(2026, 11, 22)
    assert factor_day(NOW) == date(2026, 11, 22)
    assert factor_day(NOW.replace(hour=20)) == date(2026, 11, 23)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", datetime(2026, 11, 23, 8, 0)),
        ("03:10", datetime(2026, 11, 23, 3, 10)),
        ("9:30", datetime(2026, 11, 22, 9, 30)),  # later than now today: yesterday's
        ("3am", datetime(2026, 11, 23, 3, 0)),
        ("11:15pm", datetime(2026, 11, 22, 23, 15)),
        ("yesterday 23:40", datetime(2026, 11, 22, 23, 40)),
        ("today 02:05", datetime(2026, 11, 23, 2, 5)),
        ("2h ago", datetime(2026, 11, 23, 6, 0)),
        ("45m ago", datetime(2026, 11, 23, 7, 15)),
        ("1h30m ago", datetime(2026, 11, 23, 6, 30)),
        ("2026-11-20 03:10", datetime(2026, 11, 20, 3, 10)),
        ("2026-11-20T03:10", datetime(2026, 11, 20, 3, 10)),
        ("3", datetime(2026, 11, 23, 3, 0)),  # the hour alone, as all of --at
        ("23", datetime(2026, 11, 22, 23, 0)),
        ("3:10am last night", datetime(2026, 11, 23, 3, 10)),
        ("last night 3:10am", datetime(2026, 11, 23, 3, 10)),
        ("11pm last night", datetime(2026, 11, 22, 23, 0)),
    ],
)
def test_parse_when(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW) == expected.replace(tzinfo=LONDON)


def test_parse_when_keeps_an_explicit_offset_as_the_same_instant() -> None:
    parsed = parse_when("2026-11-20T03:10+01:00", NOW)
    assert parsed == datetime(2026, 11, 20, 2, 10, tzinfo=LONDON)


@pytest.mark.parametrize(
    "text", ["tomorrow", "25:00", "2026-11-20", "soon", "", "13pm", "24", "03:10 last week"]
)
def test_parse_when_rejects_what_it_cannot_read(text: str) -> None:
    with pytest.raises(InputError) as err:
        parse_when(text, NOW)
    assert err.value.field == "--at"
    assert "03:10" in str(err.value)  # says what to type instead


def test_parse_when_rejects_the_future() -> None:
    with pytest.raises(InputError, match="in the future"):
        parse_when("2026-11-24 03:00", NOW)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", date(2026, 11, 23)),
        ("yesterday", date(2026, 11, 22)),
        ("3 days ago", date(2026, 11, 20)),
        ("2026-11-19", date(2026, 11, 19)),
        ("mon", date(2026, 11, 23)),
        ("sunday", date(2026, 11, 22)),
        ("fri", date(2026, 11, 20)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text, NOW.date()) == expected


@pytest.mark.parametrize("text", ["2026-11-24", "2026-13-01", "someday"])
def test_parse_date_rejects(text: str) -> None:
    with pytest.raises(InputError):
        parse_date(text, NOW.date())


@given(minutes_back=st.integers(min_value=0, max_value=60 * 24 * 400))
def test_iso_times_round_trip(minutes_back: int) -> None:
    moment = (NOW - timedelta(minutes=minutes_back)).astimezone(LONDON)
    text = moment.strftime("%Y-%m-%d %H:%M")
    parsed = parse_when(text, NOW)
    assert parsed.strftime("%Y-%m-%d %H:%M") == text


@given(hh=st.integers(0, 23), mm=st.integers(0, 59))
def test_a_clock_time_is_the_most_recent_past_one(hh: int, mm: int) -> None:
    parsed = parse_when(f"{hh:02d}:{mm:02d}", NOW)
    assert (parsed.hour, parsed.minute) == (hh, mm)
    assert NOW - timedelta(days=1) < parsed <= NOW + timedelta(minutes=2)


@given(days_back=st.integers(0, 3000))
def test_dates_round_trip(days_back: int) -> None:
    day = NOW.date() - timedelta(days=days_back)
    assert parse_date(day.isoformat(), NOW.date()) == day


# --- dates in people's words -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20 Nov", date(2026, 11, 20)),
        ("Nov 20", date(2026, 11, 20)),
        ("november 20", date(2026, 11, 20)),
        ("20 November 2025", date(2025, 11, 20)),
        ("Nov 20, 2025", date(2025, 11, 20)),
        ("20th Nov", date(2026, 11, 20)),
        ("sept 3", date(2026, 9, 3)),
        ("24 Nov", date(2025, 11, 24)),  # a day and month still ahead this year: last year's
        ("29 Feb", date(2024, 2, 29)),  # the most recent leap day
        ("20/11", date(2026, 11, 20)),  # 20 cannot be a month: only one reading
        ("11/20", date(2026, 11, 20)),
        ("20/11/2025", date(2025, 11, 20)),
        ("20.11.25", date(2025, 11, 20)),
        ("5/5", date(2026, 5, 5)),  # both readings are the same day
        ("2 weeks ago", date(2026, 11, 9)),
        ("20261120", date(2026, 11, 20)),
    ],
)
def test_dates_in_peoples_words(text: str, expected: date) -> None:
    assert parse_date(text, NOW.date()) == expected


def test_an_all_number_date_with_two_readings_is_refused_naming_both() -> None:
    with pytest.raises(InputError) as err:
        parse_date("4/11", NOW.date(), "--night")
    message = str(err.value)
    assert "--night" in message
    assert "4 Nov or 11 Apr" in message
    assert "date_order" in message and "20 Nov" in message


@pytest.mark.parametrize(
    ("order", "expected"), [("dmy", date(2026, 11, 4)), ("mdy", date(2026, 4, 11))]
)
def test_the_date_order_setting_says_which(order: str, expected: date) -> None:
    assert parse_date("4/11", NOW.date(), rules=DateRules(order=order)) == expected


def test_a_date_against_the_date_order_setting_is_refused() -> None:
    with pytest.raises(InputError, match="month/day order"):
        parse_date("20/11", NOW.date(), rules=DateRules(order="mdy"))


@pytest.mark.parametrize("text", ["31 Nov", "30 feb 2025", "13/13", "0/5", "monkey", "smarch 3"])
def test_words_that_are_not_a_date(text: str) -> None:
    with pytest.raises(InputError) as err:
        parse_date(text, NOW.date())
    assert "20 Nov" in str(err.value)  # says what to type instead


@pytest.mark.parametrize(
    "text", ["1899-12-31", "0001-01-01", "999999 days ago", "99999999999999999999 days ago"]
)
def test_dates_before_1900_are_refused(text: str) -> None:
    with pytest.raises(InputError) as err:
        parse_date(text, NOW.date(), "--since")
    assert "before 1900" in str(err.value)
    assert "a date from 1900-01-01 up to today (2026-11-23)" in str(err.value)


def test_dates_before_the_birth_year_are_refused() -> None:
    rules = DateRules.for_person(1955)
    assert parse_date("1955-01-01", NOW.date(), rules=rules) == date(1955, 1, 1)
    with pytest.raises(InputError) as err:
        parse_date("1954-12-31", NOW.date(), rules=rules)
    assert "before your birth year (1955)" in str(err.value)
    with pytest.raises(InputError, match="before your birth year"):
        parse_when("1950-06-01 03:00", NOW, rules=rules)


def test_a_date_may_be_planned_ahead_but_never_more_than_a_year() -> None:
    assert parse_date("2027-06-01", NOW.date(), ahead=400) == date(2027, 6, 1)
    with pytest.raises(InputError, match="in the future"):
        parse_date("2027-12-25", NOW.date(), ahead=4000)
    with pytest.raises(InputError, match="in the future"):
        parse_date("2026-11-24", NOW.date())


@pytest.mark.parametrize(
    "text",
    ["0001-01-01 03:00", "9999999999h ago", "99999999999999999999999h ago", "999999999m ago"],
)
def test_times_too_far_back_are_refused_not_overflowed(text: str) -> None:
    with pytest.raises(InputError) as err:
        parse_when(text, NOW)
    assert "before 1900 (accepted: a time from 1900-01-01 up to now)" in str(err.value)


def test_times_in_words_with_a_date() -> None:
    assert parse_when("20 Nov 03:10", NOW) == datetime(2026, 11, 20, 3, 10, tzinfo=LONDON)
    assert parse_when("Nov 20 at 3am", NOW) == datetime(2026, 11, 20, 3, 0, tzinfo=LONDON)
    assert parse_when("20/11 23:40", NOW) == datetime(2026, 11, 20, 23, 40, tzinfo=LONDON)


@pytest.mark.parametrize("parse", [parse_date, parse_when])
def test_an_empty_value_is_an_error_not_now(parse: object) -> None:
    with pytest.raises(InputError, match="is empty"):
        parse("  ", NOW if parse is parse_when else NOW.date())  # type: ignore[operator]


# --- daylight saving: times that did not happen, and times that happened twice ----------------

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("tz", "text", "nearest"),
    [
        (LONDON, "2026-03-29 01:30", "00:59 or 02:00"),  # clocks go 01:00 -> 02:00
        (NEW_YORK, "2026-03-08 02:30", "01:59 or 03:00"),  # clocks go 02:00 -> 03:00
    ],
)
def test_a_time_in_the_spring_gap_is_refused_naming_the_nearest_valid_ones(
    tz: ZoneInfo, text: str, nearest: str
) -> None:
    with pytest.raises(InputError) as err:
        parse_when(text, NOW.astimezone(tz))
    assert "did not happen" in str(err.value)
    assert nearest in str(err.value)
    for valid in nearest.split(" or "):  # and the nearest ones are accepted as they are
        moment = parse_when(f"{text[:10]} {valid}", NOW.astimezone(tz))
        assert f"{moment:%H:%M}" == valid


@pytest.mark.parametrize(
    ("tz", "text", "offsets"),
    [
        (LONDON, "2026-10-25 01:30", ("+01:00", "+00:00")),
        (NEW_YORK, "2026-11-01 01:30", ("-04:00", "-05:00")),
    ],
)
def test_the_repeated_hour_needs_first_or_second(
    tz: ZoneInfo, text: str, offsets: tuple[str, str]
) -> None:
    current = NOW.astimezone(tz)
    with pytest.raises(AmbiguousTime) as err:
        parse_when(text, current)
    message = str(err.value)
    assert "happened twice" in message and "--first" in message and "--second" in message
    assert offsets[0] in message and offsets[1] in message
    first = parse_when(text, current, fold=0)
    second = parse_when(text, current, fold=1)
    assert first.isoformat()[-6:] == offsets[0]
    assert second.isoformat()[-6:] == offsets[1]
    assert second - first == timedelta(0)  # same wall time (aware arithmetic in one zone)
    assert second.astimezone(ZoneInfo("UTC")) - first.astimezone(ZoneInfo("UTC")) == timedelta(
        hours=1
    )
    assert night_of(first) == night_of(second)


def test_hours_ago_are_real_hours_across_a_clock_change() -> None:
    # 02:30 GMT on 25 Oct 2026 in London, just after the clocks went back at 02:00 BST
    after = datetime(2026, 10, 25, 2, 30, tzinfo=LONDON)
    two_hours_earlier = parse_when("2h ago", after)
    utc = ZoneInfo("UTC")
    assert after.astimezone(utc) - two_hours_earlier.astimezone(utc) == timedelta(hours=2)
    assert two_hours_earlier.isoformat() == "2026-10-25T01:30:00+01:00"
