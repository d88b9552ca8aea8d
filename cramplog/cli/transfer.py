"""Data in and out: export (JSON, CSV, FHIR), import, backup and restore, purge."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cramplog.cli import Diary, pass_diary
from cramplog.errors import InputError

if TYPE_CHECKING:
    from cramplog.io.portable import Summary

JSON_LIMIT = 512 * 1024 * 1024  # a cramplog JSON export; a century of diary is well under 50 MB
SHOWN_CONFLICTS = 50


# --- export --------------------------------------------------------------------------------


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "fhir"]),
    default="json",
    show_default=True,
    help="json: everything, lossless; csv: a zip of tables for a spreadsheet; fhir: an HL7 FHIR "
    "R4 Bundle of the cramps for a clinic.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File (default: stdout; csv needs a file).",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option("--with-name", is_flag=True, help="fhir: put the profile name in the Patient.")
@pass_diary
def export(diary: Diary, fmt: str, output: Path | None, force: bool, with_name: bool) -> None:
    """Everything in the diary, to keep, move or share (it is health data: keep it private).

    \b
    cramplog export -o diary.json                     # everything; cramplog import reads it
    cramplog export --format csv -o diary.zip         # one CSV per table
    cramplog export --format fhir -o cramps.fhir.json # for a clinic's system
    """
    from cramplog.files import check_target, private_output, write_private_text
    from cramplog.io import portable

    if fmt == "csv" and output is None:
        raise InputError("-o", "a CSV export is a zip file", "-o diary.zip")
    if with_name and fmt != "fhir":
        raise InputError("--with-name", "is for --format fhir", "--format fhir --with-name")
    if output is not None:
        check_target(output, force=force)
    with diary.reading() as session:
        doc = portable.export_document(session)
    if fmt == "csv":
        from cramplog.io import csvzip

        assert output is not None
        with private_output(output, force=force) as temp:
            csvzip.write_zip(doc, temp)
        click.echo(f"Exported to {output} (personal health data: keep it private).")
        return
    if fmt == "fhir":
        from cramplog.io import fhir

        doc = fhir.bundle(doc, with_name=with_name)
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    if output is None:
        click.echo(text)
        return
    write_private_text(output, text + "\n", force=force)
    click.echo(f"Exported to {output} (personal health data: keep it private).")


# --- import --------------------------------------------------------------------------------


class _DryRun(Exception):
    """Raised inside the import's transaction so that a dry run rolls every write back."""

    def __init__(self, result: Any) -> None:
        self.result = result


def _read_json(path: Path) -> Any:
    from cramplog.files import describe_os_error

    try:
        with path.open("rb") as handle:
            data = handle.read(JSON_LIMIT + 1)
    except OSError as exc:
        raise InputError("FILE", f"cannot read {path}: {describe_os_error(exc)}") from None
    if len(data) > JSON_LIMIT:
        raise InputError("FILE", f"{path} is larger than any cramplog export", "a cramplog export")
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:
        problem = str(exc).splitlines()[0][:120] if str(exc) else "too deeply nested"
        raise InputError(
            "FILE",
            f"{path} is not readable JSON ({problem}); nothing was written",
            "a file from cramplog export",
        ) from None


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say what would be added, changed and skipped.")
@click.option(
    "--prefer",
    type=click.Choice(["diary", "file"]),
    default="diary",
    show_default=True,
    help="When an entry is in both, differently: keep the diary's, or take the file's.",
)
@click.option("--since", metavar="DATE", help="Health files: only days from this date on.")
@pass_diary
def import_(diary: Diary, file: Path, dry_run: bool, prefer: str, since: str | None) -> None:
    """Bring a file into the diary: a cramplog export (JSON or CSV zip) or a health-app export.

    What the file is is read from its content, not its name. An entry already in the diary is
    skipped; one in both but different is a conflict, and the diary's version is kept unless
    --prefer file. Nothing is written unless the whole file imports (undo: cramplog undo).
    """
    from cramplog import io

    kind = io.detect(file)
    if kind is None:
        raise InputError("FILE", f"{file} is not a file cramplog can import", io.EXPECTED)
    if kind == io.DIARY_FILE:
        raise InputError(
            "FILE",
            f"{file} is a diary file (a backup), not an export",
            hint=f"put it back with: cramplog backup restore {file}",
        )
    if kind in (io.CRAMPLOG_JSON, io.CRAMPLOG_CSV):
        _import_cramplog(diary, file, kind, dry_run=dry_run, prefer=prefer)
    else:
        _import_health(diary, file, kind, dry_run=dry_run, since=since)


