"""`demo --persons N`: where a synthetic study may be written, and writing it.

The target is `--db-path FILE` when given, else the `--db` database (a SQLite file or a
PostgreSQL URL; CRAMPLOG_DB too), else the default demo file. It is written only when it is
empty or holds nothing but synthetic people (a demo's): a diary with anyone's own entries is
refused in one line, exit 2, before anything is written, and a demo already there is replaced
only with --force. The study is one transaction; like `demo` it is not journaled for undo (it
writes only into a database that holds no one's own entries).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cramplog import present
from cramplog.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from cramplog.cli import Diary

MAX_PERSONS = 10_000


def _target(diary: Diary, db_path: str | None) -> tuple[str, str]:
    """(URL, the option it came from) of the database the study goes into."""
    from cramplog import config

    if db_path is not None:
        if "://" in db_path or not db_path.strip():
            raise InputError(
                "--db-path", f"{db_path!r} is not a file path", "a file path such as study.db"
            )
        return "sqlite:///" + str(Path(db_path).expanduser().resolve()), "--db-path"
    if diary.db:
        return config.database_url(diary.db), "--db"
    return "sqlite:///" + str(config.demo_db_path().resolve()), "--db-path"


def _contents(engine: Engine) -> tuple[bool, bool]:
    """(empty, every person synthetic) of the database, read without writing."""
    from sqlalchemy import inspect, text

    from cramplog.models import Base
    from cramplog.study import SYNTHETIC

    with engine.connect() as conn:
        present_tables = set(inspect(conn).get_table_names())
        filled = [
            t.name
            for t in Base.metadata.sorted_tables
            if t.name in present_tables
            and conn.execute(text(f'SELECT 1 FROM "{t.name}" LIMIT 1')).first() is not None
        ]
        names = (
            [r[0] for r in conn.execute(text("SELECT name FROM person"))]
            if "person" in present_tables
            else []
        )
    if not filled:
        return True, False
    return False, bool(names) and all(str(n).endswith(SYNTHETIC) for n in names)


def _clear(session: Any) -> None:
    """Take away the demo that is there (children first), in the study's transaction."""
    from sqlalchemy import delete

    from cramplog.models import Base

    for table in reversed(Base.metadata.sorted_tables):
        session.execute(delete(table))


def write(
    diary: Diary, db_path: str | None, persons: int, months: int, seed: int, force: bool
) -> None:
    from cramplog import timeutil
    from cramplog.cli.analysis import _morning_after
    from cramplog.db import make_url_safe, open_engine, session_scope
    from cramplog.study import write_study

    if not 1 <= persons <= MAX_PERSONS:
        raise InputError(
            "--persons", f"{persons} is out of range", f"a whole number from 1 to {MAX_PERSONS}"
        )
    url, option = _target(diary, db_path)
    shown = make_url_safe(url).removeprefix("sqlite:///")
    engine = open_engine(url, upgrade=False)
    try:
        empty, synthetic = _contents(engine)
        if not empty and not synthetic:
            raise InputError(
                option,
                f"{shown} holds someone's own diary; demo --persons never writes into it",
                "an empty database, a new file, or one written by cramplog demo",
            )
        if synthetic and not force:
            raise InputError(
                option, f"{shown} already holds a demo", hint="add --force to replace it"
            )
    finally:
        engine.dispose()
    engine = open_engine(url)  # now upgrade an empty database to the current schema
    tz = timeutil.system_zone_name()
    current = timeutil.now(timeutil.zone(tz))
    end = timeutil.last_night(current)
    if current.replace(tzinfo=None) < _morning_after(end):
        end -= timedelta(days=1)  # last night's cramps may not all be over yet
    try:
        with session_scope(engine, write=True) as session:
            if synthetic:
                _clear(session)
            summary = write_study(session, persons, end, months=months, seed=seed, tz=tz)
    finally:
        engine.dispose()
    click.echo(
        f"Wrote a synthetic study of {present.plural(summary.persons, 'person', 'people')} to "
        f"{shown}: "
        f"{present.plural(summary.nights, 'night')} each "
        f"({present.day(summary.start)} to {present.day(summary.end)}), "
        f"{summary.observed_nights} nights logged in all, {summary.episodes} cramps "
        f"(seed {summary.seed})."
    )
    where = f"--db {_quoted(shown)}"
    click.echo("Try:")
    click.echo(f"  cramplog {where} cohort")
    click.echo(f'  cramplog {where} --person "Participant 0001" stats')
    click.echo("No one's own diary is touched.")


def _quoted(text: str) -> str:
    import shlex

    return shlex.quote(text)
