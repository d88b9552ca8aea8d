"""What the factors refer to, and settings: shoes, meds, profile, config."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

import click

from cramplog.cli import Diary, pass_diary

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from cramplog.models import Medication


# --- shoes ---------------------------------------------------------------------------------


@click.group()
def shoes() -> None:
    """The pairs you wear, so a day can name them."""


@shoes.command("add")
@click.argument("name")
@click.option("--fit", default="good", show_default=True, help="good/tight/loose.")
@click.option("--kind", help="everyday/trainers/boots/heels/flats/sandals/slippers/other.")
@pass_diary
def shoes_add(diary: Diary, name: str, fit: str, kind: str | None) -> None:
    """Add a pair of shoes."""
    from cramplog import diary as ops

    with diary.writing(f"added shoes {name!r}") as session:
        shoe = ops.add_shoe(session, name, fit, kind)
        text = f"{shoe.name} (fit {shoe.fit}{', ' + shoe.kind if shoe.kind else ''})"
    click.echo(f"Added shoes: {text}.")


@shoes.command("edit")
@click.argument("name")
@click.option("--name", "new_name", help="A new name.")
@click.option("--fit", help="good/tight/loose.")
@click.option("--kind", help="everyday/trainers/boots/heels/flats/sandals/slippers/other.")
@click.option("--retired/--in-use", default=None, help="Retired pairs stay in the history.")
@pass_diary
def shoes_edit(
    diary: Diary,
    name: str,
    new_name: str | None,
    fit: str | None,
    kind: str | None,
    retired: bool | None,
) -> None:
    """Change a pair's name, fit or kind."""
    from cramplog import diary as ops

    with diary.writing(f"edited shoes {name!r}") as session:
        shoe = ops.edit_shoe(session, name, new_name=new_name, fit=fit, kind=kind, retired=retired)
        text = f"{shoe.name} (fit {shoe.fit}{', ' + shoe.kind if shoe.kind else ''})"
    click.echo(f"Shoes: {text}.")


