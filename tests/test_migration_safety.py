"""Migrations cannot lose rows.

A batch-mode rebuild of `person` (how SQLite alters a column) drops and re-creates the table;
with foreign keys on, every child row would cascade away. These tests run such a rebuild on a
realistic diary and compare every table row by row, and upgrade a filled diary made at each
revision's predecessor to that revision, comparing every table.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config

from cramplog import migrate
from cramplog.db import SCHEMA_HEAD, make_engine

REBUILD_PERSON = '''"""throwaway: rebuild person in batch mode

Revision ID: 9999
Revises: {head}
"""
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("person", recreate="always") as batch_op:
        batch_op.alter_column("name", type_=sa.String(120), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("person", recreate="always") as batch_op:
        batch_op.alter_column("name", type_=sa.String(100), existing_nullable=False)
'''


def every_table(path: Path) -> dict[str, list[tuple]]:
    with closing(sqlite3.connect(path)) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name != 'alembic_version' "
                "ORDER BY 1"
            )
        ]
        return {n: conn.execute(f'SELECT * FROM "{n}" ORDER BY 1').fetchall() for n in names}


def columns(path: Path, table: str) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


@pytest.fixture
def realistic(cli, tmp_path: Path) -> Path:
    """A demo diary (3 months) with shoes, medicines, doses, conditions and an undo journal."""
    path = tmp_path / "realistic.db"
    assert cli("demo", "--db-path", str(path), "--months", "3").exit_code == 0
    for args in (
        ("profile", "set", "--birth-year", "1948", "--condition", "diabetes"),
        ("meds", "add", "salbutamol", "--as-needed"),
        ("meds", "take", "salbutamol"),
        ("log", "4", "--at", "03:00", "--site", "toes", "--note", "cold feet 🦶"),
        ("delete", "1"),
    ):
        assert cli("--db", str(path), *args).exit_code == 0, args
    counts = {t: len(rows) for t, rows in every_table(path).items()}
    for table in ("episode", "night", "day", "shoe", "day_shoe", "medication", "dose", "change"):
        assert counts[table] > 0, table
    return path


def _scripts_with_rebuild(tmp_path: Path) -> Config:
    location = tmp_path / "migrations"
    shutil.copytree(migrate.script_location(), location)
    (location / "versions" / "9999_rebuild_person.py").write_text(
        REBUILD_PERSON.format(head=SCHEMA_HEAD)
    )
    return location


def test_a_batch_rebuild_of_person_keeps_every_row_of_every_table(
    realistic: Path, tmp_path: Path
) -> None:
    before = every_table(realistic)
    engine = make_engine(f"sqlite:///{realistic}")
    cfg = migrate.alembic_config(engine)
    cfg.set_main_option("script_location", str(_scripts_with_rebuild(tmp_path)))
    command.upgrade(cfg, "9999")
    engine.dispose()
    assert every_table(realistic) == before
    with closing(sqlite3.connect(realistic)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "9999"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        person_sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'person'").fetchone()[
            0
        ]
    assert "VARCHAR(120)" in person_sql  # the rebuild really happened


def test_the_same_rebuild_with_foreign_keys_on_would_have_emptied_the_diary(
    realistic: Path,
) -> None:
    """Why env.py turns foreign keys off: the hazard is real, not hypothetical."""
    with closing(sqlite3.connect(realistic)) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("CREATE TABLE person_new AS SELECT * FROM person")
        conn.execute("DROP TABLE person")  # what a batch rebuild does first
        assert conn.execute("SELECT COUNT(*) FROM episode").fetchone()[0] == 0


def test_a_migration_that_breaks_links_changes_nothing(realistic: Path, tmp_path: Path) -> None:
    location = _scripts_with_rebuild(tmp_path)
    broken = REBUILD_PERSON.format(head=SCHEMA_HEAD).replace(
        '    with op.batch_alter_table("person", recreate="always") as batch_op:\n'
        '        batch_op.alter_column("name", type_=sa.String(120), existing_nullable=False)\n',
        '    op.execute("DELETE FROM person")\n',
        1,
    )
    (location / "versions" / "9999_rebuild_person.py").write_text(broken)
    before = every_table(realistic)
    engine = make_engine(f"sqlite:///{realistic}")
    cfg = migrate.alembic_config(engine)
    cfg.set_main_option("script_location", str(location))
    with pytest.raises(Exception, match="broken links"):
        command.upgrade(cfg, "9999")
    engine.dispose()
    assert every_table(realistic) == before
    with closing(sqlite3.connect(realistic)) as conn:
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert version == SCHEMA_HEAD


def _revisions() -> list[tuple[str, str]]:
    """(revision, the revision before it) for every migration that has a predecessor."""
    pairs = []
    for script in migrate.scripts().walk_revisions():
        if script.down_revision is not None:
            pairs.append((script.revision, str(script.down_revision)))
    return sorted(pairs)


@pytest.mark.parametrize(("revision", "previous"), _revisions())
def test_each_migration_upgrades_a_filled_diary_of_the_revision_before_it(
    realistic: Path, revision: str, previous: str
) -> None:
    engine = make_engine(f"sqlite:///{realistic}")
    cfg = migrate.alembic_config(engine)
    command.downgrade(cfg, previous)
    made_at_previous = every_table(realistic)
    old_columns = {t: columns(realistic, t) for t in made_at_previous}
    command.upgrade(cfg, revision)
    engine.dispose()
    after = every_table(realistic)
    assert set(made_at_previous) <= set(after), "a table vanished"
    for table, rows in made_at_previous.items():
        new_columns = columns(realistic, table)
        keep = [new_columns.index(c) for c in old_columns[table]]
        assert [tuple(r[i] for i in keep) for r in after[table]] == rows, table


def test_upgrading_an_old_diary_through_the_cli_keeps_every_row(cli, realistic: Path) -> None:
    engine = make_engine(f"sqlite:///{realistic}")
    command.downgrade(migrate.alembic_config(engine), "0001")
    engine.dispose()
    before = every_table(realistic)
    r = cli("--db", str(realistic), "db", "upgrade")
    assert r.exit_code == 0 and f"-> {SCHEMA_HEAD}" in r.output and "Backup:" in r.output
    after = every_table(realistic)
    # Tables that later revisions add start empty; every table that was there keeps its rows.
    assert {t: len(after[t]) for t in before} == {t: len(v) for t, v in before.items()}
    assert all(not after[t] for t in after.keys() - before.keys())
    assert every_table(Path(r.output.split("Backup: ")[1].strip())) == before
