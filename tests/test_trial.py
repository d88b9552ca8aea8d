"""Self-trials end to end: trial plan / show / result through the CLI, their JSON contracts,
tonight's arm in the logging commands, undo, and bad input (exit 2, nothing written).

The clock is pinned (conftest): Monday 23 Nov 2026 08:00 in London, so tonight is the night of
23 Nov and last night 22 Nov.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from itertools import product
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import Result
from conftest import row_counts

from cramplog.trials.schedule import draw_arms

TONIGHT = date(2026, 11, 23)
LONDON = ZoneInfo("Europe/London")


def out(result: Result, code: int = 0) -> str:
    assert result.exit_code == code, result.output + (result.stderr or "")
    return result.output


def sessions(db_path: Path) -> Iterator:
    from cramplog.config import database_url
    from cramplog.db import open_engine, session_scope

    return session_scope(open_engine(database_url(str(db_path))), write=True)


@pytest.fixture
def started(cli: Callable[..., Result]) -> None:
    out(cli("none", "--night", "2026-11-01"))  # a diary exists


# --- plan and show --------------------------------------------------------------------------


def test_plan_stores_the_seeded_draw_and_show_gives_the_json_contract(
    cli: Callable[..., Result], started: None
) -> None:
    text = out(
        cli(
            "trial",
            "plan",
            "stretched",
            "--pairs",
            "3",
            "--period-days",
            "7",
            "--washout-days",
            "1",
            "--seed",
            "11",
        )
    )
    arms = draw_arms(3, 11)
    assert "Planned a self-trial of stretching before bed." in text
    assert "3 pairs of 7 nights on and 7 nights off (42 nights), Mon 23 Nov 2026 to " in text
    assert "Order drawn by chance (seed 11)" in text
    assert "simulated trials, seed 11" in text
    assert "assumed base rate of cramps on 40% of nights" in text  # one logged night only
    assert "randomisation test can never give p below 0.25" in text
    data = json.loads(out(cli("trial", "show", "--json")))
    assert data["factor"] == "stretched"
    assert data["washout_days"] == 1
    assert data["seed"] == 11
    periods = data["periods"]
    assert [p["pair"] for p in periods] == [1, 1, 2, 2, 3, 3]
    assert [p["arm"] for p in periods] == [a for pair in arms for a in pair]
    assert periods[0]["start"] == "2026-11-23" and periods[0]["end"] == "2026-11-29"
    assert periods[1]["start"] == "2026-11-30"
    assert periods[-1]["end"] == "2027-01-03"
    starts = [date.fromisoformat(p["start"]) for p in periods]
    assert starts == sorted(starts)
    for p in periods:
        assert (date.fromisoformat(p["end"]) - date.fromisoformat(p["start"])).days == 6
    assert data["tonight"] == {"night": "2026-11-23", "arm": arms[0][0], "pair": 1, "washout": True}
    human = out(cli("trial", "show"))
    assert "<- tonight" in human
    assert "a washout night: not counted, but keep to the plan" in human


def test_the_draw_is_the_seed_s_and_both_orders_occur() -> None:
    assert draw_arms(5, 3) == draw_arms(5, 3)
    assert draw_arms(8, 3)[:5] == draw_arms(5, 3)  # a longer schedule keeps the first pairs
    seen = {tuple(draw_arms(1, seed)[0]) for seed in range(20)}
    assert seen == {("on", "off"), ("off", "on")}
    firsts = [draw_arms(1, seed)[0][0] for seed in range(2000)]
    assert 0.45 < firsts.count("on") / 2000 < 0.55


def test_a_second_trial_is_refused_and_nothing_written(
    cli: Callable[..., Result], started: None, db_path: Path
) -> None:
    out(cli("trial", "plan", "stretched", "--seed", "1"))
    before = row_counts(db_path)
    result = cli("trial", "plan", "stretched", "--pairs", "5")
    assert result.exit_code == 2
    assert "already planned or running" in result.stderr
    assert "--change" in result.stderr
    assert row_counts(db_path) == before


def test_a_change_after_the_first_night_is_recorded_and_shown(
    cli: Callable[..., Result], started: None
) -> None:
    out(cli("trial", "plan", "stretched", "--pairs", "3", "--start", "2026-11-16", "--seed", "4"))
    first = json.loads(out(cli("trial", "show", "--json")))
    refused = cli(
        "trial",
        "plan",
        "stretched",
        "--pairs",
        "4",
        "--start",
        "2026-11-16",
        "--seed",
        "5",
        "--change",
        "longer",
    )
    assert refused.exit_code == 2 and "--seed" in refused.stderr
    text = out(
        cli(
            "trial",
            "plan",
            "stretched",
            "--pairs",
            "4",
            "--start",
            "2026-11-16",
            "--change",
            "one more pair to be surer",
        )
    )
    assert "Recorded change: 2026-11-23: pairs 3 -> 4 (one more pair to be surer)" in text
    data = json.loads(out(cli("trial", "show", "--json")))
    assert data["seed"] == 4
    assert data["periods"][:6] == first["periods"]  # the order already drawn is kept
    assert len(data["periods"]) == 8
    assert data["changes"] == [
        {"at": "2026-11-23", "what": "pairs 3 -> 4 (one more pair to be surer)"}
    ]
    assert "Recorded after it began, 2026-11-23: pairs 3 -> 4" in out(cli("trial", "show"))
    result = json.loads(out(cli("trial", "result", "--json")))
    assert result["changes"] == data["changes"]
    assert "Recorded after it began, 2026-11-23: pairs 3 -> 4" in out(cli("trial", "result"))


def test_before_its_first_night_a_plan_is_replaced_without_a_record(
    cli: Callable[..., Result], started: None
) -> None:
    out(cli("trial", "plan", "stretched", "--pairs", "3", "--seed", "4"))
    out(cli("trial", "plan", "stretched", "--pairs", "2", "--seed", "9", "--change", "fewer"))
    data = json.loads(out(cli("trial", "show", "--json")))
    assert data["pairs"] == 2 and data["seed"] == 9 and data["changes"] == []


def test_undo_takes_the_plan_back(cli: Callable[..., Result], started: None) -> None:
    out(cli("trial", "plan", "stretched", "--seed", "2"))
    assert "planned a trial of stretched" in out(cli("undo"))
    assert "No self-trial planned" in out(cli("trial", "show"))
    assert out(cli("trial", "show", "--json")).strip() == "null"
    assert out(cli("trial", "result", "--json")).strip() == "null"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--pairs", "0"], "--pairs"),
        (["--pairs", "17"], "--pairs"),
        (["--period-days", "0"], "--period-days"),
        (["--period-days", "57"], "--period-days"),
        (["--period-days", "7", "--washout-days", "7"], "--washout-days"),
        (["--washout-days", "-1"], "--washout-days"),
        (["--seed", "-3"], "--seed"),
        (["--seed", str(2**31)], "--seed"),
        (["--start", "someday"], "--start"),
        (["--start", "2028-01-01"], "--start"),
        (["--change", "nothing to change"], "--change"),
        (["--pairs", "many"], "--pairs"),
    ],
)
def test_bad_plans_exit_2_naming_the_field_and_write_nothing(
    cli: Callable[..., Result], started: None, db_path: Path, args: list[str], field: str
) -> None:
    before = row_counts(db_path)
    result = cli("trial", "plan", "stretched", *args)
    assert result.exit_code == 2, result.output
    assert field in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert row_counts(db_path) == before


def add_factor(db_path: Path, name: str, kind: str = "yesno") -> int:
    from cramplog import diary as ops
    from cramplog.models import Factor

    with sessions(db_path) as session:
        who = ops.person(session)
        f = Factor(
            person_id=who.id, name=name, kind=kind, exposed_below=6.0 if kind == "number" else None
        )
        session.add(f)
        session.flush()
        return f.id


def test_factor_names_are_checked(cli: Callable[..., Result], started: None, db_path: Path) -> None:
    add_factor(db_path, "sleep", "number")
    add_factor(db_path, "leg elevated")
    unknown = cli("trial", "plan", "magnesium")
    assert unknown.exit_code == 2
    assert "no yes/no factor called 'magnesium'" in unknown.stderr
    assert "stretched, leg elevated" in unknown.stderr
    number = cli("trial", "plan", "sleep")
    assert number.exit_code == 2 and "number factor" in number.stderr
    text = out(cli("trial", "plan", "Leg Elevated", "--seed", "1"))
    assert 'Planned a self-trial of "leg elevated".' in text
    assert json.loads(out(cli("trial", "show", "--json")))["factor"] == "leg elevated"


# --- tonight's arm in the logging commands --------------------------------------------------


def test_log_none_and_day_print_tonight_s_arm_while_a_trial_runs(
    cli: Callable[..., Result], started: None
) -> None:
    assert "Self-trial" not in out(cli("log", "5", "--at", "03:00"))
    out(
        cli(
            "trial",
            "plan",
            "stretched",
            "--start",
            "2026-11-20",
            "--seed",
            "3",
            "--washout-days",
            "0",
        )
    )
    arm = draw_arms(1, 3)[0][0]
    doing = "stretch your calves before bed" if arm == "on" else "no stretching before bed"
    line = f'Self-trial, tonight (Mon 23 Nov): {doing} (an "{arm}" night, pair 1 of 4).'
    assert line in out(cli("log", "4", "--at", "02:00"))
    assert line in out(cli("none", "--night", "2026-11-10"))
    assert line in out(cli("day", "--water", "2L"))


def test_a_trial_starting_later_says_when(cli: Callable[..., Result], started: None) -> None:
    out(cli("trial", "plan", "stretched", "--start", "2026-11-30", "--seed", "3"))
    assert "Self-trial of stretched begins on Mon 30 Nov 2026" in out(cli("day", "--water", "2L"))


def test_the_check_in_prints_tonight_s_arm(
    cli: Callable[..., Result], started: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cramplog.cli import shared

    out(cli("trial", "plan", "stretched", "--start", "2026-11-20", "--seed", "3"))
    monkeypatch.setattr(shared, "on_terminal", lambda: True)
    text = out(cli("log", "--guided", input="0\n\n\ny\n\n\n\n"))
    assert "Self-trial, tonight (Mon 23 Nov)" in text


# --- result ---------------------------------------------------------------------------------


def fill(db_path: Path, nights: dict[date, tuple[int | None, bool | None]]) -> None:
    """Night -> (cramps, None for not logged; stretched that day, None for not recorded)."""
    from cramplog import diary as ops

    with sessions(db_path) as session:
        for night, (cramps, stretched) in nights.items():
            if cramps == 0:
                ops.mark_cramp_free(session, night)
            for i in range(cramps or 0):
                at = datetime.combine(night + timedelta(days=1), time(2, 10 * i), LONDON)
                ops.add_episode(session, at=at, tz="Europe/London")
            if stretched is not None:
                ops.update_day(session, night, stretched=stretched)


def test_result_counts_by_arm_leave_out_washout_and_missing_nights(
    cli: Callable[..., Result], started: None, db_path: Path
) -> None:
    # 2 pairs of 4 nights with 1 washout night, from 7 Nov to 22 Nov (last night): finished.
    start = date(2026, 11, 7)
    out(
        cli(
            "trial",
            "plan",
            "stretched",
            "--pairs",
            "2",
            "--period-days",
            "4",
            "--washout-days",
            "1",
            "--start",
            start.isoformat(),
            "--seed",
            "8",
        )
    )
    shown = json.loads(out(cli("trial", "show", "--json")))["periods"]
    arms = [p["arm"] for p in shown]
    plan: dict[date, tuple[int | None, bool | None]] = {}
    for k, arm in enumerate(arms):
        nights = [start + timedelta(days=4 * k + i) for i in range(4)]
        on = arm == "on"
        # washout night: 5 cramps, never counted
        plan[nights[0]] = (5, on)
        plan[nights[1]] = (0 if on else 2, on)
        plan[nights[2]] = (1, None if on else (not on))  # on: habit not recorded; off: done anyway
        plan[nights[3]] = (None, not on)  # not logged; the habit recorded against the plan
    fill(db_path, plan)
    res = json.loads(out(cli("trial", "result", "--json")))
    on, off = res["arms"]["on"], res["arms"]["off"]
    # counted: nights 2-4 of each of 2 periods per arm = 6; logged 4 (night 4 missing)
    assert on["nights_planned"] == off["nights_planned"] == 6
    assert on["nights_observed"] == off["nights_observed"] == 4
    assert on["nights_missing"] == 2
    assert (on["cramp_nights"], on["episodes"]) == (2, 2)  # night 3: one cramp each period
    assert (off["cramp_nights"], off["episodes"]) == (4, 6)
    # on, each period: night 2 yes (kept), 3 not recorded, 4 no (not kept): 2 of 4 recorded;
    # off: night 2 no (kept), 3 and 4 yes (not kept): 2 of 6
    assert on["adherence"] == pytest.approx(0.5)
    assert on["factor_unrecorded_nights"] == 2
    assert off["adherence"] == pytest.approx(2 / 6)
    assert off["factor_unrecorded_nights"] == 0
    from cramplog.stats import fisher_exact, poisson_rate_ratio, risk_ratio

    r = poisson_rate_ratio(2, 4.0, 6, 4.0)
    assert res["rate_ratio"] == pytest.approx(r.ratio)
    assert (res["ci_low"], res["ci_high"], res["p_value"]) == pytest.approx(
        (r.ci_low, r.ci_high, r.p_value)
    )
    assert res["risk_ratio"] == pytest.approx(risk_ratio(2, 2, 4, 0).rr)
    assert res["fisher_p"] == pytest.approx(fisher_exact(2, 2, 4, 0))
    # randomisation: each period has 2 logged counted nights; on periods 1 cramp, off 3
    orders = list(product([0, 1], repeat=2))
    per = [(1, 3) if arms[2 * i] == "on" else (3, 1) for i in range(2)]  # (first, second)

    def gap(o: tuple[int, ...]) -> Fraction:
        e_on = sum(p[1 - b] for p, b in zip(per, o, strict=True))
        return abs(Fraction(e_on, 4) - Fraction(8 - e_on, 4))

    seen = gap(tuple(0 if arms[2 * i] == "on" else 1 for i in range(2)))
    assert res["randomization_p"] == pytest.approx(sum(gap(o) >= seen for o in orders) / 4)
    assert res["finished"] is True
    # as done: by the recorded habit over counted logged nights (night 4 not logged)
    done = res["as_done"]
    assert done["randomization_p"] is None
    assert done["arms"]["on"]["nights_observed"] + done["arms"]["off"]["nights_observed"] == 6
    text = out(cli("trial", "result"))
    assert "never be below 0.5, so it can never reach p < 0.05" in text
    assert "could be chance" in text
    assert "prove" not in text.replace("not proof", "")
    assert [p["arm"] for p in res["periods"]] == arms


def test_result_json_keys_are_the_contract(cli: Callable[..., Result], started: None) -> None:
    out(cli("trial", "plan", "stretched", "--start", "2026-11-01", "--seed", "1"))
    res = json.loads(out(cli("trial", "result", "--json")))
    for key in ("arms", "rate_ratio", "ci_low", "ci_high", "p_value", "randomization_p", "as_done"):
        assert key in res
    for arm in ("on", "off"):
        assert {"nights_observed", "cramp_nights", "episodes", "adherence"} <= set(res["arms"][arm])
        assert {"nights_observed", "cramp_nights", "episodes"} <= set(res["as_done"]["arms"][arm])
    for key in ("rate_ratio", "ci_low", "ci_high", "p_value"):
        assert key in res["as_done"]
    assert res["finished"] is False
    assert "The trial is not finished" in out(cli("trial", "result"))


def test_own_factor_adherence_reads_day_factor(
    cli: Callable[..., Result], started: None, db_path: Path
) -> None:
    from cramplog import diary as ops
    from cramplog.models import DayFactor

    fid = add_factor(db_path, "leg elevated")
    start = date(2026, 11, 15)
    out(
        cli(
            "trial",
            "plan",
            "leg elevated",
            "--pairs",
            "1",
            "--period-days",
            "4",
            "--washout-days",
            "0",
            "--start",
            start.isoformat(),
            "--seed",
            "2",
        )
    )
    arms = [p["arm"] for p in json.loads(out(cli("trial", "show", "--json")))["periods"]]
    with sessions(db_path) as session:
        for i in range(8):
            night = start + timedelta(days=i)
            ops.mark_cramp_free(session, night)
            if i in (0, 1, 2, 4):  # nights 3, 5, 6, 7 not recorded
                d = ops.update_day(session, night, note="x")
                on = arms[i // 4] == "on"
                value = (1.0 if on else 0.0) if i != 2 else (0.0 if on else 1.0)
                session.add(DayFactor(day_id=d.id, factor_id=fid, value=value))
    res = json.loads(out(cli("trial", "result", "--json")))
    first = arms[0]
    second = arms[1]
    assert res["arms"][first]["adherence"] == pytest.approx(2 / 3)
    assert res["arms"][first]["factor_unrecorded_nights"] == 1
    assert res["arms"][second]["adherence"] == pytest.approx(1.0)
    assert res["arms"][second]["factor_unrecorded_nights"] == 3
    assert res["arms"]["on"]["cramp_nights"] == 0 and res["p_value"] == 1.0


# --- the appointment packet -----------------------------------------------------------------


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_the_packet_has_a_trial_page_only_when_the_diary_has_a_trial(
    cli: Callable[..., Result], started: None, db_path: Path, tmp_path: Path
) -> None:
    start = date(2026, 10, 26)
    fill(
        db_path,
        {start + timedelta(days=i): (int(i % 3 == 0), i % 2 == 0) for i in range(28)},
    )
    without = tmp_path / "without.pdf"
    out(cli("report", "appointment", "-o", str(without)))
    assert "Self-trial" not in pdf_text(without)
    out(
        cli(
            "trial",
            "plan",
            "stretched",
            "--pairs",
            "2",
            "--period-days",
            "7",
            "--washout-days",
            "1",
            "--start",
            start.isoformat(),
            "--seed",
            "21",
        )
    )
    packet = tmp_path / "with.pdf"
    out(cli("report", "appointment", "-o", str(packet)))
    text = " ".join(pdf_text(packet).split())
    assert "Self-trial (N-of-1) of stretching before bed" in text
    # CENT 2015 items: periods and lengths, washout, randomisation and seed, adherence,
    # missing nights, per-period results, the effect with its CI
    assert "2 pairs of 7 nights on and 7 nights off (28 nights)" in text
    assert "washout night" in text
    assert "Order drawn by chance (seed 21)" in text
    assert "Kept to the plan" in text
    assert "Not logged" in text
    assert "Cramps per logged night, period by period" in text
    assert "95% CI" in text
    assert "CENT 2015" in text
    assert "prove" not in text.replace("not proof", "")


def test_end_stops_the_running_trial_with_a_record_and_undo_brings_it_back(
    cli: Callable[..., Result], started: None, db_path: Path
) -> None:
    nothing = cli("trial", "end")
    assert nothing.exit_code == 2 and "no running trial" in nothing.stderr
    out(cli("trial", "plan", "stretched", "--start", "2026-11-16", "--seed", "3"))
    assert "Ended the self-trial of stretched." in out(cli("trial", "end", "--reason", "a fall"))
    data = json.loads(out(cli("trial", "show", "--json")))
    assert data["ended"] is True and data["tonight"] is None
    assert data["changes"] == [{"at": "2026-11-23", "what": "ended early (a fall)"}]
    assert "Self-trial" not in out(cli("day", "--water", "2L"))
    assert "The trial was ended early" in out(cli("trial", "result"))
    out(cli("trial", "plan", "stretched", "--seed", "4"))  # a new one may now be planned
    out(cli("undo"))
    out(cli("undo"))  # the day
    out(cli("undo"))  # the end
    data = json.loads(out(cli("trial", "show", "--json")))
    assert data["ended"] is False and data["changes"] == [] and data["seed"] == 3


def test_undo_of_a_change_restores_the_schedule(cli: Callable[..., Result], started: None) -> None:
    out(cli("trial", "plan", "stretched", "--pairs", "3", "--start", "2026-11-16", "--seed", "4"))
    before = json.loads(out(cli("trial", "show", "--json")))
    out(
        cli(
            "trial",
            "plan",
            "stretched",
            "--pairs",
            "5",
            "--start",
            "2026-11-16",
            "--change",
            "longer",
        )
    )
    out(cli("undo"))
    assert json.loads(out(cli("trial", "show", "--json"))) == before


@pytest.mark.parametrize(
    ("counts", "says"),
    [
        ((2, 18, 9, 18), "could be chance"),  # p 0.065
        ((3, 20, 12, 22), "Borderline"),  # p 0.038, CI 0.050 to 1.02
        ((1, 30, 14, 30), "seldom come by chance alone"),
        ((14, 30, 1, 30), "went with more cramps"),
    ],
)
def test_the_verdict_respects_the_uncertainty(counts: tuple[int, ...], says: str) -> None:
    from cramplog.trials.analysis import night_risk, rate_test
    from cramplog.trials.words import _verdict

    x_on, t_on, x_off, t_off = counts
    res = {
        **rate_test(x_on, t_on, x_off, t_off),
        **night_risk(min(x_on, t_on), t_on, min(x_off, t_off), t_off),
    }
    text = " ".join(_verdict(res, "stretching before bed"))
    assert says in text
    assert "prove" not in text.replace("not proof", "")


def test_the_period_chart_draws_short_long_and_empty_trials(tmp_path: Path) -> None:
    from cramplog.charts.trial import trial_periods
    from cramplog.trials.analysis import per_period
    from cramplog.trials.schedule import make_schedule
    from cramplog.trials.store import TrialNight

    for pairs in (1, 16):
        s = make_schedule(date(2026, 1, 5), pairs, 7, 1, 2)
        nights = [
            TrialNight(n, i % 5 != 0, i % 3, None)
            for i, n in enumerate(n for p in s.periods() for n in p.nights())
        ]
        fig = trial_periods(per_period(s, nights), "stretching before bed")
        texts = [t.get_text() for ax in fig.axes for t in ax.get_xticklabels()]
        assert len(texts) == 2 * pairs
        fig.savefig(tmp_path / f"{pairs}.png")
    empty = trial_periods(per_period(make_schedule(date(2026, 1, 5), 2, 7, 1, 2), []), "x")
    assert "No counted night" in " ".join(t.get_text() for t in empty.texts)
