"""Water, durations and shoes as people type them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cramplog.errors import InputError
from cramplog.units import parse_hours, parse_minutes, parse_water, split_shoe


@pytest.mark.parametrize(
    ("text", "ml"),
    [
        ("1.5L", 1500),
        ("1.5 l", 1500),
        ("2 litres", 2000),
        ("1500ml", 1500),
        ("1500 mL", 1500),
        ("6glasses", 1500),
        ("6 glasses", 1500),
        ("1 glass", 250),
        ("4 cups", 946),  # US cups of 8 fl oz, not glasses
        ("50oz", 1479),  # 50 US fl oz x 29.5735 mL
        ("1,2L", 1200),
        ("0L", 0),
    ],
)
def test_parse_water(text: str, ml: int) -> None:
    assert parse_water(text) == ml


def test_glass_size_is_a_setting() -> None:
    assert parse_water("6 glasses", glass_ml=200) == 1200


@pytest.mark.parametrize("text", ["-2L", "11L", "lots", "1.5", "1500", "2 buckets"])
def test_parse_water_rejects(text: str) -> None:
    with pytest.raises(InputError) as err:
        parse_water(text)
    assert err.value.field == "--water"
    assert "1.5L" in str(err.value)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("90s", 1.5), ("2m", 2), ("1.5", 1.5), ("2 min", 2), ("1h30m", 90), ("1h", 60), ("45", 45)],
)
def test_parse_minutes(text: str, minutes: float) -> None:
    assert parse_minutes(text, "--minutes", 24 * 60) == minutes


@pytest.mark.parametrize("text", ["-1", "25h", "forever", "2 weeks"])
def test_parse_minutes_rejects(text: str) -> None:
    with pytest.raises(InputError):
        parse_minutes(text, "--exercise", 24 * 60)


def test_hours_and_shoes() -> None:
    assert parse_hours("8", "--sitting") == 8
    assert parse_hours("90m", "--sitting") == 1.5
    assert split_shoe("work boots:9") == ("work boots", 9.0)
    assert split_shoe("work boots") == ("work boots", None)
    assert split_shoe("heels:2.5h") == ("heels", 2.5)
    with pytest.raises(InputError):
        parse_hours("25", "--sitting")


@given(ml=st.integers(0, 10_000))
def test_water_round_trips_in_each_unit(ml: int) -> None:
    assert parse_water(f"{ml}ml") == ml
    assert parse_water(f"{ml / 1000}L") == ml


@given(seconds=st.integers(0, 240 * 60))
def test_durations_round_trip(seconds: int) -> None:
    assert parse_minutes(f"{seconds}s", "--minutes", 240) == round(seconds / 60, 2)


@pytest.mark.parametrize(
    "text,value",
    [("6", 6), ("six", 6), ("Six", 6), ("6/10", 6), ("6 / 10", 6), ("6 out of 10", 6), ("0", 0)],
)
def test_severity_in_the_words_people_use(text: str, value: int) -> None:
    from cramplog.units import parse_severity

    assert parse_severity(text) == value


@pytest.mark.parametrize("text", ["eleven", "11", "-1", "6.5", "bad", "10/10/10"])
def test_severity_refused_names_the_field_and_the_forms(text: str) -> None:
    from cramplog.units import parse_severity

    with pytest.raises(InputError) as raised:
        parse_severity(text, "--severity")
    assert raised.value.field == "--severity" and "six or 6/10" in str(raised.value)
