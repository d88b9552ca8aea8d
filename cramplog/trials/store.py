"""Trials in the diary: planning one, reading it back, and the nights it covers.

Every function takes an open Session (one transaction) and validates its input, raising
InputError before anything is written. Adherence for an own factor reads `day_factor` (the
factors module owns writing it); for the built-in "stretched" it reads `day.stretched`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cramplog import diary
from cramplog.errors import InputError
from cramplog.models import Day, DayFactor, Episode, Factor, NightRecord, Trial
from cramplog.trials import schedule as sched

BUILTINS = ("stretched",)


@dataclass(frozen=True)
class TrialNight:
    """What the diary says about one night of a trial. `recorded` is the day's factor:
    True (yes), False (no) or None (not recorded, which is never "no")."""

    night: date
    observed: bool
    episodes: int
    recorded: bool | None


def schedule_of(trial: Trial) -> sched.Schedule:
    return sched.Schedule(
        trial.start,
        trial.pairs,
        trial.period_days,
        trial.washout_days,
        sched.read_arms(trial.arms),
    )


def factor_name(trial: Trial) -> str:
    if trial.factor is not None:
        return trial.factor.name
    return trial.builtin or "stretched"


def changes_of(trial: Trial) -> list[dict[str, str]]:
    return list(json.loads(trial.changes)) if trial.changes else []


def latest_trial(session: Session) -> Trial | None:
    """The diary's most recent trial (the one `trial show` and `trial result` report)."""
    who = diary.person(session, create=False)
    if who is None:
        return None
    query = select(Trial).where(Trial.person_id == who.id).order_by(Trial.id.desc()).limit(1)
    return session.scalars(query).first()


def running(trial: Trial | None, tonight: date) -> bool:
    """Whether the trial is still under way: not ended, and its last night still to come."""
    return trial is not None and trial.ended_at is None and schedule_of(trial).end >= tonight


def find_factor(session: Session, name: str) -> tuple[Factor | None, str]:
    """The factor a trial is of: ("stretched" built in) or an own yes/no factor."""
    clean = " ".join(name.split())
    if clean.casefold() in BUILTINS:
        return None, clean.casefold()
    who = diary.person(session, create=False)
    own = []
    if who is not None:
        own = list(
            session.scalars(
                select(Factor)
                .where(Factor.person_id == who.id, Factor.removed_at.is_(None))
                .order_by(Factor.name)
            )
        )
    for f in own:
        if f.name.casefold() == clean.casefold():
            if f.kind != "yesno":
                raise InputError(
                    "FACTOR",
                    f"{f.name!r} is a number factor; a trial switches a yes/no habit on and off",
                    _accepted(own),
                )
            return f, f.name
    raise InputError("FACTOR", f"no yes/no factor called {clean!r}", _accepted(own))


def _accepted(own: list[Factor]) -> str:
    names = ["stretched"] + [f.name for f in own if f.kind == "yesno"]
    return ", ".join(names) + '; add your own with: cramplog factor add "NAME"'


def check_plan(pairs: int, period_days: int, washout_days: int) -> None:
    if not 1 <= pairs <= sched.MAX_PAIRS:
        raise InputError("--pairs", f"{pairs} pairs", f"a whole number 1-{sched.MAX_PAIRS}")
    if not 1 <= period_days <= sched.MAX_PERIOD_DAYS:
        raise InputError(
            "--period-days", f"{period_days} nights", f"a whole number 1-{sched.MAX_PERIOD_DAYS}"
        )
    if not 0 <= washout_days < period_days:
        raise InputError(
            "--washout-days",
            f"{washout_days} washout nights in a period of {period_days}",
            f"a whole number 0-{period_days - 1} (fewer than --period-days)",
        )


def check_seed(seed: int | None) -> int:
    """The seed given, or a fresh random one; either way it is stored."""
    if seed is None:
        import secrets

        return secrets.randbelow(sched.MAX_SEED + 1)
    if not 0 <= seed <= sched.MAX_SEED:
        raise InputError("--seed", f"{seed}", f"a whole number 0-{sched.MAX_SEED}")
    return seed


