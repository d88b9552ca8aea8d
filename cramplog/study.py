"""A synthetic study of many people (`cramplog demo --persons N`), written with bulk inserts.

Each person is the demo person of cramplog.demo with their own seed, name and make-up, so that
the cohort figures differ from person to person as a real study's would:

- day factors are cramplog.demo's own draw (`_draw_factors`: water, exercise and its kinds,
  stretching before bed, alcohol, caffeine, sitting, the pairs of shoes), with whole days and
  single fields left out as the demo leaves them out;
- a night's true cramp risk is a base risk of the person's own (log-normal around the demo's
  12%, 3% to 45%) times the demo's planted effects, each varied per person (log-normal around
  2.5 for low water, 2.0 for the tight pair, 2.0 for hydrochlorothiazide, 0.5 for stretching),
  capped at 95%; a third of the people start the thiazide partway, 60% take up stretching;
- logging: most people log 75-98% of nights, one in ten logs only 10-40% of them, and one in
  sixteen stops logging altogether partway through the last 40% of the study (so the last
  weeks have people with no logged nights, whose rates are null, not 0);
- cramps: 1 to 3 a cramp night, the first around 03:20, as the demo draws them; each person's
  own mean severity (about 5.5, sd 1.2 between people), median length (about 1.5 min) and
  chance of waking (60-95%).

Everyone is enrolled the same night: the study's first 2 weeks are the baseline
(`baseline_start`) for responder status, as a trial's run-in is.

Rows are written with Core `insert(table)` executemany (never an ORM object per row), with the
ids and uids generated here, in chunks of people, all in the caller's one transaction. The
ids continue from the tables' largest; on PostgreSQL the id sequences are moved past them
afterwards (cramplog.bulk).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from sqlalchemy import insert
from sqlalchemy.orm import Session

from cramplog import bulk, demo
from cramplog.models import (
    Day,
    DayShoe,
    Episode,
    Medication,
    NightRecord,
    Person,
    Setting,
    Shoe,
)

__all__ = ["SYNTHETIC", "StudySummary", "person_name", "write_study"]

SYNTHETIC = "(synthetic)"  # every demo person's name ends so (demo.DEMO_PERSON too)
CHUNK = 50  # people generated and inserted at a time: bounded memory for any N
_ACTIVITIES = ["walking", "cardio", "strength"]
_CRAMP_COUNTS = np.array([1, 2, 3])
_CRAMP_COUNT_P = np.array([0.70, 0.23, 0.07])
_SITE_P = np.array(demo._SITE_P)
_SIDE_P = np.array(demo._SIDE_P)
_RELIEF_P = np.array(demo._RELIEF_P)


@dataclass
class StudySummary:
    persons: int
    start: date
    end: date
    nights: int
    observed_nights: int
    episodes: int
    days_logged: int
    seed: int


def person_name(i: int) -> str:
    """The i-th (from 0) synthetic participant's name: "Participant 0001 (synthetic)"."""
    return f"Participant {i + 1:04d} {SYNTHETIC}"


def _na_list(values: np.ndarray, keep: np.ndarray) -> list[Any]:
    """`values` as Python values, None where not kept (not recorded)."""
    out = values.tolist()
    for i in np.flatnonzero(~keep).tolist():
        out[i] = None
    return out


@dataclass
class _Rows:
    """The rows of one chunk of people, table by table (without the columns in _FIXED)."""

    tables: dict[str, list[dict[str, Any]]]
    observed: int = 0
    episodes: int = 0
    days: int = 0


@dataclass(frozen=True)
class _Span:
    """What every person shares: the nights, their dates as Python dates, the clock."""

    start: date
    end: date
    dates: list[date]  # the day before the first night, then every night to `end`
    zone: ZoneInfo


