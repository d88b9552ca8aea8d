"""Every person of a diary at once (`cramplog cohort`): `stats`' endpoints per person and pooled
figures, counted by grouped SQL in the database, never a frame per person.

Per person (`persons`), the keys and values of that person's own `stats --json` over the same
period: the period's ENDPOINT_KEYS, `previous` (the period of equal length just before it),
`responder` (against the 2-week baseline from the `baseline_start` setting, or None) and
`min_rate_nights`. The definitions are analysis.endpoints' (docs/definitions.md):

- a night is *observed* when it has a live (not deleted) episode or a "no cramps" mark;
- a *cramp night* is an observed night with an episode; cramp-free = observed - cramp nights;
- cramps (and cramp nights) per week = count / (observed nights / 7), None with fewer than
  `min_rate_nights` observed nights, which is also what `enough_data` says;
- mean and worst severity and mean minutes are per episode, over the rated (timed) episodes;
- a cramp night's waking is known when one of its cramps woke the person or every cramp says
  whether it did; nights woken is None (unknown, never 0) when no night's waking is known.

The database counts, per person and window, in one statement: a CTE groups the live episodes
per (person, night) inside the windows (this period, the one before, each baseline; windows
may overlap), then per person one conditional sum per window over those cramp nights, and,
UNION ALL, per person the "no cramps" marks anti-joined to the same cramp nights (so a night
with both is one cramp night). Only integer counts and sums come back; the rates and means are
divided here, exactly as analysis.endpoints divides them, so counts, rates and severities are
the same numbers `stats` prints. Mean minutes sums floats in another order than numpy does,
so it may differ from `stats` in the last binary digit (about 1e-16).

The period is the same for everyone, by the diary's clock (its `timezone` and `day_boundary`
settings); a person's own `baseline_start` and `min_rate_nights` (person_setting) win for that
person, as in their own `stats`. A person's own time zone is not used for the period: the
figures of one study are over one period.

Pooled (`pooled`), over the persons listed: how many there are and how many have enough data;
cramps per week median and quartiles over the persons with enough data (QUANTILE_METHOD: R's
default, type 7); completeness overall (all observed person-nights / all person-nights) and
its median over persons.

Removed persons (`person.removed_at` set) are left out. The queries are Core statements on the
tables, never ORM entities, so a person's scope (cramplog.people) never narrows them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, func, null, or_, select, union_all
from sqlalchemy.orm import Session

from cramplog.models import Episode, NightRecord, Person, PersonSetting, Setting

__all__ = [
    "ENDPOINT_KEYS",
    "PERSONAL_KEYS",
    "POOLED_KEYS",
    "QUANTILE_METHOD",
    "Window",
    "diary_settings",
    "pooled",
    "quantile",
    "summary",
]

BASELINE_NIGHTS = 14  # analysis.BASELINE_NIGHTS, repeated so that cohort needs no pandas
MIN_RATE_NIGHTS = 7  # analysis.MIN_RATE_NIGHTS (the `min_rate_nights` default)
# analysis.ENDPOINT_KEYS (tests/test_cohort.py checks that they agree).
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
PERSONAL_KEYS = ("baseline_start", "min_rate_nights")  # a person's own values win for them
QUANTILE_METHOD = "R type 7 (linear interpolation between order statistics)"
POOLED_KEYS = (
    "persons",
    "persons_with_enough_data",
    "cramps_per_week_median",
    "cramps_per_week_q1",
    "cramps_per_week_q3",
    "quantile_method",
    "nights_in_period",
    "nights_observed",
    "completeness",
    "completeness_median",
)

_EPISODE = Episode.__table__
_NIGHT = NightRecord.__table__
_PERSON = Person.__table__


@dataclass(frozen=True)
class Window:
    """A span of nights counted per person: `name` prefixes its columns."""

    name: str
    start: date
    end: date

    @property
    def nights(self) -> int:
        return (self.end - self.start).days + 1


def _ranges(windows: list[Window]) -> list[tuple[date, date]]:
    """The windows' nights as few ranges as possible (this period and the one before touch)."""
    merged: list[tuple[date, date]] = []
    for w in sorted(windows, key=lambda w: w.start):
        if w.end < w.start:
            continue
        if merged and w.start <= merged[-1][1] + timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], w.end))
        else:
            merged.append((w.start, w.end))
    return merged


