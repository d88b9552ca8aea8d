"""Models and migrations agree, and the code knows the newest migration."""

from __future__ import annotations

from pathlib import Path

from alembic import command

from cramplog import migrate
from cramplog.db import SCHEMA_HEAD, make_engine, open_engine


def test_schema_head_constant_is_the_newest_migration() -> None:
    assert migrate.head_revision() == SCHEMA_HEAD


def test_models_and_migrations_agree(db_path: Path) -> None:
    engine = open_engine(f"sqlite:///{db_path}")
    migrate.check(engine)  # raises if autogenerate would write a new migration


def test_every_migration_downgrades_and_upgrades_again(db_path: Path) -> None:
    engine = make_engine(f"sqlite:///{db_path}")
    cfg = migrate.alembic_config(engine)
    command.upgrade(cfg, "head")
    command.downgrade(cfg, "base")
    command.upgrade(cfg, "head")
    assert migrate.current_revision(engine) == SCHEMA_HEAD


def test_migrations_ship_inside_the_package() -> None:
    location = Path(migrate.script_location())
    assert (location / "env.py").exists()
    assert any(location.glob("versions/0001_*.py"))
