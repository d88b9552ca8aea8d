"""A self-trial's schedule: pairs of on/off periods in an order drawn by chance.

Night D begins on the evening of date D, and day D's factors are the exposures for night D, so
an "on" night of a trial of stretching is a night the person stretches before bed. Each pair
is two periods of `period_days` nights, on then off or off then on, by a draw from
`random.Random(seed)`: Python documents that an integer seed gives the same sequence on every
version and platform, so the stored seed reproduces the stored order. The first
`washout_days` nights of every period are washout nights: the arm is kept, but they are left
out of the analysis, so that an effect carried over from the period before does not count.

Standard library only: `cramplog log` prints tonight's arm.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

ARMS = ("on", "off")
MAX_PAIRS = 16  # the randomisation test enumerates all 2**pairs orders (65,536 at 16)
MAX_PERIOD_DAYS = 56
MAX_SEED = 2**31 - 1  # the seed column is a 32-bit integer on PostgreSQL


@dataclass(frozen=True)
class Period:
    """One period of a schedule: `pair` counts from 1; nights `start` to `end` inclusive."""

    pair: int
    start: date
    end: date
    arm: str
    washout_days: int

    @property
    def counted_from(self) -> date:
        """The first night the analysis counts (after the washout)."""
        return self.start + timedelta(days=self.washout_days)

    def nights(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def draw_arms(pairs: int, seed: int) -> list[tuple[str, str]]:
    """Each pair on/off or off/on with probability one half, from the seed alone.

    Drawn in order, so a schedule lengthened later keeps the first pairs' draw.
    """
    import random  # here, not at the top: `log` imports this module and never draws

    rng = random.Random(seed)
    return [("on", "off") if rng.random() < 0.5 else ("off", "on") for _ in range(pairs)]


@dataclass(frozen=True)
class Schedule:
    start: date
    pairs: int
    period_days: int
    washout_days: int
    arms: tuple[tuple[str, str], ...]

    @property
    def nights(self) -> int:
        return 2 * self.pairs * self.period_days

    @property
    def end(self) -> date:
        """The last night of the trial."""
        return self.start + timedelta(days=self.nights - 1)

    def periods(self) -> list[Period]:
        return list(self._periods)

    @cached_property
    def _periods(self) -> tuple[Period, ...]:
        out = []
        for i, (first, second) in enumerate(self.arms[: self.pairs]):
            for j, arm in enumerate((first, second)):
                lo = self.start + timedelta(days=(2 * i + j) * self.period_days)
                hi = lo + timedelta(days=self.period_days - 1)
                out.append(Period(i + 1, lo, hi, arm, self.washout_days))
        return tuple(out)

    def period_of(self, night: date) -> Period | None:
        """The period night `night` falls in, or None outside the trial."""
        if not self.start <= night <= self.end:
            return None
        return self._periods[(night - self.start).days // self.period_days]

    def arms_json(self) -> str:
        return json.dumps([list(pair) for pair in self.arms[: self.pairs]])


def read_arms(text: str) -> tuple[tuple[str, str], ...]:
    """The stored draw, checked: a list of ["on", "off"] or ["off", "on"]."""
    raw = json.loads(text)
    arms = []
    for pair in raw:
        if list(pair) not in (["on", "off"], ["off", "on"]):
            raise ValueError(f"a trial's arms must be on/off pairs, got {pair!r}")
        arms.append((str(pair[0]), str(pair[1])))
    return tuple(arms)


def make_schedule(
    start: date, pairs: int, period_days: int, washout_days: int, seed: int
) -> Schedule:
    return Schedule(start, pairs, period_days, washout_days, tuple(draw_arms(pairs, seed)))
