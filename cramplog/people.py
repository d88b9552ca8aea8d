"""Whose diary: the people one diary holds, and the scope that keeps each one's entries apart.

A caregiver keeps her father's diary and her own in one file; a study keeps a thousand people
in one PostgreSQL database. Every command works on one person, chosen by `--person NAME` (or
CRAMPLOG_PERSON, or `person default NAME`); a diary of one person needs no choice, and a diary
of several refuses a command without one, naming the choices.

The scope is not left to each query remembering a `WHERE person_id = ...`: `scope(session,
choice)` installs a hook that adds that criterion to every ORM SELECT of a person's table
(SQLAlchemy's `with_loader_criteria`), and to the tables below them (a day's shoes, a
medicine's doses) through their parent. Writes take the person from `current()`. A query that
must see everyone (`cohort`, `person list`) says so with the execution option
`{"all_persons": True}`, or reads Core tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from cramplog import config, text
from cramplog.errors import InputError
from cramplog.models import (
    Day,
    DayFactor,
    DayShoe,
    Dose,
    Episode,
    Factor,
    Medication,
    MedicationAlias,
    NightRecord,
    Person,
    PersonCondition,
    PersonSetting,
    Setting,
    Shoe,
    Trial,
    utcnow,
)

ALL = {"all_persons": True}  # execution options of a query that reads every person's rows
DEFAULT_KEY = config.DEFAULT_PERSON_KEY
DEFAULT_NAME = "me"  # the person a new diary starts with
NAME_MAX = 100  # the width of person.name

# Tables with a person_id of their own.
OWNED = (
    Episode,
    NightRecord,
    Day,
    Shoe,
    Factor,
    Trial,
    Medication,
    MedicationAlias,
    PersonCondition,
    PersonSetting,
)

_SCOPED = frozenset((*OWNED, DayShoe, DayFactor, Dose))


def scope(session: Session, choice: str | None) -> None:
    """Keep this session to one person: the one `choice` names, else the only or default one.

    Nothing is looked up yet: the person is found on the first query that needs them, so
    commands that read no one's entries (`person list`, `config show`) never need a choice.
    """
    session.info["person_choice"] = (choice or "").strip() or None
    if not session.info.get("person_scoped"):
        event.listen(session, "do_orm_execute", _add_criteria)
        session.info["person_scoped"] = True


def _add_criteria(state: ORMExecuteState) -> None:
    if not state.is_select or state.is_relationship_load:
        return  # a relationship loads below a parent that was already in scope
    if state.execution_options.get("all_persons"):
        return
    if not any(m.class_ in _SCOPED for m in state.all_mappers):
        return  # the person, settings, the journal: the diary's own, not one person's
    pid = current_id(state.session)
    options = state.session.info.get("person_criteria")
    if options is None or pid is None:
        options = _criteria(-1 if pid is None else pid)  # -1: an empty diary, nobody's rows
        if pid is not None:
            state.session.info["person_criteria"] = options  # the person is fixed from now on
    state.statement = state.statement.options(*options)


def _criteria(pid: int) -> list[Any]:
    """The loader options that keep a SELECT to person `pid`'s rows."""
    days = select(Day.id).where(Day.person_id == pid).scalar_subquery()
    meds = select(Medication.id).where(Medication.person_id == pid).scalar_subquery()
    return [
        *(
            with_loader_criteria(model, model.person_id == pid, include_aliases=True)
            for model in OWNED
        ),
        with_loader_criteria(DayShoe, DayShoe.day_id.in_(days), include_aliases=True),
        with_loader_criteria(DayFactor, DayFactor.day_id.in_(days), include_aliases=True),
        with_loader_criteria(Dose, Dose.medication_id.in_(meds), include_aliases=True),
    ]


def active(session: Session) -> list[Person]:
    """Everyone in the diary who is not removed, in the order they were added."""
    query = select(Person).where(Person.removed_at.is_(None)).order_by(Person.id)
    return list(session.scalars(query, execution_options=ALL))


def current_id(session: Session) -> int | None:
    """The id of the person this session works on, or None when the diary has no one yet."""
    found = current(session, create=False)
    return found.id if found is not None else None


def current(session: Session, *, create: bool = True) -> Person | None:
    """The person this session works on; on a diary's first write, "me" (or the --person name).

    InputError when --person names no one, or names several, or when the diary holds several
    people and nothing chooses one.
    """
    pid = session.info.get("person_id")
    if pid is not None:
        return session.get(Person, pid)
    choice = session.info.get("person_choice")
    people = active(session)
    if choice is not None and people:
        found = find(people, choice, "--person")
    elif len(people) == 1:
        found = people[0]
    elif people:
        found = _default(session, people)
    elif not create:
        return None
    else:
        found = Person(name=text.check_text("--person", choice or DEFAULT_NAME, NAME_MAX))
        session.add(found)
        session.flush()
    session.info["person_id"] = found.id
    session.info["people_count"] = max(len(people), 1)
    return found


