"""The diary as one tidy pandas frame: a row per night of the period.

This is the only reader that analysis, flags, charts and reports use; nothing above it writes
SQL. One query per table, then pandas.

Columns (index: `night`, a datetime64 day, every night from `start` to `end` inclusive):

- `observed` (bool): at least one episode, or an explicit "no cramps" record. Never NA.
- `cramp` (boolean, NA when not observed): an observed night with at least one episode.
- `episodes` (Int64, NA when not observed): count of episodes that night.
- `max_severity`, `mean_severity`, `total_minutes`, `max_minutes` (Float64, NA when no data).
- `woke` (boolean, NA when not observed): any episode that night is recorded as having woken
  the person. False alone does not mean "not woken": see `woke_known`.
- `woke_known` (bool): a cramp night with waking recorded (yes or no) for at least one of its
  cramps. `woke` is "no" only where this is true.
- `sign:<sign>` (boolean, NA when not observed) for each of models.SIGNS.
- `first_at` (float hours after the night's 18:00, NA when no episode): time of night of the
  first cramp, for the time-of-night chart.
- exposures, boolean with NA where unknown (day D's factors for night D; see DESIGN.md):
  `low_water`, `alcohol`, `caffeine`, `no_exercise`, `exercise:<kind>`, `stretched`,
  `long_sitting`, `shoes:<name>`, `tight_shoes`, `heels`, `medication:<generic>`,
  `listed_medication`; and each again with the suffix `:lag1` (day D-1 for night D).
- own factors (`factor add`): `factor:<name>` and `factor:<name>:lag1` among the exposures
  (yes, or a value beyond the factor's threshold; NA on a day without a value), and the raw
  day value `value:factor:<name>` (Float64: 1/0 for yes/no, else the number; NA when not
  recorded). Removed factors are left out. Their definitions are in
  `settings["own_factors"]` (name -> kind, unit, exposed_below, exposed_above), so that labels
  and sentences can say what "exposed" means.
- raw day values for charts: `water_ml` (Float64), `exercise_minutes` (Float64),
  `alcohol_drinks`, `caffeine_drinks`, `sitting_hours` (Float64), all NA when not logged.

`EXPOSURES` lists the exposure column names present (lag 0 first), in a stable order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from cramplog import diary as ops
from cramplog import knowledge
from cramplog.models import (
    SIGNS,
    Day,
    DayFactor,
    DayShoe,
    Dose,
    Episode,
    Factor,
    Medication,
    NightRecord,
    Shoe,
)
from cramplog.timeutil import zone


@dataclass
class Nightly:
    """The nightly frame with what it was built from."""

    frame: pd.DataFrame
    start: date
    end: date
    exposures: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    medications: list[dict[str, Any]] = field(default_factory=list)
    episodes: pd.DataFrame | None = None
    # When the person says their cramps began (profile, first of a month), or None.
    cramps_since: date | None = None


def first_logged_night(session: Session) -> date | None:
    candidates = [
        session.scalar(
            select(Episode.night)
            .where(Episode.deleted_at.is_(None))
            .order_by(Episode.night)
            .limit(1)
        ),
        session.scalar(select(NightRecord.night).order_by(NightRecord.night).limit(1)),
    ]
    found = [c for c in candidates if c is not None]
    return min(found) if found else None


def last_logged_night(session: Session) -> date | None:
    candidates = [
        session.scalar(
            select(Episode.night)
            .where(Episode.deleted_at.is_(None))
            .order_by(Episode.night.desc())
            .limit(1)
        ),
        session.scalar(select(NightRecord.night).order_by(NightRecord.night.desc()).limit(1)),
    ]
    found = [c for c in candidates if c is not None]
    return max(found) if found else None


def _episodes(session: Session, start: date, end: date) -> pd.DataFrame:
    rows = session.execute(
        select(
            Episode.id,
            Episode.night,
            Episode.at,
            Episode.tz,
            Episode.severity,
            Episode.site,
            Episode.side,
            Episode.minutes,
            Episode.woke,
            Episode.signs,
            Episode.relief,
            Episode.note,
        )
        .where(Episode.deleted_at.is_(None), Episode.night >= start, Episode.night <= end)
        .order_by(Episode.at)
    ).all()
    columns = ["id", "night", "at", "tz", "severity", "site", "side", "minutes", "woke", "signs"]
    columns += ["relief", "note"]  # shown in the packet's appendix
    frame = pd.DataFrame(rows, columns=columns)
    if frame.empty:
        frame["hours_after_18"] = pd.Series(dtype="Float64")
        return frame
    frame["night"] = pd.to_datetime(frame["night"])
    # Local wall time of each episode, as hours after 18:00 on the evening of its night.
    local = [
        at.astimezone(zone(tz)).replace(tzinfo=None)
        for at, tz in zip(frame["at"], frame["tz"], strict=True)
    ]
    frame["local"] = pd.to_datetime(local)
    frame["hours_after_18"] = (
        (frame["local"] - frame["night"] - pd.Timedelta(hours=18)) / pd.Timedelta(hours=1)
    ).astype("Float64")
    frame["severity"] = frame["severity"].astype("Float64")
    frame["minutes"] = frame["minutes"].astype("Float64")
    frame["woke"] = frame["woke"].astype("boolean")
    return frame


def build(session: Session, start: date | None = None, end: date | None = None) -> Nightly:
    """The nightly frame from `start` to `end` (default: the first to the last logged night)."""
    settings = ops.settings(session)
    settings["own_factors"] = own_factor_definitions(session)
    if end is None:
        end = last_logged_night(session) or date.today()
    if start is None:
        start = first_logged_night(session) or end
    if start > end:
        start = end
    nights = pd.date_range(start, end, freq="D", name="night")
    frame = pd.DataFrame(index=nights)

    episodes = _episodes(session, start, end)
    free = pd.to_datetime(
        pd.Series(
            session.scalars(
                select(NightRecord.night).where(
                    NightRecord.cramp_free.is_(True),
                    NightRecord.night >= start,
                    NightRecord.night <= end,
                )
            ).all(),
            dtype="object",
        )
    )
    _outcomes(frame, episodes, free)

    day_start = start - timedelta(days=1)  # lag 1 needs the day before the first night
    exposures = _exposures(session, frame, settings, day_start, end)
    meds = [
        {
            "name": m.name,
            "dose": m.dose,
            "as_needed": m.as_needed,
            "started": m.started,
            "stopped": m.stopped,
        }
        for m in session.scalars(select(Medication).order_by(Medication.id))
    ]
    who = ops.person(session, create=False)
    since = who.cramps_since if who is not None else None
    return Nightly(frame, start, end, exposures, settings, meds, episodes, since)


def _outcomes(frame: pd.DataFrame, episodes: pd.DataFrame, free: pd.Series) -> None:
    index = frame.index
    if episodes.empty:
        per_night = pd.DataFrame(index=index[:0])
        count = pd.Series(0, index=index, dtype="Int64")
    else:
        grouped = episodes.groupby("night")
        woke = episodes["woke"]
        by_night = episodes["night"]
        per_night = pd.DataFrame(
            {
                "count": grouped.size(),
                "max_severity": grouped["severity"].max(),
                "mean_severity": grouped["severity"].mean(),
                "total_minutes": grouped["minutes"].sum(min_count=1),
                "max_minutes": grouped["minutes"].max(),
                # Grouped boolean columns, not a Python function per night: on ten years
                # of cramps that was a tenth of the packet's time.
                "woke": woke.eq(True).fillna(False).astype(bool).groupby(by_night).any(),
                # Waking is known on a cramp night when one of its cramps woke the person,
                # or when every one of them says whether it did: a "no" beside a cramp not
                # asked could still be a night woken.
                "woke_known": woke.eq(True).fillna(False).astype(bool).groupby(by_night).any()
                | woke.notna().groupby(by_night).all(),
                "first_at": grouped["hours_after_18"].min(),
            }
        )
        count = per_night["count"].reindex(index, fill_value=0).astype("Int64")
    has_episode = count > 0
    is_free = pd.Series(index.isin(free), index=index)
    observed = (has_episode | is_free).astype(bool)
    frame["observed"] = observed
    frame["cramp"] = pd.Series(has_episode, dtype="boolean").where(observed, pd.NA)
    frame["episodes"] = count.where(observed, pd.NA)
    for col in ("max_severity", "mean_severity", "total_minutes", "max_minutes", "first_at"):
        values = per_night[col] if col in per_night else pd.Series(dtype="Float64")
        frame[col] = values.reindex(index).astype("Float64")
    woke = (
        per_night["woke"].reindex(index) if "woke" in per_night else pd.Series(pd.NA, index=index)
    )
    frame["woke"] = woke.astype("boolean").fillna(False).where(observed, pd.NA).astype("boolean")
    # Known only where recorded: a period whose cramps never said is "unknown", not 0.
    known = (
        per_night["woke_known"].reindex(index).astype("boolean").fillna(False)
        if "woke_known" in per_night
        else pd.Series(False, index=index)
    )
    frame["woke_known"] = (observed & has_episode & known.astype(bool)).astype(bool)
    for sign in SIGNS:
        if episodes.empty:
            has = pd.Series(False, index=index)
        else:
            with_sign = episodes.loc[episodes["signs"].str.contains(sign, regex=False), "night"]
            has = pd.Series(index.isin(with_sign), index=index)
        frame[f"sign:{sign}"] = has.astype("boolean").where(observed, pd.NA)


def _exposures(
    session: Session, frame: pd.DataFrame, settings: dict[str, Any], day_start: date, end: date
) -> list[str]:
    """Add day-factor columns for lag 0 and lag 1; return the exposure names in order."""
    days_index = pd.date_range(day_start, end, freq="D", name="night")
    day_rows = session.execute(
        select(
            Day.id,
            Day.date,
            Day.water_ml,
            Day.exercise_minutes,
            Day.activities,
            Day.stretched,
            Day.alcohol,
            Day.caffeine,
            Day.sitting_hours,
        ).where(Day.date >= day_start, Day.date <= end)
    ).all()
    cols = [
        "id",
        "date",
        "water_ml",
        "exercise_minutes",
        "activities",
        "stretched",
        "alcohol",
        "caffeine",
        "sitting_hours",
    ]
    days = pd.DataFrame(day_rows, columns=cols)
    days["date"] = pd.to_datetime(days["date"])
    days = days.set_index("date").reindex(days_index)

    def num(col: str) -> pd.Series:
        return pd.to_numeric(days[col], errors="coerce").astype("Float64")

    water, exercise = num("water_ml"), num("exercise_minutes")
    alcohol, caffeine, sitting = num("alcohol"), num("caffeine"), num("sitting_hours")
    lag0: dict[str, pd.Series] = {}
    lag0["low_water"] = _flag(water < float(settings["low_water_ml"]), water)
    lag0["alcohol"] = _flag(alcohol >= 1, alcohol)
    lag0["caffeine"] = _flag(caffeine >= 1, caffeine)
    lag0["no_exercise"] = _flag(exercise == 0, exercise)
    activities = days["activities"].where(days["activities"].notna(), None)
    kinds = sorted({k for a in activities.dropna() for k in str(a).split(",") if k})
    # Kinds are known when some were named, or when the day had no exercise at all.
    kinds_known = activities.fillna("").astype(str).str.len().gt(0) | (exercise == 0).fillna(False)
    for kind in kinds:
        has = activities.fillna("").astype(str).map(lambda a, k=kind: k in a.split(","))
        lag0[f"exercise:{kind}"] = has.astype("boolean").where(kinds_known, pd.NA)
    stretched = days["stretched"]
    lag0["stretched"] = pd.Series(stretched, dtype="boolean")
    lag0["long_sitting"] = _flag(sitting >= float(settings["long_sitting_hours"]), sitting)

    worn = session.execute(
        select(DayShoe.day_id, Shoe.name, Shoe.fit, Shoe.kind).join(
            Shoe, Shoe.id == DayShoe.shoe_id
        )
    ).all()
    worn_frame = pd.DataFrame(worn, columns=["day_id", "name", "fit", "kind"])
    day_ids = days["id"]
    shoes_known = (
        day_ids.isin(worn_frame["day_id"])
        if not worn_frame.empty
        else pd.Series(False, index=days_index)
    )
    shoe_names = sorted(set(worn_frame["name"])) if not worn_frame.empty else []
    for name in shoe_names:
        ids = set(worn_frame.loc[worn_frame["name"] == name, "day_id"])
        lag0[f"shoes:{name}"] = pd.Series(day_ids.isin(ids), dtype="boolean").where(
            shoes_known, pd.NA
        )
    if not worn_frame.empty:
        tight_ids = set(worn_frame.loc[worn_frame["fit"] == "tight", "day_id"])
        heel_ids = set(worn_frame.loc[worn_frame["kind"] == "heels", "day_id"])
        lag0["tight_shoes"] = pd.Series(day_ids.isin(tight_ids), dtype="boolean").where(
            shoes_known, pd.NA
        )
        lag0["heels"] = pd.Series(day_ids.isin(heel_ids), dtype="boolean").where(shoes_known, pd.NA)

    _medication_exposures(session, lag0, days_index)
    own_values = _own_factor_exposures(session, lag0, days["id"], day_start, end)

    names: list[str] = []
    for name, series in lag0.items():
        series = series.reindex(days_index)
        if not series.notna().any():
            continue  # a factor never recorded is not a factor of this diary
        frame[name] = series.reindex(frame.index).astype("boolean")
        frame[f"{name}:lag1"] = series.shift(1).reindex(frame.index).astype("boolean")
        names.append(name)
    frame["water_ml"] = water.reindex(frame.index)
    frame["exercise_minutes"] = exercise.reindex(frame.index)
    frame["alcohol_drinks"] = alcohol.reindex(frame.index)
    frame["caffeine_drinks"] = caffeine.reindex(frame.index)
    frame["sitting_hours"] = sitting.reindex(frame.index)
    for name, values in own_values.items():
        frame[f"value:{name}"] = values.reindex(frame.index)
    return names + [f"{n}:lag1" for n in names]


def own_factor_definitions(session: Session) -> dict[str, dict[str, Any]]:
    """The diary's active own factors, by name, in the order they were added."""
    from cramplog import factors

    return {
        f.name: {
            "kind": f.kind,
            "unit": f.unit,
            "exposed_below": f.exposed_below,
            "exposed_above": f.exposed_above,
        }
        for f in factors.all_factors(session)
    }


