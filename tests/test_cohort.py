"""`cohort` (every person's stats at once, grouped SQL) and `demo --persons` (a synthetic study).

A small planted study: five people whose entries are written row by row (Core inserts, as a
study's import would), with every case the definitions care about: a deleted cramp, a night
with both a cramp and a "no cramps" mark, unrated and untimed cramps, waking unknown, a person
with too few nights, one with none, one with only cramp-free nights, one removed. Each
person's cohort entry must equal that person's own `stats --json` (read from a diary holding
that person alone), and the hand-computed values below.

With conftest's "now" (Mon 23 Nov 2026, 08:00), last night is 22 Nov: the 4-week period is 26
Oct to 22 Nov, the one before 28 Sep to 25 Oct; `baseline_start` 28 Sep gives the baseline 28
Sep to 11 Oct.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import Result
from conftest import row_counts
from sqlalchemy import Engine, insert, select, update

from cramplog import analysis, cohort
from cramplog.config import database_url
from cramplog.db import open_engine, session_scope
from cramplog.models import Episode, NightRecord, Person, Setting
from cramplog.timeutil import night_of

Cli = Callable[..., Result]
LONDON = ZoneInfo("Europe/London")
BASELINE = "2026-09-28"


def _d(text: str) -> date:
    return date.fromisoformat(text)


def _nights(first: str, last: str) -> list[date]:
    lo, hi = _d(first), _d(last)
    return [lo + timedelta(days=i) for i in range((hi - lo).days + 1)]


# Each person: cramps as (night, severity, minutes, woke[, deleted]) and "no cramps" marks.
PEOPLE: dict[str, dict[str, Any]] = {
    "Ann": {
        "cramps": [
            ("2026-10-26", 6, 1.5, True),
            ("2026-10-26", 8, 2.5, None),  # woke unknown beside a "yes": the night is known
            ("2026-10-27", None, None, False),  # unrated, untimed: left out of the means
            ("2026-10-28", 4, 1.0, None),  # the night's waking is unknown
            ("2026-10-29", 10, 9.0, True, "deleted"),  # a deleted cramp counts nowhere
            ("2026-10-30", 5, 0.5, True),  # with a "no cramps" mark too: one cramp night
            ("2026-10-01", 3, 2.0, True),  # the period before, and the baseline
        ],
        "free": [
            "2026-10-29",
            "2026-10-30",
            *[n.isoformat() for n in _nights("2026-10-31", "2026-11-08")],
        ]
        + [n.isoformat() for n in _nights("2026-10-02", "2026-10-07")],
    },
    "Bob": {  # three nights: too few for a rate
        "cramps": [("2026-11-10", 7, 3.0, True)],
        "free": ["2026-11-11", "2026-11-12"],
    },
    "Cid": {"cramps": [], "free": []},  # nothing logged at all
    "Dee": {"cramps": [], "free": [n.isoformat() for n in _nights("2026-11-01", "2026-11-08")]},
    "Fay": {"cramps": [(n.isoformat(), 5, 2.0, True) for n in _nights("2026-11-15", "2026-11-21")]},
}
REMOVED = {"Eve": {"cramps": [("2026-11-20", 9, 4.0, True)], "free": ["2026-11-21"]}}


def _plant(engine: Engine, people: dict[str, dict[str, Any]], first_id: int = 1) -> dict[str, int]:
    """Write the people's rows with Core inserts (any number of people in one diary)."""
    ids: dict[str, int] = {}
    stamp = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    with session_scope(engine, write=True) as session:
        session.execute(insert(Setting.__table__), [{"key": "baseline_start", "value": BASELINE}])
        for offset, (name, entries) in enumerate(people.items()):
            person_id = first_id + offset
            ids[name] = person_id
            session.execute(
                insert(Person.__table__),
                [{"id": person_id, "uid": str(uuid.uuid4()), "name": name, "created_at": stamp}],
            )
            episodes = []
            for night, severity, minutes, woke, *deleted in entries["cramps"]:
                at = datetime.combine(_d(night) + timedelta(days=1), time(3, 10), LONDON)
                episodes.append(
                    {
                        "uid": str(uuid.uuid4()),
                        "person_id": person_id,
                        "at": at.astimezone(UTC),
                        "tz": "Europe/London",
                        "night": _d(night),
                        "severity": severity,
                        "minutes": minutes,
                        "woke": woke,
                        "signs": "",
                        "created_at": stamp,
                        "deleted_at": stamp if deleted else None,
                    }
                )
            if episodes:
                session.execute(insert(Episode.__table__), episodes)
            marks = [
                {
                    "uid": str(uuid.uuid4()),
                    "person_id": person_id,
                    "night": _d(n),
                    "cramp_free": True,
                    "created_at": stamp,
                }
                for n in entries.get("free", [])
            ]
            if marks:
                session.execute(insert(NightRecord.__table__), marks)
    return ids


