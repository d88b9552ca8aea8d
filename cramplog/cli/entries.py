"""Logging and correcting: log, none, day, list, show, edit, delete, restore, undo."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import click

from cramplog import present
from cramplog.cli import Diary, pass_diary
from cramplog.cli.shared import ask_fold, clock, on_terminal
from cramplog.present.diary import day_line, episode_line

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from cramplog.models import Day, Episode
    from cramplog.timeutil import DateRules

# Other commands import these from here; they live in cli.shared and present.diary so that the
# check-in, which `log` starts, need not import this module back.
__all__ = ["ask_fold", "clock", "day_line", "episode_line", "on_terminal"]

MAX_ID = 2**63 - 1  # SQLite's largest integer: a larger ID cannot exist


class EpisodeId(click.ParamType):
    """A cramp's ID: a whole number 1 to 2**63 - 1, refused in one line otherwise."""

    name = "ID"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        from cramplog.errors import InputError

        if isinstance(value, int):
            number = value
        else:
            raw = str(value).strip()
            if not raw.isascii() or not raw.lstrip("+").isdigit() or len(raw) > 25:
                raise InputError(
                    "ID", f"{str(value)[:40]!r} is not an ID", "an ID from: cramplog list"
                )
            number = int(raw)
        if not 1 <= number <= MAX_ID:
            raise InputError("ID", f"no cramp with ID {number}", "an ID from: cramplog list")
        return number


ID = EpisodeId()


def date_rules(session: Session) -> DateRules:
    """How this diary reads dates: from 1900 (or the person's birth year), `date_order`."""
    from cramplog import diary, timeutil

    who = diary.person(session, create=False)
    order = str(diary.setting(session, "date_order") or "")
    return timeutil.DateRules.for_person(who.birth_year if who else None, order)


def read_date(session: Session, text: str, field: str) -> date:
    """A date a person typed, by this diary's rules (never in the future)."""
    from cramplog import timeutil

    current, _ = clock(session)
    return timeutil.parse_date(text, current.date(), field, date_rules(session))


def read_when(
    session: Session, text: str, current: datetime, field: str = "--at", fold: int | None = None
) -> datetime:
    """A moment a person typed, by this diary's rules; see timeutil.parse_when."""
    from cramplog import timeutil

    return timeutil.parse_when(text, current, field, date_rules(session), fold)


def fold_option(command: Any) -> Any:
    """--first / --second: which of the repeated hour's two times, when clocks go back."""
    command = click.option(
        "--second",
        "fold",
        flag_value=1,
        type=int,
        help="The repeated hour's second time (after the clocks went back).",
    )(command)
    return click.option(
        "--first",
        "fold",
        flag_value=0,
        type=int,
        help="The repeated hour's first time (before the clocks went back).",
    )(command)


def concerns(e: Episode, settings: dict[str, Any]) -> list[str]:
    """Urgent or soon warning signs in a cramp just logged, for one line after `log`.

    Read from the same knowledge rules and settings as `cramplog check` (flags.py), so the two
    never disagree: the long_cramp threshold (strictly more than), and the signs of the urgent
    and soon rules (warning_signs, numbness, weakness). knowledge is cheap to import; no pandas.
    """
    from cramplog import knowledge

    found = []
    for rule in knowledge.rules().values():
        if rule.level not in ("urgent", "soon"):
            continue
        if "long_cramp_minutes" in rule.thresholds:
            limit = settings.get("long_cramp_minutes", rule.thresholds["long_cramp_minutes"])
            if e.minutes is not None and e.minutes > limit:
                found.append(f"it lasted more than {limit:g} minutes")
        found.extend(sign.replace("-", " ") for sign in rule.signs if sign in e.sign_list)
    return found