def several(session: Session) -> bool:
    """Whether the person this session resolved shares the diary with others."""
    return int(session.info.get("people_count", 0)) > 1


def _default(session: Session, people: Sequence[Person]) -> Person:
    uid = default_uid(session)
    for who in people:
        if uid is not None and who.uid == uid:
            return who
    raise InputError(
        "--person",
        f"this diary holds {len(people)} people, so say whose entries these are",
        f"--person NAME (or CRAMPLOG_PERSON, or: cramplog person default NAME), one of: "
        f"{choices(people)}",
    )


CHOICES_SHOWN = 8  # a study's thousand names do not fit one line


def choices(people: Sequence[Person]) -> str:
    """The people to choose from, in one line: the first few, then how many more."""
    names = ", ".join(repr(p.name) if " " in p.name else p.name for p in people[:CHOICES_SHOWN])
    more = len(people) - CHOICES_SHOWN
    return names + (f" and {more} more (cramplog person list)" if more > 0 else "")


def find(people: Sequence[Person], name: str, field: str) -> Person:
    """The one person `name` means: the whole name in any case, else a unique beginning."""
    from cramplog import words

    meant = [people[i] for i in words.names_meant([p.name for p in people], name)]
    if len(meant) == 1:
        return meant[0]
    if meant:
        raise InputError(
            field, f"{name!r} could be {choices(meant)}", "more of the name, or all of it"
        )
    raise InputError(
        field,
        f"no one called {name!r} in this diary",
        f"one of: {choices(people)} (or add them: cramplog person add NAME)",
        hint=words.did_you_mean(name, [p.name for p in people]),
    )


# --- the `person` commands' operations ----------------------------------------------------------


def clean_name(name: str, field: str = "NAME") -> str:
    return " ".join(text.check_text(field, name, NAME_MAX).split())


def check_name_free(
    people: Sequence[Person], name: str, field: str, but: Person | None = None
) -> None:
    for p in people:
        if p is not but and p.name.casefold() == name.casefold():
            raise InputError(field, f"{p.name!r} is already in this diary", "a different name")


def add(session: Session, name: str, birth_year: int | None = None) -> Person:
    """Add a person. The first person added to an empty diary is its only one."""
    from cramplog import diary

    if birth_year is not None:
        diary.check_birth_year(birth_year)
    clean = clean_name(name)
    check_name_free(active(session), clean, "NAME")
    for gone in removed(session):
        if gone.name.casefold() == clean.casefold():
            raise InputError(
                "NAME",
                f"{gone.name} was removed from this diary, with their entries kept",
                f"bring them back: cramplog person restore {gone.name!r}",
            )
    who = Person(name=clean, birth_year=birth_year)
    session.add(who)
    session.flush()
    return who


def rename(session: Session, old: str, new: str) -> tuple[str, Person]:
    people = active(session)
    who = find(people, old, "NAME")
    clean = clean_name(new, "NEW_NAME")
    check_name_free(people, clean, "NEW_NAME", but=who)
    before, who.name = who.name, clean
    return before, who


def remove(session: Session, name: str) -> Person:
    """Soft-remove a person: their entries stay in the file, out of every choice; undoable."""
    people = active(session)
    who = find(people, name, "NAME")
    if len(people) == 1:
        raise InputError(
            "NAME",
            f"{who.name} is the only person in this diary",
            "rename them instead: cramplog person rename OLD NEW",
        )
    who.removed_at = utcnow()
    default = session.get(Setting, DEFAULT_KEY)
    if default is not None and default.value == who.uid:
        session.delete(default)
    return who


def removed(session: Session) -> list[Person]:
    query = select(Person).where(Person.removed_at.is_not(None)).order_by(Person.id)
    return list(session.scalars(query, execution_options=ALL))


def restore(session: Session, name: str) -> Person:
    """Bring a removed person back, with every entry they had."""
    gone = removed(session)
    if not gone:
        raise InputError("NAME", "no one has been removed from this diary", "cramplog person list")
    who = find(gone, name, "NAME")
    check_name_free(active(session), who.name, "NAME")
    who.removed_at = None
    return who


def set_default(session: Session, name: str) -> Person:
    who = find(active(session), name, "NAME")
    row = session.get(Setting, DEFAULT_KEY)
    if row is None:
        session.add(Setting(key=DEFAULT_KEY, value=who.uid))
    else:
        row.value = who.uid
    return who


def default_uid(session: Session) -> str | None:
    row = session.get(Setting, DEFAULT_KEY)
    return row.value if row is not None else None