def _study() -> str:
    """The five people and Eve, removed, in the test's diary: the default SQLite file, or the
    PostgreSQL database of a both_engines run."""
    url = database_url(None)
    engine = open_engine(url)
    try:
        ids = _plant(engine, {**PEOPLE, **REMOVED})
        with session_scope(engine, write=True) as session:
            session.execute(
                update(Person.__table__)
                .where(Person.__table__.c.id == ids["Eve"])
                .values(removed_at=datetime(2026, 11, 22, tzinfo=UTC))
            )
    finally:
        engine.dispose()
    return url


def _json(cli: Cli, *args: str) -> Any:
    result = cli(*args)
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)


def _by_name(summary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["person"]: p for p in summary["persons"]}


# --- the same numbers as each person's own stats -------------------------------------------


@pytest.mark.both_engines
def test_each_persons_figures_are_their_own_stats(cli: Cli, tmp_path: Path) -> None:
    _study()
    persons = _by_name(_json(cli, "cohort", "--json"))
    assert list(persons) == list(PEOPLE)  # by name; Eve, removed, is not there
    for name, entries in PEOPLE.items():
        alone = tmp_path / f"{name}.db"
        engine = open_engine(f"sqlite:///{alone}")
        _plant(engine, {name: entries})
        engine.dispose()
        own = _json(cli, "--db", str(alone), "stats", "--json")
        entry = dict(persons[name])
        assert entry.pop("person") == name
        assert list(entry) == list(own), name  # the same keys, in the same order
        assert entry == own, name


@pytest.mark.both_engines
def test_each_persons_figures_are_their_own_stats_with_person(cli: Cli) -> None:
    """The same, against `--person NAME stats --json` in the one diary of everyone."""
    _study()
    persons = _by_name(_json(cli, "cohort", "--json"))
    for name in PEOPLE:
        entry = dict(persons[name])
        entry.pop("person")
        assert entry == _json(cli, "--person", name, "stats", "--json"), name


@pytest.mark.both_engines
def test_a_persons_own_settings_count_for_them_alone(cli: Cli) -> None:
    """`config set --personal`: Bob's own min_rate_nights (3) gives his 3 nights a rate, and
    Ann's own baseline_start her own baseline, in cohort as in their own stats."""
    _study()
    for who, key, value in (
        ("Bob", "min_rate_nights", "3"),
        ("Ann", "baseline_start", "2026-10-26"),
    ):
        done = cli("--person", who, "config", "set", "--personal", key, value)
        assert done.exit_code == 0, done.stderr
    persons = _by_name(_json(cli, "cohort", "--json"))
    bob, ann, dee = persons["Bob"], persons["Ann"], persons["Dee"]
    assert (bob["min_rate_nights"], bob["enough_data"], bob["cramps_per_week"]) == (3, True, 7 / 3)
    assert (dee["min_rate_nights"], dee["enough_data"]) == (7, True)
    assert ann["responder"]["baseline_start"] == "2026-10-26"
    assert ann["responder"]["baseline_cramps_per_week"] == 2.5  # 26 Oct-8 Nov: 5 in 14 nights
    assert persons["Fay"]["responder"]["baseline_start"] == BASELINE
    for name in PEOPLE:
        entry = dict(persons[name])
        entry.pop("person")
        assert entry == _json(cli, "--person", name, "stats", "--json"), name
    pooled = _json(cli, "cohort", "--json")["pooled"]
    assert pooled["persons_with_enough_data"] == 4