def plan(
    session: Session,
    *,
    name: str,
    pairs: int,
    period_days: int,
    washout_days: int,
    start: date,
    seed: int | None,
    tonight: date,
    now: datetime,
    change: str | None = None,
) -> Trial:
    """Plan a trial, or, with `change` (the reason), change the running one's schedule.

    A second running trial is refused. Before its first night has passed a running trial's
    plan may be replaced outright (nothing has happened under it yet); after that, the change
    keeps the trial's identity and its stored draw (a longer schedule draws further pairs from
    the same seed) and is written into `changes` with its reason, so every result shows it.
    """
    check_plan(pairs, period_days, washout_days)
    factor, builtin = find_factor(session, name)
    current = latest_trial(session)
    if current is not None and running(current, tonight):
        if change is None:
            s = schedule_of(current)
            raise InputError(
                "trial plan",
                f"a trial of {factor_name(current)} is already planned or running "
                f"({s.start.isoformat()} to {s.end.isoformat()})",
                "one trial at a time; to change its schedule, say why: "
                'cramplog trial plan ... --change "REASON"',
            )
        return _change(
            session,
            current,
            factor,
            builtin,
            pairs,
            period_days,
            washout_days,
            start,
            seed,
            tonight,
            now,
            change,
        )
    if change is not None:
        raise InputError("--change", "there is no running trial to change", "leave --change out")
    who = diary.person(session)
    assert who is not None
    drawn = check_seed(seed)
    trial = Trial(
        person_id=who.id,
        factor_id=factor.id if factor is not None else None,
        builtin=None if factor is not None else builtin,
        start=start,
        pairs=pairs,
        period_days=period_days,
        washout_days=washout_days,
        seed=drawn,
        arms=sched.make_schedule(start, pairs, period_days, washout_days, drawn).arms_json(),
    )
    session.add(trial)
    session.flush()
    return trial


def _change(
    session: Session,
    trial: Trial,
    factor: Factor | None,
    builtin: str,
    pairs: int,
    period_days: int,
    washout_days: int,
    start: date,
    seed: int | None,
    tonight: date,
    now: datetime,
    reason: str,
) -> Trial:
    if not reason.strip():
        raise InputError("--change", "is empty", "a few words saying why the schedule changes")
    same_factor = (factor.id if factor is not None else None) == trial.factor_id and (
        factor is not None or builtin == (trial.builtin or "stretched")
    )
    begun = trial.start < tonight  # the first night has passed
    if not begun:
        # Nothing has happened under the old plan: replace it whole, with a fresh draw.
        drawn = check_seed(seed)
        trial.factor_id = factor.id if factor is not None else None
        trial.builtin = None if factor is not None else builtin
        trial.start, trial.pairs = start, pairs
        trial.period_days, trial.washout_days, trial.seed = period_days, washout_days, drawn
        trial.arms = sched.make_schedule(start, pairs, period_days, washout_days, drawn).arms_json()
        session.flush()
        return trial
    if not same_factor:
        raise InputError(
            "FACTOR",
            f"the running trial is of {factor_name(trial)}; its factor cannot change once it "
            "has begun",
            factor_name(trial),
        )
    if seed is not None and seed != trial.seed:
        raise InputError(
            "--seed",
            "the order was drawn when the trial began and cannot be drawn again",
            "leave --seed out",
        )
    what = []
    for label, old, new in (
        ("first night", trial.start.isoformat(), start.isoformat()),
        ("pairs", trial.pairs, pairs),
        ("nights per period", trial.period_days, period_days),
        ("washout nights", trial.washout_days, washout_days),
    ):
        if old != new:
            what.append(f"{label} {old} -> {new}")
    if not what:
        raise InputError(
            "--change",
            "the schedule given is the one already planned",
            "a different --pairs, --period-days, --washout-days or --start",
        )
    trial.start, trial.pairs = start, pairs
    trial.period_days, trial.washout_days = period_days, washout_days
    arms = list(sched.read_arms(trial.arms))
    if pairs > len(arms):  # the pairs already drawn keep their order; more come from the seed
        arms += sched.draw_arms(pairs, trial.seed)[len(arms) :]
    trial.arms = json.dumps([list(p) for p in arms[:pairs]])
    entries = changes_of(trial)
    entries.append({"at": now.date().isoformat(), "what": f"{'; '.join(what)} ({reason.strip()})"})
    trial.changes = json.dumps(entries)
    session.flush()
    return trial


