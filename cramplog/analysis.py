"""Endpoints, factor insights, trend and before/after comparisons on the nightly frame.

Pure functions of a `frame.Nightly` (no SQL, no printing); every result is a plain dict of
JSON-ready values (numbers are numbers, a value that cannot be computed is None, dates are ISO
strings), so that `stats --json` and `insights --json` print them as they are.

The definitions are those of docs/definitions.md:

- a night is *observed* when it has an episode or an explicit "no cramps" record; a night with
  nothing recorded is missing, never cramp-free; completeness = observed / nights in period;
- a *cramp night* is an observed night with at least one episode;
- cramps per week = episodes / observed weeks = episodes / (observed nights / 7) (RM2017),
  given only with at least `min_rate_nights` (7) observed nights in the period, and two
  periods (trend, before/after) are compared only with that many in each (`enough_data`);
- an exposure is *known* on an observed night whose day has that field filled; a factor is
  compared over those nights only (unknown is not "no"); `:lag1` uses the day before;
- each factor gets a risk ratio with a 95% log-method CI, a two-sided Fisher exact p and a
  Benjamini-Hochberg q across the factors tested in the same run; it has `enough_data` only
  with at least 5 exposed and 5 unexposed nights and 14 compared nights in all;
- a *finding* is `enough_data` and q below `finding_q` (0.10): the one rule, `finding` on each
  row; identical columns are one row (`same_as`, `label`), tested once, and a `:lag1` column
  agreeing with its lag-0 column on LAG_COPY_AGREEMENT of nights is not tested again.

A period that reaches outside the frame counts the nights outside as not observed: build the
frame over every night a function is asked about (`stats_summary` needs the previous period
and the baseline too).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from cramplog import present, stats

if TYPE_CHECKING:
    from cramplog.frame import Nightly

__all__ = [
    "BASELINE_NIGHTS",
    "CHANCE",
    "CHANGE_KEYS",
    "CHANGE_WINDOW_NIGHTS",
    "ENDPOINT_KEYS",
    "FACTOR_KEYS",
    "FINDING_Q",
    "HABIT_GAP_NIGHTS",
    "LAG_COPY_AGREEMENT",
    "MIN_GROUP_NIGHTS",
    "MIN_OBSERVED_NIGHTS",
    "MIN_RATE_NIGHTS",
    "NOTE",
    "TREND_KEYS",
    "TREND_WEEKS",
    "Phrase",
    "changes",
    "endpoints",
    "factor_label",
    "factor_phrase",
    "factors",
    "finding_q",
    "insights",
    "is_finding",
    "min_rate_nights",
    "percent",
    "stats_summary",
    "too_few",
    "too_few_for_rate",
    "trend",
    "weekly",
]

MIN_GROUP_NIGHTS = 5  # DESIGN.md: fewer exposed or unexposed nights is not enough data
MIN_OBSERVED_NIGHTS = 14  # DESIGN.md: fewer compared nights in all is not enough data
TREND_WEEKS = 4  # DESIGN.md: the last 4 weeks against the 4 before
CHANGE_WINDOW_NIGHTS = 28  # nights on each side of a change (calendar nights, observed or not)
HABIT_GAP_NIGHTS = 14  # a habit "begins" on its first night after this many nights without
BASELINE_NIGHTS = 14  # CLINICAL.md: responder status is against a 2-week baseline
MIN_RATE_NIGHTS = 7  # default of the `min_rate_nights` setting: a week's worth of logged nights
FINDING_Q = 0.10  # default of the `finding_q` setting (the BH false discovery rate)
# A day-before copy that agrees with its same-day column on at least this share of the nights
# where both are known is the same exposure seen twice (a regular medicine, a daily habit):
# it is not tested again. 95% leaves room for the start and stop days and a rare skipped day;
# an exposure that changes from day to day (water, shoes, alcohol) agrees far less often.
LAG_COPY_AGREEMENT = 0.95
LAG_SUFFIX = ":lag1"

ENDPOINT_KEYS = (
    "period_start",
    "period_end",
    "nights_in_period",
    "nights_observed",
    "completeness",
    "cramp_nights",
    "cramp_free_nights",
    "episodes",
    "cramps_per_week",
    "cramp_nights_per_week",
    "mean_severity",
    "max_severity",
    "mean_minutes",
    "woke_nights",
    "woke_known_nights",
    "enough_data",
)
FACTOR_KEYS = (
    "factor",
    "lag",
    "exposed_nights",
    "exposed_cramp_nights",
    "unexposed_nights",
    "unexposed_cramp_nights",
    "risk_ratio",
    "ci_low",
    "ci_high",
    "p_value",
    "q_value",
    "enough_data",
    "sentence",
    "finding",
    "label",
    "same_as",
    "lag1_copy",
)
TREND_KEYS = (
    "recent_nights",
    "recent_cramp_nights",
    "previous_nights",
    "previous_cramp_nights",
    "rate_ratio",
    "ci_low",
    "ci_high",
    "p_value",
    "enough_data",
)
CHANGE_KEYS = (
    "what",
    "date",
    "before_nights",
    "before_cramp_nights",
    "after_nights",
    "after_cramp_nights",
    "rate_ratio",
    "ci_low",
    "ci_high",
    "enough_data",
)

CHANCE = "This could be chance."

NOTE = (
    "A diary shows association, not cause: a factor that goes with cramp nights may share a "
    "cause with them, or change at the same time as something else. Ask a clinician before "
    "changing anything, and never stop a medicine on your own."
)


# --- small helpers -------------------------------------------------------------------------


def _day(value: date | datetime | pd.Timestamp | str) -> date:
    """A calendar date from a date, datetime, Timestamp or ISO string."""
    if isinstance(value, str):
        return date.fromisoformat(value)
    if isinstance(value, pd.Timestamp | datetime):
        return value.date()
    return value


class _Outcomes(NamedTuple):
    """The outcome columns of the nights start..end as numpy arrays (missing rows unobserved)."""

    index: pd.DatetimeIndex
    observed: np.ndarray  # bool
    cramp: np.ndarray  # bool, False on unobserved nights
    episodes: np.ndarray  # int, 0 on unobserved nights
    woke: np.ndarray  # bool, False on unobserved nights
    woke_known: np.ndarray  # bool: observed, and whether a cramp woke the person is known


def _covers(frame: pd.DataFrame, index: pd.DatetimeIndex) -> bool:
    return len(frame.index) == len(index) and bool(
        len(index) == 0 or (frame.index[0] == index[0] and frame.index[-1] == index[-1])
    )


def _rows(frame: pd.DataFrame, columns: list[str], index: pd.DatetimeIndex) -> pd.DataFrame:
    """`columns` of the frame on exactly the nights of `index` (nights outside it are NA)."""
    part = frame[columns]
    return part if _covers(frame, index) else part.reindex(index)


def _bools(series: pd.Series) -> np.ndarray:
    """A nullable boolean column as numpy bool, NA as False."""
    return series.to_numpy(dtype=bool, na_value=False)


def _outcomes(nightly: Nightly, start: date, end: date) -> _Outcomes:
    index = pd.date_range(start, end, freq="D", name="night")
    wanted = ("observed", "cramp", "episodes", "woke", "woke_known")
    present = [c for c in wanted if c in nightly.frame]
    rows = _rows(nightly.frame, present, index)
    observed = _bools(rows["observed"])
    cramp = _bools(rows["cramp"]) & observed
    if "episodes" in rows:
        episodes = rows["episodes"].to_numpy(dtype="int64", na_value=0) * observed
    else:  # a hand-made frame without counts: one episode per cramp night
        episodes = cramp.astype("int64")
    woke = (_bools(rows["woke"]) if "woke" in rows else np.zeros(len(index), bool)) & observed
    if "woke_known" in rows:
        woke_known = _bools(rows["woke_known"]) & observed
    elif "woke" in rows:  # a hand-made frame: known wherever the column is filled
        woke_known = rows["woke"].notna().to_numpy(dtype=bool) & observed
    else:
        woke_known = np.zeros(len(index), bool)
    return _Outcomes(index, observed, cramp, episodes, woke, woke_known)


def _period(nightly: Nightly, start: Any, end: Any) -> tuple[date, date]:
    """The period asked for, defaulting to the frame's; ValueError when it ends before it starts."""
    lo = _day(start) if start is not None else nightly.start
    hi = _day(end) if end is not None else nightly.end
    if hi < lo:
        raise ValueError(f"the period ends ({hi}) before it starts ({lo})")
    return lo, hi