def _import_cramplog(diary: Diary, file: Path, kind: str, *, dry_run: bool, prefer: str) -> None:
    from cramplog import io
    from cramplog.io import portable

    if kind == io.CRAMPLOG_JSON:
        parsed = portable.parse_document(_read_json(file))
    else:
        from cramplog.io import csvzip

        parsed = csvzip.read_zip(file)
    from cramplog.config import sqlite_path

    path = sqlite_path(diary.url)
    try:
        if dry_run and path is not None and not path.exists():
            raise _DryRun(portable.summary_for_new(parsed))
        with diary.writing(f"import {file.name}") as session:
            summary = portable.merge(session, parsed, prefer=prefer)
            if dry_run:
                raise _DryRun(summary)
    except _DryRun as done:
        _say(done.result, dry_run=True)
        return
    except portable.BadRows as exc:
        for row in exc.rows[:200]:
            click.echo(f"  {row}", err=True)
        if len(exc.rows) > 200:
            click.echo(f"  ... and {len(exc.rows) - 200} more", err=True)
        raise
    _say(summary, dry_run=False)
    click.echo(diary.undo_hint if summary.added or summary.changed else "Nothing new to add.")


def _say(summary: Summary, *, dry_run: bool) -> None:
    verb = (
        ("would add", "would change", "would skip") if dry_run else ("added", "changed", "skipped")
    )
    for name, c in summary.counts.items():
        if c.added or c.changed or c.skipped:
            click.echo(
                f"{name.replace('_', ' ')}: {verb[0]} {c.added}, {verb[1]} {c.changed}, "
                f"{verb[2]} {c.skipped}"
            )
    click.echo(
        f"In all: {verb[0]} {summary.added}, {verb[1]} {summary.changed}, "
        f"{verb[2]} {summary.skipped} (already in the diary)."
    )
    if summary.conflicts:
        rule = (
            "the file's version is taken (--prefer file)"
            if summary.prefer == "file"
            else "the diary's version is kept (the default; --prefer file takes the file's)"
        )
        click.echo(f"{len(summary.conflicts)} in both, differently: {rule}:")
        for line in summary.conflicts[:SHOWN_CONFLICTS]:
            click.echo(f"  {line}")
        if len(summary.conflicts) > SHOWN_CONFLICTS:
            click.echo(f"  ... and {len(summary.conflicts) - SHOWN_CONFLICTS} more")
    if dry_run:
        click.echo("Dry run: nothing was written.")


def _import_health(
    diary: Diary, file: Path, kind: str, *, dry_run: bool, since: str | None
) -> None:
    from cramplog import io

    if io.health_module() is None:
        raise InputError(
            "FILE", f"{file} looks like a {kind} export, which this cramplog cannot import yet"
        )
    from cramplog.cli.health_import import run_health_import

    run_health_import(diary, file, kind, since, dry_run)


# --- backup and restore -----------------------------------------------------------------------


def _sqlite_file(diary: Diary, what: str) -> Path:
    from cramplog.config import sqlite_path

    path = sqlite_path(diary.url)
    if path is None:
        raise click.UsageError(
            f"{what} works on a diary file, and this diary is on a database server: its "
            "backups and restores are the server's business (pg_dump and pg_restore, or its "
            "administrator's); `cramplog export` and `import` copy the entries out and in"
        )
    return path


