"""Every test runs against a temporary home: no test can touch a real diary.

`now` is pinned to Monday 23 Nov 2026, 08:00 in Europe/London, so "last night" is night 22 Nov.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

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
