"""The guided morning check-in: `cramplog log` with no arguments on a terminal.

Last night's cramps first (most mornings: Enter for "none"), then yesterday's factors, each
question skippable with Enter. Answers are checked as they are typed and asked again when they
cannot be read; everything is written at the end in one transaction, so Ctrl-C writes nothing.
Every question has a flag on `log` or `day`, so scripts never need this.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

import click

from cramplog.cli import Diary
from cramplog.errors import InputError

T = TypeVar("T")


def _ask(question: str, parse: Callable[[str], T], default: str = "") -> T | None:
    """Ask until the answer parses; Enter gives `default` (or None when there is none)."""
    while True:
        answer = click.prompt(question, default=default, show_default=bool(default))
        if answer.strip() == "":
            return None
        try:
            return parse(answer.strip())
        except InputError as exc:
            click.echo(f"  {exc.problem}; try {exc.accepted or 'again'} (Enter to skip)")


def _yes_no(text: str) -> bool:
    low = text.lower()
    if low in ("y", "yes"):
        return True
    if low in ("n", "no"):
        return False
    raise InputError("answer", f"{text!r}", "y or n")


def _signs(text: str) -> list[str]:
    from cramplog import diary as ops

    if text.lower() in ("n", "no", "none", "0"):
        return []
    return ops.check_signs(part for part in text.split(",") if part.strip())


def _shoes(text: str, known: list[str]) -> list[tuple[str, float | None]]:
    """'work boots:9, trainers' -> pairs, each a pair already added (asked again if not)."""
    from cramplog import units

    worn = [units.split_shoe(part) for part in text.split(",") if part.strip()]
    by_lower = {name.lower(): name for name in known}
    for name, _ in worn:
        if name.lower() not in by_lower:
            raise InputError(
                "shoes",
                f"no pair called {name!r}",
                ", ".join(known) or "none yet: add pairs with cramplog shoes add NAME",
            )
    return [(by_lower[name.lower()], hours) for name, hours in worn]


def morning_checkin(diary: Diary) -> None:
    from cramplog import diary as ops
    from cramplog import timeutil, units
    from cramplog.cli.now import clock
    from cramplog.models import SIDES, SITES
    from cramplog.present.diary import day_line, episode_line

    with diary.reading() as session:
        current, tz = clock(session)
        bound = ops.boundary(session)
        night = timeutil.last_night(current, bound)
        known_shoes = [s.name for s in ops.shoes(session) if not s.retired]
        already = [e.id for e in ops.live_episodes_on(session, night)]
        glass = int(ops.setting(session, "glass_ml"))

    greeting = "Good morning" if current.hour < 12 else "Hello"
    click.echo(f"{greeting}. Last night: {timeutil.friendly_date(night)}.")
    question = "Cramps last night (0 for none)"
    if already:
        ids = ", ".join(map(str, already))
        click.echo(f"Already logged for that night: {len(already)} cramp(s) (ID {ids}).")
        question = "Any more cramps that night to add? (0 for none)"
    count = _ask(question, lambda t: units.parse_count(t, "cramps", 20), "0")
    cramps: list[dict[str, Any]] = []
    skip = " (Enter to skip)"
    for i in range(count or 0):
        label = f"Cramp {i + 1}: " if (count or 0) > 1 else ""
        when = None
        while when is None:  # the time places the cramp in its night: it cannot be skipped
            when = _ask(
                f"{label}about what time? (03:10, 2h ago; a guess is fine)",
                lambda t: timeutil.parse_when(t, current),
            )
        severity = _ask(
            f"{label}how bad, 0 (barely) to 10 (worst)?{skip}",
            lambda t: ops.check_severity(units.parse_count(t, "severity", 10)),
        )
        site = _ask(
            f"{label}where? ({'/'.join(SITES)}){skip}",
            lambda t: ops.check_choice("site", t, SITES),
        )
        side = _ask(
            f"{label}which side? ({'/'.join(SIDES)}){skip}",
            lambda t: ops.check_choice("side", t, SIDES),
        )
        minutes = _ask(
            f"{label}how long did it last? (90s, 2m){skip}",
            lambda t: units.parse_minutes(t, "minutes", ops.MAX_EPISODE_MINUTES),
        )
        woke = _ask(f"{label}did it wake you? (y/n){skip}", _yes_no)
        signs = _ask(
            f"{label}any swelling, redness, skin-change, numbness or weakness? "
            "(comma-separated; Enter for none)",
            _signs,
        )
        cramps.append(
            {
                "at": when,
                "severity": severity,
                "site": site,
                "side": side,
                "minutes": minutes,
                "woke": woke,
                "signs": signs or [],
            }
        )

    day = night
    click.echo(f"And during the day on {timeutil.friendly_date(day)} (Enter skips any question):")
    water = _ask("Water and other drinks (1.5L, 6glasses)", lambda t: units.parse_water(t, glass))
    exercise = _ask(
        "Minutes of exercise (0 for none)",
        lambda t: round(units.parse_minutes(t, "exercise", ops.MAX_EXERCISE_MINUTES)),
    )
    stretched = _ask("Stretched your calves before bed? (y/n)", _yes_no)
    hint = f" ({', '.join(known_shoes)})" if known_shoes else ""
    shoes_worn = _ask(
        f"Shoes worn, comma-separated, name:hours{hint}", lambda t: _shoes(t, known_shoes)
    )
    alcohol = _ask("Alcoholic drinks", lambda t: units.parse_count(t, "alcohol"))
    caffeine = _ask("Caffeinated drinks", lambda t: units.parse_count(t, "caffeine"))

    _save(
        diary,
        tz,
        night,
        day,
        cramps,
        water,
        exercise,
        stretched,
        shoes_worn or [],
        alcohol,
        caffeine,
    )

    with diary.reading() as session:
        logged = ops.episodes(session, night, night)
        record = ops.day(session, day)
        click.echo("Saved.")
        for e in logged:
            click.echo(f"  cramp {e.id}: {episode_line(e)}")
        if not logged:
            click.echo(f"  {timeutil.friendly_date(night)}: no cramps")
        if record is not None:
            click.echo(f"  day {timeutil.friendly_date(day)}: {day_line(record)}")
    click.echo("Undo with: cramplog undo")


def _save(
    diary: Diary,
    tz: str,
    night: date,
    day: date,
    cramps: list[dict[str, Any]],
    water: int | None,
    exercise: int | None,
    stretched: bool | None,
    shoes_worn: list[tuple[str, float | None]],
    alcohol: int | None,
    caffeine: int | None,
) -> None:
    from cramplog import diary as ops

    with diary.writing(f"morning check-in for night {night}") as session:
        for c in cramps:
            ops.add_episode(session, tz=tz, **c)
        if not cramps and not ops.live_episodes_on(session, night):
            ops.mark_cramp_free(session, night)
        if (
            any(v is not None for v in (water, exercise, stretched, alcohol, caffeine))
            or shoes_worn
        ):
            ops.update_day(
                session,
                day,
                water_ml=water,
                exercise_minutes=exercise,
                stretched=stretched,
                shoes_worn=shoes_worn,
                alcohol=alcohol,
                caffeine=caffeine,
            )
