"""What the factors refer to, and settings: shoes, meds, profile, config."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from cramplog import present
from cramplog.cli import Diary, pass_diary
from cramplog.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from cramplog.models import Medication


SHOE_KIND_HELP = (
    "everyday/trainers/boots/heels/flats/sandals/slippers/other "
    "(sneakers, pumps, wellies, flip-flops... are read too)."
)
FIT_HELP = "good/tight/loose (too small, too big... are read too)."


# --- shoes ---------------------------------------------------------------------------------


@click.group()
def shoes() -> None:
    """The pairs you wear, so a day can name them."""


@shoes.command("add")
@click.argument("name")
@click.option("--fit", default="good", show_default=True, help=FIT_HELP)
@click.option("--kind", help=SHOE_KIND_HELP)
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
@click.option("--fit", help=FIT_HELP)
@click.option("--kind", help=SHOE_KIND_HELP)
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
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
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
@click.option("--note", help="A note about this medicine.")
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
    """Add a medicine you take: its generic name (atorvastatin), or a common brand name or
    abbreviation of a listed one (Lipitor, HCTZ), which is recorded as its generic."""
    from cramplog import diary as ops
    from cramplog.cli.entries import clock

    with diary.writing(f"added medicine {name}") as session:
        current, _ = clock(session)
        start, rough = (
            _start_date(session, since, current.date())
            if since is not None
            else (current.date(), "")
        )
        med = ops.add_medication(
            session, name, dose=dose, since=start, as_needed=as_needed, note=note
        )
        for alias in aliases:
            ops.add_alias(session, alias, med.name)
        line = med_line(med)
        read_as = _read_as(name, med.name)
        advice = _association(session, med)
    click.echo(f"Added {line}.")
    if rough:
        click.echo(rough)
    if read_as:
        click.echo(read_as)
    if advice:
        click.echo(advice)


def _start_date(session: Any, text: str, today: date) -> tuple[date, str]:
    """A start date as people remember one: a day ("2026-03-14", "14 Mar"), or only a month
    ("Mar 2020", "2020-03") or a year ("2020"), taken as its first day and said so."""
    from cramplog import diary as ops
    from cramplog.cli.entries import read_date

    try:
        return read_date(session, text, "--since"), ""
    except InputError:
        cleaned = text.strip()
        try:
            day = (
                date(int(cleaned), 1, 1)
                if cleaned.isdigit() and len(cleaned) == 4
                else ops.parse_month(cleaned)
            )
        except ValueError:
            day = None
        if day is None or not date(1900, 1, 1) <= day <= today:
            raise
        return day, f"Start taken as {present.day(day)} (from {text!r}); correct it with meds edit."


def _read_as(typed: str, generic: str) -> str | None:
    """'HCTZ is an abbreviation of hydrochlorothiazide (source: ...)', when a name was read."""
    from cramplog import knowledge

    shipped = knowledge.medicine_name(typed)
    if shipped is None or shipped.generic != generic:
        return None
    shorts = ", ".join(knowledge.drug_name_sources()[k].short for k in shipped.source)
    article = "an" if shipped.kind[0] in "aeiou" else "a"
    extra = f", with {' and '.join(shipped.combined_with)}" if shipped.combined_with else ""
    return (
        f"{shipped.name} is {article} {shipped.kind} of {generic}{extra} (source: {shorts}); "
        f"recorded as {generic}."
    )


def _association(session: Session, med: Medication) -> str | None:
    from cramplog import knowledge
    from cramplog.diary import medication_aliases

    found = knowledge.match_medication(med.name, medication_aliases(session))
    if found is None:
        import difflib

        names = [g for c in knowledge.medication_classes() for g in c.generics]
        names += [n.name.lower() for n in knowledge.drug_names()]
        close = difflib.get_close_matches(med.name, names, n=1, cutoff=0.8)
        if close:
            return (
                f"Did you mean {close[0]}? Names are kept as typed; to correct it: "
                f"cramplog meds edit {med.name!r} --name {close[0]!r}"
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
    from cramplog.cli.entries import clock, read_date

    with diary.writing(f"stopped medicine {name}") as session:
        current, _ = clock(session)
        day = read_date(session, on, "--on") if on is not None else current.date()
        med = ops.stop_medication(session, name, day)
        line = med_line(med)
    click.echo(f"Recorded: {line}.")


@meds.command("edit")
@click.argument("name")
@click.option("--name", "new_name", help="The right name (a brand name is read as its generic).")
@click.option("--dose", help='e.g. "25 mg".')
@click.option("--started", metavar="DATE", help="The right start date.")
@click.option("--stopped", metavar="DATE", help="The right stop date.")
@click.option("--still-taking", is_flag=True, help="Clear a stop date recorded by mistake.")
@click.option(
    "--as-needed/--regular", "as_needed", default=None, help="Taken when needed, or every day."
)
@pass_diary
def meds_edit(
    diary: Diary,
    name: str,
    new_name: str | None,
    dose: str | None,
    started: str | None,
    stopped: str | None,
    still_taking: bool,
    as_needed: bool | None,
) -> None:
    """Correct a medicine: its name (a typo), dose, dates, or regular/as needed."""
    from cramplog import diary as ops
    from cramplog.cli.entries import read_date
    from cramplog.errors import InputError

    if still_taking and stopped is not None:
        raise InputError("--still-taking", "cannot go with --stopped", "one of the two")
    with diary.writing(f"edited medicine {name}") as session:
        med = ops.edit_medication(
            session,
            name,
            new_name=new_name,
            dose=dose,
            started=None if started is None else read_date(session, started, "--started"),
            stopped=None if stopped is None else read_date(session, stopped, "--stopped"),
            still_taking=still_taking,
            as_needed=as_needed,
        )
        line = med_line(med)
        read_as = _read_as(new_name, med.name) if new_name else None
        advice = _association(session, med) if new_name else None
    click.echo(f"Medicine: {line}. {diary.undo_hint}")
    for extra in (read_as, advice):
        if extra:
            click.echo(extra)


@meds.command("remove")
@click.argument("name")
@pass_diary
def meds_remove(diary: Diary, name: str) -> None:
    """Remove a medicine entered by mistake, with its doses (undo brings it back).

    To record that you stopped taking one, use: cramplog meds stop NAME.
    """
    from cramplog import diary as ops
    from cramplog import journal

    with diary.writing(f"removed medicine {name}") as session:
        med = ops.remove_medication(session, name)
        line = med_line(med)
        journal.describe(session, f"removed medicine {line}")
    click.echo(f"Removed {line}. Bring it back with: {diary.undo_command}")


@meds.command("take")
@click.argument("name")
@click.option("--at", "when", metavar="WHEN", help="When taken (default: now).")
@pass_diary
def meds_take(diary: Diary, name: str, when: str | None) -> None:
    """Log one dose of an as-needed medicine."""
    from cramplog import diary as ops
    from cramplog.cli.entries import clock, read_when

    with diary.writing(f"dose of {name}") as session:
        current, tz = clock(session)
        at = read_when(session, when, current) if when is not None else current
        dose = ops.take_dose(session, name, at, tz)
        text = f"{ops.generic_name(session, name)} at {at:%H:%M} on {dose.date.isoformat()}"
    click.echo(f"Dose logged: {text}.")


@meds.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
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
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
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
    for stored in data["conditions"]:
        cond = table.get(stored)
        if cond is not None:
            click.echo(
                f"Condition: {cond.name} (linked with cramps by {knowledge.cite(cond.source)})"
            )
        else:
            # Free text, as typed: shown, but not one of the conditions the sources name.
            click.echo(f"Condition: {knowledge.condition_label(stored)} (as you wrote it)")


@profile.command("set")
@click.option("--birth-year", type=int, help="e.g. 1958: the age shown on the packet.")
@click.option("--name", help="Your name, shown on the reports.")
@click.option(
    "--condition", "add", multiple=True, help="Add a condition, in your words (repeatable)."
)
@click.option("--remove-condition", "remove", multiple=True, help="Remove a condition.")
@click.option(
    "--cramps-since", metavar="MONTH", help="When your cramps began, e.g. 2026-10 ('none' clears)."
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
    """Set birth year or conditions, e.g. --condition "type 2 diabetes" --condition pregnant.

    A condition cramplog knows (diabetes, thyroid, kidney disease, pregnancy...) is stored as
    that condition, whatever words you use for it; anything else ("high blood pressure") is
    kept as you wrote it and shown on your profile and packet.
    """
    from cramplog import diary as ops
    from cramplog import knowledge, words
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
        conditions = ", ".join(knowledge.condition_label(c.condition) for c in who.conditions)
        year = who.birth_year
        since = f"; cramps since {who.cramps_since:%B %Y}" if who.cramps_since else ""
    click.echo(
        f"Profile: birth year {year or 'not set'}; conditions: {conditions or 'none'}{since}."
    )
    for text in add:
        if knowledge.find_condition(text) is None:
            near = words.close_to(text, knowledge.condition_words(), n=1, cutoff=0.8)
            meant = knowledge.find_condition(near[0]) if near else None
            if meant is not None:
                click.echo(
                    f"{text!r} is kept as you wrote it. Did you mean {meant.name}? To correct "
                    f"it: cramplog profile set --remove-condition {text!r} "
                    f"--condition {meant.id!r}"
                )


# --- config --------------------------------------------------------------------------------


@click.group()
def config() -> None:
    """Settings stored in the diary itself (thresholds, water glass size, time zone...)."""


@config.command("show")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_diary
def config_show(diary: Diary, as_json: bool) -> None:
    """Every setting, its value, and what it means."""
    from cramplog import config as cfg
    from cramplog import diary as ops

    with diary.reading() as session:
        values = ops.settings(session)
        own = ops.personal_keys(session)
    if as_json:
        click.echo(json.dumps(values, indent=2))
        return
    table = cfg.settings()
    click.echo(f"diary: {diary.url}")
    for key, value in values.items():
        shown = "''" if value == "" else value
        if key in own:
            mark = "  (this person's own)"
        else:
            mark = "" if value == table[key].default else "  (changed)"
        click.echo(f"{key:<26} {shown!s:<10} {table[key].help}{mark}")


@config.command("set")
@click.argument("key")
@click.argument("value", required=False)
@click.option(
    "--personal",
    is_flag=True,
    help="For the chosen person only (--person); the diary's value stays for everyone else.",
)
@click.option(
    "--diary-value",
    "diary_value",
    is_flag=True,
    help="Take back this person's own value: use the diary's again.",
)
@pass_diary
def config_set(
    diary: Diary, key: str, value: str | None, personal: bool, diary_value: bool
) -> None:
    """Change a setting, e.g. cramplog config set low_water 50oz (stored as mL)."""
    from cramplog import diary as ops

    if diary_value:
        if value is not None or personal:
            raise InputError(
                "--diary-value", "takes no VALUE and no --personal", "config set KEY --diary-value"
            )
        with diary.writing(f"setting {key} back to the diary's") as session:
            key = ops.known_setting(key)
            cleared = ops.clear_personal(session, key)
            stored = ops.setting(session, key)
        if not cleared:
            click.echo(f"{key} had no value of this person's own; it is {stored}.")
            return
        click.echo(f"{key} = {stored} (the diary's). {diary.undo_hint}")
        return
    if value is None:
        raise InputError("VALUE", "missing", "config set KEY VALUE, e.g. config set units us")
    from cramplog import journal

    with diary.writing(f"setting {key}") as session:
        key = ops.setting_name(key)
        stored = ops.set_setting(session, key, value, personal=personal)
        if not personal:
            journal.diary_wide(session)  # everyone's setting, not the chosen person's change
        from cramplog import people

        for_everyone = not personal and len(people.active(session)) > 1
        units = str(ops.setting(session, "units") or "metric")
        shadowed = not personal and key in ops.personal_keys(session)
    if key in ("low_water_ml", "glass_ml"):  # stored as mL, read in the diary's units
        stored = f"{stored} ({present.water(float(stored), units)})"
    whose = " (this person's own)" if personal else ""
    click.echo(f"{key} = {stored}{whose}")
    if for_everyone:
        click.echo(
            "That is the diary's setting, for everyone in it; for one person alone: "
            f"cramplog --person NAME config set {key} VALUE --personal"
        )
    if shadowed:
        click.echo("This person keeps a value of their own; config set KEY --diary-value drops it.")


COMMANDS = [shoes, meds, profile, config]
