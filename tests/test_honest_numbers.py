"""Issue 9, honest numbers: rates only on enough logged nights, one rule for a finding,
identical columns tested once, a day-before copy not tested twice, `profile set
--cramps-since`.

Diaries are written through the CLI (as a person would) or built by hand as a nightly frame,
and the values asserted are the ones a person would check on paper. "Now" is pinned by the
conftest to the morning of 23 Nov 2026, so last night is 22 Nov.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pandas as pd
from click.testing import Result

from cramplog import analysis, stats
from cramplog.frame import Nightly

Cli = Callable[..., Result]
LAST = date(2026, 11, 22)


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def json_of(result: Result) -> Any:
    return json.loads(ok(result))


# --- 1. enough data before a rate -----------------------------------------------------------


def test_two_logged_nights_give_no_weekly_rate(cli: Cli) -> None:
    """Before: "7.0 cramps per week" from 2 logged nights, and "21 cramps per week" for a
    previous period with 1 logged night (3 cramps). Now: null, enough_data false, and the
    text says how many nights were logged."""
    ok(cli("log", "5", "--at", "2026-11-21 03:00", "--woke"))  # night 20 Nov
    ok(cli("none", "--night", "2026-11-22"))
    for hour in ("01:00", "03:00", "05:00"):  # night 10 Oct, in the 4 weeks before
        ok(cli("log", "4", "--at", f"2026-10-11 {hour}"))
    data = json_of(cli("stats", "--json"))
    assert (data["nights_observed"], data["episodes"]) == (2, 1)
    assert data["cramps_per_week"] is None and data["cramp_nights_per_week"] is None
    assert data["enough_data"] is False
    previous = data["previous"]
    assert (previous["nights_observed"], previous["episodes"]) == (1, 3)
    assert previous["cramps_per_week"] is None and previous["enough_data"] is False
    # counts stay: they are what was logged, not a rate
    assert data["cramp_nights"] == 1 and data["cramp_free_nights"] == 1
    assert data["min_rate_nights"] == 7
    # waking: night 20 Nov's cramp woke; 10 Oct's cramps never said.
    assert (data["woke_nights"], data["woke_known_nights"]) == (1, 1)
    assert (previous["woke_nights"], previous["woke_known_nights"]) == (None, 0)

    text = ok(cli("stats"))
    assert "7.0" not in text and "21.0" not in text
    assert "This period: only 2 nights logged: too few for a weekly rate" in text
    assert "Before: only 1 night logged: too few for a weekly rate" in text
    woken = next(line for line in text.splitlines() if line.startswith("nights woken"))
    assert woken.split()[-5:] == ["1", "of", "1", "not", "recorded"]


def test_seven_logged_nights_give_a_rate(cli: Cli) -> None:
    for back in range(6):
        ok(cli("none", "--night", (LAST - timedelta(days=back)).isoformat()))
    ok(cli("log", "6", "--at", "2026-11-16 03:00"))  # night 15 Nov: the 7th logged night
    data = json_of(cli("stats", "--json"))
    assert data["nights_observed"] == 7 and data["enough_data"] is True
    assert data["cramps_per_week"] == 1.0  # 1 cramp in 7 logged nights
    ok(cli("config", "set", "min_rate_nights", "8"))
    data = json_of(cli("stats", "--json"))
    assert data["cramps_per_week"] is None and data["min_rate_nights"] == 8


def _frame(observed: list[bool], cramp: list[bool], end: date = LAST) -> Nightly:
    index = pd.date_range(end - timedelta(days=len(observed) - 1), end, name="night")
    data = pd.DataFrame(index=index)
    data["observed"] = observed
    data["cramp"] = pd.array(cramp, dtype="boolean")
    data["cramp"] = data["cramp"].where(data["observed"], pd.NA)
    return Nightly(data, index[0].date(), end, [], {"min_rate_nights": 7, "finding_q": 0.10})


def test_trend_needs_seven_logged_nights_in_each_window() -> None:
    # 56 nights: the 4 weeks before have 6 logged nights (all cramps), the last 4 weeks 28.
    observed = [i % 4 == 0 and i < 24 for i in range(28)] + [True] * 28
    cramp = [True] * 28 + [i % 2 == 0 for i in range(28)]
    trend = analysis.trend(_frame(observed, cramp))
    assert (trend["previous_nights"], trend["recent_nights"]) == (6, 28)
    assert trend["enough_data"] is False and trend["rate_ratio"] is None
    assert trend["sentence"] == (
        "Only 6 nights logged in the 4 weeks before: too few to compare the last 4 weeks with "
        "the 4 before (at least 7 are needed in each)."
    )
    observed[1] = True  # a 7th logged night before
    trend = analysis.trend(_frame(observed, cramp))
    assert trend["enough_data"] is True and trend["rate_ratio"] is not None


def test_before_after_needs_seven_logged_nights_on_each_side() -> None:
    nightly = _frame([True] * 20 + [False] * 14 + [True, True, True] + [False] * 3, [True] * 40)
    nightly.medications = [
        {"name": "furosemide", "as_needed": False, "started": date(2026, 11, 7), "stopped": None}
    ]
    (change,) = analysis.changes(nightly)
    assert (change["before_nights"], change["after_nights"]) == (20, 3)
    assert change["enough_data"] is False and change["rate_ratio"] is None
    assert "only 3 nights logged from then: too few to compare" in change["sentence"]


# --- 2. one rule for a finding; identical columns and lag-1 copies tested once -----------


def _exposures(columns: dict[str, list[Any]], cramp: list[bool]) -> Nightly:
    nightly = _frame([True] * len(cramp), cramp)
    for name, values in columns.items():
        nightly.frame[name] = pd.array(values, dtype="boolean")
    nightly.exposures = list(columns)
    return nightly


def _pattern(n: int) -> tuple[list[bool], list[bool]]:
    """n nights: the pair worn on every other night, cramps on 15 of the worn nights and
    3 of the others (a clear difference)."""
    worn = [i % 2 == 0 for i in range(n)]
    cramp = [(w and i < 30) or (not w and i < 6) for i, w in enumerate(worn)]
    return worn, cramp


def test_identical_columns_are_one_row_and_one_test() -> None:
    worn, cramp = _pattern(40)
    noise = [i % 3 == 0 for i in range(40)]
    apart = {"shoes:work boots": worn, "tight_shoes": list(worn), "alcohol": noise}
    rows = analysis.factors(_exposures(apart, cramp))
    assert [r["factor"] for r in rows] == ["shoes:work boots", "alcohol"]
    boots = rows[0]
    assert boots["same_as"] == ["tight_shoes"]
    assert boots["label"] == "work boots (your tight pair)"
    # The sentence, quoted alone in the weekly report, names both columns too.
    assert "after wearing work boots" in boots["sentence"]
    assert boots["sentence"].endswith(
        "The same nights as tight shoes, so the diary cannot tell which of them matters."
    )
    assert (boots["exposed_nights"], boots["exposed_cramp_nights"]) == (20, 15)
    assert (boots["unexposed_nights"], boots["unexposed_cramp_nights"]) == (20, 3)
    # Benjamini-Hochberg over 2 tests, not 3: the boots have the smaller p, so q = 2p.
    p_boots, p_alcohol = boots["p_value"], rows[1]["p_value"]
    assert p_boots == stats.fisher_exact(15, 5, 3, 17) < p_alcohol
    assert boots["q_value"] == 2 * p_boots
    assert rows[1]["q_value"] == p_alcohol  # the larger of 2: q = p * 2 / 2
    assert boots["finding"] is True and analysis.is_finding(boots)

    # One night told apart (the tight pair not logged that day): no longer identical.
    unknown = list(worn)
    unknown[7] = None
    rows = analysis.factors(_exposures({**apart, "tight_shoes": unknown}, cramp))
    assert [r["factor"] for r in rows] == ["shoes:work boots", "tight_shoes", "alcohol"]
    assert all(r["same_as"] == [] for r in rows)


def test_party_heels_are_your_only_heels() -> None:
    worn, cramp = _pattern(40)
    rows = analysis.factors(_exposures({"shoes:party heels": worn, "heels": worn}, cramp))
    assert [r["label"] for r in rows] == ["party heels (your only heels)"]


def test_a_lag1_copy_is_not_tested_twice() -> None:
    """A regular medicine: day D-1 equals day D on all but its first night, so the day-before
    column is the same exposure again. Water changes from day to day: both are tested."""
    n = 40
    on = [i >= 12 for i in range(n)]
    on_lag1 = [None, *on[:-1]]  # agrees on 38 of the 39 nights where both are known (97%)
    water = [i % 3 == 0 for i in range(n)]
    water_lag1 = [None, *water[:-1]]  # agrees on 13 of 39 (33%)
    cramp = [i % 4 == 0 for i in range(n)]
    columns = {
        "medication:amlodipine": on,
        "low_water": water,
        "medication:amlodipine:lag1": on_lag1,
        "low_water:lag1": water_lag1,
    }
    rows = analysis.factors(_exposures(columns, cramp))
    names = [r["factor"] + (":lag1" if r["lag"] else "") for r in rows]
    assert names == ["medication:amlodipine", "low_water", "low_water:lag1"]
    assert [r["lag1_copy"] for r in rows] == [True, False, False]
    assert len([r for r in rows if r["p_value"] is not None]) == 3  # BH over 3, not 4
    assert rows[2]["label"] == "less than 1.5 L of water the day before"
    assert analysis.LAG_COPY_AGREEMENT == 0.95


def test_a_lag1_column_that_agrees_on_94_percent_is_tested() -> None:
    # 50 nights, both known on 49; the columns differ on 3 of them (94% agreement).
    n = 50
    on = [i >= 10 for i in range(n)]
    lag1 = [None, *on[:-1]]
    lag1[30] = not lag1[30]
    lag1[40] = not lag1[40]  # with the start night: 3 of 49 differ
    both = [(a, b) for a, b in zip(on, lag1, strict=True) if b is not None]
    assert sum(a == b for a, b in both) == 46 and 46 / 49 < 0.95
    rows = analysis.factors(
        _exposures({"stretched": on, "stretched:lag1": lag1}, [i % 5 == 0 for i in range(n)])
    )
    assert [r["lag"] for r in rows] == [0, 1] and rows[0]["lag1_copy"] is False


def test_finding_uses_the_finding_q_setting() -> None:
    worn, cramp = _pattern(40)
    nightly = _exposures({"shoes:work boots": worn}, cramp)
    (row,) = analysis.factors(nightly)
    assert row["q_value"] == row["p_value"] < 0.01 and row["finding"] is True
    nightly.settings["finding_q"] = row["q_value"]  # q must be below the setting, not equal
    (row,) = analysis.factors(nightly)
    assert row["finding"] is False
    assert row["sentence"].endswith("This could be chance.")


def test_not_enough_data_is_never_a_finding() -> None:
    # 4 exposed nights, all cramps; 20 unexposed, none: a tiny q, but too few exposed nights.
    cramp = [i < 4 for i in range(24)]
    rows = analysis.factors(_exposures({"alcohol": [i < 4 for i in range(24)]}, cramp))
    assert rows[0]["q_value"] < 0.001
    assert rows[0]["enough_data"] is False and rows[0]["finding"] is False


def test_insights_text_has_no_bare_p_or_q(cli: Cli) -> None:
    ok(cli("demo"))
    from cramplog import config

    db = str(config.demo_db_path())
    text = ok(cli("--db", db, "insights"))
    assert "p =" not in text and "q =" not in text and "p<" not in text
    assert not [w for w in text.replace("(", " ").split() if w in ("p", "q")]
    data = json_of(cli("--db", db, "insights", "--json"))
    assert all("p_value" in f and "q_value" in f for f in data["factors"])
    # every row with a comparison that is not a finding says it could be chance
    for f in data["factors"]:
        if f["enough_data"] and not f["finding"]:
            assert f["sentence"].endswith("This could be chance."), f
        if f["finding"]:
            assert "could be chance" not in f["sentence"]
    # the demo's tight pair is its work shoes, the only heels its party heels, and its only
    # listed medicine all along atorvastatin: merged, tested once each
    labels = {f["label"] for f in data["factors"]}
    assert {
        "work shoes (your tight pair)",
        "party heels (your only heels)",
        "atorvastatin (your only listed medicine)",
    } <= labels
    names = [f["factor"] + (":lag1" if f["lag"] else "") for f in data["factors"]]
    assert "medication:hydrochlorothiazide:lag1" not in names  # the day-before copy
    assert len(names) == len(set(names))
    tested = sum(1 for f in data["factors"] if f["p_value"] is not None)
    # 36 columns (18 factors, lag 0 and 1): 5 merged into another row (tight_shoes, heels,
    # listed_medication and the first two's lag 1), 3 day-before copies (the two medicines and
    # listed_medication), so 28 rows; atorvastatin, taken every night, is never compared.
    assert (len(names), tested) == (28, 27)


# --- 3. profile set --cramps-since ----------------------------------------------------------


def test_profile_cramps_since(cli: Cli) -> None:
    assert "cramps since October 2026" in ok(cli("profile", "set", "--cramps-since", "2026-10"))
    assert "Cramps since: October 2026" in ok(cli("profile", "show"))
    assert json_of(cli("profile", "show", "--json"))["cramps_since"] == "2026-10-01"
    for words in ("2026-09-15", "Sep 2026", "september 2026"):
        ok(cli("profile", "set", "--cramps-since", words))
        assert json_of(cli("profile", "show", "--json"))["cramps_since"] == "2026-09-01"
    ok(cli("profile", "set", "--birth-year", "1958"))
    for bad, says in (
        ("2026-12", "December 2026 is in the future"),
        ("1957-12", "December 1957 is before the birth year 1958"),
        ("next spring", "'next spring' is not a month"),
    ):
        result = cli("profile", "set", "--cramps-since", bad)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"cramplog: --cramps-since: {says}")
        assert len(result.stderr.strip().splitlines()) == 1
        assert json_of(cli("profile", "show", "--json"))["cramps_since"] == "2026-09-01"
    ok(cli("undo"))  # the birth year
    ok(cli("undo"))  # september 2026 (the same month again changed nothing, so not journaled)
    assert json_of(cli("profile", "show", "--json"))["cramps_since"] == "2026-10-01"
    ok(cli("profile", "set", "--cramps-since", "none"))
    assert json_of(cli("profile", "show", "--json"))["cramps_since"] is None


def test_reports_say_unknown_when_no_nights_waking_is_known(cli: Cli, tmp_path: Any) -> None:
    """Three cramps without "woke" given: nights woken is unknown, never 0 or "None"."""
    from pypdf import PdfReader

    for night in (16, 17, 19):
        ok(cli("log", "5", "--at", f"2026-11-{night} 03:00"))
    data = json_of(cli("stats", "--json"))
    assert (data["woke_nights"], data["woke_known_nights"]) == (None, 0)
    for kind in ("weekly", "appointment"):
        out = tmp_path / f"{kind}.pdf"
        ok(cli("report", kind, "-o", str(out)))
        text = " ".join(page.extract_text() for page in PdfReader(out).pages)
        assert "Nights woken by cramps not recorded" in text
        assert "None (" not in text and "Nights woken by cramps 0" not in text


def test_two_factors_that_never_happened_are_not_the_same_nights() -> None:
    worn, cramp = _pattern(40)
    never = [False] * 40
    rows = analysis.factors(
        _exposures({"heels": never, "tight_shoes": list(never), "alcohol": worn}, cramp)
    )
    by = {r["factor"]: r for r in rows}
    assert set(by) == {"heels", "tight_shoes", "alcohol"}
    assert by["heels"]["label"] == "heels" and by["tight_shoes"]["label"] == "tight shoes"
    assert by["heels"]["same_as"] == by["tight_shoes"]["same_as"] == []
    assert by["heels"]["q_value"] is None and by["heels"]["finding"] is False


def test_stats_counts_nothing_for_a_period_with_no_night_logged(cli) -> None:
    """0 cramps would claim the nights were counted: with none logged there is nothing to count."""
    assert cli("log", "4", "--at", "2026-11-22 02:00").exit_code == 0
    out = cli("stats").output
    rows = {line[:24].strip(): line[24:].split() for line in out.splitlines() if line[:24].strip()}
    assert rows["cramp nights"] == ["1", "–"]
    assert rows["cramps"] == ["1", "–"]
    assert rows["cramp-free nights"] == ["0", "–"]
