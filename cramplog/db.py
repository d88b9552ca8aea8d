"""Opening a diary: the engine, its SQLite pragmas, the schema check, and sessions.

Opening is on the path of every `cramplog log`, so it costs one query when the file is current:
`SELECT version_num FROM alembic_version` compared with SCHEMA_HEAD. Alembic is imported (from
cramplog.migrate) only for a new file, an old one, or one we do not recognise.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError
from sqlalchemy.orm import Session

from cramplog.config import sqlite_path
from cramplog.errors import DiaryFileError

# The newest migration this code knows. tests/test_migrations.py checks it against the scripts.
SCHEMA_HEAD = "0002"

BUSY_TIMEOUT_MS = 15_000


def _sqlite_pragmas(dbapi_connection: object, connection_record: object) -> None:
    # The driver's own transaction handling would start transactions lazily and too late for
    # BEGIN IMMEDIATE; we issue BEGIN ourselves in _begin below.
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()


def _begin(conn: object) -> None:
    # A writer takes the write lock up front (IMMEDIATE): two processes logging at once then
    # queue on busy_timeout instead of one failing when it tries to upgrade a read lock.
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")  # type: ignore[attr-defined]
    conn.exec_driver_sql(f"BEGIN {mode}")  # type: ignore[attr-defined]


def _create_private_file(path: Path) -> None:
    """Create an empty file readable by its owner only, in a folder only the owner can enter."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def make_url_safe(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def make_engine(url: str) -> Engine:
    """An engine for `url`; a SQLite file that does not exist yet is created with mode 0600."""
    path = sqlite_path(url)
    if path is not None and path.is_dir():
        raise DiaryFileError(f"{path} is a folder, not a diary file; nothing was written")
    if path is not None and not path.exists():
        _create_private_file(path)
    elif path is not None and path.stat().st_size == 0:
        path.chmod(0o600)  # an empty file about to become a diary: health data, owner only
    try:
        engine = create_engine(url)
    except ImportError as exc:
        raise DiaryFileError(
            f"cannot open {make_url_safe(url)}: its database driver is not installed ({exc})"
        ) from None
    except ArgumentError as exc:
        raise DiaryFileError(f"cannot open {make_url_safe(url)}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin)
    return engine


def schema_version(engine: Engine) -> str | None:
    """The diary's schema revision; None for an empty database.

    Raises DiaryFileError for a file that is not a cramplog diary.
    """
    url = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as conn:
            try:
                version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                return version or "base"  # an emptied version table: every migration is due
            except OperationalError:
                conn.rollback()
            from sqlalchemy import inspect

            tables = inspect(conn).get_table_names()
    except DatabaseError as exc:
        if engine.dialect.name != "sqlite":
            raise DiaryFileError(f"cannot open {url}: {exc.orig}") from None
        raise DiaryFileError(
            f"{url} is not a cramplog diary (it is not a SQLite database); nothing was written"
        ) from None
    if tables:
        raise DiaryFileError(
            f"{url} is not a cramplog diary (it holds other tables: {', '.join(tables[:5])}); "
            "nothing was written. Point --db at another file."
        )
    return None


def open_engine(url: str, *, upgrade: bool = True) -> Engine:
    """An engine on a diary whose schema is at head, upgrading it first when needed.

    A diary that is older is backed up beside itself and upgraded; one newer than this
    cramplog, or not a cramplog diary at all, is refused with DiaryFileError before any write.
    """
    engine = make_engine(url)
    version = schema_version(engine)
    if version == SCHEMA_HEAD:
        return engine
    from cramplog import migrate

    if migrate.is_newer(version):
        engine.dispose()
        raise newer_diary(version)
    if upgrade:
        migrate.upgrade(engine)
    return engine


def newer_diary(version: str | None) -> DiaryFileError:
    return DiaryFileError(
        f"this diary was written by a newer cramplog (schema {version}); "
        "upgrade cramplog to open it. Nothing was written."
    )


@contextmanager
def session_scope(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back if it raises."""
    bind = engine.execution_options(sqlite_begin="IMMEDIATE") if write else engine
    with Session(bind, expire_on_commit=False) as session, session.begin():
        yield session
