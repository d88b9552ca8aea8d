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
    change = Change(summary=summary)
    session.add(change)
    session.info["journal"] = {"change": change, "rows": {}}
    event.listen(session, "after_flush", _after_flush)
    event.listen(session, "before_commit", _before_commit)
    return change


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
    # Whose entries the change wrote, when the command chose a person (cramplog.people).
    change.person_id = session.info.get("person_id")
    session.info["journal_rows"] = len(journal["rows"])
    if not journal["rows"]:
        if change in session.new:
            session.expunge(change)
        else:
            session.delete(change)
        return
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