def _person(rows: _Rows, ids: bulk.Ids, i: int, seed: int, span: _Span) -> None:
    rng = np.random.default_rng(np.random.SeedSequence([seed, i]))
    start, end = span.start, span.end
    count = len(span.dates) - 1
    person_id = int(ids.take("person", 1)[0])
    rows.tables["person"].append(
        {
            "id": person_id,
            "uid": bulk.uids(1)[0],
            "name": person_name(i),
            "birth_year": int(rng.integers(1935, 1976)),
        }
    )
    # The person's make-up (module docstring).
    base = float(np.clip(rng.lognormal(np.log(demo.BASE_RISK), 0.5), 0.03, 0.45))
    effect = {k: float(rng.lognormal(np.log(v), 0.25)) for k, v in demo.PLANTED_EFFECTS.items()}
    habit = rng.random() < 0.60
    habit_start = start + timedelta(days=int(rng.uniform(0.05, 0.6) * count))
    if not habit:
        habit_start = end + timedelta(days=2)
    thiazide = rng.random() < 1 / 3
    thiazide_start = start + timedelta(days=int(rng.uniform(0.2, 0.8) * count))
    statin = rng.random() < 0.5
    poor = rng.random() < 0.10
    adherence = rng.uniform(0.10, 0.40) if poor else rng.uniform(0.75, 0.98)
    stops = rng.random() < 1 / 16
    last_logged = count if not stops else int(rng.uniform(0.6, 1.0) * count)
    make_up = (
        float(np.clip(rng.normal(5.5, 1.2), 2.0, 8.5)),  # mean severity
        float(rng.lognormal(np.log(1.5), 0.35)),  # median minutes
        float(rng.uniform(0.60, 0.95)),  # chance a cramp wakes the person
    )

    day_index = pd.date_range(start - timedelta(days=1), end, freq="D", name="date")
    truth = demo._draw_factors(rng, day_index, habit_start)
    nights = truth.iloc[1:]
    on_thiazide = thiazide & (np.arange(count) >= (thiazide_start - start).days)
    risk = base * np.where(nights["low_water"].to_numpy(), effect["low_water"], 1.0)
    risk *= np.where(nights["tight"].to_numpy(), effect["tight_shoes"], 1.0)
    risk *= np.where(on_thiazide, effect["medication:hydrochlorothiazide"], 1.0)
    risk *= np.where(nights["stretched"].to_numpy(), effect["stretched"], 1.0)
    cramp = rng.random(count) < np.minimum(risk, demo.MAX_RISK)
    observed = (rng.random(count) < adherence) & (np.arange(count) < last_logged)
    rows.observed += int(observed.sum())

    shoe_ids = ids.take("shoe", len(demo.SHOES)).tolist()
    for shoe_id, uid, (name, fit, kind, _, _) in zip(
        shoe_ids, bulk.uids(len(demo.SHOES)), demo.SHOES, strict=True
    ):
        rows.tables["shoe"].append(
            {"id": shoe_id, "uid": uid, "person_id": person_id, "name": name}
            | {"fit": fit, "kind": kind}
        )
    meds = [(demo.STATIN, "20 mg", start - timedelta(days=3 * 365))] if statin else []
    if thiazide:
        meds.append((demo.THIAZIDE, "12.5 mg", thiazide_start))
    for med_id, uid, (name, dose, since) in zip(
        ids.take("medication", len(meds)).tolist(), bulk.uids(len(meds)), meds, strict=True
    ):
        rows.tables["medication"].append(
            {"id": med_id, "uid": uid, "person_id": person_id, "name": name}
            | {"dose": dose, "started": since}
        )
    _days(rows, ids, rng, truth, observed, person_id, shoe_ids, span)
    _nights(rows, ids, cramp & observed, observed, person_id, span)
    _episodes(rows, ids, rng, np.flatnonzero(cramp & observed), person_id, make_up, span)


