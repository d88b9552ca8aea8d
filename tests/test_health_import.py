"""Health-app imports: Apple Health, Health Connect and Google Takeout files into day rows.

Every file here is synthetic, built by tests/health_files.py to the layouts described (with
their public sources) in docs/health-formats.md.
"""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.health_files import (
    APPLE_HEAD,
    apple_xml,
    apple_zip,
    health_connect_db,
    health_connect_zip,
    record,
    takeout_zip,
    workout,
)

CST = "-0600"


def apple_body() -> list[str]:
    return [
        # 19 Nov: water in mL and in US fl oz; steps counted by the phone and the watch at once
        record(
            "DietaryWater",
            "WaterMinder",
            "mL",
            500,
            f"2026-11-19 08:00:00 {CST}",
            f"2026-11-19 08:00:00 {CST}",
        ),
        record(
            "DietaryWater",
            "WaterMinder",
            "fl_oz_us",
            16,
            f"2026-11-19 13:00:00 {CST}",
            f"2026-11-19 13:00:00 {CST}",
        ),
        record(
            "StepCount",
            "Ann's iPhone",
            "count",
            1500,
            f"2026-11-19 09:00:00 {CST}",
            f"2026-11-19 09:30:00 {CST}",
        ),
        record(
            "StepCount",
            "Ann's iPhone",
            "count",
            2500,
            f"2026-11-19 17:00:00 {CST}",
            f"2026-11-19 17:40:00 {CST}",
        ),
        record(
            "StepCount",
            "Ann's Apple Watch",
            "count",
            2000,
            f"2026-11-19 09:00:00 {CST}",
            f"2026-11-19 09:30:00 {CST}",
        ),
        record(
            "StepCount",
            "Ann's Apple Watch",
            "count",
            3200,
            f"2026-11-19 17:00:00 {CST}",
            f"2026-11-19 17:40:00 {CST}",
        ),
        # 20 Nov: a litre in the morning, and a glass at 23:30 -06:00 (05:30 UTC on the 21st)
        record(
            "DietaryWater",
            "Health",
            "L",
            1,
            f"2026-11-20 09:00:00 {CST}",
            f"2026-11-20 09:00:00 {CST}",
        ),
        record(
            "DietaryWater",
            "Health",
            "mL",
            250,
            f"2026-11-20 23:30:00 {CST}",
            f"2026-11-20 23:30:00 {CST}",
        ),
        # a run the watch and Strava both recorded (one workout, 30 minutes) ...
        workout("Running", 30, f"2026-11-20 07:00:00 {CST}", f"2026-11-20 07:30:00 {CST}"),
        workout(
            "Running",
            28,
            f"2026-11-20 07:01:00 {CST}",
            f"2026-11-20 07:29:00 {CST}",
            source="Strava",
        ),
        # ... and an evening walk across midnight: it belongs to the day it started
        workout("Walking", 45, f"2026-11-20 23:40:00 {CST}", f"2026-11-21 00:25:00 {CST}"),
        # 21 Nov: a glass just after midnight
        record(
            "DietaryWater",
            "Health",
            "mL",
            300,
            f"2026-11-21 00:10:00 {CST}",
            f"2026-11-21 00:10:00 {CST}",
        ),
        # not imported: heart rate, and a meditation "workout"
        record(
            "HeartRate",
            "Ann's Apple Watch",
            "count/min",
            61,
            f"2026-11-21 06:00:00 {CST}",
            f"2026-11-21 06:00:00 {CST}",
        ),
        workout("MindAndBody", 10, f"2026-11-21 07:00:00 {CST}", f"2026-11-21 07:10:00 {CST}"),
    ]