@click.command()
@click.argument("severity", required=False)
@click.option(
    "--at", "when", metavar="WHEN", help="When it began: now, 03:10, yesterday 23:40, 2h ago."
)
@click.option(
    "--site", metavar="SITE", help="toes/foot/arch/calf/thigh/other (calves, big toe... too)."
)
@click.option("--side", metavar="SIDE", help="left/right/both (l, r, b, both legs... too).")
@click.option("--minutes", metavar="M", help="How long: 90s, 2m, 1m30s, 1.5 (minutes).")
@click.option("--woke/--no-woke", default=None, help="Did it wake you?")
@click.option("--relief", metavar="TEXT", help="What eased it (stretching, walking...).")
@click.option(
    "--sign",
    "signs",
    multiple=True,
    metavar="SIGN",
    help="swelling/redness/skin-change/numbness/weakness (repeatable).",
)
@click.option("--note", metavar="TEXT")
@click.option(
    "--guided", is_flag=True, help="Ask the morning questions (the default on a terminal)."
)
@fold_option
@pass_diary
def log(
    diary: Diary,
    severity: str | None,
    when: str | None,
    site: str | None,
    side: str | None,
    minutes: str | None,
    woke: bool | None,
    relief: str | None,
    signs: tuple[str, ...],
    note: str | None,
    guided: bool,
    fold: int | None,
) -> None:
    """Record one cramp, SEVERITY 0 (barely) to 10 (worst imaginable).

    With no arguments on a terminal: a short morning check-in (last night, then yesterday).
    """
    import sys

    nothing_given = severity is None and all(
        v is None for v in (when, site, side, minutes, woke, relief, note)
    )
    nothing_given = nothing_given and not signs
    if guided or (nothing_given and sys.stdin.isatty()):
        from cramplog.cli.checkin import morning_checkin

        morning_checkin(diary)
        return
    if nothing_given:
        from cramplog.errors import InputError

        raise InputError(
            "SEVERITY",
            "nothing to log",
            "a severity 0-10 and details, e.g. cramplog log 6 --at 03:10 --site calf",
        )

    from cramplog import diary as ops
    from cramplog import journal, timeutil, units
    from cramplog.trials.tonight import tonight_line

    severity = units.parse_severity(severity)
    while True:
        try:
            with diary.writing("log cramp") as session:
                current, tz = clock(session)
                at = (
                    read_when(session, when, current, "--at", fold) if when is not None else current
                )
                logged = ops.add_episode(
                    session,
                    at=at,
                    tz=tz,
                    severity=severity,
                    site=site,
                    side=side,
                    minutes=units.parse_minutes(minutes, "--minutes", ops.MAX_EPISODE_MINUTES)
                    if minutes is not None
                    else None,
                    woke=woke,
                    relief=relief,
                    signs=signs,
                    note=note,
                )
                e = logged.episode
                journal.describe(session, f"logged cramp {e.id} ({episode_line(e)})")
                long_cramp = ops.setting(session, "long_cramp_minutes")
                trial_line = tonight_line(session, current)
            break
        except timeutil.AmbiguousTime as exc:  # rolled back; ask, then log it again
            fold = ask_fold(exc)
    click.echo(f"Logged cramp {e.id}: {episode_line(e)}.")
    if logged.replaced_cramp_free:
        click.echo("That night was marked cramp-free; the mark is removed.")
    found = concerns(e, {"long_cramp_minutes": long_cramp})
    if found:
        click.echo(f"Worth a look: {'; '.join(found)}. Run: cramplog check")
    if trial_line:
        click.echo(trial_line)
    click.echo(f"Undo with: {diary.undo_command}")


@click.command()
@click.option(
    "--night", metavar="DATE", help="The night (its evening's date). Default: last night."
)
@click.option("--note", metavar="TEXT")
@pass_diary
def none(diary: Diary, night: str | None, note: str | None) -> None:
    """Record a night without cramps (a missing night is unknown, not cramp-free)."""
    from cramplog import diary as ops
    from cramplog import journal, timeutil
    from cramplog.errors import InputError
    from cramplog.trials.tonight import tonight_line

    with diary.writing("marked a night cramp-free") as session:
        current, _ = clock(session)
        last = timeutil.last_night(current, ops.boundary(session))
        which = read_date(session, night, "--night") if night is not None else last
        if which > last:
            raise InputError(
                "--night",
                f"the night of {which.isoformat()} has not ended yet",
                f"a night up to last night ({last.isoformat()})",
            )
        ops.mark_cramp_free(session, which, note)
        journal.describe(session, f"marked night {which} cramp-free")
        trial_line = tonight_line(session, current)
    click.echo(f"Night of {present.day(which)}: no cramps. {diary.undo_hint}")
    if trial_line:
        click.echo(trial_line)