def min_rate_nights(nightly: Nightly) -> int:
    """Logged nights a period needs before it gets a per-week rate or is compared (setting)."""
    value = nightly.settings.get("min_rate_nights", MIN_RATE_NIGHTS)
    return max(1, int(value)) if isinstance(value, int | float) else MIN_RATE_NIGHTS


def finding_q(nightly: Nightly) -> float:
    """The Benjamini-Hochberg q a factor must stay below to be called a finding (setting)."""
    value = nightly.settings.get("finding_q", FINDING_Q)
    return float(value) if isinstance(value, int | float) else FINDING_Q


def _per_week(count: int, observed: int, need: int) -> float | None:
    """Events per observed week (count / (observed nights / 7)); None with fewer than `need`
    observed nights: 2 logged nights say too little to be scaled up to a week."""
    return count / (observed / 7.0) if observed and observed >= need else None


# --- endpoints -----------------------------------------------------------------------------


def endpoints(nightly: Nightly, start: Any = None, end: Any = None) -> dict[str, Any]:
    """The trial-style endpoints of the nights `start`..`end` (default: the frame's period).

    Keys are ENDPOINT_KEYS, as `stats --json` prints them. Severity and minutes are per
    episode (mean and worst over the episodes of the period, CLINICAL.md "Diary outcome
    measures"), taken from `nightly.episodes`; a frame without an episode table falls back to
    the per-night columns (mean of the nights' means, weighted by their episode counts).
    """
    lo, hi = _period(nightly, start, end)
    out = _outcomes(nightly, lo, hi)
    nights = len(out.index)
    observed = int(out.observed.sum())
    cramp_nights = int(out.cramp.sum())
    episodes = int(out.episodes.sum())
    mean_severity, max_severity, mean_minutes = _episode_values(nightly, out.index)
    need = min_rate_nights(nightly)
    woke_known = int(out.woke_known.sum())
    return {
        "period_start": lo.isoformat(),
        "period_end": hi.isoformat(),
        "nights_in_period": nights,
        "nights_observed": observed,
        "completeness": observed / nights if nights else None,
        "cramp_nights": cramp_nights,
        "cramp_free_nights": observed - cramp_nights,
        "episodes": episodes,
        "cramps_per_week": _per_week(episodes, observed, need),
        "cramp_nights_per_week": _per_week(cramp_nights, observed, need),
        "mean_severity": mean_severity,
        "max_severity": max_severity,
        "mean_minutes": mean_minutes,
        # Unknown waking is not "not woken": None when no night's waking is known.
        "woke_nights": int((out.woke & out.woke_known).sum()) if woke_known else None,
        "woke_known_nights": woke_known,
        "enough_data": observed >= need,
    }