@pytest.mark.both_engines
def test_a_removed_person_is_left_out_and_back_once_restored(cli: Cli) -> None:
    _study()
    names = [p["person"] for p in _json(cli, "cohort", "--json")["persons"]]
    assert "Eve" not in names
    assert cli("person", "remove", "Dee").exit_code == 0
    names = [p["person"] for p in _json(cli, "cohort", "--json")["persons"]]
    assert names == ["Ann", "Bob", "Cid", "Fay"]
    restored = cli("person", "restore", "Dee")
    assert restored.exit_code == 0, restored.stderr
    assert "Dee" in [p["person"] for p in _json(cli, "cohort", "--json")["persons"]]


@pytest.mark.both_engines
def test_planted_values_counted_by_hand(cli: Cli) -> None:
    _study()
    summary = _json(cli, "cohort", "--json")
    assert (summary["period_start"], summary["period_end"]) == ("2026-10-26", "2026-11-22")
    p = _by_name(summary)
    ann = p["Ann"]
    # 14 nights: cramps on 26, 27, 28 and 30 Oct (5 cramps; the deleted one of 29 Oct is not
    # counted, and 30 Oct's "no cramps" mark does not make it a second night), marks on 29 Oct
    # and 31 Oct to 8 Nov.
    assert ann["nights_observed"] == 14
    assert ann["completeness"] == 0.5
    assert (ann["cramp_nights"], ann["cramp_free_nights"], ann["episodes"]) == (4, 10, 5)
    assert ann["cramps_per_week"] == 2.5  # 5 / (14 / 7)
    assert ann["cramp_nights_per_week"] == 2.0
    assert ann["mean_severity"] == 5.75  # (6 + 8 + 4 + 5) / 4 rated cramps
    assert ann["max_severity"] == 8
    assert ann["mean_minutes"] == 1.375  # (1.5 + 2.5 + 1.0 + 0.5) / 4 timed cramps
    # Known: 26 Oct (a yes), 27 Oct (every cramp said no), 30 Oct; 28 Oct is unknown.
    assert (ann["woke_nights"], ann["woke_known_nights"]) == (2, 3)
    assert ann["enough_data"] is True
    before = ann["previous"]
    assert (before["period_start"], before["period_end"]) == ("2026-09-28", "2026-10-25")
    assert (before["nights_observed"], before["episodes"], before["cramps_per_week"]) == (7, 1, 1.0)
    assert ann["responder"] == {
        "baseline_start": "2026-09-28",
        "baseline_end": "2026-10-11",
        "baseline_nights_observed": 7,
        "baseline_cramps_per_week": 1.0,
        "cramps_per_week": 2.5,
        "reduction": -1.5,
        "responder_25": False,
        "responder_50": False,
    }
    bob = p["Bob"]  # 3 nights: counts, but no rate from so little
    assert (bob["nights_observed"], bob["episodes"], bob["enough_data"]) == (3, 1, False)
    assert bob["cramps_per_week"] is None and bob["cramp_nights_per_week"] is None
    assert (bob["mean_severity"], bob["max_severity"], bob["woke_nights"]) == (7.0, 7, 1)
    dee = p["Dee"]  # 8 cramp-free nights: a real zero, and severity unknown
    assert (dee["cramps_per_week"], dee["enough_data"]) == (0.0, True)
    assert dee["mean_severity"] is None and dee["max_severity"] is None
    assert dee["mean_minutes"] is None and dee["woke_nights"] is None
    assert p["Fay"]["cramps_per_week"] == 7.0