@click.command()
@click.option(
    "--date", "on", metavar="DATE", help="Which day. Default: yesterday before noon, else today."
)
@click.option(
    "--water",
    metavar="AMOUNT",
    help="Water and other drinks: 1.5L, 1500ml, 6glasses, 50oz, 50 fl oz, 6 cups.",
)
@click.option("--exercise", metavar="MIN", help="Minutes of exercise (0 for none): 30, 1h, 45m.")
@click.option(
    "--activity",
    "activities",
    multiple=True,
    metavar="KIND",
    help="walking, cardio, strength, balance, flexibility... (repeatable; walked, jogging, "
    "weights, yoga... are read too)",
)
@click.option("--stretched/--no-stretched", default=None, help="Stretched calves before bed?")
@click.option(
    "--shoes",
    "shoes_worn",
    multiple=True,
    metavar="NAME[:HOURS]",
    help="A pair worn, with hours (repeatable). Adds to the pairs already recorded that day; "
    "the same pair again changes its hours.",
)
@click.option(
    "--remove-shoes",
    "remove_shoes",
    multiple=True,
    metavar="NAME",
    help="Take a pair off that day (repeatable).",
)
@click.option(
    "--clear-shoes",
    is_flag=True,
    help="Take every pair off that day (its shoes are then unknown); --shoes may add new ones.",
)
@click.option("--alcohol", metavar="N", help="Alcoholic drinks.")
@click.option("--caffeine", metavar="N", help="Caffeinated drinks.")
@click.option("--sitting", metavar="HOURS", help="Hours sitting or standing still.")
@click.option(
    "--factor",
    "own_factors",
    multiple=True,
    metavar="NAME[=VALUE]",
    help='One of your own factors (repeatable): "leg elevated" is yes, "leg elevated=no" no, '
    "sleep=5.5 a number; sleep= clears it (not recorded). See: cramplog factor --help",
)
@click.option("--note", metavar="TEXT")
@pass_diary
def day(
    diary: Diary,
    on: str | None,
    water: str | None,
    exercise: str | None,
    activities: tuple[str, ...],
    stretched: bool | None,
    shoes_worn: tuple[str, ...],
    remove_shoes: tuple[str, ...],
    clear_shoes: bool,
    alcohol: str | None,
    caffeine: str | None,
    sitting: str | None,
    own_factors: tuple[str, ...],
    note: str | None,
) -> None:
    """Record a day's factors: the exposures for that evening's night. Repeat to update.

    \b
    Shoes add up over calls:
      cramplog day --shoes "work boots:9"     then  cramplog day --shoes slippers:3
    records both pairs; to take one off: cramplog day --remove-shoes slippers
    Your own factors: cramplog day --factor "leg elevated" --factor sleep=5.5
    ("leg elevated=no" for no; sleep= makes it not recorded again)
    """
    from cramplog import diary as ops
    from cramplog import factors, journal, timeutil, units
    from cramplog.trials.tonight import tonight_line

    with diary.writing("day factors") as session:
        current, _ = clock(session)
        which = (
            read_date(session, on, "--date")
            if on is not None
            else timeutil.factor_day(current, ops.boundary(session))
        )
        glass = int(ops.setting(session, "glass_ml"))
        assignments = factors.parse_assignments(session, own_factors)
        record = ops.update_day(
            session,
            which,
            water_ml=units.parse_water(water, glass) if water is not None else None,
            exercise_minutes=round(
                units.parse_minutes(exercise, "--exercise", ops.MAX_EXERCISE_MINUTES)
            )
            if exercise is not None
            else None,
            activities=activities,
            stretched=stretched,
            shoes_worn=[units.split_shoe(s) for s in shoes_worn],
            remove_shoes=remove_shoes,
            clear_shoes=clear_shoes,
            alcohol=units.parse_count(alcohol, "--alcohol") if alcohol is not None else None,
            caffeine=units.parse_count(caffeine, "--caffeine") if caffeine is not None else None,
            sitting_hours=units.parse_hours(sitting, "--sitting") if sitting is not None else None,
            note=note,
        )
        if assignments:
            factors.set_values(record, assignments)
            session.flush()
        line = day_line(record, str(ops.setting(session, "units") or "metric"))
        journal.describe(session, f"day {which}: {line}")
        trial_line = tonight_line(session, current)
    click.echo(f"Day {present.day(which)}: {line}. {diary.undo_hint}")
    if trial_line:
        click.echo(trial_line)


