"""The trial's exact statistics against published R outputs, exact arithmetic and brute force.

`rate_test` is R's `poisson.test(c(x_on, x_off), c(T_on, T_off))`: the conditional binomial
test of x_on of x_on + x_off events with success probability T_on / (T_on + T_off), and the
Clopper-Pearson interval on that proportion mapped by p / (1 - p) * T_off / T_on. The values
quoted "computed" were worked out independently of cramplog, with 60-digit decimals: exact
binomial sums and 200 bisection steps for each Clopper-Pearson limit (R not being installed).
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cramplog.trials.analysis import (
    night_risk,
    randomization_p,
    rate_test,
    smallest_randomization_p,
)

NO_DB = settings(database=None, max_examples=60, deadline=None)


def test_rate_test_r_help_page_example() -> None:
    # R ?poisson.test, eba1977, Fredericia against the other three cities, ages 55-59:
    # > poisson.test(c(11, 6 + 8 + 7), c(800, 1083 + 1050 + 878))
    #   count1 = 11, expected count1 = 6.7174, p-value = 0.07967
    #   95 percent confidence interval:
    #    0.8584264 4.2772659
    #   sample estimates:
    #   rate ratio
    #     1.971488
    r = rate_test(11, 800, 21, 3011)
    assert r["rate_ratio"] == pytest.approx(1.971488, abs=5e-7)
    assert r["p_value"] == pytest.approx(0.07967, abs=5e-6)
    assert r["ci_low"] == pytest.approx(0.8584264, abs=5e-8)
    assert r["ci_high"] == pytest.approx(4.2772659, abs=5e-8)


def test_rate_test_the_brief_s_variant_computed() -> None:
    # poisson.test(c(11, 23), c(800, 3011)) (23, not the help page's 6 + 8 + 7 = 21), computed:
    # rate ratio 1.800054348, CI 0.7922050858 to 3.84386274, p 0.1366344471. (The figures
    # "CI 0.8224 to 3.7152" once quoted for it are not what the method gives.)
    r = rate_test(11, 800, 23, 3011)
    assert r["rate_ratio"] == pytest.approx(1.800054348, rel=1e-9)
    assert r["ci_low"] == pytest.approx(0.7922050858, rel=1e-9)
    assert r["ci_high"] == pytest.approx(3.84386274, rel=1e-8)
    assert r["p_value"] == pytest.approx(0.1366344471, rel=1e-9)


def test_rate_test_is_binom_test_mapped_r_help_page() -> None:
    # R ?binom.test, Conover (1971), 682 giant of 925 plants, H0 p = 3/4:
    # > binom.test(682, 925, p = 0.75)
    #   number of successes = 682, number of trials = 925, p-value = 0.3825
    #   95 percent confidence interval:
    #    0.7076683 0.7654066
    # With T_on = 3 * T_off the conditional probability is 3/4, so poisson.test(c(682, 243),
    # c(300, 100)) has that p, and its CI is those limits mapped by p / (1 - p) / 3.
    r = rate_test(682, 300, 243, 100)
    assert r["p_value"] == pytest.approx(0.3825, abs=5e-5)
    # Mapped back to the proportion, to R's printed 7 digits:
    for limit, printed in ((r["ci_low"], 0.7076683), (r["ci_high"], 0.7654066)):
        assert 3 * limit / (1 + 3 * limit) == pytest.approx(printed, abs=5e-8)
    assert r["rate_ratio"] == pytest.approx((682 / 300) / (243 / 100), rel=1e-12)


def test_rate_test_a_trial_sized_example_exactly() -> None:
    # 2 cramps in 18 logged on-nights, 9 in 18 off-nights: equal time, so p is binom.test(2, 11):
    # 2 * (C(11,0) + C(11,1) + C(11,2)) / 2**11 = 134 / 2048 exactly. CI computed:
    # 0.02336464105 to 1.073638436.
    r = rate_test(2, 18, 9, 18)
    assert r["p_value"] == pytest.approx(134 / 2048, rel=1e-12)
    assert r["rate_ratio"] == pytest.approx(2 / 9, rel=1e-12)
    assert r["ci_low"] == pytest.approx(0.02336464105, rel=1e-9)
    assert r["ci_high"] == pytest.approx(1.073638436, rel=1e-9)
    # 3 in 20 against 12 in 22, computed: p 0.03819259482, CI 0.04980014997 to 1.019016013 —
    # p below 0.05 while the CI includes 1, as the two are separate exact constructions.
    r = rate_test(3, 20, 12, 22)
    assert r["p_value"] == pytest.approx(0.03819259482, rel=1e-9)
    assert r["ci_low"] == pytest.approx(0.04980014997, rel=1e-9)
    assert r["ci_high"] == pytest.approx(1.019016013, rel=1e-9)


def test_rate_test_without_a_logged_night_in_an_arm_is_not_computed() -> None:
    assert rate_test(3, 0, 2, 10) == {
        "rate_ratio": None,
        "ci_low": None,
        "ci_high": None,
        "p_value": None,
    }
    no_off_cramps = rate_test(4, 10, 0, 10)
    assert no_off_cramps["rate_ratio"] is None  # infinite
    assert no_off_cramps["ci_high"] is None
    assert no_off_cramps["p_value"] == pytest.approx(2 / 16, rel=1e-12)  # binom.test(4, 4)


def test_night_risk_is_insights_method() -> None:
    # scipy.stats.contingency.relative_risk documentation example (27 of 122 against 44 of
    # 487): 2.4495156482861398, CI 1.5836990926700116 to 3.7886786315466354; Fisher's p for
    # R's fisher.test on the tea-tasting table 3 1 / 1 3 is 0.4857.
    r = night_risk(27, 122, 44, 487)
    assert r["risk_ratio"] == pytest.approx(2.4495156482861398, rel=1e-12)
    assert r["risk_ci_low"] == pytest.approx(1.5836990926700116, rel=1e-12)
    assert r["risk_ci_high"] == pytest.approx(3.7886786315466354, rel=1e-12)
    assert night_risk(3, 4, 1, 4)["fisher_p"] == pytest.approx(0.4857, abs=5e-5)
    assert night_risk(1, 0, 1, 4)["risk_ratio"] is None


def brute_randomization_p(
    pairs: list[tuple[tuple[int, int], tuple[int, int]]], first_on: list[bool]
) -> Fraction | None:
    """Every order, in exact fractions; an order leaving an arm without nights counts."""

    def diff(order: tuple[bool, ...]) -> Fraction | None:
        e_on = sum(p[0][0] if o else p[1][0] for p, o in zip(pairs, order, strict=True))
        n_on = sum(p[0][1] if o else p[1][1] for p, o in zip(pairs, order, strict=True))
        e_off = sum(p[0][0] + p[1][0] for p in pairs) - e_on
        n_off = sum(p[0][1] + p[1][1] for p in pairs) - n_on
        if n_on == 0 or n_off == 0:
            return None
        return abs(Fraction(e_on, n_on) - Fraction(e_off, n_off))

    seen = diff(tuple(first_on))
    if seen is None:
        return None
    orders = list(itertools.product([True, False], repeat=len(pairs)))
    hits = sum(1 for o in orders if (d := diff(o)) is None or d >= seen)
    return Fraction(hits, len(orders))


def test_randomization_p_by_hand() -> None:
    # 3 pairs, 6 logged nights in every period; cramps (first, second period) 1,5 / 0,4 / 5,1,
    # drawn on-off, on-off, off-on: on cramps 1 + 0 + 1 = 2, off 5 + 4 + 5 = 14, difference
    # (2 - 14) / 18. Of the 8 orders, only this one and its mirror (14 - 2) reach 12 cramps of
    # difference, so p = 2/8.
    pairs = [((1, 6), (5, 6)), ((0, 6), (4, 6)), ((5, 6), (1, 6))]
    assert randomization_p(pairs, [True, True, False]) == 0.25
    # Drawn on-off three times instead: on 1 + 0 + 5 = 6 against 5 + 4 + 1 = 10, a gap of 4
    # cramps; each order's gap is a signed sum of the pairs' gaps 4, 4, 4 (12 or 4), so all 8
    # orders reach it.
    assert randomization_p(pairs, [True, True, True]) == 1.0
    assert smallest_randomization_p(3) == 0.25
    assert smallest_randomization_p(6) == pytest.approx(0.03125)
    assert smallest_randomization_p(1) == 1.0


def test_randomization_p_one_pair_is_one_and_no_nights_is_none() -> None:
    assert randomization_p([((3, 5), (0, 5))], [True]) == 1.0
    assert randomization_p([((3, 0), (0, 5))], [True]) is None


period = st.tuples(st.integers(0, 12), st.integers(0, 7)).map(lambda t: (min(t[0], 3 * t[1]), t[1]))


@NO_DB
@given(st.lists(st.tuples(period, period), min_size=1, max_size=7), st.data())
def test_randomization_p_matches_brute_force(pairs: list, data: st.DataObject) -> None:
    first_on = data.draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    expected = brute_randomization_p(pairs, first_on)
    got = randomization_p(pairs, first_on)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(float(expected), abs=1e-15)
        assert got >= smallest_randomization_p(len(pairs)) - 1e-15 or math.isclose(got, 0)
