"""The words people use, checked as a person would: what is stored, what is refused and how.

Each refusal is one line on stderr naming the field, exit 2, and the diary unchanged; each
accepted word is checked by the value `list --json` (or `meds list --json`) then shows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import row_counts

from cramplog import models, words
from cramplog.errors import InputError
from cramplog.units import parse_minutes, parse_water


def refused(cli, db_path: Path, *args: str) -> str:
    """Run a command that must be refused; return its one stderr line."""
    before = row_counts(db_path)
    r = cli(*args)
    assert r.exit_code == 2, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert row_counts(db_path) == before
    return lines[0]


def test_the_word_tables_store_only_the_models_choices() -> None:
    # words.py keeps its own copy so the logging path needs no model import: they must agree.
    assert words.SITES == models.SITES and words.SIDES == models.SIDES
    assert words.FITS == models.FITS and words.SHOE_KINDS == models.SHOE_KINDS
    assert words.SIGNS == models.SIGNS
    for what, (choices, table) in words._TABLES.items():
        assert set(table.values()) <= set(choices), what


# --- sites, sides, kinds ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site", "stored"),
    [
        ("calves", "calf"),
        ("Calf", "calf"),
        ("toe", "toes"),
        ("big toe", "toes"),
        ("Big-Toe", "toes"),
        ("feet", "foot"),
        ("arches", "arch"),
        ("thighs", "thigh"),
        ("hamstring", "thigh"),
    ],
)
def test_log_reads_everyday_site_words(cli, site: str, stored: str) -> None:
    assert cli("log", "5", "--at", "03:10", "--site", site).exit_code == 0
    (e,) = json.loads(cli("list", "--json").output)["episodes"]
    assert e["site"] == stored


@pytest.mark.parametrize(
    ("side", "stored"),
    [
        ("l", "left"),
        ("L", "left"),
        ("Left", "left"),
        ("r", "right"),
        ("R", "right"),
        ("right leg", "right"),
        ("b", "both"),
        ("both legs", "both"),
        ("BOTH", "both"),
    ],
)
def test_log_reads_sides_in_any_case(cli, side: str, stored: str) -> None:
    assert cli("log", "5", "--at", "03:10", "--side", side).exit_code == 0
    (e,) = json.loads(cli("list", "--json").output)["episodes"]
    assert e["side"] == stored


def test_edit_reads_the_same_words(cli) -> None:
    cli("log", "5", "--at", "03:10", "--site", "calf", "--side", "left")
    assert cli("edit", "1", "--site", "big toe", "--side", "r").exit_code == 0
    (e,) = json.loads(cli("list", "--json").output)["episodes"]
    assert (e["site"], e["side"]) == ("toes", "right")


def test_an_unknown_site_is_refused_with_did_you_mean(cli, db_path: Path) -> None:
    cli("log", "4", "--at", "03:00")
    line = refused(cli, db_path, "log", "5", "--at", "03:10", "--site", "clf")
    assert line == (
        "cramplog: --site: 'clf' is not known (accepted: toes/foot/arch/calf/thigh/other); "
        "did you mean calf?"
    )
    line = refused(cli, db_path, "log", "5", "--side", "lfet")
    assert "--side" in line and "left/right/both" in line and "did you mean left?" in line
    # a word that resembles nothing is refused without a guess
    line = refused(cli, db_path, "log", "5", "--site", "zzzz")
    assert "did you mean" not in line and "toes/foot/arch/calf/thigh/other" in line


@pytest.mark.parametrize(
    ("kind", "stored"),
    [
        ("sneakers", "trainers"),
        ("running shoes", "trainers"),
        ("Tennis Shoes", "trainers"),
        ("trainer", "trainers"),
        ("pumps", "heels"),
        ("stilettos", "heels"),
        ("high heels", "heels"),
        ("wellies", "boots"),
        ("work boots", "boots"),
        ("flip-flops", "sandals"),
        ("slipper", "slippers"),
        ("ballet flats", "flats"),
    ],
)
def test_shoe_kinds_in_everyday_words(cli, kind: str, stored: str) -> None:
    assert cli("shoes", "add", "my pair", "--kind", kind).exit_code == 0
    (shoe,) = json.loads(cli("shoes", "list", "--json").output)
    assert shoe["kind"] == stored


def test_shoe_fit_words_and_refusals(cli, db_path: Path) -> None:
    assert cli("shoes", "add", "court", "--fit", "too small", "--kind", "pumps").exit_code == 0
    assert cli("shoes", "edit", "court", "--fit", "Too Big").exit_code == 0
    (shoe,) = json.loads(cli("shoes", "list", "--json").output)
    assert (shoe["fit"], shoe["kind"]) == ("loose", "heels")
    line = refused(cli, db_path, "shoes", "add", "x", "--kind", "sneekers")
    assert "--kind" in line and "did you mean trainers?" in line
    line = refused(cli, db_path, "shoes", "edit", "court", "--kind", "hells")
    assert "did you mean heels" in line


def test_an_unknown_shoe_name_gets_did_you_mean(cli, db_path: Path) -> None:
    cli("shoes", "add", "work boots", "--fit", "tight")
    line = refused(cli, db_path, "day", "--shoes", "work boot:8")
    assert line.startswith("cramplog: --shoes: no pair called 'work boot'")
    assert "did you mean work boots?" in line
    line = refused(cli, db_path, "shoes", "edit", "wrok boots", "--fit", "good")
    assert "NAME" in line and "did you mean work boots?" in line


def test_activities_fold_common_forms_and_keep_others_as_typed(cli) -> None:
    r = cli(
        "day",
        "--date",
        "2026-11-20",
        "--activity",
        "Walked",
        "--activity",
        "jogging, weights",
        "--activity",
        "Nordic Skiing",
    )
    assert r.exit_code == 0, r.output
    (day,) = json.loads(cli("list", "--json").output)["days"]
    assert day["activities"] == ["walking", "running", "strength", "nordic skiing"]


# --- durations and water ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1m30s", 1.5),
        ("1m 30s", 1.5),
        ("90s", 1.5),
        ("1.5 min", 1.5),
        ("2 minutes", 2),
        ("1 minute and 30 seconds", 1.5),
        ("1h30m", 90),
        ("45 sec", 0.75),
    ],
)
def test_durations_as_people_write_them(text: str, minutes: float) -> None:
    assert parse_minutes(text, "--minutes", 240) == minutes


def test_log_minutes_1m30s_is_stored_as_one_and_a_half(cli) -> None:
    assert cli("log", "5", "--at", "03:10", "--minutes", "1m30s").exit_code == 0
    (e,) = json.loads(cli("list", "--json").output)["episodes"]
    assert e["minutes"] == 1.5


@pytest.mark.parametrize("text", ["1m30x", "m30s", "1s30m", "30s1m"])
def test_durations_that_cannot_be_read_are_refused(text: str) -> None:
    with pytest.raises(InputError, match="1m30s"):
        parse_minutes(text, "--minutes", 240)


@pytest.mark.parametrize(
    ("text", "ml"),
    [
        ("50oz", 1479),
        ("50 fl oz", 1479),
        ("50 fl. oz", 1479),
        ("6 cups", 1420),  # US cups of 8 fl oz: 6 x 236.6 mL
        ("1.5L", 1500),
        ("1500ml", 1500),
        ("6glasses", 1500),
        ("64 ounces", 1893),
    ],
)
def test_water_in_us_and_metric_units(text: str, ml: int) -> None:
    assert parse_water(text) == ml


def test_day_water_in_us_units_is_stored_in_ml(cli) -> None:
    assert cli("day", "--date", "2026-11-20", "--water", "50 fl oz").exit_code == 0
    (day,) = json.loads(cli("list", "--json").output)["days"]
    assert day["water_ml"] == 1479


def test_low_water_setting_in_us_units_is_stored_in_ml(cli, db_path: Path) -> None:
    r = cli("config", "set", "low_water", "50oz")
    assert r.exit_code == 0 and r.output.strip() == "low_water_ml = 1479 (1.48 L)"
    assert cli("config", "set", "units", "us").exit_code == 0
    r = cli("config", "set", "low_water", "50oz")
    assert r.output.strip() == "low_water_ml = 1479 (50 fl oz)"  # read back in the diary's units
    assert json.loads(cli("config", "show", "--json").output)["low_water_ml"] == 1479
    assert cli("config", "set", "low_water_ml", "6 cups").exit_code == 0
    assert json.loads(cli("config", "show", "--json").output)["low_water_ml"] == 1420
    assert cli("config", "set", "low_water_ml", "2000").exit_code == 0  # plain mL as before
    assert json.loads(cli("config", "show", "--json").output)["low_water_ml"] == 2000
    line = refused(cli, db_path, "config", "set", "low_water", "a lot")
    assert "low_water_ml" in line and "whole number of mL" in line and "50oz" in line
    cli("undo")
    assert json.loads(cli("config", "show", "--json").output)["low_water_ml"] == 1420


# --- shoes on a day --------------------------------------------------------------------------


def _day_shoes(cli) -> list[tuple[str, float | None]]:
    (day,) = json.loads(cli("list", "--json").output)["days"]
    return [(s["name"], s["hours"]) for s in day["shoes"]]


def test_day_shoes_add_up_and_come_off(cli, db_path: Path) -> None:
    cli("shoes", "add", "work boots", "--fit", "tight", "--kind", "work boots")
    cli("shoes", "add", "slippers", "--kind", "slippers")
    cli("day", "--date", "2026-11-20", "--shoes", "work boots:9")
    cli("day", "--date", "2026-11-20", "--shoes", "slippers:3")
    assert _day_shoes(cli) == [("work boots", 9.0), ("slippers", 3.0)]
    # the same pair again changes its hours, and without hours keeps them
    cli("day", "--date", "2026-11-20", "--shoes", "Work Boots:10")
    cli("day", "--date", "2026-11-20", "--shoes", "slippers")
    assert _day_shoes(cli) == [("work boots", 10.0), ("slippers", 3.0)]
    r = cli("day", "--date", "2026-11-20", "--remove-shoes", "slippers")
    assert r.exit_code == 0 and "shoes work boots 10 h" in r.output
    assert _day_shoes(cli) == [("work boots", 10.0)]
    line = refused(cli, db_path, "day", "--date", "2026-11-20", "--remove-shoes", "slippers")
    assert line == (
        "cramplog: --remove-shoes: 'slippers' is not recorded on 2026-11-20 "
        "(accepted: a pair worn that day: work boots)"
    )
    cli("undo")
    assert _day_shoes(cli) == [("work boots", 10.0), ("slippers", 3.0)]
    # clearing leaves the day's shoes unknown; with --shoes it replaces them
    cli("day", "--date", "2026-11-20", "--clear-shoes", "--shoes", "slippers:1")
    assert _day_shoes(cli) == [("slippers", 1.0)]
    cli("day", "--date", "2026-11-20", "--clear-shoes")
    assert _day_shoes(cli) == []
    cli("undo")
    assert _day_shoes(cli) == [("slippers", 1.0)]


def test_day_help_says_how_shoes_add_and_come_off(cli) -> None:
    out = cli("day", "--help").output
    assert "--remove-shoes" in out and "--clear-shoes" in out and "Adds to" in out


def test_renaming_a_pair_onto_another_is_one_line(cli, db_path: Path) -> None:
    cli("shoes", "add", "a")
    cli("shoes", "add", "b")
    line = refused(cli, db_path, "shoes", "edit", "a", "--name", "B")
    assert (
        line
        == "cramplog: --name: a pair called 'b' exists; nothing was changed; choose another name"
    )
    assert cli("shoes", "edit", "a", "--name", "A").exit_code == 0  # its own name, new case
    assert [s["name"] for s in json.loads(cli("shoes", "list", "--json").output)] == ["A", "b"]
    line = refused(cli, db_path, "shoes", "edit", "A", "--name", "x:y")
    assert "--name" in line and "without ':'" in line


# --- medicines -------------------------------------------------------------------------------


def _meds(cli) -> dict[str, dict]:
    return {m["name"]: m for m in json.loads(cli("meds", "list", "--json").output)}


def test_hctz_is_recorded_as_hydrochlorothiazide_everywhere(cli) -> None:
    r = cli("meds", "add", "HCTZ", "--since", "2026-10-01", "--dose", "25 mg")
    assert r.exit_code == 0, r.output
    assert "Added hydrochlorothiazide, 25 mg, regular, since 2026-10-01." in r.output
    assert "HCTZ is an abbreviation of hydrochlorothiazide" in r.output
    assert "ISMP list of error-prone abbreviations" in r.output
    assert "thiazide and thiazide-like diuretics" in r.output and "GAR2012" in r.output
    (med,) = _meds(cli).values()
    assert med["name"] == "hydrochlorothiazide" and med["cramp_associated"] is True
    assert med["class"] == "thiazide and thiazide-like diuretics"
    assert "Garrison SR" in med["source"]
    # the abbreviation names the same record afterwards
    assert cli("meds", "stop", "hctz", "--on", "2026-11-10").exit_code == 0
    assert _meds(cli)["hydrochlorothiazide"]["stopped"] == "2026-11-10"


def test_hctz_is_a_medicine_in_insights(cli) -> None:
    cli("meds", "add", "HCTZ", "--since", "2026-11-01")
    for day in range(1, 23):
        cli("none", "--night", f"2026-11-{day:02d}")
    data = json.loads(cli("insights", "--json").output)
    text = json.dumps(data)
    assert "medication:hydrochlorothiazide" in text and "medication:hctz" not in text


def test_a_combination_brand_records_its_listed_ingredient_with_a_note(cli) -> None:
    r = cli("meds", "add", "Advair", "--since", "2026-10-01")
    assert "Advair is a brand of salmeterol, with fluticasone" in r.output
    assert _meds(cli)["salmeterol"]["class"] == "long-acting beta-agonists (inhaled)"


def test_an_alias_may_not_be_another_medicines_name(cli, db_path: Path) -> None:
    cli("meds", "add", "atorvastatin", "--since", "2026-10-01")
    line = refused(cli, db_path, "meds", "add", "amlodipine", "--alias", "atorvastatin")
    assert line.startswith("cramplog: --alias: 'atorvastatin' is the generic name of a medicine")
    line = refused(cli, db_path, "meds", "add", "amlodipine", "--alias", "simvastatin")
    assert "--alias" in line  # listed generics too, even if not in this diary
    line = refused(cli, db_path, "meds", "add", "amlodipine", "--alias", "Lasix")
    assert line.startswith("cramplog: --alias: 'lasix' is a brand of furosemide, not of amlodipine")
    r = cli("meds", "add", "amlodipine", "--alias", "Norvasc", "--since", "2026-10-01")
    assert r.exit_code == 0
    line = refused(cli, db_path, "meds", "add", "metformin", "--alias", "norvasc")
    assert "'norvasc' already names amlodipine" in line
    # meds stop atorvastatin stops atorvastatin, whatever aliases exist
    cli("meds", "stop", "atorvastatin", "--on", "2026-11-01")
    meds = _meds(cli)
    assert meds["atorvastatin"]["stopped"] == "2026-11-01" and meds["amlodipine"]["stopped"] is None
    assert cli("meds", "stop", "NORVASC", "--on", "2026-11-02").exit_code == 0
    assert _meds(cli)["amlodipine"]["stopped"] == "2026-11-02"


def test_meds_edit_fixes_a_typo_and_undo_restores_it(cli, db_path: Path) -> None:
    r = cli("meds", "add", "atorvastatn", "--since", "2026-10-01")
    assert "Did you mean atorvastatin?" in r.output and "meds edit" in r.output
    assert _meds(cli)["atorvastatn"]["cramp_associated"] is False
    r = cli("meds", "edit", "atorvastatn", "--name", "Lipitor", "--dose", "20 mg")
    assert r.exit_code == 0, r.output
    assert "Medicine: atorvastatin, 20 mg, regular, since 2026-10-01." in r.output
    med = _meds(cli)["atorvastatin"]
    assert med["cramp_associated"] is True and med["dose"] == "20 mg"
    cli("undo")
    assert list(_meds(cli)) == ["atorvastatn"] and _meds(cli)["atorvastatn"]["dose"] is None
    # dates and regular / as needed
    assert (
        cli("meds", "edit", "atorvastatn", "--started", "2026-09-15", "--as-needed").exit_code == 0
    )
    med = _meds(cli)["atorvastatn"]
    assert med["started"] == "2026-09-15" and med["as_needed"] is True
    cli("meds", "edit", "atorvastatn", "--stopped", "2026-11-01", "--regular")
    assert _meds(cli)["atorvastatn"]["stopped"] == "2026-11-01"
    cli("meds", "edit", "atorvastatn", "--still-taking")
    assert _meds(cli)["atorvastatn"]["stopped"] is None
    line = refused(cli, db_path, "meds", "edit", "atorvastatn", "--stopped", "2026-09-01")
    assert "--stopped" in line and "before the start date 2026-09-15" in line
    line = refused(cli, db_path, "meds", "edit", "atorvastatin", "--dose", "10 mg")
    assert "no medicine called 'atorvastatin'" in line and "did you mean atorvastatn?" in line


def test_meds_edit_onto_an_existing_medicine_is_one_line(cli, db_path: Path) -> None:
    cli("meds", "add", "atorvastatin", "--since", "2026-10-01")
    cli("meds", "add", "simvastatin", "--since", "2026-10-01")
    line = refused(cli, db_path, "meds", "edit", "simvastatin", "--name", "atorvastatin")
    assert line == (
        "cramplog: --name: atorvastatin is already on your list (since 2026-10-01); nothing was "
        "changed; remove one of the two first: cramplog meds remove NAME"
    )
    line = refused(cli, db_path, "meds", "edit", "simvastatin", "--name", "Lipitor")
    assert "atorvastatin is already on your list" in line
    # an earlier, finished course of the same medicine is history, not a clash
    cli("meds", "edit", "atorvastatin", "--started", "2025-01-01", "--stopped", "2025-06-30")
    assert cli("meds", "edit", "simvastatin", "--name", "atorvastatin").exit_code == 0
    rows = json.loads(cli("meds", "list", "--json").output)
    assert [(m["name"], m["started"], m["stopped"]) for m in rows] == [
        ("atorvastatin", "2026-10-01", None),
        ("atorvastatin", "2025-01-01", "2025-06-30"),
    ]


def test_meds_remove_takes_the_doses_and_undo_brings_all_back(cli, db_path: Path) -> None:
    cli("meds", "add", "naproxn", "--as-needed", "--alias", "my pills", "--since", "2026-11-01")
    cli("meds", "take", "naproxn", "--at", "2026-11-20 09:00")
    cli("meds", "take", "my pills", "--at", "2026-11-21 09:00")
    before = row_counts(db_path)
    r = cli("meds", "remove", "my pills")
    assert r.exit_code == 0 and "Removed naproxn, as needed, since 2026-11-01." in r.output
    after = row_counts(db_path)
    assert (after["medication"], after["dose"], after["medication_alias"]) == (0, 0, 0)
    assert "Undone: removed medicine naproxn, as needed" in cli("undo").output
    assert row_counts(db_path)["dose"] == before["dose"] == 2
    assert row_counts(db_path)["medication_alias"] == 1
    assert list(_meds(cli)) == ["naproxn"]
    line = refused(cli, db_path, "meds", "remove", "ibuprofen")
    assert "no medicine called 'ibuprofen'" in line


# --- conditions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("type 2 diabetes", "diabetes"),
        ("Diabetic", "diabetes"),
        ("neuropathy", "neuropathy"),
        ("underactive thyroid", "thyroid"),
        ("Hypothyroidism", "thyroid"),
        ("kidney disease", "kidney-disease"),
        ("on dialysis", "kidney-disease"),
        ("CKD", "kidney-disease"),
        ("pregnant", "pregnancy"),
        ("Parkinson's", "parkinsons"),
    ],
)
def test_everyday_condition_words_store_the_known_id(cli, typed: str, stored: str) -> None:
    assert cli("profile", "set", "--condition", typed).exit_code == 0
    assert json.loads(cli("profile", "show", "--json").output)["conditions"] == [stored]


def test_other_conditions_are_kept_as_typed_and_shown(cli, db_path: Path) -> None:
    r = cli(
        "profile",
        "set",
        "--condition",
        "High  blood pressure",
        "--condition",
        "type 2 diabetes",
        "--condition",
        "high blood pressure",
    )
    assert r.exit_code == 0, r.output
    assert r.output.strip() == (
        "Profile: birth year not set; conditions: High blood pressure, diabetes."
    )
    assert json.loads(cli("profile", "show", "--json").output)["conditions"] == [
        "High blood pressure",
        "diabetes",
    ]
    shown = cli("profile", "show").output
    assert "Condition: High blood pressure (as you wrote it)" in shown
    assert "Condition: diabetes (linked with cramps by" in shown
    # a near miss is kept, and the person is told
    r = cli("profile", "set", "--condition", "diabetis")
    assert "'diabetis' is kept as you wrote it. Did you mean diabetes?" in r.output
    cli("undo")
    assert cli("profile", "set", "--remove-condition", "HIGH BLOOD PRESSURE").exit_code == 0
    assert json.loads(cli("profile", "show", "--json").output)["conditions"] == ["diabetes"]
    line = refused(cli, db_path, "profile", "set", "--remove-condition", "asthma")
    assert line == (
        "cramplog: --remove-condition: 'asthma' is not on your profile (accepted: diabetes)"
    )


# --- the morning check-in --------------------------------------------------------------------


def test_checkin_first_question_shows_no_default_and_enter_leaves_the_night_unknown(cli) -> None:
    r = cli("log", "--guided", input="\n" * 8)
    assert r.exit_code == 0, r.output
    assert "[0]" not in r.output
    assert "Enter skips any question and leaves it unknown." in r.output
    assert "Nothing was saved: every question was skipped." in r.output
    data = json.loads(cli("list", "--json").output)
    assert data == {"episodes": [], "cramp_free_nights": [], "days": []}


def test_checkin_enter_on_cramps_keeps_the_night_unknown_but_saves_the_day(cli) -> None:
    r = cli("log", "--guided", input="\n".join(["", "1.5L", "", "", "", "", ""]) + "\n")
    assert r.exit_code == 0, r.output
    assert "not logged (skipped)" in r.output
    data = json.loads(cli("list", "--json").output)
    assert data["cramp_free_nights"] == [] and data["episodes"] == []
    assert data["days"][0]["water_ml"] == 1500


@pytest.mark.parametrize("answer", ["0", "no", "None", "n"])
def test_checkin_saves_a_cramp_free_night_only_on_a_clear_no(cli, answer: str) -> None:
    r = cli("log", "--guided", input=answer + "\n" * 7)
    assert r.exit_code == 0, r.output
    assert json.loads(cli("list", "--json").output)["cramp_free_nights"] == ["2026-11-22"]


def test_checkin_asks_again_for_yes_and_reads_everyday_words(cli) -> None:
    answers = ["yes", "1", "03:10", "", "calves", "r", "1m30s", "", "", "50oz", "", "", "", "", ""]
    r = cli("log", "--guided", input="\n".join(answers) + "\n")
    assert r.exit_code == 0, r.output
    assert "how many?" in r.output
    data = json.loads(cli("list", "--json").output)
    (e,) = data["episodes"]
    assert (e["site"], e["side"], e["minutes"], e["severity"]) == ("calf", "right", 1.5, None)
    assert data["days"][0]["water_ml"] == 1479 and data["cramp_free_nights"] == []


def test_checkin_shoes_get_did_you_mean_and_add_to_the_day(cli) -> None:
    cli("shoes", "add", "work boots")
    cli("shoes", "add", "slippers")
    cli("day", "--date", "2026-11-22", "--shoes", "slippers:2")
    answers = ["0", "", "", "", "work boot:9", "work boots:9", "", ""]
    r = cli("log", "--guided", input="\n".join(answers) + "\n")
    assert r.exit_code == 0, r.output
    assert "did you mean work boots?" in r.output
    assert _day_shoes(cli) == [("slippers", 2.0), ("work boots", 9.0)]


def test_a_medicine_recorded_as_hctz_before_is_still_read_and_can_be_renamed(
    cli, db_path: Path
) -> None:
    import sqlite3

    cli("meds", "add", "hydrochlorothiazide", "--since", "2026-10-01")
    with sqlite3.connect(db_path) as conn:  # as an older cramplog stored it: the name as typed
        conn.execute("UPDATE medication SET name = 'hctz'")
    assert _meds(cli)["hctz"]["cramp_associated"] is True  # flags read the shipped name too
    assert cli("meds", "stop", "HCTZ", "--on", "2026-11-01").exit_code == 0
    assert cli("meds", "edit", "hctz", "--name", "hydrochlorothiazide").exit_code == 0
    med = _meds(cli)["hydrochlorothiazide"]
    assert (med["started"], med["stopped"]) == ("2026-10-01", "2026-11-01")


def test_free_text_conditions_do_not_trouble_check_or_the_packet(cli, tmp_path: Path) -> None:
    cli("profile", "set", "--condition", "high blood pressure", "--condition", "diabetic")
    # --woke: with waking unknown, main's packet fails in report._percent (woke_nights is now
    # None); that is the reports branch's to fix, and not what this test is about.
    cli("log", "5", "--at", "2026-11-21 03:00", "--woke")
    r = cli("check", "--json")
    assert r.exit_code == 0, r.output
    assert [c["id"] for c in json.loads(r.output)["conditions"]] == ["diabetes"]
    r = cli("report", "appointment", "-o", str(tmp_path / "a.pdf"))
    assert r.exit_code == 0, r.output


def test_a_misspelt_setting_gets_did_you_mean(cli, db_path: Path) -> None:
    cli("log", "4", "--at", "03:00")
    line = refused(cli, db_path, "config", "set", "low_watr_ml", "2000")
    assert line.startswith("cramplog: key: no setting called 'low_watr_ml' (accepted: ")
    assert line.endswith("did you mean low_water_ml or low_water?")


def test_a_medicine_started_in_a_month_or_a_year_remembered(cli) -> None:
    r = cli("meds", "add", "lipitor", "--since", "2020")
    assert r.exit_code == 0 and "Start taken as Wed 1 Jan 2020 (from '2020')" in r.output
    r = cli("meds", "add", "hctz", "--since", "Mar 2026")
    assert r.exit_code == 0 and "Start taken as Sun 1 Mar 2026" in r.output
    meds = {m["name"]: m["started"] for m in json.loads(cli("meds", "list", "--json").output)}
    assert meds == {"atorvastatin": "2020-01-01", "hydrochlorothiazide": "2026-03-01"}
    assert cli("meds", "add", "zocor", "--since", "2030").exit_code == 2  # not in the future