def _episode_values(
    nightly: Nightly, index: pd.DatetimeIndex
) -> tuple[float | None, int | float | None, float | None]:
    """Mean severity, worst severity and mean minutes over the period's episodes.

    Unrated episodes and episodes without a duration are left out of the respective figure.
    """
    table = nightly.episodes
    if table is None or "night" not in table:
        return _night_values(nightly, index)
    if table.empty:
        return None, None, None
    nights = pd.to_datetime(table["night"])
    inside = ((nights >= index[0]) & (nights <= index[-1])).to_numpy()
    sev = table["severity"].to_numpy(dtype=float, na_value=np.nan)[inside]
    mins = table["minutes"].to_numpy(dtype=float, na_value=np.nan)[inside]
    sev, mins = sev[~np.isnan(sev)], mins[~np.isnan(mins)]
    worst = float(sev.max()) if sev.size else None
    return (
        float(sev.mean()) if sev.size else None,
        int(worst) if worst is not None and worst.is_integer() else worst,
        float(mins.mean()) if mins.size else None,
    )


def _night_values(
    nightly: Nightly, index: pd.DatetimeIndex
) -> tuple[float | None, int | float | None, float | None]:
    """The fallback for a frame without an episode table (one made by hand, not by build):
    the nights' mean severities weighted by their episode counts, the worst night's severity,
    and mean minutes only where a night had a single episode (total = that episode's)."""
    rows = _rows(
        nightly.frame, ["mean_severity", "max_severity", "total_minutes", "episodes"], index
    )
    count = rows["episodes"].to_numpy(dtype=float, na_value=0.0)
    mean = rows["mean_severity"].to_numpy(dtype=float, na_value=np.nan)
    rated = ~np.isnan(mean) & (count > 0)
    mean_sev = (
        float((mean[rated] * count[rated]).sum() / count[rated].sum()) if rated.any() else None
    )
    worst_all = rows["max_severity"].to_numpy(dtype=float, na_value=np.nan)
    worst = float(np.nanmax(worst_all)) if (~np.isnan(worst_all)).any() else None
    minutes = rows["total_minutes"].to_numpy(dtype=float, na_value=np.nan)
    single = ~np.isnan(minutes) & (count == 1)
    return (
        mean_sev,
        int(worst) if worst is not None and worst.is_integer() else worst,
        float(minutes[single].mean()) if single.any() else None,
    )


def stats_summary(
    nightly: Nightly,
    start: Any = None,
    end: Any = None,
    baseline_start: Any = None,
) -> dict[str, Any]:
    """`endpoints` of the period, `previous` (the period of equal length just before it) and
    `responder` status against a 2-week baseline starting at `baseline_start` (None when no
    baseline is set).

    Responder (CLINICAL.md, Cochrane reviews): at least 25% / 50% fewer cramps per week in the
    period than in the baseline. `responder` holds baseline_start, baseline_end,
    baseline_nights_observed, baseline_cramps_per_week, cramps_per_week, reduction (1 - period /
    baseline), responder_25 and responder_50; those that cannot be computed (no observed night
    in either window, or no cramps in the baseline to be fewer than) are None.
    """
    lo, hi = _period(nightly, start, end)
    length = (hi - lo).days + 1
    summary = endpoints(nightly, lo, hi)
    summary["previous"] = endpoints(nightly, lo - timedelta(days=length), lo - timedelta(days=1))
    summary["responder"] = None
    # The threshold behind every `enough_data` here, so that a reader can say "need 7".
    summary["min_rate_nights"] = min_rate_nights(nightly)
    if baseline_start:
        summary["responder"] = _responder(nightly, _day(baseline_start), summary)
    return summary


def _responder(nightly: Nightly, first: date, period: dict[str, Any]) -> dict[str, Any]:
    last = first + timedelta(days=BASELINE_NIGHTS - 1)
    base = endpoints(nightly, first, last)
    before, now = base["cramps_per_week"], period["cramps_per_week"]
    reduction = None
    if before and now is not None:
        reduction = 1.0 - now / before
    return {
        "baseline_start": first.isoformat(),
        "baseline_end": last.isoformat(),
        "baseline_nights_observed": base["nights_observed"],
        "baseline_cramps_per_week": before,
        "cramps_per_week": now,
        "reduction": reduction,
        "responder_25": None if reduction is None else reduction >= 0.25,
        "responder_50": None if reduction is None else reduction >= 0.50,
    }


# --- factor insights -----------------------------------------------------------------------


class Phrase(NamedTuple):
    """How a sentence names an exposure: "nights {after}", "N nights {with_}", "{without}"."""

    after: str
    with_: str
    without: str
    topic: str


_ACTIVITY_NAMES = {
    "strength": "strength training",
    "balance": "balance exercises",
    "flexibility": "flexibility exercises",
    "cardio": "cardio",
    "walking": "walking",
}


def factor_phrase(name: str, settings: dict[str, Any] | None = None) -> Phrase:
    """Plain words for an exposure column (DESIGN.md "Default exposures"), `:lag1` included."""
    settings = settings or {}
    base, lagged = (name[: -len(LAG_SUFFIX)], True) if name.endswith(LAG_SUFFIX) else (name, False)
    phrase = _base_phrase(base, settings)
    if not lagged:
        return phrase
    tail = " the day before"
    return Phrase(phrase.after + tail, phrase.with_ + tail, phrase.without + tail, phrase.topic)


