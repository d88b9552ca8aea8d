"""The undo journal: every command's writes, with what each row looked like before.

A command calls `track(session, summary)` once; from then on every flush in that session records,
for each row it inserts, updates or deletes, the row's image before the change (NULL for an
insert). `undo` replays those images backwards in one transaction. Being generic over the
mapper, it covers every table without each command writing its own inverse.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, delete, event, insert, inspect, or_, select, update
from sqlalchemy.orm import Session

from cramplog.errors import InputError
from cramplog.models import Base, Change, ChangeRow, utcnow

_UNTRACKED = {"change", "change_row"}


def track(session: Session, summary: str) -> Change:
    """Start journaling this session's writes under one undoable change."""
    # Added to the session only at commit, once it is known whose change it is: a database
    # whose row policies check person_id (cramplog.access) refuses a change row without it.
    change = Change(summary=summary, at=utcnow())
    session.info["journal"] = {"change": change, "rows": {}}
    event.listen(session, "after_flush", _after_flush)
    event.listen(session, "before_commit", _before_commit)
    return change


def diary_wide(session: Session) -> None:
    """Journal this command's change as the diary's, not the chosen person's: it is undone by
    whoever undoes next, and never by a participant's own connection (cramplog.access)."""
    session.info["diary_wide"] = True


def belongs_to(session: Session, person_id: int) -> None:
    """Journal this command's change as that person's (`person add/rename/remove` of them):
    theirs to undo, not whoever else undoes next."""
    session.info["journal_person"] = person_id


def describe(session: Session, summary: str) -> None:
    """Say what the change did, once its details (an ID, a night) are known."""
    session.info["journal"]["change"].summary = summary


def _key(obj: Any) -> str:
    # identity is not assigned yet for rows inserted in this flush; the mapper reads the key off
    # the instance either way.
    return json.dumps(list(inspect(obj).mapper.primary_key_from_instance(obj)))


def _image(obj: Any, *, before: bool) -> str:
    state = inspect(obj)
    values: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        column = attr.columns[0]
        value = getattr(obj, attr.key)
        if before:
            history = state.attrs[attr.key].history
            if history.deleted:
                value = history.deleted[0]
        values[column.name] = value
    return json.dumps(values, default=_to_json)


