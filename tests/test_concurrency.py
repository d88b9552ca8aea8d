"""Two processes logging at once both succeed: WAL, busy_timeout and BEGIN IMMEDIATE."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

PER_PROCESS = 100


def _log_many(db: str, worker: int, start: multiprocessing.synchronize.Event) -> None:
    from cramplog.cli import main

    start.wait()
    for i in range(PER_PROCESS):
        code = main(
            ["--db", db, "log", str(i % 11), "--at", "03:00", "--note", f"w{worker}-{i}"],
            standalone_mode=False,
        )
        assert code == 0


@pytest.mark.slow
def test_two_processes_logging_100_each_lose_none(db_path: Path, cli) -> None:
    cli("--db", str(db_path), "none", "--night", "2026-11-01")  # create the diary first
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    workers = [ctx.Process(target=_log_many, args=(str(db_path), w, start)) for w in (1, 2)]
    for p in workers:
        p.start()
    start.set()
    for p in workers:
        p.join(timeout=300)
    assert [p.exitcode for p in workers] == [0, 0]
    with sqlite3.connect(db_path) as conn:
        notes = {r[0] for r in conn.execute("SELECT note FROM episode")}
        changes = conn.execute("SELECT COUNT(*) FROM change").fetchone()[0]
    assert notes == {f"w{w}-{i}" for w in (1, 2) for i in range(PER_PROCESS)}
    assert changes == 2 * PER_PROCESS + 1