def _base_phrase(name: str, settings: dict[str, Any]) -> Phrase:
    water = present.water_limit(
        float(settings.get("low_water_ml", 1500)), str(settings.get("units", "metric"))
    )
    sitting = f"{float(settings.get('long_sitting_hours', 8.0)):g} hours"
    fixed = {
        "low_water": Phrase(
            f"after less than {water} of water",
            f"with less than {water} of water",
            f"with {water} of water or more",
            "water",
        ),
        "alcohol": Phrase("after alcohol", "with alcohol", "without alcohol", "alcohol"),
        "caffeine": Phrase("after caffeine", "with caffeine", "without caffeine", "caffeine"),
        "no_exercise": Phrase(
            "after a day without exercise", "without exercise", "with exercise", "exercise"
        ),
        "stretched": Phrase(
            "after stretching before bed",
            "with stretching before bed",
            "without stretching before bed",
            "stretching",
        ),
        "long_sitting": Phrase(
            f"after sitting {sitting} or more",
            f"with {sitting} or more of sitting",
            f"with less than {sitting} of sitting",
            "sitting",
        ),
        "tight_shoes": Phrase(
            "after wearing tight shoes", "with tight shoes", "without tight shoes", "shoes"
        ),
        "heels": Phrase("after wearing heels", "with heels", "without heels", "shoes"),
        "listed_medication": Phrase(
            "while taking a medicine on the cramp-associated list",
            "on a listed medicine",
            "without a listed medicine",
            "medicines",
        ),
    }
    if name in fixed:
        return fixed[name]
    kind, _, detail = name.partition(":")
    if kind == "exercise" and detail:
        what = _ACTIVITY_NAMES.get(detail, detail)
        return Phrase(f"after a day with {what}", f"with {what}", f"without {what}", what)
    if kind == "shoes" and detail:
        return Phrase(f"after wearing {detail}", f"with {detail}", f"without {detail}", "shoes")
    if kind == "medication" and detail:
        return Phrase(f"while taking {detail}", f"on {detail}", f"without {detail}", detail)
    if kind == "factor" and detail:
        return _own_phrase(detail, settings)
    return Phrase(f"with {name}", f"with {name}", f"without {name}", name)


def _own_threshold(name: str, settings: dict[str, Any]) -> tuple[str, str] | None:
    """("under", "6 h") for a number factor exposed below 6 h ("over" for above); None for
    a yes/no factor or one this run does not know."""
    spec = settings.get("own_factors", {}).get(name)
    if not spec or spec.get("kind") != "number":
        return None
    if spec.get("exposed_below") is not None:
        return "under", present.factor_value(spec["exposed_below"], "number", spec.get("unit"))
    return "over", present.factor_value(spec["exposed_above"], "number", spec.get("unit"))


def _own_phrase(name: str, settings: dict[str, Any]) -> Phrase:
    """An own factor in a sentence: "after a day with leg elevated"; a number factor says
    its threshold: "after sleep under 6 h", against "sleep of 6 h or more"."""
    threshold = _own_threshold(name, settings)
    if threshold is None:
        return Phrase(f"after a day with {name}", f"with {name}", f"without {name}", name)
    side, value = threshold
    other = f"{value} or more" if side == "under" else f"{value} or less"
    return Phrase(
        f"after {name} {side} {value}",
        f"with {name} {side} {value}",
        f"with {name} of {other}",
        name,
    )


_ratio_text = present.ratio
percent = present.percent


def _nights(n: int) -> str:
    if n == 0:
        return "No nights"
    return f"{n} night" if n == 1 else f"{n} nights"


def _factor_sentence(row: dict[str, Any], phrase: Phrase) -> str:
    n1, n0 = row["exposed_nights"], row["unexposed_nights"]
    if n1 < MIN_GROUP_NIGHTS:
        return f"{_nights(n1)} {phrase.with_} so far; need at least {MIN_GROUP_NIGHTS}."
    if n0 < MIN_GROUP_NIGHTS:
        return (
            f"{_nights(n0)} {phrase.without} so far; need at least {MIN_GROUP_NIGHTS} "
            "to compare with."
        )
    if n1 + n0 < MIN_OBSERVED_NIGHTS:
        return (
            f"{n1 + n0} logged nights with {phrase.topic} recorded so far; need at least "
            f"{MIN_OBSERVED_NIGHTS}."
        )
    rr = row["risk_ratio"]
    text = _ratio_text(rr)
    how = "about as often" if text == "1.0" else f"{text} times as often"
    ci = f"95% CI {_ratio_text(row['ci_low'])} to {_ratio_text(row['ci_high'])}"
    text = (
        f"Cramps came on {percent(row['exposed_cramp_nights'], n1)} of nights {phrase.after}, "
        f"against {percent(row['unexposed_cramp_nights'], n0)} otherwise: {how} ({ci})."
    )
    # Everything short of a finding is said to be possibly chance, in those words.
    return text if row["finding"] else text + " " + CHANCE


def is_finding(factor: dict[str, Any], q_below: float = FINDING_Q) -> bool:
    """The one rule for a finding (docs/definitions.md): enough data, and a Benjamini-Hochberg
    q below the `finding_q` setting. A row from `factors` carries the answer as `finding`
    (computed with the diary's own setting); `q_below` is for rows made by hand."""
    if "finding" in factor:
        return bool(factor["finding"])
    q = factor.get("q_value")
    return bool(factor["enough_data"]) and q is not None and q < q_below


def _noun(name: str, settings: dict[str, Any]) -> str:
    """A short person-readable name of one exposure column, "(the day before)" excluded."""
    water = present.water_limit(
        float(settings.get("low_water_ml", 1500)), str(settings.get("units", "metric"))
    )
    sitting = f"{float(settings.get('long_sitting_hours', 8.0)):g} hours"
    fixed = {
        "low_water": f"less than {water} of water",
        "alcohol": "alcohol",
        "caffeine": "caffeine",
        "no_exercise": "no exercise",
        "stretched": "stretching before bed",
        "long_sitting": f"sitting {sitting} or more",
        "tight_shoes": "tight shoes",
        "heels": "heels",
        "listed_medication": "a medicine on the cramp-associated list",
    }
    if name in fixed:
        return fixed[name]
    kind, _, detail = name.partition(":")
    if kind == "exercise" and detail:
        return _ACTIVITY_NAMES.get(detail, detail)
    if kind == "factor" and detail:
        threshold = _own_threshold(detail, settings)
        return f"{detail} {' '.join(threshold)}" if threshold else detail
    if kind in ("shoes", "medication") and detail:
        return detail
    return name


# What a general exposure means when it has turned out to be one specific one (its column is
# identical to that pair's or that medicine's): "work boots (your tight pair)".
_SAME_AS_SPECIFIC = {
    ("shoes", "tight_shoes"): "your tight pair",
    ("shoes", "heels"): "your only heels",
    ("medication", "listed_medication"): "your only listed medicine",
}


