"""Opening a diary: what the file is, the engine and its SQLite pragmas, sessions, and faults.

A SQLite file is identified before anything can write to it (`identify`): read through the
standard library with `immutable=1` (or `mode=ro` when a write-ahead log is beside it), so a
file that is not ours, or a diary we cannot use, is left byte-identical with nothing beside it.
Only a diary that is current, new, or older (then backed up and upgraded) gets an engine.

Opening is on the path of every `cramplog log`, so a current diary costs one read-only
connection and one query of the catalogue; Alembic is imported (from cramplog.migrate) only for
a new file, an old one, or by `cramplog db`.

The `.db` file alone is the diary after every command: file engines use no connection pool, so
each session's connection closes when it ends, and SQLite checkpoints the write-ahead log into
the file when the last connection closes. WAL stays on for concurrency (two terminals logging).

A PostgreSQL database (a clinic's or a study's, `cramplog[postgres]`) runs the same code; what
differs on a database server (no file to identify or copy, writers' lock, its errors) is in
cramplog.server.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from cramplog import server
from cramplog.config import sqlite_path
from cramplog.errors import DiaryFileError, FaultError

# The newest migration this code knows. tests/test_migrations.py checks it against the scripts.
SCHEMA_HEAD = "0005"

BUSY_TIMEOUT_MS = 15_000
SQLITE_MAGIC = b"SQLite format 3\x00"
# Tables every cramplog diary has had since 0001: what tells our file from another program's.
CORE_TABLES = frozenset({"person", "episode", "night", "day"})


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
    from cramplog.files import make_private_dirs

    make_private_dirs(path.parent)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    path.chmod(0o600)  # os.open's mode is filtered by the umask


def make_url_safe(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


# --- what a file is ------------------------------------------------------------------------


@dataclass(frozen=True)
class FileState:
    """What `identify` found: a new (empty) file, or a cramplog diary at `version`."""

    version: str | None  # None: no diary yet (absent, empty, or SQLite without tables)
    tables: frozenset[str] = frozenset()


def identify(path: Path) -> FileState:
    """Say what the file at `path` is, without writing to it or leaving anything beside it.

    Returns FileState for a new file or a cramplog diary (whose version may be newer than this
    cramplog knows). Raises DiaryFileError for a file that is not a usable diary, and
    FaultError when the machine will not let us read it.
    """
    if path.is_dir():
        raise DiaryFileError(f"{path} is a folder, not a diary file; nothing was written")
    try:
        if not path.exists() or path.stat().st_size == 0:
            return FileState(None)
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise _read_fault(path, exc) from None
    if header != SQLITE_MAGIC:
        raise DiaryFileError(
            f"{path} is not a cramplog diary (it is not a SQLite database); nothing was written"
        )
    wal = path.with_name(path.name + "-wal")
    # immutable=1 takes no locks and creates no -shm/-wal; a live log beside the file holds
    # committed rows the file does not have yet, so then it is read (read-only) with the log.
    mode = "mode=ro" if wal.exists() and wal.stat().st_size > 0 else "immutable=1"
    try:
        conn = sqlite3.connect(f"{path.absolute().as_uri()}?{mode}", uri=True)
        try:
            columns = conn.execute(
                "SELECT m.name, p.name FROM sqlite_master AS m, pragma_table_info(m.name) AS p "
                "WHERE m.type = 'table'"
            ).fetchall()
            tables = frozenset(table for table, _ in columns)
            versions = (
                [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
                if "alembic_version" in tables
                else None
            )
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise _sqlite_read_problem(path, exc) from None
    if not tables - {"alembic_version"} and not versions:
        return FileState(None, tables)  # nothing yet, or every migration undone
    if not CORE_TABLES & tables:
        shown = ", ".join(sorted(tables - {"alembic_version"})[:5]) or "alembic_version only"
        raise DiaryFileError(
            f"{path} is not a cramplog diary: it is a SQLite database of another program "
            f"(tables: {shown}); nothing was written. Point --db at another file."
        )
    if versions is None or len(versions) != 1 or not versions[0]:
        raise DiaryFileError(
            f"{path} is a cramplog diary whose schema version is missing (table alembic_version "
            f"is {'absent' if versions is None else 'empty or doubled'}); nothing was written. "
            "Restore a backup copy (README: Backups)."
        )
    state = FileState(str(versions[0]), tables)
    if state.version == SCHEMA_HEAD:
        _check_head_schema(path, columns)
    return state


def _check_head_schema(path: Path | str, columns: list[tuple[str, str]]) -> None:
    """A current diary must have every table and column this cramplog uses."""
    from cramplog.models import Base

    present: dict[str, set[str]] = {}
    for table, column in columns:
        present.setdefault(table, set()).add(column)
    for table in Base.metadata.sorted_tables:
        if table.name not in present:
            raise damaged(path, f"whose table {table.name} is missing")
        missing = [c.name for c in table.columns if c.name not in present[table.name]]
        if missing:
            raise damaged(path, f"whose table {table.name} lacks the column {missing[0]}")


def damaged(path: Path | str, what: str) -> DiaryFileError:
    return DiaryFileError(
        f"{path} is a cramplog diary {what}; nothing was written. It was changed by another "
        "program or an upgrade was interrupted: restore a backup copy (README: Backups)."
    )


def _read_fault(path: Path, exc: OSError) -> FaultError:
    from cramplog.files import describe_os_error

    return FaultError(f"cannot read {path}: {describe_os_error(exc)}; nothing was written")


def _sqlite_read_problem(path: Path, exc: sqlite3.DatabaseError) -> DiaryFileError | FaultError:
    message = str(exc).lower()
    if "not a database" in message or "malformed" in message:
        return DiaryFileError(
            f"{path} is damaged: SQLite says {exc}; nothing was written. Restore a backup copy "
            "(README: Backups)."
        )
    return FaultError(f"cannot read {path}: {describe_sqlite_fault(message)}; nothing was written")


# --- engines -------------------------------------------------------------------------------


def make_engine(url: str) -> Engine:
    """An engine for `url`; a SQLite file that does not exist yet is created with mode 0600.

    Call `identify` first for an existing file: connecting switches it to WAL mode.
    """
    path = sqlite_path(url)
    if path is not None and path.is_dir():
        raise DiaryFileError(f"{path} is a folder, not a diary file; nothing was written")
    if path is not None and not path.exists():
        with fault_on_write(path):
            _create_private_file(path)
    elif path is not None and path.stat().st_size == 0:
        path.chmod(0o600)  # an empty file about to become a diary: health data, owner only
    try:
        # No pool: each session's connection closes as it ends (see module doc). A command
        # opens a session or two, and a server connection left in a pool would outlive it.
        engine = create_engine(url, poolclass=NullPool)
    except ImportError as exc:
        raise DiaryFileError(
            f"cannot open {make_url_safe(url)}: its database driver is not installed ({exc})"
        ) from None
    except ArgumentError as exc:
        raise DiaryFileError(f"cannot open {make_url_safe(url)}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _begin)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "begin", server.begin)
    return engine


def schema_version(engine: Engine) -> str | None:
    """The diary's schema revision; None for an empty database.

    For SQLite files prefer `identify`, which reads without writing. Raises DiaryFileError for
    a database that is not a cramplog diary.
    """
    url = engine.url.render_as_string(hide_password=True)
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if path is not None:
        return identify(path).version
    try:
        with engine.connect() as conn:
            columns = server.columns(conn)
            tables = frozenset(table for table, _ in columns)
            version = None
            if "alembic_version" in tables and CORE_TABLES & tables:
                version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError as exc:
        raise DiaryFileError(f"cannot open {url}: {server.first_line(exc.orig)}") from None
    if "alembic_version" in tables and CORE_TABLES & tables:
        if not version:
            raise damaged(url, "whose schema version is missing")
        if version == SCHEMA_HEAD:
            _check_head_schema(url, columns)  # type: ignore[arg-type]
        return str(version)
    if tables - {"alembic_version"}:
        raise DiaryFileError(
            f"{url} is not a cramplog diary: it holds another program's tables "
            f"({', '.join(sorted(tables)[:5])}); nothing was written."
        )
    return None


def open_engine(url: str, *, upgrade: bool = True) -> Engine:
    """An engine on a diary whose schema is at head, upgrading it first when needed.

    A diary that is older is backed up beside itself and upgraded; one newer than this
    cramplog, or not a cramplog diary at all, is refused with DiaryFileError before any write.
    """
    path = sqlite_path(url)
    if path is not None:
        version = identify(path).version
        if version == SCHEMA_HEAD:
            from cramplog.files import tighten

            tighten(path)
            return make_engine(url)
        engine = make_engine(url)
    else:
        engine = make_engine(url)
        version = schema_version(engine)
        if version == SCHEMA_HEAD:
            return engine
    from cramplog import migrate

    if migrate.is_newer(version):
        engine.dispose()
        raise newer_diary(version)
    if upgrade:
        with fault_on_write(path or url):
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
    with (
        fault_on_write(engine.url.database or "the diary"),
        Session(bind, expire_on_commit=False) as session,
        session.begin(),
    ):
        yield session


# --- faults --------------------------------------------------------------------------------

_SQLITE_FAULTS = (
    ("readonly", "the diary file or its folder is read-only"),
    ("disk is full", "the disk is full"),
    ("disk i/o error", "an input/output error (the disk or device failed)"),
    ("unable to open", "the file or its folder cannot be opened (check permissions)"),
    ("database is locked", "another program kept the diary locked for over 15 seconds"),
    ("authorization denied", "permission denied"),
)


def _diagnose(where: Path | str) -> str | None:
    """SQLite says "unable to open" for several causes; the file system tells which one."""
    path = Path(str(where))
    if not path.is_absolute():
        return None
    folder = path.parent
    try:
        disk = os.statvfs(folder)
    except OSError:
        return None
    if disk.f_flag & os.ST_RDONLY:
        return "the file system is read-only"
    if disk.f_bavail * disk.f_frsize < 256 * 1024:  # SQLite reports ENOSPC as an I/O error too
        return "the disk is full"
    if path.exists() and not os.access(path, os.R_OK):
        return "permission denied (the diary file may not be read)"
    if path.exists() and not os.access(path, os.W_OK):
        return "the diary file is read-only (permission)"
    if not os.access(folder, os.W_OK | os.X_OK):
        return "the diary's folder is read-only (permission)"
    return None


def describe_sqlite_fault(message: str) -> str:
    lowered = message.lower()
    for needle, cause in _SQLITE_FAULTS:
        if needle in lowered:
            return cause
    return message


@contextmanager
def fault_on_write(where: Path | str) -> Iterator[None]:
    """Turn a database or file fault inside the block into one line naming the cause.

    Problems of the file's contents (a column another program dropped) say so; nothing is
    called "not a diary" because the disk failed.
    """
    try:
        yield
    except DBAPIError as exc:
        orig = server.first_line(exc.orig)  # a server's message goes on with the statement
        lowered = orig.lower()
        if "no such table" in lowered or "no such column" in lowered or server.missing(lowered):
            raise damaged(where, f"that does not match this cramplog ({orig})") from None
        if exc.connection_invalidated or isinstance(exc.orig, sqlite3.OperationalError):
            cause = _diagnose(where) or describe_sqlite_fault(orig)
            raise FaultError(f"cannot use {where}: {cause}; nothing was written") from None
        if server.fault(exc):
            shown = make_url_safe(str(where)) if "://" in str(where) else where
            raise FaultError(
                f"cannot use {shown}: the database server says {server.first_line(exc.orig)}; "
                "nothing was written"
            ) from None
        raise
    except OSError as exc:
        from cramplog.files import fault

        raise fault(exc, where) from None