def _to_json(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot journal {type(value).__name__}")


def _after_flush(session: Session, flush_context: Any) -> None:
    journal = session.info.get("journal")
    if journal is None:
        return
    rows: dict[tuple[str, str], str | None] = journal["rows"]
    # The first image of a row wins: it is the state before this command touched it.
    for obj in session.new:
        table = obj.__table__.name
        if table not in _UNTRACKED:
            rows.setdefault((table, _key(obj)), None)
    for obj in session.dirty:
        table = obj.__table__.name
        if table not in _UNTRACKED and session.is_modified(obj, include_collections=False):
            rows.setdefault((table, _key(obj)), _image(obj, before=True))
    for obj in session.deleted:
        table = obj.__table__.name
        if table not in _UNTRACKED:
            rows.setdefault((table, _key(obj)), _image(obj, before=True))


def _before_commit(session: Session) -> None:
    journal = session.info.pop("journal", None)
    if journal is None:
        return
    # Flush so the last writes are journaled too; with the journal popped, the flush that
    # writes the ChangeRows below is not journaled itself.
    session.info["journal"] = journal
    session.flush()
    session.info.pop("journal")
    change: Change = journal["change"]
    # Whose entries the change wrote, when the command chose a person (cramplog.people);
    # a command that changes the diary as a whole says so with diary_wide().
    if "journal_person" in session.info:
        change.person_id = session.info["journal_person"]
    elif not session.info.get("diary_wide"):
        change.person_id = session.info.get("person_id")
    session.info["journal_rows"] = len(journal["rows"])
    if not journal["rows"]:
        return
    session.add(change)
    session.flush()
    # One executemany for all of them (an import journals thousands of rows); ORM objects would
    # each ask SQLite for their key back, a statement per row.
    session.execute(
        insert(ChangeRow),
        [
            {
                "change_id": change.id,
                "seq": seq,
                "table_name": table,
                "row_key": key,
                "before": image,
            }
            for seq, ((table, key), image) in enumerate(journal["rows"].items())
        ],
    )


def last_change(session: Session) -> Change | None:
    """The newest change not undone of this session's person, or of the diary as a whole: one
    person's `undo` never takes back another person's change."""
    from cramplog import people

    query = select(Change).where(Change.undone_at.is_(None))
    pid = people.current_id(session)
    if pid is not None:
        query = query.where(or_(Change.person_id == pid, Change.person_id.is_(None)))
    return session.scalars(query.order_by(Change.id.desc()).limit(1)).first()


def _from_json(column: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, DateTime) or isinstance(
        getattr(column.type, "impl", None), DateTime
    ):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


def undo(session: Session) -> Change | None:
    """Put back every row the most recent change touched. Returns that change, or None."""
    change = last_change(session)
    if change is None:
        return None
    rows = list(reversed(change.rows))
    _refuse_when_a_later_change_touched_the_same_rows(session, change)
    _refuse_to_take_a_person_with_entries(session, change, rows)
    if session.get_bind().dialect.name == "sqlite":
        # Rows come back in reverse order of the change, which need not be parent-first.
        session.connection().exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    else:
        rows = _parents_first(rows)
    for row in rows:
        table = Base.metadata.tables[row.table_name]
        pk_cols = list(table.primary_key.columns)
        where = [col == val for col, val in zip(pk_cols, json.loads(row.row_key), strict=True)]
        if row.before is None:
            session.execute(delete(table).where(*where))
            continue
        values = {
            name: _from_json(table.c[name], value) for name, value in json.loads(row.before).items()
        }
        exists = session.execute(select(pk_cols[0]).where(*where)).first() is not None
        if exists:
            session.execute(update(table).where(*where).values(**values))
        else:
            session.execute(insert(table).values(**values))
    change.undone_at = utcnow()
    session.flush()
    session.expire_all()  # ORM objects loaded earlier must not show the undone state
    return change


def _refuse_when_a_later_change_touched_the_same_rows(session: Session, change: Change) -> None:
    """Undo goes back one change at a time, newest first, within one person's changes; in a
    diary of several people that is not newest first overall. A later change of someone else
    may have touched a row this one touched (a diary-wide setting, or a row id SQLite handed
    out again after this change deleted its row): putting back this change's images would
    overwrite theirs. Refused instead, naming that change, which must be undone first."""
    from sqlalchemy import and_, exists

    from cramplog.models import Person

    mine = ChangeRow.__table__.alias("mine")
    later = (
        select(Change)
        .join(ChangeRow, ChangeRow.change_id == Change.id)
        .where(
            Change.id > change.id,
            Change.undone_at.is_(None),
            exists().where(
                and_(
                    mine.c.change_id == change.id,
                    mine.c.table_name == ChangeRow.table_name,
                    mine.c.row_key == ChangeRow.row_key,
                )
            ),
        )
        .order_by(Change.id.desc())
        .limit(1)
    )
    found = session.scalars(later).first()
    if found is None:
        return
    who = session.get(Person, found.person_id) if found.person_id is not None else None
    whose = f"{who.name}'s" if who is not None else "the diary's"
    local = found.at.astimezone()
    raise InputError(
        "undo",
        f"a later change, {whose} {found.summary!r} (from {local:%d %b %H:%M}), touched the "
        "same entry, so this one cannot be taken back without overwriting it",
        "undo that change first"
        + (f": cramplog --person {who.name!r} undo" if who is not None else ""),
    )


def _refuse_to_take_a_person_with_entries(
    session: Session, change: Change, rows: list[ChangeRow]
) -> None:
    """Undoing `person add` deletes the person; with entries of their own since (any later
    change that is theirs and not undone), the delete would cascade to those. `person remove`
    keeps them, so that is what to type instead."""
    from cramplog.models import Person

    for row in rows:
        if row.table_name != "person" or row.before is not None:
            continue
        (pid,) = json.loads(row.row_key)
        later = session.scalars(
            select(Change.id)
            .where(Change.person_id == pid, Change.id != change.id, Change.undone_at.is_(None))
            .limit(1)
        ).first()
        if later is not None:
            who = session.get(Person, pid)
            name = who.name if who is not None else "that person"
            raise InputError(
                "undo",
                f"the last change added {name}, who has entries of their own since",
                f"cramplog person remove {name!r} (which keeps their entries)",
            )


def _parents_first(rows: list[ChangeRow]) -> list[ChangeRow]:
    """The undo order for a database that checks foreign keys at every statement (PostgreSQL,
    whose constraints cannot be deferred): first take away the rows the change created,
    children before parents, then put back the rows it changed or deleted, parents before
    children. Within a table the reverse order of the change is kept; deleting first also
    frees a unique key (a night's mark) before the row that held it comes back."""
    order = {table.name: i for i, table in enumerate(Base.metadata.sorted_tables)}
    created = [r for r in rows if r.before is None]
    restored = [r for r in rows if r.before is not None]
    created.sort(key=lambda r: -order[r.table_name])  # sort is stable: reverse order kept
    restored.sort(key=lambda r: order[r.table_name])
    return created + restored
