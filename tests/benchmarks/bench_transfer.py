"""Export and import of a long diary: seconds and SQL statements (README: Data in and out).

    python tests/benchmarks/bench_transfer.py [--months 120]

Builds a demo diary of --months, then runs in this process, each timed and with the SQL
statements it sends counted: export as JSON, CSV and FHIR; import of the JSON and of the CSV
zip into empty diaries; a second import of the same JSON (every row skipped); a dry run.
The statement counts show that neither export nor import queries once per row.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import event
from sqlalchemy.engine import Engine

STATEMENTS = 0


@event.listens_for(Engine, "before_cursor_execute")
def _count(*_: object) -> None:
    global STATEMENTS
    STATEMENTS += 1


def run(args: list[str]) -> tuple[float, int, str]:
    from cramplog.cli import main

    global STATEMENTS
    STATEMENTS = 0
    start = time.perf_counter()
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    seconds = time.perf_counter() - start
    if result.exit_code != 0:
        raise SystemExit(f"{' '.join(args)} failed: {result.output}")
    return seconds, STATEMENTS, result.output


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=120)
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["CRAMPLOG_HOME"] = str(folder / "home")
        demo = folder / "demo.db"
        bin_dir = Path(sys.executable).parent
        subprocess.run(
            [
                str(bin_dir / "cramplog"),
                "demo",
                "--months",
                str(opts.months),
                "--db-path",
                str(demo),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        src = ["--db", str(demo)]
        rows: list[tuple[str, float, int]] = []

        def step(name: str, args: list[str]) -> str:
            seconds, statements, output = run(args)
            rows.append((name, seconds, statements))
            return output

        step("export json", [*src, "export", "-o", str(folder / "d.json")])
        step("export csv", [*src, "export", "--format", "csv", "-o", str(folder / "d.zip")])
        step("export fhir", [*src, "export", "--format", "fhir", "-o", str(folder / "d.fhir")])
        out = step(
            "import json, new diary",
            ["--db", str(folder / "a.db"), "import", str(folder / "d.json")],
        )
        step("import json again", ["--db", str(folder / "a.db"), "import", str(folder / "d.json")])
        step(
            "import json, dry run",
            ["--db", str(folder / "a.db"), "import", str(folder / "d.json"), "--dry-run"],
        )
        step(
            "import csv, new diary", ["--db", str(folder / "b.db"), "import", str(folder / "d.zip")]
        )
        total = next(line for line in out.splitlines() if line.startswith("In all"))
        print(f"demo diary: {opts.months} months; {total}")
        print(
            f"json {(folder / 'd.json').stat().st_size / 1e6:.1f} MB, "
            f"zip {(folder / 'd.zip').stat().st_size / 1e6:.1f} MB"
        )
        print(f"{'step':28} {'seconds':>8} {'statements':>11}")
        for name, seconds, statements in rows:
            print(f"{name:28} {seconds:8.2f} {statements:11d}")


if __name__ == "__main__":
    main()
