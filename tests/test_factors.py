"""Own factors (issue 12), as a person uses them: factor add/list/rename/remove, day --factor,
the check-in, list, insights, reports and export/import. Unknown is never "no" anywhere.

`now` is Mon 23 Nov 2026 08:00 (conftest), so "last night" and the default day are 22 Nov.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import export_json, row_counts
from sqlalchemy import select

from cramplog.models import Day, DayFactor, Factor


def days_json(cli) -> dict[str, dict]:
    return {d["date"]: d for d in json.loads(cli("list", "--json").output)["days"]}


def one_line_error(r, field: str) -> str:
    assert r.exit_code == 2, r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(f"cramplog: {field}:"), lines[0]
    assert "Traceback" not in r.output
    return lines[0]


# --- factor add / list / rename / remove -------------------------------------------------


def test_add_list_and_what_counts_as_exposed(cli) -> None:
    r = cli("factor", "add", "leg elevated")
    assert r.exit_code == 0, r.output
    assert "Added factor 'leg elevated' (yes/no, exposed on yes)" in r.output
    r = cli("factor", "add", "sleep", "--unit", "h", "--exposed-below", "6")
    assert "(number in h, exposed below 6 h)" in r.output
    cli("factor", "add", "standing", "--unit", "h", "--exposed-above", "8")
    listed = json.loads(cli("factor", "list", "--json").output)
    assert [
        (f["name"], f["kind"], f["unit"], f["exposed_below"], f["exposed_above"]) for f in listed
    ] == [
        ("leg elevated", "yesno", None, None, None),
        ("sleep", "number", "h", 6.0, None),
        ("standing", "number", "h", None, 8.0),
    ]
    text = cli("factor", "list").output
    assert "sleep" in text and "exposed below 6 h; recorded on 0 days" in text


@pytest.mark.parametrize(
    ("args", "field", "says"),
    [
        (["sleep", "--unit", "h"], "--exposed-below", "--exposed-below N or --exposed-above N"),
        (["sleep", "--exposed-below", "6", "--exposed-above", "9"], "--exposed-above", "one"),
        (["sleep", "--exposed-below", "six"], "--exposed-below", "a number"),
        (["sleep", "--exposed-below", "nan"], "--exposed-below", "a number"),
        (["a:b"], "NAME", "without ':' or '='"),
        (["a=b"], "NAME", "without ':' or '='"),
        (["x" * 61], "NAME", "at most 60"),
        (["sleep", "--unit", "5", "--exposed-below", "6"], "--unit", "a unit"),
    ],
)
def test_bad_factor_definitions_are_one_line_and_write_nothing(
    cli, db_path: Path, args: list[str], field: str, says: str
) -> None:
    cli("factor", "add", "leg elevated")
    before = row_counts(db_path)
    line = one_line_error(cli("factor", "add", *args), field)
    assert says in line
    assert row_counts(db_path) == before


def test_names_are_unique_in_any_case_and_unknown_names_get_did_you_mean(cli) -> None:
    cli("factor", "add", "Leg elevated")
    one_line_error(cli("factor", "add", "leg  ELEVATED"), "NAME")
    line = one_line_error(cli("factor", "rename", "leg elevatd", "legs up"), "OLD")
    assert "did you mean Leg elevated?" in line
    line = one_line_error(cli("day", "--factor", "leg elevatd"), "--factor")
    assert "did you mean Leg elevated?" in line and "cramplog factor add" in line
    line = one_line_error(cli("factor", "remove", "sleep"), "NAME")
    assert "no factor called 'sleep'" in line


def test_rename_keeps_the_days_and_undo_puts_the_name_back(cli) -> None:
    cli("factor", "add", "sleep", "--unit", "h", "--exposed-below", "6")
    cli("day", "--factor", "sleep=5.5")
    r = cli("factor", "rename", "sleep", "sleep hours")
    assert "Factor 'sleep' is now 'sleep hours'" in r.output
    assert days_json(cli)["2026-11-22"]["factors"] == {"sleep hours": 5.5}
    assert "renamed factor 'sleep' to 'sleep hours'" in cli("undo").output
    assert days_json(cli)["2026-11-22"]["factors"] == {"sleep": 5.5}
    cli("factor", "add", "nap")
    one_line_error(cli("factor", "rename", "nap", "SLEEP"), "NEW")
    assert days_json(cli)["2026-11-22"]["factors"] == {"sleep": 5.5, "nap": None}


def test_remove_is_soft_undoable_and_add_brings_it_back_with_its_days(cli) -> None:
    cli("factor", "add", "leg elevated")
    cli("day", "--factor", "leg elevated")
    r = cli("factor", "remove", "leg elevated")
    assert "its recorded days are kept" in r.output
    assert json.loads(cli("factor", "list", "--json").output) == []
    assert days_json(cli)["2026-11-22"]["factors"] == {}
    line = one_line_error(cli("day", "--factor", "leg elevated"), "--factor")
    assert "was removed" in line
    assert "removed factor 'leg elevated'" in cli("undo").output
    assert days_json(cli)["2026-11-22"]["factors"] == {"leg elevated": True}
    cli("factor", "remove", "leg elevated")
    one_line_error(
        cli("factor", "add", "leg elevated", "--unit", "cm", "--exposed-above", "5"), "NAME"
    )
    r = cli("factor", "add", "leg elevated")
    assert "Brought back factor 'leg elevated'" in r.output and "1 recorded day" in r.output
    assert days_json(cli)["2026-11-22"]["factors"] == {"leg elevated": True}


def test_undo_of_add_takes_the_factor_away(cli, db_path: Path) -> None:
    cli("factor", "add", "sleep", "--unit", "h", "--exposed-below", "6")
    assert "added factor 'sleep'" in cli("undo").output
    assert row_counts(db_path)["factor"] == 0


# --- day --factor --------------------------------------------------------------------------


def test_day_records_yes_no_and_numbers_and_updates_one_factor_only(cli) -> None:
    cli("factor", "add", "leg elevated")
    cli("factor", "add", "sleep", "--unit", "h", "--exposed-below", "6")
    r = cli("day", "--factor", "leg elevated", "--factor", "sleep=5.5")
    assert r.exit_code == 0, r.output
    assert "leg elevated: yes, sleep: 5.5 h" in r.output
    assert days_json(cli)["2026-11-22"]["factors"] == {"leg elevated": True, "sleep": 5.5}
    cli("day", "--factor", "sleep=7 h")  # the unit may follow the number
    assert days_json(cli)["2026-11-22"]["factors"] == {"leg elevated": True, "sleep": 7.0}
    cli("day", "--factor", "Leg Elevated=no", "--water", "2L")
    assert days_json(cli)["2026-11-22"]["factors"] == {"leg elevated": False, "sleep": 7.0}
    assert days_json(cli)["2026-11-22"]["water_ml"] == 2000
    cli("day", "--date", "2026-11-20", "--factor", "sleep=6,5h")  # a decimal comma
    assert days_json(cli)["2026-11-20"]["factors"] == {"leg elevated": None, "sleep": 6.5}


@pytest.mark.parametrize(
    ("word", "value"),
    [("y", True), ("YES", True), ("true", True), ("n", False), ("No", False), ("false", False)],
)
def test_yes_no_words(cli, word: str, value: bool) -> None:
    cli("factor", "add", "leg elevated")
    assert cli("day", "--factor", f"leg elevated={word}").exit_code == 0
    assert days_json(cli)["2026-11-22"]["factors"] == {"leg elevated": value}


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("sleep", "needs a value"),
        ("sleep=lots", "is not a number"),
        ("sleep=5.5 min", "is recorded in h"),
        ("sleep=inf", "is not a number"),
        ("leg elevated=maybe", "is not yes or no"),
        ("=5", "names no factor"),
    ],
)
def test_bad_day_values_are_one_line_and_write_nothing(
    cli, db_path: Path, value: str, says: str
) -> None:
    cli("factor", "add", "leg elevated")
    cli("factor", "add", "sleep", "--unit", "h", "--exposed-below", "6")
    before = row_counts(db_path)
    line = one_line_error(cli("day", "--water", "2L", "--factor", value), "--factor")
    assert says in line and "accepted:" in line
    assert row_counts(db_path) == before


def test_clearing_a_value_makes_it_not_recorded_and_undo_brings_it_back(cli) -> None:
    cli("factor", "add", "sleep", "--unit", "h", "--exposed-below", "6")
    cli("factor", "add", "leg elevated")
    cli("day", "--factor", "sleep=5", "--factor", "leg elevated")
    r = cli("day", "--factor", "sleep=")
    assert r.exit_code == 0 and "sleep" not in r.output.split(".")[0].split(":", 1)[1]
    assert days_json(cli)["2026-11-22"]["factors"] == {"leg elevated": True, "sleep": None}
    assert "day 2026-11-22" in cli("undo").output
    assert days_json(cli)["2026-11-22"]["factors"] == {"leg elevated": True, "sleep": 5.0}
    assert "day 2026-11-22" in cli("undo").output  # undo of the first day --factor
    assert "2026-11-22" not in days_json(cli)


def test_list_text_shows_own_factors_with_unknown_as_a_question_mark(cli) -> None:
    cli("factor", "add", "leg elevated")
    cli("factor", "add", "sleep", "--unit", "h", "--exposed-below", "6")
    cli("none", "--night", "2026-11-21")
    cli("day", "--date", "2026-11-21", "--factor", "leg elevated=no")
    cli("log", "4", "--at", "03:00")
    out = cli("list", "--nights", "3").output
    assert "your factors: leg elevated: no, sleep: ?" in out
    assert out.count("your factors:") == 1  # a day with none of them recorded says nothing
    assert "? = not recorded" in out


# --- frame and insights --------------------------------------------------------------------

START = date(2026, 5, 1)
NIGHTS = 200


def planted_diary(path: Path, seed: int, *, effect: bool) -> None:
    """A synthetic diary written through the real tables: 200 nights, 85% logged.

    "leg elevated" (yes/no) is recorded on 80% of days, yes on 40% of those; "sleep" (h,
    exposed below 6) on 70% of days, uniformly 4-9 h, and never matters. With `effect`, a
    night after a leg-elevated day has a cramp with risk 0.55 against 0.2 otherwise.
    """
    from cramplog import diary as ops
    from cramplog import factors
    from cramplog.db import open_engine, session_scope
    from cramplog.models import Day, Episode, NightRecord

    rng = np.random.default_rng(seed)
    engine = open_engine(f"sqlite:///{path}")
    with session_scope(engine, write=True) as session:
        leg, _ = factors.add(session, "leg elevated")
        sleep, _ = factors.add(session, "sleep", unit="h", exposed_below="6")
        who = ops.person(session)
        for i in range(NIGHTS):
            night = START + timedelta(days=i)
            elevated = bool(rng.random() < 0.4)
            day = Day(person_id=who.id, date=night)
            session.add(day)
            if rng.random() < 0.8:
                day.factors.append(DayFactor(factor=leg, value=1.0 if elevated else 0.0))
            if rng.random() < 0.7:
                day.factors.append(DayFactor(factor=sleep, value=round(rng.uniform(4, 9), 1)))
            if rng.random() >= 0.85:
                continue  # the night was not logged
            risk = 0.55 if (effect and elevated) else 0.2
            if rng.random() < risk:
                at = datetime(night.year, night.month, night.day, 3, 0, tzinfo=UTC) + timedelta(
                    days=1
                )
                session.add(Episode(person_id=who.id, at=at, tz="UTC", night=night, severity=5))
            else:
                session.add(NightRecord(person_id=who.id, night=night))
    engine.dispose()


def insight_rows(path: Path) -> dict[str, dict]:
    from cramplog import analysis, frame
    from cramplog.db import open_engine, session_scope

    engine = open_engine(f"sqlite:///{path}")
    with session_scope(engine) as session:
        nightly = frame.build(session)
    engine.dispose()
    rows = analysis.factors(nightly)
    return {r["factor"] + (":lag1" if r["lag"] else ""): r for r in rows}


PLANTED_SEEDS = range(10)


def test_a_planted_own_factor_is_a_finding_and_a_planted_non_effect_is_not(
    tmp_path: Path,
) -> None:
    found = 0
    false = 0
    for seed in PLANTED_SEEDS:
        path = tmp_path / f"planted-{seed}.db"
        planted_diary(path, seed, effect=True)
        rows = insight_rows(path)
        leg = rows["factor:leg elevated"]
        assert leg["enough_data"] and leg["risk_ratio"] > 1
        found += leg["finding"]
        false += rows["factor:sleep"]["finding"]
    # Risk 0.55 against 0.2 over ~135 compared nights: found in 29 of seeds 0-29, and the
    # no-effect "sleep" a finding in 3 of 30 (BH at q < 0.10, about the nominal rate).
    assert found >= 9, found
    assert false <= 1, false
    nulls = 0
    for seed in PLANTED_SEEDS:
        path = tmp_path / f"null-{seed}.db"
        planted_diary(path, seed, effect=False)
        rows = insight_rows(path)
        nulls += sum(r["finding"] for r in rows.values())
    # With nothing planted, a diary with any finding at all: 2 of seeds 0-29.
    assert nulls <= 1, nulls


def test_unrecorded_days_are_unknown_not_no(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    planted_diary(path, 3, effect=True)
    from cramplog import frame
    from cramplog.db import open_engine, session_scope

    engine = open_engine(f"sqlite:///{path}")
    with session_scope(engine) as session:
        nightly = frame.build(session)
        recorded = session.execute(
            select(Day.date, DayFactor.value)
            .join(DayFactor.day)
            .join(DayFactor.factor)
            .where(Factor.name == "leg elevated")
        ).all()
    engine.dispose()
    column = nightly.frame["factor:leg elevated"]
    by_date = {pd.Timestamp(d): v for d, v in recorded}
    assert column.isna().sum() == NIGHTS - len(by_date)  # every day without a value is NA
    for stamp, value in column.items():
        if stamp in by_date:
            assert bool(value) is (by_date[stamp] == 1.0)
        else:
            assert value is pd.NA
    observed = nightly.frame["observed"]
    row = insight_rows(path)["factor:leg elevated"]
    known = column.notna() & observed
    assert row["exposed_nights"] + row["unexposed_nights"] == int(known.sum())
    assert row["exposed_nights"] == int((column.fillna(False) & observed).sum())
    # The lag-1 column is day D-1 for night D.
    lag = nightly.frame["factor:leg elevated:lag1"]
    assert lag.iloc[1:].tolist() == column.iloc[:-1].tolist()


def test_own_factor_rows_follow_the_built_in_rules(cli, db_path: Path) -> None:
    """Cells, RR and CI, Fisher p, enough_data, BH q across all exposures, identical columns
    merged, and the label in words."""
    from cramplog import stats

    cli("factor", "add", "leg elevated")
    cli("factor", "add", "sleep", "--unit", "h", "--exposed-below", "6")
    cli("factor", "add", "only yes")
    # 20 nights, 1-20 Nov: leg elevated on the first 8 (6 of them cramp nights), not on the
    # next 12 (2 cramp nights). Stretching is on exactly the leg-elevated days: one row.
    # Sleep: 5 h (exposed) on even days. "only yes" is only ever recorded as yes.
    for i in range(20):
        night = date(2026, 11, 1) + timedelta(days=i)
        elevated = i < 8
        cramp = i < 6 or i in (8, 9)
        args = [
            "day",
            "--date",
            night.isoformat(),
            "--factor",
            f"leg elevated={'yes' if elevated else 'no'}",
        ]
        args += ["--factor", f"sleep={5 if i % 2 == 0 else 7}", "--factor", "only yes"]
        args += ["--stretched" if elevated else "--no-stretched"]
        assert cli(*args).exit_code == 0
        if cramp:
            assert (
                cli(
                    "log", "5", "--at", f"{(night + timedelta(days=1)).isoformat()} 03:00"
                ).exit_code
                == 0
            )
        else:
            assert cli("none", "--night", night.isoformat()).exit_code == 0
    data = json.loads(cli("insights", "--json").output)
    rows = {(r["factor"], r["lag"]): r for r in data["factors"]}
    merged = rows[("stretched", 0)]
    assert merged["same_as"] == ["factor:leg elevated"]
    assert merged["label"] == "stretching before bed (same nights as leg elevated)"
    assert ("factor:leg elevated", 0) not in rows  # tested once, as one row
    cells = (merged["exposed_cramp_nights"], merged["exposed_nights"])
    cells += (merged["unexposed_cramp_nights"], merged["unexposed_nights"])
    assert cells == (6, 8, 2, 12)
    rr = stats.risk_ratio(6, 2, 2, 10)
    assert merged["risk_ratio"] == pytest.approx(rr.rr)
    assert (merged["ci_low"], merged["ci_high"]) == pytest.approx((rr.ci_low, rr.ci_high))
    assert merged["p_value"] == pytest.approx(stats.fisher_exact(6, 2, 2, 10))
    sleep = rows[("factor:sleep", 0)]
    assert sleep["label"] == "sleep under 6 h"
    assert (sleep["exposed_nights"], sleep["unexposed_nights"]) == (10, 10)
    assert sleep["enough_data"] is True
    assert "after sleep under 6 h" in sleep["sentence"]
    only = rows[("factor:only yes", 0)]
    assert (only["exposed_nights"], only["unexposed_nights"]) == (20, 0)  # never "no"
    assert only["enough_data"] is False and only["risk_ratio"] is None and only["finding"] is False
    ps = [r["p_value"] for r in data["factors"]]
    qs = stats.benjamini_hochberg(ps)
    assert [r["q_value"] for r in data["factors"]] == pytest.approx(qs)  # across every exposure
    assert any(r["lag"] == 1 and r["factor"] == "factor:sleep" for r in data["factors"])
    text = cli("insights").output
    assert "sleep under 6 h" in text


def test_a_day_before_copy_of_an_own_factor_is_not_tested_twice(tmp_path: Path) -> None:
    """40 nights, "brace" worn on the first 20 days only: its day-before column agrees with
    it on 38 of 39 nights (97%, over LAG_COPY_AGREEMENT), so only the same-day row is tested."""
    from cramplog import diary as ops
    from cramplog import factors
    from cramplog.db import open_engine, session_scope
    from cramplog.models import Episode, NightRecord

    path = tmp_path / "d.db"
    engine = open_engine(f"sqlite:///{path}")
    with session_scope(engine, write=True) as session:
        brace, _ = factors.add(session, "brace")
        who = ops.person(session)
        for i in range(40):
            night = START + timedelta(days=i)
            day = Day(person_id=who.id, date=night)
            day.factors.append(DayFactor(factor=brace, value=1.0 if i < 20 else 0.0))
            session.add(day)
            if i % 3 == 0:
                at = datetime(night.year, night.month, night.day, 3, tzinfo=UTC) + timedelta(1)
                session.add(Episode(person_id=who.id, at=at, tz="UTC", night=night))
            else:
                session.add(NightRecord(person_id=who.id, night=night))
    engine.dispose()
    rows = insight_rows(path)
    assert rows["factor:brace"]["lag1_copy"] is True
    assert "factor:brace:lag1" not in rows


def test_removed_factors_drop_out_of_insights(cli) -> None:
    cli("factor", "add", "leg elevated")
    for i in range(3):
        night = date(2026, 11, 10 + i)
        cli("day", "--date", night.isoformat(), "--factor", "leg elevated")
        cli("none", "--night", night.isoformat())
    names = {r["factor"] for r in json.loads(cli("insights", "--json").output)["factors"]}
    assert "factor:leg elevated" in names
    cli("factor", "remove", "leg elevated")
    names = {r["factor"] for r in json.loads(cli("insights", "--json").output)["factors"]}
    assert not any(n.startswith("factor:") for n in names)


# --- export and import -------------------------------------------------------------------


@pytest.fixture
def with_factors(cli, db_path: Path) -> Path:
    cli("factor", "add", "leg elevated")
    cli("factor", "add", "sleep 😴", "--unit", "h", "--exposed-below", "6")
    cli("factor", "add", "heat pad")
    cli("day", "--date", "2026-11-20", "--factor", "leg elevated", "--factor", "sleep 😴=5.5")
    cli("day", "--date", "2026-11-21", "--factor", "leg elevated=no", "--water", "2L")
    cli("day", "--date", "2026-11-22", "--factor", "heat pad")
    cli("factor", "remove", "heat pad")  # removed: kept, with its day, through the export
    cli("log", "5", "--at", "2026-11-21 03:00")
    return db_path


def test_export_carries_factors_and_their_values(cli, with_factors: Path, tmp_path: Path) -> None:
    doc = export_json(cli, with_factors, tmp_path / "a.json")
    assert doc["format_version"] == 3
    factors = {f["name"]: f for f in doc["factors"]}
    assert factors["sleep 😴"]["kind"] == "number" and factors["sleep 😴"]["exposed_below"] == 6.0
    assert (
        factors["heat pad"]["removed_at"] is not None
        and factors["leg elevated"]["removed_at"] is None
    )
    days = {d["date"]: d for d in doc["days"]}
    assert [(v["name"], v["value"]) for v in days["2026-11-20"]["factors"]] == [
        ("leg elevated", 1.0),
        ("sleep 😴", 5.5),
    ]
    assert [(v["name"], v["value"]) for v in days["2026-11-21"]["factors"]] == [
        ("leg elevated", 0.0)
    ]
    assert [v["factor"] for v in days["2026-11-22"]["factors"]] == [factors["heat pad"]["uid"]]


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_export_import_export_is_the_identity_and_a_second_import_adds_nothing(
    cli, with_factors: Path, tmp_path: Path, kind: str
) -> None:
    first = export_json(cli, with_factors, tmp_path / "a.json")
    source = tmp_path / "a.json"
    if kind == "csv":
        source = tmp_path / "a.zip"
        assert cli("export", "--format", "csv", "-o", str(source)).exit_code == 0
    new = tmp_path / "new.db"
    r = cli("--db", str(new), "import", str(source))
    assert r.exit_code == 0, r.stderr
    assert export_json(cli, new, tmp_path / "b.json") == first
    before = row_counts(new)
    r = cli("--db", str(new), "import", str(source))
    assert "In all: added 0, changed 0" in r.output
    assert row_counts(new) == before
    assert before["day_factor"] == 4 and before["factor"] == 3
    # and the new diary reads them as the old one did
    days = {
        d["date"]: d for d in json.loads(cli("--db", str(new), "list", "--json").output)["days"]
    }
    assert days["2026-11-20"]["factors"] == {"leg elevated": True, "sleep 😴": 5.5}
    assert days["2026-11-22"]["factors"] == {"leg elevated": None, "sleep 😴": None}


def test_a_changed_value_is_a_conflict_and_the_file_wins_only_when_asked(
    cli, with_factors: Path, tmp_path: Path
) -> None:
    doc = export_json(cli, with_factors, tmp_path / "a.json")
    day = next(d for d in doc["days"] if d["date"] == "2026-11-20")
    day["factors"][1]["value"] = 7.0
    (tmp_path / "edited.json").write_text(json.dumps(doc), encoding="utf-8")
    r = cli("import", str(tmp_path / "edited.json"))
    assert r.exit_code == 0 and "factors" in r.output
    assert days_json(cli)["2026-11-20"]["factors"]["sleep 😴"] == 5.5  # the diary wins by default
    assert cli("import", str(tmp_path / "edited.json"), "--prefer", "file").exit_code == 0
    assert days_json(cli)["2026-11-20"]["factors"]["sleep 😴"] == 7.0
    assert "import" in cli("undo").output  # one undoable change
    assert days_json(cli)["2026-11-20"]["factors"]["sleep 😴"] == 5.5


def test_a_format_2_export_still_imports(cli, tmp_path: Path) -> None:
    cli("log", "5", "--at", "2026-11-21 03:00")
    out = tmp_path / "a.json"
    assert cli("export", "-o", str(out)).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    data["format_version"] = 2
    data.pop("factors")
    for d in data["days"]:
        d.pop("factors", None)
    out.write_text(json.dumps(data), encoding="utf-8")
    r = cli("--db", str(tmp_path / "new.db"), "import", str(out))
    assert r.exit_code == 0, r.stderr


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda doc: doc["factors"][1].update(exposed_below=None), "exactly one of"),
        (lambda doc: doc["factors"][0].update(name="a:b"), "cannot name a factor"),
        (lambda doc: doc["days"][0]["factors"][0].update(value="lots"), "is not a number"),
        (
            lambda doc: doc["days"][0]["factors"][0].update(factor="nope", name=None),
            "is not in the file",
        ),
        (lambda doc: doc["days"][0]["factors"][0].update(value=0.5), "is yes/no"),
    ],
)
def test_bad_factor_rows_are_refused_and_nothing_is_written(
    cli, with_factors: Path, tmp_path: Path, edit, says: str
) -> None:
    doc = export_json(cli, with_factors, tmp_path / "a.json")
    edit(doc)
    (tmp_path / "bad.json").write_text(json.dumps(doc), encoding="utf-8")
    new = tmp_path / "new.db"
    r = cli("--db", str(new), "import", str(tmp_path / "bad.json"))
    assert r.exit_code == 2 and says in r.output + r.stderr, r.output + r.stderr
    assert row_counts(new).get("factor", 0) == 0


def test_a_factor_of_another_kind_under_the_same_name_is_refused(
    cli, with_factors: Path, db_path: Path, tmp_path: Path
) -> None:
    doc = export_json(cli, with_factors, tmp_path / "a.json")
    leg = next(f for f in doc["factors"] if f["name"] == "leg elevated")
    leg.update(uid=None, kind="number", unit="cm", exposed_above=10.0)
    (tmp_path / "other.json").write_text(json.dumps(doc), encoding="utf-8")
    before = row_counts(db_path)
    r = cli("import", str(tmp_path / "other.json"), "--prefer", "file")
    assert r.exit_code == 2 and "is yes/no in the diary and a number in the file" in r.stderr
    assert row_counts(db_path) == before


# --- reports ---------------------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


def test_weekly_night_table_and_packet_show_own_factors_with_unknown_as_unknown(
    cli, tmp_path: Path
) -> None:
    cli("factor", "add", "leg elevated")
    cli("factor", "add", "sleep", "--unit", "h", "--exposed-below", "6")
    for i in range(7):  # the week of Mon 16 Nov
        night = date(2026, 11, 16) + timedelta(days=i)
        if i % 2:
            cli("log", "4", "--at", f"{(night + timedelta(days=1)).isoformat()} 03:00")
        else:
            cli("none", "--night", night.isoformat())
    cli("day", "--date", "2026-11-16", "--factor", "leg elevated", "--factor", "sleep=5.5")
    cli("day", "--date", "2026-11-17", "--factor", "leg elevated=no")
    cli("day", "--date", "2026-11-18", "--factor", "sleep=7")
    weekly = tmp_path / "w.pdf"
    assert cli("report", "weekly", "-o", str(weekly)).exit_code == 0
    text = pdf_text(weekly)
    assert "Your own factors, night by night" in text
    assert "Mon 16 Nov yes 5.5 h" in text
    assert "Tue 17 Nov no ?" in text
    assert "Wed 18 Nov ? 7 h" in text
    assert "Thu 19 Nov ? ?" in text  # nothing recorded is "?", never "no"
    packet = tmp_path / "a.pdf"
    assert cli("report", "appointment", "-o", str(packet)).exit_code == 0
    text = pdf_text(packet)
    assert (
        "Own factors recorded: leg elevated on 2 of 7 days (yes on 1); sleep on 2 of 7 days" in text
    )
    assert "(under 6 h on 1; median 6.25 h)" in text


# --- the guided check-in and the logging path ------------------------------------------------

DAY_SKIPS = ["", "", "", "", "", ""]  # water, exercise, stretched, shoes, alcohol, caffeine


def test_checkin_asks_each_active_factor_and_enter_leaves_it_unknown(cli) -> None:
    cli("factor", "add", "leg elevated")
    cli("factor", "add", "sleep 😴", "--unit", "h", "--exposed-below", "6")
    cli("factor", "add", "heat pad")
    cli("factor", "remove", "heat pad")  # a removed factor is not asked
    answers = ["0", *DAY_SKIPS, "maybe", "n", "5.5h"]
    r = cli("log", "--guided", input="\n".join(answers) + "\n")
    assert r.exit_code == 0, r.output
    assert "leg elevated? (y/n)" in r.output and "sleep 😴 (h)" in r.output
    assert "heat pad" not in r.output
    assert "is not yes or no" in r.output  # asked again, not saved as anything
    assert days_json(cli)["2026-11-22"]["factors"] == {"leg elevated": False, "sleep 😴": 5.5}
    assert "leg elevated: no, sleep 😴: 5.5 h" in r.output

    assert "morning check-in" in cli("undo").output
    r = cli("log", "--guided", input="\n".join(["0", *DAY_SKIPS, "y", ""]) + "\n")
    assert r.exit_code == 0, r.output
    assert days_json(cli)["2026-11-22"]["factors"] == {"leg elevated": True, "sleep 😴": None}


def test_checkin_skipping_every_factor_saves_no_day(cli) -> None:
    cli("factor", "add", "leg elevated")
    r = cli("log", "--guided", input="\n".join(["0", *DAY_SKIPS, ""]) + "\n")
    assert r.exit_code == 0, r.output
    data = json.loads(cli("list", "--json").output)
    assert data["days"] == [] and data["cramp_free_nights"] == ["2026-11-22"]


def test_day_factor_stays_off_pandas_and_matplotlib(home: Path) -> None:
    from test_imports import HEAVY_FOR_LOG, imported

    imported(["factor", "add", "sleep", "--unit", "h", "--exposed-below", "6"], home)
    names = imported(["day", "--factor", "sleep=5"], home)
    assert row_counts(home / "cramplog.db")["day_factor"] == 1  # it did record the value
    assert "sqlalchemy" in names
    assert not names & set(HEAVY_FOR_LOG), names & set(HEAVY_FOR_LOG)