def episode_dict(e: Episode) -> dict[str, Any]:
    from cramplog.timeutil import iso_local

    return {
        "id": e.id,
        "night": e.night.isoformat(),
        "at": iso_local(e.at, e.tz),
        "tz": e.tz,
        "severity": e.severity,
        "site": e.site,
        "side": e.side,
        "minutes": e.minutes,
        "woke": e.woke,
        "relief": e.relief,
        "signs": e.sign_list,
        "note": e.note,
        "deleted": e.deleted_at is not None,
    }


def day_dict(d: Day, own: list[str] | None = None) -> dict[str, Any]:
    """A day as `list --json` shows it; `own` names the diary's active factors, each given
    in `factors` with its value, or null where not recorded that day (unknown, not "no")."""
    from cramplog import factors

    values = factors.day_values(d)
    return {
        "date": d.date.isoformat(),
        "water_ml": d.water_ml,
        "exercise_minutes": d.exercise_minutes,
        "activities": d.activity_list,
        "stretched": d.stretched,
        "shoes": [
            {"name": s.shoe.name, "fit": s.shoe.fit, "kind": s.shoe.kind, "hours": s.hours}
            for s in d.shoes
        ],
        "alcohol": d.alcohol,
        "caffeine": d.caffeine,
        "sitting_hours": d.sitting_hours,
        "steps": d.steps,
        "note": d.note,
        # Which values came from a health-app import ({"water_ml": "apple-health"}); a value
        # not named here was typed by hand.
        "sources": json.loads(d.sources) if d.sources else {},
        # Own factors by name: true/false for yes/no, the number for a number factor.
        "factors": {name: values.get(name) for name in (own if own is not None else values)},
    }


@click.command("list")
@click.option(
    "--nights",
    type=click.IntRange(1, 100_000),
    default=14,
    show_default=True,
    help="How many recent nights.",
)
@click.option("--since", metavar="DATE", help="From this night on (overrides --nights).")
@click.option("--all", "everything", is_flag=True, help="The whole diary.")
@click.option("--deleted", is_flag=True, help="Include deleted cramps.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_diary
def list_(
    diary: Diary, nights: int, since: str | None, everything: bool, deleted: bool, as_json: bool
) -> None:
    """Recent nights: cramps, cramp-free nights, and nights not logged."""
    from cramplog import diary as ops
    from cramplog import factors, timeutil

    with diary.reading() as session:
        current, _ = clock(session)
        last = timeutil.last_night(current, ops.boundary(session))
        if everything:
            first = None
        elif since is not None:
            first = read_date(session, since, "--since")
        else:
            first = last - timedelta(days=nights - 1)
        found = ops.episodes(session, first, None, include_deleted=deleted)
        free = ops.cramp_free_nights(session, first, None)
        day_rows = ops.days(session, first, None)
        own = [f.name for f in factors.all_factors(session)]
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "episodes": [episode_dict(e) for e in found],
                        "cramp_free_nights": [n.night.isoformat() for n in free],
                        "days": [day_dict(d, own) for d in day_rows],
                    },
                    indent=2,
                )
            )
            return
        # Day D's own factors go with night D (DESIGN.md); shown only once a diary has some.
        own_lines = {d.date: own_factor_text(d, own) for d in day_rows} if own else {}
        _print_nights(
            found,
            [n.night for n in free],
            first,
            max(last, *(e.night for e in found)) if found else last,
            own_lines,
        )


