"""Tests for cramplog.stats: published reference values, edge cases and exact brute force.

Where a reference value is quoted, the comment names its source. Tolerances follow the
printed precision of that source (R prints p-values to 4 significant digits and confidence
limits to 7). Every quoted value was also cross-checked against scipy 1.17 in a scratch
environment (scipy is not a dependency of the project or of these tests).
"""

from __future__ import annotations

import math
import time
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cramplog.stats import (
    RateRatio,
    RiskRatio,
    benjamini_hochberg,
    binom_test,
    clopper_pearson,
    fisher_exact,
    poisson_rate_ratio,
    proportion,
    risk_ratio,
)

Z95 = 1.959963984540054  # qnorm(0.975)

cells = st.integers(min_value=0, max_value=25)

# Hypothesis would otherwise write its example database into the shared working tree.
NO_DB = settings(database=None)


def brute_fisher(a: int, b: int, c: int, d: int) -> float:
    """Fisher's two-sided p-value from exact rational hypergeometric probabilities."""
    row1, row2, col1 = a + b, c + d, a + c
    support = range(max(0, col1 - row2), min(row1, col1) + 1)
    prob = {x: Fraction(math.comb(row1, x) * math.comb(row2, col1 - x)) for x in support}
    total = sum(prob.values())
    bound = prob[a] * Fraction(1 + 10**-7)
    return float(sum(v for v in prob.values() if v <= bound) / total)


def brute_binom(k: int, n: int, p: float) -> float:
    """Naive 'sum of all outcomes no more likely than k' two-sided binomial p-value."""
    pmf = [math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(n + 1)]
    return min(1.0, sum(v for v in pmf if v <= pmf[k] * (1 + 1e-7)))


