"""Provider-visit flags: the rules of the clinical brief evaluated over the nightly frame.

`evaluate` is pure: it reads a `frame.Nightly` (built over the whole diary, the default of
`frame.build`), the profile's condition ids and the user's medicine aliases, and returns a
`Check`: the flags that tripped, most pressing first, and the ids of every rule it evaluated.
Nothing here runs SQL or prints.

Decisions that hold for every rule:

- **Windows end at the last night.** The last night is the night that ended this morning
  (`today - 1 day`: the night of 22 Nov is over by the morning of 23 Nov), or a later night if
  one is already logged (a cramp logged before midnight belongs to tonight). Windows do not
  end at the most recent *logged* night: a diary left alone for a month is not re-read as if
  the month had not passed, and `Check.last_logged` lets the caller say how stale the diary is.
- **Missing nights are unknown.** A night with nothing recorded is neither cramp-free nor a
  cramp night: counts use observed nights only, rates are per observed night, and a week with
  no observed night has no cramp night, so it breaks a "weeks running" run. Nights outside
  the frame count as missing.
- **Weeks** are 7-night blocks counted back from the last night, not calendar weeks, so the
  newest week is always complete.
- **One-off events** (a long cramp, warning signs) are looked for in the last `RECENT_DAYS`
  nights, so a flag fades once it is no longer recent.
- A count threshold set to 0 is treated as 1: a flag always rests on at least one cramp.

Wording: every message says what tripped the rule in numbers and dates and never diagnoses;
the advice comes from the rule and says "consider" or "ask"; medicines are never to be
started, stopped or changed on one's own (knowledge.MEDICATION_ADVICE).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from cramplog import knowledge, present, stats
from cramplog.frame import Nightly

__all__ = [
    "BASELINE_NIGHTS",
    "DAY_RISK_FACTORS",
    "RECENT_DAYS",
    "RISK_FACTORS",
    "Check",
    "Flag",
    "evaluate",
    "last_night_for",
    "rule_ids",
]

# Looking back 4 weeks for one-off events: the longest window of the weekly rules, so a long
# cramp or a swollen leg stays in view for as long as a pattern of cramps would.
RECENT_DAYS = 28

# The 2-week baseline that trial diaries use (CLINICAL.md, "responder"): the default of the
# new-medicine rule's `new_medicine_free_nights` (cramp-free nights logged after a start
# before the first cramp), kept as a name for callers.
BASELINE_NIGHTS = 14

# Day factors that count as a risk factor when true (DESIGN.md names; lag 0: day D for night
# D). Protective or neutral factors (stretched, exercise:<kind>, shoes:<name>) are not here.
DAY_RISK_FACTORS: tuple[str, ...] = (
    "low_water",
    "alcohol",
    "caffeine",
    "no_exercise",
    "long_sitting",
    "tight_shoes",
    "heels",
)
# The medicine list is taken as complete every day, so listed_medication is always known;
# it can rule a night out, but it alone does not make a night's factors "logged".
RISK_FACTORS: tuple[str, ...] = (*DAY_RISK_FACTORS, "listed_medication")


@dataclass(frozen=True)
class Flag:
    """One rule that tripped, with the numbers behind it and what to consider doing."""

    rule: str
    level: str
    title: str
    message: str
    since: date | None
    evidence: dict[str, Any]
    advice: str
    source: str
    source_keys: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the keys of `check --json` plus title, level label, advice, source keys."""
        return {
            "rule": self.rule,
            "level": self.level,
            "level_label": knowledge.level_label(self.level),
            "title": self.title,
            "message": self.message,
            "since": self.since.isoformat() if self.since else None,
            "evidence": self.evidence,
            "advice": self.advice,
            "source": self.source,
            "source_keys": list(self.source_keys),
        }


@dataclass(frozen=True)
class Check:
    """The result of evaluating every rule."""

    flags: list[Flag]
    checked: list[str]
    last_night: date
    last_logged: date | None
    # Observed nights among the last RECENT_DAYS nights, for "how complete is this".
    recent_logged: int
    recent_nights: int = RECENT_DAYS
    conditions: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Windows over the frame


