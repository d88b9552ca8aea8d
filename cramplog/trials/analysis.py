"""The exact analysis of a self-trial, as assigned and as done. Pure functions of the nights.

Only logged nights that are not washout nights count. The primary result is the ratio of
cramps per logged night, on over off, with R's `poisson.test(c(x_on, x_off), c(T_on, T_off))`
conditional binomial CI and two-sided p (cramplog.stats.poisson_rate_ratio), T being the logged
nights. Beside it: the cramp-night risk ratio by the same functions insights uses (log-method
CI, Fisher exact p), and the randomisation p, which rests on nothing but the random draw: the
share of all 2**pairs on/off orders whose difference in cramps per logged night (on minus off)
is at least as large, in absolute value, as the observed one. "As done" repeats the figures by
what was recorded each day, which is no longer randomised (people skip the habit for reasons
that may go with their cramps), so it has no randomisation p.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from cramplog import stats
from cramplog.trials.schedule import Period, Schedule
from cramplog.trials.store import TrialNight


def counted(schedule: Schedule, nights: Iterable[TrialNight]) -> list[tuple[Period, TrialNight]]:
    """The nights the analysis may count: inside a period, after its washout."""
    out = []
    for n in nights:
        period = schedule.period_of(n.night)
        if period is not None and n.night >= period.counted_from:
            out.append((period, n))
    return out


def _arm(rows: Sequence[tuple[str, TrialNight]], arm: str) -> dict[str, Any]:
    mine = [n for a, n in rows if a == arm]
    logged = [n for n in mine if n.observed]
    recorded = [n for n in mine if n.recorded is not None]
    matched = sum(1 for n in recorded if n.recorded == (arm == "on"))
    return {
        "nights_planned": len(mine),  # counted nights so far (washout left out)
        "nights_observed": len(logged),
        "nights_missing": len(mine) - len(logged),
        "cramp_nights": sum(1 for n in logged if n.episodes > 0),
        "episodes": sum(n.episodes for n in logged),
        "adherence": matched / len(recorded) if recorded else None,
        "factor_recorded_nights": len(recorded),
        "factor_unrecorded_nights": len(mine) - len(recorded),
        "rate": (sum(n.episodes for n in logged) / len(logged)) if logged else None,
    }


def rate_test(x_on: int, t_on: int, x_off: int, t_off: int) -> dict[str, float | None]:
    """poisson.test(c(x_on, x_off), c(t_on, t_off)): rate ratio, exact CI and p.

    None throughout when an arm has no logged night (there is nothing to compare).
    """
    if t_on <= 0 or t_off <= 0:
        return {"rate_ratio": None, "ci_low": None, "ci_high": None, "p_value": None}
    r = stats.poisson_rate_ratio(x_on, float(t_on), x_off, float(t_off))
    return {"rate_ratio": r.ratio, "ci_low": r.ci_low, "ci_high": r.ci_high, "p_value": r.p_value}


def night_risk(c_on: int, n_on: int, c_off: int, n_off: int) -> dict[str, float | None]:
    """The cramp-night risk ratio, on over off, as insights computes it (stats.risk_ratio, Fisher
    exact p); None when an arm has no logged night."""
    if n_on == 0 or n_off == 0:
        return {"risk_ratio": None, "risk_ci_low": None, "risk_ci_high": None, "fisher_p": None}
    rr = stats.risk_ratio(c_on, n_on - c_on, c_off, n_off - c_off)
    p = stats.fisher_exact(c_on, n_on - c_on, c_off, n_off - c_off)
    return {
        "risk_ratio": rr.rr,
        "risk_ci_low": rr.ci_low,
        "risk_ci_high": rr.ci_high,
        "fisher_p": p,
    }


def randomization_p(
    pairs: Sequence[tuple[tuple[int, int], tuple[int, int]]], first_on: Sequence[bool]
) -> float | None:
    """The exact randomisation p of a paired on/off trial.

    `pairs[i]` is ((episodes, logged nights) of the pair's first period, (same) of its second);
    `first_on[i]` says whether the first period was "on" as drawn. Every one of the 2**pairs
    orders is formed; an order counts when |on rate - off rate| is at least the observed one.
    The comparison is exact, in integers: |a / b| >= |c / d| as |a| * d >= |c| * b. An order
    under which an arm would have no logged night has no difference and is counted as at least
    as extreme (the conservative choice). None when the observed order has an arm without a
    logged night.
    """
    k = len(pairs)
    if k == 0 or k != len(first_on):
        return None
    e = np.array([[p[0][0], p[1][0]] for p in pairs], dtype=np.int64)
    n = np.array([[p[0][1], p[1][1]] for p in pairs], dtype=np.int64)
    orders = ((np.arange(2**k)[:, None] >> np.arange(k)[None, :]) & 1).astype(bool)  # True: 1st on
    e_on = np.where(orders, e[:, 0], e[:, 1]).sum(axis=1)
    n_on = np.where(orders, n[:, 0], n[:, 1]).sum(axis=1)
    e_off = e.sum() - e_on
    n_off = n.sum() - n_on
    num = np.abs(e_on * n_off - e_off * n_on)  # |difference| * n_on * n_off
    den = n_on * n_off
    seen = sum(int(bit) << i for i, bit in enumerate(first_on))
    if den[seen] == 0:
        return None
    extreme = (den == 0) | (num * den[seen] >= num[seen] * den)
    return float(extreme.sum()) / float(2**k)


def smallest_randomization_p(pairs: int) -> float:
    """The smallest randomisation p a trial of `pairs` pairs can give: the observed order and
    its mirror image (every pair swapped) always tie, so 2 / 2**pairs."""
    return min(1.0, 2.0 / 2**pairs)


def _figures(on: dict[str, Any], off: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out.update(
        rate_test(on["episodes"], on["nights_observed"], off["episodes"], off["nights_observed"])
    )
    out.update(
        night_risk(
            on["cramp_nights"], on["nights_observed"], off["cramp_nights"], off["nights_observed"]
        )
    )
    return out


def per_period(schedule: Schedule, nights: Iterable[TrialNight]) -> list[dict[str, Any]]:
    """Each period's counted nights: logged, cramp nights, cramps, cramps per logged night."""
    by_period: dict[Period, list[TrialNight]] = {}
    for q, n in counted(schedule, nights):
        by_period.setdefault(q, []).append(n)
    out = []
    for p in schedule.periods():
        mine = by_period.get(p, [])
        logged = [n for n in mine if n.observed]
        episodes = sum(n.episodes for n in logged)
        out.append(
            {
                "pair": p.pair,
                "arm": p.arm,
                "start": p.start,
                "end": p.end,
                "counted_from": p.counted_from,
                "nights_so_far": len(mine),
                "nights_observed": len(logged),
                "cramp_nights": sum(1 for n in logged if n.episodes > 0),
                "episodes": episodes,
                "rate": episodes / len(logged) if logged else None,
            }
        )
    return out


def result(schedule: Schedule, nights: Sequence[TrialNight]) -> dict[str, Any]:
    """The whole analysis: as assigned (the primary result) and as done."""
    rows = [(p.arm, n) for p, n in counted(schedule, nights)]
    arms = {arm: _arm(rows, arm) for arm in ("on", "off")}
    out: dict[str, Any] = {"arms": arms}
    out.update(_figures(arms["on"], arms["off"]))
    periods = per_period(schedule, nights)
    by_pair = []
    for i in range(schedule.pairs):
        first, second = periods[2 * i], periods[2 * i + 1]
        by_pair.append(
            (
                (first["episodes"], first["nights_observed"]),
                (second["episodes"], second["nights_observed"]),
            )
        )
    out["randomization_p"] = randomization_p(
        by_pair, [schedule.arms[i][0] == "on" for i in range(schedule.pairs)]
    )
    out["randomization_p_min"] = smallest_randomization_p(schedule.pairs)
    done_rows = [("on" if n.recorded else "off", n) for _, n in rows if n.recorded is not None]
    done = {arm: _arm(done_rows, arm) for arm in ("on", "off")}
    for figures in done.values():  # by what was done, adherence is 1 by definition: say nothing
        figures["adherence"] = None
    as_done: dict[str, Any] = {"arms": done}
    as_done.update(_figures(done["on"], done["off"]))
    as_done["randomization_p"] = None
    as_done["nights_left_out_unrecorded"] = sum(1 for _, n in rows if n.recorded is None)
    out["as_done"] = as_done
    out["periods"] = periods
    return out
