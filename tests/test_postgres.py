"""cramplog on a real PostgreSQL server (tests/pg.py starts one for the session).

What a clinic or a study relies on: an empty database upgrades and says it is current, every
migration runs on a filled database, the same diary gives the same numbers on both engines,
concurrent writers lose nothing, and a diary moves from the server to a file unchanged.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from messy import make_messy_diary
from sqlalchemy import Engine, func, select, text

from cramplog import migrate
from cramplog.db import open_engine, session_scope
from cramplog.models import Base, ChangeRow, Episode, Person

Cli = Callable[..., Result]
END = date(2026, 11, 22)  # last night, with conftest's pinned "now"


@pytest.fixture
def pg_engine(pg_url: str) -> Iterator[Engine]:
    engine = open_engine(pg_url)
    yield engine
    engine.dispose()


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout


def json_of(cli: Cli, url: str, *args: str) -> Any:
    result = cli("--db", url, *args)
    assert result.exit_code in (0, 1), result.output + result.stderr  # check exits 1 on a flag
    return json.loads(result.stdout)


# --- schema --------------------------------------------------------------------------------


def test_an_empty_database_upgrades_and_then_is_up_to_date(cli: Cli, pg_url: str) -> None:
    before = ok(cli("--db", pg_url, "db", "status"))
    assert "schema:  empty (created on first use)" in before
    assert (
        ok(cli("--db", pg_url, "db", "upgrade"))
        == f"Upgraded new diary -> {migrate.head_revision()}.\n"
    )
    after = ok(cli("--db", pg_url, "db", "status"))
    assert f"schema:  {migrate.head_revision()}" in after
    assert after.endswith("Up to date.\n")
    assert ok(cli("--db", pg_url, "db", "upgrade")) == f"Already at {migrate.head_revision()}.\n"
    assert ok(cli("--db", pg_url, "db", "check")).endswith("matches this cramplog.\n")


def test_a_database_of_another_program_is_refused_untouched(
    cli: Cli, pg_url: str, pg_server: Any
) -> None:
    with pg_server.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id integer)")
    result = cli("--db", pg_url, "log", "5")
    assert result.exit_code == 1
    assert "is not a cramplog diary: it holds another program's tables (invoices)" in result.stderr
    with pg_server.connect(pg_url) as conn:
        tables = [
            r[0]
            for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
    assert tables == ["invoices"]


def test_a_server_that_cannot_be_reached_is_one_line(cli: Cli, pg_server: Any) -> None:
    url = f"postgresql+psycopg://cramplog:secret@/no_such_db?host={pg_server.socket_dir}"
    result = cli("--db", url, "log", "5")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1
    assert 'database "no_such_db" does not exist' in result.stderr
    assert "secret" not in result.stderr  # the password is never shown


def test_every_migration_runs_on_a_filled_database(pg_url: str) -> None:
    """0001 -> 0002 on an empty database, rows written at 0002, then 0003 (a uid for every
    row, NOT NULL and UNIQUE) and 0004: every row and link kept, and downgrade -> upgrade too."""
    engine = open_engine(pg_url, upgrade=False)
    try:
        migrate.upgrade(engine, revision="0002")
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO person (id, name, created_at) VALUES (1, 'Frank', now());"
                    "INSERT INTO shoe (id, person_id, name, fit, retired, created_at) "
                    "VALUES (1, 1, 'work boots', 'tight', false, now());"
                    "INSERT INTO day (id, person_id, date, water_ml, stretched, updated_at) "
                    "VALUES (1, 1, '2026-11-20', 1500, true, now());"
                    "INSERT INTO day_shoe (id, day_id, shoe_id, hours) VALUES (1, 1, 1, 9);"
                    "INSERT INTO episode (id, person_id, at, tz, night, severity, woke, signs, "
                    "created_at) VALUES (1, 1, '2026-11-21 03:10', 'Europe/London', "
                    "'2026-11-20', 6, true, '', now()), (2, 1, '2026-11-21 04:00', "
                    "'Europe/London', '2026-11-20', NULL, NULL, '', now());"
                )
            )
        migrate.upgrade(engine)
        assert migrate.current_revision(engine) == migrate.head_revision()
        with engine.connect() as conn:
            uids = conn.execute(text("SELECT uid FROM episode ORDER BY id")).scalars().all()
            assert len(set(uids)) == 2 and all(len(u) == 36 for u in uids)
            rows = conn.execute(
                text("SELECT d.water_ml, d.stretched, s.name, ds.hours FROM day d "
                     "JOIN day_shoe ds ON ds.day_id = d.id JOIN shoe s ON s.id = ds.shoe_id")
            ).all()  # fmt: skip
            assert rows == [(1500, True, "work boots", 9.0)]
            assert conn.execute(text("SELECT count(*) FROM person WHERE uid IS NULL")).scalar() == 0
        # down to 0002 and back: the schema both ways, the rows kept
        migrate.upgrade(engine, revision="0004")
        from alembic import command

        command.downgrade(migrate.alembic_config(engine), "0002")
        migrate.upgrade(engine)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM episode")).scalar() == 2
        migrate.check(engine)  # the models and the migrated schema agree
    finally:
        engine.dispose()


def _pg_tables(engine: Engine) -> dict[str, list[tuple]]:
    """Every diary table's rows in key order, and the columns of each."""
    with engine.connect() as conn:
        names = conn.execute(
            text(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                "current_schema() AND table_name != 'alembic_version' ORDER BY 1"
            )
        ).scalars()
        return {
            n: [tuple(r) for r in conn.execute(text(f'SELECT * FROM "{n}" ORDER BY 1'))]
            for n in names
        }


