"""The diary file is safe: self-contained after every command, refused files left untouched,
damaged diaries named, private outputs that never replace a file by surprise.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from conftest import row_counts

from cramplog import migrate


def table_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, read as SQLite sees the file (log included)."""
    with closing(sqlite3.connect(path)) as conn:
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY 1")
        ]
        return {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables
        }


def only_the_db_file(path: Path, folder: Path) -> Path:
    """Copy the .db file alone, as a person copying it to a USB stick would."""
    folder.mkdir(exist_ok=True)
    copy = folder / path.name
    shutil.copyfile(path, copy)
    return copy


def _no_live_log(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    return not wal.exists() or wal.stat().st_size == 0


WRITES: list[tuple[str, ...]] = [
    ("log", "5", "--at", "03:10", "--site", "calf", "--side", "left", "--note", "after a walk"),
    ("log", "7", "--at", "yesterday 04:00", "--minutes", "3", "--woke"),
    ("none", "--night", "2026-11-20"),
    ("shoes", "add", "work boots", "--fit", "tight"),
    ("day", "--water", "1.2L", "--exercise", "20", "--shoes", "work boots:8", "--stretched"),
    ("meds", "add", "atorvastatin", "--since", "2026-09-01"),
    ("profile", "set", "--birth-year", "1950"),
    ("config", "set", "low_water_ml", "1600"),
    ("edit", "1", "--severity", "6"),
    ("delete", "2"),
    ("undo",),
]


def test_the_db_file_alone_holds_every_change_after_every_command(
    cli, db_path: Path, tmp_path: Path
) -> None:
    for n, args in enumerate(WRITES):
        r = cli(*args)
        assert r.exit_code == 0, (args, r.output)
        assert _no_live_log(db_path), f"a write-ahead log is left after {args}"
        copy = only_the_db_file(db_path, tmp_path / f"stick{n}")
        assert table_rows(copy) == table_rows(db_path), args
    # and the copy is a working diary: the cramp logged first is there, edited
    copy = only_the_db_file(db_path, tmp_path / "final")
    r = cli("--db", str(copy), "list", "--json")
    assert r.exit_code == 0 and '"severity": 6' in r.output


def test_two_writers_at_once_still_leave_a_complete_file(cli, db_path: Path) -> None:
    from cramplog.db import open_engine, session_scope
    from cramplog.models import Shoe

    cli("none", "--night", "2026-11-21")
    engine = open_engine(f"sqlite:///{db_path}")
    with session_scope(engine, write=True) as session:  # another terminal mid-write
        session.add(Shoe(person_id=1, name="slippers"))
        assert cli("none", "--night", "2026-11-20").exit_code == 0
    engine.dispose()
    assert _no_live_log(db_path)
    assert row_counts(db_path)["night"] == 2 and row_counts(db_path)["shoe"] == 1


# --- refused files stay byte-identical ---------------------------------------------------


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _contacts(path: Path, wal: bool = False) -> None:
    with closing(sqlite3.connect(path)) as conn:
        if wal:
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
        conn.execute("INSERT INTO contacts VALUES ('Ann', '555-0100')")
        conn.commit()


def _other_alembic(path: Path, wal: bool = False) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES ('ae1027a6acf')")
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.commit()


def _text_file(path: Path, wal: bool = False) -> None:
    path.write_text("shopping: milk, bananas\n" * 50)


FOREIGN: dict[str, tuple[Callable[..., None], str]] = {
    "contacts": (_contacts, "a SQLite database of another program (tables: contacts)"),
    "other-alembic": (_other_alembic, "a SQLite database of another program (tables: invoices)"),
    "text": (_text_file, "not a SQLite database"),
}
COMMANDS = [
    ("log", "5", "--at", "03:00"),
    ("none",),
    ("list",),
    ("stats",),
    ("db", "status"),
    ("db", "upgrade"),
    ("db", "check"),
    ("backup",),
    ("export",),
    ("undo",),
]


@pytest.mark.parametrize("kind", sorted(FOREIGN))
@pytest.mark.parametrize("wal", [False, True])
def test_a_foreign_file_stays_byte_identical_with_nothing_beside_it(
    cli, tmp_path: Path, kind: str, wal: bool
) -> None:
    if kind == "text" and wal:
        pytest.skip("a text file has no journal mode")
    folder = tmp_path / "theirs"
    folder.mkdir()
    target = folder / "their.db"
    make, words = FOREIGN[kind]
    make(target, wal=wal)
    before = _snapshot(folder)
    for args in COMMANDS:
        r = cli("--db", str(target), *args)
        assert r.exit_code == 1, (args, r.output)
        assert words in r.stderr, (args, r.stderr)
        assert "newer cramplog" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
        assert _snapshot(folder) == before, args


# --- damaged and half-upgraded diaries ----------------------------------------------------


@pytest.fixture
def diary(cli, db_path: Path) -> Path:
    for args in WRITES[:6]:
        assert cli(*args).exit_code == 0
    return db_path


def _backups(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}.*.bak"))


def test_a_missing_table_is_named_and_nothing_is_written(cli, diary: Path) -> None:
    with sqlite3.connect(diary) as conn:
        conn.execute("DROP TABLE night")
    conn.close()
    before = diary.read_bytes()
    for args in (("log", "5", "--at", "03:00"), ("list",), ("db", "status"), ("stats",)):
        r = cli(*args)
        assert r.exit_code == 1, args
        assert "a cramplog diary whose table night is missing" in r.stderr, args
        assert "Up to date" not in r.output and "Traceback" not in r.output
    assert diary.read_bytes() == before and _backups(diary) == []


def test_a_missing_column_is_named(cli, diary: Path) -> None:
    with sqlite3.connect(diary) as conn:
        conn.execute("ALTER TABLE episode DROP COLUMN relief")
    conn.close()
    r = cli("list")
    assert r.exit_code == 1 and "whose table episode lacks the column relief" in r.stderr


def test_an_emptied_version_table_is_refused_without_piling_up_backups(cli, diary: Path) -> None:
    with sqlite3.connect(diary) as conn:
        conn.execute("DELETE FROM alembic_version")
    conn.close()
    before = diary.read_bytes()
    for _ in range(3):
        r = cli("log", "5", "--at", "03:00")
        assert r.exit_code == 1 and "schema version is missing" in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    assert _backups(diary) == [] and diary.read_bytes() == before


def test_a_failed_upgrade_leaves_one_backup_says_where_and_changes_nothing(
    cli, diary: Path
) -> None:
    # Half-upgraded by hand: stamped 0001, yet 0002's column is already there, so 0002 fails.
    with sqlite3.connect(diary) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    conn.close()
    rows = table_rows(diary)
    for attempt in range(3):
        r = cli("log", "5", "--at", "03:00")
        assert r.exit_code == 1, r.output
        assert "failed" in r.stderr and "the diary is unchanged" in r.stderr
        backups = _backups(diary)
        assert len(backups) == 1, (attempt, backups)
        assert str(backups[0]) in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    assert table_rows(diary) == rows
    assert table_rows(backups[0]) == rows


def test_a_newer_diary_is_refused_untouched(cli, diary: Path) -> None:
    with sqlite3.connect(diary) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    before = diary.read_bytes()
    r = cli("log", "5", "--at", "03:00")
    assert r.exit_code == 1 and "newer cramplog" in r.stderr
    assert diary.read_bytes() == before


# --- modes, --force and links -------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def open_umask():
    old = os.umask(0)
    yield
    os.umask(old)


def test_every_file_is_0600_and_every_folder_0700_under_umask_000(
    cli, home: Path, tmp_path: Path, open_umask: None
) -> None:
    assert cli("log", "5", "--at", "03:00").exit_code == 0
    assert _mode(home) == 0o700 and _mode(home / "cramplog.db") == 0o600
    out = tmp_path / "new" / "deeper"
    assert cli("export", "-o", str(out / "diary.json")).exit_code == 0
    assert cli("backup", "-o", str(out / "copy.db")).exit_code == 0
    assert cli("backup").exit_code == 0
    assert _mode(tmp_path / "new") == 0o700 and _mode(out) == 0o700
    assert _mode(out / "diary.json") == 0o600 and _mode(out / "copy.db") == 0o600
    assert all(_mode(p) == 0o600 for p in home.glob("*.bak"))
    assert sorted(p.name for p in out.iterdir()) == ["copy.db", "diary.json"]  # no temp left


def test_an_existing_diarys_loose_mode_is_tightened(cli, db_path: Path) -> None:
    cli("none")
    db_path.chmod(0o644)
    assert cli("list").exit_code == 0
    assert _mode(db_path) == 0o600


@pytest.mark.parametrize("command", [("export", "-o"), ("backup", "-o")], ids=["export", "backup"])
def test_output_refuses_an_existing_file_without_force_and_a_link_always(
    cli, tmp_path: Path, command: tuple[str, ...]
) -> None:
    cli("log", "5", "--at", "03:00")
    target = tmp_path / "out.file"
    target.write_text("my own notes")
    r = cli(*command, str(target))
    assert r.exit_code == 2 and "exists" in r.stderr and "--force" in r.stderr
    assert target.read_text() == "my own notes"
    assert cli(*command, str(target), "--force").exit_code == 0
    assert target.read_bytes() != b"my own notes" and _mode(target) == 0o600

    precious = tmp_path / "precious.txt"
    precious.write_text("do not touch")
    link = tmp_path / "link.out"
    link.symlink_to(precious)
    for extra in ((), ("--force",)):
        r = cli(*command, str(link), *extra)
        assert r.exit_code == 2 and "symbolic link" in r.stderr, extra
    assert precious.read_text() == "do not touch" and link.is_symlink()


def test_a_backup_is_a_whole_diary_on_its_own(cli, db_path: Path, tmp_path: Path) -> None:
    for args in WRITES[:6]:
        cli(*args)
    copy = tmp_path / "backup.db"
    assert cli("backup", "-o", str(copy)).exit_code == 0
    assert not copy.with_name("backup.db-wal").exists()
    assert table_rows(copy) == table_rows(db_path)
    with closing(sqlite3.connect(copy)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_backup_refuses_to_overwrite_the_diary_itself(cli, db_path: Path) -> None:
    cli("none")
    r = cli("backup", "-o", str(db_path), "--force")
    assert r.exit_code == 2 and "the diary itself" in r.stderr


def test_upgrade_backups_reuse_is_by_content_not_name(db_path: Path, cli) -> None:
    """After a successful upgrade and a later change, a new upgrade takes a fresh copy."""
    cli("none")
    first = migrate.upgrade_backup(db_path, "0001")
    assert migrate.upgrade_backup(db_path, "0001") == first  # diary unchanged: same copy
    os.utime(db_path, ns=(first.stat().st_mtime_ns + 10**9,) * 2)
    assert migrate.upgrade_backup(db_path, "0001") != first
