"""The data itself: db upgrade/status/check, backup, export."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from cramplog.cli import Diary, pass_diary


@click.group()
def db() -> None:
    """The diary file's schema."""


@db.command("status")
@pass_diary
def db_status(diary: Diary) -> None:
    """Where the diary is, its schema version, and whether it is current."""
    from cramplog import migrate

    diary.check_exists()
    version = _version(diary)
    head = migrate.head_revision()
    click.echo(f"diary:   {diary.url}")
    click.echo(f"schema:  {version or 'empty (created on first use)'}")
    click.echo(f"current: {head}")
    if version == head:
        click.echo("Up to date.")
    elif migrate.is_newer(version):
        click.echo("This diary is newer than this cramplog: upgrade cramplog.")
    else:
        click.echo("An upgrade is due; it runs on next use, or now with: cramplog db upgrade")


def _version(diary: Diary) -> str | None:
    """The diary's schema version, read without writing (a refused file stays untouched)."""
    from cramplog.config import sqlite_path
    from cramplog.db import identify, make_engine, schema_version

    path = sqlite_path(diary.url)
    if path is not None:
        return identify(path).version
    return schema_version(make_engine(diary.url))


@db.command("upgrade")
@pass_diary
def db_upgrade(diary: Diary) -> None:
    """Bring the diary to the current schema (a backup is written beside it first)."""
    from cramplog import migrate
    from cramplog.db import fault_on_write, make_engine, newer_diary

    version = _version(diary)
    head = migrate.head_revision()
    if version == head:
        click.echo(f"Already at {head}.")
        return
    if migrate.is_newer(version):
        raise newer_diary(version)
    with fault_on_write(diary.url):
        copy = migrate.upgrade(make_engine(diary.url))
    click.echo(f"Upgraded {version or 'new diary'} -> {head}.")
    if copy:
        click.echo(f"Backup: {copy}")


@db.command("check")
@pass_diary
def db_check(diary: Diary) -> None:
    """Check the file's integrity and that its schema matches this cramplog."""
    from sqlalchemy import text

    from cramplog import migrate

    engine = diary.engine
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            result = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
            fk = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            click.echo(
                f"integrity: {result}; foreign keys: {'ok' if not fk else f'{len(fk)} problems'}"
            )
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    migrate.check(engine)
    click.echo(f"schema {version}: matches this cramplog.")


@click.command()
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Backup file."
)
@click.option("--force", is_flag=True, help="Replace the backup file if it exists.")
@pass_diary
def backup(diary: Diary, output: Path | None, force: bool) -> None:
    """Copy the diary to a safe, consistent, self-contained backup file (owner-only).

    Without -o the copy goes beside the diary, named with the date and time.
    """
    from cramplog import migrate
    from cramplog.config import sqlite_path
    from cramplog.files import check_target

    path = sqlite_path(diary.url)
    if path is None:
        raise click.UsageError("backup works on SQLite diaries; use your database's own tools")
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


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File (default: stdout).",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@pass_diary
def export(diary: Diary, output: Path | None, force: bool) -> None:
    """Everything in the diary as JSON (it contains health data: keep it private)."""
    from cramplog import diary as ops
    from cramplog.cli.entries import day_dict, episode_dict
    from cramplog.cli.things import med_line
    from cramplog.files import check_target, write_private_text
    from cramplog.timeutil import iso_local

    if output is not None:
        check_target(output, force=force)

    with diary.reading() as session:
        who = ops.person(session, create=False)
        data = {
            "about": "cramplog diary export: personal health data (cramps, daily factors, "
            "medicines, conditions). Keep it private.",
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "profile": {
                "birth_year": who.birth_year if who else None,
                "conditions": [c.condition for c in who.conditions] if who else [],
            },
            "settings": ops.settings(session),
            "episodes": [episode_dict(e) for e in ops.episodes(session, include_deleted=True)],
            "cramp_free_nights": [n.night.isoformat() for n in ops.cramp_free_nights(session)],
            "night_notes": {
                n.night.isoformat(): n.note for n in ops.cramp_free_nights(session) if n.note
            },
            "days": [day_dict(d) for d in ops.days(session)],
            "shoes": [
                {"name": s.name, "fit": s.fit, "kind": s.kind, "retired": s.retired}
                for s in ops.shoes(session)
            ],
            "medications": [
                {
                    "name": m.name,
                    "dose": m.dose,
                    "as_needed": m.as_needed,
                    "started": m.started.isoformat() if m.started else None,
                    "stopped": m.stopped.isoformat() if m.stopped else None,
                    "summary": med_line(m),
                }
                for m in ops.medications(session)
            ],
            "medication_aliases": ops.medication_aliases(session),
            "doses": [
                {"medicine": name, "at": iso_local(at, tz), "date": day.isoformat()}
                for name, at, tz, day in ops.doses(session)
            ],
        }
    text = json.dumps(data, indent=2)
    if output is None:
        click.echo(text)
        return
    write_private_text(output, text + "\n", force=force)
    click.echo(f"Exported to {output} (personal health data: keep it private).")


COMMANDS = [db, backup, export]
