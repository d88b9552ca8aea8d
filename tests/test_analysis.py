"""cramplog.analysis on small hand-made diaries whose numbers are worked out by hand.

Each diary is written through cramplog.diary into a real SQLite file and read back with
frame.build, so the definitions are checked end to end: a missing night is not cramp-free,
an unknown exposure is not "no", lag 1 is the day before, and cramps per week count observed
weeks only. A few boundary cases build the nightly frame directly.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from cramplog import analysis, frame, stats
from cramplog import diary as ops
from cramplog.db import open_engine, session_scope

LONDON = ZoneInfo("Europe/London")
Z95 = 1.959963984540054  # qnorm(0.975)


def nov(day: int) -> date:
    return date(2026, 11, day)


def octo(day: int) -> date:
    return date(2026, 10, day)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = open_engine(f"sqlite:///{tmp_path / 'diary.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def write(engine: Engine) -> Callable[..., Any]:
    """Run `fn(session)` in one write transaction."""

    def run(fn: Callable[[Session], Any]) -> Any:
        with session_scope(engine, write=True) as session:
            return fn(session)

    return run


@pytest.fixture
def build(engine: Engine) -> Callable[..., frame.Nightly]:
    def run(start: date | None = None, end: date | None = None) -> frame.Nightly:
        with session_scope(engine) as session:
            return frame.build(session, start, end)

    return run


def cramp(
    session: Session,
    night: date,
    severity: int | None = 5,
    minutes: float | None = 1.0,
    woke: bool | None = True,
    hour: int = 3,
) -> None:
    """A cramp at `hour`:00 in the early morning after the evening of `night`."""
    at = datetime.combine(night + timedelta(days=1), datetime.min.time()).replace(
        hour=hour, tzinfo=LONDON
    )
    ops.add_episode(
        session, at=at, tz="Europe/London", severity=severity, minutes=minutes, woke=woke
    )


def free(session: Session, *nights: date) -> None:
    for night in nights:
        ops.mark_cramp_free(session, night)


def katz(a: int, b: int, c: int, d: int) -> tuple[float, float, float]:
    """Risk ratio and 95% log-method CI, written out (no zero cells here)."""
    rr = (a / (a + b)) / (c / (c + d))
    se = math.sqrt(1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))
    return rr, rr * math.exp(-Z95 * se), rr * math.exp(Z95 * se)


def brute_fisher(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher p from exact hypergeometric probabilities (R's definition)."""
    row1, row2, col1 = a + b, c + d, a + c

    def prob(x: int) -> float:
        return math.comb(row1, x) * math.comb(row2, col1 - x) / math.comb(row1 + row2, col1)

    observed = prob(a)
    support = range(max(0, col1 - row2), min(row1, col1) + 1)
    return sum(prob(x) for x in support if prob(x) <= observed * (1 + 1e-7))


