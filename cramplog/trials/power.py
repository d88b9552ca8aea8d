"""How likely a planned trial is to detect a halving of cramp nights: a seeded simulation.

Each simulated trial has the plan's counted nights (washout left out), every one logged; an
off night is a cramp night with the base rate, an on night with half of it. Each cramp night
counts once: cramps that come several to a night make the rate test's p too small (measured in
tests/test_trial_planted.py: 2 cramps per cramp night on average calls a null trial a
difference about twice as often as it should), so counting them would inflate the figure.
"Detected" means what `trial result` reports first: the exact rate test (R's poisson.test,
conditional binomial) gives p < 0.05. The nights of each arm are equal in number whatever the
order drawn, so the order need not be simulated.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from cramplog import stats

ASSUMED_RATE = 0.4  # when the diary is too short to know its own (the planted rate)
MIN_NIGHTS_FOR_RATE = 14  # as insights: fewer observed nights than this say too little
SIMULATIONS = 2000
ALPHA = 0.05
TARGET = 0.8
LONGER_PERIODS = (14, 21, 28)  # tried when more pairs alone cannot reach TARGET


@dataclass(frozen=True)
class Power:
    power: float
    base_rate: float
    rate_from_diary: bool  # False: ASSUMED_RATE was used
    observed_nights: int  # the diary's nights the base rate rests on
    cramps_per_cramp_night: float
    simulations: int
    seed: int
    suggested_pairs: int | None  # the fewest pairs reaching TARGET, when this plan does not
    suggested_power: float | None
    max_pairs_power: float | None  # when even the most pairs allowed do not reach TARGET
    # then the shortest plan with longer periods that does: (pairs, period_days, power)
    longer: tuple[int, int, float] | None = None


@lru_cache(maxsize=65536)
def _p(x_on: int, n: int) -> float:
    return stats.binom_test(x_on, n, 0.5)


def simulate(
    nights_per_arm: int,
    base_rate: float,
    cramps_per_cramp_night: float = 1.0,
    *,
    ratio: float = 0.5,
    simulations: int = SIMULATIONS,
    seed: int = 0,
) -> float:
    """The share of simulated trials whose exact rate test gives p < ALPHA."""
    rng = np.random.default_rng(seed)
    on = rng.binomial(nights_per_arm, min(1.0, base_rate * ratio), simulations)
    off = rng.binomial(nights_per_arm, base_rate, simulations)
    extra = max(0.0, cramps_per_cramp_night - 1.0)
    if extra:
        on = on + rng.poisson(on * extra)
        off = off + rng.poisson(off * extra)
    hits = sum(1 for a, b in zip(on.tolist(), off.tolist(), strict=True) if _p(a, a + b) < ALPHA)
    return hits / simulations


def plan_power(
    pairs: int,
    period_days: int,
    washout_days: int,
    *,
    observed_nights: int,
    cramp_nights: int,
    episodes: int,
    max_pairs: int,
    seed: int = 0,
    simulations: int = SIMULATIONS,
) -> Power:
    known = observed_nights >= MIN_NIGHTS_FOR_RATE and cramp_nights > 0
    rate = cramp_nights / observed_nights if known else ASSUMED_RATE
    per = episodes / cramp_nights if known else 1.0  # reported, not simulated (docstring)

    def at(k: int, days: int = period_days) -> float:
        nights = k * (days - washout_days)
        return simulate(nights, rate, 1.0, simulations=simulations, seed=seed)

    power = at(pairs)
    suggested = suggested_power = max_power = None
    if power < TARGET:
        for k in range(pairs + 1, max_pairs + 1):
            value = at(k)
            if value >= TARGET:
                suggested, suggested_power = k, value
                break
        else:
            max_power = at(max_pairs) if max_pairs > pairs else power
    longer = None
    if max_power is not None:
        # the plan with the fewest nights, of longer periods, that reaches TARGET
        plans = sorted(
            (k * days, k, days)
            for days in LONGER_PERIODS
            if days > period_days
            for k in range(1, max_pairs + 1)
        )
        for _, k, days in plans:
            value = at(k, days)
            if value >= TARGET:
                longer = (k, days, value)
                break
    return Power(
        power,
        rate,
        known,
        observed_nights,
        per,
        simulations,
        seed,
        suggested,
        suggested_power,
        max_power,
        longer,
    )
