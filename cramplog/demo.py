"""A synthetic, realistic diary with planted effects, to try cramplog on (`cramplog demo`).

`simulate(end, seed=..., months=...)` draws a whole diary as plain data (a `Plan`): a pure
function of its arguments, independent of the clock and of CRAMPLOG_NOW. `write(session, plan)`
records it through the same `cramplog.diary` operations the commands use, and `generate` does
both. Nothing here reads or writes a person's own diary: the `demo` command writes to a
separate file.

The person: born 1956, takes atorvastatin throughout (started years before the diary), logs
most mornings; wears a tight pair of work shoes, trainers, heels now and then, and comfy flats
when none of the others.

Timeline (fractions of the diary's nights, so a 6-month and a 10-year diary look alike):

- 15%: begins stretching the calves before bed (stretches on 70% of days from then on; never
  before). The `baseline_start` setting is put 14 nights before, for responder status.
- 50%: starts hydrochlorothiazide 12.5 mg (a thiazide; stays on it).

Planted effects. A night's true cramp risk is BASE_RISK = 12% multiplied by (all on day D,
for night D, DESIGN.md), capped at MAX_RISK = 95%:

| exposure (JSON name)                 | multiplier | present on                          |
|--------------------------------------|-----------:|-------------------------------------|
| `low_water` (< 1.5 L)                | 2.5        | 30% of days                         |
| `tight_shoes` (= `shoes:work shoes`) | 2.0        | 30% of days                         |
| `medication:hydrochlorothiazide`     | 2.0        | every day from 50% of the way on    |
| `stretched`                          | 0.5        | 70% of days after the habit begins  |

so the true risk is 12% with none of them, 30% after low water, 24% in the tight shoes, 60%
with both, doubled on the thiazide (capped at 95%) and halved after stretching. (GAR2012 found
1.48 for thiazides; the demo plants 2.0 so that six months can show it.) Cramps come on about
23% of nights, 1.6 nights a week.

The crude risk ratios that `insights` estimates are those multipliers for low water and tight
shoes (each drawn independently of everything else). The thiazide and the stretching habit
both begin partway, so each is confounded by the other in time, as in a real diary: the crude
ratio for the thiazide comes out near 1.65 and for stretching near 0.6 (geometric means over
40 two-year diaries). Over those 40 diaries the four are found (95% CI excluding 1) in 100%,
98%, 90% and 90% of runs; over six months, in 88%, 68%, 35% and 43%. The default seed
(DEFAULT_SEED = 49) is one whose six months show all four, with estimates near the truth, so
that the demo has something to show; other seeds show what a shorter, luckier or unluckier
diary looks like.

Planted non-effects (multiplier 1, drawn independently of everything): `alcohol` (35% of
days), `caffeine` (70%), `no_exercise` (30%), `exercise:walking` / `exercise:cardio` /
`exercise:strength`, `heels` (= `shoes:party heels`, 10%), `shoes:trainers` (40%),
`long_sitting` (8 hours or more, about 25%), and the `:lag1` (day before) version of every
factor drawn afresh each day: low_water, tight_shoes, alcohol, caffeine, no_exercise, the
exercise kinds, heels, trainers, long_sitting (`PLANTED_NON_EFFECTS` lists them). Over 40
two-year diaries, 2.8% of these reach q < 0.1 (5.4% have a 95% CI excluding 1).

Associations that are real in the data but not planted, and why: `shoes:comfy flats` goes
with fewer cramps (they are worn only on days without any other pair, hence never with the
tight pair); the `:lag1` versions of the thiazide and of stretching follow their lag-0
versions (both persist from day to day); `medication:atorvastatin` and `listed_medication`
are present on every night, so there is nothing to compare them with (not enough data).

Missing data, all unrelated to cramps: 12% of nights are not logged at all (neither a cramp
nor "no cramps"); day D's factors are logged on 92% of days whose night D is logged and 50% of
the others, and within a logged day each field is left out now and then (water 5%,
exercise 5%, stretching 10%, shoes 10%, alcohol 10%, caffeine 10%, sitting 25%).

Cramps (AASM, AK2012, SEBO2019): 1 to 3 a cramp night (70/23/7%), the first around 03:20
(mostly 02:00-05:00, sd 1 h 05), the next 15 min to 2 h later; calf 50%, foot 22%, toes 20%,
arch 5%, thigh 3%; severity 0-10 about 5.5 (sd 1.8); duration log-normal, median 1.5 min,
15 s to 9.5 min; woken 80% of the time. Two episodes are there for the provider-visit flags:
one of 14 minutes about 12 days before the end (inside the flags' 4-week look-back), and one
with numbness about 3 weeks before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = [
    "BASE_RISK",
    "DEFAULT_MONTHS",
    "DEFAULT_SEED",
    "DEMO_PERSON",
    "LATEST_CRAMP",
    "PLANTED_EFFECTS",
    "PLANTED_NON_EFFECTS",
    "DemoSummary",
    "Plan",
    "generate",
    "nights_for",
    "simulate",
    "write",
]

DEFAULT_SEED = 49
DEFAULT_MONTHS = 6
DEMO_PERSON = "Demo (synthetic)"
BASE_RISK = 0.12
MAX_RISK = 0.95
DEFAULT_TZ = "Europe/London"

# True multipliers of the nightly cramp risk (see the module docstring).
PLANTED_EFFECTS: dict[str, float] = {
    "low_water": 2.5,
    "tight_shoes": 2.0,
    "medication:hydrochlorothiazide": 2.0,
    "stretched": 0.5,
}
_DAILY_NULLS = (
    "alcohol",
    "caffeine",
    "no_exercise",
    "exercise:walking",
    "exercise:cardio",
    "exercise:strength",
    "heels",
    "shoes:trainers",
    "long_sitting",
)
# Exposures with no effect at all: each is drawn afresh every day, independently of the risk.
PLANTED_NON_EFFECTS: tuple[str, ...] = (
    *_DAILY_NULLS,
    *(f"{name}:lag1" for name in (*_DAILY_NULLS, "low_water", "tight_shoes")),
)

TIGHT, HEELS, TRAINERS, FLATS = "work shoes", "party heels", "trainers", "comfy flats"
SHOES = (  # name, fit, kind, chance worn on a day, hours worn (low, high)
    (TIGHT, "tight", "everyday", 0.30, (7.0, 9.5)),
    (HEELS, "good", "heels", 0.10, (2.0, 5.0)),
    (TRAINERS, "good", "trainers", 0.40, (0.5, 2.0)),
    (FLATS, "good", "flats", None, (4.0, 10.0)),
)
STATIN, THIAZIDE = "atorvastatin", "hydrochlorothiazide"
HABIT_AT, THIAZIDE_AT = 0.15, 0.50  # fractions of the diary's nights
STRETCH_CHANCE = 0.70
LOW_WATER_CHANCE = 0.30
LATEST_CRAMP = timedelta(hours=7, minutes=30)  # after midnight; the demo ends before 07:30

_SITES = ("calf", "foot", "toes", "arch", "thigh")
_SITE_P = (0.50, 0.22, 0.20, 0.05, 0.03)
_SIDES = ("left", "right", "both")
_SIDE_P = (0.42, 0.40, 0.18)
_RELIEF = ("stretching", "walking it off", "massage", None)
_RELIEF_P = (0.5, 0.25, 0.1, 0.15)
# Chance a field is left out on a day whose factors are logged.
_FIELD_MISSING = {
    "water_ml": 0.05,
    "exercise_minutes": 0.05,
    "stretched": 0.10,
    "shoes": 0.10,
    "alcohol": 0.10,
    "caffeine": 0.10,
    "sitting_hours": 0.25,
}


@dataclass
class Plan:
    """A whole synthetic diary as data, before it is written.

    `days` (index: each date from the day before `start` to `end`) holds what was logged, NA
    where nothing was: water_ml, exercise_minutes, alcohol, caffeine (Int64), sitting_hours
    (Float64), stretched (boolean), activities (str or None, comma-separated) and shoes (a
    tuple of (name, hours) or None). `nights` (index: each night `start`..`end`) holds the truth:
    risk, cramp (whether a cramp happened) and observed (whether the night was logged).
    `episodes` lists the cramps of observed cramp nights as dicts of `diary.add_episode`
    arguments with a naive local `at`.
    """

    seed: int
    start: date
    end: date
    days: pd.DataFrame
    nights: pd.DataFrame
    episodes: list[dict[str, Any]]
    habit_start: date
    thiazide_start: date
    statin_start: date
    baseline_start: date
    birth_year: int = 1956


@dataclass
class DemoSummary:
    """What `write` recorded, for the command to report."""

    seed: int
    start: date
    end: date
    nights: int
    observed_nights: int
    cramp_nights: int
    episodes: int
    days_logged: int
    planted: dict[str, float] = field(default_factory=lambda: dict(PLANTED_EFFECTS))


def nights_for(months: float) -> int:
    """Nights in a diary of `months` months (average month length)."""
    return max(1, round(months * 365.25 / 12))


def simulate(end: date, *, seed: int = DEFAULT_SEED, months: float = DEFAULT_MONTHS) -> Plan:
    """Draw a diary of about `months` months ending with night `end` (see the module docstring).

    A pure function of its arguments. Separate random streams are used for the day factors,
    the cramps, what gets logged and the episodes' details, so that changing one part of the
    model leaves the others' draws as they were.
    """
    count = nights_for(months)
    start = end - timedelta(days=count - 1)
    streams = np.random.SeedSequence(seed).spawn(4)
    factors_rng, cramp_rng, log_rng, detail_rng = (np.random.default_rng(s) for s in streams)

    day_index = pd.date_range(start - timedelta(days=1), end, freq="D", name="date")
    habit_start = start + timedelta(days=round(HABIT_AT * count))
    thiazide_start = start + timedelta(days=round(THIAZIDE_AT * count))
    truth = _draw_factors(factors_rng, day_index, habit_start)

    # Day D's factors are the exposures for night D: drop the extra day before the first night.
    night_truth = truth.iloc[1:]
    on_thiazide = (night_truth.index >= pd.Timestamp(thiazide_start)).astype(float)
    risk = BASE_RISK * np.prod(
        [
            np.where(night_truth["low_water"], PLANTED_EFFECTS["low_water"], 1.0),
            np.where(night_truth["tight"], PLANTED_EFFECTS["tight_shoes"], 1.0),
            np.where(on_thiazide > 0, PLANTED_EFFECTS["medication:hydrochlorothiazide"], 1.0),
            np.where(night_truth["stretched"], PLANTED_EFFECTS["stretched"], 1.0),
        ],
        axis=0,
    )
    risk = np.minimum(risk, MAX_RISK)
    cramp = cramp_rng.random(count) < risk
    observed = log_rng.random(count) >= 0.12
    nights = pd.DataFrame(
        {"risk": risk, "cramp": cramp, "observed": observed},
        index=pd.DatetimeIndex(night_truth.index, name="night"),
    )
    # Whether a day's factors are logged follows whether that morning's night was logged.
    night_logged = np.concatenate(([True], observed))
    day_logged = log_rng.random(len(day_index)) < np.where(night_logged, 0.92, 0.50)
    days = _logged_days(log_rng, truth, day_logged)
    episodes = _episodes(detail_rng, nights, end)
    return Plan(
        seed=seed,
        start=start,
        end=end,
        days=days,
        nights=nights,
        episodes=episodes,
        habit_start=habit_start,
        thiazide_start=thiazide_start,
        statin_start=start - timedelta(days=3 * 365),
        baseline_start=habit_start - timedelta(days=14),
    )


def _draw_factors(
    rng: np.random.Generator, index: pd.DatetimeIndex, habit_start: date
) -> pd.DataFrame:
    """Every day's true factors, each drawn independently of the others and of the risk."""
    n = len(index)
    low = rng.random(n) < LOW_WATER_CHANCE
    water = np.where(low, rng.uniform(600, 1450, n), rng.uniform(1500, 2900, n))
    exercising = rng.random(n) >= 0.30
    minutes = np.where(exercising, rng.integers(15, 91, n), 0)
    walking = rng.random(n) < 0.80
    cardio = rng.random(n) < 0.30
    strength = rng.random(n) < 0.25
    habit = index >= pd.Timestamp(habit_start)
    stretched = habit & (rng.random(n) < STRETCH_CHANCE)
    alcohol = np.where(rng.random(n) < 0.35, rng.integers(1, 5, n), 0)
    caffeine = np.where(rng.random(n) < 0.70, rng.integers(1, 6, n), 0)
    sitting = np.clip(rng.normal(6.3, 2.3, n), 0.0, 14.0)
    worn = {name: rng.random(n) < chance for name, _, _, chance, _ in SHOES if chance}
    hours = {name: rng.uniform(lo, hi, n) for name, _, _, _, (lo, hi) in SHOES}
    return pd.DataFrame(
        {
            "water_ml": (np.round(water / 50) * 50).astype(int),
            "low_water": water < 1500,
            "exercise_minutes": minutes.astype(int),
            # Kinds of exercise are drawn independently; an exercise day with none is walking.
            "walking": exercising & (walking | ~(cardio | strength)),
            "cardio": exercising & cardio,
            "strength": exercising & strength,
            "stretched": stretched,
            "alcohol": alcohol.astype(int),
            "caffeine": caffeine.astype(int),
            "sitting_hours": np.round(sitting * 2) / 2,
            "tight": worn[TIGHT],
            "heels": worn[HEELS],
            "trainers": worn[TRAINERS],
            **{f"hours:{name}": np.round(h * 2) / 2 for name, h in hours.items()},
        },
        index=index,
    )