def _own_factor_exposures(
    session: Session, lag0: dict[str, pd.Series], day_ids: pd.Series, day_start: date, end: date
) -> dict[str, pd.Series]:
    """`factor:<name>` exposures of the active own factors; returns their raw day values.

    Exposed is "yes", or a value below `exposed_below` / above `exposed_above` (strictly, as
    the factor says); a day without a value stays NA (unknown, never "no").
    """
    active = session.scalars(
        select(Factor).where(Factor.removed_at.is_(None)).order_by(Factor.id)
    ).all()
    if not active:
        return {}
    rows = session.execute(
        select(DayFactor.day_id, DayFactor.factor_id, DayFactor.value)
        .join(Day, Day.id == DayFactor.day_id)
        .where(Day.date >= day_start, Day.date <= end)
    ).all()
    stored = pd.DataFrame(rows, columns=["day_id", "factor_id", "value"])
    raw: dict[str, pd.Series] = {}
    for factor in active:
        mine = stored.loc[stored["factor_id"] == factor.id]
        by_day = dict(zip(mine["day_id"], mine["value"], strict=True))
        values = day_ids.map(by_day).astype("Float64")
        if factor.kind == "yesno":
            exposed = values >= 0.5
        elif factor.exposed_below is not None:
            exposed = values < float(factor.exposed_below)
        else:
            exposed = values > float(factor.exposed_above or 0.0)
        name = f"factor:{factor.name}"
        lag0[name] = _flag(exposed, values)
        raw[name] = values
    return raw