@click.group(invoke_without_command=True)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Backup file."
)
@click.option("--force", is_flag=True, help="Replace the backup file if it exists.")
@click.pass_context
def backup(ctx: click.Context, output: Path | None, force: bool) -> None:
    """Copy the diary to a safe, consistent, self-contained backup file (owner-only).

    Without -o the copy goes beside the diary, named with the date and time.
    `cramplog backup restore FILE` puts a backup back.
    """
    if ctx.invoked_subcommand is not None:
        if output is not None:
            raise click.UsageError("-o belongs to backup itself, not to backup restore")
        return
    from cramplog import migrate
    from cramplog.files import check_target

    diary = ctx.find_object(Diary)
    assert diary is not None
    path = _sqlite_file(diary, "backup")
    if output is not None:
        check_target(output, force=force)
    diary.check_exists()
    diary.engine  # noqa: B018  (opens and checks the diary before copying it)
    if output is None:
        copy = migrate.backup_sqlite(path, "backup")
    else:
        if output.absolute() == path.absolute():
            raise click.UsageError("-o: that is the diary itself; choose another file name")
        copy = migrate.backup_sqlite_to(path, output, force=force)
    click.echo(f"Backup written: {copy}")


def _contents(path: Path) -> str:
    """What a diary file holds, in a few words, read without writing to it."""
    try:
        with closing(sqlite3.connect(f"{path.absolute().as_uri()}?immutable=1", uri=True)) as conn:
            cramps = conn.execute(
                "SELECT COUNT(*) FROM episode WHERE deleted_at IS NULL"
            ).fetchone()
            days = conn.execute("SELECT COUNT(*) FROM day").fetchone()
            last = conn.execute("SELECT MAX(night) FROM episode").fetchone()
    except sqlite3.Error:
        return "contents unreadable"
    latest = f", latest night {last[0]}" if last and last[0] else ""
    return f"{cramps[0]} cramps, {days[0]} days{latest}"