def _inside(column: Any, windows: list[Window]) -> ColumnElement[bool]:
    ranges = _ranges(windows)
    if not ranges:
        return false()
    return or_(*(column.between(lo, hi) for lo, hi in ranges))


def _cramp_nights(windows: list[Window]) -> Any:
    """One row per (person, night with a live episode) inside the windows, with its sums."""
    e = _EPISODE.c
    return (
        select(
            e.person_id,
            e.night,
            func.count().label("episodes"),
            func.max(case((e.woke.is_(True), 1), else_=0)).label("woke_any"),
            func.sum(case((e.woke.is_(None), 1), else_=0)).label("woke_unknown"),
            func.coalesce(func.sum(e.severity), 0).label("severity_sum"),
            func.count(e.severity).label("severity_n"),
            func.max(e.severity).label("severity_max"),
            func.sum(e.minutes).label("minutes_sum"),
            func.count(e.minutes).label("minutes_n"),
        )
        .where(e.deleted_at.is_(None), _inside(e.night, windows))
        .group_by(e.person_id, e.night)
        .cte("cramp_nights")
    )


def _cramp_columns(nights: Any, w: Window) -> list[Any]:
    """Conditional sums over one window's cramp nights (windows may overlap: no GROUP BY)."""
    c = nights.c
    inside = c.night.between(w.start, w.end)
    known = and_(inside, or_(c.woke_any == 1, c.woke_unknown == 0))

    def count(condition: ColumnElement[bool]) -> Any:
        return func.sum(case((condition, 1), else_=0))

    def total(column: Any) -> Any:
        return func.sum(case((inside, column), else_=0))

    p = w.name
    return [
        count(inside).label(f"{p}_cramp_nights"),
        total(c.episodes).label(f"{p}_episodes"),
        count(known).label(f"{p}_woke_known"),
        count(and_(inside, c.woke_any == 1)).label(f"{p}_woke"),
        total(c.severity_sum).label(f"{p}_severity_sum"),
        total(c.severity_n).label(f"{p}_severity_n"),
        func.max(case((inside, c.severity_max))).label(f"{p}_severity_max"),
        func.sum(case((inside, c.minutes_sum))).label(f"{p}_minutes_sum"),
        total(c.minutes_n).label(f"{p}_minutes_n"),
    ]


def _counts(session: Session, windows: list[Window]) -> dict[int, dict[str, Any]]:
    """Per person id, every window's counts (persons without an observed night are absent).

    One statement, two parts over the same cramp nights (computed once: a CTE used twice):
    per person, the cramp nights' sums; and per person, the "no cramps" marks on nights
    without a live episode (an anti-join to those cramp nights, so a night with both is one
    cramp night). Observed = cramp nights + those marks.
    """
    cramps = _cramp_nights(windows)
    sums = [col for w in windows for col in _cramp_columns(cramps, w)]
    n = _NIGHT.c
    marks = [
        func.sum(case((n.night.between(w.start, w.end), 1), else_=0)).label(f"{w.name}_marks")
        for w in windows
    ]
    per_person = select(cramps.c.person_id, *sums, *(null().label(m.name) for m in marks)).group_by(
        cramps.c.person_id
    )
    free = (
        select(n.person_id, *(null().label(col.name) for col in sums), *marks)
        .select_from(
            _NIGHT.outerjoin(
                cramps, and_(cramps.c.person_id == n.person_id, cramps.c.night == n.night)
            )
        )
        .where(n.cramp_free.is_(True), _inside(n.night, windows), cramps.c.person_id.is_(None))
        .group_by(n.person_id)
    )
    found: dict[int, dict[str, Any]] = {}
    for row in session.execute(union_all(per_person, free)):
        values = found.setdefault(row.person_id, {})
        for key, value in row._asdict().items():
            if value is not None:
                values[key] = value
    for values in found.values():
        for w in windows:
            values[f"{w.name}_observed"] = int(values.get(f"{w.name}_cramp_nights") or 0) + int(
                values.get(f"{w.name}_marks") or 0
            )
    return found