def _split_lag(name: str) -> tuple[str, bool]:
    return (name[: -len(LAG_SUFFIX)], True) if name.endswith(LAG_SUFFIX) else (name, False)


def _primary(names: list[str]) -> str:
    """The member a merged row is named after: the first in the frame's order (which puts a
    pair before "tight shoes" and a medicine before "a listed medicine")."""
    return names[0]


def factor_label(names: list[str], settings: dict[str, Any] | None = None) -> str:
    """The person-readable name of a factor row: its columns, the first one first.
    ["shoes:work boots", "tight_shoes"] reads "work boots (your tight pair)"; ["tight_shoes",
    "heels"] "tight shoes (same nights as heels)"; a `:lag1` row ends "the day before"."""
    settings = settings or {}
    primary = _primary(names)
    lagged = _split_lag(primary)[1]
    ordered = [primary, *(n for n in names if n != primary)]
    # A general column that is one specific one ("tight shoes" = this pair) qualifies it.
    notes: dict[str, list[str]] = {n: [] for n in ordered}
    rest = []
    for name in ordered[1:]:
        base, name_lagged = _split_lag(name)
        owner = next(
            (
                o
                for o in ordered
                if _split_lag(o)[1] == name_lagged
                and (_split_lag(o)[0].partition(":")[0], base) in _SAME_AS_SPECIFIC
            ),
            None,
        )
        if owner is None:
            rest.append(name)
        else:
            key = (_split_lag(owner)[0].partition(":")[0], base)
            notes[owner].append(_SAME_AS_SPECIFIC[key])

    def part(name: str) -> str:
        base, name_lagged = _split_lag(name)
        text = _noun(base, settings)
        if notes[name]:
            text += f" ({'; '.join(notes[name])})"
        return text + (" the day before" if name_lagged and name_lagged != lagged else "")

    label = part(primary)
    others = [part(n) for n in rest if n in notes]
    if others:
        joined = present.listing(others)
        nested = "(" in joined or "(" in label
        label += f"; same nights as {joined}" if nested else f" (same nights as {joined})"
    return label + (" the day before" if lagged else "")


def _exposure_matrix(frame: pd.DataFrame, names: list[str], out: _Outcomes) -> np.ndarray:
    """Nights x exposures as float: 1 exposed, 0 not, NaN unknown or the night not observed."""
    rows = _rows(frame, names, out.index)
    matrix = np.column_stack(
        [rows[name].to_numpy(dtype="float64", na_value=np.nan) for name in names]
    )
    matrix[~out.observed] = np.nan
    return matrix


def _exposure_counts(matrix: np.ndarray, out: _Outcomes) -> tuple[np.ndarray, ...]:
    """Per exposure: exposed nights, exposed cramp nights, unexposed, unexposed cramp nights.

    One pass over the matrix: a night counts for an exposure only when it is observed and the
    exposure is known (not NA) that day.
    """
    exposed = matrix == 1.0
    unexposed = matrix == 0.0
    cramp = out.cramp[:, None]
    return (
        exposed.sum(axis=0),
        (exposed & cramp).sum(axis=0),
        unexposed.sum(axis=0),
        (unexposed & cramp).sum(axis=0),
    )


def _lag_copies(names: list[str], matrix: np.ndarray) -> set[int]:
    """Columns `X:lag1` that agree with `X` on LAG_COPY_AGREEMENT of the nights where both
    are known: the same exposure seen twice, so not tested a second time."""
    where = {name: i for i, name in enumerate(names)}
    copies = set()
    for j, name in enumerate(names):
        base, lagged = _split_lag(name)
        if not lagged or base not in where:
            continue
        a, b = matrix[:, where[base]], matrix[:, j]
        both = ~np.isnan(a) & ~np.isnan(b)
        known = int(both.sum())
        if known and int((a[both] == b[both]).sum()) >= LAG_COPY_AGREEMENT * known:
            copies.add(j)
    return copies


def _identical_groups(names: list[str], matrix: np.ndarray, skip: set[int]) -> list[list[int]]:
    """Columns with the same known/unknown pattern and the same values on every compared
    night, grouped (each group in the frame's order; groups in order of their first column).
    Identical columns give identical tables: one test, not two.

    A column that never varies (every known night "no", or every one "yes") stays a row of
    its own: two factors that simply never happened are not "the same nights". The exception
    is a general column that is one specific one by construction (the only tight pair and
    "tight shoes", the only listed medicine and "a listed medicine")."""
    codes = np.where(np.isnan(matrix), 2, matrix).astype(np.int8)
    groups: dict[bytes | int, list[int]] = {}
    for j in range(len(names)):
        if j in skip:
            continue
        pattern = codes[:, j].tobytes()
        known = codes[:, j][codes[:, j] != 2]
        if known.size and known.min() != known.max():
            groups.setdefault(pattern, []).append(j)
            continue
        # A constant column joins a constant group only when it is that one column by
        # construction, and no second column of the same kind could be the one; and never
        # when both are all "no": a pair never worn is not "your only heels".
        homes = [
            g
            for key, g in groups.items()
            if isinstance(key, int)
            and (known == 1).any()
            and codes[:, key].tobytes() == pattern
            and _one_by_construction(names[key], names[j])
        ]
        if len(homes) == 1:
            homes[0].append(j)
        else:
            groups[j] = [j]
    return list(groups.values())


def _one_by_construction(first: str, second: str) -> bool:
    """Whether `second` (a general column) is `first` (a specific one) for a structural
    reason: a pair and "tight shoes" when it is the only tight pair, and the like."""
    (a, a_lag), (b, b_lag) = _split_lag(first), _split_lag(second)
    return a_lag == b_lag and (a.partition(":")[0], b) in _SAME_AS_SPECIFIC