def binom_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p), summed term by term."""
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1))


# --------------------------------------------------------------------------- risk_ratio


def test_risk_ratio_scipy_documentation_example() -> None:
    # scipy.stats.contingency.relative_risk documentation example (Evans County data: high CAT
    # and coronary heart disease, 27 of 122 exposed vs 44 of 487 unexposed), same log method:
    # relative_risk 2.4495156482861398, CI (1.5836990926700116, 3.7886786315466354).
    result = risk_ratio(27, 122 - 27, 44, 487 - 44)
    assert isinstance(result, RiskRatio)
    assert result.rr == pytest.approx(2.4495156482861398, rel=1e-12)
    assert result.ci_low == pytest.approx(1.5836990926700116, rel=1e-12)
    assert result.ci_high == pytest.approx(3.7886786315466354, rel=1e-12)


def test_risk_ratio_zero_cell_adds_half_to_every_cell() -> None:
    # By hand: 0.5 is added to every cell -> 0.5, 10.5, 5.5, 5.5, so
    # rr = (0.5 / 11) / (5.5 / 11) = 1/11 and
    # se = sqrt(1/0.5 - 1/11 + 1/5.5 - 1/11) = sqrt(2 - 2/11 + 2/11) = sqrt(2).
    result = risk_ratio(0, 10, 5, 5)
    assert result.rr == pytest.approx(1 / 11, rel=1e-12)
    assert result.ci_low == pytest.approx(math.exp(math.log(1 / 11) - Z95 * math.sqrt(2)))
    assert result.ci_high == pytest.approx(math.exp(math.log(1 / 11) + Z95 * math.sqrt(2)))


def test_risk_ratio_conf_level_changes_width_only() -> None:
    wide = risk_ratio(27, 95, 44, 443, conf=0.99)
    narrow = risk_ratio(27, 95, 44, 443, conf=0.90)
    assert wide.rr == narrow.rr
    assert wide.ci_low < narrow.ci_low < narrow.ci_high < wide.ci_high
    # log-symmetric: the geometric mean of the limits is the estimate
    assert math.sqrt(wide.ci_low * wide.ci_high) == pytest.approx(wide.rr)


@pytest.mark.parametrize("table", [(0, 0, 3, 4), (3, 4, 0, 0), (0, 0, 0, 0)])
def test_risk_ratio_empty_group_is_all_none(table: tuple[int, int, int, int]) -> None:
    assert risk_ratio(*table) == RiskRatio(None, None, None)


@settings(NO_DB)
@given(cells, cells, cells, cells)
def test_risk_ratio_swapped_exposure_is_reciprocal(a: int, b: int, c: int, d: int) -> None:
    forward, backward = risk_ratio(a, b, c, d), risk_ratio(c, d, a, b)
    if a + b == 0 or c + d == 0:
        assert forward == backward == RiskRatio(None, None, None)
        return
    assert backward.rr == pytest.approx(1 / forward.rr, rel=1e-9)
    assert backward.ci_low == pytest.approx(1 / forward.ci_high, rel=1e-9)
    assert backward.ci_high == pytest.approx(1 / forward.ci_low, rel=1e-9)
    assert 0 < forward.ci_low <= forward.rr <= forward.ci_high


# --------------------------------------------------------------------------- fisher_exact


def test_fisher_tea_tasting() -> None:
    # R ?fisher.test, Agresti (1990, p. 61f) tea-tasting table matrix(c(3, 1, 1, 3), 2):
    # two-sided fisher.test(TeaTasting) prints p-value = 0.4857; exactly (1+16+16+1)/70.
    assert fisher_exact(3, 1, 1, 3) == pytest.approx(0.4857, abs=5e-5)
    assert fisher_exact(3, 1, 1, 3) == pytest.approx(34 / 70, rel=1e-12)


def test_fisher_convictions() -> None:
    # R ?fisher.test, Fisher (1962, 1970) criminal convictions of like-sex twins,
    # Convictions <- matrix(c(2, 10, 15, 3), nrow = 2), i.e. rows (2, 15) and (10, 3);
    # fisher.test(Convictions, conf.int = FALSE) prints p-value = 0.0005367.
    assert fisher_exact(2, 15, 10, 3) == pytest.approx(0.0005367, abs=5e-8)


def test_fisher_whales_and_sharks() -> None:
    # scipy.stats.fisher_exact documentation example (scipy 0.10-1.7): whales 8 / 2, sharks
    # 1 / 5 in the Atlantic / Indian oceans, p-value 0.0349650... which is exactly 5/143.
    assert fisher_exact(8, 2, 1, 5) == pytest.approx(5 / 143, rel=1e-12)


@pytest.mark.parametrize(
    "table", [(0, 0, 0, 0), (0, 0, 3, 5), (4, 6, 0, 0), (0, 4, 0, 6), (7, 0, 2, 0), (1, 0, 0, 0)]
)
def test_fisher_degenerate_tables_give_one(table: tuple[int, int, int, int]) -> None:
    assert fisher_exact(*table) == 1.0


@settings(NO_DB, max_examples=200)
@given(cells, cells, cells, cells)
def test_fisher_matches_exact_rational_brute_force(a: int, b: int, c: int, d: int) -> None:
    p = fisher_exact(a, b, c, d)
    assert 0.0 < p <= 1.0
    assert p == pytest.approx(brute_fisher(a, b, c, d), rel=1e-9)


@settings(NO_DB)
@given(cells, cells, cells, cells)
def test_fisher_symmetries(a: int, b: int, c: int, d: int) -> None:
    p = fisher_exact(a, b, c, d)
    assert fisher_exact(c, d, a, b) == pytest.approx(p, rel=1e-9)  # swap rows
    assert fisher_exact(b, a, d, c) == pytest.approx(p, rel=1e-9)  # swap columns
    assert fisher_exact(a, c, b, d) == pytest.approx(p, rel=1e-9)  # transpose


def test_fisher_large_table_in_unit_interval() -> None:
    # ten years of nights: a strong association must give a tiny but positive p-value
    p = fisher_exact(400, 1425, 150, 1675)
    assert 0.0 < p < 1e-20
    assert fisher_exact(900, 925, 900, 925) == pytest.approx(1.0)


def test_fisher_is_fast_on_ten_years_of_nights() -> None:
    fisher_exact(1, 1, 1, 1)  # import-time caches are not what is being measured
    start = time.perf_counter()
    for i in range(100):
        fisher_exact(900 + i, 925, 880, 945 - i)  # n = 3650
    elapsed = time.perf_counter() - start
    assert elapsed < 0.5, f"100 Fisher tests on n = 3650 took {elapsed:.3f} s"


def test_other_tests_are_fast_on_ten_years_of_nights() -> None:
    start = time.perf_counter()
    for i in range(50):
        binom_test(1700 + i, 3650, 0.5)
        clopper_pearson(1700 + i, 3650)
        poisson_rate_ratio(300 + i, 1800.0, 250, 1850.0)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"50 rounds of binomial/Poisson tests took {elapsed:.3f} s"


# --------------------------------------------------------------------------- binom_test


def test_binom_test_mendelian_cross() -> None:
    # R ?binom.test, Conover (1971, p. 97f): 682 giant of 925 plants, H0 p = 3/4;
    # binom.test(682, 925, p = 3/4) prints p-value = 0.3825.
    assert binom_test(682, 925, 0.75) == pytest.approx(0.3825, abs=5e-5)


def test_binom_test_small_exact_values() -> None:
    # By hand, Binomial(10, 1/2): P(X <= 2) = (1 + 10 + 45) / 1024 = 56/1024, doubled by symmetry.
    assert binom_test(2, 10) == pytest.approx(112 / 1024, rel=1e-12)
    assert binom_test(5, 10) == 1.0
    # Binomial(3, 1/2): every outcome at least as extreme as 0 -> 0 and 3 -> 2/8
    assert binom_test(0, 3) == pytest.approx(0.25, rel=1e-12)


def test_binom_test_edge_cases() -> None:
    assert binom_test(0, 0) == 1.0
    assert binom_test(0, 5, 0.0) == 1.0
    assert binom_test(1, 5, 0.0) == 0.0
    assert binom_test(5, 5, 1.0) == 1.0
    assert binom_test(4, 5, 1.0) == 0.0


@settings(NO_DB, max_examples=200)
@given(
    st.integers(min_value=1, max_value=60).flatmap(
        lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
    ),
    st.floats(min_value=0.01, max_value=0.99),
)
def test_binom_test_matches_brute_force(kn: tuple[int, int], p: float) -> None:
    k, n = kn
    result = binom_test(k, n, p)
    assert 0.0 < result <= 1.0
    assert result == pytest.approx(brute_binom(k, n, p), rel=1e-9)


@settings(NO_DB)
@given(st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=200))
def test_binom_test_symmetry(k: int, extra: int) -> None:
    n = k + extra
    assert binom_test(k, n, 0.3) == pytest.approx(binom_test(n - k, n, 0.7), rel=1e-9)


# --------------------------------------------------------------------------- clopper_pearson


def test_clopper_pearson_mendelian_cross() -> None:
    # R ?binom.test, same data: binom.test(682, 925, p = 3/4) prints the 95 percent
    # confidence interval 0.7076683 0.7654066 (the interval does not depend on p).
    low, high = clopper_pearson(682, 925)
    assert low == pytest.approx(0.7076683, abs=5e-8)
    assert high == pytest.approx(0.7654066, abs=5e-8)


def test_clopper_pearson_boundaries() -> None:
    # k = 0 and k = n have closed forms: upper = 1 - 0.025**(1/n), lower = 0.025**(1/n);
    # 0 of 10 gives the familiar upper limit 0.3084971.
    assert clopper_pearson(0, 10) == (0.0, pytest.approx(0.3084971, abs=5e-8))
    assert clopper_pearson(10, 10) == (pytest.approx(1 - 0.3084971, abs=5e-8), 1.0)
    assert clopper_pearson(0, 0) == (None, None)


@settings(NO_DB, max_examples=150)
@given(
    st.integers(min_value=1, max_value=80).flatmap(
        lambda n: st.tuples(st.integers(min_value=0, max_value=n), st.just(n))
    ),
    st.sampled_from([0.5, 0.8, 0.9, 0.95, 0.99]),
)
def test_clopper_pearson_solves_tail_equations(kn: tuple[int, int], conf: float) -> None:
    k, n = kn
    low, high = clopper_pearson(k, n, conf)
    alpha = (1 - conf) / 2
    assert 0.0 <= low <= k / n <= high <= 1.0
    if k > 0:
        assert 1 - binom_cdf(k - 1, n, low) == pytest.approx(alpha, rel=1e-7)
    if k < n:
        assert binom_cdf(k, n, high) == pytest.approx(alpha, rel=1e-7)


@settings(NO_DB)
@given(st.integers(min_value=0, max_value=5000), st.integers(min_value=0, max_value=5000))
def test_clopper_pearson_contains_estimate(k: int, extra: int) -> None:
    n = k + extra
    low, high = clopper_pearson(k, n)
    if n == 0:
        assert (low, high) == (None, None)
    else:
        assert 0.0 <= low <= k / n <= high <= 1.0
        assert low < high


# --------------------------------------------------------------------------- poisson_rate_ratio


def test_poisson_rate_ratio_r_documentation_example() -> None:
    # R ?poisson.test, eba1977 lung cancer, Fredericia vs the other three cities, ages 55-59:
    # poisson.test(c(11, 6 + 8 + 7), c(800, 1083 + 1050 + 878)) prints rate ratio 1.971488,
    # p-value = 0.07967, 95 percent CI 0.8584264 4.2772659. These are quoted from R's printed
    # output as recalled; the exact conditional method reproduces them, and scipy's
    # binomtest(11, 32, 800 / 3811) cross-check gave p 0.0796686330333 and CI mapped to
    # 0.858426403392 .. 4.277265943654.
    result = poisson_rate_ratio(11, 800, 6 + 8 + 7, 1083 + 1050 + 878)
    assert isinstance(result, RateRatio)
    assert result.ratio == pytest.approx(1.971488, abs=5e-7)
    assert result.p_value == pytest.approx(0.07967, abs=5e-6)
    assert result.ci_low == pytest.approx(0.8584264, abs=5e-8)
    assert result.ci_high == pytest.approx(4.2772659, abs=5e-8)


def test_poisson_rate_ratio_edge_cases() -> None:
    assert poisson_rate_ratio(0, 10.0, 0, 20.0) == RateRatio(None, None, None, 1.0)

    no_reference_events = poisson_rate_ratio(4, 10.0, 0, 20.0)
    assert no_reference_events.ratio is None
    assert no_reference_events.ci_high is None
    # conditional on 4 events, p_low = 0.025**(1/4), mapped by p / (1 - p) * t0 / t1
    p_low = 0.025**0.25
    assert no_reference_events.ci_low == pytest.approx(p_low / (1 - p_low) * 2.0)
    assert no_reference_events.p_value == pytest.approx((1 / 3) ** 4)

    no_exposed_events = poisson_rate_ratio(0, 10.0, 4, 20.0)
    assert no_exposed_events.ratio == 0.0
    assert no_exposed_events.ci_low == 0.0
    assert no_exposed_events.ci_high is not None and no_exposed_events.ci_high > 0


@settings(NO_DB)
@given(
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=0, max_value=400),
    st.floats(min_value=1.0, max_value=4000.0),
    st.floats(min_value=1.0, max_value=4000.0),
)
def test_poisson_rate_ratio_ci_contains_ratio(k1: int, k0: int, t1: float, t0: float) -> None:
    result = poisson_rate_ratio(k1, t1, k0, t0)
    # 0.0 is allowed: e.g. 133 vs 0 events over 1 vs 271 days underflows a double, as in R
    assert 0.0 <= result.p_value <= 1.0
    if k1 + k0 == 0:
        assert result == RateRatio(None, None, None, 1.0)
        return
    assert result.ci_low is not None and result.ci_low >= 0.0
    if result.ratio is not None:
        assert result.ci_high is not None
        assert result.ci_low <= result.ratio * (1 + 1e-12)
        assert result.ratio <= result.ci_high * (1 + 1e-12)


@settings(NO_DB)
@given(st.integers(min_value=1, max_value=300), st.integers(min_value=1, max_value=300))
def test_poisson_rate_ratio_swap_is_reciprocal(k1: int, k0: int) -> None:
    forward = poisson_rate_ratio(k1, 30.0, k0, 70.0)
    backward = poisson_rate_ratio(k0, 70.0, k1, 30.0)
    assert backward.ratio == pytest.approx(1 / forward.ratio, rel=1e-12)
    assert backward.ci_low == pytest.approx(1 / forward.ci_high, rel=1e-9)
    assert backward.ci_high == pytest.approx(1 / forward.ci_low, rel=1e-9)
    assert backward.p_value == pytest.approx(forward.p_value, rel=1e-9)


# --------------------------------------------------------------------------- benjamini_hochberg


def test_bh_equal_steps() -> None:
    # By hand (p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "BH")): m * p_(i) / i = 0.05 for all i.
    assert benjamini_hochberg([0.01, 0.02, 0.03, 0.04, 0.05]) == pytest.approx([0.05] * 5)


def test_bh_mcdonald_handbook_example() -> None:
    # McDonald, Handbook of Biological Statistics (3rd ed.), "Multiple comparisons": 25 dietary
    # variables vs mammographic density (Garcia-Arenzana et al. 2014). Expected q-values by
    # hand, q_(i) = min over j >= i of 25 * p_(j) / j, e.g. rank 8: min(0.640625, 0.588889,
    # 0.54, 0.504545, 0.522917, 0.517308, 0.491071, ...) = 25 * 0.275 / 14 = 0.491071;
    # identical to scipy.stats.false_discovery_control on the same input.
    p = [0.001, 0.008, 0.039, 0.041, 0.042, 0.060, 0.074, 0.205, 0.212, 0.216, 0.222, 0.251]
    p += [0.269, 0.275, 0.34, 0.341, 0.384, 0.569, 0.594, 0.696, 0.762, 0.94, 0.942, 0.975, 0.986]
    q14 = 0.275 * 25 / 14
    q16 = 0.341 * 25 / 16
    q19 = 0.594 * 25 / 19
    expected = [0.025, 0.1, 0.21, 0.21, 0.21, 0.25, 0.074 * 25 / 7]
    expected += [q14] * 7 + [q16, q16, 0.384 * 25 / 17, q19, q19, 0.87, 0.762 * 25 / 21]
    expected += [0.986] * 4
    assert benjamini_hochberg(p) == pytest.approx(expected, rel=1e-12)
    # order is preserved: reversing the input reverses the output
    assert benjamini_hochberg(p[::-1]) == pytest.approx(expected[::-1], rel=1e-12)


def test_bh_missing_values_are_skipped() -> None:
    # m = 2 present values: 0.01 * 2 / 1 = 0.02 and 0.04 * 2 / 2 = 0.04
    assert benjamini_hochberg([None, 0.01, None, 0.04]) == [None, 0.02, None, 0.04]
    assert benjamini_hochberg([float("nan"), 0.5]) == [None, 0.5]
    assert benjamini_hochberg([]) == []
    assert benjamini_hochberg([None, None]) == [None, None]


@settings(NO_DB)
@given(st.lists(st.one_of(st.none(), st.floats(min_value=0.0, max_value=1.0)), max_size=40))
def test_bh_properties(pvalues: list[float | None]) -> None:
    q = benjamini_hochberg(pvalues)
    assert len(q) == len(pvalues)
    pairs = [(p, v) for p, v in zip(pvalues, q, strict=True) if p is not None]
    assert all(v is None for p, v in zip(pvalues, q, strict=True) if p is None)
    ranked = sorted(p for p, _ in pairs)
    m = len(ranked)
    for p, v in pairs:
        assert v is not None
        assert p <= v <= 1.0
        # brute force definition of the step-up adjustment
        brute = min(min(1.0, m * ranked[j] / (j + 1)) for j in range(m) if ranked[j] >= p)
        assert v == pytest.approx(brute, rel=1e-12, abs=1e-300)
    # monotone: a larger p never gets a smaller q
    for p1, v1 in pairs:
        for p2, v2 in pairs:
            if p1 <= p2:
                assert v1 <= v2


# --------------------------------------------------------------------------- validation


def test_proportion() -> None:
    assert proportion(3, 4) == 0.75
    assert proportion(0, 0) is None


@pytest.mark.parametrize(
    "call",
    [
        lambda: risk_ratio(-1, 2, 3, 4),
        lambda: fisher_exact(1, 2, -3, 4),
        lambda: fisher_exact(1.5, 2, 3, 4),
        lambda: binom_test(-1, 5),
        lambda: binom_test(6, 5),
        lambda: binom_test(2, 5, 1.5),
        lambda: clopper_pearson(3, 2),
        lambda: clopper_pearson(1, 2, conf=1.0),
        lambda: poisson_rate_ratio(-1, 1.0, 2, 1.0),
        lambda: poisson_rate_ratio(1, 0.0, 2, 1.0),
        lambda: poisson_rate_ratio(1, 1.0, 2, math.inf),
        lambda: benjamini_hochberg([0.5, 1.5]),
        lambda: proportion(-1, 3),
    ],
)
def test_invalid_input_raises(call) -> None:
    with pytest.raises(ValueError):
        call()
