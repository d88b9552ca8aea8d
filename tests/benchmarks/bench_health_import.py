"""Apple Health import budget (issue 10, "Big files"), measured as a ratio in one run.

    python tests/benchmarks/bench_health_import.py [--mb 180] [--runs 3]

Generates an export.xml of about --mb megabytes in the shape of a real one (Apple's internal
DTD, Records with MetadataEntry children, mostly steps and heart rate from a phone and a
watch, some water, a workout a day), then times, interleaved:

- the floor: a bare `xml.etree.ElementTree.iterparse` of the file, clearing as it goes;
- `cramplog import export.xml` into an existing diary (the whole command: start-up, parse,
  merge, and the one transaction's commit).

Budget: the import takes at most 1.5x the floor, and its peak memory (max RSS) stays under
250 MB. Exits 1 if either is exceeded.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.health_files import APPLE_DTD, APPLE_HEAD, record, workout

FLOOR = """
import resource, sys, xml.etree.ElementTree as ET
for _, element in ET.iterparse(sys.argv[1], events=("end",)):
    element.clear()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""
IMPORT = """
import resource, sys
from cramplog.cli import main
try:
    main(["--db", sys.argv[2], "import", sys.argv[1]], standalone_mode=False)
finally:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def generate(path: Path, megabytes: int) -> int:
    rng = random.Random(10)
    target = megabytes * 1024 * 1024
    day = date(2020, 1, 1)
    written = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write(APPLE_DTD + APPLE_HEAD)
        while written < target:
            lines = []
            stamp = day.isoformat()
            for hour in range(7, 22):
                for source in ("Ann's iPhone", "Ann's Apple Watch"):
                    for minute in (0, 20, 40):
                        at = f"{stamp} {hour:02d}:{minute:02d}:00 -0600"
                        lines.append(
                            record("StepCount", source, "count", rng.randint(20, 900), at, at)
                        )
                at = f"{stamp} {hour:02d}:10:00 -0600"
                hr = record(
                    "HeartRate", "Ann's Apple Watch", "count/min", rng.randint(55, 99), at, at
                )
                lines.append(
                    hr.replace(
                        "/>\n",
                        '>\n  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext" '
                        'value="0"/>\n </Record>\n',
                    )
                )
            for hour in (8, 12, 16, 20):
                at = f"{stamp} {hour:02d}:05:00 -0600"
                lines.append(record("DietaryWater", "WaterMinder", "fl_oz_us", 8, at, at))
            lines.append(
                workout("Walking", 35, f"{stamp} 18:00:00 -0600", f"{stamp} 18:35:00 -0600")
            )
            chunk = "".join(lines)
            out.write(chunk)
            written += len(chunk)
            day += timedelta(days=1)
        out.write("</HealthData>\n")
    return path.stat().st_size


def run(code: str, *args: str) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    rss_kb = int(done.stderr.strip().splitlines()[-1])
    return seconds, rss_kb


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=180)
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        xml = Path(tmp) / "export.xml"
        size = generate(xml, options.mb)
        os.environ.setdefault("CRAMPLOG_HOME", tmp)
        floors, imports, rss = [], [], []
        for n in range(options.runs):
            f, _ = run(FLOOR, str(xml))
            diary = str(Path(tmp) / f"diary{n}.db")
            # an existing diary (last night logged), as a person importing would have
            subprocess.run(
                [sys.executable, "-m", "cramplog", "--db", diary, "none"],
                check=True,
                capture_output=True,
            )
            i, peak = run(IMPORT, str(xml), diary)
            floors.append(f)
            imports.append(i)
            rss.append(peak)
    floor, imported, peak_mb = min(floors), min(imports), max(rss) / 1024
    ratio = imported / floor
    print(f"export.xml: {size / 1024**2:.0f} MB")
    print(f"bare iterparse, clearing: {floor:.2f} s")
    print(f"cramplog import:          {imported:.2f} s  ({ratio:.2f}x, budget 1.5x)")
    print(f"cramplog import peak RSS: {peak_mb:.0f} MB (budget 250 MB)")
    ok = ratio <= 1.5 and peak_mb < 250
    print("within budget" if ok else "OVER BUDGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
