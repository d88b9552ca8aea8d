"""Synthetic health-app exports, built to the layouts in docs/health-formats.md.

Apple: the DTD and element shapes of a real export.xml (tdda/applehealthdata's sample export);
Health Connect: the tables and columns AOSP's HealthFitness module creates; Google Takeout:
the Fit folder's daily activity metrics CSVs and session JSON.
"""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

APPLE_DTD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 3 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth         CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex       CDATA #REQUIRED
>
<!ELEMENT Record (MetadataEntry*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  totalDistance         CDATA #IMPLIED
  totalDistanceUnit     CDATA #IMPLIED
  totalEnergyBurned     CDATA #IMPLIED
  totalEnergyBurnedUnit CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  sourceVersion         CDATA #IMPLIED
  device                CDATA #IMPLIED
  creationDate          CDATA #IMPLIED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
]>
"""

APPLE_HEAD = """<HealthData locale="en_US">
 <ExportDate value="2026-11-23 07:00:00 -0600"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1955-03-02" \
HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"/>
"""


def record(kind: str, source: str, unit: str, value: float | str, start: str, end: str) -> str:
    return (
        f' <Record type="HKQuantityTypeIdentifier{kind}" sourceName="{source}" '
        f'sourceVersion="17.1" unit="{unit}" creationDate="{end}" startDate="{start}" '
        f'endDate="{end}" value="{value}"/>\n'
    )


def workout(kind: str, minutes: float, start: str, end: str, source: str = "Watch") -> str:
    return (
        f' <Workout workoutActivityType="HKWorkoutActivityType{kind}" duration="{minutes}" '
        f'durationUnit="min" totalDistance="0" totalDistanceUnit="km" totalEnergyBurned="120" '
        f'totalEnergyBurnedUnit="kcal" sourceName="{source}" sourceVersion="10.1" '
        f'creationDate="{end}" startDate="{start}" endDate="{end}">\n'
        f'  <MetadataEntry key="HKIndoorWorkout" value="0"/>\n </Workout>\n'
    )


def apple_xml(body: Iterable[str], dtd: str = APPLE_DTD) -> bytes:
    return (dtd + APPLE_HEAD + "".join(body) + "</HealthData>\n").encode()


def apple_zip(path: Path, xml: bytes, folder: str = "apple_health_export") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{folder}/export.xml", xml)
        zf.writestr(f"{folder}/export_cda.xml", "<ClinicalDocument/>")
        zf.writestr(f"{folder}/workout-routes/route_2026-11-20_6.10pm.gpx", "<gpx/>")
    return path


# The columns Health Connect's RecordHelper, IntervalRecordHelper and the type helpers create.
_HC_COMMON = (
    "row_id INTEGER PRIMARY KEY AUTOINCREMENT, uuid BLOB NOT NULL UNIQUE, "
    "last_modified_time INTEGER, client_record_id TEXT, client_record_version TEXT, "
    "device_info_id INTEGER, app_info_id INTEGER, recording_method INTEGER, "
    "dedupe_hash BLOB UNIQUE, start_time INTEGER, start_zone_offset INTEGER, "
    "end_time INTEGER, end_zone_offset INTEGER"
)
HC_SCHEMA = f"""
CREATE TABLE application_info_table (row_id INTEGER PRIMARY KEY AUTOINCREMENT,
  package_name TEXT NOT NULL UNIQUE, app_name TEXT, app_icon BLOB, record_types_used TEXT);
CREATE TABLE steps_record_table ({_HC_COMMON}, count INTEGER);
CREATE TABLE hydration_record_table ({_HC_COMMON}, volume REAL);
CREATE TABLE exercise_session_record_table ({_HC_COMMON}, notes TEXT, exercise_type INTEGER,
  title TEXT, has_route INTEGER);
"""


def health_connect_db(
    apps: list[tuple[str, str]],
    steps: list[tuple[int, int, int, int, int]] = (),  # type: ignore[assignment]
    water: list[tuple[int, int, int, float, int]] = (),  # type: ignore[assignment]
    sessions: list[tuple[int, int, int, int, int]] = (),  # type: ignore[assignment]
) -> bytes:
    """A Health Connect database as bytes. Times are UTC milliseconds, offsets seconds;
    steps/water/sessions rows are (start, end, offset, value-or-type, app row id)."""
    conn = sqlite3.connect(":memory:")
    with closing(conn):
        conn.executescript(HC_SCHEMA)
        conn.executemany(
            "INSERT INTO application_info_table (package_name, app_name) VALUES (?, ?)", apps
        )
        n = 0
        for table, column, rows in (
            ("steps_record_table", "count", steps),
            ("hydration_record_table", "volume", water),
            ("exercise_session_record_table", "exercise_type", sessions),
        ):
            for start, end, offset, value, app in rows:
                n += 1
                conn.execute(
                    f"INSERT INTO {table} (uuid, start_time, end_time, start_zone_offset, "
                    f"end_zone_offset, {column}, app_info_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (n.to_bytes(16, "big"), start, end, offset, offset, value, app),
                )
        conn.commit()
        return conn.serialize()


def health_connect_zip(path: Path, db: bytes) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("health_connect_export.db", db)
    return path


DAILY_COLUMNS = (
    "Date,Move Minutes count,Calories (kcal),Distance (m),Heart Points,Heart Minutes,"
    "Average heart rate (bpm),Max heart rate (bpm),Min heart rate (bpm),Step count"
)
DAY_FILE_COLUMNS = (
    "Start time,End time,Move Minutes count,Calories (kcal),Distance (m),Heart Points,"
    "Heart Minutes,Step count"
)


def takeout_zip(
    path: Path,
    daily: list[tuple[str, int, int]],
    sessions: list[dict[str, object]] = (),  # type: ignore[assignment]
    day_files: dict[str, list[tuple[str, str, int, int]]] | None = None,
) -> Path:
    """daily rows: (date, move minutes, steps); day_files: date -> (start, end, move, steps)."""
    out = io.StringIO()
    out.write(DAILY_COLUMNS + "\n")
    for day, move, steps in daily:
        out.write(f"{day},{move},1650.5,{steps * 0.7:.1f},{move // 2},{move},,,,{steps}\n")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        base = "Takeout/Fit/Daily activity metrics"
        zf.writestr(f"{base}/Daily activity metrics.csv", out.getvalue())
        for day, rows in (day_files or {}).items():
            text = (
                DAY_FILE_COLUMNS
                + "\n"
                + "".join(f"{a},{b},{m},20.1,{s * 0.7:.1f},0,0,{s}\n" for a, b, m, s in rows)
            )
            zf.writestr(f"{base}/{day}.csv", text)
        for n, item in enumerate(sessions):
            zf.writestr(f"Takeout/Fit/All sessions/session_{n}.json", json.dumps(item))
        zf.writestr("Takeout/archive_browser.html", "<html></html>")
    return path