@dataclass(frozen=True)
class _Ctx:
    """What every rule evaluator needs."""

    nightly: Nightly
    last_night: date
    conditions: tuple[knowledge.Condition, ...]
    aliases: dict[str, str]

    def setting(self, name: str) -> float:
        value = self.nightly.settings.get(name)
        if value is None or isinstance(value, bool):
            value = knowledge.default_thresholds()[name]
        return float(value)

    def count(self, name: str) -> int:
        """A count threshold: at least 1, so that a flag rests on at least one cramp."""
        return max(1, round(self.setting(name)))

    @property
    def rate_nights(self) -> int:
        """Logged nights each period needs before periods are compared (`min_rate_nights`)."""
        value = self.nightly.settings.get("min_rate_nights", 7)
        return max(1, int(value)) if isinstance(value, int | float) else 7

    def days(self, name: str) -> int:
        return max(1, round(self.setting(name)))

    def window(self, start: date, end: date) -> pd.DataFrame:
        return _window(self.nightly.frame, start, end)

    def recent(self, days: int) -> pd.DataFrame:
        return self.window(self.last_night - timedelta(days=days - 1), self.last_night)


def _window(frame: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """The frame's rows for nights start..end, nights outside the frame added as missing."""
    index = pd.date_range(start, end, freq="D", name="night")
    # An empty window (start after end) has no first night to slice from.
    inside = len(index) and len(frame.index)
    if inside and index[0] >= frame.index[0] and index[-1] <= frame.index[-1]:
        # Inside the frame (the usual case): a slice, not a copy of ten years realigned.
        rows = frame.loc[index[0] : index[-1]].copy()
        rows["observed"] = rows["observed"].eq(True)
        return rows
    rows = frame.reindex(index)
    # Reindexing turns the bool `observed` into object with NaN for the added nights.
    rows["observed"] = rows["observed"].eq(True) if "observed" in rows else False
    return rows


def _true(rows: pd.DataFrame, column: str) -> pd.Series:
    """The column as plain bool with unknown as False (for counting, never for "no")."""
    if column not in rows:
        return pd.Series(False, index=rows.index)
    return rows[column].astype("boolean").fillna(False).astype(bool)


def _nights(mask: pd.Series) -> list[date]:
    return [ts.date() for ts in mask.index[mask.to_numpy()]]


def _first(mask: pd.Series) -> date | None:
    found = _nights(mask)
    return found[0] if found else None


def _episodes(rows: pd.DataFrame) -> int:
    return int(rows["episodes"].fillna(0).sum()) if "episodes" in rows else 0


def _weeks(last_night: date, count: int) -> list[tuple[date, date]]:
    """`count` 7-night blocks ending at `last_night`, oldest first."""
    blocks = []
    for back in range(count):
        end = last_night - timedelta(days=7 * back)
        blocks.append((end - timedelta(days=6), end))
    return blocks[::-1]


def _weekly(ctx: _Ctx, column: str, weeks: int) -> list[int]:
    """Nights with `column` true in each of the last `weeks` weeks, oldest first."""
    return [int(_true(ctx.window(a, b), column).sum()) for a, b in _weeks(ctx.last_night, weeks)]


def _run_start(ctx: _Ctx, column: str, per_week: int, weeks: int) -> date | None:
    """If each of the last `weeks` weeks has `per_week`+ nights with `column` true, the first
    such night of the whole run (followed back past `weeks` as far as it goes); else None.
    """
    # Every week back to the frame's first night, in one window: one reindex, not one a week.
    total = max(weeks, (ctx.last_night - ctx.nightly.start).days // 7 + 1)
    start = ctx.last_night - timedelta(days=7 * total - 1)
    hits = _true(ctx.window(start, ctx.last_night), column).to_numpy()
    counts = hits.reshape(total, 7).sum(axis=1)
    run = 0
    for count in counts[::-1]:
        if count < per_week:
            break
        run += 1
    if run < weeks:
        return None
    first_week = total - run
    offset = int(np.flatnonzero(hits[7 * first_week : 7 * first_week + 7])[0])
    return start + timedelta(days=7 * first_week + offset)


# ---------------------------------------------------------------------------------------------
# Wording helpers


def _day(d: date, last_night: date) -> str:
    """'20 Nov', with the year when it is not the last night's year."""
    text = present.day_month(d)
    return text if d.year == last_night.year else f"{text} {d.year}"


def _plural(n: int | float, word: str, plural: str | None = None) -> str:
    return f"{n:g} {word if n == 1 else (plural or word + 's')}"


def _logged(rows: pd.DataFrame) -> str:
    return f"{int(rows['observed'].sum())} of {len(rows)} nights logged"


def _listing(days: Sequence[date], last_night: date, most: int = 4) -> str:
    shown = [_day(d, last_night) for d in days[-most:]]
    prefix = "" if len(days) <= most else "most recently "
    return prefix + ", ".join(shown)


def _iso(days: Sequence[date]) -> list[str]:
    return [d.isoformat() for d in days]


# ---------------------------------------------------------------------------------------------
# The rules. Each returns the flags it trips (usually none or one).


def _long_cramp(ctx: _Ctx, rule: knowledge.Rule) -> list[Flag]:
    limit = ctx.setting("long_cramp_minutes")
    episodes = ctx.nightly.episodes
    if episodes is None or episodes.empty:
        return []
    start = pd.Timestamp(ctx.last_night - timedelta(days=RECENT_DAYS - 1))
    end = pd.Timestamp(ctx.last_night)
    minutes = episodes["minutes"].astype("Float64")
    # Strictly more than the limit (the NHS: "longer than 10 minutes").
    hit = episodes[
        (episodes["night"] >= start) & (episodes["night"] <= end) & minutes.gt(limit).fillna(False)
    ]
    if hit.empty:
        return []
    nights = sorted({ts.date() for ts in hit["night"]})
    longest = float(hit["minutes"].max())
    last = ctx.last_night
    if len(hit) == 1:
        message = (
            f"A cramp of {longest:g} minutes on the night of {_day(nights[0], last)}"
            f" (more than {limit:g} minutes)."
        )
    else:
        message = (
            f"{len(hit)} cramps of more than {limit:g} minutes in the {RECENT_DAYS} nights to "
            f"{_day(last, last)} ({_listing(nights, last)}); the longest lasted "
            f"{longest:g} minutes."
        )
    evidence = {
        "episodes": len(hit),
        "longest_minutes": longest,
        "threshold_minutes": limit,
        "window_days": RECENT_DAYS,
        "nights": _iso(nights),
    }
    return [_make(rule, message, nights[0], evidence)]


def _signs(ctx: _Ctx, rule: knowledge.Rule) -> list[Flag]:
    """warning_signs, numbness, weakness: a sign of the rule logged with a cramp, recently."""
    rows = ctx.recent(RECENT_DAYS)
    found: dict[str, list[date]] = {}
    for sign in rule.signs:
        nights = _nights(_true(rows, f"sign:{sign}"))
        if nights:
            found[sign] = nights
    if not found:
        return []
    nights = sorted({d for ds in found.values() for d in ds})
    last = ctx.last_night
    names = [s.replace("-", " ") for s in found]
    what = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    message = (
        f"{what.capitalize()} logged with cramps on {_plural(len(nights), 'night')} in the "
        f"{RECENT_DAYS} nights to {_day(last, last)} ({_listing(nights, last)})."
    )
    evidence = {
        "nights_with_sign": len(nights),
        "signs": {sign: len(ds) for sign, ds in found.items()},
        "window_days": RECENT_DAYS,
        "nights": _iso(nights),
    }
    return [_make(rule, message, nights[0], evidence)]


def _frequent(ctx: _Ctx, rule: knowledge.Rule) -> list[Flag]:
    need = ctx.count("frequent_cramps")
    days = ctx.days("frequent_window_days")
    per_week = ctx.count("frequent_weekly_nights")
    weeks = ctx.count("frequent_weeks")
    last = ctx.last_night
    rows = ctx.recent(days)
    cramps = _episodes(rows)
    weekly = _weekly(ctx, "cramp", weeks)
    run_since = _run_start(ctx, "cramp", per_week, weeks)
    parts: list[str] = []
    sinces: list[date] = []
    if cramps >= need:
        parts.append(
            f"{_plural(cramps, 'cramp')} in the {days} nights to {_day(last, last)}"
            f" ({_logged(rows)})"
        )
        first = _first(_true(rows, "cramp"))
        if first:
            sinces.append(first)
    if run_since is not None:
        parts.append(
            f"cramps on at least {_plural(per_week, 'night')} a week in each of the last "
            f"{weeks} weeks to {_day(last, last)} (cramp nights by week: "
            f"{', '.join(str(n) for n in weekly)})"
        )
        sinces.append(run_since)
    if not parts:
        return []
    message = "; and ".join(parts)
    message = message[0].upper() + message[1:] + "."
    evidence = {
        "cramps_in_window": cramps,
        "window_days": days,
        "threshold_cramps": need,
        "observed_nights_in_window": int(rows["observed"].sum()),
        "weekly_cramp_nights": weekly,
        "threshold_weekly_nights": per_week,
        "weeks": weeks,
    }
    return [_make(rule, message, min(sinces) if sinces else None, evidence)]


def _sleep_disruption(ctx: _Ctx, rule: knowledge.Rule) -> list[Flag]:
    per_week = ctx.count("woke_nights_per_week")
    weeks = ctx.count("woke_weeks")
    last = ctx.last_night
    since = _run_start(ctx, "woke", per_week, weeks)
    if since is None:
        return []
    weekly = _weekly(ctx, "woke", weeks)
    message = (
        f"Woken by cramps on at least {_plural(per_week, 'night')} a week in each of the last "
        f"{weeks} weeks to {_day(last, last)} (nights woken by week: "
        f"{', '.join(str(n) for n in weekly)})."
    )
    evidence = {
        "weekly_woke_nights": weekly,
        "threshold_weekly_nights": per_week,
        "weeks": weeks,
    }
    return [_make(rule, message, since, evidence)]


def _severe(ctx: _Ctx, rule: knowledge.Rule) -> list[Flag]:
    level = ctx.setting("severe_severity")
    need = ctx.count("severe_nights")
    days = ctx.days("severe_window_days")
    last = ctx.last_night
    rows = ctx.recent(days)
    severe = rows["max_severity"].astype("Float64").ge(level).fillna(False).astype(bool)
    nights = _nights(severe)
    if len(nights) < need:
        return []
    worst = float(rows["max_severity"].max())
    message = (
        f"Severity {level:g}/10 or more on {_plural(len(nights), 'night')} in the {days} nights "
        f"to {_day(last, last)} ({_listing(nights, last)}); the worst was {worst:g}/10."
    )
    evidence = {
        "severe_nights": len(nights),
        "threshold_nights": need,
        "threshold_severity": level,
        "worst_severity": worst,
        "window_days": days,
        "nights": _iso(nights),
    }
    return [_make(rule, message, nights[0], evidence)]


def _self_care(rows: pd.DataFrame, low_water_known: bool) -> pd.Series:
    """Nights whose day had stretching logged, or water at or above low_water_ml."""
    care = _true(rows, "stretched")
    if low_water_known:
        enough_water = rows["low_water"].astype("boolean").eq(False).fillna(False).astype(bool)
        care = care | enough_water
    return care


def _not_improving(ctx: _Ctx, rule: knowledge.Rule) -> list[Flag]:
    """Self-care in each of the last N weeks, and cramp nights per observed night in those
    weeks no fewer than in the M weeks before (which need at least one cramp night)."""
    weeks = ctx.count("self_care_weeks")
    base_weeks = ctx.count("self_care_baseline_weeks")
    last = ctx.last_night
    period_start = last - timedelta(days=7 * weeks - 1)
    base_end = period_start - timedelta(days=1)
    base_start = base_end - timedelta(days=7 * base_weeks - 1)
    period = ctx.window(period_start, last)
    base = ctx.window(base_start, base_end)
    water_known = "low_water" in period
    # "6 weeks of logged self-care": self-care on at least one night in every one of the weeks.
    weekly_care = [
        int(_self_care(ctx.window(a, b), water_known).sum()) for a, b in _weeks(last, weeks)
    ]
    if min(weekly_care) < 1:
        return []
    k1, t1 = int(_true(period, "cramp").sum()), int(period["observed"].sum())
    k0, t0 = int(_true(base, "cramp").sum()), int(base["observed"].sum())
    # Nothing to fall from without a cramp night in the baseline; and no weekly rate, nor a
    # comparison, on fewer than `min_rate_nights` logged nights in either period.
    if min(t0, t1) < ctx.rate_nights or k0 == 0:
        return []
    rate1, rate0 = 7 * k1 / t1, 7 * k0 / t0
    # Compared per observed night (cross-multiplied, so equal rates are exactly equal).
    if k1 * t0 < k0 * t1:
        return []
    care_nights = int(_self_care(period, water_known).sum())
    message = (
        f"Self-care (stretching or enough water) logged in each of the {weeks} weeks to "
        f"{_day(last, last)} (on {_plural(care_nights, 'night')}), and cramps still came on "
        f"{present.number(rate1)} nights a week ({k1} of {t1} nights logged); in the "
        f"{base_weeks} weeks before, to {_day(base_end, last)}, {present.number(rate0)} a week "
        f"({k0} of {t0} nights logged)."
    )
    evidence = {
        "self_care_nights": care_nights,
        "weekly_self_care_nights": weekly_care,
        "weeks": weeks,
        "cramp_nights": k1,
        "observed_nights": t1,
        "baseline_weeks": base_weeks,
        "baseline_cramp_nights": k0,
        "baseline_observed_nights": t0,
        "cramp_nights_per_week": round(rate1, 2),
        "baseline_cramp_nights_per_week": round(rate0, 2),
    }
    return [_make(rule, message, _first(_self_care(period, water_known)), evidence)]


def _significantly_more(ctx: _Ctx, k1: int, t1: int, k0: int, t0: int) -> stats.RateRatio | None:
    """The rate ratio when k1/t1 is significantly above k0/t0, else None.

    Each period needs `min_rate_nights` logged nights before it is compared at all (the rule
    `stats` and `insights` follow, so that all three agree on what is enough).

    Two-sided exact conditional test (stats.poisson_rate_ratio, as R's poisson.test) at
    `rising_alpha`, counting only a significant difference upwards (so in effect one-sided at
    alpha / 2). Two-sided on purpose: it is the test analysis.trend reports on the same counts
    (cramp nights over observed nights), so a report and `check` agree over the same weeks.
    """
    if min(t1, t0) < ctx.rate_nights or k1 == 0:
        return None
    result = stats.poisson_rate_ratio(k1, t1, k0, t0)
    upwards = result.ratio is None or result.ratio > 1
    return result if upwards and result.p_value < ctx.setting("rising_alpha") else None


def _ratio_text(result: stats.RateRatio) -> str:
    """ "2.5 times as often; unlikely to be chance, p = 0.006": the figure with plain words."""
    gloss = f"unlikely to be chance, {present.p_value(result.p_value)}"
    if result.ratio is None:
        return gloss
    return f"{present.number(result.ratio)} times as often; {gloss}"


def _rising(ctx: _Ctx, rule: knowledge.Rule) -> list[Flag]:
    weeks = ctx.count("rising_weeks")
    last = ctx.last_night
    recent_start = last - timedelta(days=7 * weeks - 1)
    before_end = recent_start - timedelta(days=1)
    recent = ctx.window(recent_start, last)
    before = ctx.window(before_end - timedelta(days=7 * weeks - 1), before_end)
    k1, t1 = int(_true(recent, "cramp").sum()), int(recent["observed"].sum())
    k0, t0 = int(_true(before, "cramp").sum()), int(before["observed"].sum())
    result = _significantly_more(ctx, k1, t1, k0, t0)
    if result is None:
        return []
    message = (
        f"Cramps on {k1} of {t1} nights logged in the {weeks} weeks to {_day(last, last)}, "
        f"against {k0} of {t0} nights logged in the {weeks} weeks before ({_ratio_text(result)})."
    )
    evidence = {
        "cramp_nights": k1,
        "observed_nights": t1,
        "previous_cramp_nights": k0,
        "previous_observed_nights": t0,
        "weeks": weeks,
        "rate_ratio": result.ratio,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "p_value": result.p_value,
        "alpha": ctx.setting("rising_alpha"),
    }
    return [_make(rule, message, _first(_true(recent, "cramp")), evidence)]


def _months_before(d: date, months: int) -> date:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    total = d.year * 12 + (d.month - 1) - months
    year, month = divmod(total, 12)
    day = min(d.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def _new_medicine(ctx: _Ctx, rule: knowledge.Rule) -> list[Flag]:
    """A listed medicine taken now, with cramps that began within N months after it was
    started, or rose significantly after it (CLINICAL.md "new medicine"; GAR2012's 1-year
    window). "Began" is read from the onset, in any of three ways (evidence `onsets`):

    - `no_cramps_before`: no cramp logged in the N months before the start, counting a diary
      that began after the start (it saw no cramps before it); the first cramp logged after
      the start is within N months of it. Not when the profile says cramps began earlier.
    - `cramp_free_run`: at least `new_medicine_free_nights` (14) cramp-free nights logged
      after the start before the first cramp after it, within N months of the start.
    - `cramps_since`: the profile's "cramps since" month is the start's month or later (a month
      cannot say which came first within it) and within N months of the start.

    Every flag rests on at least one cramp logged since the start.
    """
    months = ctx.count("new_medicine_months")
    run_need = ctx.count("new_medicine_free_nights")
    last = ctx.last_night
    profile_since = ctx.nightly.cramps_since
    flags = []
    for med in ctx.nightly.medications:
        started, stopped = med.get("started"), med.get("stopped")
        found = knowledge.match_medication(str(med.get("name", "")), ctx.aliases)
        # Without a start date nothing can be said about "after starting"; a medicine already
        # stopped is left out, since the flag is for a talk about what is taken now.
        if found is None or started is None or started > last:
            continue
        if stopped is not None and stopped < last:
            continue
        limit = _months_before(started, -months)  # onset strictly before this day
        before = ctx.window(_months_before(started, months), started - timedelta(days=1))
        after = ctx.window(started, last)
        k1, t1 = int(_true(after, "cramp").sum()), int(after["observed"].sum())
        k0, t0 = int(_true(before, "cramp").sum()), int(before["observed"].sum())
        first = _first(_true(after, "cramp"))
        if first is None:
            continue
        onsets: list[str] = []
        profile_month = profile_since.replace(day=1) if profile_since else None
        if profile_month is not None and started.replace(day=1) <= profile_month < limit:
            onsets.append("cramps_since")
        free_run = int(ctx.window(started, first - timedelta(days=1))["observed"].sum())
        if first < limit and free_run >= run_need:
            onsets.append("cramp_free_run")
        earlier = profile_month is not None and profile_month < started.replace(day=1)
        if first < limit and k0 == 0 and not earlier:
            onsets.append("no_cramps_before")
        result = None
        if not onsets and _months_before(last, months) <= started:
            result = _significantly_more(ctx, k1, t1, k0, t0)
        if not onsets and result is None:
            continue
        name = str(med["name"])
        reasons = _onset_reasons(
            onsets, ctx, started, before, t0, free_run, first, profile_month, months
        )
        if onsets:
            head = (
                f"Cramps began after {name} was started on {_day(started, last)}: "
                f"{'; '.join(reasons)}. Cramps on {k1} of {t1} nights logged since the start"
            )
        else:
            head = (
                f"Cramps on {k1} of {t1} nights logged since {name} was started on "
                f"{_day(started, last)}, against {k0} of {t0} nights logged in "
                f"{_span_before(before, started, months, last)} ({_ratio_text(result)})"  # type: ignore[arg-type]
            )
        message = (
            head + f". {name.capitalize()} is on the list of medicines reported in association "
            f"with night cramps ({found.name}: {found.association})."
        )
        evidence = {
            "medicine": name,
            "class": found.name,
            "started": started.isoformat(),
            "cramp_nights_since": k1,
            "observed_nights_since": t1,
            "cramp_nights_before": k0,
            "observed_nights_before": t0,
            "months": months,
            "pattern": "began" if onsets else "rose",
            "onset": onsets[0] if onsets else None,
            "onsets": onsets,
            "first_cramp_after": first.isoformat(),
            "cramp_free_nights_after": free_run,
            "cramps_since": profile_month.isoformat() if profile_month else None,
            "rate_ratio": result.ratio if result else None,
            "p_value": result.p_value if result else None,
        }
        flags.append(_make(rule, message, first, evidence, extra=found.source))
    return flags


def _span_before(
    before: pd.DataFrame, started: date, months: int, last: date, it: str = "it"
) -> str:
    """How far back the diary reaches before a start: "the 12 months before" or "the diary
    before it (from 3 Mar)"."""
    logged = before.index[before["observed"].astype(bool)]
    if len(logged) and logged[0].date() <= _months_before(started, months) + timedelta(days=7):
        return f"the {months} months before {it}" if it != "it" else f"the {months} months before"
    if not len(logged):
        return f"the diary before {it}"
    return f"the diary before {it} (from {_day(logged[0].date(), last)})"


def _onset_reasons(
    onsets: list[str],
    ctx: _Ctx,
    started: date,
    before: pd.DataFrame,
    t0: int,
    free_run: int,
    first: date,
    profile_month: date | None,
    months: int,
) -> list[str]:
    """One clause per way the onset was read, in the order of `onsets`."""
    last = ctx.last_night
    reasons = []
    for onset in onsets:
        if onset == "cramps_since" and profile_month is not None:
            reasons.append(f"your profile says cramps began in {profile_month:%B %Y}")
        elif onset == "cramp_free_run":
            reasons.append(
                f"{free_run} cramp-free nights were logged after the start before the first "
                f"cramp, on the night of {_day(first, last)}"
            )
        elif onset == "no_cramps_before" and t0 == 0:
            reasons.append(
                "the diary has no nights logged before the start, so it saw no cramps before "
                f"it; the first cramp logged was on the night of {_day(first, last)}"
            )
        elif onset == "no_cramps_before":
            reasons.append(
                f"no cramps on the {t0} nights logged in "
                f"{_span_before(before, started, months, last, 'the start')}; the first cramp "
                f"after it was on the night of {_day(first, last)}"
            )
    return reasons


def _no_obvious_cause(ctx: _Ctx, rule: knowledge.Rule) -> list[Flag]:
    """Cramp nights whose day had risk factors logged, none of them present.

    A night counts only when at least one day factor was logged for it (unknown is not "no"),
    none of the risk factors was present, and the profile lists no condition linked with
    cramps: a listed condition is itself a logged risk factor, present every night.
    """
    if ctx.conditions:
        return []
    need = ctx.count("no_cause_cramp_nights")
    days = ctx.days("no_cause_window_days")
    last = ctx.last_night
    rows = ctx.recent(days)
    present = [c for c in RISK_FACTORS if c in rows]
    known = pd.Series(False, index=rows.index)
    for column in DAY_RISK_FACTORS:
        if column in rows:
            known |= rows[column].notna().astype(bool)
    risky = pd.Series(False, index=rows.index)
    for column in present:
        risky |= _true(rows, column)
    nights = _nights(_true(rows, "cramp") & known & ~risky)
    if len(nights) < need:
        return []
    message = (
        f"Cramps on {_plural(len(nights), 'night')} in the {days} nights to {_day(last, last)} "
        f"({_listing(nights, last)}) whose day had factors logged, none of them a recorded "
        f"risk factor ({', '.join(c.replace('_', ' ') for c in present)})."
    )
    evidence = {
        "cramp_nights_without_factor": len(nights),
        "threshold_nights": need,
        "window_days": days,
        "factors_checked": present,
        "nights": _iso(nights),
    }
    return [_make(rule, message, nights[0], evidence)]


def _make(
    rule: knowledge.Rule,
    message: str,
    since: date | None,
    evidence: dict[str, Any],
    extra: Sequence[str] = (),
) -> Flag:
    keys = tuple(dict.fromkeys((*rule.source, *extra)))
    return Flag(
        rule=rule.id,
        level=rule.level,
        title=rule.title,
        message=message,
        since=since,
        evidence=evidence,
        advice=rule.advice,
        source=knowledge.cite(keys),
        source_keys=keys,
    )


_EVALUATORS: dict[str, Callable[[_Ctx, knowledge.Rule], list[Flag]]] = {
    "long_cramp": _long_cramp,
    "warning_signs": _signs,
    "numbness": _signs,
    "weakness": _signs,
    "frequent": _frequent,
    "sleep_disruption": _sleep_disruption,
    "severe": _severe,
    "not_improving": _not_improving,
    "rising": _rising,
    "new_medicine": _new_medicine,
    "no_obvious_cause": _no_obvious_cause,
}


# ---------------------------------------------------------------------------------------------
# Public API


def rule_ids() -> list[str]:
    """The ids of the rules `evaluate` checks, in the clinical brief's order."""
    return [rule_id for rule_id in knowledge.rules() if rule_id in _EVALUATORS]


def last_night_for(nightly: Nightly, today: date) -> date:
    """The night the windows end on: last night as of `today`, or a later night logged."""
    last = today - timedelta(days=1)
    logged = _last_observed(nightly.frame)
    return max(last, logged) if logged else last


def _last_observed(frame: pd.DataFrame) -> date | None:
    if "observed" not in frame or not bool(frame["observed"].any()):
        return None
    return frame.index[frame["observed"].to_numpy(dtype=bool)].max().date()


def evaluate(
    nightly: Nightly,
    *,
    profile_conditions: Sequence[str] = (),
    aliases: dict[str, str] | None = None,
    today: date,
) -> Check:
    """Evaluate every provider-visit rule; flags sorted most pressing first.

    `profile_conditions` are condition ids or names (unknown ones are ignored); `aliases` maps
    brand names to generic names; `today` is the calendar date now (see the module docstring
    for which night the windows end on). Thresholds come from `nightly.settings`, falling back
    to the knowledge defaults.
    """
    conditions = [c for c in (knowledge.find_condition(t) for t in profile_conditions) if c]
    last = last_night_for(nightly, today)
    ctx = _Ctx(nightly, last, tuple(dict.fromkeys(conditions)), dict(aliases or {}))
    rules = knowledge.rules()
    flags: list[Flag] = []
    checked = rule_ids()
    for rule_id in checked:
        flags.extend(_EVALUATORS[rule_id](ctx, rules[rule_id]))
    order = {rule_id: i for i, rule_id in enumerate(checked)}
    # Stable: within a level, the brief's rule order; within a rule, the evaluator's order.
    flags.sort(key=lambda f: (knowledge.level_rank(f.level), order[f.rule]))
    return Check(
        flags=flags,
        checked=checked,
        last_night=last,
        last_logged=_last_observed(nightly.frame),
        recent_logged=int(ctx.recent(RECENT_DAYS)["observed"].sum()),
        conditions=[c.id for c in ctx.conditions],
    )