def by_name(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Factor rows by column name; a merged row under each of the names it stands for."""
    rows = {f["factor"] + (":lag1" if f["lag"] else ""): f for f in result["factors"]}
    rows |= {name: f for f in result["factors"] for name in f["same_as"]}
    return rows


def json_leaves(value: Any) -> Iterator[Any]:
    if isinstance(value, dict):
        for v in value.values():
            yield from json_leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from json_leaves(v)
    else:
        yield value


def assert_json_ready(value: Any) -> None:
    """Plain JSON values only (no numpy scalars, no NaN), and it serialises."""
    for leaf in json_leaves(value):
        assert leaf is None or type(leaf) in (bool, int, float, str), (leaf, type(leaf))
        if isinstance(leaf, float):
            assert math.isfinite(leaf)
    json.dumps(value, allow_nan=False)


# --- endpoints -----------------------------------------------------------------------------


@pytest.fixture
def two_weeks(write: Callable[..., Any]) -> None:
    """Nights 9-22 Nov 2026 (Monday 9 to Sunday 22): 3 cramp nights, 6 cramp-free, 5 missing.

    Night 10: two cramps (severity 4 and 6, 1 and 3 minutes, woken); night 12: severity 8,
    duration not logged, not woken; night 15: severity not rated, 2 minutes, woke not logged.
    Cramp-free: 9, 11, 13, 14, 16, 17. Nothing logged: 18-22.
    """

    def fill(s: Session) -> None:
        cramp(s, nov(10), severity=4, minutes=1, woke=True, hour=2)
        cramp(s, nov(10), severity=6, minutes=3, woke=True, hour=4)
        cramp(s, nov(12), severity=8, minutes=None, woke=False)
        cramp(s, nov(15), severity=None, minutes=2, woke=None)
        free(s, nov(9), nov(11), nov(13), nov(14), nov(16), nov(17))

    write(fill)


def test_endpoints_by_hand(two_weeks: None, build: Callable[..., frame.Nightly]) -> None:
    nightly = build(nov(9), nov(22))
    result = analysis.endpoints(nightly, nov(9), nov(22))
    assert list(result) == list(analysis.ENDPOINT_KEYS)
    assert result == {
        "period_start": "2026-11-09",
        "period_end": "2026-11-22",
        "nights_in_period": 14,
        "nights_observed": 9,
        "completeness": 9 / 14,
        "cramp_nights": 3,
        # 9 observed - 3 cramp nights; the 5 missing nights are not cramp-free
        "cramp_free_nights": 6,
        "episodes": 4,
        "cramps_per_week": 4 / (9 / 7),  # episodes per observed week, not per calendar week
        "cramp_nights_per_week": 3 / (9 / 7),
        "mean_severity": (4 + 6 + 8) / 3,  # per episode; the unrated one is left out
        "max_severity": 8,
        "mean_minutes": (1 + 3 + 2) / 3,
        "woke_nights": 1,
        # cramp nights 10 (woken) and 12 (not); night 15's waking was not recorded
        "woke_known_nights": 2,
        "enough_data": True,  # 9 logged nights, at least min_rate_nights (7)
    }
    assert type(result["max_severity"]) is int
    assert_json_ready(result)


def test_endpoints_of_part_of_the_frame(
    two_weeks: None, build: Callable[..., frame.Nightly]
) -> None:
    nightly = build(nov(9), nov(22))
    result = analysis.endpoints(nightly, nov(11), nov(12))
    assert result["nights_in_period"] == 2
    assert result["nights_observed"] == 2
    assert result["cramp_nights"] == 1
    assert result["episodes"] == 1
    assert result["mean_severity"] == 8.0
    assert result["mean_minutes"] is None  # the only cramp had no duration logged


def test_stats_summary_previous_and_responder(
    two_weeks: None, write: Callable[..., Any], build: Callable[..., frame.Nightly]
) -> None:
    # A 2-week baseline 26 Oct - 8 Nov: 7 observed nights with 6 cramps on 3 nights.
    def baseline(s: Session) -> None:
        for night in (octo(26), octo(28), octo(30)):
            cramp(s, night, hour=2)
            cramp(s, night, hour=4)
        free(s, octo(27), octo(29), octo(31), nov(1))

    write(baseline)
    nightly = build(octo(26), nov(22))
    summary = analysis.stats_summary(nightly, nov(16), nov(22), baseline_start="2026-10-26")
    # This period: 16-22 Nov, 2 observed (16, 17), no cramps.
    assert summary["nights_observed"] == 2
    # 2 logged nights are too few for a weekly rate (min_rate_nights, 7): no rate, not 0.0
    assert summary["cramps_per_week"] is None and summary["enough_data"] is False
    # Previous period of equal length: 9-15 Nov.
    previous = summary["previous"]
    assert list(previous) == list(analysis.ENDPOINT_KEYS)
    assert (previous["period_start"], previous["period_end"]) == ("2026-11-09", "2026-11-15")
    assert previous["nights_observed"] == 7
    assert previous["episodes"] == 4
    responder = summary["responder"]
    assert responder["baseline_start"] == "2026-10-26"
    assert responder["baseline_end"] == "2026-11-08"
    assert responder["baseline_nights_observed"] == 7
    assert responder["baseline_cramps_per_week"] == 6 / (7 / 7)
    # 2 logged nights in the period: too few for a weekly rate, so no responder status yet
    assert responder["cramps_per_week"] is None and responder["reduction"] is None
    assert responder["responder_25"] is None and responder["responder_50"] is None
    assert_json_ready(summary)

    # 9-15 Nov against the same baseline: 4 / (7/7) = 4 a week, 1/3 fewer than 6.
    summary = analysis.stats_summary(nightly, nov(9), nov(15), baseline_start=octo(26))
    assert summary["responder"]["reduction"] == pytest.approx(1 - 4 / 6)
    assert summary["responder"]["responder_25"] is True
    assert summary["responder"]["responder_50"] is False
    assert analysis.stats_summary(nightly, nov(9), nov(15))["responder"] is None


def test_responder_without_baseline_cramps_is_none(
    two_weeks: None, build: Callable[..., frame.Nightly]
) -> None:
    nightly = build(nov(1), nov(22))
    # Baseline 1-14 Nov has cramps; baseline from 16 Nov has none to be fewer than.
    summary = analysis.stats_summary(nightly, nov(9), nov(22), baseline_start=nov(16))
    # 16-29 Nov holds 2 logged nights: too few for a weekly rate, so no responder status
    assert summary["responder"]["baseline_nights_observed"] == 2
    assert summary["responder"]["baseline_cramps_per_week"] is None
    assert summary["responder"]["reduction"] is None
    assert summary["responder"]["responder_25"] is None


# --- factors -------------------------------------------------------------------------------

LOW, ENOUGH = 1000, 2000


@pytest.fixture
def water_diary(write: Callable[..., Any]) -> None:
    """Nights 1-28 Nov; nights 1-20 observed, 21-28 missing.

    Cramps on nights 1-5, 9, 10, 20; cramp-free 6-8, 11-19.
    Water: low on days 1-8 and 21-24, enough on days 9-18; day 19 is logged with caffeine
    only (water unknown); day 20 and the day before night 1 not logged at all.
    """

    def fill(s: Session) -> None:
        for d in (1, 2, 3, 4, 5, 9, 10, 20):
            cramp(s, nov(d))
        free(s, *(nov(d) for d in (6, 7, 8, *range(11, 20))))
        for d in (*range(1, 9), *range(21, 25)):
            ops.update_day(s, nov(d), water_ml=LOW)
        for d in range(9, 19):
            ops.update_day(s, nov(d), water_ml=ENOUGH)
        ops.update_day(s, nov(19), caffeine=2)

    write(fill)


def test_factor_counts_by_hand(water_diary: None, build: Callable[..., frame.Nightly]) -> None:
    result = analysis.insights(build(nov(1), nov(28)))
    f = by_name(result)["low_water"]
    assert list(f) == list(analysis.FACTOR_KEYS)
    # Exposed: nights 1-8 (cramps 1-5). Unexposed: nights 9-18 (cramps 9, 10). Night 19 has a
    # day record without water (unknown, not "no"); nights 21-24 had low water but are missing.
    assert (f["exposed_nights"], f["exposed_cramp_nights"]) == (8, 5)
    assert (f["unexposed_nights"], f["unexposed_cramp_nights"]) == (10, 2)
    rr, lo, hi = katz(5, 3, 2, 8)
    assert rr == 3.125
    assert f["risk_ratio"] == pytest.approx(rr, rel=1e-12)
    assert f["ci_low"] == pytest.approx(lo, rel=1e-9)
    assert f["ci_high"] == pytest.approx(hi, rel=1e-9)
    assert f["p_value"] == pytest.approx(brute_fisher(5, 3, 2, 8), rel=1e-9)
    assert f["enough_data"] is True  # 8 and 10 nights, 18 in all
    assert f["factor"] == "low_water" and f["lag"] == 0
    assert f["sentence"] == (
        "Cramps came on 63% of nights after less than 1.5 L of water, against 20% otherwise: "
        "3.1 times as often (95% CI 0.81 to 12). This could be chance."
    )
    assert not analysis.is_finding(f)  # the CI includes 1
    assert f["finding"] is False and f["label"] == "less than 1.5 L of water"
    assert_json_ready(result)


def test_lag1_uses_the_day_before(water_diary: None, build: Callable[..., frame.Nightly]) -> None:
    f = by_name(analysis.insights(build(nov(1), nov(28))))["low_water:lag1"]
    assert f["factor"] == "low_water" and f["lag"] == 1
    # Night D against day D-1: exposed nights 2-9 (cramps 2-5, 9); unexposed nights 10-19
    # (cramp 10); night 1 (day 31 Oct not logged) and night 20 (day 19 without water) unknown.
    assert (f["exposed_nights"], f["exposed_cramp_nights"]) == (8, 5)
    assert (f["unexposed_nights"], f["unexposed_cramp_nights"]) == (10, 1)
    assert f["risk_ratio"] == pytest.approx(6.25)
    assert f["sentence"].startswith(
        "Cramps came on 63% of nights after less than 1.5 L of water the day before, against 10%"
    )


def test_unknown_exposure_is_not_no(water_diary: None, build: Callable[..., frame.Nightly]) -> None:
    f = by_name(analysis.insights(build(nov(1), nov(28))))["caffeine"]
    # Caffeine is known on one observed night only (19, yes); the other nights are unknown.
    assert (f["exposed_nights"], f["unexposed_nights"]) == (1, 0)
    assert f["enough_data"] is False
    assert f["risk_ratio"] is None and f["p_value"] is None and f["q_value"] is None
    assert f["sentence"] == "1 night with caffeine so far; need at least 5."


def test_q_values_are_benjamini_hochberg_over_the_run(
    water_diary: None, build: Callable[..., frame.Nightly]
) -> None:
    factors = analysis.insights(build(nov(1), nov(28)))["factors"]
    expected = stats.benjamini_hochberg([f["p_value"] for f in factors])
    assert [f["q_value"] for f in factors] == expected
    assert sum(q is not None for q in expected) == 2  # low_water and low_water:lag1


def test_low_water_threshold_setting_changes_the_factor_and_its_words(
    water_diary: None, write: Callable[..., Any], build: Callable[..., frame.Nightly]
) -> None:
    write(lambda s: ops.set_setting(s, "low_water_ml", "2500"))
    f = by_name(analysis.insights(build(nov(1), nov(28))))["low_water"]
    assert (f["exposed_nights"], f["unexposed_nights"]) == (18, 0)
    assert (
        f["sentence"]
        == "No nights with 2.5 L of water or more so far; need at least 5 to compare with."
    )


def test_factor_never_and_always_present(
    write: Callable[..., Any], build: Callable[..., frame.Nightly]
) -> None:
    def fill(s: Session) -> None:
        ops.add_shoe(s, "office flats", fit="good", kind="flats")
        ops.add_shoe(s, "dance heels", fit="good", kind="heels")
        ops.add_medication(s, "atorvastatin", since=date(2025, 1, 1))
        for d in range(1, 21):
            ops.update_day(s, nov(d), shoes_worn=[("office flats", 8.0)])
            if d % 3 == 0:
                cramp(s, nov(d))
            else:
                free(s, nov(d))

    write(fill)
    factors = by_name(analysis.insights(build(nov(1), nov(20))))
    # Neither heels nor tight shoes were ever worn: their columns agree on every night only
    # because neither ever happened, so each stays a row of its own (not "the same nights").
    never = factors["heels"]
    assert never is not factors["tight_shoes"]
    assert (never["factor"], never["same_as"], never["label"]) == ("heels", [], "heels")
    tight = factors["tight_shoes"]
    assert (tight["same_as"], tight["label"]) == ([], "tight shoes")
    assert (tight["exposed_nights"], tight["unexposed_nights"]) == (0, 20)
    assert tight["enough_data"] is False and tight["risk_ratio"] is None
    assert tight["sentence"] == "No nights with tight shoes so far; need at least 5."
    # The flats were worn and atorvastatin taken every day: always "yes", so again no
    # comparison, and no merge either; each says there is nothing to compare with yet.
    flats = factors["shoes:office flats"]
    assert flats is not factors["medication:atorvastatin"]
    assert (flats["same_as"], flats["label"]) == ([], "office flats")
    assert (flats["exposed_nights"], flats["unexposed_nights"]) == (20, 0)
    assert flats["enough_data"] is False and flats["p_value"] is None
    assert flats["sentence"] == (
        "No nights without office flats so far; need at least 5 to compare with."
    )
    assert all(f["q_value"] is None for f in (never, tight, flats))
    # A pair that was never worn on a logged day is not a column of this diary at all.
    assert "shoes:dance heels" not in factors


def test_every_night_with_cramps(
    write: Callable[..., Any], build: Callable[..., frame.Nightly]
) -> None:
    def fill(s: Session) -> None:
        for d in range(1, 21):
            cramp(s, nov(d))
            ops.update_day(s, nov(d), water_ml=LOW if d % 2 else ENOUGH)

    write(fill)
    nightly = build(nov(1), nov(20))
    result = analysis.insights(nightly)
    f = by_name(result)["low_water"]
    # 10 / 10 nights, all with cramps: zero cells, so 0.5 is added to each (DESIGN.md).
    assert (f["exposed_nights"], f["exposed_cramp_nights"]) == (10, 10)
    assert f["risk_ratio"] == pytest.approx(1.0)
    assert f["ci_low"] < 1 < f["ci_high"]
    assert f["p_value"] == 1.0
    assert f["sentence"].startswith("Cramps came on 100% of nights after less than 1.5 L of water")
    assert "about as often" in f["sentence"]
    summary = analysis.endpoints(nightly)
    assert summary["cramp_free_nights"] == 0
    assert summary["cramp_nights_per_week"] == 7.0
    assert_json_ready(result)


def test_enough_data_boundaries() -> None:
    """5 exposed, 5 unexposed and 14 compared nights are enough; one fewer of any is not."""

    def nightly(exposed: int, unexposed: int) -> frame.Nightly:
        n = exposed + unexposed
        index = pd.date_range(nov(1), periods=n, freq="D", name="night")
        data = pd.DataFrame(
            {
                "observed": [True] * n,
                "cramp": pd.array([i % 2 == 0 for i in range(n)], dtype="boolean"),
                "episodes": pd.array([1 if i % 2 == 0 else 0 for i in range(n)], dtype="Int64"),
                "woke": pd.array([False] * n, dtype="boolean"),
                "alcohol": pd.array([True] * exposed + [False] * unexposed, dtype="boolean"),
            },
            index=index,
        )
        return frame.Nightly(data, index[0].date(), index[-1].date(), ["alcohol"])

    def enough(exposed: int, unexposed: int) -> bool:
        return analysis.insights(nightly(exposed, unexposed))["factors"][0]["enough_data"]

    assert enough(5, 9) is True
    assert enough(4, 10) is False
    assert enough(9, 5) is True
    assert enough(10, 4) is False
    assert enough(6, 7) is False  # 13 nights in all
    assert enough(7, 7) is True
    sentence = analysis.insights(nightly(6, 7))["factors"][0]["sentence"]
    assert sentence == "13 logged nights with alcohol recorded so far; need at least 14."
    sentence = analysis.insights(nightly(3, 11))["factors"][0]["sentence"]
    assert sentence == "3 nights with alcohol so far; need at least 5."


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("low_water", "after less than 1.5 L of water"),
        ("shoes:work boots", "after wearing work boots"),
        ("medication:hydrochlorothiazide", "while taking hydrochlorothiazide"),
        ("heels:lag1", "after wearing heels the day before"),
        ("exercise:strength", "after a day with strength training"),
        ("long_sitting", "after sitting 8 hours or more"),
        ("no_exercise", "after a day without exercise"),
        ("stretched", "after stretching before bed"),
    ],
)
def test_factor_phrases(name: str, phrase: str) -> None:
    assert analysis.factor_phrase(name).after == phrase


def test_lower_risk_sentence() -> None:
    n = 40
    index = pd.date_range(octo(1), periods=n, freq="D", name="night")
    stretched = [i < 20 for i in range(n)]
    # Stretched nights: 2 of 20 with cramps; other nights: 10 of 20.
    cramps = [i in (0, 10) for i in range(20)] + [i % 2 == 0 for i in range(20)]
    data = pd.DataFrame(
        {
            "observed": [True] * n,
            "cramp": pd.array(cramps, dtype="boolean"),
            "episodes": pd.array([int(c) for c in cramps], dtype="Int64"),
            "woke": pd.array([False] * n, dtype="boolean"),
            "stretched": pd.array(stretched, dtype="boolean"),
        },
        index=index,
    )
    f = analysis.factors(frame.Nightly(data, octo(1), nov(9), ["stretched"]))[0]
    assert f["risk_ratio"] == pytest.approx(0.2)
    assert f["sentence"].startswith(
        "Cramps came on 10% of nights after stretching before bed, against 50% otherwise: "
        "0.2 times as often (95% CI 0.05"
    )
    assert analysis.is_finding(f)


# --- trend ---------------------------------------------------------------------------------


def test_trend_by_hand(write: Callable[..., Any], build: Callable[..., frame.Nightly]) -> None:
    """Previous 4 weeks (27 Sep - 24 Oct): 20 observed, 2 cramp nights. Recent 4 weeks
    (25 Oct - 21 Nov): 25 observed, 10 cramp nights."""
    previous = [octo(1) - timedelta(days=4) + timedelta(days=i) for i in range(28)]
    recent = [octo(25) + timedelta(days=i) for i in range(28)]

    def fill(s: Session) -> None:
        for i, night in enumerate(previous[:20]):
            cramp(s, night) if i in (3, 11) else free(s, night)
        for i, night in enumerate(recent[:25]):
            cramp(s, night) if i < 10 else free(s, night)

    write(fill)
    result = analysis.trend(build(previous[0], nov(21)), nov(21))
    assert {k: result[k] for k in analysis.TREND_KEYS[:4]} == {
        "recent_nights": 25,
        "recent_cramp_nights": 10,
        "previous_nights": 20,
        "previous_cramp_nights": 2,
    }
    expected = stats.poisson_rate_ratio(10, 25, 2, 20)
    assert result["rate_ratio"] == pytest.approx(4.0)
    assert (result["ci_low"], result["ci_high"], result["p_value"]) == (
        expected.ci_low,
        expected.ci_high,
        expected.p_value,
    )
    assert result["sentence"].startswith(
        "In the last 4 weeks cramps came on 10 of 25 logged nights (40%), against 2 of 20 (10%)"
    )
    assert_json_ready(result)


def test_trend_without_a_previous_window(
    two_weeks: None, build: Callable[..., frame.Nightly]
) -> None:
    result = analysis.trend(build(nov(9), nov(22)), nov(22))
    assert result["recent_nights"] == 9 and result["previous_nights"] == 0
    assert result["rate_ratio"] is None and result["p_value"] is None
    assert result["enough_data"] is False
    assert result["sentence"] == (
        "No nights logged in the 4 weeks before: too few to compare the last 4 weeks with the "
        "4 before (at least 7 are needed in each)."
    )


# --- before / after ------------------------------------------------------------------------


@pytest.fixture
def changes_diary(write: Callable[..., Any]) -> None:
    """Every night 1 Oct - 28 Nov observed; cramps on 2, 10, 20 Oct and 1, 5, 9, 13, 17, 21,
    25 Nov. Hydrochlorothiazide from 1 Nov; atorvastatin from 2025, stopped 14 Nov.
    Stretching: "no" logged 1-20 Oct, "yes" 21 Oct - 5 Nov, nothing logged 6-19 Nov, "yes" 20
    Nov (after a gap in the diary, not a new habit)."""
    cramps = {octo(2), octo(10), octo(20), *(nov(d) for d in (1, 5, 9, 13, 17, 21, 25))}

    def fill(s: Session) -> None:
        night = octo(1)
        while night <= nov(28):
            cramp(s, night) if night in cramps else free(s, night)
            night += timedelta(days=1)
        ops.add_medication(s, "atorvastatin", since=date(2025, 1, 1))
        ops.stop_medication(s, "atorvastatin", nov(14))
        ops.add_medication(s, "hydrochlorothiazide", since=nov(1))
        for d in range(1, 21):
            ops.update_day(s, octo(d), stretched=False)
        day = octo(21)
        while day <= nov(5):
            ops.update_day(s, day, stretched=True)
            day += timedelta(days=1)
        ops.update_day(s, nov(20), stretched=True)

    write(fill)


def test_changes_by_hand(changes_diary: None, build: Callable[..., frame.Nightly]) -> None:
    found = analysis.changes(build(octo(1), nov(28)))
    assert [(c["what"], c["date"]) for c in found] == [
        ("began stretching before bed", "2026-10-21"),
        ("started hydrochlorothiazide", "2026-11-01"),
        ("stopped atorvastatin", "2026-11-15"),  # the first night without it
    ]
    habit, started, stopped = found
    # Habit: before = 1-20 Oct (cut at the diary's start: 20 nights; cramps 2, 10, 20 Oct);
    # after = 21 Oct - 17 Nov (28 nights; cramps 1, 5, 9, 13, 17 Nov).
    assert [habit[k] for k in analysis.CHANGE_KEYS[2:6]] == [20, 3, 28, 5]
    # Thiazide: before = 4-31 Oct (cramps 10, 20 Oct; 2 Oct is outside the 28 nights);
    # after = 1-28 Nov (7 cramp nights).
    assert [started[k] for k in analysis.CHANGE_KEYS[2:6]] == [28, 2, 28, 7]
    assert started["rate_ratio"] == pytest.approx(3.5)
    expected = stats.poisson_rate_ratio(7, 28, 2, 28)
    assert (started["ci_low"], started["ci_high"]) == (expected.ci_low, expected.ci_high)
    # Statin stopped 14 Nov: before = 18 Oct - 14 Nov (cramps 20 Oct, 1, 5, 9, 13 Nov);
    # after = 15-28 Nov (cut at the end: 14 nights; cramps 17, 21, 25 Nov).
    assert [stopped[k] for k in analysis.CHANGE_KEYS[2:6]] == [28, 5, 14, 3]
    assert stopped["rate_ratio"] == pytest.approx((3 / 14) / (5 / 28))
    for c in found:
        assert set(analysis.CHANGE_KEYS) <= set(c)
        assert "cannot prove" in c["sentence"]
    assert started["sentence"].startswith(
        "Started hydrochlorothiazide on Sun 1 Nov 2026: cramps on 2 of 28 logged nights (7%)"
    )
    assert "last taken Sat 14 Nov 2026" in stopped["sentence"]
    assert_json_ready(found)


def test_changes_outside_the_period_are_left_out(
    changes_diary: None, build: Callable[..., frame.Nightly]
) -> None:
    nightly = build(octo(1), nov(28))
    assert [c["what"] for c in analysis.changes(nightly, nov(2), nov(28))] == [
        "stopped atorvastatin"
    ]


# --- weekly --------------------------------------------------------------------------------


def test_weekly_by_hand(two_weeks: None, build: Callable[..., frame.Nightly]) -> None:
    table = analysis.weekly(build(nov(11), nov(22)))
    assert list(table.index) == [pd.Timestamp("2026-11-09"), pd.Timestamp("2026-11-16")]
    assert table.index.name == "week"
    first, second = table.iloc[0], table.iloc[1]
    # Week of Mon 9 Nov, from 11 Nov only: nights 11-15, observed 11-15, cramps 12, 15.
    assert (first["nights"], first["observed"], first["cramp_nights"], first["episodes"]) == (
        5,
        5,
        2,
        2,
    )
    assert first["cramps_per_week"] == pytest.approx(2 / (5 / 7))
    assert first["max_severity"] == 8
    # Week of Mon 16 Nov: observed 16, 17 (no cramps), 18-22 missing.
    assert (second["nights"], second["observed"], second["cramp_free_nights"]) == (7, 2, 2)
    assert second["completeness"] == pytest.approx(2 / 7)
    assert second["cramps_per_week"] == 0.0
    assert pd.isna(second["max_severity"])


# --- edge cases ----------------------------------------------------------------------------


def test_empty_diary(build: Callable[..., frame.Nightly]) -> None:
    nightly = build(nov(22), nov(22))
    result = analysis.insights(nightly)
    assert result["factors"] == [] and result["changes"] == []
    assert result["nights_observed"] == 0 and result["completeness"] == 0.0
    assert result["trend"]["rate_ratio"] is None
    summary = analysis.stats_summary(nightly, nov(16), nov(22), baseline_start="2026-11-01")
    assert summary["cramps_per_week"] is None and summary["mean_severity"] is None
    assert summary["responder"]["reduction"] is None
    assert len(analysis.weekly(nightly)) == 1
    assert_json_ready(result)
    assert_json_ready(summary)


def test_one_night(write: Callable[..., Any], build: Callable[..., frame.Nightly]) -> None:
    def fill(s: Session) -> None:
        cramp(s, nov(22), severity=7, minutes=12)
        ops.update_day(s, nov(22), water_ml=LOW, alcohol=1)

    write(fill)
    nightly = build()
    result = analysis.insights(nightly)
    assert result["nights_in_period"] == 1 and result["nights_observed"] == 1
    assert all(not f["enough_data"] for f in result["factors"])
    assert by_name(result)["low_water"]["sentence"] == (
        "1 night with less than 1.5 L of water so far; need at least 5."
    )
    # One logged night is no week: no rate rather than "7.0 cramps per week"
    one = analysis.endpoints(nightly)
    assert (one["episodes"], one["cramps_per_week"], one["enough_data"]) == (1, None, False)
    assert_json_ready(result)