def days_of(cli) -> dict[str, dict]:
    r = cli("list", "--all", "--json")
    assert r.exit_code == 0, r.output
    return {d["date"]: d for d in json.loads(r.stdout)["days"]}


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, to compare a diary before and after, row by row."""
    with closing(sqlite3.connect(path)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables
        }


def assert_apple_days(days: dict[str, dict]) -> None:
    d19, d20, d21 = days["2026-11-19"], days["2026-11-20"], days["2026-11-21"]
    assert d19["water_ml"] == 973  # 500 mL + 16 US fl oz (473 mL)
    assert d19["steps"] == 5200  # the watch's 5,200, not phone + watch (9,200)
    assert d20["water_ml"] == 1250  # the 23:30 -06:00 glass is on the 20th
    assert d20["exercise_minutes"] == 75  # 30 (one run, seen twice) + 45 (walk past midnight)
    assert d20["activities"] == ["running", "walking"]
    assert d21["water_ml"] == 300
    assert d21["exercise_minutes"] is None  # the walk is not split; meditation is not exercise
    assert d19["sources"] == {"steps": "apple-health", "water_ml": "apple-health"}
    assert d20["sources"] == {
        "activities": "apple-health",
        "exercise_minutes": "apple-health",
        "water_ml": "apple-health",
    }


@pytest.mark.parametrize("as_zip", [True, False], ids=["export.zip", "export.xml"])
def test_apple_export_fills_water_workouts_and_steps_by_their_own_local_day(
    cli, tmp_path: Path, as_zip: bool
) -> None:
    xml = apple_xml(apple_body())
    if as_zip:
        path = apple_zip(tmp_path / "export.zip", xml)
    else:
        path = tmp_path / "export.xml"
        path.write_bytes(xml)
    r = cli("import", str(path))
    assert r.exit_code == 0, r.output
    assert "Apple Health: 13 records read. Filled 3 days." in r.stdout
    assert "skipped: not exercise (MindAndBody): 1" in r.stdout
    assert "skipped: steps counted by a second device (largest source kept): 1" in r.stdout
    assert "Undo with: cramplog undo" in r.stdout
    assert_apple_days(days_of(cli))


def test_a_day_line_mentions_steps() -> None:
    from cramplog.cli.entries import day_line
    from cramplog.models import Day

    assert day_line(Day(water_ml=973, steps=5200)) == "water 973 mL, 5,200 steps"


def test_a_localised_export_folder_and_file_name_are_found_by_content(cli, tmp_path) -> None:
    path = tmp_path / "Export.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("apple_health_export/导出.xml", apple_xml(apple_body()))
        zf.writestr("apple_health_export/导出_cda.xml", "<ClinicalDocument/>")
    assert cli("import", str(path)).exit_code == 0
    assert_apple_days(days_of(cli))


def test_a_value_typed_by_hand_is_never_overwritten(cli, tmp_path: Path) -> None:
    assert cli("day", "--date", "2026-11-20", "--water", "2L").exit_code == 0
    path = tmp_path / "export.xml"
    path.write_bytes(apple_xml(apple_body()))
    r = cli("import", str(path))
    assert r.exit_code == 0, r.output
    assert "skipped: water typed by hand kept: 1" in r.stdout
    d20 = days_of(cli)["2026-11-20"]
    assert d20["water_ml"] == 2000  # as typed
    assert d20["exercise_minutes"] == 75  # the rest of the day is filled
    assert "water_ml" not in d20["sources"]
    # typed after an import, a value becomes the person's own: the next import keeps it
    assert cli("day", "--date", "2026-11-19", "--water", "1.5L").exit_code == 0
    assert days_of(cli)["2026-11-19"]["sources"] == {"steps": "apple-health"}
    r = cli("import", str(path))
    assert "skipped: water typed by hand kept: 2" in r.stdout
    assert days_of(cli)["2026-11-19"]["water_ml"] == 1500


def test_importing_the_same_file_twice_changes_nothing_row_by_row(cli, tmp_path, db_path) -> None:
    path = apple_zip(tmp_path / "export.zip", apple_xml(apple_body()))
    assert cli("import", str(path)).exit_code == 0
    before = dump(db_path)
    r = cli("import", str(path))
    assert r.exit_code == 0, r.output
    assert "Filled 0 days." in r.stdout
    assert "already as in the file: 6" in r.stdout
    assert "(That was already recorded.)" in r.stdout
    assert dump(db_path) == before


def test_a_newer_export_updates_what_an_earlier_import_filled(cli, tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(apple_xml(apple_body()))
    assert cli("import", str(path)).exit_code == 0
    more = [
        *apple_body(),
        record(
            "DietaryWater",
            "Health",
            "mL",
            200,
            f"2026-11-21 12:00:00 {CST}",
            f"2026-11-21 12:00:00 {CST}",
        ),
    ]
    path.write_bytes(apple_xml(more))
    r = cli("import", str(path))
    assert "updated from an earlier import: water 1" in r.stdout
    assert days_of(cli)["2026-11-21"]["water_ml"] == 500


def test_since_limits_the_days_taken(cli, tmp_path: Path) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(apple_xml(apple_body()))
    r = cli("import", str(path), "--since", "2026-11-20")
    assert r.exit_code == 0, r.output
    assert "skipped: dated before --since: 6" in r.stdout
    days = days_of(cli)
    assert "2026-11-19" not in days
    assert days["2026-11-20"]["water_ml"] == 1250


def test_dry_run_says_what_would_change_and_writes_nothing(cli, tmp_path, db_path) -> None:
    assert cli("none").exit_code == 0
    before = dump(db_path)
    path = tmp_path / "export.xml"
    path.write_bytes(apple_xml(apple_body()))
    r = cli("import", str(path), "--dry-run")
    assert r.exit_code == 0, r.output
    assert "Would fill 3 days." in r.stdout
    assert "new values: water 3, steps 1, exercise minutes 1, activities 1" in r.stdout
    assert "Nothing was written (--dry-run)." in r.stdout
    assert dump(db_path) == before


def test_undo_takes_the_whole_import_back(cli, tmp_path: Path) -> None:
    assert cli("day", "--date", "2026-11-20", "--water", "2L").exit_code == 0
    path = tmp_path / "export.xml"
    path.write_bytes(apple_xml(apple_body()))
    assert cli("import", str(path)).exit_code == 0
    r = cli("undo")
    assert r.exit_code == 0, r.output
    days = days_of(cli)
    assert set(days) == {"2026-11-20"}
    assert days["2026-11-20"]["water_ml"] == 2000
    assert days["2026-11-20"]["exercise_minutes"] is None
    assert days["2026-11-20"]["sources"] == {}


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).astimezone(UTC).timestamp() * 1000)


def test_health_connect_zip(cli, tmp_path: Path) -> None:
    off = -6 * 3600
    db = health_connect_db(
        apps=[("com.google.android.apps.fitness", "Fit"), ("com.samsung.android.wear", "Watch")],
        steps=[
            (ms("2026-11-19T09:00-06:00"), ms("2026-11-19T10:00-06:00"), off, 3000, 1),
            (ms("2026-11-19T09:00-06:00"), ms("2026-11-19T10:00-06:00"), off, 3400, 2),
        ],
        water=[
            # 23:30 -06:00 on the 20th: 05:30 UTC on the 21st; Health Connect stores litres
            (ms("2026-11-20T23:30-06:00"), ms("2026-11-20T23:30-06:00"), off, 0.25, 1),
            (ms("2026-11-20T10:00-06:00"), ms("2026-11-20T10:00-06:00"), off, 0.5, 1),
        ],
        sessions=[
            (ms("2026-11-20T18:00-06:00"), ms("2026-11-20T18:40-06:00"), off, 57, 2),  # yoga
            (ms("2026-11-21T07:00-06:00"), ms("2026-11-21T07:20-06:00"), off, 53, 1),  # walking
            (ms("2026-11-21T08:00-06:00"), ms("2026-11-21T08:10-06:00"), off, 17, 1),  # breath
        ],
    )
    path = health_connect_zip(tmp_path / "Health Connect.zip", db)
    r = cli("import", str(path))
    assert r.exit_code == 0, r.output
    assert "Health Connect: 7 records read. Filled 3 days." in r.stdout
    days = days_of(cli)
    assert days["2026-11-19"]["steps"] == 3400
    assert days["2026-11-20"]["water_ml"] == 750
    assert days["2026-11-20"]["exercise_minutes"] == 40
    assert days["2026-11-20"]["activities"] == ["yoga"]
    assert days["2026-11-21"]["exercise_minutes"] == 20
    assert days["2026-11-21"]["activities"] == ["walking"]
    assert days["2026-11-21"]["sources"]["exercise_minutes"] == "health-connect"
    r = cli("import", str(path))
    assert "Filled 0 days." in r.stdout


def test_google_takeout_daily_metrics_and_sessions(cli, tmp_path: Path) -> None:
    path = takeout_zip(
        tmp_path / "takeout-20261123.zip",
        daily=[("2026-11-18", 40, 6000), ("2026-11-19", 10, 3000)],
        day_files={
            # a day the summary lacks: its 15-minute rows are added up
            "2026-11-17": [
                ("08:00:00.000-06:00", "08:15:00.000-06:00", 5, 700),
                ("08:15:00.000-06:00", "08:30:00.000-06:00", 3, 800),
            ],
            # a day the summary has: the summary is taken, never both
            "2026-11-18": [("08:00:00.000-06:00", "08:15:00.000-06:00", 9, 999)],
        },
        sessions=[
            {
                "fitnessActivity": "walking",
                "startTime": "2026-11-19T17:00:00.000-06:00",
                "endTime": "2026-11-19T17:25:00.000-06:00",
                "duration": "1500s",
            },
            {
                "sessions": [
                    {
                        "startTimeMillis": str(ms("2026-11-19T23:30-06:00")),
                        "endTimeMillis": str(ms("2026-11-20T06:30-06:00")),
                        "activityType": 72 + 6,  # sleeping
                        "application": {"packageName": "com.google.android.apps.fitness"},
                    }
                ]
            },
        ],
    )
    r = cli("import", str(path))
    assert r.exit_code == 0, r.output
    days = days_of(cli)
    assert days["2026-11-17"]["steps"] == 1500
    assert days["2026-11-17"]["exercise_minutes"] == 8
    assert days["2026-11-18"]["steps"] == 6000
    assert days["2026-11-18"]["exercise_minutes"] == 40  # Move Minutes, no session that day
    assert days["2026-11-18"]["activities"] == []
    assert days["2026-11-19"]["exercise_minutes"] == 25  # the walk, longer than Move Minutes
    assert days["2026-11-19"]["activities"] == ["walking"]
    assert days["2026-11-19"]["sources"]["steps"] == "google-fit"
    assert "skipped: not exercise (still, in a vehicle or asleep): 1" in r.stdout


def test_another_apps_import_is_kept(cli, tmp_path: Path) -> None:
    takeout = takeout_zip(tmp_path / "takeout.zip", daily=[("2026-11-19", 10, 3000)])
    assert cli("import", str(takeout)).exit_code == 0
    path = tmp_path / "export.xml"
    path.write_bytes(apple_xml(apple_body()))
    r = cli("import", str(path))
    assert "skipped: steps imported from Google Fit (Takeout) kept: 1" in r.stdout
    assert days_of(cli)["2026-11-19"]["steps"] == 3000


# --- hostile and unknown files: one line, exit 2, nothing written ------------------------------

BOMB = """<?xml version="1.0"?>
<!DOCTYPE HealthData [
 <!ENTITY a "lol">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<HealthData locale="en_US"><Record type="&d;" sourceName="x" startDate="" endDate=""/>
</HealthData>
"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE HealthData [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<HealthData locale="en_US"><Record type="x" sourceName="&xxe;" startDate="" endDate=""/>
</HealthData>
"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE HealthData SYSTEM "file:///etc/passwd">
<HealthData locale="en_US"></HealthData>
"""


def refused(cli, db_path: Path, path: Path, words: str) -> None:
    assert cli("day", "--date", "2026-11-01", "--water", "1L").exit_code == 0
    before = dump(db_path)
    r = cli("import", str(path))
    assert r.exit_code == 2, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert words in lines[0]
    assert "Traceback" not in r.output
    assert dump(db_path) == before


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (BOMB, "declares an entity ('a')"),
        (EXTERNAL, "declares an entity ('xxe')"),
        (EXTERNAL_DTD, "loads its DTD from outside ('file:///etc/passwd')"),
        (APPLE_HEAD + "<Record ", "is not well-formed XML"),
    ],
    ids=["entity bomb", "external entity", "external DTD", "cut short"],
)
def test_hostile_xml_is_refused(cli, tmp_path, db_path, text: str, words: str) -> None:
    path = tmp_path / "export.xml"
    path.write_text('<?xml version="1.0"?>\n' + text if text.startswith("<Health") else text)
    refused(cli, db_path, path, words)


def test_the_real_export_dtd_with_attlist_declarations_parses(tmp_path: Path) -> None:
    from cramplog.io.apple_health import parse
    from cramplog.io.health_merge import Tally

    tally = Tally()
    parse(io.BytesIO(apple_xml(apple_body())), 0, tally, None)
    assert tally.records == 13  # every Record and Workout but the heart rate


def test_a_zip_bomb_is_stopped(cli, tmp_path, db_path) -> None:
    path = tmp_path / "export.zip"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf,
        zf.open("apple_health_export/export.xml", "w") as member,
    ):
        member.write(apple_xml([]).replace(b"</HealthData>\n", b""))
        for _ in range(200):
            member.write(b" " * (1024 * 1024))
        member.write(b"</HealthData>\n")
    assert path.stat().st_size < 2 * 1024 * 1024
    refused(cli, db_path, path, "a damaged file or a zip bomb")


def test_a_member_longer_than_the_limit_is_stopped_while_reading(
    cli, tmp_path, db_path, monkeypatch
) -> None:
    from cramplog.io import archive

    monkeypatch.setattr(archive, "MAX_STREAM_BYTES", 4096)
    path = apple_zip(tmp_path / "export.zip", apple_xml(apple_body()))
    refused(cli, db_path, path, "inflates past 0 MB")


def test_nothing_is_extracted_to_disk(cli, tmp_path: Path) -> None:
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../../escape/export.xml", apple_xml(apple_body()))
    assert cli("import", str(path)).exit_code == 0
    assert not (tmp_path.parent / "escape").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.zip", "home"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"water 2L yesterday\n"),
        ("photo.zip", None),
        ("other.xml", b'<?xml version="1.0"?><gpx></gpx>'),
    ],
)
def test_an_unknown_file_gets_one_line(cli, tmp_path, db_path, name, content) -> None:
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("IMG_0001.jpg", b"\xff\xd8\xff")
    else:
        path.write_bytes(content)
    refused(cli, db_path, path, f"{name} is not a file cramplog can import")


def test_health_connect_zip_with_a_damaged_database(cli, tmp_path, db_path) -> None:
    path = health_connect_zip(tmp_path / "hc.zip", b"SQLite format 3\x00" + b"\x00" * 200)
    refused(cli, db_path, path, "health_connect_export.db is damaged")


def test_health_connect_zip_holding_something_else(cli, tmp_path, db_path) -> None:
    path = health_connect_zip(tmp_path / "hc.zip", b"not a database")
    refused(cli, db_path, path, "is not a SQLite file")


def test_progress_shows_bytes_and_time_left_only_on_a_terminal() -> None:
    from cramplog.cli.health_import import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    bar = Progress("Reading export.xml", stream=screen, every=0)
    bar.started -= 10  # ten seconds in
    bar(512 * 1024**2, 2 * 1024**3)
    assert "Reading export.xml: 512 MB of 2.0 GB (25%), about 30 s left" in screen.getvalue()
    pipe = io.StringIO()
    quiet = Progress("Reading export.xml", stream=pipe, every=0)
    quiet(512 * 1024**2, 2 * 1024**3)
    assert pipe.getvalue() == ""


def test_sniff_names_each_kind_by_content(tmp_path: Path) -> None:
    from cramplog.io.health import sniff

    xml = tmp_path / "anything.dat"
    xml.write_bytes(apple_xml(apple_body()))
    hc = health_connect_zip(tmp_path / "a.zip", health_connect_db(apps=[]))
    fit = takeout_zip(tmp_path / "b.zip", daily=[])
    apple = apple_zip(tmp_path / "c.zip", apple_xml([]))
    assert [sniff(p) for p in (xml, hc, fit, apple)] == [
        "apple-health",
        "health-connect",
        "google-fit",
        "apple-health",
    ]
    other = tmp_path / "x.json"
    other.write_text("{}")
    assert sniff(other) is None


def test_a_glass_repeated_inside_a_correlation_counts_once(cli, tmp_path: Path) -> None:
    # Apple's DTD: "Any Records that appear as children of a correlation also appear as
    # top-level records in this document."
    glass = record(
        "DietaryWater",
        "MyFitnessPal",
        "mL",
        330,
        f"2026-11-19 12:00:00 {CST}",
        f"2026-11-19 12:00:00 {CST}",
    )
    food = (
        ' <Correlation type="HKCorrelationTypeIdentifierFood" sourceName="MyFitnessPal" '
        f'startDate="2026-11-19 12:00:00 {CST}" endDate="2026-11-19 12:00:00 {CST}">\n'
        f"{glass} </Correlation>\n"
    )
    path = tmp_path / "export.xml"
    path.write_bytes(apple_xml([food, glass]))
    r = cli("import", str(path))
    assert "skipped: the same glass recorded twice: 1" in r.stdout
    assert days_of(cli)["2026-11-19"]["water_ml"] == 330