def _logged_days(
    rng: np.random.Generator, truth: pd.DataFrame, day_logged: np.ndarray
) -> pd.DataFrame:
    """What the person wrote down: the true factors, with whole days and single fields left out."""
    n = len(truth)
    keep = {key: day_logged & (rng.random(n) >= chance) for key, chance in _FIELD_MISSING.items()}

    def logged(column: str, key: str, dtype: str) -> pd.Series:
        return pd.Series(truth[column], dtype=dtype).where(keep[key], pd.NA)

    activities = [
        ",".join(k for k in ("walking", "cardio", "strength") if row[k]) or None
        for row in truth[["walking", "cardio", "strength"]].to_dict("records")
    ]
    shoes: list[tuple[tuple[str, float], ...] | None] = []
    for i, row in enumerate(truth.to_dict("records")):
        if not keep["shoes"][i]:
            shoes.append(None)
            continue
        pairs = [
            (name, row[f"hours:{name}"])
            for name, flag in ((TIGHT, "tight"), (HEELS, "heels"), (TRAINERS, "trainers"))
            if row[flag]
        ]
        shoes.append(tuple(pairs) if pairs else ((FLATS, row[f"hours:{FLATS}"]),))
    exercise_known = keep["exercise_minutes"]
    return pd.DataFrame(
        {
            "logged": day_logged,
            "water_ml": logged("water_ml", "water_ml", "Int64"),
            "exercise_minutes": logged("exercise_minutes", "exercise_minutes", "Int64"),
            "activities": pd.Series(activities, index=truth.index, dtype=object).where(
                exercise_known, None
            ),
            "stretched": logged("stretched", "stretched", "boolean"),
            "alcohol": logged("alcohol", "alcohol", "Int64"),
            "caffeine": logged("caffeine", "caffeine", "Int64"),
            "sitting_hours": logged("sitting_hours", "sitting_hours", "Float64"),
            "shoes": pd.Series(shoes, index=truth.index, dtype=object),
        },
        index=truth.index,
    )


