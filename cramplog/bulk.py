"""Many rows into the diary at once, in the caller's transaction: `demo --persons` writes a
study of a million rows with it.

`Ids` hands out each table's next ids, so that children can name their parents' ids before
anything is sent; `uids` makes the rows' random UUIDs; `insert_rows` sends one table's rows
(Core `insert(table)` executemany on SQLite, COPY on PostgreSQL); `fix_sequences` moves
PostgreSQL's id sequences past the ids written and gathers the tables' statistics.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

__all__ = ["Ids", "fix_sequences", "insert_rows", "uids"]


class Ids:
    """The next free id of each table, so that children can name their parents' ids."""

    def __init__(self, session: Session, tables: list[Table]) -> None:
        self.next: dict[str, int] = {}
        for table in tables:
            top = session.scalar(select(func.max(table.c.id)))
            self.next[table.name] = int(top or 0) + 1

    def take(self, table: str, n: int) -> np.ndarray:
        first = self.next[table]
        self.next[table] = first + n
        return np.arange(first, first + n)


def uids(n: int) -> list[str]:
    """`n` random (version 4) UUIDs as text, as models.new_uid makes them, five times faster:
    one read of the system's random source for all of them."""
    raw = bytearray(os.urandom(16 * n))
    raw[6::16] = bytes((b & 0x0F) | 0x40 for b in raw[6::16])  # version 4
    raw[8::16] = bytes((b & 0x3F) | 0x80 for b in raw[8::16])  # RFC 4122 variant
    h = raw.hex()
    return [
        f"{h[i : i + 8]}-{h[i + 8 : i + 12]}-{h[i + 12 : i + 16]}-{h[i + 16 : i + 20]}-"
        f"{h[i + 20 : i + 32]}"
        for i in range(0, 32 * n, 32)
    ]


def insert_rows(
    session: Session, table: Table, fixed: dict[str, Any], rows: list[dict[str, Any]]
) -> None:
    """Insert `rows` (each with `fixed` too) in the session's transaction.

    SQLite: Core `insert(table)` executemany (sqlite3's executemany). PostgreSQL: COPY through
    psycopg, each value converted by its column's own bind processor first (UTC instants
    stored naive, as UTCDateTime stores them). Measured for 40 people x 12 months on this
    machine: Core executemany (psycopg's pipelined statement per row) 5.1 s, SQLAlchemy's
    multi-row VALUES 10.9 s, COPY 2.2 s; a thousand people took 96-120 s the first way,
    at the 2-minute budget, hence COPY.
    """
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table).values(**fixed), rows)
        return
    dialect = session.get_bind().dialect

    def processor(name: str) -> Any:
        return table.c[name].type.bind_processor(dialect)

    names = list(rows[0])
    convert = [(i, f) for i, f in enumerate(processor(n) for n in names) if f is not None]
    constants = []
    for name, value in fixed.items():
        f = processor(name)
        constants.append(value if f is None or value is None else f(value))
    columns = ", ".join(dialect.identifier_preparer.quote(n) for n in [*names, *fixed])
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = [*row.values(), *constants]
                for i, f in convert:
                    if values[i] is not None:
                        values[i] = f(values[i])
                copy.write_row(values)
    finally:
        cursor.close()


def fix_sequences(session: Session, tables: list[Table]) -> None:
    """On PostgreSQL, move each id sequence past the ids written here (SQLite needs nothing:
    its next id is always the largest plus one), and gather the tables' statistics now, so
    that the first `cohort` after a bulk load is planned on them rather than on guesses."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in (table.name for table in tables):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {name}), 0) + 1, false)"
            )
        )
        session.execute(text(f"ANALYZE {name}"))
