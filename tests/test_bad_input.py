"""Bad input: one line on stderr naming the field and the accepted form, exit 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import row_counts

BAD = [
    (["log", "11"], "severity", "0-10"),
    (["log", "-1"], "severity", "0-10"),  # click reads -1 as an option: still one clear line
    (["log", "x"], "SEVERITY", "integer"),
    (["log", "5", "--site", "knee"], "--site", "toes/foot/arch/calf/thigh/other"),
    (["log", "5", "--side", "up"], "--side", "left/right/both"),
    (["log", "5", "--sign", "itchy"], "--sign", "swelling"),
    (["log", "5", "--minutes", "500"], "--minutes", "up to 4 h"),
    (["log", "5", "--minutes", "-3"], "--minutes", "90s"),
    (["log", "5", "--at", "2026-11-24 03:00"], "--at", "up to now"),
    (["log", "5", "--at", "tomorrow"], "--at", "03:10"),
    (["none", "--night", "2026-11-30"], "--night", "up to today"),
    (["none", "--night", "last tuesday-ish"], "--night", "YYYY-MM-DD"),
    (["day", "--water", "-2L"], "--water", "1.5L"),
    (["day", "--water", "12L"], "--water", "10L"),
    (["day", "--water", "lots"], "--water", "6glasses"),
    (["day", "--exercise", "25h"], "--exercise", "24 h"),
    (["day", "--shoes", "glass slippers"], "--shoes", "shoes add"),
    (["day", "--alcohol", "many"], "--alcohol", "0-50"),
    (["day", "--sitting", "30"], "--sitting", "24h"),
    (["day", "--date", "2026-02-30", "--water", "1L"], "--date", "YYYY-MM-DD"),
    (["shoes", "add", "boots", "--fit", "snug"], "--fit", "good/tight/loose"),
    (["meds", "stop", "aspirin"], "NAME", "meds add"),
    (["profile", "set", "--birth-year", "1700"], "--birth-year", "1900"),
    # Any condition is kept as free text now (issue 9); only an over-long one is refused.
    (["profile", "set", "--condition", "grumpy " * 10], "--condition", "at most 60"),
    (["config", "set", "low_water_ml", "lots"], "low_water_ml", "whole number"),
    (["config", "set", "no_such_key", "1"], "key", "low_water_ml"),
    (["edit", "99", "--severity", "3"], "ID", "cramplog list"),
    (["delete", "99"], "ID", "cramplog list"),
]


@pytest.mark.parametrize(("args", "field", "accepted"), BAD, ids=[" ".join(a) for a, _, _ in BAD])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    cli, db_path: Path, args: list[str], field: str, accepted: str
) -> None:
    # A diary with something in it, so "nothing written" is tested against real rows.
    cli("log", "4", "--at", "2026-11-21 03:00")
    cli("none", "--night", "2026-11-20")
    cli("day", "--date", "2026-11-20", "--water", "2L")
    before = row_counts(db_path)
    r = cli(*args)
    assert r.exit_code == 2, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert field in lines[0] and accepted in lines[0]
    assert r.stdout == ""
    assert row_counts(db_path) == before


def test_a_rejected_command_in_the_middle_of_its_writes_leaves_nothing(cli, db_path: Path) -> None:
    # The first shoe is valid; the second is not: the day row must not be created either.
    cli("shoes", "add", "trainers")
    before = row_counts(db_path)
    r = cli("day", "--water", "2L", "--shoes", "trainers", "--shoes", "clogs")
    assert r.exit_code == 2
    assert row_counts(db_path) == before
