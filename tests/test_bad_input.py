"""Bad input: one line on stderr naming the field and the accepted form, exit 2, nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import row_counts

BAD = [
    (["log", "11"], "severity", "0-10"),
    (["log", "-1"], "severity", "0-10"),  # click reads -1 as an option: still one clear line
    (["log", "x"], "severity", "six or 6/10"),
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
    (
        ["profile", "set", "--birth-year", "1700"],
        "--birth-year",
        "1906-2026",
    ),  # 120 years back from 2026
    # Any condition is kept as free text now (issue 9); only an over-long one is refused.
    (["profile", "set", "--condition", "grumpy " * 10], "--condition", "at most 60"),
    (["config", "set", "low_water_ml", "lots"], "low_water_ml", "whole number"),
    (["config", "set", "no_such_key", "1"], "key", "low_water_ml"),
    (["edit", "99", "--severity", "3"], "ID", "cramplog list"),
    (["delete", "99"], "ID", "cramplog list"),
    # issue 8 item 7: each of these was a traceback
    (["log", "5", "--at", "0001-01-01 03:00"], "--at", "a time from 1900-01-01 up to now"),
    (["log", "5", "--at", "9999999999h ago"], "--at", "a time from 1900-01-01 up to now"),
    (["log", "5", "--at", "1850-01-01 03:00"], "--at", "a time from 1900-01-01"),
    (["none", "--night", "999999 days ago"], "--night", "a date from 1900-01-01 up to today"),
    (["none", "--night", "0001-01-01"], "--night", "a date from 1900-01-01 up to today"),
    (["day", "--date", "999999 days ago"], "--date", "a date from 1900-01-01"),
    (["list", "--since", "999999 days ago"], "--since", "a date from 1900-01-01"),
    (["stats", "--since", "0001-01-01"], "--since", "a date from 1900-01-01"),
    (["insights", "--since", "0001-01-01"], "--since", "a date from 1900-01-01"),
    (["report", "weekly", "--week", "0001-W01"], "--week", "2026-W47"),
    (["meds", "add", "aspirin", "--since", "1850-01-01"], "--since", "a date from 1900"),
    (["meds", "take", "aspirin", "--at", "0001-01-01 03:00"], "--at", "a time from 1900"),
    (["show", "9223372036854775808"], "ID", "cramplog list"),
    (["show", "99999999999999999999999"], "ID", "cramplog list"),
    (["show", "-1"], "ID", "cramplog list"),
    (["edit", "9223372036854775808", "--severity", "3"], "ID", "cramplog list"),
    (["delete", "9223372036854775808"], "ID", "cramplog list"),
    (["restore", "9223372036854775808"], "ID", "cramplog list"),
    (["stats", "--weeks", "9223372036854775808"], "--weeks", "1 to 1000"),
    (["list", "--nights", "99999999999999999999"], "--nights", "100000"),
    (["log", "5", "--note", "\udcff\udcfe"], "--note", "UTF-8"),
    (["shoes", "add", "caf\udce9"], "NAME", "UTF-8"),
    # empty values are errors, never "now" or "not given"
    (["log", "5", "--at", ""], "--at", "03:10"),
    (["day", "--water", ""], "--water", "1.5L"),
    (["none", "--night", ""], "--night", "leave --night out"),
    (["day", "--exercise", " "], "--exercise", "30, 1h, 45m"),
    (["edit", "1", "--at", ""], "--at", "leave --at out"),
    (["meds", "stop", "aspirin", "--on", ""], "--on", "leave --on out"),
    (["profile", "set", "--name", ""], "--name", "leave --name out"),
    (["shoes", "add", ""], "NAME", "a value"),
    (["backup", "-o", ""], "--output", "leave --output out"),
    # text limits, with the limit in the message
    (["shoes", "add", "x" * 101], "NAME", "at most 100 characters"),
    (["meds", "add", "m" * 101], "NAME", "at most 100 characters"),
    (["meds", "add", "aspirin", "--alias", "a" * 101], "--alias", "at most 100 characters"),
    (["day", "--activity", "w" * 101], "--activity", "at most 100 characters"),
    (["profile", "set", "--name", "n" * 101], "--name", "at most 100 characters"),
    (["log", "5", "--note", "n" * 2001], "--note", "at most 2,000 characters"),
    (["log", "5", "--relief", "r" * 2001], "--relief", "at most 2,000 characters"),
    (["none", "--note", "n" * 128 * 1024], "--note", "at most 2,000 characters"),
    # daylight saving in the diary's zone (Europe/London in these tests)
    (["log", "5", "--at", "2026-03-29 01:30"], "--at", "00:59 or 02:00"),
    (["log", "5", "--at", "2026-10-25 01:30"], "--at", "--first for 01:30 BST (+01:00)"),
    (["edit", "1", "--at", "2026-10-25 01:30"], "--at", "--second for 01:30 GMT (+00:00)"),
    # dates in words where the numbers have two readings
    (["none", "--night", "4/11"], "--night", "date_order"),
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


def _prefilled(cli) -> None:
    cli("log", "4", "--at", "2026-11-21 03:00")
    cli("none", "--night", "2026-11-20")


def test_a_date_before_the_birth_year_is_refused(cli, db_path: Path) -> None:
    _prefilled(cli)
    assert cli("profile", "set", "--birth-year", "1955").exit_code == 0
    before = row_counts(db_path)
    r = cli("day", "--date", "1954-06-01", "--water", "1L")
    assert r.exit_code == 2
    assert r.stderr.strip() == (
        "cramplog: --date: 1954-06-01 is before your birth year (1955) "
        "(accepted: a date from 1955-01-01 up to today (2026-11-23))"
    )
    assert row_counts(db_path) == before


def test_numbers_with_two_readings_follow_the_date_order_setting(cli) -> None:
    _prefilled(cli)
    assert cli("config", "set", "date_order", "mdy").exit_code == 0
    r = cli("none", "--night", "4/11", "--note", "fine")
    assert r.exit_code == 0, r.stderr
    assert "Sat 11 Apr 2026" in r.stdout
    assert cli("config", "set", "date_order", "dmy").exit_code == 0
    assert "Wed 4 Nov 2026" in cli("none", "--night", "4/11").stdout


@pytest.mark.parametrize("words", ["20 Nov", "Nov 20", "20 November 2026", "november 20", "20/11"])
def test_words_for_a_night(cli, words: str) -> None:
    r = cli("none", "--night", words)
    assert r.exit_code == 0, r.stderr
    assert "Night of Fri 20 Nov 2026: no cramps." in r.stdout


def test_text_at_its_limit_is_kept_whole(cli) -> None:
    name = "n" * 100
    note = "é" * 2000
    assert cli("shoes", "add", name).exit_code == 0
    r = cli("log", "5", "--at", "03:00", "--note", note, "--json")
    r = cli("log", "5", "--at", "03:00", "--note", note)
    assert r.exit_code == 0, r.stderr
    shown = json.loads(cli("show", "1", "--json").stdout)
    assert shown["note"] == note
    assert json.loads(cli("shoes", "list", "--json").stdout)[0]["name"] == name


def test_invalid_utf8_bytes_on_the_command_line(tmp_path: Path) -> None:
    # Bytes as a real terminal would pass them: Python reads them with surrogateescape.
    env = {**os.environ, "CRAMPLOG_DB": str(tmp_path / "d.db"), "LC_ALL": "C.UTF-8"}
    r = subprocess.run(
        [sys.executable, "-m", "cramplog", "log", "5", "--note", b"caf\xe9 \xff"],
        env=env,
        capture_output=True,
        cwd=tmp_path,  # not the checkout: `-m` runs the installed package
    )
    assert r.returncode == 2
    assert r.stderr.decode().strip() == (
        "cramplog: --note: is not valid UTF-8 text "
        "(accepted: text in UTF-8 (check the terminal's character encoding))"
    )
    assert not (tmp_path / "d.db").exists()  # refused before the diary was opened


@pytest.mark.parametrize(("flag", "offset"), [("--first", "+01:00"), ("--second", "+00:00")])
def test_the_repeated_hour_with_first_or_second(cli, flag: str, offset: str) -> None:
    r = cli("log", "5", "--at", "2026-10-25 01:30", flag)
    assert r.exit_code == 0, r.stderr
    assert json.loads(cli("show", "1", "--json").stdout)["at"] == f"2026-10-25T01:30{offset}"


def test_edit_moves_a_cramp_into_the_repeated_hour_with_second(cli) -> None:
    _prefilled(cli)
    r = cli("edit", "1", "--at", "2026-10-25 01:30", "--second")
    assert r.exit_code == 0, r.stderr
    assert json.loads(cli("show", "1", "--json").stdout)["at"] == "2026-10-25T01:30+00:00"


def test_the_repeated_hour_is_asked_on_a_terminal(
    cli, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cramplog.cli.shared.on_terminal", lambda: True)
    r = cli("log", "5", "--at", "2026-10-25 01:30", input="2\n")
    assert r.exit_code == 0, r.output
    assert "happened twice" in r.stdout and "2: the second, 01:30 GMT (+00:00)" in r.stdout
    assert json.loads(cli("show", "1", "--json").stdout)["at"] == "2026-10-25T01:30+00:00"
    assert row_counts(db_path)["episode"] == 1  # asked outside the write: logged once


@pytest.mark.parametrize(
    ("zone", "gap", "nearest", "fold", "offsets"),
    [
        ("Europe/London", "2026-03-29 01:30", "00:59 or 02:00", "2026-10-25 01:30", "+01:00"),
        ("America/New_York", "2026-03-08 02:30", "01:59 or 03:00", "2026-11-01 01:30", "-04:00"),
    ],
)
def test_clock_changes_in_the_diarys_zone(
    cli, db_path: Path, zone: str, gap: str, nearest: str, fold: str, offsets: str
) -> None:
    assert cli("config", "set", "timezone", zone).exit_code == 0
    before = row_counts(db_path)
    r = cli("log", "5", "--at", gap)
    assert r.exit_code == 2 and nearest in r.stderr and zone in r.stderr
    r = cli("log", "5", "--at", fold)
    assert r.exit_code == 2 and "--first" in r.stderr and "--second" in r.stderr
    assert row_counts(db_path) == before
    assert cli("log", "5", "--at", fold, "--first").exit_code == 0
    assert (
        json.loads(cli("show", "1", "--json").stdout)["at"] == f"{fold.replace(' ', 'T')}{offsets}"
    )


@pytest.mark.parametrize("typed", ["\r", "a\nb", "\x1b[2J", "\udcff"])
def test_control_characters_typed_back_in_an_error_stay_one_escaped_line(cli, typed: str) -> None:
    # found by tests/test_fuzz.py: click's own messages repeat the value as typed
    r = cli("backup", typed)
    assert r.exit_code == 2
    line = r.stderr.rstrip("\n")
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert typed.encode("unicode_escape", "backslashreplace").decode() in line


def test_a_word_left_over_says_what_to_type_instead(cli) -> None:
    r = cli("log", "5", "--woke", "yes")
    assert r.exit_code == 2
    assert "type --woke for yes and --no-woke for no" in r.output
    r = cli("day", "--water", "6", "glasses")
    assert r.exit_code == 2 and "needs quotes, e.g. --water '6 glasses'" in r.output
    import json

    listed = json.loads(cli("list", "--json").output)
    assert listed["episodes"] == [] and listed["days"] == []  # nothing written
