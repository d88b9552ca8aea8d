"""Alembic environment: used by cramplog itself (db.open_engine, `cramplog db upgrade`) and by
developers running `alembic` from the repository root.

SQLite cannot ALTER most things, so migrations run in batch mode (copy-and-move tables).
"""

from alembic import context
from sqlalchemy import engine_from_config, pool

from cramplog.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        if not config.get_main_option("sqlalchemy.url"):
            from cramplog.config import database_url

            config.set_main_option("sqlalchemy.url", database_url(None))
        engine = engine_from_config(
            config.get_section(config.config_ini_section, {}),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