def end(session: Session, *, tonight: date, now: datetime, reason: str | None) -> Trial:
    """End the running trial early (it stays, with its nights so far, and says it ended)."""
    trial = latest_trial(session)
    if trial is None or not running(trial, tonight):
        raise InputError("trial end", "there is no running trial", "plan one: cramplog trial plan")
    trial.ended_at = now
    if trial.start < tonight:  # a trial that has begun keeps a record of why it stopped
        entries = changes_of(trial)
        why = f" ({reason.strip()})" if reason and reason.strip() else ""
        entries.append({"at": now.date().isoformat(), "what": f"ended early{why}"})
        trial.changes = json.dumps(entries)
    session.flush()
    return trial


def trial_nights(session: Session, trial: Trial, last_night: date) -> list[TrialNight]:
    """Every night of the trial up to `last_night`, with what the diary records about it."""
    s = schedule_of(trial)
    lo, hi = s.start, min(s.end, last_night)
    if hi < lo:
        return []
    counts, free = _logged_nights(session, trial.person_id, lo, hi)
    recorded = _recorded(session, trial, lo, hi)
    out = []
    night = lo
    while night <= hi:
        episodes = int(counts.get(night, 0))
        out.append(TrialNight(night, episodes > 0 or night in free, episodes, recorded.get(night)))
        night += timedelta(days=1)
    return out


def _logged_nights(
    session: Session, person_id: int, lo: date, hi: date
) -> tuple[dict[date, int], set[date]]:
    """Cramps per night (nights with any) and the nights marked cramp-free, lo to hi."""
    counts = dict(
        session.execute(
            select(Episode.night, func.count(Episode.id))
            .where(
                Episode.person_id == person_id,
                Episode.deleted_at.is_(None),
                Episode.night >= lo,
                Episode.night <= hi,
            )
            .group_by(Episode.night)
        ).all()
    )
    free = set(
        session.scalars(
            select(NightRecord.night).where(
                NightRecord.person_id == person_id,
                NightRecord.cramp_free.is_(True),
                NightRecord.night >= lo,
                NightRecord.night <= hi,
            )
        )
    )
    return counts, free


def _recorded(session: Session, trial: Trial, lo: date, hi: date) -> dict[date, bool]:
    """Day D's recorded value of the trial's factor (the exposure for night D)."""
    days = (Day.person_id == trial.person_id, Day.date >= lo, Day.date <= hi)
    if trial.factor_id is None:
        rows = session.execute(select(Day.date, Day.stretched).where(*days)).all()
        return {d: bool(v) for d, v in rows if v is not None}
    rows = session.execute(
        select(Day.date, DayFactor.value)
        .join(DayFactor, DayFactor.day_id == Day.id)
        .where(*days, DayFactor.factor_id == trial.factor_id)
    ).all()
    return {d: v >= 0.5 for d, v in rows if v is not None}


def base_rate(session: Session, before: date, nights: int = 90) -> tuple[int, int, int]:
    """Observed nights, cramp nights and episodes over the `nights` nights before `before`:
    what the power simulation takes as this diary's own base rate."""
    who = diary.person(session, create=False)
    if who is None:
        return 0, 0, 0
    lo, hi = before - timedelta(days=nights), before - timedelta(days=1)
    counts, free = _logged_nights(session, who.id, lo, hi)
    observed = len(set(counts) | free)
    return observed, len(counts), int(sum(counts.values()))