def _persons(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every person not removed, by name (case-blind), then by id."""
    p = _PERSON.c
    query = select(p.id, p.name).where(p.removed_at.is_(None))  # `person remove`: left out
    rows = [(row.id, row.name) for row in session.execute(query)]
    return sorted(rows, key=lambda r: (r[1].casefold(), r[1], r[0]))


def _per_week(count: int, observed: int, need: int) -> float | None:
    """analysis._per_week: count per observed week, None below `need` observed nights."""
    return count / (observed / 7.0) if observed and observed >= need else None


def _endpoints(row: dict[str, Any] | None, w: Window, need: int) -> dict[str, Any]:
    """analysis.endpoints' dict for one window, from its counts (None: nothing observed)."""
    values = row or {}

    def got(key: str) -> Any:
        return values.get(f"{w.name}_{key}")

    observed = int(got("observed") or 0)
    cramp_nights = int(got("cramp_nights") or 0)
    episodes = int(got("episodes") or 0)
    woke_known = int(got("woke_known") or 0)
    severity_n, minutes_n = int(got("severity_n") or 0), int(got("minutes_n") or 0)
    worst = got("severity_max")
    return {
        "period_start": w.start.isoformat(),
        "period_end": w.end.isoformat(),
        "nights_in_period": w.nights,
        "nights_observed": observed,
        "completeness": observed / w.nights if w.nights > 0 else None,
        "cramp_nights": cramp_nights,
        "cramp_free_nights": observed - cramp_nights,
        "episodes": episodes,
        "cramps_per_week": _per_week(episodes, observed, need),
        "cramp_nights_per_week": _per_week(cramp_nights, observed, need),
        "mean_severity": int(got("severity_sum")) / severity_n if severity_n else None,
        "max_severity": None if worst is None else _whole(worst),
        "mean_minutes": float(got("minutes_sum")) / minutes_n if minutes_n else None,
        "woke_nights": int(got("woke") or 0) if woke_known else None,
        "woke_known_nights": woke_known,
        "enough_data": observed >= need,
    }


def _whole(value: Any) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number


def _responder(base: dict[str, Any], now: dict[str, Any]) -> dict[str, Any]:
    """analysis._responder from the baseline window's and the period's endpoints."""
    before, current = base["cramps_per_week"], now["cramps_per_week"]
    reduction = 1.0 - current / before if before and current is not None else None
    return {
        "baseline_start": base["period_start"],
        "baseline_end": base["period_end"],
        "baseline_nights_observed": base["nights_observed"],
        "baseline_cramps_per_week": before,
        "cramps_per_week": current,
        "reduction": reduction,
        "responder_25": None if reduction is None else reduction >= 0.25,
        "responder_50": None if reduction is None else reduction >= 0.50,
    }


def _setting_int(value: Any, default: int) -> int:
    return max(1, int(value)) if isinstance(value, int | float) else default


def diary_settings(session: Session) -> dict[str, Any]:
    """The diary's own values of the settings `stats` reads (a person's own come on top, see
    `_personal`), by a Core query: no person needs choosing to read them."""
    from cramplog import config

    table = Setting.__table__
    keys = ("baseline_start", "min_rate_nights", "timezone", "day_boundary")
    stored = dict(
        session.execute(select(table.c.key, table.c.value).where(table.c.key.in_(keys))).all()
    )
    return {key: config.coerce(key, stored.get(key)) for key in keys}


def _personal(session: Session) -> dict[int, dict[str, Any]]:
    """Per person id, the `baseline_start` and `min_rate_nights` they keep for themselves
    (`config set --personal`, the person_setting table), which their own `stats` uses."""
    from cramplog import config

    table = PersonSetting.__table__
    query = select(table.c.person_id, table.c.key, table.c.value).where(
        table.c.key.in_(PERSONAL_KEYS)
    )
    found: dict[int, dict[str, Any]] = {}
    for person_id, key, value in session.execute(query):
        found.setdefault(person_id, {})[key] = config.coerce(key, value)
    return found


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    return date.fromisoformat(value) if value else None


def summary(
    session: Session,
    start: date,
    end: date,
    *,
    baseline_start: date | None = None,
    min_rate_nights: int = MIN_RATE_NIGHTS,
) -> dict[str, Any]:
    """`period_start`, `period_end`, `persons` (each: `person` and stats' keys) and `pooled`
    for the nights `start`..`end` (see the module docstring).

    `baseline_start` and `min_rate_nights` are the diary's; a person's own values of them
    win for that person, as in their own `stats`.
    """
    length = (end - start).days + 1
    now = Window("now", start, end)
    before = Window("before", start - timedelta(days=length), start - timedelta(days=1))
    persons = _persons(session)
    personal = _personal(session)
    own: dict[int, tuple[date | None, int]] = {}
    for person_id, _ in persons:
        mine = personal.get(person_id, {})
        base = _as_date(mine["baseline_start"]) if "baseline_start" in mine else baseline_start
        need = _setting_int(mine.get("min_rate_nights", min_rate_nights), MIN_RATE_NIGHTS)
        own[person_id] = (base, need)
    # One window per distinct baseline (a study's run-in: usually one), a few per statement.
    # stats' frame ends last night: a baseline reaching past it counts no later night.
    baselines = {
        first: Window(f"baseline{i}", first, min(first + timedelta(days=BASELINE_NIGHTS - 1), end))
        for i, first in enumerate(sorted({b for b, _ in own.values() if b is not None}))
    }
    chunks = [list(baselines.values())[i : i + 4] for i in range(0, len(baselines), 4)]
    counts = _counts(session, [now, before, *(chunks[0] if chunks else [])])
    for chunk in chunks[1:]:
        for person_id, values in _counts(session, chunk).items():
            counts.setdefault(person_id, {}).update(values)
    entries = []
    for person_id, name in persons:
        row = counts.get(person_id)
        base, need = own[person_id]
        entry: dict[str, Any] = {"person": name, **_endpoints(row, now, need)}
        entry["previous"] = _endpoints(row, before, need)
        entry["responder"] = None
        entry["min_rate_nights"] = need
        if base is not None:
            window = baselines[base]
            counted = _endpoints(row, window, need)
            counted["period_end"] = (base + timedelta(days=BASELINE_NIGHTS - 1)).isoformat()
            entry["responder"] = _responder(counted, entry)
        entries.append(entry)
    return {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "persons": entries,
        "pooled": pooled(entries),
    }


def pooled(persons: list[dict[str, Any]]) -> dict[str, Any]:
    """The pooled figures over the persons' entries (see the module docstring)."""
    rates = sorted(p["cramps_per_week"] for p in persons if p["cramps_per_week"] is not None)
    nights = sum(p["nights_in_period"] for p in persons)
    observed = sum(p["nights_observed"] for p in persons)
    shares = sorted(p["completeness"] for p in persons)
    return {
        "persons": len(persons),
        "persons_with_enough_data": sum(1 for p in persons if p["enough_data"]),
        "cramps_per_week_median": quantile(rates, 0.5),
        "cramps_per_week_q1": quantile(rates, 0.25),
        "cramps_per_week_q3": quantile(rates, 0.75),
        "quantile_method": QUANTILE_METHOD,
        "nights_in_period": nights,
        "nights_observed": observed,
        "completeness": observed / nights if nights else None,
        "completeness_median": quantile(shares, 0.5),
    }


def quantile(values: list[float], p: float) -> float | None:
    """The `p` quantile of `values` as R's `quantile(x, p)` (type 7, its default) gives it:
    h = (n - 1) p, then linear interpolation between the order statistics around h. None for
    no values."""
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be within 0 and 1, not {p}")
    ordered = sorted(values)
    if not ordered:
        return None
    h = (len(ordered) - 1) * p
    lo = math.floor(h)
    hi = min(lo + 1, len(ordered) - 1)
    return float(ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo]))
