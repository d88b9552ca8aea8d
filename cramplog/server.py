"""What differs when the diary is on a database server (PostgreSQL) rather than in a file.

A server has no file to identify before writing, nor to copy: `columns` reads the catalogue
in one query for db.schema_version. cramplog's writers queue on a transaction-level advisory
lock (`begin`), exactly as SQLite's BEGIN IMMEDIATE makes them queue on a file, so a
read-then-write such as "is there a person yet?" cannot race; readers never wait for it. Its
errors are sorted into faults of the server (one line naming the cause) and a diary that does
not match this cramplog. Imported by cramplog.db; nothing here imports the driver.
"""

from __future__ import annotations

from sqlalchemy import Connection, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

# The advisory lock every cramplog writer on a PostgreSQL database holds for its transaction
# (an arbitrary constant: "cram" in ASCII). Advisory locks are per database.
PG_WRITE_LOCK = 0x6372616D
PG_LOCK_SQL = f"SELECT pg_advisory_xact_lock({PG_WRITE_LOCK})"


def begin(conn: object) -> None:
    # The same queue as SQLite's BEGIN IMMEDIATE: one writer at a time, readers free.
    if conn.get_execution_options().get("sqlite_begin") == "IMMEDIATE":  # type: ignore[attr-defined]
        conn.exec_driver_sql(PG_LOCK_SQL)  # type: ignore[attr-defined]


def columns(conn: Connection) -> list[tuple[str, str]]:
    """Every (table, column) of the schema the connection works in, in one query."""
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            text(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema()"
            )
        )
        return [(str(t), str(c)) for t, c in rows]
    from sqlalchemy import inspect

    found = inspect(conn)
    return [(t, c["name"]) for t in found.get_table_names() for c in found.get_columns(t)]


def first_line(orig: object) -> str:
    # psycopg's connection errors run over several lines; the first names the cause.
    return (str(orig).strip().splitlines() or [""])[0]


def fault(exc: DBAPIError) -> bool:
    """A database server that cannot be reached, refuses us, or is out of space or read-only.

    The statement was fine: another cramplog, or the same one later, would succeed. A
    missing table on a server says "relation ... does not exist", which is a damaged diary.
    """
    from sqlalchemy.exc import OperationalError

    if exc.connection_invalidated or isinstance(exc, OperationalError):
        return True
    lowered = str(exc.orig).lower()
    return "permission denied" in lowered or "read-only transaction" in lowered


def missing(lowered: str) -> bool:
    # PostgreSQL's words for SQLite's "no such table/column".
    return "does not exist" in lowered and (
        lowered.startswith("relation") or lowered.startswith("column")
    )


def advance_sequences_before_commit(session: Session) -> None:
    """Rows inserted with keys of their own (an import gives them up front) leave a PostgreSQL
    id sequence behind, and the next `log` would collide with them. Before this session
    commits, move each table's sequence past its largest id (never back: a key once handed
    out stays used). SQLite takes the largest id + 1 by itself: nothing to do there."""
    if session.get_bind().dialect.name != "postgresql":
        return

    def advance(session: Session) -> None:
        from cramplog.models import Base

        session.flush()
        for table in Base.metadata.sorted_tables:
            if "id" not in table.c:
                continue
            sequence = session.scalar(
                text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}
            )
            if sequence is not None:
                session.execute(
                    text(
                        f"SELECT setval(:s, GREATEST((SELECT MAX(id) FROM {table.name}), "
                        f"(SELECT last_value FROM {sequence})))"
                    ),
                    {"s": sequence},
                )

    event.listen(session, "before_commit", advance, once=True)
