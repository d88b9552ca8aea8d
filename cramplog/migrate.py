"""Alembic, run from inside the installed package.

Imported only when a diary is new, old or unrecognised (db.open_engine) or by `cramplog db`,
because Alembic costs tens of milliseconds to import and `cramplog log` has none to spare.
"""

from __future__ import annotations

import glob
import io
import sqlite3
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine

from cramplog.config import sqlite_path


def script_location() -> str:
    """The migrations folder, as shipped in the wheel (or mapped there by an editable install)."""
    return str(resources.files("cramplog.migrations"))


def alembic_config(engine: Engine | None = None) -> Config:
    # cramplog says what happened in its own words; Alembic's own lines would only confuse.
    cfg = Config(stdout=io.StringIO())
    cfg.set_main_option("script_location", script_location())
    if engine is not None:
        # configparser reads "%" as interpolation: a diary at "100% me.db" or "Ann's diary.db"
        # (percent-encoded in the URL), or a PostgreSQL socket folder (host=%2Ftmp), must reach
        # Alembic with each "%" doubled.
        url = engine.url.render_as_string(hide_password=False)
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
        cfg.attributes["engine"] = engine
    return cfg


def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = scripts().get_current_head()
    assert head is not None
    return head


def is_known_revision(revision: str) -> bool:
    try:
        return scripts().get_revision(revision) is not None
    except CommandError:
        return False


def is_newer(version: str | None) -> bool:
    """A stamped revision this cramplog does not know: written by a newer cramplog."""
    return version not in (None, "base") and not is_known_revision(version)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_sqlite(path: Path, label: str) -> Path:
    """Copy a SQLite diary beside itself (owner-only), consistently even with WAL in use."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.{label}-{stamp}.bak")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.{label}-{stamp}-{n}.bak")
        n += 1
    return backup_sqlite_to(path, target)


def backup_sqlite_to(path: Path, target: Path, *, force: bool = False) -> Path:
    """A consistent copy of the diary at `target` (written whole, then renamed; 0600)."""
    from cramplog.files import private_output

    with private_output(target, force=force) as temp:
        src = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        dst = sqlite3.connect(temp)
        try:
            src.backup(dst)
            # The copy stands alone: no write-ahead log for it to need.
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
            src.close()
    return target


def upgrade_backup(path: Path, before: str) -> Path:
    """The copy of a diary taken before upgrading it from `before`.

    An upgrade that failed leaves the diary as it was, so the next attempt reuses the copy it
    took (the diary has not changed since) instead of piling up another.
    """
    label = f"before-upgrade-from-{before}"
    existing = sorted(path.parent.glob(f"{glob.escape(path.name)}.{label}-*.bak"))
    if existing and existing[-1].stat().st_mtime_ns >= path.stat().st_mtime_ns:
        return existing[-1]
    return backup_sqlite(path, label)


def _has_tables(engine: Engine) -> bool:
    from sqlalchemy import inspect

    with engine.connect() as conn:
        return bool(inspect(conn).get_table_names())


def upgrade(engine: Engine, *, backup: bool = True, revision: str = "head") -> Path | None:
    """Bring a diary to `revision`, backing up an existing file first. Returns the backup path.

    The upgrade is one transaction (migrations/env.py): if it fails, the diary is unchanged and
    the message says where the copy is.
    """
    from cramplog.errors import DiaryFileError
    from cramplog.files import tighten

    copy = None
    before = current_revision(engine) or "base"
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    if backup and path is not None and _has_tables(engine):
        copy = upgrade_backup(path, before)
    try:
        command.upgrade(alembic_config(engine), revision)
    except Exception as exc:
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError) and "readonly" in str(exc.orig).lower():
            raise  # a fault of the machine: the caller names it
        where = path or engine.url.render_as_string(hide_password=True)
        kept = f"; a copy from before the attempt is at {copy}" if copy else ""
        cause = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise DiaryFileError(
            f"upgrading {where} from {before} to {revision} failed ({cause}); the diary is "
            f"unchanged{kept}"
        ) from None
    if path is not None:
        tighten(path)
    return copy


def check(engine: Engine) -> None:
    """Raise if the models and the migrations disagree (Alembic's autogenerate check)."""
    command.check(alembic_config(engine))
