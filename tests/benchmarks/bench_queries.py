"""SQL statements and time of `list --all --json` and `export` on a ten-year diary.

    python tests/benchmarks/bench_queries.py [--months 120] [--runs 5]

Builds a demo diary (`cramplog demo --months 120`), then for each command counts the statements
it sends (SQLAlchemy's before_cursor_execute event on the engine the command opens) and times
it (median of --runs in-process runs, after one warm-up). For comparison it also counts what
reading the same days costs when each day's pairs of shoes load lazily, one query a day, as
`list --all --json` and `export` did before cramplog.diary.days loaded them in the same query.
Exits 1 if a command's statement count grows with the diary (checked against a 1-year diary).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NOW = "2026-11-23T08:00:00"
COMMANDS = (("list", "--all", "--json"), ("export",))


def build(home: str, months: int) -> str:
    path = str(Path(home) / f"demo-{months}.db")
    subprocess.run(
        [
            str(Path(sys.executable).parent / "cramplog"),
            "demo",
            "--months",
            str(months),
            *("--db-path", path),
        ],
        env=os.environ,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return path


def measure(path: str, args: tuple[str, ...], runs: int) -> tuple[int, float, int]:
    """(statements, median seconds, output bytes) of `cramplog --db PATH ARGS`, in-process."""
    from click.testing import CliRunner
    from sqlalchemy import event

    from cramplog import db
    from cramplog.cli import main

    statements: list[str] = []
    opened = db.make_engine

    def counting(url: str):  # type: ignore[no-untyped-def]
        engine = opened(url)
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        return engine

    db.make_engine = counting  # type: ignore[assignment]
    try:
        times = []
        for i in range(runs + 1):
            statements.clear()
            start = time.perf_counter()
            result = CliRunner().invoke(main, ["--db", path, *args], catch_exceptions=False)
            if i:  # the first run warms imports and caches
                times.append(time.perf_counter() - start)
            assert result.exit_code == 0, result.output
        return len(statements), statistics.median(times), len(result.output)
    finally:
        db.make_engine = opened  # type: ignore[assignment]


def lazy_statements(path: str) -> int:
    """What the days of a diary cost when each day's shoes load on first use (the old way)."""
    from sqlalchemy import event, select

    from cramplog.cli.entries import day_dict
    from cramplog.db import open_engine, session_scope
    from cramplog.models import Day

    engine = open_engine(f"sqlite:///{path}")
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with session_scope(engine) as session:
        days = [day_dict(d) for d in session.scalars(select(Day).order_by(Day.date))]
    engine.dispose()
    assert days
    return len(statements)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        os.environ.update({"CRAMPLOG_HOME": home, "CRAMPLOG_NOW": NOW, "TZ": "Europe/London"})
        os.environ.pop("CRAMPLOG_DB", None)
        start = time.perf_counter()
        big = build(home, args.months)
        small = build(home, 12)
        print(
            f"built {args.months}- and 12-month demo diaries in {time.perf_counter() - start:.1f} s"
        )
        failed = False
        for command in COMMANDS:
            n_big, t_big, size = measure(big, command, args.runs)
            n_small, _, _ = measure(small, command, 1)
            name = " ".join(command)
            print(
                f"{name:<22} {n_big:>4} statements ({n_small} on 12 months), "
                f"{t_big * 1000:6.0f} ms median, {size / 1e6:.1f} MB out"
            )
            failed |= n_big != n_small
        print(f"days with lazily loaded shoes (before): {lazy_statements(big)} statements")
    if failed:
        print("FAIL: statement count grows with the diary")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
