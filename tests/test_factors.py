"""Own factors (issue 12), as a person uses them: factor add/list/rename/remove, day --factor,
the check-in, list, insights, reports and export/import. Unknown is never "no" anywhere.

`now` is Mon 23 Nov 2026 08:00 (conftest), so "last night" and the default day are 22 Nov.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import row_counts


def days_json(cli) -> dict[str, dict]:
    return {d["date"]: d for d in json.loads(cli("list", "--json").output)["days"]}


def one_line_error(r, field: str) -> str:
    assert r.exit_code == 2, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(f"cramplog: {field}:"), lines[0]
    assert "Traceback" not in r.output
    return lines[0]


# --- factor add / list / rename / remove -------------------------------------------------


def test_add_list_and_what_counts_as_exposed(cli) -> None:
    r = cli("factor", "add", "leg elevated")
    assert r.exit_code == 0, r.output
    assert "Added factor 'leg elevated' (yes/no, exposed on yes)" in r.output
    r = cli("factor", "add", "sleep", "--unit", "h", "--exposed-below", "6")
    assert "(number in h, exposed below 6 h)" in r.output
    cli("factor", "add", "standing", "--unit", "h", "--exposed-above", "8")
    listed = json.loads(cli("factor", "list", "--json").output)
    assert [
        (f["name"], f["kind"], f["unit"], f["exposed_below"], f["exposed_above"]) for f in listed
    ] == [
        ("leg elevated", "yesno", None, None, None),
        ("sleep", "number", "h", 6.0, None),
        ("standing", "number", "h", None, 8.0),
    ]
    text = cli("factor", "list").output
    assert "sleep" in text and "exposed below 6 h; recorded on 0 days" in text


@pytest.mark.parametrize(
    ("args", "field", "says"),
    [
        (["sleep", "--unit", "h"], "--exposed-below", "--exposed-below N or --exposed-above N"),
        (["sleep", "--exposed-below", "6", "--exposed-above", "9"], "--exposed-above", "one"),
        (["sleep", "--exposed-below", "six"], "--exposed-below", "a number"),
        (["sleep", "--exposed-below", "nan"], "--exposed-below", "a number"),
        (["a:b"], "NAME", "without ':' or '='"),
        (["a=b"], "NAME", "without ':' or '='"),
        (["x" * 61], "NAME", "at most 60"),
        (["sleep", "--unit", "5", "--exposed-below", "6"], "--unit", "a unit"),
    ],
)
def test_bad_factor_definitions_are_one_line_and_write_nothing(
    cli, db_path: Path, args: list[str], field: str, says: str
) -> None:
    cli("factor", "add", "leg elevated")
    before = row_counts(db_path)
    line = one_line_error(cli("factor", "add", *args), field)
    assert says in line
    assert row_counts(db_path) == before


def test_names_are_unique_in_any_case_and_unknown_names_get_did_you_mean(cli) -> None:
    cli("factor", "add", "Leg elevated")
    one_line_error(cli("factor", "add", "leg  ELEVATED"), "NAME")
    line = one_line_error(cli("factor", "rename", "leg elevatd", "legs up"), "OLD")
    assert "did you mean Leg elevated?" in line
    line = one_line_error(cli("day", "--factor", "leg elevatd"), "--factor")
    assert "did you mean Leg elevated?" in line and "cramplog factor add" in line
    line = one_line_error(cli("factor", "remove", "sleep"), "NAME")
    assert "no factor called 'sleep'" in line


def test_rename_keeps_the_days_and_undo_puts_the_name_back(cli) -> None:
    cli("factor", "add", "sleep", "--unit", "h", "--exposed-below", "6")
    cli("day", "--factor", "sleep=5.5")
    r = cli("factor", "rename", "sleep", "sleep hours")
    assert "Factor 'sleep' is now 'sleep hours'" in r.output
    assert days_json(cli)["2026-11-22"]["factors"] == {"sleep hours": 5.5}
    assert "renamed factor 'sleep' to 'sleep hours'" in cli("undo").output
    assert days_json(cli)["2026-11-22"]["factors"] == {"sleep": 5.5}
    cli("factor", "add", "nap")
    one_line_error(cli("factor", "rename", "nap", "SLEEP"), "NEW")
    assert days_json(cli)["2026-11-22"]["factors"] == {"sleep": 5.5, "nap": None}


def test_remove_is_soft_undoable_and_add_brings_it_back_with_its_days(cli) -> None:
    cli("factor", "add", "leg elevated")
    cli("day", "--factor", "leg elevated")
    r = cli("factor", "remove", "leg elevated")
    assert "its recorded days are kept" in r.output
    assert json.loads(cli("factor", "list", "--json").output) == []
    assert days_json(cli)["2026-11-22"]["factors"] == {}
    line = one_line_error(cli("day", "--factor", "leg elevated"), "--factor")
    assert "was removed" in line
    assert "removed factor 'leg elevated'" in cli("undo").output
    assert days_json(cli)["2026-11-22"]["factors"] == {"leg elevated": True}
    cli("factor", "remove", "leg elevated")
    one_line_error(
        cli("factor", "add", "leg elevated", "--unit", "cm", "--exposed-above", "5"), "NAME"
    )
    r = cli("factor", "add", "leg elevated")
    assert "Brought back factor 'leg elevated'" in r.output and "1 recorded day" in r.output
    assert days_json(cli)["2026-11-22"]["factors"] == {"leg elevated": True}


def test_undo_of_add_takes_the_factor_away(cli, db_path: Path) -> None:
    cli("factor", "add", "sleep", "--unit", "h", "--exposed-below", "6")
    assert "added factor 'sleep'" in cli("undo").output
    assert row_counts(db_path)["factor"] == 0


# --- day --factor --------------------------------------------------------------------------


def test_day_records_yes_no_and_numbers_and_updates_one_factor_only(cli) -> None:
    cli("factor", "add", "leg elevated")
    cli("factor", "add", "sleep", "--unit", "h", "--exposed-below", "6")
    r = cli("day", "--factor", "leg elevated", "--factor", "sleep=5.5")
    assert r.exit_code == 0, r.output
    assert "leg elevated: yes, sleep: 5.5 h" in r.output
    assert days_json(cli)["2026-11-22"]["factors"] == {"leg elevated": True, "sleep": 5.5}
    cli("day", "--factor", "sleep=7 h")  # the unit may follow the number
    assert days_json(cli)["2026-11-22"]["factors"] == {"leg elevated": True, "sleep": 7.0}
    cli("day", "--factor", "Leg Elevated=no", "--water", "2L")
    assert days_json(cli)["2026-11-22"]["factors"] == {"leg elevated": False, "sleep": 7.0}
    assert days_json(cli)["2026-11-22"]["water_ml"] == 2000
    cli("day", "--date", "2026-11-20", "--factor", "sleep=6,5h")  # a decimal comma
    assert days_json(cli)["2026-11-20"]["factors"] == {"leg elevated": None, "sleep": 6.5}


@pytest.mark.parametrize(
    ("word", "value"),
    [("y", True), ("YES", True), ("true", True), ("n", False), ("No", False), ("false", False)],
)
def test_yes_no_words(cli, word: str, value: bool) -> None:
    cli("factor", "add", "leg elevated")
    assert cli("day", "--factor", f"leg elevated={word}").exit_code == 0
    assert days_json(cli)["2026-11-22"]["factors"] == {"leg elevated": value}


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("sleep", "needs a value"),
        ("sleep=lots", "is not a number"),
        ("sleep=5.5 min", "is recorded in h"),
        ("sleep=inf", "is not a number"),
        ("leg elevated=maybe", "is not yes or no"),
        ("=5", "names no factor"),
    ],
)
def test_bad_day_values_are_one_line_and_write_nothing(
    cli, db_path: Path, value: str, says: str
) -> None:
    cli("factor", "add", "leg elevated")
    cli("factor", "add", "sleep", "--unit", "h", "--exposed-below", "6")
    before = row_counts(db_path)
    line = one_line_error(cli("day", "--water", "2L", "--factor", value), "--factor")
    assert says in line and "accepted:" in line
    assert row_counts(db_path) == before


def test_clearing_a_value_makes_it_not_recorded_and_undo_brings_it_back(cli) -> None:
    cli("factor", "add", "sleep", "--unit", "h", "--exposed-below", "6")
    cli("factor", "add", "leg elevated")
    cli("day", "--factor", "sleep=5", "--factor", "leg elevated")
    r = cli("day", "--factor", "sleep=")
    assert r.exit_code == 0 and "sleep" not in r.output.split(".")[0].split(":", 1)[1]
    assert days_json(cli)["2026-11-22"]["factors"] == {"leg elevated": True, "sleep": None}
    assert "day 2026-11-22" in cli("undo").output
    assert days_json(cli)["2026-11-22"]["factors"] == {"leg elevated": True, "sleep": 5.0}
    assert "day 2026-11-22" in cli("undo").output  # undo of the first day --factor
    assert "2026-11-22" not in days_json(cli)


def test_list_text_shows_own_factors_with_unknown_as_a_question_mark(cli) -> None:
    cli("factor", "add", "leg elevated")
    cli("factor", "add", "sleep", "--unit", "h", "--exposed-below", "6")
    cli("none", "--night", "2026-11-21")
    cli("day", "--date", "2026-11-21", "--factor", "leg elevated=no")
    cli("log", "4", "--at", "03:00")
    out = cli("list", "--nights", "3").output
    assert "your factors: leg elevated: no, sleep: ?" in out
    assert out.count("your factors:") == 1  # a day with none of them recorded says nothing
    assert "? = not recorded" in out
