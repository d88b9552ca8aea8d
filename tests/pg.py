"""A throwaway PostgreSQL server for the tests, from the server binaries Debian installs.

`start_server()` runs `initdb` and `pg_ctl start` in a fresh folder under /tmp, listening only
on a unix socket in that folder (no TCP port to collide with anything), with fsync off because
the data dies with the test session. Each test then gets a database of its own
(`PgServer.new_database`), dropped when the test ends.

`initdb` and `postgres` refuse to run as root. CI runs as root, so there the server runs as the
`postgres` system user that Debian's package creates (`runuser -u postgres --`), in a folder
that user owns; as anyone else it runs as that user. Clients connect over the socket as the
server's superuser `cramplog` with trust authentication: nothing but this machine can reach it.

Where the binaries come from: $CRAMPLOG_TEST_PG_BIN, else the newest
/usr/lib/postgresql/<15 or later>/bin. Without them (or without psycopg) the PostgreSQL tests
skip, saying how to get them; with CI set they fail instead, so CI cannot go green on SQLite
alone.
"""

from __future__ import annotations

import itertools
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

MIN_VERSION = 15
SUPERUSER = "cramplog"
HOW_TO_GET = (
    "install PostgreSQL 15+ server binaries (Debian/Ubuntu: apt-get install postgresql) and "
    "psycopg (pip install -e '.[postgres]'), or point CRAMPLOG_TEST_PG_BIN at a bin folder "
    "holding initdb and pg_ctl"
)


class Unavailable(RuntimeError):
    """No server can be started here; the message says why and how to get one."""


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def find_bindir() -> Path:
    given = os.environ.get("CRAMPLOG_TEST_PG_BIN")
    candidates: list[Path] = [Path(given)] if given else []
    if not given:
        versions = []
        for folder in Path("/usr/lib/postgresql").glob("*/bin"):
            match = re.fullmatch(r"\d+", folder.parent.name)
            if match and int(folder.parent.name) >= MIN_VERSION:
                versions.append((int(folder.parent.name), folder))
        candidates = [folder for _, folder in sorted(versions, reverse=True)]
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    raise Unavailable(f"no PostgreSQL {MIN_VERSION}+ server binaries found; {HOW_TO_GET}")


def _run_as() -> tuple[list[str], str | None]:
    """The command prefix that runs the server as a user allowed to, and that user's name."""
    if os.geteuid() != 0:
        return [], None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise Unavailable(
            f"running as root and there is no 'postgres' user to run the server as; {HOW_TO_GET}"
        ) from None
    runuser = shutil.which("runuser")
    if runuser is None:
        raise Unavailable("running as root and runuser is missing (package util-linux)")
    return [runuser, "-u", "postgres", "--"], "postgres"


@dataclass
class PgServer:
    """A running server: its folder, its socket, and the databases the tests made on it."""

    root: Path
    bindir: Path
    prefix: list[str]
    _names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    # Databases built once and copied per test (CREATE DATABASE ... TEMPLATE, ~0.1 s): name
    # -> database. A copy costs a tenth of running the migrations again.
    templates: dict[str, str] = field(default_factory=dict)

    @property
    def socket_dir(self) -> Path:
        return self.root

    def url(self, database: str) -> str:
        """A SQLAlchemy URL for `database`, as a person would pass it to --db."""
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.socket_dir}"

    def _admin(self) -> object:
        import psycopg

        return psycopg.connect(
            host=str(self.socket_dir), dbname="postgres", user=SUPERUSER, autocommit=True
        )

    def new_database(self, template: str = "template0") -> str:
        """A new, empty database's URL (`template` gives it another database's contents)."""
        name = f"t{next(self._names)}"
        with self._admin() as conn:  # type: ignore[attr-defined]
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return self.url(name)

    def copy_of(self, template: str, build: Callable[[str], None]) -> str:
        """A new database holding what `build(url)` wrote into the template `template`
        (built on first use). The template is left alone: only copies are handed out."""
        from sqlalchemy.engine import make_url

        if template not in self.templates:
            url = self.new_database()
            build(url)
            self.templates[template] = str(make_url(url).database)
        return self.new_database(template=self.templates[template])

    def connect(self, url: str, **options: object) -> object:
        """A psycopg connection to the database of `url` (to look behind cramplog's back)."""
        import psycopg
        from sqlalchemy.engine import make_url

        name = make_url(url).database
        return psycopg.connect(host=str(self.socket_dir), dbname=name, user=SUPERUSER, **options)

    def drop_database(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        name = make_url(url).database
        with self._admin() as conn:  # type: ignore[attr-defined]
            # FORCE: a test that failed may have left a connection open.
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        data = str(self.root / "data")
        stop = [*self.prefix, str(self.bindir / "pg_ctl"), "-D", data, "-m", "immediate", "stop"]
        subprocess.run(stop, capture_output=True, check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> PgServer:
    """initdb and start a server in a new folder under /tmp; raises Unavailable if it cannot."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise Unavailable(f"psycopg is not installed; {HOW_TO_GET}") from None
    bindir = find_bindir()
    prefix, user = _run_as()
    # Under /tmp, not pytest's tmp_path: the postgres user must be able to enter it, and a
    # unix socket path must stay short (about 100 bytes).
    root = Path(tempfile.mkdtemp(prefix="cramplog-pg-", dir="/tmp"))
    if user is not None:
        shutil.chown(root, user=user)
    log, data = root / "server.log", str(root / "data")
    initdb = [str(bindir / "initdb"), "-D", data, "-U", SUPERUSER, "-A", "trust", "-E", "UTF8"]
    # C collation: text sorts by code point, as SQLite's does, so both engines list alike.
    initdb += ["--locale=C", "--no-sync"]
    options = (
        f"-k {root} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=60"
    )
    start = [str(bindir / "pg_ctl"), "-D", data, "-o", options, "-l", str(log), "-w", "start"]
    try:
        _checked([*prefix, *initdb], "initdb")
        _checked([*prefix, *start], "pg_ctl start", log)
    except Unavailable:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return PgServer(root, bindir, prefix)


def _checked(argv: list[str], what: str, log: Path | None = None) -> None:
    done = subprocess.run(argv, capture_output=True, text=True, check=False, cwd="/")
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        if log is not None and log.exists():
            said += log.read_text(errors="replace").strip().splitlines()[-3:]
        raise Unavailable(f"{what} failed: {' / '.join(said[-4:])}")
