"""The diary as a zip of tidy CSV tables, for a spreadsheet, and back.

The tables are the JSON document's, one file each, so the two formats carry the same things.
UTF-8 with a byte-order mark (so spreadsheets read accents right), ISO dates, times with their
offsets. A cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a
carriage return) gets a leading apostrophe, and so does a cell that already starts with one;
import takes exactly one apostrophe off such a cell, so every note comes back as typed.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from cramplog.errors import InputError
from cramplog.io import archive
from cramplog.io.portable import (
    ABOUT,
    DAYS,
    DOSES,
    EPISODES,
    FORMAT_VERSION,
    TABLES,
    TRIALS,
    Parsed,
    parse_document,
)

CSV_FORMAT = "cramplog-csv"
MANIFEST = "cramplog-export.json"
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")
PROFILE_COLUMNS = ("uid", "name", "birth_year", "cramps_since", "created_at")
DAY_SHOE_COLUMNS = ("day_uid", "date", "shoe_uid", "shoe", "hours")
# One row per own factor's value on a day (1 yes, 0 no, else the number); no row: not recorded.
DAY_FACTOR_COLUMNS = ("day_uid", "date", "factor_uid", "factor", "value")
DOSE_EXTRA = ("medication_uid", "medicine")


def guard(cell: str) -> str:
    return "'" + cell if cell.startswith(_TRIGGERS) else cell


def unguard(cell: str) -> str:
    return cell[1:] if cell.startswith("'") else cell


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):  # words; a trial's arms and changes are JSON
        if all(isinstance(v, str) for v in value):
            return ",".join(value)
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _table(columns: list[str] | tuple[str, ...], rows: list[list[Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([guard(_cell(v)) for v in row])
    return out.getvalue().encode("utf-8-sig")


def write_zip(doc: dict[str, Any], target: Path) -> None:
    """Write the document's tables as CSV members of a new zip at `target` (a temporary path)."""
    members: dict[str, bytes] = {}
    profile = doc.get("profile") or {}
    members["profile.csv"] = _table(
        PROFILE_COLUMNS, [[profile.get(c) for c in PROFILE_COLUMNS]] if profile else []
    )
    members["conditions.csv"] = _table(("condition",), [[c] for c in profile.get("conditions", [])])
    members["settings.csv"] = _table(("key", "value"), [[k, v] for k, v in doc["settings"].items()])
    for table in TABLES:
        columns = ["uid", *(f.name for f in table.fields)]
        if table is EPISODES:
            columns.append("deleted")
        if table is DOSES:
            columns[1:1] = DOSE_EXTRA
        if table is TRIALS:
            columns.insert(1, "factor_uid")
        rows = []
        med_names = {m["uid"]: m["name"] for m in doc["medications"]}
        for row in doc[table.key]:
            if table is TRIALS:
                row = {**row, "factor_uid": row["factor"]}
            if table is DOSES:
                row = {
                    **row,
                    "medication_uid": row["medication"],
                    "medicine": med_names.get(row["medication"]),
                }
            rows.append([row.get(c) for c in columns])
        members[f"{table.key}.csv"] = _table(columns, rows)
    shoe_names = {s["uid"]: s["name"] for s in doc["shoes"]}
    members["day_shoes.csv"] = _table(
        DAY_SHOE_COLUMNS,
        [
            [d["uid"], d["date"], s["shoe"], shoe_names.get(s["shoe"]), s["hours"]]
            for d in doc["days"]
            for s in d["shoes"]
        ],
    )
    factor_names = {f["uid"]: f["name"] for f in doc.get("factors", [])}
    members["day_factors.csv"] = _table(
        DAY_FACTOR_COLUMNS,
        [
            [d["uid"], d["date"], v["factor"], factor_names.get(v["factor"]), v["value"]]
            for d in doc["days"]
            for v in d.get("factors", [])
        ],
    )
    manifest = {
        "format": CSV_FORMAT,
        "format_version": FORMAT_VERSION,
        "about": ABOUT,
        "exported_at": doc["exported_at"],
        "tables": sorted(members),
    }
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST, json.dumps(manifest, indent=2) + "\n")
        for name, data in members.items():
            zf.writestr(name, data)


# --- reading --------------------------------------------------------------------------------


