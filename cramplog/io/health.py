"""Health-app files into the diary: which app wrote a file, and its days merged into `day` rows.

`sniff` says what a file is from its content (never its name). `import_health` reads it with
the module for that app (apple_health, health_connect, google_fit), adds it up per day
(health_merge), and fills the diary's day rows through the caller's ORM session, in the one
transaction the CLI opened, so `cramplog undo` takes the whole import back.

The rules a person can rely on:
- a value typed by hand (a day field not named in `day.sources`) is never overwritten;
- a value this app imported before is replaced by the file's value, so importing a newer
  export updates it and importing the same file twice changes nothing;
- a value another app imported is kept (the first app to fill a day field keeps it);
- every imported field is named in `day.sources` with the app it came from.
"""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from cramplog.errors import InputError
from cramplog.io import apple_health, google_fit, health_connect
from cramplog.io.health_merge import Tally
from cramplog.models import Day

KINDS = ("apple-health", "health-connect", "google-fit")
NAMES = {
    "apple-health": "Apple Health",
    "health-connect": "Health Connect",
    "google-fit": "Google Fit (Takeout)",
}
_READERS: dict[str, ModuleType] = {
    "apple-health": apple_health,
    "health-connect": health_connect,
    "google-fit": google_fit,
}
FIELDS = ("water_ml", "exercise_minutes", "activities", "steps")


def sniff(path: str | Path) -> str | None:
    """'apple-health' | 'health-connect' | 'google-fit' by the file's content, else None."""
    path = Path(path)
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                if health_connect.member(zf) is not None:
                    return "health-connect"
                if google_fit.is_takeout(zf):
                    return "google-fit"
                if apple_health.export_member(zf) is not None:
                    return "apple-health"
            return None
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except (OSError, zipfile.BadZipFile, InputError):
        return None
    return "apple-health" if apple_health.is_export_xml(head) else None


@dataclass
class ImportSummary:
    kind: str
    records: int = 0  # records read from the file
    days_filled: int = 0  # days whose row gained or changed a value
    added: Counter[str] = field(default_factory=Counter)  # field -> values newly filled
    updated: Counter[str] = field(default_factory=Counter)  # field -> earlier imports replaced
    unchanged: int = 0  # values already as the file says
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> how many
    dry_run: bool = False

    @property
    def values_added(self) -> int:
        return sum(self.added.values()) + sum(self.updated.values())


def import_health(
    session: Session,
    path: str | Path,
    kind: str,
    *,
    since: date | None = None,
    until: date | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
    zone: ZoneInfo | None = None,
    person_id: int | None = None,
) -> ImportSummary:
    """Read `path` (a file of `kind`) and fill the diary's day rows from it.

    `since`/`until` limit the days taken; `progress(done_bytes, total_bytes)` is called as the
    file is read; `zone` dates records that carry no offset of their own (the diary's zone);
    with `dry_run` nothing in the session is changed and the summary says what would be.
    """
    if kind not in _READERS:
        raise InputError("kind", f"unknown health file kind {kind!r}", ", ".join(KINDS))
    from cramplog import diary

    tally = Tally(since=since, until=until)
    _READERS[kind].read(Path(path), tally, progress, zone or ZoneInfo("UTC"))
    by_day = tally.days()
    summary = ImportSummary(kind=kind, records=tally.records, dry_run=dry_run)
    summary.skipped.update(tally.skipped)
    if not by_day:
        return summary
    if person_id is None:
        who = diary.person(session, create=not dry_run)
        person_id = who.id if who is not None else None
    rows: dict[date, Day] = {}
    if person_id is not None:
        rows = {
            d.date: d
            for d in session.scalars(
                select(Day).where(
                    Day.person_id == person_id,
                    Day.date >= min(by_day),
                    Day.date <= max(by_day),
                )
            )
        }
    for on in sorted(by_day):
        if _merge_day(session, rows.get(on), on, by_day[on], kind, person_id, summary):
            summary.days_filled += 1
    if not dry_run:
        session.flush()
    return summary


def _merge_day(
    session: Session,
    row: Day | None,
    on: date,
    values: dict[str, int | str],
    kind: str,
    person_id: int | None,
    summary: ImportSummary,
) -> bool:
    sources: dict[str, str] = json.loads(row.sources) if row is not None and row.sources else {}
    changes: dict[str, int | str] = {}
    for name in FIELDS:
        if name not in values:
            continue
        new = values[name]
        old = getattr(row, name) if row is not None else None
        owner = sources.get(name)
        if old is not None and owner is None:
            summary.skipped[f"{_label(name)} typed by hand kept"] += 1
        elif owner is not None and owner != kind:
            summary.skipped[f"{_label(name)} imported from {NAMES.get(owner, owner)} kept"] += 1
        elif old == new:
            summary.unchanged += 1
        else:
            (summary.updated if owner == kind else summary.added)[name] += 1
            changes[name] = new
    if not changes:
        return False
    if summary.dry_run:
        return True
    if row is None:
        row = Day(person_id=person_id, date=on)
        session.add(row)
    for name, new in changes.items():
        setattr(row, name, new)
        sources[name] = kind
    row.sources = json.dumps(dict(sorted(sources.items())))
    return True


LABELS = {
    "water_ml": "water",
    "exercise_minutes": "exercise minutes",
    "activities": "activities",
    "steps": "steps",
}


def _label(name: str) -> str:
    return LABELS[name]


def accepted() -> str:
    """What `import` takes, for the one-line refusal of anything else."""
    return (
        "Apple Health export.zip or export.xml, Health Connect's zip, a Google Takeout zip with Fit"
    )


__all__ = ["KINDS", "LABELS", "NAMES", "ImportSummary", "accepted", "import_health", "sniff"]
