"""`cramplog check` end to end: diaries built with the CLI in a temporary home.

"Now" is pinned to 08:00 on Mon 23 Nov 2026 (UTC here), so the last night is 22 Nov.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cramplog import knowledge
from cramplog.cli import main

Run = Callable[..., Result]

FORBIDDEN = [
    "you have",
    "diagnos",
    "stop taking",
    "start taking",
    "increase",
    "reduce your dose",
    "will cure",
    "guarantee",
]


pytestmark = pytest.mark.both_engines


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, diary_engine: str) -> Run:
    """`cramplog ARGS...` on a diary in tmp_path (or, for PostgreSQL, the test's database)."""
    monkeypatch.setenv("CRAMPLOG_HOME", str(tmp_path / "home"))
    if diary_engine == "sqlite":
        monkeypatch.setenv("CRAMPLOG_DB", str(tmp_path / "diary.db"))
    monkeypatch.setenv("CRAMPLOG_NOW", "2026-11-23T08:00:00")
    monkeypatch.setenv("TZ", "UTC")
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(main, list(args), catch_exceptions=False)

    assert invoke("config", "set", "timezone", "UTC").exit_code == 0
    return invoke


def _ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def _fortnight_of_cramps(run: Run) -> None:
    """A cramp every night from 9 to 21 Nov, woken each time; 22 Nov cramp-free."""
    for day in range(10, 23):
        _ok(run("log", "5", "--at", f"2026-11-{day} 02:30", "--woke"))
    _ok(run("none", "--night", "2026-11-22"))


# ---------------------------------------------------------------------------------------------
# An empty diary


def test_check_on_an_empty_diary(run: Run) -> None:
    out = _ok(run("check"))
    assert "Traceback" not in out
    assert "No nights are logged yet" in out
    assert "Nothing tripped" in out
    for rule_id in knowledge.rules():
        assert rule_id in out


def test_check_json_on_an_empty_diary(run: Run) -> None:
    data = json.loads(_ok(run("check", "--json")))
    assert data["flags"] == []
    assert data["checked"] == list(knowledge.rules())
    assert data["last_night"] == "2026-11-22"
    assert data["last_logged"] is None


def test_exit_code_is_0_when_nothing_trips(run: Run) -> None:
    assert run("check", "--exit-code").exit_code == 0
    _ok(run("none", "--night", "2026-11-22"))
    result = run("check", "--exit-code")
    assert result.exit_code == 0
    assert "1 of the last 28 nights logged" in result.output


# ---------------------------------------------------------------------------------------------
# A diary built with the CLI


def test_check_lists_flags_most_pressing_first_with_sources(run: Run) -> None:
    _fortnight_of_cramps(run)
    _ok(run("log", "7", "--at", "2026-11-21 04:00", "--minutes", "12", "--sign", "numbness"))
    out = _ok(run("check"))
    headings = re.findall(r"^\d+\. ([A-Z ]+): (.+)$", out, flags=re.MULTILINE)
    levels = [level for level, _ in headings]
    assert levels[:2] == ["URGENT", "SOON"]
    assert set(levels[2:]) == {"ROUTINE"}
    titles = [title for _, title in headings]
    assert titles[0] == knowledge.rules()["long_cramp"].title
    assert "A cramp of 12 minutes on the night of 20 Nov (more than 10 minutes)." in out
    assert "Since: Fri 20 Nov 2026" in out
    assert out.count("Source: ") == len(headings)
    assert out.count("Suggestion: ") == len(headings)
    assert knowledge.cite(["NHS"]) in out
    assert "14 of the last 28 nights logged" in out


def test_check_json_keys(run: Run) -> None:
    _fortnight_of_cramps(run)
    data = json.loads(_ok(run("check", "--json")))
    assert {"flags", "checked"} <= set(data)
    assert data["checked"] == list(knowledge.rules())
    assert {f["rule"] for f in data["flags"]} == {"frequent", "sleep_disruption"}
    for flag in data["flags"]:
        assert {"rule", "level", "message", "since", "evidence", "source"} <= set(flag)
        assert flag["level"] in knowledge.LEVELS
        assert flag["since"] is None or re.fullmatch(r"\d{4}-\d\d-\d\d", flag["since"])
        assert isinstance(flag["evidence"], dict) and flag["evidence"]
        assert flag["source"] == knowledge.cite(knowledge.rules()[flag["rule"]].source)
    frequent = next(f for f in data["flags"] if f["rule"] == "frequent")
    assert frequent["since"] == "2026-11-09"
    assert frequent["evidence"]["cramps_in_window"] == 13


def test_exit_code_is_1_when_a_flag_trips(run: Run) -> None:
    _ok(run("log", "4", "--at", "2026-11-22 03:00", "--sign", "weakness"))
    result = run("check", "--exit-code")
    assert result.exit_code == 1
    assert "SOON: Muscle weakness or shrinking" in result.output
    result = run("check", "--json", "--exit-code")
    assert result.exit_code == 1
    assert [f["rule"] for f in json.loads(result.output)["flags"]] == ["weakness"]
    assert run("check").exit_code == 0  # without --exit-code a flag is not a failure


def test_thresholds_are_settings(run: Run) -> None:
    _ok(run("log", "4", "--at", "2026-11-22 03:00", "--minutes", "12"))
    assert run("check", "--exit-code").exit_code == 1
    _ok(run("config", "set", "long_cramp_minutes", "15"))
    assert run("check", "--exit-code").exit_code == 0


@pytest.mark.parametrize(("minutes", "trips"), [("10", False), ("10.5", True), ("11", True)])
def test_log_and_check_agree_on_a_long_cramp(run: Run, minutes: str, trips: bool) -> None:
    logged = _ok(run("log", "4", "--at", "2026-11-22 03:00", "--minutes", minutes))
    assert ("Run: cramplog check" in logged) is trips
    flagged = [f["rule"] for f in json.loads(_ok(run("check", "--json")))["flags"]]
    assert ("long_cramp" in flagged) is trips


@pytest.mark.parametrize("sign", ["swelling", "redness", "skin-change", "numbness", "weakness"])
def test_log_and_check_agree_on_signs(run: Run, sign: str) -> None:
    logged = _ok(run("log", "4", "--at", "2026-11-22 03:00", "--sign", sign))
    assert "Run: cramplog check" in logged
    assert sign.replace("-", " ") in logged
    assert run("check", "--exit-code").exit_code == 1


def test_log_threshold_setting_applies_to_log_too(run: Run) -> None:
    _ok(run("config", "set", "long_cramp_minutes", "15"))
    logged = _ok(run("log", "4", "--at", "2026-11-22 03:00", "--minutes", "12"))
    assert "Run: cramplog check" not in logged


def test_profile_conditions_are_shown_with_their_sources(run: Run) -> None:
    _ok(run("profile", "set", "--condition", "diabetes"))
    out = _ok(run("check"))
    condition = knowledge.conditions()["diabetes"]
    assert f"{condition.name} (source: {knowledge.cite(condition.source)})" in out
    data = json.loads(_ok(run("check", "--json")))
    assert data["conditions"] == [
        {"id": "diabetes", "name": condition.name, "source": knowledge.cite(condition.source)}
    ]


def test_listed_medicines_are_marked_with_the_medicine_advice(run: Run) -> None:
    _ok(run("meds", "add", "atorvastatin", "--since", "2026-01-10"))
    _ok(run("meds", "add", "paracetamol", "--since", "2026-01-10"))
    out = _ok(run("check"))
    assert "atorvastatin (statins" in out
    assert "paracetamol" not in out
    assert knowledge.MEDICATION_ADVICE in out


def test_new_medicine_flag_through_the_cli(run: Run) -> None:
    for day in range(1, 17):  # 16 cramp-free nights before the medicine
        _ok(run("none", "--night", f"2026-10-{day:02d}"))
    _ok(run("meds", "add", "hydrochlorothiazide", "--since", "2026-10-17"))
    assert run("check", "--exit-code").exit_code == 0
    _ok(run("log", "5", "--at", "2026-11-21 03:00"))
    result = run("check", "--exit-code")
    assert result.exit_code == 1
    assert "1. TALK TO YOUR PRESCRIBER: Cramps after starting a listed medicine" in result.output
    assert knowledge.MEDICATION_ADVICE in result.output
    assert knowledge.cite(["GAR2012"]) in result.output


def test_wording_of_the_whole_output(run: Run) -> None:
    _fortnight_of_cramps(run)
    _ok(run("log", "9", "--at", "2026-11-21 04:00", "--minutes", "14", "--sign", "swelling"))
    _ok(run("log", "8", "--at", "2026-11-20 04:00", "--sign", "numbness", "--sign", "weakness"))
    _ok(run("meds", "add", "hydrochlorothiazide", "--since", "2026-11-01"))
    _ok(run("profile", "set", "--condition", "pregnancy"))
    outputs = [_ok(run("check")), _ok(run("check", "--json"))]
    data = json.loads(outputs[1])
    assert len(data["flags"]) >= 6
    for out in outputs:
        lowered = out.casefold()
        assert [p for p in FORBIDDEN if p in lowered] == []
    for flag in data["flags"]:
        advice = flag["advice"].casefold()
        assert "consider" in advice or "ask" in advice
        assert flag["source"]
