"""Every value a person reads is formatted by cramplog.present, and nowhere else.

The reason is the one the last review found: a date, a percentage or an amount of water
formatted in two places drifts apart (62% on one page and 63% on another, "not logged" here and
"0" there). These checks read the source, so a new module that formats a date, a percentage or
litres by itself fails here and is pointed to the function in `present` that does it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cramplog import present

PACKAGE = Path(present.__file__).resolve().parents[1]

# pattern, what it formats, the present function to use instead
PATTERNS = [
    (re.compile(r"\.day\}\s*\{[^}]*:%b"), "a day and month", "present.day_month / present.day"),
    (re.compile(r"%d %b|%a %d"), "a date", "present.day / present.short_day / present.span"),
    (re.compile(r":\.\d?%\}"), "a percentage", "present.percent / present.fraction"),
    (re.compile(r"/ ?1000[^0-9]*\}\s*L\b|\}\s*mL\""), "an amount of water", "present.water"),
    (re.compile(r"\bfriendly_date\("), "a date", "present.day"),
]

# Where a pattern is right: the definition itself and parsing (not formatting) code.
ALLOWED = {
    ("timeutil.py", "friendly_date("): "the one old name, defined as present.day",
}


def _sources() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if "present" not in p.relative_to(PACKAGE).parts]


def _allowed(path: Path, line: str) -> bool:
    return any(path.name == name and text in line for name, text in ALLOWED)


@pytest.mark.parametrize("pattern,what,instead", PATTERNS, ids=[p[1] for p in PATTERNS])
def test_no_module_formats_values_of_its_own(
    pattern: re.Pattern[str], what: str, instead: str
) -> None:
    found = []
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if (
                pattern.search(line)
                and not line.lstrip().startswith("#")
                and not _allowed(path, line)
            ):
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert not found, f"{what} formatted outside cramplog.present (use {instead}):\n" + "\n".join(
        found
    )


def test_the_guard_would_catch_each_kind() -> None:
    """Each pattern matches the kind of line it exists to stop (so the check above can fail)."""
    samples = [
        'f"{d.day} {d:%b}"',
        'f"{lo:%d %b %Y}"',
        'f"{share:.0%}"',
        'f"{ml / 1000:g} L"',
        "friendly_date(night)",
    ]
    for (pattern, _, _), sample in zip(PATTERNS, samples, strict=True):
        assert pattern.search(sample), sample


def test_percentages_round_halves_up_everywhere() -> None:
    # 5 of 8 is 62.5%: Python's own rounding prints 62, paper and every page of cramplog 63.
    assert present.percent(5, 8) == "63%"
    assert present.fraction(0.625) == "63%"
    assert present.percent(1, 3) == "33%"
    assert present.percent(0, 0) == present.DASH


def test_ratios_read_to_two_significant_figures() -> None:
    assert [present.ratio(v) for v in (0.074, 0.45, 2.04, 12.3)] == ["0.074", "0.45", "2.0", "12"]
    assert present.ratio(None) == present.DASH
    assert present.ratio(float("inf")) == "infinity"