def own_factor_text(d: Day, own: list[str]) -> str | None:
    """ "leg elevated: yes, sleep: ?": the day's own factors, ? where not recorded; None
    when none of them is recorded that day."""

    rows = {row.factor.name: row for row in d.factors if row.factor.removed_at is None}
    if not rows:
        return None
    parts = []
    for name in own:
        row = rows.get(name)
        shown = (
            present.factor_value(row.value, row.factor.kind, row.factor.unit)
            if row is not None
            else "?"
        )
        parts.append(f"{name}: {shown}")
    return ", ".join(parts)


def _print_nights(
    found: list[Episode],
    free: list[date],
    first: date | None,
    last: date,
    own_lines: dict[date, str | None] | None = None,
) -> None:
    from cramplog.timeutil import zone

    if first is None:
        candidates = [e.night for e in found] + free
        first = min(candidates) if candidates else last
    by_night: dict[date, list[Episode]] = {}
    for e in found:
        by_night.setdefault(e.night, []).append(e)
    free_set = set(free)
    row = "{:<17} {:>4}  {:<5}  {:>3}  {:<12} {:>7}  {:<4}  {}"
    click.echo(
        row.format("night", "ID", "time", "sev", "where", "lasted", "woke", "signs, relief, note")
    )
    night = first
    observed = 0
    total = 0
    while night <= last:
        total += 1
        if night in by_night:
            observed += 1
            for i, e in enumerate(by_night[night]):
                label = present.day(night) if i == 0 else ""
                local = e.at.astimezone(zone(e.tz))
                where = present.where(e.site, e.side, missing="?") if e.site or e.side else "?"
                extra = list(e.sign_list)
                if e.relief:
                    extra.append("eased by " + present.shorten(e.relief, 30))
                if e.note:
                    extra.append(present.shorten(e.note, 40))
                text = ", ".join(extra)
                if e.deleted_at is not None:
                    text = "(deleted) " + text
                cells = (
                    label,
                    e.id,
                    f"{local:%H:%M}",
                    present.severity(e.severity, missing="?"),
                    where,
                    present.duration(e.minutes, missing="?"),
                    present.yes_no(e.woke, unknown="?"),
                    text,
                )
                click.echo(present.terminal(row.format(*cells)))
        elif night in free_set:
            observed += 1
            click.echo(f"{present.day(night):<17} {'':>4}  no cramps")
        else:
            click.echo(f"{present.day(night):<17} {'':>4}  (not logged)")
        if own_lines and own_lines.get(night):
            click.echo(present.terminal(f"{'':<17} {'':>4}  your factors: {own_lines[night]}"))
        night += timedelta(days=1)
    click.echo(f"{observed} of {present.plural(total, 'night')} logged. ? = not recorded.")


@click.command()
@click.argument("episode_id", metavar="ID", type=ID)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_diary
def show(diary: Diary, episode_id: int, as_json: bool) -> None:
    """One cramp in full."""
    from cramplog import diary as ops

    with diary.reading() as session:
        e = ops.episode(session, episode_id, include_deleted=True)
        data = episode_dict(e)
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return

    click.echo(f"Cramp {e.id}: {episode_line(e)}")
    # What was not recorded is left out (never shown as "no"): the line above names what was.
    fields = {
        "at": data["at"],
        "zone": data["tz"],
        "eased by": e.relief,
        "note": e.note,
    }
    for key, value in fields.items():
        if value:
            click.echo(present.terminal(f"  {key}: {value}"))
    if e.deleted_at is not None:
        click.echo(f"  deleted; bring it back with: cramplog restore {e.id}")


