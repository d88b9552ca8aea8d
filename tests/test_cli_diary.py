"""The morning log, as a person uses it: log, none, day, shoes, meds, list, show, edit, undo."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from conftest import row_counts


def test_the_issue_walkthrough(cli, db_path: Path) -> None:
    r = cli(
        "log",
        "6",
        "--at",
        "2026-11-20 03:10",
        "--site",
        "toes",
        "--side",
        "left",
        "--minutes",
        "2",
        "--woke",
    )
    assert r.exit_code == 0, r.output
    assert "night of Thu 19 Nov 2026" in r.output
    assert cli("none", "--night", "2026-11-20").exit_code == 0
    assert cli("shoes", "add", "work boots", "--fit", "tight", "--kind", "boots").exit_code == 0
    r = cli(
        "day",
        "--date",
        "2026-11-19",
        "--water",
        "1.2L",
        "--exercise",
        "0",
        "--shoes",
        "work boots:9",
        "--caffeine",
        "2",
    )
    assert r.exit_code == 0, r.output
    assert "water 1.2 L" in r.output and "work boots 9 h" in r.output
    r = cli("meds", "add", "hydrochlorothiazide", "--dose", "25 mg", "--since", "2026-10-01")
    assert r.exit_code == 0
    assert "GAR2012" in r.output and "do not stop a medicine on your own" in r.output

    listed = json.loads(cli("list", "--json").output)
    (episode,) = listed["episodes"]
    assert episode["night"] == "2026-11-19"
    assert episode["at"] == "2026-11-20T03:10+00:00"  # London is on GMT in November
    assert (episode["severity"], episode["site"], episode["side"]) == (6, "toes", "left")
    assert episode["minutes"] == 2 and episode["woke"] is True and episode["signs"] == []
    assert set(episode) >= {
        "id",
        "night",
        "at",
        "severity",
        "site",
        "side",
        "minutes",
        "woke",
        "signs",
        "note",
    }
    assert listed["cramp_free_nights"] == ["2026-11-20"]
    (day,) = listed["days"]
    assert day["water_ml"] == 1200 and day["caffeine"] == 2
    assert day["shoes"] == [{"name": "work boots", "fit": "tight", "kind": "boots", "hours": 9.0}]

    r = cli("undo")
    assert "added medicine hydrochlorothiazide" in r.output
    assert "hydrochlorothiazide" not in cli("meds", "list").output
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600


@pytest.mark.both_engines
def test_human_list_shows_missing_nights_as_not_logged(cli) -> None:
    cli("log", "4", "--at", "2026-11-21 02:00", "--site", "calf")
    cli("none", "--night", "2026-11-22")
    out = cli("list", "--nights", "3").output
    assert "Fri 20 Nov 2026" in out and "(not logged)" in out
    assert "Sat 21 Nov 2026" in out and "calf" in out
    assert "Sun 22 Nov 2026" in out and "no cramps" in out
    assert "2 of 3 nights logged." in out


@pytest.mark.both_engines
def test_none_defaults_to_last_night(cli) -> None:
    r = cli("none")  # now is Mon 23 Nov 08:00
    assert "Sun 22 Nov 2026" in r.output
    assert json.loads(cli("list", "--json").output)["cramp_free_nights"] == ["2026-11-22"]


@pytest.mark.both_engines
def test_a_cramp_replaces_a_wrong_cramp_free_mark(cli) -> None:
    cli("none", "--night", "2026-11-21")
    r = cli("log", "5", "--at", "2026-11-22 04:00")
    assert "marked cramp-free; the mark is removed" in r.output
    data = json.loads(cli("list", "--json").output)
    assert data["cramp_free_nights"] == [] and data["episodes"][0]["night"] == "2026-11-21"
    cli("undo")  # brings the mark back along with removing the cramp
    data = json.loads(cli("list", "--json").output)
    assert data["cramp_free_nights"] == ["2026-11-21"] and data["episodes"] == []


@pytest.mark.both_engines
def test_day_updates_merge_and_undo_restores_the_previous_values(cli) -> None:
    cli("shoes", "add", "trainers")
    cli("shoes", "add", "heels", "--kind", "heels", "--fit", "tight")
    cli("day", "--date", "2026-11-20", "--water", "1.5L", "--shoes", "trainers:8")
    cli("day", "--date", "2026-11-20", "--alcohol", "2", "--shoes", "heels:3", "--stretched")
    (day,) = json.loads(cli("list", "--json").output)["days"]
    assert day["water_ml"] == 1500 and day["alcohol"] == 2 and day["stretched"] is True
    # A second --shoes adds a pair to the day (it used to replace the first).
    assert [(s["name"], s["hours"]) for s in day["shoes"]] == [("trainers", 8.0), ("heels", 3.0)]
    cli("undo")
    (day,) = json.loads(cli("list", "--json").output)["days"]
    assert day["alcohol"] is None and day["stretched"] is None
    assert [(s["name"], s["hours"]) for s in day["shoes"]] == [("trainers", 8.0)]


@pytest.mark.both_engines
def test_day_defaults_to_yesterday_in_the_morning(cli) -> None:
    r = cli("day", "--water", "2L")
    assert "Day Sun 22 Nov 2026" in r.output


@pytest.mark.both_engines
def test_edit_moves_the_night_with_the_time(cli) -> None:
    cli("log", "5", "--at", "2026-11-20 03:00", "--site", "calf")
    r = cli("edit", "1", "--at", "2026-11-21 23:30", "--severity", "7", "--sign", "numbness")
    assert r.exit_code == 0, r.output
    shown = json.loads(cli("show", "1", "--json").output)
    assert shown["night"] == "2026-11-21" and shown["severity"] == 7
    assert shown["signs"] == ["numbness"] and shown["site"] == "calf"


def test_delete_is_soft_and_recoverable(cli, db_path: Path) -> None:
    cli("log", "5", "--at", "03:00")
    assert cli("delete", "1").exit_code == 0
    assert json.loads(cli("list", "--json").output)["episodes"] == []
    assert row_counts(db_path)["episode"] == 1  # still in the file
    assert json.loads(cli("show", "1", "--json").output)["deleted"] is True
    assert cli("restore", "1").exit_code == 0
    assert len(json.loads(cli("list", "--json").output)["episodes"]) == 1
    cli("delete", "1")
    cli("undo")
    assert len(json.loads(cli("list", "--json").output)["episodes"]) == 1


@pytest.mark.both_engines
def test_undo_walks_back_one_change_at_a_time(cli) -> None:
    cli("log", "3", "--at", "02:00")
    cli("log", "4", "--at", "04:00")
    assert "logged cramp 2" in cli("undo").output
    assert "logged cramp 1" in cli("undo").output
    assert cli("undo").output.strip() == "Nothing to undo."


@pytest.mark.both_engines
def test_a_long_cramp_or_warning_sign_points_to_check(cli) -> None:
    out = cli("log", "6", "--at", "03:00", "--minutes", "12").output
    assert "cramplog check" in out
    out = cli("log", "6", "--at", "04:00", "--minutes", "3", "--sign", "swelling").output
    assert "swelling" in out and "cramplog check" in out
    assert "cramplog check" not in cli("log", "6", "--at", "05:00", "--minutes", "10").output


@pytest.mark.both_engines
def test_meds_stop_take_and_aliases(cli) -> None:
    cli("meds", "add", "salbutamol", "--as-needed", "--since", "2026-11-01")
    assert cli("meds", "take", "salbutamol", "--at", "07:00").exit_code == 0
    cli("meds", "add", "Microzide", "--since", "2026-10-01")
    r = cli("meds", "add", "chlorthalidone", "--alias", "Hygroton", "--since", "2026-10-01")
    assert "thiazide" in r.output
    assert cli("meds", "stop", "Hygroton", "--on", "2026-11-10").exit_code == 0
    rows = json.loads(cli("meds", "list", "--json").output)
    by_name = {r["name"]: r for r in rows}
    assert by_name["chlorthalidone"]["stopped"] == "2026-11-10"
    assert by_name["chlorthalidone"]["cramp_associated"] is True
    assert by_name["salbutamol"]["cramp_associated"] is False
    # A shipped brand name is recorded as its generic, and so marked.
    assert by_name["hydrochlorothiazide"]["cramp_associated"] is True


@pytest.mark.both_engines
def test_profile_and_conditions(cli) -> None:
    assert (
        cli(
            "profile",
            "set",
            "--birth-year",
            "1955",
            "--condition",
            "diabetes",
            "--condition",
            "pregnant",
        ).exit_code
        == 0
    )
    data = json.loads(cli("profile", "show", "--json").output)
    assert data == {
        "name": "me",
        "birth_year": 1955,
        "conditions": ["diabetes", "pregnancy"],
        "cramps_since": None,
    }
    assert "Allen RE, Kirby KA" in cli("profile", "show").output


@pytest.mark.both_engines
def test_settings_live_in_the_diary(cli) -> None:
    assert cli("config", "set", "low_water_ml", "2000").exit_code == 0
    assert json.loads(cli("config", "show", "--json").output)["low_water_ml"] == 2000
    assert cli("config", "set", "day_boundary", "9:00").exit_code == 0
    r = cli("log", "5", "--at", "2026-11-22 10:00")  # after a 09:00 boundary: night 22 Nov
    assert "night of Sun 22 Nov 2026" in r.output


@pytest.mark.both_engines
def test_guided_morning_checkin(cli) -> None:
    cli("shoes", "add", "work boots", "--fit", "tight")
    answers = (
        "\n".join(
            [
                "1",
                "03:10",
                "7",
                "calf",
                "right",
                "90s",
                "y",
                "",  # no warning signs: one cramp
                "1.2L",
                "0",
                "n",
                "work boots:9",
                "",
                "2",
            ]  # the day; alcohol skipped
        )
        + "\n"
    )
    r = cli("log", "--guided", input=answers)
    assert r.exit_code == 0, r.output
    data = json.loads(cli("list", "--json").output)
    (e,) = data["episodes"]
    assert (e["night"], e["severity"], e["site"], e["side"], e["minutes"], e["woke"]) == (
        "2026-11-22",
        7,
        "calf",
        "right",
        1.5,
        True,
    )
    (day,) = data["days"]
    assert day["date"] == "2026-11-22" and day["water_ml"] == 1200 and day["exercise_minutes"] == 0
    assert day["stretched"] is False and day["alcohol"] is None and day["caffeine"] == 2
    # the whole check-in is one change
    assert "morning check-in" in cli("undo").output
    assert json.loads(cli("list", "--json").output) == {
        "episodes": [],
        "cramp_free_nights": [],
        "days": [],
    }


@pytest.mark.both_engines
def test_guided_checkin_leaves_skipped_answers_unknown(cli) -> None:
    answers = "\n".join(["1", "", "4am", "", "", "", "", "", "numbness", "", "", "", "", "", ""])
    r = cli("log", "--guided", input=answers + "\n")
    assert r.exit_code == 0, r.output
    (e,) = json.loads(cli("list", "--json").output)["episodes"]
    assert e["at"] == "2026-11-23T04:00+00:00"  # the time was asked again, not invented
    assert "The time says which night the cramp belongs to, so it is needed" in r.output
    assert [e[k] for k in ("severity", "site", "side", "minutes", "woke")] == [None] * 5
    assert e["signs"] == ["numbness"]


@pytest.mark.both_engines
def test_guided_checkin_adds_to_a_night_that_has_cramps_without_losing_answers(cli) -> None:
    cli("log", "5", "--at", "03:00")
    r = cli("log", "--guided", input="\n".join(["0", "1.8L", "", "", "", "", ""]) + "\n")
    assert r.exit_code == 0, r.output
    assert "Already logged for that night: 1 cramp (ID 1)" in r.output
    data = json.loads(cli("list", "--json").output)
    assert len(data["episodes"]) == 1 and data["cramp_free_nights"] == []
    assert data["days"][0]["water_ml"] == 1800


@pytest.mark.both_engines
def test_guided_checkin_with_no_cramps_marks_the_night_and_reasks_bad_answers(cli) -> None:
    answers = "\n".join(["nope", "lots", "2L", "none", "", "", "", ""]) + "\n"
    r = cli("log", "--guided", input=answers)
    assert r.exit_code == 0, r.output
    assert "cannot read 'lots'" in r.output
    data = json.loads(cli("list", "--json").output)
    assert data["cramp_free_nights"] == ["2026-11-22"] and data["days"][0]["water_ml"] == 2000
    assert data["days"][0]["exercise_minutes"] == 0  # "none", as the question offers


@pytest.mark.both_engines
def test_export_says_what_it_contains(cli, tmp_path: Path) -> None:
    cli("log", "5", "--at", "03:00")
    out = tmp_path / "export.json"
    assert cli("export", "-o", str(out)).exit_code == 0
    data = json.loads(out.read_text())
    assert "personal health data" in data["about"] and len(data["episodes"]) == 1
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_backup_is_a_readable_private_copy(cli, tmp_path: Path) -> None:
    cli("log", "5", "--at", "03:00")
    target = tmp_path / "copy.db"
    assert cli("backup", "-o", str(target)).exit_code == 0
    assert row_counts(target)["episode"] == 1
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    r = cli("--db", str(target), "list", "--json")
    assert len(json.loads(r.output)["episodes"]) == 1


@pytest.mark.both_engines
def test_moving_or_restoring_a_cramp_onto_a_cramp_free_night_removes_the_mark(cli) -> None:
    cli("log", "5", "--at", "2026-11-20 03:00")
    cli("none", "--night", "2026-11-21")
    cli("edit", "1", "--at", "2026-11-22 03:00")  # now night 21 Nov
    assert json.loads(cli("list", "--json").output)["cramp_free_nights"] == []
    cli("delete", "1")
    cli("none", "--night", "2026-11-21")
    cli("restore", "1")
    data = json.loads(cli("list", "--json").output)
    assert data["cramp_free_nights"] == [] and data["episodes"][0]["night"] == "2026-11-21"


@pytest.mark.both_engines
def test_a_night_that_has_not_ended_cannot_be_marked_cramp_free(cli, monkeypatch) -> None:
    monkeypatch.setenv("CRAMPLOG_NOW", "2026-11-23T20:15:00")
    r = cli("none", "--night", "2026-11-23")
    assert r.exit_code == 2 and "has not ended yet" in r.stderr
    assert cli("none", "--night", "2026-11-22").exit_code == 0


def test_log_with_nothing_to_log_and_no_terminal_is_refused(cli, db_path: Path) -> None:
    r = cli("log")
    assert r.exit_code == 2 and "nothing to log" in r.stderr
    assert row_counts(db_path).get("episode", 0) == 0


@pytest.mark.both_engines
def test_export_holds_doses_aliases_and_notes_and_never_overwrites(cli, tmp_path: Path) -> None:
    cli("meds", "add", "quinine", "--as-needed", "--since", "2026-11-01")
    cli("meds", "take", "quinine", "--at", "2026-11-22 23:00")
    cli("meds", "add", "atorvastatin", "--alias", "Sortis", "--since", "2026-10-01")
    cli("none", "--night", "2026-11-20", "--note", "slept well")
    out = tmp_path / "x.json"
    cli("export", "-o", str(out))
    data = json.loads(out.read_text())
    quinine = next(m for m in data["medications"] if m["name"] == "quinine")
    assert [
        (d["medicine"], d["medication"], d["at"], d["tz"], d["date"]) for d in data["doses"]
    ] == [("quinine", quinine["uid"], "2026-11-22T23:00:00+00:00", "Europe/London", "2026-11-22")]
    assert [(a["alias"], a["generic"]) for a in data["medication_aliases"]] == [
        ("sortis", "atorvastatin")
    ]
    assert [(n["night"], n["note"]) for n in data["cramp_free_nights"]] == [
        ("2026-11-20", "slept well")
    ]
    r = cli("export", "-o", str(out))
    assert r.exit_code == 2 and "exists" in r.stderr
    assert cli("export", "-o", str(out), "--force").exit_code == 0


@pytest.mark.both_engines
def test_a_misspelt_listed_medicine_gets_a_did_you_mean(cli) -> None:
    out = cli("meds", "add", "hydrochlorthiazide").output
    assert "Did you mean hydrochlorothiazide?" in out
    assert "Did you mean" not in cli("meds", "add", "metformin").output


@pytest.mark.both_engines
def test_shoe_names_match_whatever_the_case_in_any_alphabet(cli) -> None:
    assert cli("shoes", "add", "Łapcie").exit_code == 0
    assert cli("day", "--shoes", "łapcie:2").exit_code == 0
    assert cli("shoes", "add", "ŁAPCIE").exit_code == 2
    (day,) = json.loads(cli("list", "--json").output)["days"]
    assert day["shoes"][0]["name"] == "Łapcie"


@pytest.mark.both_engines
def test_a_command_that_changes_nothing_does_not_offer_an_undo(cli) -> None:
    cli("log", "3", "--at", "2026-11-20 03:00")
    assert "Undo with" in cli("none", "--night", "2026-11-21").output
    again = cli("none", "--night", "2026-11-21").output
    assert "Undo with" not in again and "already recorded" in again
    assert "logged cramp" not in cli("undo").output  # undid the first `none`, as said


@pytest.mark.both_engines
def test_edit_with_an_empty_note_takes_the_note_away(cli) -> None:
    import json

    assert (
        cli("log", "5", "--at", "03:00", "--note", "cold feet", "--relief", "walked").exit_code == 0
    )
    r = cli("edit", "1", "--note", "", "--relief", "")
    assert r.exit_code == 0, r.output
    episode = json.loads(cli("show", "1", "--json").output)
    assert episode["note"] is None and episode["relief"] is None
    assert cli("undo").exit_code == 0
    episode = json.loads(cli("show", "1", "--json").output)
    assert episode["note"] == "cold feet" and episode["relief"] == "walked"
