"""A diary's trial gathered once for a report: its schedule, its nights' analysis, its record.

The report layers must not read the database, so the command gathers this and hands it down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from cramplog.trials import analysis, store
from cramplog.trials.schedule import Schedule


@dataclass(frozen=True)
class TrialSummary:
    factor: str
    schedule: Schedule
    seed: int
    changes: tuple[dict[str, str], ...]
    result: dict[str, Any]
    finished: bool  # the schedule's last night has passed
    ended: bool  # ended early by the person
    last_night: date


def gather(session: Session, last_night: date) -> TrialSummary | None:
    """The diary's latest trial as of `last_night`, or None when it has none begun by then."""
    trial = store.latest_trial(session)
    if trial is None or trial.start > last_night:
        return None
    s = store.schedule_of(trial)
    nights = store.trial_nights(session, trial, last_night)
    return TrialSummary(
        factor=store.factor_name(trial),
        schedule=s,
        seed=trial.seed,
        changes=tuple(store.changes_of(trial)),
        result=analysis.result(s, nights),
        finished=last_night >= s.end,
        ended=trial.ended_at is not None,
        last_night=last_night,
    )