@pytest.mark.both_engines
def test_a_person_with_no_logged_nights_is_unknown_never_zero(cli: Cli) -> None:
    _study()
    cid = _by_name(_json(cli, "cohort", "--json"))["Cid"]
    assert cid["nights_observed"] == 0 and cid["enough_data"] is False
    for key in (
        "cramps_per_week",
        "cramp_nights_per_week",
        "mean_severity",
        "max_severity",
        "mean_minutes",
        "woke_nights",
    ):
        assert cid[key] is None, key
        assert cid["previous"][key] is None, key
    assert cid["responder"]["reduction"] is None and cid["responder"]["responder_25"] is None
    row = next(line for line in cli("cohort").stdout.splitlines() if line.startswith("Cid"))
    assert row.split()[1:] == ["0%", "\u2013", "\u2013", "\u2013", "\u2013", "\u2013"], row


@pytest.mark.both_engines
def test_pooled_median_and_quartiles_by_hand(cli: Cli) -> None:
    _study()
    pooled = _json(cli, "cohort", "--json")["pooled"]
    # Enough data: Dee 0.0, Ann 2.5, Fay 7.0. Type 7: h = (3 - 1) p.
    assert pooled["persons"] == 5
    assert pooled["persons_with_enough_data"] == 3
    assert pooled["cramps_per_week_median"] == 2.5
    assert pooled["cramps_per_week_q1"] == 1.25  # h = 0.5: 0 + 0.5 (2.5 - 0)
    assert pooled["cramps_per_week_q3"] == 4.75  # h = 1.5: 2.5 + 0.5 (7 - 2.5)
    # Overall: (14 + 3 + 0 + 8 + 7) of 5 x 28 person-nights; median of 0, 3, 7, 8, 14 / 28.
    assert (pooled["nights_observed"], pooled["nights_in_period"]) == (32, 140)
    assert pooled["completeness"] == 32 / 140
    assert pooled["completeness_median"] == 7 / 28
    assert set(pooled) == set(cohort.POOLED_KEYS)


