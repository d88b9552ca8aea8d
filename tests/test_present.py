"""cramplog.present: every value a person reads, rendered one way in the terminal and the PDFs."""

from __future__ import annotations

import math
import subprocess
import sys
from datetime import date

import pandas as pd
import pytest

from cramplog import present


@pytest.mark.parametrize("value", [None, math.nan, float("nan"), pd.NA, pd.NaT])
def test_every_kind_of_missing_is_unknown(value: object) -> None:
    assert present.is_unknown(value)
    assert present.yes_no(value) == "not recorded"
    assert present.side(value) == "not recorded"
    assert present.site(value) == "not recorded"
    assert present.duration(value) == "not recorded"
    assert present.severity(value) == "not rated"
    assert present.water(value) == "not recorded"
    assert present.count(value, "night") == "not recorded"
    assert present.shorten(value) == "" and present.terminal(value) == ""


@pytest.mark.parametrize("value", [0, 0.0, False, "", "left"])
def test_known_values_are_not_unknown(value: object) -> None:
    assert not present.is_unknown(value)


def test_yes_no_never_turns_unknown_into_no() -> None:
    assert present.yes_no(True) == "yes"
    assert present.yes_no(False) == "no"
    assert present.yes_no(None, unknown="?") == "?"


def test_plurals() -> None:
    assert present.plural(1, "cramp") == "1 cramp"
    assert present.plural(2, "cramp") == "2 cramps"
    assert present.plural(0, "night") == "0 nights"
    assert present.count(3, "night") == "3 nights"


def test_water_in_the_units_setting() -> None:
    assert present.water(750) == "750 mL"
    assert present.water(1500) == "1.5 L"
    assert present.water(2000) == "2 L"
    assert present.water(355, "us") == "12 fl oz"
    assert present.water(1500, "us") == "51 fl oz"
    assert present.water_short(1500) == "1.5 L" and present.water_short(1500, "us") == "51 oz"


def test_durations_severity_sides_and_sites() -> None:
    assert present.duration(0.5) == "30 s"
    assert present.duration(2) == "2 min"
    assert present.duration(1.5) == "1 min 30 s"
    assert present.duration(5.25) == "5 min 15 s"
    assert present.duration(80) == "1 h 20 min"
    assert present.severity(6.0) == "6" and present.severity(6.5) == "6.5"
    assert present.severity_summary(6.0, 8.0, 3) == "6.0 (worst 8)"
    assert present.severity_summary(None, None, 2) == "not rated"
    assert present.severity_summary(None, None, 0) == present.DASH
    assert present.where("calf", "left") == "calf (L)"
    assert present.where("foot", "both") == "foot (both)"
    assert present.where(None, "right") == "? (R)"
    assert present.where("toes", math.nan) == "toes"  # a float NaN side never crashes


def test_dates_percentages_and_rates() -> None:
    d = date(2026, 11, 16)
    assert present.day(d) == "Mon 16 Nov 2026"
    assert present.short_day(d) == "Mon 16 Nov"
    assert present.span(d, date(2026, 11, 22)) == "16 Nov to 22 Nov"
    assert present.length(d, date(2026, 11, 29)) == "2 weeks"
    assert present.length(d, d) == "1 night"
    assert present.percent(1, 3) == "33%" and present.percent(1, 0) == present.DASH
    assert present.share(2, 6) == "2 of 6 nights (33%)"
    assert present.rate(2.34, 12) == "2.3 cramps per week (12 nights logged)"
    assert present.rate(7.0, 2, enough=False) == "too few nights for a rate (2 nights logged)"
    assert present.rate(None, 1) == "too few nights for a rate (1 night logged)"
    assert present.clock(8.5) == "02:30"


def test_terminal_text_has_control_characters_escaped() -> None:
    note = "leg \x1b[31mred\x1b[0m\r\nsecond line\ttab\x07"
    shown = present.terminal(note)
    assert "\x1b" not in shown and "\r" not in shown and "\x07" not in shown
    assert shown == "leg \\x1b[31mred\\x1b[0m\\r\\nsecond line\\ttab\\x07"
    # scripts and emoji (with their joiners) print as typed
    assert present.terminal("Кеды 👟 高跟鞋 👩\u200d⚕️") == "Кеды 👟 高跟鞋 👩\u200d⚕️"


def test_shorten_cuts_at_a_word() -> None:
    assert present.shorten("stood on a cold floor", 40) == "stood on a cold floor"
    cut = present.shorten("stood on a cold floor and then walked about the room", 20)
    assert cut.endswith("\u2026") and len(cut) <= 20 and " " not in cut[-2:]


def test_present_imports_nothing_heavy() -> None:
    code = "import sys, cramplog.present, cramplog.present.diary; print(sorted(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    for heavy in ("pandas", "numpy", "matplotlib", "sqlalchemy"):
        assert f"'{heavy}'" not in out.stdout, heavy


def test_a_time_after_midnight_carries_its_morning_weekday() -> None:
    from datetime import datetime

    night = date(2026, 11, 20)  # a Friday night
    assert present.time_in_night(datetime(2026, 11, 20, 22, 40), night) == "22:40"
    assert present.time_in_night(datetime(2026, 11, 21, 3, 10), night) == "Sat 03:10"
    assert present.time_in_night(None, night) == present.DASH


def test_a_listing_reads_as_a_sentence() -> None:
    assert present.listing(["heels"]) == "heels"
    assert present.listing(["heels", "boots"]) == "heels and boots"
    assert present.listing(["a", "b", "c"]) == "a, b and c"
