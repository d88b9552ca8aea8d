"""A study's participants on one PostgreSQL diary, each seeing only their own rows.

`cramplog --person NAME db grant ROLE` lets the database role ROLE (made by the study's
administrator, with its own login) read and write NAME's entries and nothing else. The
database enforces it, not cramplog: PostgreSQL row-level security, one policy a table. A
participant's connection sees one person in the diary (so needs no --person), and a plain
`SELECT * FROM episode` on it returns that person's rows alone. The study (the tables' owner,
who runs `db grant`, `cohort` and migrations) is not subject to the policies.

Which person a role may see is a row of the diary's own `setting` table, key `role:ROLE`,
value the person's uid: participants may read their own such row but write no setting at all
(diary-wide thresholds are the study's), so no one can point their role at another person.

What a participant cannot do: change diary-wide settings (`config set --personal` works),
import files (an import sets id sequences, which needs more than USAGE), or migrate.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from cramplog.errors import InputError
from cramplog.models import Base, Person, Setting

ROLE_KEY = "role:"  # + role name: the setting row naming the person a role may see
_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")

# The person a connection's role may see; NULL (no row at all) for any other role.
_MINE = (
    "(SELECT p.id FROM person p JOIN setting s ON s.value = p.uid "
    f"WHERE s.key = '{ROLE_KEY}' || current_user)"
)
# Each table's rows that are the role's person's: by person_id, or through the parent row,
# whose own policy then applies inside the subquery.
_OWN_ROWS = {
    "person": f"uid = (SELECT value FROM setting WHERE key = '{ROLE_KEY}' || current_user)",
    "episode": f"person_id = {_MINE}",
    "night": f"person_id = {_MINE}",
    "day": f"person_id = {_MINE}",
    "shoe": f"person_id = {_MINE}",
    "factor": f"person_id = {_MINE}",
    "trial": f"person_id = {_MINE}",
    "medication": f"person_id = {_MINE}",
    "medication_alias": f"person_id = {_MINE}",
    "person_condition": f"person_id = {_MINE}",
    "person_setting": f"person_id = {_MINE}",
    "change": f"person_id = {_MINE}",
    "day_shoe": "day_id IN (SELECT id FROM day)",
    "day_factor": "day_id IN (SELECT id FROM day)",
    "dose": "medication_id IN (SELECT id FROM medication)",
    "change_row": "change_id IN (SELECT id FROM change)",
}
READ_ONLY = ("setting", "alembic_version")


def check_role(role: str) -> str:
    name = role.strip()
    if not _ROLE.fullmatch(name):
        raise InputError(
            "ROLE",
            f"{role!r} is not a plain role name",
            "lower-case letters, digits and _, starting with a letter, e.g. p017",
        )
    return name


def secure(session: Session) -> None:
    """Turn on row-level security with cramplog's policies (again, harmlessly)."""
    missing = set(Base.metadata.tables) - set(_OWN_ROWS) - set(READ_ONLY)
    # A table added by a later migration must say here whose rows it holds, or it would be
    # left open (or closed) without anyone deciding.
    assert not missing, f"no row policy for {sorted(missing)}"
    for table, own in _OWN_ROWS.items():
        session.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
        session.execute(text(f"DROP POLICY IF EXISTS cramplog_own ON {table}"))
        session.execute(text(f"CREATE POLICY cramplog_own ON {table} USING ({own})"))
    session.execute(text("ALTER TABLE setting ENABLE ROW LEVEL SECURITY"))
    session.execute(text("DROP POLICY IF EXISTS cramplog_read ON setting"))
    session.execute(
        text(
            "CREATE POLICY cramplog_read ON setting FOR SELECT "
            f"USING (key NOT LIKE '{ROLE_KEY}%' OR key = '{ROLE_KEY}' || current_user)"
        )
    )


def require_server(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        raise InputError(
            "db grant",
            "roles and row-level security are a database server's",
            "a PostgreSQL diary (--db postgresql+psycopg://...); a diary file is kept "
            "private by its file mode",
        )


def grant(session: Session, role: str, who: Person) -> None:
    """Let `role` read and write `who`'s entries, and see nothing of anyone else's."""
    require_server(session)
    name = check_role(role)
    exists = session.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": name})
    if not exists:
        raise InputError(
            "ROLE",
            f"there is no database role {name!r}",
            f"a role made first by the administrator: CREATE ROLE {name} LOGIN",
        )
    taken = session.get(Setting, ROLE_KEY + name)
    if taken is not None and taken.value != who.uid:
        raise InputError("ROLE", f"{name} is already another person's role", "a new role")
    secure(session)
    writable = ", ".join(_OWN_ROWS)
    session.execute(text("GRANT USAGE ON SCHEMA " + _schema(session) + f" TO {name}"))
    session.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {writable} TO {name}"))
    session.execute(text(f"GRANT SELECT ON {', '.join(READ_ONLY)} TO {name}"))
    session.execute(text(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {_schema(session)} TO {name}"))
    if taken is None:
        session.add(Setting(key=ROLE_KEY + name, value=who.uid))


def _schema(session: Session) -> str:
    found = str(session.scalar(text("SELECT current_schema()")))
    return '"' + found.replace('"', '""') + '"'