def _read_csv(
    name: str, data: bytes, errors: list[str]
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and rows (with the line each starts on) of one CSV member."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        errors.append(f"{name} line {line}: is not UTF-8 text (save the file as CSV UTF-8)")
        return [], []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        rows = []
        start = reader.line_num + 1
        for cells in reader:
            if any(c.strip() for c in cells):
                if len(cells) > len(header):
                    errors.append(f"{name} line {start}: has more cells than the header")
                else:
                    rows.append(
                        (start, {h: unguard(c) for h, c in zip(header, cells, strict=False)})
                    )
            start = reader.line_num + 1
    except csv.Error as exc:
        errors.append(f"{name} line {reader.line_num}: {exc}")
        return [], []
    return header, rows


def read_zip(path: Path) -> Parsed:
    """Check every row of a CSV export; the result lists every bad row by file and line."""
    wanted = {
        MANIFEST,
        "profile.csv",
        "conditions.csv",
        "settings.csv",
        "day_shoes.csv",
        "day_factors.csv",
        *(f"{t.key}.csv" for t in TABLES),
    }
    members = archive.read_members(path, wanted)
    if MANIFEST in members:
        try:
            manifest = json.loads(members[MANIFEST])
        except ValueError:
            manifest = None
        if not isinstance(manifest, dict) or manifest.get("format") != CSV_FORMAT:
            raise InputError(
                "FILE", f"{MANIFEST} in {path} is not cramplog's", "a cramplog CSV zip"
            )
        version = manifest.get("format_version")
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise InputError(
                "FILE",
                f"was written by a newer cramplog (format {version})",
                f"format {FORMAT_VERSION}",
                hint="upgrade cramplog to import it",
            )
    errors: list[str] = []
    lines: dict[str, list[str]] = {}
    doc: dict[str, Any] = {"format_version": FORMAT_VERSION}

    def rows_of(name: str, required: tuple[str, ...] = ()) -> list[tuple[int, dict[str, str]]]:
        if name not in members:
            return []
        header, rows = _read_csv(name, members[name], errors)
        missing = [c for c in required if c not in header]
        if header and missing:
            errors.append(f"{name} line 1: the column {missing[0]} is missing from the header")
            return []
        return rows

    for table in TABLES:
        name = f"{table.key}.csv"
        required = tuple(f.name for f in table.fields if f.required)
        rows = rows_of(name, required)
        doc[table.key] = []
        lines[table.key] = []
        for line, row in rows:
            if table is DOSES:
                row["medication"] = row.pop("medication_uid", "")
            if table is TRIALS:
                row["factor"] = row.pop("factor_uid", "")
            if table is DAYS:
                row["shoes"] = []  # filled from day_shoes.csv
                row["factors"] = []  # and from day_factors.csv
            doc[table.key].append(row)
            lines[table.key].append(f"{name} line {line}")
    _attach_day_shoes(doc, rows_of("day_shoes.csv", ("shoe_uid", "shoe", "hours")), errors)
    _attach_day_factors(doc, rows_of("day_factors.csv", ("factor_uid", "factor", "value")), errors)
    profile_rows = rows_of("profile.csv")
    if len(profile_rows) > 1:
        errors.append(f"profile.csv line {profile_rows[1][0]}: one profile row only")
    doc["profile"] = dict(profile_rows[0][1]) if profile_rows else None
    if doc["profile"] is not None:
        doc["profile"]["conditions"] = [
            r.get("condition", "") for _, r in rows_of("conditions.csv", ("condition",))
        ]
    doc["settings"] = {r.get("key", ""): r.get("value", "") for _, r in rows_of("settings.csv")}
    parsed = parse_document(doc, where=lambda key, i: lines[key][i])
    parsed.errors[:0] = errors
    return parsed


def _attach_day_shoes(
    doc: dict[str, Any], rows: list[tuple[int, dict[str, str]]], errors: list[str]
) -> None:
    _attach_to_days(doc, rows, errors, "day_shoes.csv", "shoes", ("shoe", "hours"))


def _attach_day_factors(
    doc: dict[str, Any], rows: list[tuple[int, dict[str, str]]], errors: list[str]
) -> None:
    _attach_to_days(doc, rows, errors, "day_factors.csv", "factors", ("factor", "value"))


def _attach_to_days(
    doc: dict[str, Any],
    rows: list[tuple[int, dict[str, str]]],
    errors: list[str],
    member: str,
    key: str,
    columns: tuple[str, str],
) -> None:
    """Put each row of a day's list (`day_shoes.csv`: shoe and hours; `day_factors.csv`:
    factor and value) under its day in days.csv, found by uid or else by date."""
    thing, amount = columns
    by_uid = {d.get("uid"): d for d in doc["days"] if d.get("uid")}
    by_date = {d.get("date"): d for d in doc["days"]}
    for line, row in rows:
        day = by_uid.get(row.get("day_uid")) or by_date.get(row.get("date"))
        if day is None:
            errors.append(
                f"{member} line {line}: no day {row.get('day_uid') or row.get('date')!r} "
                "in days.csv (add the day there, or give its date)"
            )
            continue
        day[key].append(
            {
                thing: row.get(f"{thing}_uid") or None,
                "name": row.get(thing) or None,
                amount: row.get(amount),
            }
        )
