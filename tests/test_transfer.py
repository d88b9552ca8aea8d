"""Data in and out, as a person checks it: export, import into a new computer's diary, export
again and compare; import twice; a changed entry; a spreadsheet's edits; a clinic's FHIR; a
backup put back; deleted cramps removed for good.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import stat
import zipfile
from contextlib import closing
from pathlib import Path

import pytest
from conftest import export_json, row_counts

FORMULA_NOTE = '=HYPERLINK("http://example.com","click")'
NEGATIVE_NOTE = "-5 degrees outside, feet cold"


@pytest.fixture
def full(cli, db_path: Path) -> Path:
    """A diary with one of everything, including the awkward cases."""
    cli("profile", "set", "--birth-year", "1952", "--name", "Margaret")
    cli("profile", "set", "--condition", "type 2 diabetes", "--condition", "sore knees")
    cli("config", "set", "low_water_ml", "1200")
    cli("shoes", "add", "work boots", "--fit", "tight", "--kind", "boots")
    cli("shoes", "add", "slippers", "--kind", "slippers")
    cli(
        "log",
        "7",
        "--at",
        "2026-11-20 03:10",
        "--site",
        "calf",
        "--side",
        "left",
        "--woke",
        "--minutes",
        "2.5",
        "--note",
        FORMULA_NOTE,
    )
    cli("log", "4", "--at", "2026-11-21 04:00", "--site", "toes", "--note", NEGATIVE_NOTE)
    cli("log", "3", "--at", "2026-11-19 02:00", "--site", "foot")
    cli("delete", "3")
    cli("none", "--night", "2026-11-18", "--note", "'quoted' and, commas\nsecond line")
    cli(
        "day",
        "--date",
        "2026-11-20",
        "--water",
        "1.5L",
        "--exercise",
        "30",
        "--shoes",
        "work boots:9",
        "--note",
        "@home all day",
    )
    cli("meds", "add", "quinine", "--as-needed", "--since", "2026-11-01")
    cli("meds", "take", "quinine", "--at", "2026-11-22 23:00")
    cli("meds", "add", "atorvastatin", "--alias", "Sortis", "--since", "2026-10-01")
    with closing(sqlite3.connect(db_path)) as conn:  # fields only a health import or a later
        conn.execute(  # cramplog sets today
            'UPDATE day SET steps = 8042, sources = \'{"steps": "apple-health"}\''
        )
        conn.execute("UPDATE person SET cramps_since = '2026-03-01'")
        conn.commit()
    return db_path


def test_export_import_export_is_the_same_diary(cli, full: Path, tmp_path: Path) -> None:
    first = export_json(cli, full, tmp_path / "a.json")
    assert first["format"] == "cramplog-diary" and first["format_version"] == 3
    assert first["profile"]["name"] == "Margaret" and first["profile"]["birth_year"] == 1952
    assert first["profile"]["cramps_since"] == "2026-03-01"
    assert "sore knees" in first["profile"]["conditions"]
    deleted = [e for e in first["episodes"] if e["deleted"]]
    assert len(deleted) == 1 and deleted[0]["deleted_at"] and deleted[0]["created_at"]
    assert first["days"][0]["steps"] == 8042
    assert first["days"][0]["sources"] == {"steps": "apple-health"}
    assert first["cramp_free_nights"][0]["note"].endswith("second line")
    assert first["doses"][0]["medication"] == first["medications"][1]["uid"] or any(
        m["uid"] == first["doses"][0]["medication"] for m in first["medications"]
    )
    assert first["medication_aliases"][0]["alias"] == "sortis"
    assert first["settings"]["low_water_ml"] == "1200"
    assert all(row["uid"] for key in ("episodes", "days", "shoes", "doses") for row in first[key])

    new = tmp_path / "new computer.db"
    r = cli("--db", str(new), "import", str(tmp_path / "a.json"))
    assert r.exit_code == 0, r.stderr
    assert "Undo with: cramplog undo" in r.output
    assert export_json(cli, new, tmp_path / "b.json") == first


def test_importing_the_same_file_twice_adds_nothing(cli, full: Path, tmp_path: Path) -> None:
    export_json(cli, full, tmp_path / "a.json")
    new = tmp_path / "b.db"
    cli("--db", str(new), "import", str(tmp_path / "a.json"))
    before = row_counts(new)
    r = cli("--db", str(new), "import", str(tmp_path / "a.json"))
    assert r.exit_code == 0
    assert "In all: added 0, changed 0" in r.output and "Nothing new to add." in r.output
    after = row_counts(new)
    assert after == before  # not even an empty change for undo
    # and into the diary it came from: every row is already there
    r = cli("import", str(tmp_path / "a.json"))
    assert "In all: added 0, changed 0" in r.output


def test_import_is_one_undoable_change(cli, full: Path, tmp_path: Path) -> None:
    export_json(cli, full, tmp_path / "a.json")
    new = tmp_path / "b.db"
    cli("--db", str(new), "log", "2", "--at", "2026-11-22 05:00")
    cli("--db", str(new), "import", str(tmp_path / "a.json"))
    assert row_counts(new)["episode"] == 4
    r = cli("--db", str(new), "undo")
    assert r.exit_code == 0, r.stderr
    counts = row_counts(new)
    assert counts["episode"] == 1 and counts["day"] == 0 and counts["dose"] == 0


def _edited(src: Path, dst: Path) -> None:
    data = json.loads(src.read_text())
    victim = next(e for e in data["episodes"] if e["severity"] == 7)
    victim["severity"] = 9
    victim["note"] = "changed on the laptop"
    dst.write_text(json.dumps(data))


def test_a_changed_entry_is_a_conflict_listed_by_dry_run(cli, full: Path, tmp_path: Path) -> None:
    export_json(cli, full, tmp_path / "a.json")
    _edited(tmp_path / "a.json", tmp_path / "edited.json")
    before = row_counts(full)
    r = cli("import", str(tmp_path / "edited.json"), "--dry-run")
    assert r.exit_code == 0
    assert "1 in both, differently: the diary's version is kept (the default" in r.output
    assert "severity diary 7, file 9" in r.output and "Dry run: nothing was written." in r.output
    assert row_counts(full) == before

    r = cli("import", str(tmp_path / "edited.json"))
    shown = json.loads(cli("list", "--json").output)["episodes"]
    assert [e["severity"] for e in shown if e["night"] == "2026-11-19"] == [7]

    r = cli("import", str(tmp_path / "edited.json"), "--prefer", "file")
    assert "the file's version is taken (--prefer file)" in r.output
    assert "changed 1" in r.output
    shown = json.loads(cli("list", "--json").output)["episodes"]
    assert [(e["severity"], e["note"]) for e in shown if e["night"] == "2026-11-19"] == [
        (9, "changed on the laptop")
    ]


def test_an_unversioned_export_from_before_still_imports(cli, tmp_path: Path) -> None:
    old = {
        "about": "cramplog diary export: personal health data. Keep it private.",
        "exported_at": "2026-11-01T09:00:00+00:00",
        "profile": {"birth_year": 1948, "conditions": ["diabetes"]},
        "settings": {"day_boundary": "12:00", "low_water_ml": 1000},
        "episodes": [
            {
                "id": 1,
                "night": "2026-10-20",
                "at": "2026-10-21T03:10+01:00",
                "tz": "Europe/London",
                "severity": 6,
                "site": "calf",
                "side": "right",
                "minutes": 3.0,
                "woke": True,
                "relief": "stretching",
                "signs": [],
                "note": None,
                "deleted": False,
            },
        ],
        "cramp_free_nights": ["2026-10-22"],
        "night_notes": {"2026-10-22": "slept well"},
        "days": [
            {
                "date": "2026-10-20",
                "water_ml": 1800,
                "exercise_minutes": None,
                "activities": ["walking"],
                "stretched": True,
                "shoes": [{"name": "trainers", "fit": "good", "kind": "trainers", "hours": 4}],
                "alcohol": None,
                "caffeine": 2,
                "sitting_hours": None,
                "note": None,
            }
        ],
        "shoes": [{"name": "trainers", "fit": "good", "kind": "trainers", "retired": False}],
        "medications": [
            {
                "name": "quinine",
                "dose": None,
                "as_needed": True,
                "started": "2026-10-01",
                "stopped": None,
                "summary": "quinine",
            }
        ],
        "medication_aliases": {"qvar": "quinine"},
        "doses": [{"medicine": "quinine", "at": "2026-10-20T23:00+01:00", "date": "2026-10-20"}],
    }
    path = tmp_path / "old-export.json"
    path.write_text(json.dumps(old))
    r = cli("import", str(path))
    assert r.exit_code == 0, r.stderr
    data = json.loads(cli("list", "--json", "--all").output)
    assert data["episodes"][0]["severity"] == 6 and data["cramp_free_nights"] == ["2026-10-22"]
    assert data["days"][0]["shoes"][0]["name"] == "trainers"
    r = cli("import", str(path))
    assert "In all: added 0, changed 0" in r.output


# --- CSV ----------------------------------------------------------------------------------


def _members(path: Path) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(path) as zf:
        return {
            n: list(csv.reader(io.StringIO(zf.read(n).decode("utf-8-sig"), newline="")))
            for n in zf.namelist()
            if n.endswith(".csv")
        }


def test_csv_round_trip_brings_notes_back_exactly_and_guards_formulas(
    cli, full: Path, tmp_path: Path
) -> None:
    first = export_json(cli, full, tmp_path / "a.json")
    zpath = tmp_path / "diary.zip"
    assert cli("export", "--format", "csv", "-o", str(zpath)).exit_code == 0
    assert stat.S_IMODE(zpath.stat().st_mode) == 0o600
    tables = _members(zpath)
    header, *rows = tables["episodes.csv"]
    notes = [r[header.index("note")] for r in rows]
    assert "'" + FORMULA_NOTE in notes and "'" + NEGATIVE_NOTE in notes
    assert not any(
        cell.startswith(("=", "+", "-", "@")) for t in tables.values() for row in t for cell in row
    )
    day_header, day_row = tables["days.csv"][:2]
    assert day_row[day_header.index("date")] == "2026-11-20"
    at = rows[0][header.index("at")]
    assert at.endswith("+00:00") and at.startswith("2026-11-")

    new = tmp_path / "b.db"
    r = cli("--db", str(new), "import", str(zpath))
    assert r.exit_code == 0, r.stderr
    again = export_json(cli, new, tmp_path / "b.json")
    assert again == first
    notes = {e["note"] for e in again["episodes"]}
    assert FORMULA_NOTE in notes and NEGATIVE_NOTE in notes
    r = cli("--db", str(new), "import", str(zpath))
    assert "In all: added 0, changed 0" in r.output


def _rewrite(src: Path, dst: Path, name: str, edit) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.namelist():
            data = zin.read(item)
            if item == name:
                rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
                edit(rows)
                out = io.StringIO(newline="")
                csv.writer(out).writerows(rows)
                data = out.getvalue().encode("utf-8")
            zout.writestr(item, data)


def test_rows_added_in_a_spreadsheet_are_added(cli, full: Path, tmp_path: Path) -> None:
    zpath = tmp_path / "diary.zip"
    cli("export", "--format", "csv", "-o", str(zpath))

    def add(rows: list[list[str]]) -> None:
        header = rows[0]
        row = [""] * len(header)
        for key, value in {
            "at": "2026-11-22T03:00:00+00:00",
            "tz": "Europe/London",
            "night": "2026-11-21",
            "severity": "5",
            "note": "typed in Excel",
        }.items():
            row[header.index(key)] = value
        rows.append(row)

    edited = tmp_path / "edited.zip"
    _rewrite(zpath, edited, "episodes.csv", add)
    r = cli("import", str(edited))
    assert r.exit_code == 0, r.stderr
    assert "episodes: added 1, changed 0, skipped 3" in r.output
    data = json.loads(cli("export").output)
    added = next(e for e in data["episodes"] if e["note"] == "typed in Excel")
    assert len(added["uid"]) == 36 and added["severity"] == 5
    assert "In all: added 0" in cli("import", str(edited)).output


def test_bad_rows_are_listed_by_file_and_line_and_nothing_is_written(
    cli, full: Path, tmp_path: Path
) -> None:
    zpath = tmp_path / "diary.zip"
    cli("export", "--format", "csv", "-o", str(zpath))

    def spoil(rows: list[list[str]]) -> None:
        header = rows[0]
        rows[2][header.index("severity")] = "eleven"
        new = [""] * len(header)
        new[header.index("at")] = "yesterday"
        rows.append(new)

    bad = tmp_path / "bad.zip"
    _rewrite(zpath, bad, "episodes.csv", spoil)
    before = row_counts(full)
    r = cli("import", str(bad))
    assert r.exit_code == 2
    assert "episodes.csv line 3: severity: 'eleven' is not a whole number" in r.stderr
    assert "episodes.csv line 5: at: 'yesterday' is not a time with its offset" in r.stderr
    assert "2 bad rows; nothing was imported" in r.stderr and "correct or delete" in r.stderr
    assert "Traceback" not in r.stderr
    assert row_counts(full) == before


# --- FHIR ---------------------------------------------------------------------------------


def test_fhir_bundle_validates_and_says_only_what_was_recorded(
    cli, full: Path, tmp_path: Path
) -> None:
    from fhir.resources.R4B.bundle import Bundle

    out = tmp_path / "cramps.fhir.json"
    assert cli("export", "--format", "fhir", "-o", str(out)).exit_code == 0
    raw = out.read_text()
    bundle = Bundle.model_validate(json.loads(raw))
    assert bundle.type == "collection"
    resources = [e.resource for e in bundle.entry]
    patient = resources[0]
    assert patient.get_resource_type() == "Patient"
    assert str(patient.birthDate) == "1952" and not patient.name
    cramps = [r for r in resources[1:] if r.valueBoolean]
    free = [r for r in resources[1:] if r.valueBoolean is False]
    assert len(cramps) == 2 and len(free) == 1  # the deleted cramp is not sent
    calf = next(r for r in cramps if r.bodySite and "calf" in r.bodySite.text)
    assert calf.status == "final" and calf.category[0].coding[0].code == "survey"
    assert (calf.code.coding[0].system, calf.code.coding[0].code) == (
        "http://snomed.info/sct",
        "55300003",
    )
    assert calf.bodySite.text == "left calf" and calf.bodySite.coding[0].code == "53840002"
    assert calf.effectiveDateTime.utcoffset() is not None
    severity = next(
        c for c in calf.component if c.code.coding and c.code.coding[0].code == "72514-3"
    )
    assert severity.valueInteger == 7
    duration = next(c for c in calf.component if c.valueQuantity)
    assert (duration.valueQuantity.value, duration.valueQuantity.code) == (2.5, "min")
    assert calf.note[0].text == FORMULA_NOTE
    assert free[0].dataAbsentReason is None and "cramp-free night" in free[0].note[0].text
    assert "icd" not in raw.lower() and "Condition" not in raw

    named = tmp_path / "named.json"
    cli("export", "--format", "fhir", "--with-name", "-o", str(named))
    assert json.loads(named.read_text())["entry"][0]["resource"]["name"] == [{"text": "Margaret"}]


# --- what a file is, and hostile ones ---------------------------------------------------------


def test_the_kind_is_read_from_the_content_not_the_name(cli, full: Path, tmp_path: Path) -> None:
    misnamed = tmp_path / "photos.zip"
    cli("export", "-o", str(misnamed))  # JSON, whatever the name says
    new = tmp_path / "b.db"
    assert cli("--db", str(new), "import", str(misnamed)).exit_code == 0

    text = tmp_path / "notes.json"
    text.write_text('{"hello": "world"}')
    r = cli("--db", str(new), "import", str(text))
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "is not a file cramplog can import" in r.stderr and "cramplog export" in r.stderr

    r = cli("--db", str(new), "import", str(full))
    assert r.exit_code == 2 and "cramplog backup restore" in r.stderr


def test_hostile_files_get_one_line_and_write_nothing(
    cli, full: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cramplog.io import archive

    monkeypatch.setattr(archive, "MEMBER_LIMIT", 8 * 1024 * 1024)  # 256 MB for real; the test
    before = row_counts(full)  # need not spend that much memory to show the limit holds
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "cramplog-export.json", json.dumps({"format": "cramplog-csv", "format_version": 2})
        )
        zf.writestr("episodes.csv", b"uid,at\r\n" + b"0" * (40 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    r = cli("import", str(bomb))
    assert r.exit_code == 2 and "zip bomb" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1

    escape = tmp_path / "escape.zip"
    with zipfile.ZipFile(escape, "w") as zf:
        zf.writestr("../../evil/episodes.csv", "uid,at,tz,night\r\n")
        zf.writestr("/abs/days.csv", "uid,date\r\n")
    r = cli("import", str(escape))
    assert r.exit_code == 0  # empty tables: nothing to add, and nothing landed on disk
    assert not (tmp_path.parent / "evil").exists() and not Path("/abs").exists()

    deep = tmp_path / "deep.json"
    deep.write_text('{"format": "cramplog-diary", "format_version": 2, "x": ' + "[" * 100_000)
    r = cli("import", str(deep))
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1
    assert row_counts(full) == before


# --- restore and purge ----------------------------------------------------------------------


def test_restore_puts_a_backup_back_and_keeps_todays_copy(cli, full: Path, tmp_path: Path) -> None:
    copy = tmp_path / "monday.db"
    cli("backup", "-o", str(copy))
    cli("log", "8", "--at", "2026-11-23 03:00")
    assert row_counts(full)["episode"] == 4

    r = cli("backup", "restore", str(copy), "--dry-run")
    assert r.exit_code == 0 and "Would restore" in r.output and "2 cramps" in r.output
    assert row_counts(full)["episode"] == 4

    r = cli("backup", "restore", str(copy))
    assert r.exit_code == 0, r.stderr
    assert row_counts(full)["episode"] == 3
    kept = Path(r.output.split("Today's diary was kept at: ")[1].splitlines()[0])
    assert kept.exists() and row_counts(kept)["episode"] == 4
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert cli("list").exit_code == 0


def test_restore_refuses_a_file_that_is_not_a_diary(cli, full: Path, tmp_path: Path) -> None:
    other = tmp_path / "contacts.db"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    before = full.read_bytes()
    r = cli("backup", "restore", str(other))
    assert r.exit_code == 1 and "not a cramplog diary" in r.stderr
    assert full.read_bytes() == before
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    r = cli("backup", "restore", str(text))
    assert r.exit_code == 1 and "not a SQLite database" in r.stderr


def test_restore_upgrades_an_older_backup(cli, tmp_path: Path) -> None:
    from cramplog import migrate
    from cramplog.db import make_engine

    old = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{old}")
    migrate.upgrade(engine, backup=False, revision="0001")
    engine.dispose()
    cli("log", "5", "--at", "03:00")
    r = cli("backup", "restore", str(old))
    assert r.exit_code == 0, r.stderr
    assert "upgraded from 0001" in r.output
    assert cli("db", "status").output.strip().endswith("Up to date.")


def test_purge_removes_only_what_it_says_and_backs_up_first(cli, db_path: Path) -> None:
    cli("log", "5", "--at", "2026-11-20 03:00", "--note", "secret words")
    cli("log", "6", "--at", "2026-11-21 03:00")
    cli("log", "7", "--at", "2026-11-22 03:00")
    cli("delete", "1")
    cli("delete", "2")
    with closing(sqlite3.connect(db_path)) as conn:  # deleted a week ago and today
        conn.execute("UPDATE episode SET deleted_at = '2026-11-15 10:00:00' WHERE id = 1")
        conn.commit()
    r = cli("purge", "--deleted-before", "2026-11-20", "--dry-run")
    assert "Would remove 1 deleted cramps for good: #1 (night 2026-11-19)" in r.output
    assert row_counts(db_path)["episode"] == 3

    r = cli("purge", "--deleted-before", "2026-11-20")
    assert r.exit_code == 0, r.stderr
    assert "Removed 1 deleted cramps for good: #1" in r.output
    backup = Path(r.output.split("A backup from before the purge is at: ")[1].split(" (")[0])
    assert row_counts(backup)["episode"] == 3
    with closing(sqlite3.connect(db_path)) as conn:
        assert [r[0] for r in conn.execute("SELECT id FROM episode ORDER BY id")] == [2, 3]
    assert b"secret words" not in db_path.read_bytes()
    cli("undo")  # undoes the delete of #2, never brings #1 back
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("SELECT COUNT(*) FROM episode WHERE id = 1").fetchone()[0] == 0
    assert "nothing to purge" in cli("purge", "--deleted-before", "2026-11-20").output


def test_csv_export_needs_a_file_and_never_overwrites(cli, full: Path, tmp_path: Path) -> None:
    r = cli("export", "--format", "csv")
    assert r.exit_code == 2 and "-o diary.zip" in r.stderr
    out = tmp_path / "d.zip"
    out.write_text("keep me")
    r = cli("export", "--format", "csv", "-o", str(out))
    assert r.exit_code == 2 and "exists" in r.stderr and out.read_text() == "keep me"
    link = tmp_path / "link.zip"
    link.symlink_to(tmp_path / "elsewhere.zip")
    r = cli("export", "--format", "csv", "-o", str(link), "--force")
    assert r.exit_code == 2 and "symbolic link" in r.stderr
    assert not (tmp_path / "elsewhere.zip").exists()


def test_a_dry_run_into_a_new_diary_creates_no_file(cli, full: Path, tmp_path: Path) -> None:
    export_json(cli, full, tmp_path / "a.json")
    new = tmp_path / "not yet.db"
    r = cli("--db", str(new), "import", str(tmp_path / "a.json"), "--dry-run")
    assert r.exit_code == 0, r.stderr
    assert "episodes: would add 3, would change 0, would skip 0" in r.output
    assert "Dry run: nothing was written." in r.output
    assert not new.exists()
