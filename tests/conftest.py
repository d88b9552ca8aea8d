"""Every test runs against a temporary home: no test can touch a real diary.

`now` is pinned to Monday 23 Nov 2026, 08:00 in Europe/London, so "last night" is night 22 Nov.

Tests marked `both_engines` run twice: on the default SQLite diary, and with CRAMPLOG_DB set to
a fresh database on a throwaway PostgreSQL server (tests/pg.py; `diary_engine` says which).
The marked subset is the diary, check and analysis CLI tests that read nothing but command
output: the whole suite twice would not fit CI's time limit, and the rest exercise SQLite's
file handling or pure functions that do not touch the database.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pg import PgServer, Unavailable, in_ci, start_server

NOW = "2026-11-23T08:00:00"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("CRAMPLOG_HOME", str(home))
    monkeypatch.delenv("CRAMPLOG_DB", raising=False)
    monkeypatch.setenv("CRAMPLOG_NOW", NOW)
    monkeypatch.setenv("TZ", "Europe/London")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    # `remind install` writes to the scheduler's folders and asks a running session to load
    # them: in a test (and a fuzzed one) those are temporary, and no session is found there.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "run"))
    if sys.platform == "darwin":  # ~/Library/LaunchAgents
        monkeypatch.setenv("HOME", str(tmp_path / "user"))
    return home


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("both_engines"):
        metafunc.parametrize("diary_engine", ["sqlite", "postgresql"], indirect=True)


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # `-m postgres` selects everything that needs the server (.ci/run runs it as its own step).
    for item in items:
        param = getattr(getattr(item, "callspec", None), "params", {}).get("diary_engine")
        if param == "postgresql" or "pg_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One PostgreSQL server for the whole session (about 3 s to initdb and start)."""
    try:
        server = start_server()
    except Unavailable as exc:
        if in_ci():
            pytest.fail(f"CI must run the PostgreSQL tests, but {exc}", pytrace=False)
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database of this test's own, dropped after it."""
    url = pg_server.new_database()
    yield url
    pg_server.drop_database(url)


@pytest.fixture(autouse=True)
def diary_engine(
    request: pytest.FixtureRequest, home: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """ "sqlite" (the default diary file), or "postgresql" for a `both_engines` test's second
    run, where CRAMPLOG_DB names an empty PostgreSQL database instead."""
    name = getattr(request, "param", "sqlite")
    if name == "postgresql":
        server: PgServer = request.getfixturevalue("pg_server")
        url = server.copy_of("head", _upgrade)  # an empty diary at head: no migration per test
        request.addfinalizer(lambda: server.drop_database(url))
        monkeypatch.setenv("CRAMPLOG_DB", url)
    return name


def _upgrade(url: str) -> None:
    from cramplog.db import open_engine

    open_engine(url).dispose()


@pytest.fixture
def db_path(home: Path) -> Path:
    """The default diary file inside the temporary home."""
    return home / "cramplog.db"


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run `cramplog ARGS...` in-process; returns click's Result (exit_code, stdout, stderr)."""
    from cramplog.cli import main

    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)

    return invoke


def row_counts(path: Path) -> dict[str, int]:
    """Rows in every table of a SQLite diary, to show that a command wrote nothing."""
    if not path.exists():
        return {}
    with closing(sqlite3.connect(path)) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def export_json(cli, db: Path, out: Path) -> dict:
    """The diary's JSON export as a dict, without the time it was made."""
    r = cli("--db", str(db), "export", "-o", str(out))
    assert r.exit_code == 0, r.output + r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    data.pop("exported_at")
    return data
