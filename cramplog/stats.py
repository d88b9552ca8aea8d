"""Small exact and approximate tests for 2x2 tables, proportions and rates.

Every function reproduces a named reference method (mostly R's ``stats`` package) using only
numpy and the standard library, so the analysis needs no scipy. Results are plain floats in
immutable NamedTuples (cheaper to define at import time than frozen dataclasses); anything that
cannot be computed from the data is ``None`` rather than NaN, while inputs that are impossible
(negative counts, non-positive exposure times) raise ``ValueError``.

Probabilities are built from a cached table of log-factorials and exponentiated over the whole
support at once: a diary of ten years has about 3,650 nights, and the analysis asks for ~50
tests, so each one has to cost well under a millisecond.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

__all__ = [
    "RateRatio",
    "RiskRatio",
    "benjamini_hochberg",
    "binom_test",
    "clopper_pearson",
    "fisher_exact",
    "poisson_rate_ratio",
    "proportion",
    "risk_ratio",
]

# R's fuzz for "as or less likely than the observed table" in fisher.test and binom.test: tables
# whose probability equals the observed one mathematically can differ in the last bits.
_REL_ERR = 1.0 + 1e-7

_log_factorial_table: np.ndarray = np.zeros(1)


class RiskRatio(NamedTuple):
    """Risk ratio of a 2x2 table with its confidence interval; ``None`` when undefined."""

    rr: float | None
    ci_low: float | None
    ci_high: float | None


class RateRatio(NamedTuple):
    """Ratio of two Poisson rates with exact conditional CI and two-sided p-value.

    ``ratio`` is ``None`` when the reference group has no events (the ratio is infinite);
    ``ci_high`` is ``None`` when the upper confidence limit is infinite; both CI limits are
    ``None`` when there are no events at all.
    """

    ratio: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float


def _count(value: object, name: str) -> int:
    """Return ``value`` as a non-negative int, or raise ValueError."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        number = operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}") from None
    if number < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return number


def _check_conf(conf: float) -> float:
    """Return the two-sided tail mass ``(1 - conf) / 2`` after checking 0 < conf < 1."""
    if not 0.0 < conf < 1.0:
        raise ValueError(f"conf must be strictly between 0 and 1, got {conf!r}")
    return (1.0 - conf) / 2.0


def _log_factorials(n: int) -> np.ndarray:
    """Return an array whose entry i is log(i!) for at least i = 0..n (cached, grows on demand).

    Entries come from math.lgamma, good to a few ulps each, rather than a cumulative sum of
    logs, whose rounding error keeps growing with n (about 7e-9 by n = 100,000).
    """
    global _log_factorial_table
    table = _log_factorial_table
    if table.size <= n:
        size = max(n + 1, 2 * table.size, 1024)
        extra = np.array([math.lgamma(i + 1.0) for i in range(table.size, size)])
        table = np.concatenate((table, extra))
        _log_factorial_table = table
    return table


def _log_binom_coef(n: int) -> np.ndarray:
    """Return log C(n, i) for i = 0..n."""
    lf = _log_factorials(n)
    return lf[n] - lf[: n + 1] - lf[n::-1]


def _binom_pmf(n: int, p: float) -> np.ndarray:
    """Return the Binomial(n, p) pmf over 0..n for 0 < p < 1, computed in log space."""
    i = np.arange(n + 1)
    return np.exp(_log_binom_coef(n) + i * math.log(p) + (n - i) * math.log1p(-p))


def proportion(k: int, n: int) -> float | None:
    """Return the sample proportion k / n, or ``None`` when n is zero."""
    k, n = _count(k, "k"), _count(n, "n")
    if k > n:
        raise ValueError(f"k ({k}) must not exceed n ({n})")
    return k / n if n else None