def _pg_columns(engine: Engine, table: str) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                text(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                    "current_schema() AND table_name = :t ORDER BY ordinal_position"
                ),
                {"t": table},
            ).scalars()
        )


def _revisions() -> list[tuple[str, str]]:
    return sorted(
        (s.revision, str(s.down_revision))
        for s in migrate.scripts().walk_revisions()
        if s.down_revision is not None
    )


@pytest.mark.parametrize(("revision", "previous"), _revisions())
def test_each_migration_upgrades_a_filled_diary_of_the_revision_before_it(
    cli: Cli, pg_url: str, revision: str, previous: str
) -> None:
    """As on SQLite (tests/test_migration_safety.py): a diary filled through the CLI, taken
    down to the revision before, upgraded by this one; every row of every table kept."""
    for args in (
        ("profile", "set", "--birth-year", "1948", "--condition", "diabetes"),
        ("shoes", "add", "work boots", "--fit", "tight"),
        ("day", "--date", "2026-11-20", "--water", "1.2L", "--shoes", "work boots:9"),
        ("meds", "add", "salbutamol", "--as-needed"),
        ("meds", "take", "salbutamol"),
        ("log", "6", "--at", "2026-11-21 03:10", "--site", "calf", "--woke"),
        ("log", "4", "--at", "2026-11-22 03:00", "--note", "cold feet 🦶"),
        ("none", "--night", "2026-11-19"),
        ("delete", "2"),
    ):
        ok(cli("--db", pg_url, *args))
    engine = open_engine(pg_url, upgrade=False)
    try:
        from alembic import command

        cfg = migrate.alembic_config(engine)
        command.downgrade(cfg, previous)
        before = _pg_tables(engine)
        old_columns = {t: _pg_columns(engine, t) for t in before}
        assert all(before[t] for t in ("person", "episode", "night", "day", "day_shoe", "dose"))
        command.upgrade(cfg, revision)
        after = _pg_tables(engine)
        assert set(before) <= set(after), "a table vanished"
        for table, rows in before.items():
            new_columns = _pg_columns(engine, table)
            keep = [new_columns.index(c) for c in old_columns[table]]
            assert [tuple(r[i] for i in keep) for r in after[table]] == rows, table
    finally:
        engine.dispose()


