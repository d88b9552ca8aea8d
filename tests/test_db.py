"""Opening diaries: new, current, old, foreign and newer files; pragmas and permissions."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from conftest import row_counts
from sqlalchemy import text

from cramplog import migrate
from cramplog.db import SCHEMA_HEAD, open_engine, session_scope


def test_new_diary_is_created_private_in_a_private_folder(cli, home: Path) -> None:
    assert cli("none").exit_code == 0
    assert stat.S_IMODE((home / "cramplog.db").stat().st_mode) == 0o600
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


def test_pragmas(db_path: Path) -> None:
    engine = open_engine(f"sqlite:///{db_path}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_db_path_and_url_and_env_var_all_work(cli, tmp_path: Path, monkeypatch) -> None:
    first, second, third = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    cli("--db", str(first), "log", "3", "--at", "03:00")
    cli("--db", f"sqlite:///{second}", "log", "3", "--at", "03:00")
    monkeypatch.setenv("CRAMPLOG_DB", str(third))
    cli("log", "3", "--at", "03:00")
    assert [row_counts(p)["episode"] for p in (first, second, third)] == [1, 1, 1]


def test_a_file_that_is_not_sqlite_is_refused_untouched(cli, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping: milk, bananas\n" * 50)
    before = notes.read_bytes()
    r = cli("--db", str(notes), "log", "5")
    assert r.exit_code == 1
    assert "not a cramplog diary" in r.stderr and "Traceback" not in r.output
    assert notes.read_bytes() == before


def test_another_programs_database_is_refused_untouched(cli, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE recipes (name TEXT)")
    r = cli("--db", str(other), "list")
    assert r.exit_code == 1 and "not a cramplog diary" in r.stderr and "recipes" in r.stderr
    assert row_counts(other) == {"recipes": 0}


def test_a_diary_from_a_newer_cramplog_is_refused_untouched(cli, db_path: Path) -> None:
    cli("log", "5", "--at", "03:00")
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = row_counts(db_path)
    r = cli("log", "6", "--at", "04:00")
    assert r.exit_code == 1 and "newer cramplog" in r.stderr
    assert row_counts(db_path) == before


def test_an_old_diary_is_backed_up_then_upgraded(cli, db_path: Path) -> None:
    cli("none", "--night", "2026-11-20")
    engine = open_engine(f"sqlite:///{db_path}")
    from alembic import command

    command.downgrade(migrate.alembic_config(engine), "base")  # as if written before 0001
    engine.dispose()
    assert "episode" not in row_counts(db_path)
    assert cli("log", "5", "--at", "03:00").exit_code == 0
    backups = list(db_path.parent.glob("cramplog.db.before-upgrade-from-base-*.bak"))
    assert len(backups) == 1
    assert stat.S_IMODE(backups[0].stat().st_mode) == 0o600
    assert row_counts(db_path)["episode"] == 1
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD


def test_db_status_upgrade_and_check(cli) -> None:
    r = cli("db", "status")
    assert "empty" in r.output
    r = cli("db", "upgrade")
    assert f"-> {SCHEMA_HEAD}" in r.output
    assert "Up to date." in cli("db", "status").output
    r = cli("db", "check")
    assert r.exit_code == 0 and "integrity: ok" in r.output and "matches" in r.output


def test_writes_are_one_transaction(db_path: Path) -> None:
    from cramplog import diary

    engine = open_engine(f"sqlite:///{db_path}")
    with pytest.raises(RuntimeError), session_scope(engine, write=True) as session:
        diary.add_shoe(session, "trainers")
        raise RuntimeError("power cut")
    with session_scope(engine) as session:
        assert session.execute(text("SELECT COUNT(*) FROM shoe")).scalar() == 0


def test_reading_a_mistyped_diary_path_creates_nothing(cli, tmp_path: Path) -> None:
    typo = tmp_path / "cramplgo.db"
    for args in (["list"], ["db", "status"], ["stats"], ["check"]):
        r = cli("--db", str(typo), *args)
        assert r.exit_code == 1 and "no diary at" in r.stderr, args
    assert not typo.exists()


def test_a_database_url_without_its_driver_is_one_line(cli) -> None:
    r = cli("--db", "postgresql+psycopg://me@localhost/nothing", "list")
    assert r.exit_code == 1
    assert len(r.stderr.strip().splitlines()) == 1 and "cannot open" in r.stderr


def test_a_folder_is_not_a_diary(cli, tmp_path: Path) -> None:
    r = cli("--db", str(tmp_path), "log", "5")
    assert r.exit_code == 1 and "is a folder" in r.stderr


def test_a_diary_whose_path_has_a_quote_and_a_percent_sign_is_made_and_upgraded(
    cli, tmp_path: Path
) -> None:
    # The URL percent-encodes "'" as %27, and configparser (under Alembic) reads "%" as the
    # start of an interpolation: both once refused to create "Ann's diary.db".
    from alembic import command

    from cramplog import migrate
    from cramplog.db import SCHEMA_HEAD, make_engine

    path = tmp_path / "Ann's 100% diary.db"
    assert cli("--db", str(path), "none", "--night", "2026-11-20").exit_code == 0
    from sqlalchemy.engine import URL

    engine = make_engine(URL.create("sqlite", database=str(path)).render_as_string())
    command.downgrade(migrate.alembic_config(engine), "0002")
    engine.dispose()
    r = cli("--db", str(path), "db", "upgrade")
    assert r.exit_code == 0 and f"-> {SCHEMA_HEAD}" in r.output, r.output
    listed = cli("--db", str(path), "list", "--json")
    assert "2026-11-20" in listed.output