def risk_ratio(a: int, b: int, c: int, d: int, conf: float = 0.95) -> RiskRatio:
    """Risk ratio (a/(a+b)) / (c/(c+d)) with the log-method (Katz et al. 1978) Wald interval.

    ``a``/``b`` are exposed with/without the event, ``c``/``d`` unexposed with/without.
    se(log rr) = sqrt(1/a - 1/(a+b) + 1/c - 1/(c+d)) and the limits are
    exp(log rr -/+ z * se). When any cell is zero, 0.5 is added to every cell (Haldane's
    correction) for both the estimate and the interval. An empty group gives all ``None``.
    """
    tail = _check_conf(conf)
    cells = [_count(x, name) for x, name in ((a, "a"), (b, "b"), (c, "c"), (d, "d"))]
    if cells[0] + cells[1] == 0 or cells[2] + cells[3] == 0:
        return RiskRatio(None, None, None)
    fa, fb, fc, fd = (float(x) for x in cells)
    if 0 in cells:
        fa, fb, fc, fd = fa + 0.5, fb + 0.5, fc + 0.5, fd + 0.5
    rr = (fa / (fa + fb)) / (fc / (fc + fd))
    se = math.sqrt(1.0 / fa - 1.0 / (fa + fb) + 1.0 / fc - 1.0 / (fc + fd))
    # statistics costs ~3 ms to import (it pulls in fractions and decimal); only pay it here.
    from statistics import NormalDist

    z = NormalDist().inv_cdf(1.0 - tail)
    log_rr = math.log(rr)
    return RiskRatio(rr, math.exp(log_rr - z * se), math.exp(log_rr + z * se))


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided Fisher exact test p-value for the 2x2 table [[a, b], [c, d]].

    Computed as R's ``fisher.test`` does: with all margins fixed, a is hypergeometric; the
    p-value is the total probability of the tables whose probability is at most the observed
    table's times (1 + 1e-7). Probabilities are evaluated over the whole support at once from
    log-factorials and normalised after subtracting the maximum, as R does.
    """
    a, b, c, d = (_count(x, name) for x, name in ((a, "a"), (b, "b"), (c, "c"), (d, "d")))
    row1, row2, col1 = a + b, c + d, a + c
    lo, hi = max(0, col1 - row2), min(row1, col1)
    if lo == hi:
        return 1.0
    lf = _log_factorials(row1 + row2)
    x = np.arange(lo, hi + 1)
    # log C(row1, x) + log C(row2, col1 - x); the constant log C(n, col1) cancels on normalising.
    log_d = -lf[x] - lf[row1 - x] - lf[col1 - x] - lf[row2 - col1 + x]
    dens = np.exp(log_d - log_d.max())
    dens /= dens.sum()
    p = float(dens[dens <= dens[a - lo] * _REL_ERR].sum())
    return min(1.0, p)


def binom_test(k: int, n: int, p: float = 0.5) -> float:
    """Two-sided exact binomial test p-value for k successes in n trials, H0: P(success) = p.

    Follows R's ``binom.test`` ("minlike"): sum the probabilities of outcomes no more likely than
    k, with relative tolerance 1 + 1e-7, taking k's own tail whole and counting the qualifying
    outcomes of the opposite tail from the mode outwards. ``n == 0`` gives 1.0.
    """
    k, n = _count(k, "k"), _count(n, "n")
    if k > n:
        raise ValueError(f"k ({k}) must not exceed n ({n})")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be between 0 and 1, got {p!r}")
    if p == 0.0:
        return float(k == 0)
    if p == 1.0:
        return float(k == n)
    mean = n * p
    if k == mean:
        return 1.0
    pmf = _binom_pmf(n, p)
    bound = pmf[k] * _REL_ERR
    if k < mean:
        y = int(np.count_nonzero(pmf[math.ceil(mean) :] <= bound))
        total = pmf[: k + 1].sum() + pmf[n - y + 1 :].sum()
    else:
        y = int(np.count_nonzero(pmf[: math.floor(mean) + 1] <= bound))
        total = pmf[:y].sum() + pmf[k:].sum()
    return min(1.0, float(total))


def _binom_tail_root(k: int, n: int, target: float, *, at_most: bool) -> float:
    """Return the p in (0, 1) with P(X <= k) = target (``at_most``) or P(X >= k) = target.

    X ~ Binomial(n, p); requires k < n for ``at_most`` and k >= 1 otherwise. Each tail is
    monotone in p with a Beta density as its derivative (Beta(k + 1, n - k) for P(X <= k),
    Beta(k, n - k + 1) for P(X >= k)), so Newton's method converges in a few steps; a step that
    leaves the current bracket falls back to bisection, which keeps the iteration safe. Only the
    small tail is summed, so the target is met to relative rather than absolute precision.
    """
    lf = _log_factorials(n)
    if at_most:
        i, sign, a, b = np.arange(0, k + 1), -1.0, k + 1, n - k
    else:
        i, sign, a, b = np.arange(k, n + 1), 1.0, k, n - k + 1
    log_coef = lf[n] - lf[i] - lf[n - i]
    log_beta_norm = lf[a + b - 1] - lf[a - 1] - lf[b - 1]

    lo, hi = 0.0, 1.0
    p = min(max(k / n, 1e-3), 1.0 - 1e-3)
    for _ in range(200):
        log_p, log_q = math.log(p), math.log1p(-p)
        tail = float(np.exp(log_coef + i * log_p + (n - i) * log_q).sum())
        # g rises with p in both orientations
        g = sign * (tail - target)
        if g == 0.0:
            return p
        if g > 0.0:
            hi = p
        else:
            lo = p
        slope = math.exp(log_beta_norm + (a - 1) * log_p + (b - 1) * log_q)
        step = g / slope if slope > 0.0 else math.inf
        if abs(step) <= 1e-14 * p:
            return p
        candidate = p - step
        if not lo < candidate < hi:
            candidate = 0.5 * (lo + hi)
            if candidate in (lo, hi):
                return candidate
        p = candidate
    return p


def _exact_limits(k: int, n: int, tail: float) -> tuple[float, float]:
    """Return the Clopper-Pearson limits for 0 <= k <= n, n > 0, each tail holding ``tail``."""
    if k == 0:
        lower = 0.0
    elif k == n:
        # P(X >= n) = p**n
        lower = tail ** (1.0 / n)
    else:
        lower = _binom_tail_root(k, n, tail, at_most=False)
    if k == n:
        upper = 1.0
    elif k == 0:
        # P(X <= 0) = (1 - p)**n; expm1/log keep precision when the limit is tiny
        upper = -math.expm1(math.log(tail) / n)
    else:
        upper = _binom_tail_root(k, n, tail, at_most=True)
    return lower, upper


def clopper_pearson(k: int, n: int, conf: float = 0.95) -> tuple[float | None, float | None]:
    """Exact (Clopper & Pearson 1934) confidence interval for a binomial proportion k / n.

    The limits are the p at which P(X >= k) and P(X <= k) equal (1 - conf) / 2, as in R's
    ``binom.test``; they are found by a safeguarded Newton iteration on the binomial tail
    computed in log space. k = 0 gives lower 0, k = n gives upper 1 (closed forms are used for
    the other limit there), and n = 0 gives (None, None).
    """
    tail = _check_conf(conf)
    k, n = _count(k, "k"), _count(n, "n")
    if k > n:
        raise ValueError(f"k ({k}) must not exceed n ({n})")
    if n == 0:
        return None, None
    return _exact_limits(k, n, tail)


def poisson_rate_ratio(k1: int, t1: float, k0: int, t0: float, conf: float = 0.95) -> RateRatio:
    """Ratio of Poisson rates (k1/t1) / (k0/t0) with the exact conditional test and interval.

    As R's ``poisson.test(c(k1, k0), c(t1, t0))``: given n = k1 + k0 events, k1 is
    Binomial(n, t1 / (t1 + t0)) under equal rates, so the p-value is ``binom_test`` and the
    Clopper-Pearson limits p for k1 / n map to rate ratios p / (1 - p) * t0 / t1.

    ``ratio`` is ``None`` when k0 == 0 (infinite); ``ci_high`` is ``None`` when the upper limit
    is infinite (k0 == 0). With no events at all, ratio and CI are ``None`` and p is 1.0.
    """
    tail = _check_conf(conf)
    k1, k0 = _count(k1, "k1"), _count(k0, "k0")
    for t, name in ((t1, "t1"), (t0, "t0")):
        if not (math.isfinite(t) and t > 0):
            raise ValueError(f"{name} must be a positive finite exposure time, got {t!r}")
    n = k1 + k0
    if n == 0:
        return RateRatio(None, None, None, 1.0)
    p_value = binom_test(k1, n, t1 / (t1 + t0))
    p_low, p_high = _exact_limits(k1, n, tail)
    scale = t0 / t1
    ci_low = p_low / (1.0 - p_low) * scale
    ci_high = None if p_high >= 1.0 else p_high / (1.0 - p_high) * scale
    ratio = None if k0 == 0 else (k1 / t1) / (k0 / t0)
    return RateRatio(ratio, ci_low, ci_high, p_value)


def benjamini_hochberg(pvalues: Sequence[float | None]) -> list[float | None]:
    """Benjamini & Hochberg (1995) step-up adjusted p-values (q-values), as R's p.adjust "BH".

    q_(i) = min over j >= i of min(1, m / j * p_(j)) for the ascending-sorted p-values, returned
    in input order. ``None`` (and NaN, which is how pandas spells a missing value) entries stay
    ``None`` and are not counted in m.
    """
    present = [(i, float(p)) for i, p in enumerate(pvalues) if p is not None]
    present = [(i, p) for i, p in present if not math.isnan(p)]
    values = np.array([p for _, p in present], dtype=float)
    if np.any((values < 0.0) | (values > 1.0)):
        raise ValueError("p-values must lie in [0, 1]")
    out: list[float | None] = [None] * len(pvalues)
    m = values.size
    if m == 0:
        return out
    order = np.argsort(values, kind="stable")[::-1]
    ranks = np.arange(m, 0, -1)
    adjusted = np.minimum(1.0, np.minimum.accumulate(m / ranks * values[order]))
    q = np.empty(m)
    q[order] = adjusted
    for (slot, _), value in zip(present, q.tolist(), strict=True):
        out[slot] = value
    return out
