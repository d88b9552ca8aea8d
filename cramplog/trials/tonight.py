"""The one line `log`, `none`, `day` and the check-in print while a trial runs: tonight's arm.

"Tonight" is the night that begins this evening, the current local date: at 07:00 on a
Wednesday, the night of Wednesday. No pandas or numpy here: this is the logging path.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from cramplog.models import Trial
from cramplog.trials import store


def what_to_do(trial: Trial, arm: str) -> str:
    """An arm in the words of the habit: "stretch before bed", "leg elevated: no"."""
    name = store.factor_name(trial)
    if trial.factor_id is None and name == "stretched":
        return "stretch your calves before bed" if arm == "on" else "no stretching before bed"
    return f"{name}: {'yes' if arm == 'on' else 'no'}"


def arm_line(trial: Trial, night: date) -> str | None:
    """What the trial asks of night `night`, or None outside it."""
    from cramplog import present

    s = store.schedule_of(trial)
    period = s.period_of(night)
    if trial.ended_at is not None:
        return None
    if period is None:
        if night < s.start:
            first = s.periods()[0]
            return (
                f"Self-trial of {store.factor_name(trial)} begins on {present.day(s.start)}: "
                f'its first night is an "{first.arm}" night ({what_to_do(trial, first.arm)}).'
            )
        return None
    line = (
        f"Self-trial, tonight ({present.short_day(night)}): {what_to_do(trial, period.arm)} "
        f'(an "{period.arm}" night, pair {period.pair} of {s.pairs})'
    )
    if night < period.counted_from:
        line += "; a washout night: not counted, but keep to the plan"
    return line + "."


def tonight_line(session: Session, current: datetime) -> str | None:
    """Tonight's arm of the diary's trial, or None when no trial asks anything tonight."""
    trial = store.latest_trial(session)
    if trial is None:
        return None
    return arm_line(trial, current.date())