def _episodes(rng: np.random.Generator, nights: pd.DataFrame, end: date) -> list[dict[str, Any]]:
    """The cramps of every observed cramp night, shaped like trial diaries (module docstring)."""
    episodes: list[dict[str, Any]] = []
    logged = nights.index[(nights["cramp"] & nights["observed"]).to_numpy()]
    for stamp in logged:
        night = stamp.date()
        count = int(rng.choice([1, 2, 3], p=[0.70, 0.23, 0.07]))
        # Hours after midnight of the first cramp: mostly 02:00-05:00, none before 22:30.
        first = float(np.clip(rng.normal(3.33, 1.08), -1.5, 7.0))
        morning = datetime.combine(night + timedelta(days=1), time())
        moment = morning + timedelta(hours=first)
        for _ in range(count):
            if moment > morning + LATEST_CRAMP:
                break  # cramps come in bed: none after 07:30
            minutes = float(np.clip(rng.lognormal(np.log(1.5), 0.9), 0.25, 9.5))
            episodes.append(
                {
                    "night": night,
                    "at": moment.replace(second=0, microsecond=0),
                    "severity": int(np.clip(round(rng.normal(5.5, 1.8)), 1, 10))
                    if rng.random() >= 0.03
                    else None,
                    "site": str(rng.choice(_SITES, p=_SITE_P)),
                    "side": str(rng.choice(_SIDES, p=_SIDE_P)),
                    "minutes": round(minutes * 4) / 4,
                    "woke": bool(rng.random() < 0.80) if rng.random() >= 0.05 else None,
                    "relief": _RELIEF[int(rng.choice(len(_RELIEF), p=_RELIEF_P))],
                    "signs": [],
                    "note": None,
                }
            )
            moment += timedelta(minutes=float(rng.uniform(15, 120)))
    _mark(episodes, end - timedelta(days=12), minutes=14.0, severity=8, note="a long one")
    _mark(episodes, end - timedelta(days=21), signs=["numbness"], note="foot numb afterwards")
    return episodes