def _days(
    rows: _Rows,
    ids: bulk.Ids,
    rng: np.random.Generator,
    truth: pd.DataFrame,
    observed: np.ndarray,
    person_id: int,
    shoe_ids: list[int],
    span: _Span,
) -> None:
    """Day rows as the demo logs them (`demo._logged_days`, vectorised), and the shoes worn."""
    n = len(truth)
    night_logged = np.concatenate(([True], observed))
    logged = rng.random(n) < np.where(night_logged, 0.92, 0.50)
    keep = {k: logged & (rng.random(n) >= p) for k, p in demo._FIELD_MISSING.items()}
    where = np.flatnonzero(logged)
    day_ids = ids.take("day", len(where))
    rows.days += len(where)
    bits = (
        truth["walking"].to_numpy().astype(int)
        + 2 * truth["cardio"].to_numpy().astype(int)
        + 4 * truth["strength"].to_numpy().astype(int)
    )
    names = [",".join(a for j, a in enumerate(_ACTIVITIES) if b >> j & 1) or None for b in range(8)]
    # Kinds are named only on a day whose minutes are (the demo's rule).
    activities = _na_list(np.array(names, dtype=object)[bits], keep["exercise_minutes"])
    columns = {
        key: _na_list(truth[key].to_numpy(), keep[key])
        for key in ("water_ml", "exercise_minutes", "stretched", "alcohol", "caffeine")
    }
    columns["sitting_hours"] = _na_list(truth["sitting_hours"].to_numpy(), keep["sitting_hours"])
    columns["activities"] = activities
    table = rows.tables["day"]
    uids = bulk.uids(len(where))
    dates = span.dates
    for day_id, uid, i in zip(day_ids.tolist(), uids, where.tolist(), strict=True):
        row = {"id": day_id, "uid": uid, "person_id": person_id, "date": dates[i]}
        for key, values in columns.items():
            row[key] = values[i]
        table.append(row)
    # Shoes: the tight pair, heels and trainers as drawn; the flats on a day with none of them.
    worn = [truth[k].to_numpy() for k in ("tight", "heels", "trainers")]
    worn.append(~(worn[0] | worn[1] | worn[2]))
    row_of = np.full(n, -1)
    row_of[where] = day_ids
    pairs = rows.tables["day_shoe"]
    for k, (name, *_rest) in enumerate(demo.SHOES):
        hours = truth[f"hours:{name}"].to_numpy()
        on = np.flatnonzero(worn[k] & keep["shoes"])
        shoe = shoe_ids[k]
        pairs.extend(
            {"day_id": day_id, "shoe_id": shoe, "hours": h}
            for day_id, h in zip(row_of[on].tolist(), hours[on].tolist(), strict=True)
        )


def _nights(
    rows: _Rows,
    ids: bulk.Ids,
    cramp_logged: np.ndarray,
    observed: np.ndarray,
    person_id: int,
    span: _Span,
) -> None:
    """A "no cramps" mark on every logged night without a cramp."""
    free = np.flatnonzero(observed & ~cramp_logged).tolist()
    dates = span.dates
    rows.tables["night"].extend(
        {"id": night_id, "uid": uid, "person_id": person_id, "night": dates[i + 1]}
        for night_id, uid, i in zip(
            ids.take("night", len(free)).tolist(), bulk.uids(len(free)), free, strict=True
        )
    )


def _episodes(
    rows: _Rows,
    ids: bulk.Ids,
    rng: np.random.Generator,
    cramp_nights: np.ndarray,
    person_id: int,
    make_up: tuple[float, float, float],
    span: _Span,
) -> None:
    """The cramps of the logged cramp nights (indexes from the first night), drawn as
    `demo._episodes` draws them, with the person's own severity, length and waking."""
    severity_mean, minutes_median, woke_p = make_up
    k = len(cramp_nights)
    if not k:
        return
    per_night = rng.choice(_CRAMP_COUNTS, size=k, p=_CRAMP_COUNT_P)
    first = np.clip(rng.normal(3.33, 1.08, k), -1.5, 7.0)  # hours after midnight
    night_of = np.repeat(np.arange(k), per_night)
    m = len(night_of)
    gaps = rng.uniform(15, 120, m) / 60.0
    starts = np.concatenate(([0], np.cumsum(per_night)[:-1]))
    gaps[starts] = 0.0
    cumulative = np.cumsum(gaps)
    hours = first[night_of] + cumulative - cumulative[starts][night_of]
    keep = hours <= demo.LATEST_CRAMP.total_seconds() / 3600  # cramps come in bed
    night_of, hours = night_of[keep], hours[keep]
    m = len(night_of)
    severity = np.clip(np.round(rng.normal(severity_mean, 1.8, m)), 1, 10).astype(int)
    rated = rng.random(m) >= 0.03
    minutes = np.round(np.clip(rng.lognormal(np.log(minutes_median), 0.9, m), 0.25, 9.5) * 4) / 4
    woke = rng.random(m) < woke_p
    woke_said = rng.random(m) >= 0.05
    sites = np.array(demo._SITES, dtype=object)[rng.choice(len(demo._SITES), size=m, p=_SITE_P)]
    sides = np.array(demo._SIDES, dtype=object)[rng.choice(len(demo._SIDES), size=m, p=_SIDE_P)]
    relief = np.array(demo._RELIEF, dtype=object)[
        rng.choice(len(demo._RELIEF), size=m, p=_RELIEF_P)
    ]
    whole_minutes = np.round(hours * 60).astype(int).tolist()  # after midnight, to the minute
    columns = zip(
        ids.take("episode", m).tolist(),
        bulk.uids(m),
        cramp_nights[night_of].tolist(),
        whole_minutes,
        _na_list(severity, rated),
        sites.tolist(),
        sides.tolist(),
        minutes.tolist(),
        _na_list(woke, woke_said),
        relief.tolist(),
        strict=True,
    )
    dates, zone = span.dates, span.zone
    table = rows.tables["episode"]
    for episode_id, uid, i, after, sev, site, side, mins, woke_, relief_ in columns:
        night = dates[i + 1]
        local = datetime.combine(night, _MIDNIGHT, zone) + timedelta(days=1, minutes=after)
        table.append(
            {
                "id": episode_id,
                "uid": uid,
                "person_id": person_id,
                "at": local.astimezone(UTC),
                "night": night,
                "severity": sev,
                "site": site,
                "side": side,
                "minutes": mins,
                "woke": woke_,
                "relief": relief_,
            }
        )
    rows.episodes += m


