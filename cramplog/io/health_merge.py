"""The daily merge shared by every health-app reader: records in, one value per day field out.

Each reader turns its file into records already dated by the local day of their own offset (a
glass at 23:30 -06:00 belongs to that calendar day, wherever the diary is now). This module
adds them up by the rules the README states:

- water: every glass from every app is added up (an exact repeat of a record is counted once);
- steps: a phone and a watch both count the same steps, so per day the single source with
  the largest total is taken, never the sum;
- workouts: belong to the day they started; workouts whose times overlap (the watch and a
  running app both recording one run) are one workout, lasting as long as the longest of them;
  minutes add up across the day and the kinds are mapped to cramplog's activity words.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

# A day's total past these is a broken record, not a day: skipped and said so.
MOST_WATER_ML = 20_000
MOST_STEPS = 200_000
MOST_MINUTES = 24 * 60


@dataclass(slots=True)
class Workout:
    day: date
    start: float  # UTC seconds, for finding overlaps across sources
    end: float
    minutes: float
    kind: str | None  # cramplog's activity word, or None when the app's kind has none
    source: str


@dataclass
class Tally:
    """What a reader found, before it is compared with the diary."""

    since: date | None = None
    until: date | None = None
    water: dict[date, float] = field(default_factory=lambda: defaultdict(float))
    steps: dict[date, dict[str, float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float))
    )
    workouts: list[Workout] = field(default_factory=list)
    move_minutes: dict[date, float] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)
    records: int = 0
    _seen_water: set[tuple[str, str, str, str]] = field(default_factory=set)

    def in_span(self, day: date) -> bool:
        if self.since is not None and day < self.since:
            self.skipped["dated before --since"] += 1
            return False
        if self.until is not None and day > self.until:
            self.skipped["dated after today"] += 1
            return False
        return True

    def add_water(self, day: date, ml: float, source: str, key: tuple[str, str, str]) -> None:
        self.records += 1
        if ml < 0:
            self.skipped["negative water amount"] += 1
            return
        if not self.in_span(day):
            return
        seen = (source, *key)
        if seen in self._seen_water:
            self.skipped["the same glass recorded twice"] += 1
            return
        self._seen_water.add(seen)
        self.water[day] += ml

    def add_steps(self, day: date, count: float, source: str, records: int = 1) -> None:
        """`count` steps from `source` on `day` (the sum of `records` records)."""
        self.records += records
        if count < 0:
            self.skipped["negative step count"] += records
            return
        if self.since is not None and day < self.since:
            self.skipped["dated before --since"] += records
        elif self.until is not None and day > self.until:
            self.skipped["dated after today"] += records
        else:
            self.steps[day][source] += count

    def add_workout(self, workout: Workout) -> None:
        self.records += 1
        if workout.minutes < 0 or workout.end < workout.start:
            self.skipped["workout ending before it starts"] += 1
            return
        if self.in_span(workout.day):
            self.workouts.append(workout)

    def add_move_minutes(self, day: date, minutes: float) -> None:
        """Google Fit's Move Minutes: minutes of activity it counted that day, workouts
        included. The day's exercise is the larger of these and its workouts' minutes."""
        self.records += 1
        if minutes >= 0 and self.in_span(day):
            self.move_minutes[day] = minutes

    def days(self) -> dict[date, dict[str, int | str]]:
        """Day -> {field: value} for the fields this file knows about on that day."""
        out: dict[date, dict[str, int | str]] = defaultdict(dict)
        for day, ml in self.water.items():
            if ml > MOST_WATER_ML:
                self.skipped["more than 20 L of water in a day"] += 1
            else:
                out[day]["water_ml"] = round(ml)
        for day, by_source in self.steps.items():
            best = max(by_source.values())
            if len(by_source) > 1:
                self.skipped["steps counted by a second device (largest source kept)"] += (
                    len(by_source) - 1
                )
            if best > MOST_STEPS:
                self.skipped["more than 200,000 steps in a day"] += 1
            else:
                out[day]["steps"] = round(best)
        workout_days = _workout_days(self.workouts)
        for day, moved in self.move_minutes.items():
            minutes, kinds = workout_days.get(day, (0.0, []))
            workout_days[day] = (max(minutes, moved), kinds)
        for day, (minutes, kinds) in workout_days.items():
            if minutes > MOST_MINUTES:
                self.skipped["more than 24 hours of workouts in a day"] += 1
                continue
            out[day]["exercise_minutes"] = round(minutes)
            if kinds:
                out[day]["activities"] = ",".join(kinds)
        return dict(out)


def _workout_days(workouts: list[Workout]) -> dict[date, tuple[float, list[str]]]:
    by_day: dict[date, list[Workout]] = defaultdict(list)
    for w in workouts:
        by_day[w.day].append(w)
    out: dict[date, tuple[float, list[str]]] = {}
    for day, items in by_day.items():
        items.sort(key=lambda w: (w.start, w.end))
        total = 0.0
        kinds: dict[str, None] = {}
        group_end = None
        group_longest = 0.0
        for w in items:
            if w.kind:
                kinds[w.kind] = None
            if group_end is not None and w.start < group_end:
                # Overlaps the workout before: the same session seen by two apps.
                group_longest = max(group_longest, w.minutes)
                group_end = max(group_end, w.end)
                continue
            total += group_longest
            group_end, group_longest = w.end, w.minutes
        total += group_longest
        out[day] = (total, list(kinds))
    return out
