"""`cramplog import FILE` for health-app files (Apple Health, Health Connect, Google Takeout).

The `import` command itself is cli/transfer.py's (it reads what a file is from its content);
it calls `run_health_import` for the kinds `cramplog.io.health.sniff` names.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import click

from cramplog import present
from cramplog.cli import Diary

if TYPE_CHECKING:
    from cramplog.io.health import ImportSummary


class Progress:
    """A one-line progress bar on a terminal (bytes read, share done, time left); silent when
    stderr is a pipe or a file, so scripts and logs get only the summary."""

    def __init__(self, label: str, stream: TextIO | None = None, every: float = 0.2) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.label = label
        self.every = every
        self.started = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last < self.every and done < total:
            return
        self.last = now
        share = done / total if total else 1.0
        line = f"{self.label}: {_size(done)} of {_size(total)} ({present.fraction(share)})"
        elapsed = now - self.started
        if 0 < share < 1 and elapsed > 1:
            line += f", about {_duration(elapsed / share - elapsed)} left"
        self.stream.write("\r" + line.ljust(72))
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 72 + "\r")
            self.stream.flush()


def _size(n: int) -> str:
    if n >= 1024**3:
        return f"{n / 1024**3:.1f} GB"
    if n >= 1024**2:
        return f"{n / 1024**2:.0f} MB"
    return f"{n / 1024:.0f} kB"


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs} s" if minutes < 10 else f"{minutes} min"


def describe(summary: ImportSummary) -> list[str]:
    """The lines a person reads after an import: what was filled, and what was left and why."""
    from cramplog.io.health import LABELS as labels
    from cramplog.io.health import NAMES

    verb = "Would fill" if summary.dry_run else "Filled"
    name = NAMES[summary.kind]
    days = "day" if summary.days_filled == 1 else "days"
    lines = [f"{name}: {summary.records:,} records read. {verb} {summary.days_filled} {days}."]
    parts = [f"{labels[k]} {n}" for k, n in summary.added.items() if n]
    if parts:
        lines.append(f"  new values: {', '.join(parts)}")
    parts = [f"{labels[k]} {n}" for k, n in summary.updated.items() if n]
    if parts:
        lines.append(f"  updated from an earlier import: {', '.join(parts)}")
    if summary.unchanged:
        lines.append(f"  already as in the file: {summary.unchanged}")
    for reason, count in sorted(summary.skipped.items(), key=lambda kv: (-kv[1], kv[0])):
        lines.append(f"  skipped: {reason}: {count:,}")
    return lines


def run_health_import(
    diary: Diary, path: Path, kind: str, since_text: str | None, dry_run: bool
) -> None:
    """Import one health-app file: one transaction, undoable, or nothing with --dry-run."""
    from cramplog import diary as ops
    from cramplog import timeutil
    from cramplog.cli.entries import clock, read_date
    from cramplog.io.health import NAMES, import_health

    progress = Progress(f"Reading {path.name}")
    block = diary.reading() if dry_run else diary.writing(f"import {NAMES[kind]} file")
    try:
        with block as session:
            current, zone_name = clock(session)
            since = read_date(session, since_text, "--since") if since_text else None
            who = ops.person(session, create=False)
            summary = import_health(
                session,
                path,
                kind,
                since=since,
                until=current.date(),
                dry_run=dry_run,
                progress=progress,
                zone=timeutil.zone(zone_name),
                person_id=who.id if who is not None else None,
            )
    finally:
        progress.close()
    for line in describe(summary):
        click.echo(line)
    if dry_run:
        click.echo("Nothing was written (--dry-run).")
    else:
        click.echo(diary.undo_hint)


COMMANDS: list[click.Command] = []  # `import` is registered by cli/transfer.py