def test_two_processes_upgrading_an_empty_database_at_once_do_it_once(pg_url: str) -> None:
    done = [
        subprocess.Popen(
            [_console_script(), "--db", pg_url, "db", "upgrade"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd="/",
        )
        for _ in range(2)
    ]
    said = [p.communicate(timeout=120) for p in done]
    assert [p.returncode for p in done] == [0, 0], said
    outs = sorted(out for out, _ in said)
    head = migrate.head_revision()
    # Either the second found it current before it started, or upgraded nothing after the lock.
    assert outs[-1] == f"Upgraded new diary -> {head}.\n"
    assert outs[0] in (f"Already at {head}.\n", f"Upgraded new diary -> {head}.\n")


# --- the same diary on both engines --------------------------------------------------------


def _write_demo(engine: Engine, seed: int) -> None:
    from cramplog import demo

    with session_scope(engine, write=True) as session:
        demo.generate(session, END, seed=seed, months=6, tz="Europe/London")


READING = [
    ("stats", "--json"),
    ("stats", "--json", "--weeks", "12"),
    ("insights", "--json"),
    ("check", "--json"),
    ("list", "--all", "--json"),
]


def _outputs(cli: Cli, url: str) -> dict[str, Any]:
    return {" ".join(args): json_of(cli, url, *args) for args in READING}


@pytest.mark.parametrize("diary", ["demo 49", "messy 11", "messy 20"])
def test_the_same_diary_reads_the_same_on_both_engines(
    cli: Cli, tmp_path: Path, pg_engine: Engine, pg_url: str, diary: str
) -> None:
    kind, seed = diary.split()
    sqlite_url = f"sqlite:///{tmp_path / 'same.db'}"
    sqlite_engine = open_engine(sqlite_url)
    try:
        for engine in (sqlite_engine, pg_engine):
            if kind == "demo":
                _write_demo(engine, int(seed))
            else:
                make_messy_diary(engine, int(seed))
    finally:
        sqlite_engine.dispose()
    on_sqlite, on_pg = _outputs(cli, sqlite_url), _outputs(cli, pg_url)
    assert on_sqlite["list --all --json"]["episodes"], "an empty diary would prove nothing"
    for key in on_sqlite:
        assert on_pg[key] == on_sqlite[key], key


# --- concurrency ---------------------------------------------------------------------------


def _console_script() -> str:
    """The installed `cramplog` beside this Python (the venv's), as a person runs it."""
    script = Path(sys.executable).with_name("cramplog")
    assert script.exists(), f"cramplog is not installed in {script.parent}"
    return str(script)


PER_PROCESS = 50

# One worker: the installed console script's entry point (read from the package's metadata,
# as the `cramplog` script does) called once per cramp, each call a whole command with its own
# connection and transaction. Interpreter start-up 200 times would cost minutes of CI on two
# cores (measured: 686 s under load for 200 runs of the script) and test nothing more.
WORKER = """
import sys
from importlib.metadata import entry_points

(script,) = entry_points(group="console_scripts", name="cramplog")
main = script.load()
worker, count = sys.argv[1], int(sys.argv[2])
for i in range(1, count + 1):
    code = main(["log", str(i % 11), "--at", "03:00", "--note", f"w{worker}-{i}"],
                standalone_mode=False)
    if code != 0:
        sys.exit(f"worker {worker}: log {i} exited {code}")
"""


@pytest.mark.slow
def test_four_processes_logging_50_cramps_each_lose_none(pg_url: str, tmp_path: Path) -> None:
    """Four processes of the installed cramplog, all starting at once on an empty database:
    the first of them upgrade it (once), and all 200 cramps are there, each undoable."""
    env = {**os.environ, "CRAMPLOG_DB": pg_url}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(w), str(PER_PROCESS)],
            env=env,
            cwd=tmp_path,  # outside the checkout: the installed package runs
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(1, 5)
    ]
    try:
        errors = [p.communicate(timeout=600)[1] for p in workers]
    finally:
        for p in workers:
            p.kill()  # a worker left hanging must not outlive the test (no-op once it ended)
    assert [p.returncode for p in workers] == [0, 0, 0, 0], errors
    engine = open_engine(pg_url)
    try:
        with session_scope(engine) as session:
            notes = session.scalars(select(Episode.note)).all()
            people = session.scalar(select(func.count()).select_from(Person))
            journaled = session.scalar(
                select(func.count()).select_from(ChangeRow).where(ChangeRow.table_name == "episode")
            )
    finally:
        engine.dispose()
    expected = {f"w{w}-{i}" for w in range(1, 5) for i in range(1, PER_PROCESS + 1)}
    assert len(notes) == 4 * PER_PROCESS and set(notes) == expected
    assert people == 1  # four first writers did not each create the diary's person
    assert journaled == 4 * PER_PROCESS  # each one undoable


# --- moving a diary ------------------------------------------------------------------------


