"""The guided morning check-in: `cramplog log` with no arguments on a terminal.

Last night's cramps first, then yesterday's factors. Enter means one thing everywhere: skip
the question and leave it unknown. A night is saved as cramp-free only when the person says
so ("0", "no", "none"); an Enter on the first question leaves the night unlogged, because a
night nobody described is unknown, not cramp-free. Answers are checked as they are typed and
asked again when they cannot be read; everything is written at the end in one transaction, so
Ctrl-C writes nothing. Every question has a flag on `log` or `day`, so scripts never need this.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import click

from cramplog import present, words
from cramplog.cli import Diary
from cramplog.errors import InputError

T = TypeVar("T")


def _ask(question: str, parse: Callable[[str], T], *, needed: str = "") -> T | None:
    """Ask until the answer parses; Enter gives None (skipped: unknown). A `needed` answer
    cannot be skipped: Enter says why (the text of `needed`) and asks again."""
    while True:
        answer = click.prompt(question, default="", show_default=False)
        if answer.strip() == "":
            if not needed:
                return None
            click.echo(f"  {needed}")
            continue
        try:
            return parse(answer.strip())
        except InputError as exc:
            skip = "" if needed else " (Enter to skip)"
            click.echo(f"  {exc.problem}; try {exc.accepted or 'again'}{skip}")


def _yes_no(text: str) -> bool:
    answer = words.yes_or_no(text)
    if answer is None:
        raise InputError("answer", f"cannot read {text!r}", "y or n")
    return answer


_NO_CRAMPS = ("0", "no", "n", "none", "nothing", "no cramps", "zero", "nope", "nah")


def _cramp_count(text: str) -> int:
    """How many cramps: a number, or one of the clear words for none. Enter is handled before."""
    from cramplog import units

    low = " ".join(text.lower().split())
    if low in _NO_CRAMPS:
        return 0
    if low in words.NUMBER_WORDS:
        return words.NUMBER_WORDS[low]
    if low in ("y", "yes"):
        raise InputError("cramps", "how many?", "a number such as 1 or 2 (0 or no for none)")
    try:
        return units.parse_count(low, "cramps", 20)
    except InputError:
        raise InputError(
            "cramps", f"cannot read {text!r}", "a number 0-20, or no for none"
        ) from None


def _signs(text: str) -> list[str]:
    from cramplog import diary as ops

    if text.lower() in ("n", "no", "none", "0"):
        return []
    return ops.check_signs(part for part in text.split(",") if part.strip())


def _shoes(text: str, known: list[str]) -> list[tuple[str, float | None]]:
    """'work boots:9, trainers' -> pairs, each a pair already added (asked again if not)."""
    from cramplog import units, words

    worn = [units.split_shoe(part) for part in text.split(",") if part.strip()]
    by_key = {name.casefold(): name for name in known}
    for name, _ in worn:
        if name.casefold() not in by_key:
            near = words.did_you_mean(name, known)
            raise InputError(
                "shoes",
                f"no pair called {name!r}" + (f"; {near}" if near else ""),
                ", ".join(known) or "none yet: add pairs with cramplog shoes add NAME",
            )
    return [(by_key[name.casefold()], hours) for name, hours in worn]


def _moment(text: str, current: datetime) -> datetime:
    """A typed time; in the repeated hour when clocks go back, asks which of the two."""
    from cramplog import timeutil
    from cramplog.cli.shared import ask_fold

    try:
        return timeutil.parse_when(text, current)
    except timeutil.AmbiguousTime as exc:
        return timeutil.parse_when(text, current, fold=ask_fold(exc))


def _whose(session: Any) -> str:
    """ ", Frank Miller" in a diary of several people, so the answers go to the right one."""
    from cramplog import diary as ops
    from cramplog import people

    who = ops.person(session, create=False)
    if who is None or not people.several(session):
        return ""
    return f", {present.terminal(who.name)}"


def _choose_person(diary: Diary) -> None:
    """In a diary of several people with no one chosen, ask whose night it is (by number or
    name) rather than refuse after the first question; Enter, or no answer, refuses as any
    command would."""
    from cramplog import people

    if diary.person is not None:
        return
    with diary.reading() as session:
        found = people.active(session)
        default = people.default_uid(session)
    everyone = [p.name for p in found]
    if len(everyone) < 2 or any(p.uid == default for p in found):
        return
    click.echo("Whose night is it?")
    for i, name in enumerate(everyone, start=1):
        click.echo(f"  {i}. {present.terminal(name)}")

    def pick(text: str) -> str:
        if text.isdigit() and 1 <= int(text) <= len(everyone):
            return everyone[int(text) - 1]
        meant = words.names_meant(everyone, text)
        if len(meant) != 1:
            raise InputError("person", f"{text!r} is not one of them", "its number or name")
        return everyone[meant[0]]

    diary.person = _ask(f"Number or name (1-{len(everyone)})", pick)


def morning_checkin(diary: Diary) -> None:
    from cramplog import diary as ops

    _choose_person(diary)
    from cramplog import factors, timeutil, units
    from cramplog.cli.shared import clock
    from cramplog.present.diary import day_line, episode_line
    from cramplog.trials.tonight import tonight_line
    from cramplog.words import SIDES, SITES

    with diary.reading() as session:
        current, tz = clock(session)
        bound = ops.boundary(session)
        night = timeutil.last_night(current, bound)
        known_shoes = [s.name for s in ops.shoes(session) if not s.retired]
        already = [e.id for e in ops.live_episodes_on(session, night)]
        glass = int(ops.setting(session, "glass_ml"))
        own = factors.specs(session)
        whose = _whose(session)

    greeting = "Good morning" if current.hour < 12 else "Hello"
    click.echo(f"{greeting}{whose}. Last night: {present.day(night)}.")
    question = "Cramps last night? (a number; 0 or no if none)"
    if already:
        ids = ", ".join(map(str, already))
        click.echo(
            f"Already logged for that night: {present.plural(len(already), 'cramp')} (ID {ids})."
        )
        question = "Any more cramps that night to add? (a number; 0 or no if none)"
    click.echo("Enter skips any question and leaves it unknown.")
    count = _ask(question, _cramp_count)
    cramps: list[dict[str, Any]] = []
    skip = " (Enter to skip)"
    for i in range(count or 0):
        label = f"Cramp {i + 1}: " if (count or 0) > 1 else ""
        # the time places the cramp in its night: it cannot be skipped
        when = _ask(
            f"{label}about what time? (03:10, 2h ago; a guess is fine)",
            lambda t: _moment(t, current),
            needed="The time says which night the cramp belongs to, so it is needed: type "
            "a time such as 03:10 or 2h ago (a guess is fine).",
        )
        severity = _ask(
            f"{label}how bad, 0 (barely) to 10 (worst)?{skip}",
            lambda t: units.parse_severity(t),
        )
        site = _ask(
            f"{label}where? ({'/'.join(SITES)}){skip}",
            lambda t: ops.check_site(t, "site"),
        )
        side = _ask(
            f"{label}which side? ({'/'.join(SIDES)}){skip}",
            lambda t: ops.check_side(t, "side"),
        )
        minutes = _ask(
            f"{label}how long did it last? (90s, 2m){skip}",
            lambda t: units.parse_minutes(t, "minutes", ops.MAX_EPISODE_MINUTES),
        )
        woke = _ask(f"{label}did it wake you? (y/n){skip}", _yes_no)
        signs = _ask(
            f"{label}any swelling, redness, skin-change, numbness or weakness? "
            f"(comma-separated){skip}",
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
    click.echo(f"And during the day on {present.day(day)}:")
    water = _ask(
        "Water and other drinks (1.5L, 6glasses, 50oz)", lambda t: units.parse_water(t, glass)
    )
    exercise = _ask(
        "Minutes of exercise (0 for none)",
        lambda t: (
            0
            if t.lower() in ("none", "no", "nothing")
            else round(units.parse_minutes(t, "exercise", ops.MAX_EXERCISE_MINUTES))
        ),
    )
    stretched = _ask("Stretched your calves before bed? (y/n)", _yes_no)
    hint = f" ({', '.join(known_shoes)})" if known_shoes else ""
    shoes_worn = _ask(
        f"Shoes worn, comma-separated, name:hours{hint}", lambda t: _shoes(t, known_shoes)
    )
    alcohol = _ask("Alcoholic drinks", lambda t: units.parse_count(t, "alcohol"))
    caffeine = _ask("Caffeinated drinks", lambda t: units.parse_count(t, "caffeine"))
    own_answers: dict[int, float] = {}
    for spec in own:  # one question each; Enter leaves that factor unknown, not "no"
        value = _ask(factors.question(spec), lambda t, s=spec: factors.parse_value(s, t, s.name))
        if value is not None:
            own_answers[spec.id] = value

    _save(
        diary,
        tz,
        night,
        day,
        cramps,
        count == 0 and not already,
        water,
        exercise,
        stretched,
        shoes_worn or [],
        alcohol,
        caffeine,
        own_answers,
    )

    if not diary.changed:
        click.echo("Nothing was saved: every question was skipped.")
        return
    with diary.reading() as session:
        logged = ops.episodes(session, night, night)
        record = ops.day(session, day)
        click.echo("Saved.")
        for e in logged:
            click.echo(f"  cramp {e.id}: {episode_line(e)}")
        if not logged and count == 0:
            click.echo(f"  {present.day(night)}: no cramps")
        elif not logged:
            click.echo(f"  {present.day(night)}: not logged (skipped)")
        if record is not None:
            click.echo(f"  day {present.day(day)}: {day_line(record)}")
        trial_line = tonight_line(session, current)
    if trial_line:
        click.echo(trial_line)
    click.echo("Undo with: cramplog undo")


def _save(
    diary: Diary,
    tz: str,
    night: date,
    day: date,
    cramps: list[dict[str, Any]],
    cramp_free: bool,
    water: int | None,
    exercise: int | None,
    stretched: bool | None,
    shoes_worn: list[tuple[str, float | None]],
    alcohol: int | None,
    caffeine: int | None,
    own_answers: dict[int, float],
) -> None:
    from cramplog import diary as ops
    from cramplog import factors

    with diary.writing(f"morning check-in for night {night}") as session:
        for c in cramps:
            ops.add_episode(session, tz=tz, **c)
        # Only an explicit "0"/"no": a skipped question leaves the night unknown.
        if cramp_free and not cramps and not ops.live_episodes_on(session, night):
            ops.mark_cramp_free(session, night)
        if (
            any(v is not None for v in (water, exercise, stretched, alcohol, caffeine))
            or shoes_worn
            or own_answers
        ):
            record = ops.update_day(
                session,
                day,
                water_ml=water,
                exercise_minutes=exercise,
                stretched=stretched,
                shoes_worn=shoes_worn,
                alcohol=alcohol,
                caffeine=caffeine,
            )
            factors.set_values(record, factors.assignments_for(session, own_answers))