@pytest.mark.both_engines
def test_csv_is_one_row_per_person_with_the_json_values(cli: Cli) -> None:
    _study()
    summary = _json(cli, "cohort", "--json")
    result = cli("cohort", "--csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["person"] for r in rows] == list(PEOPLE)
    header = result.stdout.splitlines()[0].split(",")
    assert header[:3] == ["person", "period_start", "period_end"]
    for row, entry in zip(rows, summary["persons"], strict=True):
        for key, value in entry.items():
            if key in ("previous", "responder"):
                continue
            assert row[key] == _text(value), key
        assert row["previous_episodes"] == str(entry["previous"]["episodes"])
        assert row["responder_reduction"] == _text(entry["responder"]["reduction"])
    cid = rows[[r["person"] for r in rows].index("Cid")]
    assert cid["cramps_per_week"] == "" and cid["enough_data"] == "false"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def test_the_table_names_everyone_and_the_pooled_figures(cli: Cli) -> None:
    _study()
    out = cli("cohort").stdout
    assert out.startswith("Last 4 weeks: Mon 26 Oct 2026 to Sun 22 Nov 2026, 5 people\n")
    ann = next(line for line in out.splitlines() if line.startswith("Ann"))
    assert ann.split() == ["Ann", "50%", "5", "2.5", "1.0", "5.8", "2/3"]
    assert "Pooled: 3 of 5 people with enough nights logged for a rate." in out
    assert "median 2.5, quartiles 1.2 to 4.8" in out
    assert "completeness: 23% of all person-nights logged (median per person 25%)" in out
    assert "None" not in out and "nan" not in out


def test_weeks_and_formats_are_checked(cli: Cli) -> None:
    _study()
    for args, field in (
        (("--weeks", "0"), "--weeks"),
        (("--weeks", "1001"), "--weeks"),
        (("--json", "--csv"), "--csv"),
    ):
        result = cli("cohort", *args)
        assert result.exit_code == 2, args
        assert result.stderr.startswith(f"cramplog: {field}:"), result.stderr
        assert len(result.stderr.splitlines()) == 1
    one = _json(cli, "cohort", "--weeks", "1", "--json")
    assert (one["period_start"], one["period_end"]) == ("2026-11-16", "2026-11-22")
    assert _by_name(one)["Fay"]["episodes"] == 6  # 16 to 21 Nov


def test_an_empty_diary_has_no_one(cli: Cli) -> None:
    open_engine(database_url(None)).dispose()
    summary = _json(cli, "cohort", "--json")
    assert summary["persons"] == []
    assert summary["pooled"]["persons"] == 0
    assert summary["pooled"]["cramps_per_week_median"] is None
    assert summary["pooled"]["completeness"] is None
    assert "No one is in this diary yet" in cli("cohort").stdout


# --- the pure parts ------------------------------------------------------------------------


def test_cohort_keeps_analysis_definitions() -> None:
    assert cohort.ENDPOINT_KEYS == analysis.ENDPOINT_KEYS
    assert cohort.BASELINE_NIGHTS == analysis.BASELINE_NIGHTS
    assert cohort.MIN_RATE_NIGHTS == analysis.MIN_RATE_NIGHTS


# R: quantile(mtcars$mpg) gives 10.400 15.425 19.200 22.800 33.900 (type 7, R's default);
# quantile(1:10) gives 1.00 3.25 5.50 7.75 10.00.
MPG = [21.0, 21.0, 22.8, 21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8, 16.4, 17.3, 15.2, 10.4]
MPG += [10.4, 14.7, 32.4, 30.4, 33.9, 21.5, 15.5, 15.2, 13.3, 19.2, 27.3, 26.0, 30.4, 15.8]
MPG += [19.7, 15.0, 21.4]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (MPG, (10.4, 15.425, 19.2, 22.8, 33.9)),
        (list(range(1, 11)), (1.0, 3.25, 5.5, 7.75, 10.0)),
        ([4.0], (4.0, 4.0, 4.0, 4.0, 4.0)),
        ([0.0, 2.5, 7.0], (0.0, 1.25, 2.5, 4.75, 7.0)),
    ],
)
def test_quantile_is_r_type_7(values: list[float], expected: tuple[float, ...]) -> None:
    got = tuple(cohort.quantile(values, p) for p in (0, 0.25, 0.5, 0.75, 1))
    assert got == pytest.approx(expected, abs=1e-12)


def test_quantile_of_nothing_is_none_and_p_is_checked() -> None:
    assert cohort.quantile([], 0.5) is None
    with pytest.raises(ValueError):
        cohort.quantile([1.0], 1.5)


# --- demo --persons ------------------------------------------------------------------------


@pytest.mark.both_engines
def test_demo_persons_refuses_a_diary_with_someones_own_entries(
    cli: Cli, diary_engine: str, db_path: Path
) -> None:
    assert cli("log", "5", "--at", "03:10").exit_code == 0
    before = row_counts(db_path) if diary_engine == "sqlite" else None
    args = ("--db", str(db_path)) if diary_engine == "sqlite" else ()
    result = cli(*args, "demo", "--persons", "3", "--months", "1")
    assert result.exit_code == 2
    assert result.stderr.startswith("cramplog: --db: ")
    assert "holds someone's own diary; demo --persons never writes into it" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert result.stdout == ""
    if before is not None:
        assert row_counts(db_path) == before
    persons = _json(cli, *args, "cohort", "--json")["persons"]
    assert [p["episodes"] for p in persons] == [1]  # the person's own cramp, alone