def _flag(condition: pd.Series, value: pd.Series) -> pd.Series:
    """A boolean exposure that is NA wherever the value behind it is unknown."""
    return condition.astype("boolean").where(value.notna(), pd.NA)


def _medication_exposures(
    session: Session, lag0: dict[str, pd.Series], days_index: pd.DatetimeIndex
) -> None:
    """Regular medicines are active from start to stop; as-needed ones on days a dose was taken.

    The medicine list is taken as complete for every day (a person lists what they take), so
    these exposures are known on every night.
    """
    meds = session.scalars(select(Medication).order_by(Medication.id)).all()
    if not meds:
        return
    aliases = ops.medication_aliases(session)
    dose_days = pd.DataFrame(
        session.execute(select(Dose.medication_id, Dose.date)).all(),
        columns=["medication_id", "date"],
    )
    listed = pd.Series(False, index=days_index)
    for med in meds:
        name = f"medication:{med.name}"
        if med.as_needed:
            taken = pd.to_datetime(dose_days.loc[dose_days["medication_id"] == med.id, "date"])
            active = pd.Series(days_index.isin(taken), index=days_index)
        else:
            lo = pd.Timestamp(med.started) if med.started else days_index.min()
            hi = pd.Timestamp(med.stopped) if med.stopped else days_index.max()
            active = pd.Series((days_index >= lo) & (days_index <= hi), index=days_index)
        previous = lag0.get(name)
        lag0[name] = (active | previous.astype(bool)) if previous is not None else active
        if knowledge.match_medication(med.name, aliases) is not None:
            listed |= active
    for name in [n for n in lag0 if n.startswith("medication:")]:
        lag0[name] = lag0[name].astype("boolean")
    if any(knowledge.match_medication(m.name, aliases) for m in meds):
        lag0["listed_medication"] = listed.astype("boolean")
