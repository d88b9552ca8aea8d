"""Night assignment and people's words for times and dates."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cramplog.errors import InputError
from cramplog.timeutil import factor_day, last_night, night_of, parse_date, parse_when

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
    ],
)
def test_parse_when(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW) == expected.replace(tzinfo=LONDON)


def test_parse_when_keeps_an_explicit_offset_as_the_same_instant() -> None:
    parsed = parse_when("2026-11-20T03:10+01:00", NOW)
    assert parsed == datetime(2026, 11, 20, 2, 10, tzinfo=LONDON)


@pytest.mark.parametrize("text", ["tomorrow", "25:00", "2026-11-20", "soon", "", "13pm"])
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
