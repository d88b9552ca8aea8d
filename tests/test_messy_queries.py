"""`list --all --json` and `export` read a diary in a fixed number of SQL statements.

They used to issue one query per day (each day's pairs of shoes, loaded lazily): 3,226
statements on a ten-year diary. Counted here with SQLAlchemy's before_cursor_execute event on
the engine the command opens, for a 1-year and a 3-year diary: the counts must be equal.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import Result
from messy import LAST_NIGHT, make_messy_diary
from sqlalchemy import Engine, event

from cramplog import db

SEED = 7  # a diary with five pairs, worn on most logged days (so each day has shoes to load)


@contextmanager
def counting(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every statement sent to any engine the command opens, in order."""
    statements: list[str] = []
    opened = db.make_engine

    def make_engine(url: str) -> Engine:
        engine = opened(url)
        event.listen(
            engine,
            "before_cursor_execute",
            lambda _c, _cur, statement, *_a: statements.append(statement),
        )
        return engine

    monkeypatch.setattr(db, "make_engine", make_engine)
    yield statements


def _diary(path: Path, nights: int) -> Path:
    # gap_weeks=0 and no field "never" recorded: every day has shoes to load when it has a pair.
    make_messy_diary(path, SEED, nights=nights, gap_weeks=0, never=frozenset(), direct=True)
    return path


@pytest.fixture(scope="module")
def diaries(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    # Module-scoped: built once. CRAMPLOG_NOW is not needed to build them (the plan is pure).
    base = tmp_path_factory.mktemp("queries")
    return {years: _diary(base / f"{years}y.db", 365 * years) for years in (1, 3)}


@pytest.mark.parametrize("args", [["list", "--all", "--json"], ["export"]])
def test_statements_do_not_grow_with_the_diary(
    args: list[str],
    diaries: dict[int, Path],
    cli: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counts = {}
    days_out = {}
    for years, path in diaries.items():
        with counting(monkeypatch) as statements:
            result = cli("--db", str(path), *args)
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        days_out[years] = data["days"]
        counts[years] = len(statements)
    # The diaries really differ in length and really have shoes on their days.
    assert len(days_out[3]) > 2.5 * len(days_out[1])
    assert sum(1 for d in days_out[3] if d["shoes"]) > 600
    assert counts[1] == counts[3], counts
    assert counts[3] <= 20, counts


def test_days_keep_their_shoes_in_order(
    diaries: dict[int, Path], cli: Callable[..., Result]
) -> None:
    """Loading the pairs in the same query still gives each day its own pairs, as entered."""
    import random

    from messy import draw_plan

    plan = draw_plan(random.Random(SEED), nights=365, gap_weeks=0, never=frozenset())
    result = cli("--db", str(diaries[1]), "list", "--all", "--json")
    listed = {
        d["date"]: [(s["name"], s["hours"]) for s in d["shoes"]]
        for d in json.loads(result.output)["days"]
    }
    planned = {
        on.isoformat(): [(name, hours) for name, hours in values.get("shoes_worn", [])]
        for on, values in plan.days.items()
    }
    assert sum(1 for worn in planned.values() if len(worn) == 2) > 50
    assert listed == planned
    assert max(planned) <= LAST_NIGHT.isoformat()
