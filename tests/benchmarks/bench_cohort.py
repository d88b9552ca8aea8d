"""A synthetic study written and summarised on SQLite and on PostgreSQL (issue 11, Budgets).

    python tests/benchmarks/bench_cohort.py [--persons 1000] [--months 12] [--runs 3]
                                            [--engines sqlite,postgresql]

For each engine: `cramplog demo --persons N --months M` into a new database (a SQLite file, or
a database on the throwaway PostgreSQL server of tests/pg.py), timed once, wall clock, as a
person waits for it; then `cramplog cohort --json` on it, the median of --runs runs after one
warm-up, wall clock of the whole command (interpreter start, imports, opening the diary, the
queries, the JSON), each run a fresh process, with its CPU time (user + system of the finished
child: steadier than the wall clock when other work shares the machine). Budgets: writing
<= 120 s and summarising <= 3 s. It also times the grouped SQL alone (cramplog.cohort.summary,
in-process, median).

Both engines get the same seed, so they hold the same study (only the uids differ): their
cohort JSON must agree (mean minutes to 1e-12, floats summed in another order); and on each,
--check people spread over the study must get exactly their own `--person NAME stats --json`.
Exits 1 if a budget is exceeded or the engines disagree. The clock is pinned (CRAMPLOG_NOW).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
NOW = "2026-11-23T08:00:00"
WRITE_SECONDS = 120.0
COHORT_SECONDS = 3.0


CPU: list[float] = []


def cramplog(*args: str) -> tuple[float, str]:
    """Wall seconds and stdout of one `cramplog ARGS` process; its CPU seconds go to CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "cramplog"), *args], env=os.environ, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"cramplog {' '.join(args)} failed: {done.stderr.strip()}")
    return elapsed, done.stdout


def sql_only(url: str, runs: int) -> float:
    """Median seconds of cohort.summary alone (the grouped SQL and its arithmetic)."""
    from datetime import date

    from cramplog import cohort
    from cramplog.db import open_engine, session_scope

    engine = open_engine(url)
    times = []
    try:
        for _ in range(runs + 1):
            with session_scope(engine) as session:
                start = time.perf_counter()
                cohort.summary(
                    session,
                    date(2026, 10, 26),
                    date(2026, 11, 22),
                    baseline_start=date.fromisoformat(_baseline(session)),
                )
                times.append(time.perf_counter() - start)
    finally:
        engine.dispose()
    return statistics.median(times[1:])


def _baseline(session: Any) -> str:
    from cramplog import diary

    return str(diary.setting(session, "baseline_start"))


def measure(name: str, url: str, args: argparse.Namespace) -> tuple[float, float, Any]:
    write, _ = cramplog(
        "--db", url, "demo", "--persons", str(args.persons), "--months", str(args.months)
    )
    times, cpu, out = [], [], ""
    for _ in range(args.runs + 1):
        elapsed, out = cramplog("--db", url, "cohort", "--json")
        times.append(elapsed)
        cpu.append(CPU[-1])
    summary = statistics.median(times[1:])
    sql = sql_only(url, args.runs)
    check_people(url, json.loads(out), args.check)
    print(
        f"{name:<11} write {write:6.1f} s (budget {WRITE_SECONDS:.0f})   cohort {summary:5.2f} s "
        f"median of {args.runs} (budget {COHORT_SECONDS:.0f}; runs "
        f"{', '.join(f'{t:.2f}' for t in times[1:])}; CPU {statistics.median(cpu[1:]):.2f} s)"
        f"   grouped SQL alone {sql:5.2f} s"
    )
    return write, summary, json.loads(out)


def check_people(url: str, result: dict[str, Any], count: int) -> None:
    """`count` people spread over the study: each one's cohort entry is their own
    `--person NAME stats --json` (mean minutes to 1e-12)."""
    persons = result["persons"]
    picks = sorted({round(i * (len(persons) - 1) / max(count - 1, 1)) for i in range(count)})
    for i in picks:
        entry = dict(persons[i])
        name = entry.pop("person")
        _, own = cramplog("--db", url, "--person", name, "stats", "--json")
        differences = same(entry, json.loads(own), name)
        if differences:
            raise SystemExit(f"FAIL: cohort is not {name}'s own stats: {differences[:3]}")
    print(f"{'':<11} cohort = each one's own stats --json for {len(picks)} people checked")


def same(a: Any, b: Any, where: str = "") -> list[str]:
    """Where two cohort results differ (floats to 1e-12)."""
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return [f"{where}: keys differ"]
        return [d for k in a for d in same(a[k], b[k], f"{where}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{where}: {len(a)} against {len(b)}"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in same(x, y, f"{where}[{i}]")
        ]
    if isinstance(a, float) and isinstance(b, float):
        return [] if math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12) else [f"{where}: {a} {b}"]
    return [] if a == b else [f"{where}: {a!r} against {b!r}"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--check", type=int, default=5, help="people checked against stats")
    args = parser.parse_args()
    engines = args.engines.split(",")
    failed = False
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as home:
        os.environ.update({"CRAMPLOG_HOME": home, "CRAMPLOG_NOW": NOW, "TZ": "Europe/London"})
        os.environ.pop("CRAMPLOG_DB", None)
        print(f"{args.persons} people x {args.months} months, {os.cpu_count()} cores")
        if "sqlite" in engines:
            url = "sqlite:///" + str(Path(home) / "study.db")
            write, summary, results["sqlite"] = measure("SQLite", url, args)
            failed |= write > WRITE_SECONDS or summary > COHORT_SECONDS
        if "postgresql" in engines:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
            from pg import start_server

            server = start_server()
            try:
                url = server.new_database()
                write, summary, results["postgresql"] = measure("PostgreSQL", url, args)
                failed |= write > WRITE_SECONDS or summary > COHORT_SECONDS
            finally:
                server.stop()
    if len(results) == 2:
        differences = same(results["sqlite"], results["postgresql"])
        print(
            "engines agree: the same cohort figures on both"
            if not differences
            else f"FAIL: the engines disagree ({len(differences)}): {differences[:3]}"
        )
        failed |= bool(differences)
    if failed:
        print("FAIL: over budget or not the same on both engines")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
