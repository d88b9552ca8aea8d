"""Benchmark: `insights` on a 10-year diary must take at most 100 ms after imports (DESIGN.md).

Builds a 10-year demo diary (about 3,650 nights) into a temporary SQLite file through the real
demo generator, then times, separately, `frame.build` (the database read) and
`analysis.insights` (the budgeted part), each the median of several runs after one warm-up,
and prints the figures with the ratio to the budget.

    /work/venv/bin/python tests/benchmarks/bench_insights.py [--years 10] [--runs 15]

Exit status 1 when insights is over budget, so a script can use it as a check.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

BUDGET_S = 0.100
END = date(2026, 11, 22)


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Median wall time of `runs` calls after one warm-up call, and the last result."""
    result = fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    started = time.perf_counter()
    from cramplog import analysis, demo, frame
    from cramplog.db import open_engine, session_scope

    imports = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as folder:
        engine = open_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        started = time.perf_counter()
        with session_scope(engine, write=True) as session:
            summary = demo.generate(session, END, months=12 * args.years)
        written = time.perf_counter() - started

        def build() -> frame.Nightly:
            with session_scope(engine) as session:
                return frame.build(session)

        build_s, nightly = median_time(build, max(3, args.runs // 3))
        insights_s, result = median_time(lambda: analysis.insights(nightly), args.runs)
        engine.dispose()

    print(f"diary: {summary.nights} nights ({summary.start} to {summary.end}), "
          f"{summary.observed_nights} logged, {summary.episodes} cramps; "
          f"{len(nightly.exposures)} exposures with lag 1, {len(result['factors'])} factors, "
          f"{len(result['changes'])} before/after changes")  # fmt: skip
    print(f"imports (cramplog.analysis, demo, frame, db): {imports * 1000:.0f} ms")
    print(f"demo written through cramplog.diary: {written:.1f} s")
    print(f"frame.build (database read), median of {max(3, args.runs // 3)}: "
          f"{build_s * 1000:.1f} ms")  # fmt: skip
    print(f"analysis.insights, median of {args.runs}: {insights_s * 1000:.1f} ms")
    ratio = insights_s / BUDGET_S
    print(f"insights / budget ({BUDGET_S * 1000:.0f} ms): {ratio:.2f}"
          f" -> {'within' if ratio <= 1 else 'OVER'} budget")  # fmt: skip
    return 0 if ratio <= 1 else 1


if __name__ == "__main__":
    sys.exit(main())