def test_export_from_postgresql_and_import_into_sqlite_is_the_identity(
    cli: Cli, tmp_path: Path, pg_engine: Engine, pg_url: str
) -> None:
    make_messy_diary(pg_engine, 5)
    first = tmp_path / "from-pg.json"
    ok(cli("--db", pg_url, "export", "-o", str(first)))
    sqlite_db = tmp_path / "copy.db"
    ok(cli("--db", str(sqlite_db), "import", str(first)))
    again = tmp_path / "from-sqlite.json"
    ok(cli("--db", str(sqlite_db), "export", "-o", str(again)))
    a, b = json.loads(first.read_text()), json.loads(again.read_text())
    del a["exported_at"], b["exported_at"]  # the time of each run
    assert a == b
    # and back: importing the copy into the diary it came from adds nothing
    assert "In all: added 0, changed 0" in ok(cli("--db", pg_url, "import", str(again)))


def test_an_import_into_postgresql_leaves_its_keys_free_for_the_next_cramp(
    cli: Cli, tmp_path: Path, pg_url: str
) -> None:
    source = tmp_path / "source.db"
    make_messy_diary(source, 8)
    exported = tmp_path / "e.json"
    ok(cli("--db", str(source), "export", "-o", str(exported)))
    ok(cli("--db", pg_url, "import", str(exported)))
    # Explicit keys on import; the id sequence must have moved past them.
    out = ok(cli("--db", pg_url, "log", "4", "--at", "03:00", "--note", "after the import"))
    assert out.startswith("Logged cramp ")
    listed = json_of(cli, pg_url, "list", "--all", "--json")["episodes"]
    assert [e["note"] for e in listed].count("after the import") == 1
    ok(cli("--db", pg_url, "shoes", "add", "new boots", "--fit", "good"))
    ok(cli("--db", pg_url, "day", "--water", "2L", "--shoes", "new boots:3"))
    assert "Undone" in ok(cli("--db", pg_url, "undo"))


def test_undo_of_an_import_on_postgresql_takes_every_row_away(
    cli: Cli, tmp_path: Path, pg_url: str
) -> None:
    """PostgreSQL checks every foreign key at once: the undo deletes children first."""
    source = tmp_path / "source.db"
    make_messy_diary(source, 4)
    exported = tmp_path / "e.json"
    ok(cli("--db", str(source), "export", "-o", str(exported)))
    ok(cli("--db", pg_url, "import", str(exported)))
    assert ok(cli("--db", pg_url, "undo")).startswith("Undone: import e.json")
    engine = open_engine(pg_url)
    try:
        with engine.connect() as conn:
            counts = {
                t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                for t in Base.metadata.sorted_tables
                if t.name not in ("change", "change_row", "person", "setting")
            }
    finally:
        engine.dispose()
    assert set(counts.values()) == {0}, counts
    ok(cli("--db", pg_url, "import", str(exported)))  # and it comes in again whole


# --- what a server does not do -------------------------------------------------------------


@pytest.mark.parametrize("args", [("backup",), ("backup", "restore", "{file}")])
def test_backup_and_restore_say_that_backups_are_the_servers(
    cli: Cli, pg_url: str, tmp_path: Path, args: tuple[str, ...]
) -> None:
    ok(cli("--db", pg_url, "none"))
    file = tmp_path / "some.db"
    file.write_bytes(b"")
    result = cli("--db", pg_url, *(a.format(file=file) for a in args))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "backups and restores are the server's business (pg_dump and pg_restore" in result.stderr


def test_purge_on_postgresql_removes_the_cramps_and_their_journal(cli: Cli, pg_url: str) -> None:
    ok(cli("--db", pg_url, "log", "5", "--at", "03:00", "--note", "private words"))
    ok(cli("--db", pg_url, "delete", "1"))
    out = ok(cli("--db", pg_url, "purge", "--deleted-before", "2026-12-31"))
    assert out.startswith("Removed 1 deleted cramps for good: #1 (night 2026-11-22).")
    assert "reclaimed by the server's own VACUUM" in out
    engine = open_engine(pg_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(Episode.__table__)).scalar() == 0
            images = conn.execute(select(ChangeRow.before)).scalars().all()
    finally:
        engine.dispose()
    assert not any("private words" in (i or "") for i in images)


# --- keeping participants apart ------------------------------------------------------------


