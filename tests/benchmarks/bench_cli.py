"""Startup budgets of the logging path, as ratios measured in one run (DESIGN.md, Budgets).

    python tests/benchmarks/bench_cli.py [--runs 15]

- `cramplog --help`  <= 2x   `python -c "import click"`
- `cramplog log ...` <= 1.3x `python -c "import sqlalchemy.orm, click"` (schema current)

Runs are interleaved (floor, command, floor, command...) so that machine noise hits both alike,
and medians are compared. Exits 1 if a budget is exceeded.
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


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def compare(
    name: str, floor: list[str], cmd: list[str], budget: float, runs: int, env: dict[str, str]
) -> bool:
    for _ in range(2):  # warm the OS file cache and bytecode
        timed(floor, env)
        timed(cmd, env)
    floors, cmds = [], []
    for _ in range(runs):
        floors.append(timed(floor, env))
        cmds.append(timed(cmd, env))
    f, c = statistics.median(floors), statistics.median(cmds)
    ratio = c / f
    ok = ratio <= budget
    print(
        f"{name:<28} {c * 1000:7.1f} ms  floor {f * 1000:7.1f} ms  ratio {ratio:4.2f}  "
        f"budget {budget:.1f}x  {'OK' if ok else 'OVER'}"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    cramplog = str(BIN / "cramplog")
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CRAMPLOG_HOME": home}
        env.pop("CRAMPLOG_DB", None)
        # As installed for a person: bytecode is cached after the first run.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(
            [cramplog, "none", "--night", "2026-01-01"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )  # the diary exists and is current
        py = sys.executable
        results = [
            compare(
                "cramplog --help",
                [py, "-c", "import click"],
                [cramplog, "--help"],
                2.0,
                args.runs,
                env,
            ),
            compare(
                "cramplog log 5 --at 03:00 ...",
                [py, "-c", "import sqlalchemy.orm, click"],
                [cramplog, "log", "5", "--at", "03:00", "--site", "calf", "--minutes", "2"],
                1.3,
                args.runs,
                env,
            ),
        ]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