def _mark(episodes: list[dict[str, Any]], on_or_before: date, **changes: Any) -> None:
    """Give the last cramp on or before a night the details a provider-visit flag looks for."""
    for episode in reversed(episodes):
        if episode["night"] <= on_or_before:
            episode.update(changes)
            return


def _na(value: Any) -> Any:
    """None for pandas' NA, a plain Python value otherwise."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def write(session: Session, plan: Plan, tz: str = DEFAULT_TZ) -> DemoSummary:
    """Record `plan` into `session` through the diary operations; returns what was written.

    Expects an empty diary (names of shoes and medicines must be free). One transaction is
    the caller's: nothing is committed here.
    """
    from zoneinfo import ZoneInfo

    from cramplog import diary as ops

    zone = ZoneInfo(tz)
    ops.update_profile(session, name=DEMO_PERSON, birth_year=plan.birth_year, today=plan.end)
    ops.set_setting(session, "timezone", tz)
    ops.set_setting(session, "baseline_start", plan.baseline_start.isoformat())
    for name, fit, kind, _, _ in SHOES:
        ops.add_shoe(session, name, fit=fit, kind=kind)
    ops.add_medication(session, STATIN, dose="20 mg", since=plan.statin_start)
    ops.add_medication(session, THIAZIDE, dose="12.5 mg", since=plan.thiazide_start)

    days_logged = 0
    for stamp, row in zip(plan.days.index, plan.days.to_dict("records"), strict=True):
        if not row["logged"]:
            continue
        days_logged += 1
        ops.update_day(
            session,
            stamp.date(),
            water_ml=_na(row["water_ml"]),
            exercise_minutes=_na(row["exercise_minutes"]),
            activities=(row["activities"] or "").split(",") if row["activities"] else (),
            stretched=_na(row["stretched"]),
            shoes_worn=list(row["shoes"] or ()),
            alcohol=_na(row["alcohol"]),
            caffeine=_na(row["caffeine"]),
            sitting_hours=_na(row["sitting_hours"]),
        )

    by_night: dict[date, list[dict[str, Any]]] = {}
    for episode in plan.episodes:
        by_night.setdefault(episode["night"], []).append(episode)
    observed = plan.nights.index[plan.nights["observed"].to_numpy()]
    for stamp in observed:
        night = stamp.date()
        if night not in by_night:
            ops.mark_cramp_free(session, night)
            continue
        for episode in by_night[night]:
            details = {k: v for k, v in episode.items() if k not in ("night", "at")}
            ops.add_episode(session, at=episode["at"].replace(tzinfo=zone), tz=tz, **details)
    return DemoSummary(
        seed=plan.seed,
        start=plan.start,
        end=plan.end,
        nights=len(plan.nights),
        observed_nights=len(observed),
        cramp_nights=len(by_night),
        episodes=len(plan.episodes),
        days_logged=days_logged,
    )


def generate(
    session: Session,
    end: date,
    *,
    seed: int = DEFAULT_SEED,
    months: float = DEFAULT_MONTHS,
    tz: str = DEFAULT_TZ,
) -> DemoSummary:
    """Simulate a demo diary ending with night `end` and write it into `session`."""
    return write(session, simulate(end, seed=seed, months=months), tz)
