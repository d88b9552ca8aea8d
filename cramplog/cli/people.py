"""`person add/list/rename/remove/default`: the people one diary holds (a caregiver's family, a
study's participants). Which one a command works on: `--person NAME` or CRAMPLOG_PERSON."""

from __future__ import annotations

import json
from typing import Any

import click

from cramplog.cli import Diary, pass_diary


@click.group()
def person() -> None:
    """The people in this diary, for keeping several people's diaries in one file.

    \b
    Add someone:      cramplog person add "Frank Miller" --birth-year 1941
    Log for them:     cramplog --person Frank log 7 --at 03:10 --site toes
    Who is here:      cramplog person list
    Without --person: cramplog person default Frank
    Removed by mistake: cramplog person restore Frank
    A diary of one person needs no --person; with several, each command says whose.
    """


@person.command("add")
@click.argument("name")
@click.option("--birth-year", type=int, help="e.g. 1941: the age shown on their packet.")
@pass_diary
def person_add(diary: Diary, name: str, birth_year: int | None) -> None:
    """Add a person to this diary."""
    from cramplog import journal, people
    from cramplog.words import as_typed

    with diary.writing("added a person") as session:
        who = people.add(session, name, birth_year)
        journal.describe(session, f"added person {who.name!r}")
        journal.belongs_to(session, who.id)
        shown, count = who.name, len(people.active(session))
    click.echo(f"Added {shown}. {diary.undo_hint}")
    if count > 1:
        click.echo(
            f"This diary now holds {count} people: say whose entries with "
            f"cramplog --person {as_typed(shown)} ... (or CRAMPLOG_PERSON, or: cramplog person "
            "default NAME)."
        )


@person.command("list")
@click.option("--removed", is_flag=True, help="Include removed people.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_diary
def person_list(diary: Diary, removed: bool, as_json: bool) -> None:
    """Who is in this diary, how much each has logged, and who is the default."""
    with diary.reading() as session:
        rows = _listing(session, removed)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo('No one yet. Add someone: cramplog person add "NAME", or just log a cramp.')
        return
    from cramplog import present

    for r in rows:
        marks = [m for m, on in (("default", r["default"]), ("removed", r["removed"])) if on]
        born = f", born {r['birth_year']}" if r["birth_year"] else ""
        logged = present.count(r["nights_logged"], "night") + " logged"
        if r["last_night"]:
            logged += f", the last {present.day(r['last_night'])}"
        mark = f"  ({', '.join(marks)})" if marks else ""
        click.echo(f"{present.terminal(r['name'])}{born}: {logged}{mark}")


def _listing(session: Any, removed: bool) -> list[dict[str, Any]]:
    """Each person with their logged nights, in one grouped query per table."""
    from sqlalchemy import func, select, union

    from cramplog import people
    from cramplog.models import Episode, NightRecord, Person

    query = select(Person).order_by(Person.id)
    if not removed:
        query = query.where(Person.removed_at.is_(None))
    everyone = list(session.scalars(query, execution_options=people.ALL))
    nights = union(
        select(Episode.person_id, Episode.night).where(Episode.deleted_at.is_(None)),
        select(NightRecord.person_id, NightRecord.night),
    ).subquery()
    counts = {
        pid: (n, last)
        for pid, n, last in session.execute(
            select(nights.c.person_id, func.count(), func.max(nights.c.night)).group_by(
                nights.c.person_id
            ),
            execution_options=people.ALL,
        )
    }
    default = people.default_uid(session)
    rows = []
    for who in everyone:
        n, last = counts.get(who.id, (0, None))
        rows.append(
            {
                "name": who.name,
                "uid": who.uid,
                "birth_year": who.birth_year,
                "nights_logged": n,
                "last_night": str(last) if last else None,
                "default": who.uid == default or len(everyone) == 1,
                "removed": who.removed_at is not None,
            }
        )
    return rows


@person.command("rename")
@click.argument("old")
@click.argument("new")
@pass_diary
def person_rename(diary: Diary, old: str, new: str) -> None:
    """Rename a person (their entries stay theirs)."""
    from cramplog import journal, people

    with diary.writing("renamed a person") as session:
        before, who = people.rename(session, old, new)
        journal.describe(session, f"renamed person {before!r} to {who.name!r}")
        journal.belongs_to(session, who.id)
        after = who.name
    click.echo(f"Renamed {before} to {after}. {diary.undo_hint}")


@person.command("remove")
@click.argument("name")
@pass_diary
def person_remove(diary: Diary, name: str) -> None:
    """Remove a person from every choice. Their entries stay in the file; undo brings them back."""
    from cramplog import journal, people

    with diary.writing("removed a person") as session:
        who = people.remove(session, name)
        journal.describe(session, f"removed person {who.name!r}")
        journal.belongs_to(session, who.id)
        shown = who.name
    click.echo(f"Removed {shown}; their entries stay in the file. {diary.undo_hint}")


@person.command("restore")
@click.argument("name")
@pass_diary
def person_restore(diary: Diary, name: str) -> None:
    """Bring back a removed person, with all their entries."""
    from cramplog import journal, people

    with diary.writing("restored a person") as session:
        who = people.restore(session, name)
        journal.describe(session, f"restored person {who.name!r}")
        journal.belongs_to(session, who.id)
        shown = who.name
    click.echo(f"{shown} is back, with their entries. {diary.undo_hint}")


@person.command("default")
@click.argument("name")
@pass_diary
def person_default(diary: Diary, name: str) -> None:
    """Whose entries a command means when it names no one (--person still wins)."""
    from cramplog import journal, people

    with diary.writing("chose the default person") as session:
        who = people.set_default(session, name)
        journal.describe(session, f"made {who.name!r} the default person")
        journal.diary_wide(session)
        shown = who.name
    click.echo(f"Commands without --person now mean {shown}. {diary.undo_hint}")


COMMANDS = [person]