@backup.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Say what would happen; change nothing.")
@pass_diary
def restore(diary: Diary, file: Path, dry_run: bool) -> None:
    """Put a backup back as the diary, keeping a copy of today's diary first.

    An older backup is upgraded to this cramplog's schema; a file that is not a cramplog diary
    is refused.
    """
    from cramplog import migrate
    from cramplog.db import identify, newer_diary, open_engine
    from cramplog.errors import DiaryFileError

    path = _sqlite_file(diary, "restore")
    if file.absolute() == path.absolute():
        raise InputError("FILE", "that is the diary itself", "a backup file")
    state = identify(file)  # DiaryFileError: not a diary, or damaged
    if state.version is None:
        raise InputError(
            "FILE", f"{file} is empty, not a cramplog backup", "a file from cramplog backup"
        )
    if migrate.is_newer(state.version):
        raise newer_diary(state.version)
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise DiaryFileError(
            f"{path} is in use (its write-ahead log {wal.name} is not empty); close the program "
            "using it and try again. Nothing was written."
        )
    has_diary = path.exists() and path.stat().st_size > 0
    upgrade = "" if state.version == migrate.head_revision() else f", upgraded from {state.version}"
    if dry_run:
        click.echo(f"Would restore {file} ({_contents(file)}{upgrade}).")
        if has_diary:
            click.echo(
                f"Today's diary ({_contents(path)}) would be kept as a copy beside it first."
            )
        click.echo("Dry run: nothing was written.")
        return
    kept = None
    if has_diary:
        kept = _keep_today(path)
    migrate.backup_sqlite_to(file, path, force=True)
    for leftover in (wal, path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    try:
        open_engine(diary.url).dispose()  # upgrades an older backup (with its own copy first)
    except DiaryFileError:
        if kept is not None:
            migrate.backup_sqlite_to(kept, path, force=True)
        raise
    click.echo(f"Restored {file} ({_contents(path)}{upgrade}).")
    if kept is not None:
        click.echo(f"Today's diary was kept at: {kept}")
        click.echo(f"To go back to it: cramplog backup restore {kept}")


def _keep_today(path: Path) -> Path:
    """A copy of the diary as it is, even when it is damaged (that may be why we restore)."""
    from cramplog import migrate
    from cramplog.files import private_output

    try:
        return migrate.backup_sqlite(path, "before-restore")
    except sqlite3.DatabaseError:
        target = path.with_name(
            f"{path.name}.before-restore-{datetime.now().strftime('%Y%m%dT%H%M%S')}.bak"
        )
        with private_output(target) as temp:
            temp.write_bytes(path.read_bytes())
        return target


# --- purge ---------------------------------------------------------------------------------


@click.command()
@click.option(
    "--deleted-before",
    required=True,
    metavar="DATE",
    help="Remove entries deleted before this day.",
)
@click.option("--dry-run", is_flag=True, help="List what would be removed; change nothing.")
@pass_diary
def purge(diary: Diary, deleted_before: str, dry_run: bool) -> None:
    """Remove deleted cramps for good (a backup is written first; undo cannot bring them back).

    `cramplog delete` only marks a cramp deleted, so `restore` can bring it back; purge removes
    the ones deleted before DATE from the file.
    """
    from sqlalchemy import delete, select

    from cramplog import diary as ops
    from cramplog import migrate
    from cramplog.db import session_scope
    from cramplog.models import ChangeRow, Episode
    from cramplog.timeutil import zone

    try:
        day = date.fromisoformat(deleted_before.strip())
    except ValueError:
        raise InputError(
            "--deleted-before", f"{deleted_before!r} is not a date", "YYYY-MM-DD"
        ) from None
    with diary.reading() as session:
        tz = zone(ops.setting(session, "timezone") or None)
        cutoff = datetime.combine(day, time(0), tzinfo=tz)
        doomed = list(
            session.execute(
                select(Episode.id, Episode.night, Episode.deleted_at)
                .where(Episode.deleted_at.is_not(None), Episode.deleted_at < cutoff)
                .order_by(Episode.id)
            )
        )
    if not doomed:
        click.echo(f"No cramps deleted before {day.isoformat()}: nothing to purge.")
        return
    listing = ", ".join(f"#{i} (night {n.isoformat()})" for i, n, _ in doomed[:20])
    more = f" and {len(doomed) - 20} more" if len(doomed) > 20 else ""
    if dry_run:
        click.echo(f"Would remove {len(doomed)} deleted cramps for good: {listing}{more}.")
        click.echo("Dry run: nothing was written.")
        return
    from cramplog.config import sqlite_path

    path = sqlite_path(diary.url)  # None: a database server, which keeps its own backups
    copy = migrate.backup_sqlite(path, "before-purge") if path is not None else None
    ids = [i for i, _, _ in doomed]
    keys = [json.dumps([i]) for i in ids]
    with session_scope(diary.engine, write=True) as session:
        session.execute(delete(Episode).where(Episode.id.in_(ids)))
        # The undo journal keeps images of rows it changed; those of purged cramps go too, so
        # no undo can bring them back and the text is not left in the file.
        session.execute(
            delete(ChangeRow).where(ChangeRow.table_name == "episode", ChangeRow.row_key.in_(keys))
        )
    if path is not None:
        with closing(sqlite3.connect(path)) as conn:
            conn.execute("VACUUM")  # freed pages would otherwise still hold the notes' text
    click.echo(f"Removed {len(doomed)} deleted cramps for good: {listing}{more}.")
    if copy is not None:
        click.echo(
            f"A backup from before the purge is at: {copy} (delete it too when you are sure)."
        )
    else:
        click.echo(
            "On a database server the freed space is reclaimed by the server's own VACUUM, and "
            "its backups and logs keep the removed text until they expire (its administrator's)."
        )


COMMANDS = [backup, export, import_, purge]
