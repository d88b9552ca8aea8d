"""Apple Health's export (export.zip, or the export.xml inside it), streamed.

The file is one <HealthData> element with a Record per sample and a Workout per workout (see
docs/health-formats.md for the layout and where it is documented). A real export is 1-4 GB,
so it is never held in memory: expat is fed 1 MB at a time and only the attributes of the
elements we use are looked at; nothing is built for the rest.

Why expat's own handlers and not ElementTree.iterparse: Apple's export carries an internal DTD
(ATTLIST declarations, which must parse), and iterparse cannot refuse the ENTITY declarations
an entity bomb or an external entity needs. expat tells us about each declaration, so one
`<!ENTITY` anywhere, or an external DTD, refuses the file before any entity is expanded. It is
also faster than iterparse, since no element objects are made.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from cramplog.errors import InputError
from cramplog.io import archive
from cramplog.io.health_merge import Tally, Workout

KIND = "apple-health"
ACCEPTED = "Apple Health's export.zip, or the export.xml inside it"
CHUNK = 1024 * 1024

WATER = "HKQuantityTypeIdentifierDietaryWater"
STEPS = "HKQuantityTypeIdentifierStepCount"

# HealthKit's unit strings for volume, in millilitres. US customary measures (the fl oz and
# cup the `units` setting uses) and imperial ones are both found in exports.
ML_PER_UNIT = {
    "mL": 1.0,
    "ml": 1.0,
    "cL": 10.0,
    "dL": 100.0,
    "L": 1000.0,
    "l": 1000.0,
    "fl_oz_us": 29.5735295625,
    "fl_oz_imp": 28.4130625,
    "cup_us": 236.5882365,
    "cup_imp": 284.130625,
    "pt_us": 473.176473,
    "pt_imp": 568.26125,
}

MINUTES_PER_UNIT = {"min": 1.0, "s": 1 / 60, "sec": 1 / 60, "h": 60.0, "hr": 60.0, "ms": 1 / 60000}

# HKWorkoutActivityType names (without the prefix) -> cramplog's activity words. A type not
# listed still counts its minutes; it just names no kind.
ACTIVITY = {
    "Walking": "walking",
    "Hiking": "walking",
    "Running": "running",
    "Cycling": "cycling",
    "HandCycling": "cycling",
    "Swimming": "swimming",
    "WaterFitness": "swimming",
    "Yoga": "yoga",
    "Dance": "dancing",
    "SocialDance": "dancing",
    "CardioDance": "dancing",
    "TraditionalStrengthTraining": "strength",
    "FunctionalStrengthTraining": "strength",
    "CoreTraining": "strength",
    "Flexibility": "flexibility",
    "Pilates": "flexibility",
    "Cooldown": "flexibility",
    "TaiChi": "balance",
    "Barre": "balance",
    "Elliptical": "cardio",
    "Rowing": "cardio",
    "StairClimbing": "cardio",
    "Stairs": "cardio",
    "StepTraining": "cardio",
    "HighIntensityIntervalTraining": "cardio",
    "MixedCardio": "cardio",
    "MixedMetabolicCardioTraining": "cardio",
    "CrossTraining": "cardio",
    "JumpRope": "cardio",
    "Kickboxing": "cardio",
}
# Recorded as workouts, but not exercise: left out, and said so.
NOT_EXERCISE = {"MindAndBody", "Preparation", "Wheelchair"}


def is_export_xml(head: bytes) -> bool:
    return head.lstrip().startswith(b"<?xml") and (
        b"<HealthData" in head or b"<!DOCTYPE HealthData" in head
    )


def export_member(zf: zipfile.ZipFile) -> zipfile.ZipInfo | None:
    """The export.xml in an export.zip. Its folder, and on some phones the file itself, is
    named in the phone's language, so failing "export.xml" any XML member whose first bytes
    are a HealthData document is taken (never export_cda.xml, the clinical records)."""
    members = [i for i in zf.infolist() if not i.is_dir()]
    for info in members:
        if info.filename.rsplit("/", 1)[-1] == "export.xml":
            return info
    for info in members:
        name = info.filename.rsplit("/", 1)[-1]
        if name.endswith(".xml") and "cda" not in name and _looks_like_export(zf, info):
            return info
    return None


def _looks_like_export(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    with archive.stream(zf, info) as member:
        return is_export_xml(member.read(4096))


def read(
    path: Path, tally: Tally, progress: Callable[[int, int], None] | None, diary_zone: Any
) -> None:
    if zipfile.is_zipfile(path):
        with archive.open_zip(str(path)) as zf:
            info = export_member(zf)
            if info is None:
                raise InputError("FILE", "this zip holds no export.xml", ACCEPTED)
            with archive.stream(zf, info) as member:
                parse(member, info.file_size, tally, progress)
        return
    try:
        with open(path, "rb") as fh:
            parse(fh, path.stat().st_size, tally, progress)
    except OSError as exc:
        raise InputError("FILE", f"cannot read {path}: {exc.strerror}", ACCEPTED) from exc


class _Refused(Exception):
    """Raised inside an expat handler to stop the parse."""


def parse(
    stream: IO[bytes], total: int, tally: Tally, progress: Callable[[int, int], None] | None
) -> None:
    """Feed `stream` through expat, adding what it holds to `tally`."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    reader = _Reader(tally)
    parser.StartElementHandler = reader.start
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_external
    parser.StartDoctypeDeclHandler = _check_doctype
    done = 0
    try:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
            done += len(chunk)
            if progress is not None:
                progress(done, total)
        parser.Parse(b"", True)
    except _Refused as exc:
        raise InputError("FILE", str(exc), ACCEPTED) from None
    except expat.ExpatError as exc:
        raise InputError(
            "FILE",
            f"export.xml is not well-formed XML ({expat.errors.messages[exc.code]}, line "
            f"{exc.lineno}); nothing was written",
            ACCEPTED,
        ) from None
    reader.finish()
    if not reader.seen_root:
        raise InputError("FILE", "this XML file is not an Apple Health export", ACCEPTED)


