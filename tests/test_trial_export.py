"""A self-trial goes through export and import whole: its schedule as drawn, its seed, its
changes, its end, and which factor it was of."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import export_json, row_counts


@pytest.fixture
def with_trials(cli, db_path: Path) -> Path:
    cli("factor", "add", "leg elevated")
    r = cli(
        "trial",
        "plan",
        "leg elevated",
        "--pairs",
        "2",
        "--period-days",
        "5",
        "--start",
        "2026-10-01",
        "--seed",
        "3",
    )
    assert r.exit_code == 0, r.output + r.stderr
    r = cli(
        "trial",
        "plan",
        "stretched",
        "--pairs",
        "3",
        "--period-days",
        "7",
        "--start",
        "2026-11-02",
        "--seed",
        "11",
    )
    assert r.exit_code == 0, r.output + r.stderr
    for night in ("2026-11-03", "2026-11-04", "2026-11-10"):
        cli("none", "--night", night)
    cli("day", "--date", "2026-11-03", "--stretched")
    cli("log", "6", "--at", "2026-11-11 03:00")
    assert cli("trial", "end", "--reason", "started a new medicine").exit_code == 0
    return db_path


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_trials_export_import_export_is_the_identity(
    cli, with_trials: Path, tmp_path: Path, kind: str
) -> None:
    first = export_json(cli, with_trials, tmp_path / "a.json")
    trials = first["trials"]
    assert [t["builtin"] for t in trials] == [None, "stretched"]
    factor_uid = next(f["uid"] for f in first["factors"] if f["name"] == "leg elevated")
    assert trials[0]["factor"] == factor_uid and trials[0]["ended_at"] is None
    assert trials[1]["factor"] is None and trials[1]["ended_at"] is not None
    assert [t["seed"] for t in trials] == [3, 11] and len(trials[1]["arms"]) == 3
    source = tmp_path / "a.json"
    if kind == "csv":
        source = tmp_path / "a.zip"
        assert cli("export", "--format", "csv", "-o", str(source)).exit_code == 0
    new = tmp_path / "new.db"
    r = cli("--db", str(new), "import", str(source))
    assert r.exit_code == 0, r.output + r.stderr
    assert export_json(cli, new, tmp_path / "b.json") == first
    before = row_counts(new)
    assert before["trial"] == 2
    r = cli("--db", str(new), "import", str(source))
    assert "In all: added 0, changed 0" in r.output and row_counts(new) == before
    # the moved diary gives the same answer about the trial
    here = json.loads(cli("--db", str(with_trials), "trial", "result", "--json").output)
    there = json.loads(cli("--db", str(new), "trial", "result", "--json").output)
    assert here == there


def test_a_trial_with_arms_that_do_not_fit_its_pairs_is_a_bad_row(
    cli, with_trials: Path, tmp_path: Path
) -> None:
    doc = export_json(cli, with_trials, tmp_path / "a.json")
    doc["trials"][1]["arms"] = [["on", "on"], ["off", "on"], ["on", "off"]]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    new = tmp_path / "new.db"
    r = cli("--db", str(new), "import", str(bad))
    assert r.exit_code == 2 and "arms must be one" in r.output + r.stderr
