"""Several people in one diary (issue 11): a caregiver keeping her father's diary and her own.

`now` is Mon 23 Nov 2026 08:00, London (conftest): last night is night 22 Nov. The tests
marked both_engines run on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import row_counts


def ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout  # without the "(person: ...)" line on stderr


def refused(result, *words: str) -> str:
    assert result.exit_code == 2, result.output + result.stderr
    line = result.stderr.strip()
    assert "\n" not in line and "Traceback" not in line, line
    for word in words:
        assert word in line, line
    return line


def two_people(cli) -> None:
    """Anna's own diary (as "me", then renamed), and her father's, with different nights."""
    ok(cli("log", "4", "--at", "2026-11-20 02:00", "--site", "calf"))
    ok(cli("none", "--night", "2026-11-21"))
    ok(cli("person", "rename", "me", "Anna"))
    ok(cli("person", "add", "Frank Miller", "--birth-year", "1941"))
    ok(cli("--person", "Frank Miller", "log", "7", "--at", "2026-11-22 03:10", "--site", "toes"))
    ok(cli("--person", "Frank", "log", "6", "--at", "2026-11-21 04:00", "--side", "left"))
    ok(cli("--person", "Frank", "none", "--night", "2026-11-19"))


def listed(cli, who: str) -> dict:
    return json.loads(ok(cli("--person", who, "list", "--json", "--all")))


@pytest.mark.both_engines
def test_each_person_sees_only_their_own_nights(cli) -> None:
    two_people(cli)
    anna, frank = listed(cli, "Anna"), listed(cli, "fr")  # any case, a unique beginning
    assert [e["night"] for e in anna["episodes"]] == ["2026-11-19"]  # 02:00 on the 20th
    assert anna["cramp_free_nights"] == ["2026-11-21"]
    assert sorted(e["night"] for e in frank["episodes"]) == ["2026-11-20", "2026-11-21"]
    assert frank["cramp_free_nights"] == ["2026-11-19"]
    stats = json.loads(ok(cli("--person", "Frank", "stats", "--json", "--weeks", "1")))
    assert (stats["nights_observed"], stats["cramp_nights"], stats["episodes"]) == (3, 2, 2)
    assert stats["max_severity"] == 7
    mine = json.loads(ok(cli("--person", "Anna", "stats", "--json", "--weeks", "1")))
    assert (mine["nights_observed"], mine["cramp_nights"], mine["max_severity"]) == (2, 1, 4)


@pytest.mark.both_engines
def test_without_a_choice_a_diary_of_several_is_refused_naming_them(cli, monkeypatch) -> None:
    two_people(cli)
    before = listed(cli, "Anna"), listed(cli, "Frank")
    for args in (["log", "5"], ["stats"], ["list"], ["undo"], ["report", "weekly"]):
        refused(cli(*args), "--person", "Anna", "'Frank Miller'", "person default")
    refused(cli("--person", "Bob", "list"), "no one called 'Bob'", "person add")
    ok(cli("person", "add", "Frances"))
    refused(cli("--person", "Fr", "list"), "could be", "Frances", "Frank Miller")
    assert (listed(cli, "Anna"), listed(cli, "Frank Miller")) == before
    monkeypatch.setenv("CRAMPLOG_PERSON", "Anna")
    assert [e["severity"] for e in json.loads(ok(cli("list", "--json")))["episodes"]] == [4]
    monkeypatch.delenv("CRAMPLOG_PERSON")
    ok(cli("person", "default", "Frank Miller"))
    assert len(json.loads(ok(cli("list", "--json", "--all")))["episodes"]) == 2
    assert "(default)" in ok(cli("person", "list"))
    assert "Frank Miller, born 1941: 3 nights logged" in ok(cli("person", "list"))


@pytest.mark.both_engines
def test_a_diary_of_several_names_whose_entries_a_command_wrote_or_read(cli) -> None:
    two_people(cli)
    r = cli("--person", "Frank", "none", "--night", "2026-11-18")
    assert r.exit_code == 0 and "(person: Frank Miller)" in r.stderr
    r = cli("--person", "Frank", "stats", "--json")
    json.loads(r.stdout)  # the name goes to stderr: JSON stays JSON
    assert "(person: Frank Miller)" in r.stderr


def test_a_diary_of_one_person_needs_no_choice_and_names_no_one(cli) -> None:
    r = cli("log", "4", "--at", "2026-11-22 02:00")
    assert r.exit_code == 0 and "person:" not in r.stderr
    assert len(json.loads(ok(cli("list", "--json")))["episodes"]) == 1
    assert "me: 1 night logged" in ok(cli("person", "list"))


@pytest.mark.both_engines
def test_one_persons_undo_never_takes_back_anothers_change(cli) -> None:
    two_people(cli)
    ok(cli("--person", "Anna", "log", "3", "--at", "2026-11-22 05:00"))
    ok(cli("--person", "Frank", "day", "--date", "2026-11-22", "--water", "1L"))
    r = cli("--person", "Anna", "undo")
    assert "logged cramp" in ok(r) and "severity 3" in r.output
    assert [d["date"] for d in listed(cli, "Frank")["days"]] == ["2026-11-22"]
    assert [e["severity"] for e in listed(cli, "Anna")["episodes"]] == [4]
    ok(cli("--person", "Frank", "undo"))
    assert listed(cli, "Frank")["days"] == []
    # Frank's own earlier entries are his to undo, newest first.
    ok(cli("--person", "Frank", "undo"))  # the cramp-free 19 Nov
    assert "severity 6" in ok(cli("--person", "Frank", "undo"))
    assert [e["severity"] for e in listed(cli, "Frank")["episodes"]] == [7]


@pytest.mark.both_engines
def test_adding_a_person_is_their_change_undone_last(cli) -> None:
    two_people(cli)
    # Anna's undo takes back her own rename, never Frank's addition or entries.
    assert "renamed person 'me' to 'Anna'" in ok(cli("--person", "Anna", "undo"))
    assert len(listed(cli, "Frank")["episodes"]) == 2
    for _ in range(3):  # Frank's own: his cramp-free 19 Nov, then his two cramps
        ok(cli("--person", "Frank", "undo"))
    assert "added person 'Frank Miller'" in ok(cli("--person", "Frank", "undo"))
    assert "Frank" not in ok(cli("person", "list"))


@pytest.mark.both_engines
def test_remove_is_soft_and_undoable(cli) -> None:
    two_people(cli)
    frank = listed(cli, "Frank")
    ok(cli("person", "remove", "Frank"))
    refused(cli("--person", "Frank", "list"), "no one called 'Frank'")
    assert "Frank" not in ok(cli("person", "list"))
    assert "Frank Miller, born 1941: 3 nights logged, the last Sat 21 Nov 2026  (removed)" in ok(
        cli("person", "list", "--removed")
    )
    # Anna is now the only one: no --person needed.
    assert [e["severity"] for e in json.loads(ok(cli("list", "--json")))["episodes"]] == [4]
    refused(cli("person", "remove", "Anna"), "only person", "person rename")
    assert "removed person" not in ok(cli("undo"))  # Anna's undo: her own change
    ok(cli("person", "restore", "frank"))
    assert listed(cli, "Frank") == frank


@pytest.mark.both_engines
def test_names_are_checked(cli) -> None:
    ok(cli("person", "add", "Frank Miller"))
    refused(cli("person", "add", "frank  miller"), "NAME", "already in this diary")
    refused(cli("person", "add", "   "), "NAME")
    refused(cli("person", "add", "Bo", "--birth-year", "1800"), "--birth-year", "not plausible")
    ok(cli("person", "add", "Oma 👵"))
    ok(cli("person", "rename", "Oma", "Grandma 👵"))
    refused(cli("person", "rename", "Grandma", "Frank Miller"), "NEW_NAME", "already")
    refused(cli("--person", "Grandma", "profile", "set", "--name", "frank miller"), "--name")
    assert "Grandma 👵: 0 nights logged" in ok(cli("person", "list"))


@pytest.mark.both_engines
def test_things_are_each_persons_own(cli) -> None:
    two_people(cli)
    ok(cli("--person", "Anna", "shoes", "add", "red clogs", "--kind", "other"))
    ok(cli("--person", "Frank", "meds", "add", "HCTZ", "--since", "2026-10-01"))
    ok(cli("--person", "Frank", "factor", "add", "knee pillow"))
    ok(cli("--person", "Frank", "profile", "set", "--condition", "type 2 diabetes"))
    assert "red clogs" in ok(cli("--person", "Anna", "shoes", "list"))
    assert "red clogs" not in ok(cli("--person", "Frank", "shoes", "list"))
    refused(cli("--person", "Frank", "day", "--shoes", "red clogs"), "--shoes")
    assert "hydrochlorothiazide" in ok(cli("--person", "Frank", "meds", "list"))
    assert "hydrochlorothiazide" not in ok(cli("--person", "Anna", "meds", "list"))
    assert "knee pillow" not in ok(cli("--person", "Anna", "factor", "list"))
    assert "knee pillow" in ok(cli("--person", "Frank", "factor", "list"))
    assert "diabetes" not in ok(cli("--person", "Anna", "profile", "show")).lower()
    check = json.loads(ok(cli("--person", "Anna", "check", "--json")))
    assert "hydrochlorothiazide" not in json.dumps(check)


@pytest.mark.both_engines
def test_a_setting_can_be_one_persons_own(cli) -> None:
    two_people(cli)
    out = ok(cli("--person", "Frank", "config", "set", "units", "us", "--personal"))
    assert "units = us (this person's own)" in out
    frank = json.loads(ok(cli("--person", "Frank", "config", "show", "--json")))
    anna = json.loads(ok(cli("--person", "Anna", "config", "show", "--json")))
    assert (frank["units"], anna["units"]) == ("us", "metric")
    assert "water 34 fl oz" in ok(cli("--person", "Frank", "day", "--water", "1L"))
    assert "fl oz" not in ok(cli("--person", "Anna", "day", "--water", "1L"))
    # The diary's own value (thresholds too) stays per diary for everyone else.
    ok(cli("config", "set", "low_water", "2L"))
    assert (
        json.loads(ok(cli("--person", "Frank", "config", "show", "--json")))["low_water_ml"] == 2000
    )
    ok(cli("--person", "Frank", "config", "set", "units", "--diary-value"))
    assert json.loads(ok(cli("--person", "Frank", "config", "show", "--json")))["units"] == (
        "metric"
    )


@pytest.mark.both_engines
def test_export_and_import_move_one_person(cli, tmp_path: Path) -> None:
    two_people(cli)
    out = tmp_path / "frank.json"
    ok(cli("--person", "Frank", "export", "-o", str(out)))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["profile"]["name"] == "Frank Miller"
    assert sorted(e["night"] for e in doc["episodes"]) == ["2026-11-20", "2026-11-21"]
    assert "default_person" not in doc["settings"]
    # Into Frank again: nothing new. Into Anna: refused, naming whose file it is.
    before = listed(cli, "Frank")
    ok(cli("--person", "Frank", "import", str(out)))
    assert listed(cli, "Frank") == before
    refused(cli("--person", "Anna", "import", str(out)), "FILE", "Frank Miller")
    # Into a diary of its own: the whole of Frank, and no one else.
    other = tmp_path / "other.db"
    ok(cli("--db", str(other), "import", str(out)))
    moved = json.loads(ok(cli("--db", str(other), "list", "--json", "--all")))
    assert sorted(e["night"] for e in moved["episodes"]) == ["2026-11-20", "2026-11-21"]
    assert "Frank Miller" in ok(cli("--db", str(other), "person", "list"))


def test_a_refused_command_writes_nothing(cli, db_path: Path) -> None:
    two_people(cli)
    before = row_counts(db_path)
    refused(cli("log", "5", "--at", "2026-11-22 01:00"), "--person")
    refused(cli("--person", "Nobody", "none"), "--person")
    refused(cli("person", "remove", "Nobody"), "NAME")
    assert row_counts(db_path) == before


def test_reports_carry_the_name_and_never_share_a_file(cli, tmp_path: Path) -> None:
    from pypdf import PdfReader

    two_people(cli)
    paths = {}
    for who in ("Anna", "Frank"):
        for kind in ("weekly", "appointment"):
            r = cli("--person", who, "report", kind)
            paths[who, kind] = Path(ok(r).strip().splitlines()[-1])
    assert len(set(paths.values())) == 4
    assert "frank-miller" in paths["Frank", "weekly"].name
    assert "anna" in paths["Anna", "appointment"].name
    page_one = " ".join(PdfReader(paths["Frank", "weekly"]).pages[0].extract_text().split())
    assert "Frank Miller" in page_one and "Anna" not in page_one
    page_one = " ".join(PdfReader(paths["Anna", "appointment"]).pages[0].extract_text().split())
    assert "Anna" in page_one and "Frank" not in page_one


@pytest.mark.both_engines
def test_remind_check_names_who_has_not_logged_last_night(cli) -> None:
    two_people(cli)  # neither has logged night 22 Nov
    r = cli("remind", "check")
    assert r.exit_code == 1 and "not logged yet for Anna and Frank Miller" in r.output
    ok(cli("--person", "Anna", "none"))
    r = cli("remind", "check")
    assert r.exit_code == 1 and "for Frank Miller:" in r.output and "Anna" not in r.output
    assert "--person 'Frank Miller' log" in r.output
    assert cli("--person", "Anna", "remind", "check").exit_code == 0
    assert cli("--person", "Frank", "remind", "check").exit_code == 1
    ok(cli("--person", "Frank", "log", "5", "--at", "2026-11-23 03:00"))
    assert cli("remind", "check").exit_code == 0
    ok(cli("person", "add", "Bo"))
    ok(cli("person", "default", "Bo"))
    assert cli("remind", "check").exit_code == 1  # the default, Bo, has not logged


@pytest.mark.both_engines
def test_the_check_in_asks_whose_night_and_greets_that_person(cli) -> None:
    two_people(cli)
    r = cli("log", "--guided", input="\n")  # Enter: no one chosen, so refused as any command
    refused(r, "--person", "Anna")
    assert "Whose night is it?" in r.output and "2. Frank Miller" in r.output
    assert "Cramps last night" not in r.output  # nothing asked that would then be lost
    r = cli("log", "--guided", input="2\n0\n" + "\n" * 12)
    assert r.exit_code == 0, r.output
    assert "Good morning, Frank Miller. Last night" in r.output
    assert listed(cli, "Frank")["cramp_free_nights"] == ["2026-11-19", "2026-11-22"]
    ok(cli("--person", "Frank", "undo"))
    answers = "0\n" + "\n" * 12
    r = cli("--person", "Frank", "log", "--guided", input=answers)
    assert r.exit_code == 0, r.output
    assert "Good morning, Frank Miller. Last night: Sun 22 Nov 2026." in r.output
    assert listed(cli, "Frank")["cramp_free_nights"] == ["2026-11-19", "2026-11-22"]
    assert listed(cli, "Anna")["cramp_free_nights"] == ["2026-11-21"]


# --- found by a fresh-eyes caregiver test ------------------------------------------------------


@pytest.mark.both_engines
def test_an_undo_that_would_overwrite_someone_elses_later_row_is_refused(cli) -> None:
    two_people(cli)
    ok(cli("--person", "Anna", "none", "--night", "2026-11-20"))
    ok(cli("--person", "Anna", "log", "4", "--at", "2026-11-21 05:00"))  # takes that mark away
    ok(cli("--person", "Frank", "none", "--night", "2026-11-22"))
    ok(cli("--person", "Anna", "meds", "add", "atorvastatin"))
    ok(cli("--person", "Anna", "meds", "remove", "atorvastatin"))
    ok(cli("--person", "Frank", "meds", "add", "HCTZ"))
    frank = listed(cli, "Frank")
    meds = ok(cli("--person", "Frank", "meds", "list"))
    # Whatever SQLite did with the freed row ids, Anna's undos never touch Frank's rows:
    # each either takes back her own change or is refused, naming his.
    for _ in range(4):
        r = cli("--person", "Anna", "undo")
        if r.exit_code != 0:
            line = refused(r, "undo", "Frank Miller's")
            assert "--person 'Frank Miller' undo" in line
            break
    assert listed(cli, "Frank") == frank
    assert ok(cli("--person", "Frank", "meds", "list")) == meds


@pytest.mark.both_engines
def test_renaming_someone_is_their_change_not_the_next_undoers(cli) -> None:
    two_people(cli)
    ok(cli("person", "rename", "Frank", "Frank J. Miller"))
    ok(cli("--person", "Frank", "profile", "set", "--name", "Francis Miller"))
    ok(cli("person", "rename", "Francis", "Frank Miller"))
    r = cli("--person", "Anna", "undo")  # Anna's own last change: her own rename
    assert "Frank" not in ok(r) and "'me' to 'Anna'" in r.stdout
    assert "Frank Miller" in ok(cli("person", "list"))
    assert "Francis Miller" in ok(cli("--person", "Frank", "undo")) + ok(cli("person", "list"))
    ok(cli("--person", "Francis", "undo"))  # the profile name
    assert "Frank J. Miller" in ok(cli("person", "list"))
    # And Anna's older history stays hers to undo, past `person add Frank` (his change).
    ok(cli("--person", "me", "undo"))  # her cramp-free 21 Nov
    assert "logged cramp 1" in ok(cli("--person", "me", "undo"))  # which made her person
    assert [p["name"] for p in json.loads(ok(cli("person", "list", "--json")))] == [
        "Frank J. Miller"
    ]
    assert len(listed(cli, "Frank")["episodes"]) == 2


@pytest.mark.both_engines
def test_a_personal_setting_travels_with_the_person_in_an_export(cli, tmp_path: Path) -> None:
    two_people(cli)
    ok(cli("--person", "Frank", "config", "set", "units", "us", "--personal"))
    out = tmp_path / "frank.json"
    ok(cli("--person", "Frank", "export", "-o", str(out)))
    assert json.loads(out.read_text(encoding="utf-8"))["settings"]["units"] == "us"
    ok(cli("--person", "Anna", "export", "-o", str(tmp_path / "anna.json")))
    anna = json.loads((tmp_path / "anna.json").read_text(encoding="utf-8"))["settings"]
    assert anna.get("units", "metric") == "metric"


@pytest.mark.both_engines
def test_messages_say_what_to_type_in_a_diary_of_several(cli) -> None:
    two_people(cli)
    r = cli("--person", "Frank", "none", "--night", "2026-11-15")
    assert 'Undo with: cramplog --person "Frank Miller" undo' in r.stdout
    refused(cli("log", "5", "--person", "Frank"), "--person goes before the command", "log")
    out = ok(cli("--person", "Frank", "config", "set", "low_water", "2L"))
    assert "for everyone in it" in out and "--personal" in out
    ok(cli("person", "remove", "Frank"))
    refused(cli("person", "add", "frank miller"), "was removed", "person restore")
    ok(cli("person", "restore", "Frank"))
    assert len(listed(cli, "Frank")["episodes"]) == 2


def test_a_refusal_in_a_study_names_a_few_people_not_a_thousand(cli) -> None:
    for i in range(12):
        ok(cli("person", "add", f"Participant {i:04d}"))
    line = refused(
        cli("stats"), "--person", "Participant 0000", "and 4 more (cramplog person list)"
    )
    assert "Participant 0011" not in line
    refused(cli("--person", "Participant", "stats"), "could be", "and 4 more")
