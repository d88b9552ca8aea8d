"""Alembic environment: used by cramplog itself (db.open_engine, `cramplog db upgrade`) and by
developers running `alembic` from the repository root.

SQLite cannot ALTER most things, so migrations run in batch mode (copy-and-move tables). A batch
rebuild drops and re-creates a table; were foreign keys on, dropping `person` would cascade and
empty every child table without a word. So on SQLite every upgrade runs with foreign keys OFF,
all its migrations in one transaction, and `PRAGMA foreign_key_check` must come back empty
before that transaction commits: an upgrade either keeps every row and every link, or changes
nothing.

PostgreSQL alters tables in place (batch mode rebuilds nothing there) and its DDL is
transactional, with foreign keys enforced at every statement: the one transaction alone gives
the same guarantee, so none of the SQLite steps run there. It does take cramplog's write lock
first (cramplog.server.PG_LOCK_SQL): two processes starting on an empty database upgrade it
once, the second finding it current.
"""

from alembic import context
from sqlalchemy import Connection, engine_from_config, pool

from cramplog.models import Base

config = context.config
target_metadata = Base.metadata


class ForeignKeyCheckFailed(RuntimeError):
    """A migration left rows pointing at rows that are not there; nothing was committed."""


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _set_sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    # The pragma is a no-op inside a transaction, so it goes to the driver connection directly,
    # which cramplog keeps in autocommit mode (db._sqlite_pragmas) until BEGIN is issued.
    raw = connection.connection.dbapi_connection
    assert raw is not None
    raw.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def _check_foreign_keys(connection: Connection) -> None:
    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        tables = sorted({str(row[0]) for row in problems})
        raise ForeignKeyCheckFailed(
            f"the upgrade would leave {len(problems)} rows with broken links "
            f"(tables: {', '.join(tables)})"
        )


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
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _set_sqlite_foreign_keys(connection, on=False)
            connection = connection.execution_options(sqlite_begin="IMMEDIATE")
        try:
            # One transaction for the whole upgrade, owned here: Alembic sees an external
            # transaction and leaves it alone.
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    from cramplog.server import PG_LOCK_SQL

                    connection.exec_driver_sql(PG_LOCK_SQL)
                context.configure(
                    connection=connection,
                    target_metadata=target_metadata,
                    render_as_batch=True,
                    compare_type=True,
                    transactional_ddl=True,
                )
                context.run_migrations()
                if sqlite:
                    _check_foreign_keys(connection)
        finally:
            if sqlite:
                _set_sqlite_foreign_keys(connection, on=True)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
