"""The weekly report's budget, as a ratio measured in one run (DESIGN.md, Budgets).

    python tests/benchmarks/bench_report.py [--runs 9]

- `cramplog report weekly` on a 1-year demo diary <= 1.5 s, and
  <= 2x `python -c "import pandas, matplotlib.pyplot"` (the import floor).

Runs are interleaved (floor, command, floor, command...) so that machine noise hits both
alike, and medians are compared. The clock is pinned (CRAMPLOG_NOW) so every run makes the
same report. Exits 1 if a budget is exceeded.
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

BIN = Path(sys.executable).parent
NOW = "2026-11-23T08:00:00"
SECONDS = 1.5
RATIO = 2.0


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    cramplog = str(BIN / "cramplog")
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CRAMPLOG_HOME": home, "CRAMPLOG_NOW": NOW, "TZ": "Europe/London"}
        env.pop("CRAMPLOG_DB", None)
        demo = str(Path(home) / "demo.db")
        subprocess.run(
            [cramplog, "demo", "--months", "12", "--db-path", demo],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        floor = [sys.executable, "-c", "import pandas, matplotlib.pyplot"]
        cmd = [cramplog, "--db", demo, "report", "weekly", "-o", str(Path(home) / "w.pdf")]
        for _ in range(2):  # warm the OS file cache, bytecode and matplotlib's font cache
            timed(floor, env)
            timed(cmd, env)
        floors, cmds = [], []
        for _ in range(args.runs):
            floors.append(timed(floor, env))
            cmds.append(timed(cmd, env))
    f, c = statistics.median(floors), statistics.median(cmds)
    ratio = c / f
    ok = c <= SECONDS and ratio <= RATIO
    print(
        f"cramplog report weekly (1-year demo)  {c * 1000:7.1f} ms  floor {f * 1000:7.1f} ms  "
        f"ratio {ratio:4.2f}  budget {SECONDS:.1f} s and {RATIO:.1f}x  {'OK' if ok else 'OVER'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
