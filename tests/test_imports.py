"""The fast paths stay fast: `--help` loads click alone; `log` (and `remind check`) no pandas,
matplotlib or Alembic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HEAVY_FOR_HELP = ("sqlalchemy", "pandas", "matplotlib", "alembic", "numpy")
HEAVY_FOR_LOG = ("pandas", "matplotlib", "alembic", "numpy")


def imported(args: list[str], env_home: Path, exit_code: int = 0) -> set[str]:
    """Top-level package names imported by `python -m cramplog ARGS` (from -X importtime)."""
    env = {**os.environ, "CRAMPLOG_HOME": str(env_home), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("CRAMPLOG_DB", None)
    # cwd outside the checkout, so `-m cramplog` runs the installed package, not the sources.
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cramplog", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=env_home.parent,
    )
    assert done.returncode == exit_code, (args, done.returncode, done.stderr[-500:])
    names = set()
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def test_help_imports_no_database_or_analysis_library(home: Path) -> None:
    names = imported(["--help"], home)
    assert "click" in names
    assert not names & set(HEAVY_FOR_HELP), names & set(HEAVY_FOR_HELP)


def test_log_imports_no_pandas_matplotlib_or_alembic_when_the_schema_is_current(home: Path) -> None:
    first = imported(["log", "5", "--at", "03:00"], home)  # creates the diary: Alembic runs
    assert "alembic" in first
    names = imported(["log", "6", "--at", "04:00", "--minutes", "12", "--sign", "swelling"], home)
    assert "sqlalchemy" in names
    assert not names & set(HEAVY_FOR_LOG), names & set(HEAVY_FOR_LOG)
    for command in (["none", "--night", "2026-11-20"], ["day", "--water", "2L"], ["undo"]):
        assert not imported(command, home) & set(HEAVY_FOR_LOG), command


def test_tonight_s_trial_arm_keeps_the_logging_path_light(home: Path) -> None:
    imported(["none", "--night", "2026-11-20"], home)  # creates the diary: Alembic runs
    imported(["trial", "plan", "stretched", "--seed", "1", "--start", "2026-11-20"], home)
    for command in (
        ["log", "5", "--at", "03:00"],
        ["none", "--night", "2026-11-19"],
        ["day", "--stretched"],
    ):
        names = imported(command, home)
        assert not names & set(HEAVY_FOR_LOG), (command, names & set(HEAVY_FOR_LOG))


def test_remind_check_imports_no_pandas_matplotlib_or_alembic(home: Path) -> None:
    """The daily reminder runs `remind check` every morning: it stays on the logging budget."""
    imported(["none", "--night", "2026-11-20"], home)  # creates the diary
    names = imported(["remind", "check"], home, exit_code=1)  # last night is not logged
    assert "sqlalchemy" in names
    assert not names & set(HEAVY_FOR_LOG), names & set(HEAVY_FOR_LOG)