def test_each_participant_role_keeps_a_diary_the_others_cannot_read(
    cli: Cli, pg_url: str, pg_server: Any
) -> None:
    """The README's recipe: a login role and a schema of its own per participant."""
    import psycopg

    with pg_server.connect(pg_url, autocommit=True) as conn:
        conn.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
        for role in ("p017", "p018"):
            conn.execute(f"CREATE ROLE {role} LOGIN")
            conn.execute(f"CREATE SCHEMA {role} AUTHORIZATION {role}")
            conn.execute(f"ALTER ROLE {role} SET search_path = {role}")
    base = pg_url.replace("//cramplog@", "//{role}@")
    for role, severity in (("p017", "3"), ("p018", "8")):
        url = base.format(role=role)
        ok(cli("--db", url, "log", severity, "--at", "03:00", "--note", f"{role} only"))
        listed = json_of(cli, url, "list", "--all", "--json")["episodes"]
        assert [(e["severity"], e["note"]) for e in listed] == [(int(severity), f"{role} only")]
    name = pg_url.rsplit("?", 1)[0].rsplit("/", 1)[1]
    with psycopg.connect(host=str(pg_server.socket_dir), dbname=name, user="p017") as conn:
        assert conn.execute("SELECT note FROM episode").fetchall() == [("p017 only",)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="schema p018"):
            conn.execute("SELECT note FROM p018.episode")


def test_row_level_security_keeps_each_participant_to_their_own_rows(
    cli: Cli, pg_url: str, pg_server: Any
) -> None:
    """Several people in one study database, and `db grant ROLE` for each: the server itself
    keeps a participant's connection to that participant's rows."""
    import os

    import psycopg

    roles = {"Ann": f"pa{os.getpid()}", "Ben": f"pb{os.getpid()}"}
    with pg_server.connect(pg_url, autocommit=True) as conn:
        for role in roles.values():
            conn.execute(f"DROP ROLE IF EXISTS {role}")
            conn.execute(f"CREATE ROLE {role} LOGIN")
    ok(cli("--db", pg_url, "person", "add", "Ann"))
    ok(cli("--db", pg_url, "person", "add", "Ben"))
    ok(cli("--db", pg_url, "--person", "Ben", "log", "8", "--at", "03:00", "--note", "Ben's"))
    for who, role in roles.items():
        ok(cli("--db", pg_url, "--person", who, "db", "grant", role))
    base = pg_url.replace("//cramplog@", "//{role}@")
    ann, ben = base.format(role=roles["Ann"]), base.format(role=roles["Ben"])
    # Ann's connection: one person in the diary, no --person needed, only her cramps.
    ok(cli("--db", ann, "log", "3", "--at", "02:00", "--note", "Ann's"))
    assert [p["name"] for p in json_of(cli, ann, "person", "list", "--json")] == ["Ann"]
    assert [e["note"] for e in json_of(cli, ann, "list", "--all", "--json")["episodes"]] == [
        "Ann's"
    ]
    assert [e["note"] for e in json_of(cli, ben, "list", "--all", "--json")["episodes"]] == [
        "Ben's"
    ]
    # Her undo is hers; the study's own changes and Ben's are not even visible to it.
    assert "severity 3" in ok(cli("--db", ann, "undo"))
    assert ok(cli("--db", ann, "undo")).startswith("Nothing to undo")
    assert len(json_of(cli, ben, "list", "--all", "--json")["episodes"]) == 1
    # The server, not cramplog, refuses: plain SQL as Ann sees none of Ben's rows, and cannot
    # point her role at him.
    name = pg_url.rsplit("?", 1)[0].rsplit("/", 1)[1]
    with psycopg.connect(host=str(pg_server.socket_dir), dbname=name, user=roles["Ann"]) as conn:
        assert conn.execute("SELECT note FROM episode").fetchall() == []
        assert conn.execute("SELECT name FROM person").fetchall() == [("Ann",)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE setting SET value = 'x' WHERE key LIKE 'role:%'")
    # The study (the tables' owner) still sees everyone.
    assert len(json_of(cli, pg_url, "--person", "Ben", "list", "--all", "--json")["episodes"]) == 1
    r = cli("db", "grant", "p1")  # a diary file has no roles
    assert r.exit_code == 2 and "PostgreSQL" in r.stderr


def test_db_grant_refuses_what_is_not_a_role(cli: Cli, pg_url: str) -> None:
    ok(cli("--db", pg_url, "person", "add", "Ann"))
    for role, words in (("Robert'); DROP", "plain role name"), ("nobody_here", "no database role")):
        r = cli("--db", pg_url, "db", "grant", role)
        assert r.exit_code == 2 and words in r.stderr, r.stderr
