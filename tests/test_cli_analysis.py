"""The stats, insights and demo commands, run in-process with click's CliRunner.

conftest.py points CRAMPLOG_HOME at a temporary folder and pins now to Mon 23 Nov 2026 08:00
(Europe/London), so last night is night 22 Nov and the demo diary ends with it.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import row_counts

from cramplog import analysis

Cli = Callable[..., Result]
LAST_NIGHT = date(2026, 11, 22)


@pytest.fixture
def demo_db(cli: Cli, home: Path, diary_engine: str, request: pytest.FixtureRequest) -> Path | str:
    """The demo diary file; in a both_engines test's PostgreSQL run, the URL of a PostgreSQL
    database holding the same diary (imported once; export -> import is the identity)."""
    if diary_engine == "postgresql":
        server = request.getfixturevalue("pg_server")

        def build(url: str) -> None:
            assert cli("demo").exit_code == 0
            exported = home / "demo.json"
            assert cli("--db", str(home / "demo.db"), "export", "-o", str(exported)).exit_code == 0
            assert cli("--db", url, "import", str(exported)).exit_code == 0

        url = server.copy_of("demo", build)
        request.addfinalizer(lambda: server.drop_database(url))
        return url
    result = cli("demo")
    assert result.exit_code == 0, result.output
    return home / "demo.db"


def json_of(result: Result) -> Any:
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)


def is_number(value: Any) -> bool:
    return type(value) in (int, float) and math.isfinite(value)


def check_endpoints(e: dict[str, Any]) -> None:
    assert set(analysis.ENDPOINT_KEYS) <= set(e)
    for key in ("nights_in_period", "nights_observed", "cramp_nights", "cramp_free_nights",
                "episodes", "woke_nights"):  # fmt: skip
        assert type(e[key]) is int, key
    for key in ("completeness", "cramps_per_week", "cramp_nights_per_week", "mean_severity",
                "max_severity", "mean_minutes"):  # fmt: skip
        assert e[key] is None or is_number(e[key]), key
    date.fromisoformat(e["period_start"])
    date.fromisoformat(e["period_end"])


# --- demo ----------------------------------------------------------------------------------


def test_demo_writes_a_separate_diary_and_says_how_to_use_it(
    cli: Cli, home: Path, db_path: Path
) -> None:
    result = cli("demo")
    assert result.exit_code == 0, result.output
    target = home / "demo.db"
    assert target.exists()
    assert (target.stat().st_mode & 0o777) == 0o600
    assert f"cramplog --db {target} insights" in result.output
    assert "183 nights" in result.output
    assert not db_path.exists()  # the person's own diary is not created, let alone touched
    assert not list(home.glob(".*.tmp*"))
    counts = row_counts(target)
    assert counts["episode"] > 30 and counts["night"] > 80 and counts["day"] > 100


def test_demo_is_reproducible(cli: Cli, tmp_path: Path) -> None:
    outputs = []
    for name in ("a.db", "b.db"):
        assert (
            cli("demo", "--db-path", str(tmp_path / name), "--seed", "3", "--months", "2").exit_code
            == 0
        )
        outputs.append(json_of(cli("--db", str(tmp_path / name), "list", "--all", "--json")))
    assert outputs[0] == outputs[1]
    assert outputs[0]["episodes"]


def test_demo_refuses_to_replace_without_force(cli: Cli, demo_db: Path) -> None:
    before = row_counts(demo_db)
    result = cli("demo", "--seed", "5")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--force" in result.stderr
    assert row_counts(demo_db) == before
    result = cli("demo", "--seed", "5", "--force")
    assert result.exit_code == 0, result.output
    assert row_counts(demo_db) != before


@pytest.mark.parametrize("how", ["--db", "CRAMPLOG_DB", "default"])
def test_demo_never_writes_into_the_persons_diary(
    cli: Cli, home: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    own = db_path if how == "default" else home / "mine.db"
    args: list[str] = []
    if how == "--db":
        args = ["--db", str(own)]
    elif how == "CRAMPLOG_DB":
        monkeypatch.setenv("CRAMPLOG_DB", str(own))
    assert cli(*args, "none").exit_code == 0
    before = row_counts(own)
    result = cli(*args, "demo", "--db-path", str(own), "--force")
    assert result.exit_code == 2
    assert "is your diary" in result.stderr
    assert row_counts(own) == before


def test_demo_force_replaces_only_a_demo_diary(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "someone.db"
    assert cli("--db", str(other), "none").exit_code == 0
    before = row_counts(other)
    result = cli("demo", "--db-path", str(other), "--force")
    assert result.exit_code == 2
    assert "not a demo diary" in result.stderr
    assert row_counts(other) == before


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["demo", "--months", "0"], "--months"),
        (["demo", "--db-path", "postgresql://x/y"], "--db-path"),
        (["stats", "--weeks", "0"], "--weeks"),
        (["stats", "--since", "2026-12-01"], "--since"),
        (["stats", "--since", "2026-11-23"], "--since"),  # today: after last night
        (["insights", "--since", "yesterday", "--weeks", "2"], "--since"),
        (["insights", "--since", "someday"], "--since"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    cli: Cli, home: Path, args: list[str], field: str
) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"cramplog: {field}")
    assert result.stderr.count("\n") == 1
    assert not (home / "demo.db").exists()


# --- stats ---------------------------------------------------------------------------------


@pytest.mark.both_engines
def test_stats_json_keys_and_types(cli: Cli, demo_db: Path) -> None:
    data = json_of(cli("--db", str(demo_db), "stats", "--json"))
    assert set(data) == {*analysis.ENDPOINT_KEYS, "previous", "responder", "min_rate_nights"}
    assert data["min_rate_nights"] == 7
    check_endpoints(data)
    check_endpoints(data["previous"])
    assert set(data["previous"]) == set(analysis.ENDPOINT_KEYS)
    # default: the last 4 weeks ending last night, against the 4 weeks before
    assert (data["period_start"], data["period_end"]) == ("2026-10-26", "2026-11-22")
    assert (data["previous"]["period_start"], data["previous"]["period_end"]) == (
        "2026-09-28",
        "2026-10-25",
    )
    assert data["nights_in_period"] == 28
    responder = data["responder"]  # the demo sets a baseline
    assert type(responder["responder_25"]) is bool and is_number(responder["reduction"])


@pytest.mark.both_engines
def test_stats_match_a_recount_from_list_json(cli: Cli, demo_db: Path) -> None:
    """What a clinician recomputes by hand from `list --json` is what stats says."""
    data = json_of(cli("--db", str(demo_db), "stats", "--since", "2026-10-01", "--json"))
    listed = json_of(cli("--db", str(demo_db), "list", "--all", "--json"))
    first, last = date(2026, 10, 1), LAST_NIGHT
    episodes = [e for e in listed["episodes"] if first <= date.fromisoformat(e["night"]) <= last]
    cramp_nights = {e["night"] for e in episodes}
    free = {n for n in listed["cramp_free_nights"] if first <= date.fromisoformat(n) <= last}
    observed = len(cramp_nights | free)
    severities = [e["severity"] for e in episodes if e["severity"] is not None]
    minutes = [e["minutes"] for e in episodes if e["minutes"] is not None]
    assert data["nights_in_period"] == (last - first).days + 1 == 53
    assert data["nights_observed"] == observed
    assert data["completeness"] == observed / 53
    assert data["cramp_nights"] == len(cramp_nights)
    assert data["cramp_free_nights"] == len(free)
    assert data["episodes"] == len(episodes)
    assert data["cramps_per_week"] == pytest.approx(len(episodes) / (observed / 7))
    assert data["cramp_nights_per_week"] == pytest.approx(len(cramp_nights) / (observed / 7))
    assert data["mean_severity"] == pytest.approx(sum(severities) / len(severities))
    assert data["max_severity"] == max(severities)
    assert data["mean_minutes"] == pytest.approx(sum(minutes) / len(minutes))
    assert data["woke_nights"] == len({e["night"] for e in episodes if e["woke"]})


@pytest.mark.both_engines
def test_stats_weeks_option(cli: Cli, demo_db: Path) -> None:
    data = json_of(cli("--db", str(demo_db), "stats", "--weeks", "2", "--json"))
    assert data["period_start"] == (LAST_NIGHT - timedelta(days=13)).isoformat()
    assert data["previous"]["period_end"] == (LAST_NIGHT - timedelta(days=14)).isoformat()


@pytest.mark.both_engines
def test_stats_human_output(cli: Cli, demo_db: Path) -> None:
    result = cli("--db", str(demo_db), "stats")
    assert result.exit_code == 0, result.output
    assert "Last 4 weeks: Mon 26 Oct 2026 to Sun 22 Nov 2026" in result.output
    assert "cramps per week" in result.output and "Baseline" in result.output
    assert "never counted as cramp-free" in result.output


# --- insights ------------------------------------------------------------------------------


@pytest.mark.both_engines
def test_insights_json_keys_and_types(cli: Cli, demo_db: Path) -> None:
    data = json_of(cli("--db", str(demo_db), "insights", "--json"))
    assert {
        "factors",
        "trend",
        "changes",
        "completeness",
        "nights_observed",
        "nights_in_period",
        "period_start",
        "period_end",
        "note",
    } <= set(data)
    assert (data["period_start"], data["period_end"]) == ("2026-05-24", "2026-11-22")
    assert data["factors"]
    for f in data["factors"]:
        assert list(f) == list(analysis.FACTOR_KEYS)
        assert type(f["factor"]) is str and not f["factor"].endswith(":lag1")
        assert f["lag"] in (0, 1)
        for key in ("exposed_nights", "exposed_cramp_nights", "unexposed_nights",
                    "unexposed_cramp_nights"):  # fmt: skip
            assert type(f[key]) is int
        for key in ("risk_ratio", "ci_low", "ci_high", "p_value", "q_value"):
            assert f[key] is None or is_number(f[key])
        assert type(f["enough_data"]) is bool and type(f["sentence"]) is str
        assert type(f["finding"]) is bool and type(f["label"]) is str and f["label"]
        assert f["finding"] == (
            f["enough_data"] and f["q_value"] is not None and f["q_value"] < 0.1
        )
        assert all(type(name) is str for name in f["same_as"]) and type(f["lag1_copy"]) is bool
    trend = data["trend"]
    assert set(analysis.TREND_KEYS) <= set(trend)
    assert all(type(trend[k]) is int for k in analysis.TREND_KEYS[:4])
    assert all(trend[k] is None or is_number(trend[k]) for k in analysis.TREND_KEYS[4:8])
    assert trend["enough_data"] is True
    assert data["changes"]
    for change in data["changes"]:
        assert set(analysis.CHANGE_KEYS) <= set(change)
        date.fromisoformat(change["date"])
        assert all(type(change[k]) is int for k in analysis.CHANGE_KEYS[2:6])
        assert type(change["enough_data"]) is bool


@pytest.mark.both_engines
def test_insights_human_output(cli: Cli, demo_db: Path) -> None:
    result = cli("--db", str(demo_db), "insights")
    assert result.exit_code == 0, result.output
    out = result.output
    findings, thin = out.index("Findings"), out.index("Not enough data yet")
    assert findings < thin
    assert "after less than 1.5 L of water" in out[findings:thin]
    # atorvastatin is the only listed medicine, taken every night: one row for both columns
    assert (
        "atorvastatin (your only listed medicine): No nights without atorvastatin so far"
        in out[thin:]
    )
    assert "work shoes (your tight pair): Cramps came on" in out[findings:thin]
    lines = out.strip().splitlines()
    assert lines[-3].startswith("Diary completeness: 161 of 183 nights logged (88%)")
    assert "association, not cause" in lines[-2]
    assert "docs/definitions.md" in lines[-1]
    # no bare p or q in what a person reads; "could be chance" wherever it is not a finding
    assert "p =" not in out and "q =" not in out and " q " not in out
    assert "could be chance" in out


@pytest.mark.both_engines
def test_insights_since(cli: Cli, demo_db: Path) -> None:
    data = json_of(cli("--db", str(demo_db), "insights", "--since", "2026-09-01", "--json"))
    assert data["period_start"] == "2026-09-01"
    assert data["nights_in_period"] == 83
    # the thiazide started before 1 Sep is present on every night of this period, and so is
    # atorvastatin: both always "yes", which is no reason to call them "the same nights", so
    # each is its own row with nothing to compare with yet
    rows = {f["factor"]: f for f in data["factors"] if f["lag"] == 0}
    thiazide = rows["medication:hydrochlorothiazide"]
    assert thiazide["same_as"] == [] and thiazide["unexposed_nights"] == 0
    assert thiazide["enough_data"] is False and thiazide["q_value"] is None
    assert rows["medication:atorvastatin"]["same_as"] == []


# --- an empty diary ------------------------------------------------------------------------


@pytest.mark.both_engines
def test_empty_diary(cli: Cli) -> None:
    data = json_of(cli("stats", "--json"))
    assert data["nights_observed"] == 0 and data["cramps_per_week"] is None
    assert data["responder"] is None
    data = json_of(cli("insights", "--json"))
    assert data["factors"] == [] and data["changes"] == []
    assert data["trend"]["rate_ratio"] is None
    for args in (("stats",), ("insights",)):
        result = cli(*args)
        assert result.exit_code == 0, result.output
    assert "cramplog demo" in cli("insights").output


def test_help_does_not_import_pandas() -> None:
    code = (
        "import sys\n"
        "from cramplog.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('pandas', 'numpy', 'cramplog.analysis', 'cramplog.demo')"
        " if m in sys.modules]\n"
        "print(heavy, file=sys.stderr)\n"
        "sys.exit(1 if heavy else 0)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
