"""The reports' budgets, as ratios measured in one run (DESIGN.md, Budgets; issue 9).

    python tests/benchmarks/bench_report.py [--runs 7]

- `cramplog report weekly` on a 1-year demo diary <= 1.5 s, and
  <= 2x `python -c "import pandas, matplotlib.pyplot"` (the import floor);
- `cramplog report appointment` on a 10-year demo diary <= 3x the floor, both for the default
  12 weeks and for the whole diary (`--weeks 522`: a calendar of 3,650 nights and an appendix
  of every cramp in ten years).

Runs are interleaved (floor, weekly, packet, whole packet, floor...) so that machine noise hits
all alike, and medians are compared. The clock is pinned (CRAMPLOG_NOW) so every run makes the
same reports. Bytecode is written (PYTHONDONTWRITEBYTECODE is dropped) so that cramplog
runs compiled, as installed. Exits 1 if a budget is exceeded.

Beside the wall-clock medians it prints each command's CPU time (user + system, from
getrusage of the finished child): on a machine shared with other work the CPU ratio moves
much less than the wall-clock one, so it tells a slow machine from a slow report.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
NOW = "2026-11-23T08:00:00"
WEEKLY_SECONDS = 1.5
WEEKLY_RATIO = 2.0
PACKET_RATIO = 3.0


CPU: dict[str, list[float]] = {}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], env: dict[str, str], name: str = "") -> float:
    cpu = _children_cpu()
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    if name:
        CPU.setdefault(name, []).append(_children_cpu() - cpu)
    return wall


def demo(cramplog: str, path: Path, months: int, env: dict[str, str]) -> str:
    subprocess.run(
        [cramplog, "demo", "--months", str(months), "--db-path", str(path)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return str(path)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    cramplog = str(BIN / "cramplog")
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "CRAMPLOG_HOME": home, "CRAMPLOG_NOW": NOW, "TZ": "Europe/London"}
        env.pop("CRAMPLOG_DB", None)
        # The warm-up runs below compile cramplog's bytecode, as installing the wheel does; a
        # PYTHONDONTWRITEBYTECODE inherited from the shell would have every run compile all of
        # cramplog's modules again (about 0.25 s), a cost the floor, whose pandas and
        # matplotlib were compiled at install, never pays.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        year = demo(cramplog, Path(home) / "year.db", 12, env)
        decade = demo(cramplog, Path(home) / "decade.db", 120, env)
        out = Path(home)
        commands = {
            "floor": [sys.executable, "-c", "import pandas, matplotlib.pyplot"],
            "weekly": [cramplog, "--db", year, "report", "weekly", "-o", str(out / "w.pdf")],
            "packet": [cramplog, "--db", decade, "report", "appointment", "-o", str(out / "a.pdf")],
            "packet_all": [
                cramplog,
                "--db",
                decade,
                "report",
                "appointment",
                "--weeks",
                "522",
                "-o",
                str(out / "b.pdf"),
            ],
        }
        for name in commands:  # -o refuses an existing file: each run writes a new one
            if name != "floor":
                commands[name] += ["--force"]
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(2):  # warm the OS file cache, bytecode and matplotlib's font cache
            for cmd in commands.values():
                timed(cmd, env)
        for _ in range(args.runs):
            for name, cmd in commands.items():
                times[name].append(timed(cmd, env, name))
    median = {name: statistics.median(values) for name, values in times.items()}
    floor = median["floor"]
    cpu = {name: statistics.median(values) for name, values in CPU.items()}
    ok = True
    rows = [
        ("report weekly (1-year demo)", "weekly", WEEKLY_RATIO, WEEKLY_SECONDS),
        ("report appointment (10-year demo, 12 weeks)", "packet", PACKET_RATIO, None),
        ("report appointment (10-year demo, all 10 years)", "packet_all", PACKET_RATIO, None),
    ]
    print(f"import floor (pandas, matplotlib.pyplot)          {floor * 1000:7.1f} ms")
    for label, name, ratio_budget, seconds in rows:
        value = median[name]
        ratio = value / floor
        fine = ratio <= ratio_budget and (seconds is None or value <= seconds)
        ok = ok and fine
        budget = f"{ratio_budget:.1f}x" + (f" and {seconds:.1f} s" if seconds else "")
        print(
            f"{label:<50}{value * 1000:7.1f} ms  ratio {ratio:4.2f}  budget {budget}  "
            f"{'OK' if fine else 'OVER'}  "
            f"(CPU {cpu[name]:.2f} s, ratio {cpu[name] / cpu['floor']:4.2f})"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
