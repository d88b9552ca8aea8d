"""Android Health Connect's export: a zip holding one SQLite file, health_connect_export.db.

The file is a copy of Health Connect's own database (docs/health-formats.md says where each
table and column is defined). It is read into memory and opened with
`sqlite3.Connection.deserialize`, so nothing is written to disk, and with `query_only` and
`trusted_schema` off, so that a crafted file's views or triggers cannot run.
"""

from __future__ import annotations

import sqlite3
import zipfile
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cramplog.errors import InputError
from cramplog.io import archive
from cramplog.io.health_merge import Tally, Workout

KIND = "health-connect"
MEMBER = "health_connect_export.db"
ACCEPTED = "the zip Health Connect exported (holding health_connect_export.db)"
SQLITE_MAGIC = b"SQLite format 3\x00"

# Health Connect's platform exercise types (android.health.connect.datatypes.
# ExerciseSessionType; the database stores these, not the Jetpack library's numbers).
ACTIVITY = {
    4: "cycling",  # BIKING
    5: "cycling",  # BIKING_STATIONARY
    6: "cardio",  # BOOT_CAMP
    8: "strength",  # CALISTHENICS
    10: "dancing",
    11: "cardio",  # EXERCISE_CLASS
    20: "cardio",  # HIGH_INTENSITY_INTERVAL_TRAINING
    21: "walking",  # HIKING
    27: "flexibility",  # PILATES
    31: "cardio",  # ROWING
    33: "running",
    34: "running",  # RUNNING_TREADMILL
    44: "cardio",  # STAIR_CLIMBING
    45: "strength",  # STRENGTH_TRAINING
    46: "flexibility",  # STRETCHING
    48: "swimming",  # SWIMMING_OPEN_WATER
    49: "swimming",  # SWIMMING_POOL
    53: "walking",
    55: "strength",  # WEIGHTLIFTING
    57: "yoga",
    59: "cardio",  # STAIR_CLIMBING_MACHINE
    60: "cardio",  # ELLIPTICAL
    61: "cardio",  # ROWING_MACHINE
}
NOT_EXERCISE = {17: "guided breathing"}


def member(zf: zipfile.ZipFile) -> zipfile.ZipInfo | None:
    for info in zf.infolist():
        if info.filename.rsplit("/", 1)[-1] == MEMBER:
            return info
    return None


def read(
    path: Path, tally: Tally, progress: Callable[[int, int], None] | None, diary_zone: ZoneInfo
) -> None:
    with archive.open_zip(str(path)) as zf:
        info = member(zf)
        if info is None:
            raise InputError("FILE", f"this zip holds no {MEMBER}", ACCEPTED)
        data = archive.read(zf, info)
    if progress is not None:
        progress(len(data), len(data))
    if not data.startswith(SQLITE_MAGIC):
        raise InputError("FILE", f"{MEMBER} is not a SQLite file", ACCEPTED)
    with closing(sqlite3.connect(":memory:")) as conn:
        try:
            conn.deserialize(data)
            conn.execute("PRAGMA query_only = ON")
            conn.execute("PRAGMA trusted_schema = OFF")
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            _read_tables(conn, tables, tally, diary_zone)
        except sqlite3.DatabaseError as exc:
            raise InputError(
                "FILE", f"{MEMBER} is damaged ({exc}); nothing was written", ACCEPTED
            ) from None


def _local_day(ms: Any, offset: Any, zone: ZoneInfo) -> tuple[date, float] | None:
    """The local calendar day of a start time (UTC milliseconds) in its own zone offset.

    A record written without an offset is dated in the diary's zone, the best we know.
    """
    if not isinstance(ms, int):
        return None
    try:
        moment = datetime.fromtimestamp(ms / 1000, UTC)
        if isinstance(offset, int):
            local = moment + timedelta(seconds=offset)
            return local.date(), ms / 1000
        return moment.astimezone(zone).date(), ms / 1000
    except (OverflowError, OSError, ValueError):
        return None


def _apps(conn: sqlite3.Connection, tables: set[str]) -> dict[int, str]:
    if "application_info_table" not in tables:
        return {}
    return {
        row_id: name or package or "unknown app"
        for row_id, package, name in conn.execute(
            "SELECT row_id, package_name, app_name FROM application_info_table"
        )
    }


def _read_tables(conn: sqlite3.Connection, tables: set[str], tally: Tally, zone: ZoneInfo) -> None:
    known = {"steps_record_table", "hydration_record_table", "exercise_session_record_table"}
    if not tables & known:
        raise InputError("FILE", f"{MEMBER} has no steps, hydration or exercise tables", ACCEPTED)
    apps = _apps(conn, tables)

    def source(app_id: Any) -> str:
        return apps.get(app_id, f"app {app_id}") if app_id is not None else "unknown app"

    if "steps_record_table" in tables:
        for start, offset, count, app in conn.execute(
            "SELECT start_time, start_zone_offset, count, app_info_id FROM steps_record_table"
        ):
            found = _local_day(start, offset, zone)
            if found is None or not isinstance(count, int | float):
                tally.records += 1
                tally.skipped["step record without a time or count"] += 1
                continue
            tally.add_steps(found[0], count, source(app))
    if "hydration_record_table" in tables:
        for uuid, start, end, offset, litres, app in conn.execute(
            "SELECT uuid, start_time, end_time, start_zone_offset, volume, app_info_id "
            "FROM hydration_record_table"
        ):
            found = _local_day(start, offset, zone)
            if found is None or not isinstance(litres, int | float):
                tally.records += 1
                tally.skipped["water record without a time or amount"] += 1
                continue
            key = (str(uuid), str(start), str(end))
            tally.add_water(found[0], litres * 1000, source(app), key)  # stored in litres
    if "exercise_session_record_table" in tables:
        for start, end, offset, kind, app in conn.execute(
            "SELECT start_time, end_time, start_zone_offset, exercise_type, app_info_id "
            "FROM exercise_session_record_table"
        ):
            found = _local_day(start, offset, zone)
            if found is None or not isinstance(end, int):
                tally.records += 1
                tally.skipped["exercise session without start and end times"] += 1
                continue
            if kind in NOT_EXERCISE:
                tally.records += 1
                tally.skipped[f"not exercise ({NOT_EXERCISE[kind]})"] += 1
                continue
            mapped = ACTIVITY.get(kind) if isinstance(kind, int) else None
            if mapped is None:
                tally.skipped[f"exercise type with no cramplog word ({kind}; minutes kept)"] += 1
            tally.add_workout(
                Workout(
                    day=found[0],
                    start=found[1],
                    end=end / 1000,
                    minutes=(end - start) / 60000,
                    kind=mapped,
                    source=source(app),
                )
            )