def _refuse_entity(name: str, *args: object) -> None:
    raise _Refused(
        f"export.xml declares an entity ({name!r}); refused, as a real export has none "
        "(entity bombs and external files hide there); nothing was written"
    )


def _refuse_external(
    context: str, base: str | None, system_id: str | None, public_id: str | None
) -> int:
    raise _Refused(
        f"export.xml refers to an external file ({system_id!r}); refused; nothing was written"
    )


def _check_doctype(name: str, system_id: str | None, public_id: str | None, internal: int) -> None:
    if system_id or public_id:
        raise _Refused(
            f"export.xml loads its DTD from outside ({system_id or public_id!r}); refused; "
            "nothing was written"
        )


class _Reader:
    """expat's StartElementHandler: as little work as possible per element.

    Steps are most of an export (a record every few minutes from each device), so they are
    only summed here, per date string and source; dates are checked and the span applied once
    per (day, source) in `finish`.
    """

    def __init__(self, tally: Tally) -> None:
        self.tally = tally
        self.seen_root = False
        self._dates: dict[str, date | None] = {}
        self._steps: dict[tuple[str, str], float] = {}
        self._step_records: dict[tuple[str, str], int] = {}

    def day(self, stamp: str | None) -> date | None:
        """The calendar date in the record's own offset: "2026-11-20 23:30:00 -0600" is 20 Nov."""
        if stamp is None:
            return None
        key = stamp[:10]
        found = self._dates.get(key, False)
        if found is False:
            try:
                found = date.fromisoformat(key)
            except ValueError:
                found = None
            self._dates[key] = found
        return found  # type: ignore[return-value]

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "Record":
            kind = attrs.get("type")
            if kind == STEPS:
                try:
                    value = float(attrs["value"])
                    key = (attrs["startDate"][:10], attrs.get("sourceName") or "unknown source")
                except (KeyError, ValueError):
                    self.tally.records += 1
                    self.tally.skipped["step record without a date or count"] += 1
                    return
                self._steps[key] = self._steps.get(key, 0.0) + value
                self._step_records[key] = self._step_records.get(key, 0) + 1
            elif kind == WATER:
                self.water(attrs)
        elif name == "Workout":
            self.workout(attrs)
        elif name == "HealthData":
            self.seen_root = True

    def finish(self) -> None:
        for (stamp, source), total in self._steps.items():
            records = self._step_records[(stamp, source)]
            day = self.day(stamp)
            if day is None or total != total or total in (float("inf"), float("-inf")):
                self.tally.records += records
                self.tally.skipped["step record without a date or count"] += records
                continue
            self.tally.add_steps(day, total, source, records=records)

    def water(self, attrs: dict[str, str]) -> None:
        start = attrs.get("startDate")
        day = self.day(start)
        value = _number(attrs.get("value"))
        unit = attrs.get("unit", "mL")
        per = ML_PER_UNIT.get(unit)
        if day is None or value is None:
            self.tally.records += 1
            self.tally.skipped["water record without a date or amount"] += 1
            return
        if per is None:
            self.tally.records += 1
            self.tally.skipped[f"water in an unknown unit ({unit})"] += 1
            return
        key = (start or "", attrs.get("endDate", ""), attrs.get("value", ""))
        self.tally.add_water(day, value * per, attrs.get("sourceName") or "unknown source", key)

    def workout(self, attrs: dict[str, str]) -> None:
        raw = attrs.get("workoutActivityType", "")
        kind = raw.removeprefix("HKWorkoutActivityType")
        start, end = _moment(attrs.get("startDate")), _moment(attrs.get("endDate"))
        if start is None or end is None:
            self.tally.records += 1
            self.tally.skipped["workout without start and end times"] += 1
            return
        if kind in NOT_EXERCISE:
            self.tally.records += 1
            self.tally.skipped[f"not exercise ({kind})"] += 1
            return
        duration = _number(attrs.get("duration"))
        per = MINUTES_PER_UNIT.get(attrs.get("durationUnit", "min"))
        if duration is None or per is None:
            minutes = (end - start).total_seconds() / 60
        else:
            minutes = duration * per
        mapped = ACTIVITY.get(kind)
        if mapped is None:
            self.tally.skipped[f"workout kind with no cramplog word ({kind}; minutes kept)"] += 1
        self.tally.add_workout(
            Workout(
                day=start.date(),
                start=start.timestamp(),
                end=end.timestamp(),
                minutes=minutes,
                kind=mapped,
                source=attrs.get("sourceName") or "unknown source",
            )
        )


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def _moment(stamp: str | None) -> datetime | None:
    """'2026-11-20 23:30:00 -0600' as an aware datetime in its own offset."""
    if stamp is None:
        return None
    try:
        return datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S %z")
    except ValueError:
        return None