@click.command()
@click.argument("episode_id", metavar="ID", type=ID)
@click.option("--severity", help="0-10: 6, six or 6/10.")
@click.option("--at", "when", metavar="WHEN", help="A new time: 03:10, yesterday 23:40, 2h ago.")
@click.option("--site", help="toes/foot/arch/calf/thigh/other.")
@click.option("--side", help="left/right/both.")
@click.option("--minutes", metavar="M", help="How long it lasted: 90s, 2m, 1m30s.")
@click.option("--woke/--no-woke", default=None, help="Whether it woke you.")
@click.option("--relief", help="What helped ('' clears).")
@click.option(
    "--sign", "signs", multiple=True, help="Replaces the signs (repeatable); --sign '' clears."
)
@click.option("--note", help="A note ('' clears).")
@fold_option
@pass_diary
def edit(
    diary: Diary,
    episode_id: int,
    severity: str | None,
    when: str | None,
    site: str | None,
    side: str | None,
    minutes: str | None,
    woke: bool | None,
    relief: str | None,
    signs: tuple[str, ...],
    note: str | None,
    fold: int | None,
) -> None:
    """Correct a cramp: only the fields you give change."""
    from cramplog import diary as ops
    from cramplog import timeutil, units

    while True:
        try:
            with diary.writing(f"edited cramp {episode_id}") as session:
                current, _ = clock(session)
                e = ops.episode(session, episode_id)
                local_now = current.astimezone(timeutil.zone(e.tz))  # the zone it was logged in
                at = read_when(session, when, local_now, "--at", fold) if when is not None else None
                e = ops.edit_episode(
                    session,
                    episode_id,
                    severity=units.parse_severity(severity, "--severity"),
                    at=at,
                    site=site,
                    side=side,
                    minutes=units.parse_minutes(minutes, "--minutes", ops.MAX_EPISODE_MINUTES)
                    if minutes is not None
                    else None,
                    woke=woke,
                    relief=relief,
                    signs=[s for s in signs if s.strip()] if signs else None,
                    note=note,
                )
                line = episode_line(e)
            break
        except timeutil.AmbiguousTime as exc:  # rolled back; ask, then edit again
            fold = ask_fold(exc)
    click.echo(f"Cramp {episode_id}: {line}. {diary.undo_hint}")


@click.command()
@click.argument("episode_id", metavar="ID", type=ID)
@pass_diary
def delete(diary: Diary, episode_id: int) -> None:
    """Delete a cramp (recoverable: cramplog undo, or cramplog restore ID)."""
    from cramplog import diary as ops

    with diary.writing(f"deleted cramp {episode_id}") as session:
        e = ops.delete_episode(session, episode_id)
        line = episode_line(e)
    click.echo(f"Deleted cramp {episode_id} ({line}). Bring it back with: {diary.undo_command}")


@click.command()
@click.argument("episode_id", metavar="ID", type=ID)
@pass_diary
def restore(diary: Diary, episode_id: int) -> None:
    """Bring back a deleted cramp."""
    from cramplog import diary as ops

    with diary.writing(f"restored cramp {episode_id}") as session:
        e = ops.restore_episode(session, episode_id)
        line = episode_line(e)
    click.echo(f"Restored cramp {episode_id}: {line}.")


@click.command()
@pass_diary
def undo(diary: Diary) -> None:
    """Take back the last change (repeat to go further back)."""
    from cramplog import journal, people
    from cramplog.db import session_scope

    with session_scope(diary.engine, write=True) as session:
        people.scope(session, diary.person)  # one person's undo never takes back another's
        change = journal.undo(session)
        diary.name_the_person(session)
        summary = change.summary if change else None
        when = change.at if change else None
    if summary is None:
        click.echo("Nothing to undo.")
        return
    assert when is not None
    local = when.astimezone()
    click.echo(f"Undone: {summary} (from {present.short_day(local)} {local:%H:%M}).")


COMMANDS = [log, none, day, list_, show, edit, delete, restore, undo]
