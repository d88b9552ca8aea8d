"""Google Takeout's Fit folder: daily activity metrics (CSV) and workout sessions (JSON).

Takeout/Fit/Daily activity metrics/ holds one CSV per day (YYYY-MM-DD.csv, a row per 15
minutes) and a summary, "Daily activity metrics.csv", with a row per day (a Date column);
Takeout/Fit/All sessions/ holds a JSON file per workout. Google has already merged the phone's
and the watch's counts into these daily figures, so each day's Step count is taken as it is.
docs/health-formats.md names the public sources of this layout.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cramplog.errors import InputError
from cramplog.io import archive
from cramplog.io.health_merge import Tally, Workout

KIND = "google-fit"
SOURCE = "Google Fit"
ACCEPTED = "the zip Google Takeout made with Fit selected"
MAX_MEMBER = 64 * 1024**2  # a day's CSV is a few kB, a session a few MB at most

_DAY_FILE = re.compile(r"(\d{4}-\d{2}-\d{2})\.csv$")

# Session kinds: older Takeouts name them ("fitnessActivity": "running"), newer ones give
# Google Fit's activity numbers ("activityType": 8).
ACTIVITY_WORDS = {
    "walking": "walking",
    "walking.fitness": "walking",
    "walking.nordic": "walking",
    "walking.treadmill": "walking",
    "hiking": "walking",
    "running": "running",
    "running.jogging": "running",
    "running.treadmill": "running",
    "biking": "cycling",
    "biking.road": "cycling",
    "biking.mountain": "cycling",
    "biking.stationary": "cycling",
    "biking.spinning": "cycling",
    "swimming": "swimming",
    "swimming.pool": "swimming",
    "swimming.open_water": "swimming",
    "yoga": "yoga",
    "dancing": "dancing",
    "zumba": "dancing",
    "strength_training": "strength",
    "weightlifting": "strength",
    "calisthenics": "strength",
    "pilates": "flexibility",
    "gardening": "gardening",
    "aerobics": "cardio",
    "elliptical": "cardio",
    "rowing": "cardio",
    "rowing.machine": "cardio",
    "stair_climbing": "cardio",
    "interval_training.high_intensity": "cardio",
    "circuit_training": "cardio",
}
ACTIVITY_NUMBERS = {
    1: "cycling",
    7: "walking",
    8: "running",
    9: "cardio",
    15: "cycling",
    16: "cycling",
    17: "cycling",
    18: "cycling",
    19: "cycling",
    21: "strength",
    22: "cardio",
    24: "cardio",
    26: "dancing",
    28: "cardio",
    35: "gardening",
    39: "walking",
    55: "flexibility",
    59: "cardio",
    60: "cardio",
    62: "running",
    64: "running",
    87: "cardio",
    88: "cardio",
    90: "strength",
    92: "swimming",
    93: "swimming",
    102: "walking",
    103: "walking",
    104: "walking",
    106: "strength",
    109: "yoga",
    110: "dancing",
}
# Activity the phone detects that is not exercise: still, in a vehicle, asleep.
NOT_EXERCISE_WORDS = {"still", "in_vehicle", "sleep", "unknown", "tilting"}
NOT_EXERCISE_NUMBERS = {0, 3, 4, 5, 44, 78, 79, 80, 81, 82}


def is_takeout(zf: zipfile.ZipFile) -> bool:
    return any(_fit_part(info.filename) for info in zf.infolist())


def _fit_part(name: str) -> str | None:
    """'daily' / 'summary' / 'session' for the Fit members we read, else None."""
    parts = name.split("/")
    if "Fit" not in parts:
        return None
    folder = parts[-2].lower() if len(parts) >= 2 else ""
    base = parts[-1]
    if folder == "daily activity metrics" and base.endswith(".csv"):
        return "daily" if _DAY_FILE.search(base) else "summary"
    if folder == "all sessions" and base.endswith(".json"):
        return "session"
    return None


def read(
    path: Path, tally: Tally, progress: Callable[[int, int], None] | None, diary_zone: ZoneInfo
) -> None:
    with archive.open_zip(str(path)) as zf:
        members = [(i, _fit_part(i.filename)) for i in zf.infolist() if not i.is_dir()]
        wanted = [(i, part) for i, part in members if part]
        if not wanted:
            raise InputError("FILE", "this zip holds no Takeout/Fit data", ACCEPTED)
        total = sum(i.file_size for i, _ in wanted)
        done = 0
        summary_days: dict[date, dict[str, float]] = {}
        day_files: dict[date, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for info, part in wanted:
            data = archive.read(zf, info, MAX_MEMBER)
            if part == "summary":
                for day, values in _rows(data, info.filename, by_date=None):
                    summary_days[day] = values
            elif part == "daily":
                match = _DAY_FILE.search(info.filename)
                assert match is not None
                on = date.fromisoformat(match.group(1))
                for _, values in _rows(data, info.filename, by_date=on):
                    for key, value in values.items():
                        day_files[on][key] += value
            else:
                _session(data, info.filename, tally, diary_zone)
            done += info.file_size
            if progress is not None:
                progress(done, total)
    # The summary and the per-day files say the same thing; a day is taken from one of them.
    for day, values in {**day_files, **summary_days}.items():
        _add_day(day, values, tally)


def _rows(data: bytes, name: str, by_date: date | None) -> Iterator[tuple[date, dict[str, float]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("FILE", f"{name} is not UTF-8 text", ACCEPTED) from None
    for row in csv.DictReader(io.StringIO(text)):
        on = by_date
        if on is None:
            try:
                on = date.fromisoformat((row.get("Date") or "").strip())
            except ValueError:
                continue
        values = {}
        for column in ("Step count", "Move Minutes count"):
            cell = (row.get(column) or "").strip()
            if cell:
                with contextlib.suppress(ValueError):
                    values[column] = float(cell)
        yield on, values


def _add_day(day: date, values: dict[str, float], tally: Tally) -> None:
    if "Step count" in values:
        tally.add_steps(day, values["Step count"], SOURCE)
    if "Move Minutes count" in values:
        # Move Minutes: Google's count of minutes of activity that day, workouts included.
        tally.add_move_minutes(day, values["Move Minutes count"])


def _session(data: bytes, name: str, tally: Tally, zone: ZoneInfo) -> None:
    try:
        doc = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        tally.records += 1
        tally.skipped["session file that is not JSON"] += 1
        return
    sessions = doc.get("sessions") if isinstance(doc, dict) else None
    for item in sessions if isinstance(sessions, list) else [doc]:
        if isinstance(item, dict):
            _one_session(item, tally, zone)


def _one_session(item: dict[str, Any], tally: Tally, zone: ZoneInfo) -> None:
    start = _moment(item.get("startTime"), item.get("startTimeMillis"), zone)
    end = _moment(item.get("endTime"), item.get("endTimeMillis"), zone)
    if start is None or end is None:
        tally.records += 1
        tally.skipped["session without start and end times"] += 1
        return
    word = item.get("fitnessActivity")
    number = item.get("activityType")
    if (
        word in NOT_EXERCISE_WORDS
        or str(word).startswith("sleep")
        or number in NOT_EXERCISE_NUMBERS
    ):
        tally.records += 1
        tally.skipped["not exercise (still, in a vehicle or asleep)"] += 1
        return
    kind = ACTIVITY_WORDS.get(word) if isinstance(word, str) else ACTIVITY_NUMBERS.get(number)
    if kind is None:
        tally.skipped[f"session kind with no cramplog word ({word or number}; minutes kept)"] += 1
    minutes = _duration_minutes(item.get("duration"), item.get("activeTimeMillis"))
    if minutes is None:
        minutes = (end - start).total_seconds() / 60
    tally.add_workout(
        Workout(
            day=start.date(),
            start=start.timestamp(),
            end=end.timestamp(),
            minutes=minutes,
            kind=kind,
            source=str((item.get("application") or {}).get("packageName") or SOURCE),
        )
    )


def _duration_minutes(duration: Any, active_ms: Any) -> float | None:
    if isinstance(duration, str) and duration.endswith("s"):
        try:
            return float(duration[:-1]) / 60  # "674.186s"
        except ValueError:
            return None
    try:
        return int(active_ms) / 60000 if active_ms is not None else None
    except (TypeError, ValueError):
        return None


def _moment(text: Any, millis: Any, zone: ZoneInfo) -> datetime | None:
    """A session time in its own offset. Times written in UTC ("...Z", or milliseconds) carry
    no local offset, so they are dated in the diary's time zone."""
    try:
        if isinstance(text, str):
            moment = datetime.fromisoformat(text)
        elif millis is not None:
            return datetime.fromtimestamp(int(millis) / 1000, UTC).astimezone(zone)
        else:
            return None
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    if moment.utcoffset() == timedelta(0):
        return moment.astimezone(zone)
    return moment
