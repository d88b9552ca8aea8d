"""`factor add/list/rename/remove`: the person's own factors, recorded with `day --factor`."""

from __future__ import annotations

import json

import click

from cramplog.cli import Diary, pass_diary


@click.group()
def factor() -> None:
    """Your own factors (leg elevated, sleep hours...), analysed like the built-in ones.

    \b
    A yes/no factor:     cramplog factor add "leg elevated"
    A number factor:     cramplog factor add sleep --unit h --exposed-below 6
    Record a day:        cramplog day --factor "leg elevated" --factor sleep=5.5
    A day not recorded is unknown, never "no".
    """


@factor.command("add")
@click.argument("name")
@click.option("--unit", help="For a number factor: its unit (h, mg, km...).")
@click.option(
    "--exposed-below",
    "exposed_below",
    metavar="N",
    help="A number factor is exposed on days below N (e.g. sleep under 6 h).",
)
@click.option(
    "--exposed-above",
    "exposed_above",
    metavar="N",
    help="A number factor is exposed on days above N (e.g. more than 8 h standing).",
)
@pass_diary
def factor_add(
    diary: Diary,
    name: str,
    unit: str | None,
    exposed_below: str | None,
    exposed_above: str | None,
) -> None:
    """Add a factor: yes/no, or a number with --exposed-below or --exposed-above."""
    from cramplog import factors, journal

    with diary.writing(f"added factor {name!r}") as session:
        found, back = factors.add(
            session, name, unit=unit, exposed_below=exposed_below, exposed_above=exposed_above
        )
        what = factors.describe(found)
        kept = factors.recorded_days(session, found) if back else 0
        verb = "brought back factor" if back else "added factor"
        journal.describe(session, f"{verb} {found.name!r}")
        shown = found.name
    from cramplog import present

    if back:
        click.echo(
            present.terminal(
                f"Brought back factor {shown!r} ({what}), with "
                f"{present.plural(kept, 'recorded day')}. Undo with: {diary.undo_command}"
            )
        )
        return
    example = f'"{shown}"' if found.kind == "yesno" else f'"{shown}=NUMBER"'
    click.echo(
        present.terminal(f"Added factor {shown!r} ({what}). Undo with: {diary.undo_command}")
    )
    click.echo(present.terminal(f"Record a day with: cramplog day --factor {example}"))


@factor.command("list")
@click.option("--removed", is_flag=True, help="Include removed factors (their values are kept).")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_diary
def factor_list(diary: Diary, removed: bool, as_json: bool) -> None:
    """Your factors, what counts as exposed, and on how many days each is recorded."""
    from sqlalchemy import func, select

    from cramplog import factors, present
    from cramplog.models import DayFactor

    with diary.reading() as session:
        counts = dict(
            session.execute(
                select(DayFactor.factor_id, func.count()).group_by(DayFactor.factor_id)
            ).all()
        )
        rows = [
            {
                "name": f.name,
                "kind": f.kind,
                "unit": f.unit,
                "exposed_below": f.exposed_below,
                "exposed_above": f.exposed_above,
                "days_recorded": int(counts.get(f.id, 0)),
                "removed": f.removed_at is not None,
                "describe": factors.describe(f),
            }
            for f in factors.all_factors(session, removed=removed)
        ]
    if as_json:
        for r in rows:
            r.pop("describe")
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo('No factors of your own yet. Add one: cramplog factor add "leg elevated"')
        return
    for r in rows:
        extra = " (removed)" if r["removed"] else ""
        days = present.plural(r["days_recorded"], "day")
        click.echo(present.terminal(f"{r['name']:<24} {r['describe']}; recorded on {days}{extra}"))


@factor.command("rename")
@click.argument("old")
@click.argument("new")
@pass_diary
def factor_rename(diary: Diary, old: str, new: str) -> None:
    """Give a factor a new name; its recorded days keep their values."""
    from cramplog import factors, journal, present

    with diary.writing(f"renamed factor {old!r}") as session:
        before = factors.find(session, old, field="OLD").name
        found = factors.rename(session, old, new)
        journal.describe(session, f"renamed factor {before!r} to {found.name!r}")
        after = found.name
    click.echo(present.terminal(f"Factor {before!r} is now {after!r}. {diary.undo_hint}"))


@factor.command("remove")
@click.argument("name")
@pass_diary
def factor_remove(diary: Diary, name: str) -> None:
    """Stop asking about a factor and leave it out of insights (its values are kept)."""
    from cramplog import factors, journal, present

    with diary.writing(f"removed factor {name!r}") as session:
        found = factors.remove(session, name)
        journal.describe(session, f"removed factor {found.name!r}")
        shown = found.name
    click.echo(
        present.terminal(
            f"Removed factor {shown!r}; its recorded days are kept. Undo with: {diary.undo_command}"
        )
    )


COMMANDS = [factor]