@pytest.mark.both_engines
def test_demo_persons_writes_a_varied_study_and_replaces_only_with_force(cli: Cli) -> None:
    db = ("--db", database_url(None))  # the test's diary, on either engine: empty so far
    result = cli(*db, "demo", "--persons", "6", "--months", "3")
    assert result.exit_code == 0, result.output + result.stderr
    assert result.stdout.startswith("Wrote a synthetic study of 6 people to ")
    summary = _json(cli, "cohort", "--json")
    names = [p["person"] for p in summary["persons"]]
    assert names == [f"Participant {i:04d} (synthetic)" for i in range(1, 7)]
    rates = [p["previous"]["episodes"] for p in summary["persons"]]
    assert len(set(rates)) > 2, rates  # each person their own seed and make-up
    assert all(p["responder"] is not None for p in summary["persons"])
    again = cli(*db, "demo", "--persons", "2", "--months", "1")
    assert again.exit_code == 2 and "already holds a demo" in again.stderr
    replaced = cli(*db, "demo", "--persons", "2", "--months", "1", "--force")
    assert replaced.exit_code == 0, replaced.stderr
    assert len(_json(cli, "cohort", "--json")["persons"]) == 2
    engine = open_engine(database_url(None))
    try:
        with session_scope(engine, write=True) as session:
            # Each cramp's instant (stored UTC) belongs to the night it was written for.
            table = Episode.__table__
            for at, tz, night in session.execute(select(table.c.at, table.c.tz, table.c.night)):
                assert night_of(at.astimezone(ZoneInfo(tz)), time(12)) == night
            # The ids continue after the bulk insert (PostgreSQL's sequences moved past them).
            session.add(Person(name="later"))
            session.flush()
    finally:
        engine.dispose()


def test_demo_persons_writes_a_new_file_and_checks_its_number(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "study.db"
    result = cli("demo", "--persons", "3", "--months", "1", "--db-path", str(target))
    assert result.exit_code == 0, result.stderr
    assert (target.stat().st_mode & 0o777) == 0o600
    assert len(_json(cli, "--db", str(target), "cohort", "--json")["persons"]) == 3
    for bad in ("0", "10001"):
        refused = cli("demo", "--persons", bad, "--db-path", str(tmp_path / "x.db"))
        assert refused.exit_code == 2 and refused.stderr.startswith("cramplog: --persons:")
        assert not (tmp_path / "x.db").exists()


def test_a_name_is_shown_safely_in_the_table_and_the_csv(cli: Cli) -> None:
    engine = open_engine(database_url(None))
    _plant(engine, {"=HYPERLINK(x)\x1b[2J": {"cramps": [("2026-11-20", 5, 1.0, True)]}})
    engine.dispose()
    table = cli("cohort").stdout
    assert "\x1b" not in table and "=HYPERLINK(x)\\x1b[2J" in table
    (row,) = list(csv.DictReader(io.StringIO(cli("cohort", "--csv").stdout)))
    assert row["person"] == "'=HYPERLINK(x)\\x1b[2J"  # a spreadsheet shows it, never runs it


def test_a_study_and_the_one_person_demo_replace_each_other_only_with_force(
    cli: Cli, tmp_path: Path
) -> None:
    target = str(tmp_path / "demo.db")
    assert cli("demo", "--persons", "2", "--months", "1", "--db-path", target).exit_code == 0
    assert cli("demo", "--months", "1", "--db-path", target).exit_code == 2
    assert cli("demo", "--months", "1", "--db-path", target, "--force").exit_code == 0
    names = [p["person"] for p in _json(cli, "--db", target, "cohort", "--json")["persons"]]
    assert names == ["Demo (synthetic)"]
    again = cli("demo", "--persons", "3", "--months", "1", "--db-path", target, "--force")
    assert again.exit_code == 0, again.stderr
    assert len(_json(cli, "--db", target, "cohort", "--json")["persons"]) == 3


@pytest.mark.both_engines
def test_cohort_needs_no_person_in_a_diary_of_several(cli: Cli) -> None:
    """Every other command refuses a diary of several people without --person: cohort reads
    them all, and names no one."""
    _study()
    for args in (("cohort",), ("cohort", "--json"), ("cohort", "--csv")):
        result = cli(*args)
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