def factors(nightly: Nightly, start: Any = None, end: Any = None) -> list[dict[str, Any]]:
    """One object per distinct exposure of the frame (lag 0 and lag 1), keys FACTOR_KEYS.

    Columns identical over the period's observed nights are one row, named after its first
    specific member (`factor`, `lag`), with the others in `same_as` (full column names) and a
    `label` that names them all. A `:lag1` column that is a near-copy of its lag-0 column
    (LAG_COPY_AGREEMENT) is left out, and the lag-0 row says so (`lag1_copy`).

    The risk ratio, CI and Fisher p are computed whenever both groups have a night (None
    otherwise); q is Benjamini-Hochberg over every row with a p in this call. `finding` is
    `enough_data` and q below the `finding_q` setting. Order is the frame's exposure order.
    """
    lo, hi = _period(nightly, start, end)
    out = _outcomes(nightly, lo, hi)
    names = [n for n in nightly.exposures if n in nightly.frame.columns]
    if not names:
        return []
    matrix = _exposure_matrix(nightly.frame, names, out)
    copies = _lag_copies(names, matrix)
    copied = {_split_lag(names[j])[0] for j in copies}
    groups = _identical_groups(names, matrix, copies)
    firsts = [g[0] for g in groups]
    n1s, a1s, n0s, a0s = (c.tolist() for c in _exposure_counts(matrix[:, firsts], out))
    settings = nightly.settings
    rows: list[dict[str, Any]] = []
    for group, n1, a1, n0, a0 in zip(groups, n1s, a1s, n0s, a0s, strict=True):
        members = [names[j] for j in group]
        name = _primary(members)
        rr: stats.RiskRatio = stats.RiskRatio(None, None, None)
        p: float | None = None
        if n1 and n0:
            rr = stats.risk_ratio(a1, n1 - a1, a0, n0 - a0)
            p = stats.fisher_exact(a1, n1 - a1, a0, n0 - a0)
        base, lagged = _split_lag(name)
        row: dict[str, Any] = {
            "factor": base,
            "lag": 1 if lagged else 0,
            "exposed_nights": n1,
            "exposed_cramp_nights": a1,
            "unexposed_nights": n0,
            "unexposed_cramp_nights": a0,
            "risk_ratio": rr.rr,
            "ci_low": rr.ci_low,
            "ci_high": rr.ci_high,
            "p_value": p,
            "q_value": None,
            "enough_data": n1 >= MIN_GROUP_NIGHTS
            and n0 >= MIN_GROUP_NIGHTS
            and n1 + n0 >= MIN_OBSERVED_NIGHTS,
            "sentence": "",
            "finding": False,
            "label": factor_label(members, settings),
            "same_as": [m for m in members if m != name],
            "lag1_copy": not lagged and any(_split_lag(m)[0] in copied for m in members),
        }
        rows.append(row)
    q_below = finding_q(nightly)
    for row, q in zip(rows, stats.benjamini_hochberg([r["p_value"] for r in rows]), strict=True):
        row["q_value"] = q
        row["finding"] = bool(row["enough_data"] and q is not None and q < q_below)
        name = row["factor"] + (LAG_SUFFIX if row["lag"] else "")
        row["sentence"] = _factor_sentence(row, factor_phrase(name, settings))
        if row["same_as"]:
            note = _same_nights_note(row["same_as"], settings)
            head, chance, _ = row["sentence"].partition(" This could be chance.")
            row["sentence"] = f"{head} {note}{chance}"
    return rows


def _same_nights_note(others: list[str], settings: dict[str, Any]) -> str:
    """Says which other columns a merged row stands for, so a sentence quoted on its own
    (the weekly report's findings) still names them all."""
    nouns = []
    for name in others:
        base, lagged = _split_lag(name)
        nouns.append(_noun(base, settings) + (" the day before" if lagged else ""))
    joined = present.listing(nouns)
    return f"The same nights as {joined}, so the diary cannot tell which of them matters."


def insights(nightly: Nightly, start: Any = None, end: Any = None) -> dict[str, Any]:
    """Factors, trend and before/after changes of the period (default: the frame's period).

    Keys: factors (see `factors`), trend (see `trend`, ending at the period's end), changes
    (see `changes`), completeness, nights_observed, nights_in_period, period_start,
    period_end, and note (association, not cause).
    """
    lo, hi = _period(nightly, start, end)
    out = _outcomes(nightly, lo, hi)
    nights = len(out.index)
    observed = int(out.observed.sum())
    return {
        "period_start": lo.isoformat(),
        "period_end": hi.isoformat(),
        "nights_in_period": nights,
        "nights_observed": observed,
        "completeness": observed / nights if nights else None,
        "factors": factors(nightly, lo, hi),
        "trend": trend(nightly, hi, start=lo),
        "changes": changes(nightly, lo, hi),
        "note": NOTE,
    }


# --- trend ---------------------------------------------------------------------------------


def trend(
    nightly: Nightly, end: Any = None, *, weeks: int = TREND_WEEKS, start: Any = None
) -> dict[str, Any]:
    """The last `weeks` weeks up to `end` against the `weeks` weeks before (DESIGN.md trend).

    Counts are observed nights and cramp nights in each window; the rate ratio (cramp nights
    per observed night, recent / previous), its exact CI and the exact conditional (binomial)
    p come from `stats.poisson_rate_ratio(recent_cramp_nights, recent_nights,
    previous_cramp_nights, previous_nights)`. A window with no observed night leaves them None.
    Nights before `start` (default: the frame's first night) count as not observed. Keys are
    TREND_KEYS plus `sentence`.
    """
    hi = _day(end) if end is not None else nightly.end
    lo = _day(start) if start is not None else nightly.start
    span = 7 * weeks
    previous_lo = hi - timedelta(days=2 * span - 1)
    out = _outcomes(nightly, previous_lo, hi)
    inside = out.index >= pd.Timestamp(lo)
    observed, cramp = out.observed & inside, out.cramp & inside
    t0, k0 = int(observed[:span].sum()), int(cramp[:span].sum())
    t1, k1 = int(observed[span:].sum()), int(cramp[span:].sum())
    result: dict[str, Any] = {
        "recent_nights": t1,
        "recent_cramp_nights": k1,
        "previous_nights": t0,
        "previous_cramp_nights": k0,
        "rate_ratio": None,
        "ci_low": None,
        "ci_high": None,
        "p_value": None,
        "enough_data": min(t0, t1) >= min_rate_nights(nightly),
    }
    if result["enough_data"]:
        rr = stats.poisson_rate_ratio(k1, t1, k0, t0)
        result.update(rate_ratio=rr.ratio, ci_low=rr.ci_low, ci_high=rr.ci_high, p_value=rr.p_value)
    result["sentence"] = _trend_sentence(result, weeks, min_rate_nights(nightly))
    return result


