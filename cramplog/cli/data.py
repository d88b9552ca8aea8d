"""The diary file's schema: db upgrade/status/check (backup and export: cli/transfer.py)."""

from __future__ import annotations

import click

from cramplog.cli import Diary, pass_diary
from cramplog.errors import InputError


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


COMMANDS = [db]


@db.command("grant")
@click.argument("role")
@pass_diary
def db_grant(diary: Diary, role: str) -> None:
    """On PostgreSQL: let database ROLE read and write the chosen person's entries (--person)
    and no one else's, enforced by the server's row-level security (README: a study)."""
    from cramplog import access, journal
    from cramplog import diary as ops

    with diary.writing(f"granted a role {role!r}") as session:
        access.require_server(session)
        who = ops.person(session, create=False)
        if who is None:
            raise InputError("--person", "this diary has no one yet", "cramplog person add NAME")
        access.grant(session, role, who)
        journal.describe(session, f"let role {role!r} see {who.name!r}")
        journal.diary_wide(session)
        name = who.name
    click.echo(
        f"Role {role.strip()} now sees {name}'s entries and no one else's. It connects with its "
        "own login; cramplog needs no --person there."
    )