@shoes.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_diary
def shoes_list(diary: Diary, as_json: bool) -> None:
    """The pairs you have named."""
    from cramplog import diary as ops

    with diary.reading() as session:
        rows = [
            {"name": s.name, "fit": s.fit, "kind": s.kind, "retired": s.retired}
            for s in ops.shoes(session)
        ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo(
            'No shoes yet. Add a pair: cramplog shoes add "work boots" --fit tight --kind boots'
        )
    for r in rows:
        extra = " (retired)" if r["retired"] else ""
        click.echo(f"{r['name']:<24} fit {r['fit']:<6} {r['kind'] or ''}{extra}")


# --- medicines -----------------------------------------------------------------------------


@click.group()
def meds() -> None:
    """Medicines, by generic name, with start and stop dates."""


@meds.command("add")
@click.argument("name")
@click.option("--dose", help='e.g. "25 mg".')
@click.option("--since", metavar="DATE", help="Start date (default: today).")
@click.option(
    "--as-needed", is_flag=True, help="Taken only when needed (log doses with meds take)."
)
@click.option("--alias", "aliases", multiple=True, help="A brand name you use for it (repeatable).")
@click.option("--note")
@pass_diary
def meds_add(
    diary: Diary,
    name: str,
    dose: str | None,
    since: str | None,
    as_needed: bool,
    aliases: tuple[str, ...],
    note: str | None,
) -> None:
    """Add a medicine you take (its generic name, e.g. atorvastatin)."""
    from cramplog import diary as ops
    from cramplog import timeutil
    from cramplog.cli.entries import clock

    with diary.writing(f"added medicine {name}") as session:
        current, _ = clock(session)
        start = timeutil.parse_date(since, current.date(), "--since") if since else current.date()
        med = ops.add_medication(
            session, name, dose=dose, since=start, as_needed=as_needed, note=note
        )
        for alias in aliases:
            ops.add_alias(session, alias, med.name)
        line = med_line(med)
        advice = _association(session, med)
    click.echo(f"Added {line}.")
    if advice:
        click.echo(advice)


def _association(session: Session, med: Medication) -> str | None:
    from cramplog import knowledge
    from cramplog.diary import medication_aliases

    found = knowledge.match_medication(med.name, medication_aliases(session))
    if found is None:
        import difflib

        generics = [g for c in knowledge.medication_classes() for g in c.generics]
        close = difflib.get_close_matches(med.name, generics, n=1, cutoff=0.8)
        if close:
            return (
                f"Did you mean {close[0]}? Names are kept as typed; to correct it: "
                f"cramplog undo, then cramplog meds add {close[0]!r} --alias {med.name!r}"
            )
        return None
    return (
        f"Note: {found.name} have been reported in association with night cramps "
        f"({found.association}; {', '.join(found.source)}). {knowledge.MEDICATION_ADVICE}"
    )


def med_line(med: Medication) -> str:
    parts = [med.name]
    if med.dose:
        parts.append(med.dose)
    parts.append("as needed" if med.as_needed else "regular")
    if med.started:
        parts.append(f"since {med.started.isoformat()}")
    if med.stopped:
        parts.append(f"stopped {med.stopped.isoformat()}")
    return ", ".join(parts)


@meds.command("stop")
@click.argument("name")
@click.option("--on", "on", metavar="DATE", help="Last day taken (default: today).")
@pass_diary
def meds_stop(diary: Diary, name: str, on: str | None) -> None:
    """Record that a medicine was stopped (as your prescriber advised)."""
    from cramplog import diary as ops
    from cramplog import timeutil
    from cramplog.cli.entries import clock

    with diary.writing(f"stopped medicine {name}") as session:
        current, _ = clock(session)
        day = timeutil.parse_date(on, current.date(), "--on") if on else current.date()
        med = ops.stop_medication(session, name, day)
        line = med_line(med)
    click.echo(f"Recorded: {line}.")


@meds.command("take")
@click.argument("name")
@click.option("--at", "when", metavar="WHEN", help="When taken (default: now).")
@pass_diary
def meds_take(diary: Diary, name: str, when: str | None) -> None:
    """Log one dose of an as-needed medicine."""
    from cramplog import diary as ops
    from cramplog import timeutil
    from cramplog.cli.entries import clock

    with diary.writing(f"dose of {name}") as session:
        current, tz = clock(session)
        at = timeutil.parse_when(when, current) if when else current
        dose = ops.take_dose(session, name, at, tz)
        text = f"{ops.generic_name(session, name)} at {at:%H:%M} on {dose.date.isoformat()}"
    click.echo(f"Dose logged: {text}.")


@meds.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_diary
def meds_list(diary: Diary, as_json: bool) -> None:
    """Your medicines; those reported with night cramps are marked, with their source."""
    from cramplog import diary as ops
    from cramplog import knowledge

    with diary.reading() as session:
        aliases = ops.medication_aliases(session)
        rows = []
        for med in ops.medications(session):
            found = knowledge.match_medication(med.name, aliases)
            rows.append(
                {
                    "name": med.name,
                    "dose": med.dose,
                    "as_needed": med.as_needed,
                    "started": med.started.isoformat() if med.started else None,
                    "stopped": med.stopped.isoformat() if med.stopped else None,
                    "cramp_associated": found is not None,
                    "class": found.name if found else None,
                    "association": found.association if found else None,
                    "source": knowledge.cite(found.source) if found else None,
                    "line": med_line(med),
                }
            )
    if as_json:
        click.echo(
            json.dumps([{k: v for k, v in r.items() if k != "line"} for r in rows], indent=2)
        )
        return
    if not rows:
        click.echo("No medicines yet. Add one: cramplog meds add atorvastatin --dose '20 mg'")
        return
    marked = False
    for r in rows:
        mark = " *" if r["cramp_associated"] else ""
        click.echo(f"{r['line']}{mark}")
        if r["cramp_associated"]:
            marked = True
            click.echo(f"    * {r['class']}: reported with night cramps, {r['association']}")
            click.echo(f"      source: {r['source']}")
    if marked:
        click.echo(knowledge.MEDICATION_ADVICE)


# --- profile -------------------------------------------------------------------------------


@click.group()
def profile() -> None:
    """Birth year and medical conditions (they shape what the analysis mentions)."""


@profile.command("show")
@click.option("--json", "as_json", is_flag=True)
@pass_diary
def profile_show(diary: Diary, as_json: bool) -> None:
    """Your profile, with the source for each condition's link to cramps."""
    from cramplog import diary as ops
    from cramplog import knowledge

    with diary.reading() as session:
        who = ops.person(session, create=False)
        data = {
            "name": who.name if who else "me",
            "birth_year": who.birth_year if who else None,
            "conditions": [c.condition for c in who.conditions] if who else [],
            "cramps_since": who.cramps_since.isoformat() if who and who.cramps_since else None,
        }
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(
        f"Birth year: {data['birth_year'] or 'not set (cramplog profile set --birth-year 1955)'}"
    )
    since = data["cramps_since"]
    click.echo(
        f"Cramps since: {date.fromisoformat(since):%B %Y}"
        if since
        else "Cramps since: not set (cramplog profile set --cramps-since 2026-10)"
    )
    if not data["conditions"]:
        click.echo("Conditions: none listed")
    table = knowledge.conditions()
    for cid in data["conditions"]:
        cond = table.get(cid)
        if cond is not None:
            click.echo(
                f"Condition: {cond.name} (linked with cramps by {knowledge.cite(cond.source)})"
            )


@profile.command("set")
@click.option("--birth-year", type=int)
@click.option("--name")
@click.option("--condition", "add", multiple=True, help="Add a condition (repeatable).")
@click.option("--remove-condition", "remove", multiple=True, help="Remove a condition.")
@click.option(
    "--cramps-since", metavar="MONTH", help="When your cramps began, e.g. 2026-10 ('' clears)."
)
@pass_diary
def profile_set(
    diary: Diary,
    birth_year: int | None,
    name: str | None,
    add: tuple[str, ...],
    remove: tuple[str, ...],
    cramps_since: str | None,
) -> None:
    """Set birth year or conditions, e.g. --condition diabetes --condition pregnancy."""
    from cramplog import diary as ops
    from cramplog.cli.entries import clock

    with diary.writing("profile") as session:
        current, _ = clock(session)
        who = ops.update_profile(
            session,
            birth_year=birth_year,
            name=name,
            add_conditions=add,
            remove_conditions=remove,
            today=current.date(),
        )
        if cramps_since is not None:  # after the birth year, which it is checked against
            ops.set_cramps_since(session, cramps_since, today=current.date())
        conditions = ", ".join(c.condition for c in who.conditions) or "none"
        year = who.birth_year
        since = f"; cramps since {who.cramps_since:%B %Y}" if who.cramps_since else ""
    click.echo(f"Profile: birth year {year or 'not set'}; conditions: {conditions}{since}.")


# --- config --------------------------------------------------------------------------------


@click.group()
def config() -> None:
    """Settings stored in the diary itself (thresholds, water glass size, time zone...)."""


@config.command("show")
@click.option("--json", "as_json", is_flag=True)
@pass_diary
def config_show(diary: Diary, as_json: bool) -> None:
    """Every setting, its value, and what it means."""
    from cramplog import config as cfg
    from cramplog import diary as ops

    with diary.reading() as session:
        values = ops.settings(session)
    if as_json:
        click.echo(json.dumps(values, indent=2))
        return
    table = cfg.settings()
    click.echo(f"diary: {diary.url}")
    for key, value in values.items():
        shown = "''" if value == "" else value
        mark = "" if value == table[key].default else "  (changed)"
        click.echo(f"{key:<26} {shown!s:<10} {table[key].help}{mark}")


@config.command("set")
@click.argument("key")
@click.argument("value")
@pass_diary
def config_set(diary: Diary, key: str, value: str) -> None:
    """Change a setting, e.g. cramplog config set low_water_ml 2000."""
    from cramplog import diary as ops

    with diary.writing(f"setting {key}") as session:
        stored = ops.set_setting(session, key, value)
    click.echo(f"{key} = {stored}")


COMMANDS = [shoes, meds, profile, config]