_MIDNIGHT = time()
_ORDER = ("person", "shoe", "medication", "day", "day_shoe", "night", "episode")
_TABLES = {
    m.__table__.name: m.__table__
    for m in (Person, Shoe, Medication, Day, DayShoe, NightRecord, Episode)
}


def _fixed(stamp: datetime, tz: str) -> dict[str, dict[str, Any]]:
    """Columns with the same value on every row, given once in the statement (.values())
    rather than on each row: cheaper on both engines, and Python-side defaults are not
    called a million times."""
    return {
        "person": {"created_at": stamp},
        "shoe": {"retired": False, "created_at": stamp},
        "medication": {"as_needed": False, "created_at": stamp},
        "day": {"updated_at": stamp},
        "day_shoe": {},
        "night": {"cramp_free": True, "created_at": stamp},
        "episode": {"tz": tz, "signs": "", "created_at": stamp},
    }


def write_study(
    session: Session,
    persons: int,
    end: date,
    *,
    months: float,
    seed: int,
    tz: str,
) -> StudySummary:
    """Write `persons` synthetic people, each `months` long ending with night `end`."""
    zone = ZoneInfo(tz)
    count = demo.nights_for(months)
    start = end - timedelta(days=count - 1)
    span = _Span(start, end, [start + timedelta(days=i - 1) for i in range(count + 1)], zone)
    stamp = datetime.combine(end + timedelta(days=1), time(8), tzinfo=zone).astimezone(UTC)
    for key, value in (("timezone", tz), ("baseline_start", start.isoformat())):
        session.execute(Setting.__table__.delete().where(Setting.__table__.c.key == key))
        session.execute(insert(Setting.__table__), [{"key": key, "value": value}])
    ids = bulk.Ids(session, list(_TABLES.values()))
    fixed = _fixed(stamp, tz)
    totals = _Rows({})
    for first in range(0, persons, CHUNK):
        rows = _Rows({name: [] for name in _ORDER})
        for i in range(first, min(first + CHUNK, persons)):
            _person(rows, ids, i, seed, span)
        pairs = rows.tables["day_shoe"]
        for pair_id, row in zip(ids.take("day_shoe", len(pairs)).tolist(), pairs, strict=True):
            row["id"] = pair_id
        for name in _ORDER:
            if not rows.tables[name]:
                continue
            bulk.insert_rows(session, _TABLES[name], fixed[name], rows.tables[name])
        totals.observed += rows.observed
        totals.episodes += rows.episodes
        totals.days += rows.days
    bulk.fix_sequences(session, list(_TABLES.values()))
    return StudySummary(
        persons=persons,
        start=start,
        end=end,
        nights=count,
        observed_nights=totals.observed,
        episodes=totals.episodes,
        days_logged=totals.days,
        seed=seed,
    )
