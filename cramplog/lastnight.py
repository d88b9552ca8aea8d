"""Whether last night is in the diary, read without writing anything (`remind check`).

A scheduled job runs this every morning, so it must never change the diary: no file is
created where there is none (a reminder that silently starts an empty diary in the wrong place
would hide a moved or mistyped diary), no migration runs on an older diary, and a SQLite file
is opened read-only, exactly as `db.identify` reads it. It uses only columns every schema
since 0001 has (episode.night and deleted_at, night.night and cramp_free, setting), so an
older diary is answered as it is; the next `cramplog log` upgrades it as usual.

"Last night" and its date follow the diary's own `day_boundary` and `timezone` settings, as
`cramplog none` does (timeutil.last_night). No pandas, matplotlib or Alembic for a current
diary.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Engine,
    Integer,
    String,
    Text,
    column,
    create_engine,
    select,
    table,
    union,
)
from sqlalchemy.pool import NullPool

from cramplog import config, timeutil, words
from cramplog.errors import InputError

_episode = table(
    "episode", column("person_id", Integer), column("night", Date), column("deleted_at", DateTime)
)
_night = table(
    "night", column("person_id", Integer), column("night", Date), column("cramp_free", Boolean)
)
_setting = table("setting", column("key", String), column("value", Text))
_person = table("person", column("id", Integer), column("name", String))
_removed = column("removed_at", DateTime)  # since 0005: `person remove`


@dataclass(frozen=True)
class Answer:
    """What `remind check` found: last night's date, and whether it is logged.

    `no_diary` names the diary (a file, or a database URL without its password) that does not
    exist yet or is empty: nothing is logged anywhere.
    """

    night: date
    logged: bool
    no_diary: str | None = None
    # In a diary of several people with none chosen: who has not logged last night.
    missing: tuple[str, ...] = ()


def check(url: str, person: str | None = None) -> Answer:
    """Whether last night is logged in the diary at `url`: for `person` (--person), else for
    the only person, else for everyone (each one not logged is named).

    Raises DiaryFileError for a file that is not a usable diary, and FaultError when it cannot
    be read, each with one line naming the cause.
    """
    path = config.sqlite_path(url)
    if path is not None:
        from cramplog.db import identify

        state = identify(path)  # refuses what is not a diary; reads it without writing
        if state.version is None:  # no file, an empty one, or every migration undone
            return Answer(_last_night({}), False, no_diary=str(path))
        if state.version != _head():
            _refuse_newer(state.version)
        engine = _read_only_sqlite(path)
        version = state.version
    else:
        from cramplog.db import make_engine, make_url_safe, schema_version

        engine = make_engine(url)  # a server database: connecting creates nothing
        version = schema_version(engine)  # refuses another program's tables
        if version is None:
            engine.dispose()
            return Answer(_last_night({}), False, no_diary=make_url_safe(url))
        if version != _head():
            _refuse_newer(version)
    try:
        return _read(engine, path or url, person, removable=version >= "0005")
    finally:
        engine.dispose()


def _head() -> str:
    from cramplog.db import SCHEMA_HEAD

    return SCHEMA_HEAD


def _refuse_newer(version: str) -> None:
    from cramplog import migrate  # Alembic: only for a diary that is not current
    from cramplog.db import newer_diary

    if migrate.is_newer(version):
        raise newer_diary(version)


def _read_only_sqlite(path: Path) -> Engine:
    """An engine that cannot write to `path`, nor create anything beside it.

    With a write-ahead log beside the file (another cramplog is writing right now) it reads
    with the log (`mode=ro`); otherwise `immutable=1`, which takes no locks and makes no
    -wal or -shm file. The same rule as db.identify.
    """
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if wal.exists() and wal.stat().st_size > 0 else "immutable=1"
    uri = f"{path.absolute().as_uri()}?{mode}"

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True)

    return create_engine("sqlite://", creator=connect, poolclass=NullPool)


def _read(engine: Engine, where: Path | str, person: str | None, *, removable: bool) -> Answer:
    from cramplog.db import fault_on_write, make_url_safe

    shown = where if isinstance(where, Path) else make_url_safe(where)
    with fault_on_write(shown), engine.connect() as conn:
        stored = dict(
            conn.execute(
                select(_setting.c.key, _setting.c.value).where(
                    _setting.c.key.in_(["day_boundary", "timezone", config.DEFAULT_PERSON_KEY])
                )
            ).all()
        )
        night = _last_night(stored)
        logged = {
            pid
            for (pid,) in conn.execute(
                union(
                    select(_episode.c.person_id).where(
                        _episode.c.night == night, _episode.c.deleted_at.is_(None)
                    ),
                    select(_night.c.person_id).where(
                        _night.c.night == night, _night.c.cramp_free.is_(True)
                    ),
                )
            )
        }
        query = select(_person.c.id, _person.c.name).order_by(_person.c.id)
        if removable:
            query = query.add_columns(column("uid", String)).where(_removed.is_(None))
        everyone = conn.execute(query).all()
    if len(everyone) <= 1:
        return Answer(night, bool(logged))
    names = [row.name for row in everyone]
    if person:
        meant = words.names_meant(names, person)
        if len(meant) != 1:
            raise InputError(
                "--person", f"{person!r} is not one person of this diary", ", ".join(names)
            )
        return Answer(night, everyone[meant[0]].id in logged)
    default = [r for r in everyone if removable and r.uid == stored.get(config.DEFAULT_PERSON_KEY)]
    if default:
        return Answer(night, default[0].id in logged)
    missing = tuple(r.name for r in everyone if r.id not in logged)
    return Answer(night, not missing, missing=missing)


def _last_night(stored: dict[str, str]) -> date:
    zone_name = str(config.coerce("timezone", stored.get("timezone")))
    current: datetime = timeutil.now(timeutil.zone(zone_name or None))
    boundary_text = config.coerce("day_boundary", stored.get("day_boundary"))
    boundary = timeutil.parse_boundary(str(boundary_text))
    return timeutil.last_night(current, boundary)