def _logged_nights(n: int) -> str:
    return f"{n} night logged" if n == 1 else f"{n} nights logged"


def too_few(counts: dict[str, int], need: int, what: str) -> str:
    """Why periods are not compared or rated: "only 2 nights logged in the 4 weeks before: too
    few to compare (at least 7 are needed in each)". `counts` maps each period's words to its
    logged nights; "" when every period has enough."""
    short = [
        f"no nights logged {words}" if n == 0 else f"only {_logged_nights(n)} {words}"
        for words, n in counts.items()
        if n < need
    ]
    if not short:
        return ""
    each = " in each" if len(counts) > 1 else ""
    return f"{' and '.join(short)}: too few to {what} (at least {need} are needed{each})"


def too_few_for_rate(nights: int, need: int) -> str:
    """ "only 2 nights logged: too few for a weekly rate (at least 7 are needed)"."""
    lead = "no nights logged" if nights == 0 else f"only {_logged_nights(nights)}"
    return f"{lead}: too few for a weekly rate (at least {need} are needed)"


def _trend_sentence(t: dict[str, Any], weeks: int, need: int) -> str:
    t1, k1, t0, k0 = (
        t["recent_nights"],
        t["recent_cramp_nights"],
        t["previous_nights"],
        t["previous_cramp_nights"],
    )
    if not t["enough_data"]:
        why = too_few(
            {f"in the last {weeks} weeks": t1, f"in the {weeks} weeks before": t0},
            need,
            f"compare the last {weeks} weeks with the {weeks} before",
        )
        return why[0].upper() + why[1:] + "."
    head = (
        f"In the last {weeks} weeks cramps came on {k1} of {t1} logged nights "
        f"({percent(k1, t1)}), against {k0} of {t0} ({percent(k0, t0)}) in the {weeks} "
        "weeks before"
    )
    return head + _rate_tail(t)


def _rate_tail(t: dict[str, Any]) -> str:
    """The end of a rate sentence: ": 1.8 times the rate (95% CI 0.6 to 6.4)."; a 95% CI that
    includes 1 adds that it could be chance. The p value stays in the JSON only: a person
    reads the CI and the plain words."""
    low, high = t["ci_low"], t["ci_high"]
    clear = (low is not None and low > 1.0) or (high is not None and high < 1.0)
    chance = "" if clear else " " + CHANCE
    if t["rate_ratio"] is None:
        if t["ci_low"] is None:
            return ": no cramp nights in either, so nothing to compare."
        low = _ratio_text(t["ci_low"])
        return f": none before, so no ratio (95% CI at least {low} times the rate)." + chance
    text = _ratio_text(t["rate_ratio"])
    how = "about the same rate" if text == "1.0" else f"{text} times the rate"
    high = "infinity" if t["ci_high"] is None else _ratio_text(t["ci_high"])
    return f": {how} (95% CI {_ratio_text(t['ci_low'])} to {high})." + chance


# --- before / after ------------------------------------------------------------------------


def changes(nightly: Nightly, start: Any = None, end: Any = None) -> list[dict[str, Any]]:
    """Before/after comparisons around each change inside the period, in date order.

    Changes: each regular medicine started or stopped (as-needed medicines are compared as
    factors instead), and each habit begun: the first night with stretching before bed logged
    after HABIT_GAP_NIGHTS (14) nights without it, at least half of which were logged as
    "no stretching" (so that a gap in the diary is not read as a new habit).

    `date` is the first night of the "after" side: the start date, or the day after the last
    day a stopped medicine was taken. The windows are up to CHANGE_WINDOW_NIGHTS (28) calendar
    nights, observed or not, on each side, cut at the period's edges: before = the 28 nights
    up to date - 1, after = date to date + 27. Counts are observed nights and cramp nights;
    the rate ratio (after / before) and its exact CI come from `stats.poisson_rate_ratio`.
    Keys are CHANGE_KEYS plus `sentence`, which says that a diary cannot prove cause.
    """
    lo, hi = _period(nightly, start, end)
    out = _outcomes(nightly, lo, hi)
    events = _medicine_events(nightly, lo, hi) + _habit_events(nightly, out)
    events.sort(key=lambda e: (e[1], e[0]))
    need = min_rate_nights(nightly)
    return [_compare(out, what, when, kind, need) for what, when, kind in events]


def _medicine_events(nightly: Nightly, lo: date, hi: date) -> list[tuple[str, date, str]]:
    events = []
    for med in nightly.medications:
        if med.get("as_needed"):
            continue
        started, stopped = med.get("started"), med.get("stopped")
        if started is not None and lo < _day(started) <= hi:
            events.append((f"started {med['name']}", _day(started), "medicine"))
        if stopped is not None and lo < _day(stopped) + timedelta(days=1) <= hi:
            events.append((f"stopped {med['name']}", _day(stopped) + timedelta(days=1), "medicine"))
    return events


def _habit_events(nightly: Nightly, out: _Outcomes) -> list[tuple[str, date, str]]:
    if "stretched" not in nightly.frame.columns:
        return []
    column = _rows(nightly.frame, ["stretched"], out.index)["stretched"]
    done = column.to_numpy(dtype="float64", na_value=np.nan)
    yes = np.nan_to_num(done, nan=0.0) == 1.0
    no = done == 0.0
    gap = HABIT_GAP_NIGHTS
    if len(yes) <= gap:
        return []
    # Counts over the `gap` nights before each night, from cumulative sums (vectorised).
    yes_before, no_before = _sum_before(yes, gap), _sum_before(no, gap)
    begins = yes & (np.arange(len(yes)) >= gap) & (yes_before == 0) & (no_before >= gap / 2)
    return [
        ("began stretching before bed", out.index[i].date(), "habit")
        for i in np.flatnonzero(begins)
    ]


def _sum_before(flags: np.ndarray, width: int) -> np.ndarray:
    """For each i, how many of flags[i - width : i] are true (fewer at the start)."""
    total = np.concatenate(([0], np.cumsum(flags, dtype="int64")))
    i = np.arange(len(flags))
    return total[i] - total[np.maximum(0, i - width)]


def _compare(out: _Outcomes, what: str, when: date, kind: str, need: int) -> dict[str, Any]:
    at = int((pd.Timestamp(when) - out.index[0]).days)
    width = CHANGE_WINDOW_NIGHTS
    before = slice(max(0, at - width), at)
    after = slice(at, min(len(out.index), at + width))
    t0, k0 = int(out.observed[before].sum()), int(out.cramp[before].sum())
    t1, k1 = int(out.observed[after].sum()), int(out.cramp[after].sum())
    row: dict[str, Any] = {
        "what": what,
        "date": when.isoformat(),
        "before_nights": t0,
        "before_cramp_nights": k0,
        "after_nights": t1,
        "after_cramp_nights": k1,
        "rate_ratio": None,
        "ci_low": None,
        "ci_high": None,
        "enough_data": min(t0, t1) >= need,
    }
    if row["enough_data"]:
        rr = stats.poisson_rate_ratio(k1, t1, k0, t0)
        row.update(rate_ratio=rr.ratio, ci_low=rr.ci_low, ci_high=rr.ci_high)
    row["sentence"] = _change_sentence(row, kind, need)
    return row


def _change_sentence(row: dict[str, Any], kind: str, need: int) -> str:
    what = row["what"][0].upper() + row["what"][1:]
    when = date.fromisoformat(row["date"])
    head = f"{what} on {present.day(when)}"
    if kind == "medicine" and row["what"].startswith("stopped"):
        last = when - timedelta(days=1)
        head = f"{what} (last taken {present.day(last)})"
    caveat = (
        " Other things may have changed at the same time; a diary cannot prove the "
        f"{'medicine' if kind == 'medicine' else 'habit'} was the cause."
    )
    t0, k0, t1, k1 = (
        row["before_nights"],
        row["before_cramp_nights"],
        row["after_nights"],
        row["after_cramp_nights"],
    )
    if not row["enough_data"]:
        why = too_few(
            {f"in the {CHANGE_WINDOW_NIGHTS} nights before": t0, "from then": t1}, need, "compare"
        )
        return f"{head}: {why}." + caveat
    body = (
        f"{head}: cramps on {k0} of {t0} logged nights ({percent(k0, t0)}) in the "
        f"{CHANGE_WINDOW_NIGHTS} nights before, {k1} of {t1} ({percent(k1, t1)}) in the "
        f"{CHANGE_WINDOW_NIGHTS} nights from then"
    )
    tail = _rate_tail(
        {"rate_ratio": row["rate_ratio"], "ci_low": row["ci_low"], "ci_high": row["ci_high"]}
    )
    return body + tail + caveat


# --- weekly table --------------------------------------------------------------------------


def weekly(nightly: Nightly) -> pd.DataFrame:
    """One row per ISO week (index `week`: its Monday) over the frame's nights.

    Columns: nights (of the period in that week; the first and last weeks may be partial),
    observed, completeness, cramp_nights, cramp_free_nights, episodes, woke_nights,
    max_severity (Float64, NA without a rated cramp), cramps_per_week and
    cramp_nights_per_week (per observed week: count / (observed / 7); NaN with no observed
    night).
    """
    out = _outcomes(nightly, nightly.start, nightly.end)
    week = out.index - pd.to_timedelta(out.index.day_of_week, unit="D")
    sev = _rows(nightly.frame, ["max_severity"], out.index)["max_severity"]
    table = pd.DataFrame(
        {
            "nights": np.ones(len(out.index), dtype="int64"),
            "observed": out.observed.astype("int64"),
            "cramp_nights": out.cramp.astype("int64"),
            "episodes": out.episodes.astype("int64"),
            "woke_nights": out.woke.astype("int64"),
            "max_severity": sev.to_numpy(dtype="float64", na_value=np.nan),
        },
        index=out.index,
    )
    grouped = table.groupby(pd.DatetimeIndex(week, name="week"))
    result = grouped[["nights", "observed", "cramp_nights", "episodes", "woke_nights"]].sum()
    result["max_severity"] = grouped["max_severity"].max().astype("Float64")
    result["cramp_free_nights"] = result["observed"] - result["cramp_nights"]
    result["completeness"] = result["observed"] / result["nights"]
    weeks_observed = result["observed"].where(result["observed"] > 0) / 7.0
    result["cramps_per_week"] = result["episodes"] / weeks_observed
    result["cramp_nights_per_week"] = result["cramp_nights"] / weeks_observed
    order = [
        "nights",
        "observed",
        "completeness",
        "cramp_nights",
        "cramp_free_nights",
        "episodes",
        "woke_nights",
        "max_severity",
        "cramps_per_week",
        "cramp_nights_per_week",
    ]
    return result[order]
