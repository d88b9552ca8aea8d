"""The `cramplog` command. One module per group of commands; each imports what it needs inside
the command, so that `cramplog --help` loads click alone and `cramplog log` no pandas.
"""

from __future__ import annotations

import atexit
import gc
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from cramplog import __version__
from cramplog.errors import DiaryFileError, FaultError, InputError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

# A command lives well under a second. At the default young-generation threshold (700) the cyclic
# collector runs dozens of times while SQLAlchemy builds the mapped classes, about 30 ms of the
# logging path's ~100 ms budget (tests/benchmarks/bench_cli.py). A larger threshold still
# collects, just less often.
gc.set_threshold(20_000, 10, 10)
# Nor is there anything for the interpreter's final collection to free that the end of the
# process would not: freezing skips it (about 10 ms for `log`, more for reports).
atexit.register(gc.freeze)


class CramplogGroup(click.Group):
    """Turns every kind of bad input into one line on stderr and exit code 2.

    click's own usage errors print the usage text too; a person at 7 a.m. wants one line that
    says what to type instead.
    """

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        try:
            rv = super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else "")
            return _done(0, standalone_mode)
        except click.NoSuchOption as exc:
            if exc.option_name.lstrip("-").replace(".", "", 1).isdigit():
                # "cramplog log -1": click takes a negative number for an option
                return _fail(_negative(exc), 2, standalone_mode)
            if exc.option_name in ("--person", "--db") and exc.ctx is not None:
                return _fail(
                    f"{exc.option_name} goes before the command (accepted: cramplog "
                    f"{exc.option_name} {'NAME' if exc.option_name == '--person' else 'PATH'} "
                    f"{exc.ctx.command_path.removeprefix('cramplog ')} ...)",
                    2,
                    standalone_mode,
                )
            return _fail(exc.format_message(), 2, standalone_mode)
        except click.UsageError as exc:
            hint = _extra_argument_hint(exc.format_message())
            if not hint and exc.ctx is not None and exc.ctx.command_path != "cramplog":
                hint = f" (see: {exc.ctx.command_path} --help)"
            return _fail(f"{exc.format_message()}{hint}", 2, standalone_mode)
        except InputError as exc:
            return _fail(str(exc), 2, standalone_mode)
        except (DiaryFileError, FaultError) as exc:
            return _fail(str(exc), 1, standalone_mode)
        except OSError as exc:
            # A fault no command anticipated: still one line naming the cause, never a traceback.
            from cramplog.files import fault

            return _fail(str(fault(exc)), 1, standalone_mode)
        except click.ClickException as exc:
            return _fail(exc.format_message(), exc.exit_code, standalone_mode)
        except click.Abort:
            return _fail("aborted; nothing was written", 1, standalone_mode)
        return _done(rv if isinstance(rv, int) else 0, standalone_mode)


def _negative(exc: click.NoSuchOption) -> str:
    """The line for a negative number where a command takes a number argument."""
    names = [p.name for p in (exc.ctx.command.params if exc.ctx else []) if p.name]
    if "episode_id" in names:
        return f"ID: {exc.option_name} is not an ID (accepted: an ID from: cramplog list)"
    if "severity" in names:
        return f"severity: {exc.option_name} is out of range (accepted: a whole number 0-10)"
    return f"{exc.option_name}: negative numbers are not accepted here (see: --help)"


def _done(code: int, standalone_mode: bool) -> int:
    if standalone_mode:
        sys.exit(code)
    return code


def _printable(message: str) -> str:
    """The message with control characters escaped (a typed newline, ESC, a lone surrogate).

    So the line stays one line, and a value typed back at the person cannot drive the terminal.
    """
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape", "backslashreplace").decode("ascii")
        for ch in message
    )


def _fail(message: str, code: int, standalone_mode: bool) -> int:
    click.echo(f"cramplog: {_printable(message)}", err=True)
    if standalone_mode:
        sys.exit(code)
    return code


class Diary:
    """What every command gets: where the diary is, opened on first use."""

    def __init__(self, db: str | None, person: str | None = None) -> None:
        self.db = db  # from --db or CRAMPLOG_DB; None means the default diary
        self.person = person  # from --person or CRAMPLOG_PERSON; None: the only or default one
        self._engine: Engine | None = None
        self.changed = False  # whether the last `writing` block changed anything
        self.whose: str | None = None  # the person's name, once a diary of several chose one

    @property
    def url(self) -> str:
        from cramplog.config import database_url

        return database_url(self.db)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from cramplog.db import open_engine

            self._engine = open_engine(self.url)
        return self._engine

    def check_exists(self) -> None:
        """Refuse to read a named diary file that is not there (likely a typo in --db).

        Writing creates it, and so does reading the default diary: that is "first use".
        """
        from cramplog.config import sqlite_path

        path = sqlite_path(self.url)
        if self.db and path is not None and not path.exists():
            raise DiaryFileError(
                f"no diary at {path}; nothing was created. Check --db / CRAMPLOG_DB, "
                "or log an entry to start a new diary there."
            )

    @contextmanager
    def reading(self) -> Iterator[Session]:
        from cramplog import people
        from cramplog.db import session_scope

        self.check_exists()
        with session_scope(self.engine) as session:
            people.scope(session, self.person)
            yield session
            self.name_the_person(session)

    @contextmanager
    def writing(self, summary: str) -> Iterator[Session]:
        """One undoable transaction: all of a command's writes, or none of them."""
        from cramplog import journal, people
        from cramplog.db import session_scope

        with session_scope(self.engine, write=True) as session:
            people.scope(session, self.person)
            journal.track(session, summary)
            yield session
            self.name_the_person(session)
        self.changed = bool(session.info.get("journal_rows"))

    def name_the_person(self, session: Session) -> None:
        """In a diary of several people, say once whose entries a command read or wrote (on
        stderr, so that --json output stays JSON)."""
        from cramplog import people

        if self.whose is None and people.several(session):
            who = people.current(session, create=False)
            if who is not None:
                self.whose = who.name
                click.echo(f"(person: {who.name})", err=True)

    @property
    def undo_hint(self) -> str:
        """What to say after a write: how to undo it, or that nothing needed writing."""
        if not self.changed:
            return "(That was already recorded.)"
        return f"Undo with: {self.undo_command}"

    @property
    def undo_command(self) -> str:
        """`cramplog undo`, or in a diary of several people whose: `cramplog --person X undo`."""
        from cramplog.words import as_typed

        if self.whose is None:
            return "cramplog undo"
        return f"cramplog --person {as_typed(self.whose)} undo"


pass_diary = click.make_pass_decorator(Diary)


_SWITCH_WORDS = {"yes", "no", "y", "n", "true", "false", "on", "off"}


def _extra_argument_hint(message: str) -> str:
    """What to type instead when a word was left over: `--woke yes` (a switch takes no
    value) or `--water 6 glasses` (a value with a space needs quotes)."""
    found = re.search(r"unexpected extra arguments? \((.+)\)", message)
    if not found:
        return ""
    word = found.group(1).split()[0].strip("'\"").lower()
    if word in _SWITCH_WORDS:
        return (
            "; --woke, --stretched and the like are switches: type --woke for yes and "
            "--no-woke for no, with no word after them"
        )
    return "; a value with a space in it needs quotes, e.g. --water '6 glasses'"


@click.group(cls=CramplogGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    metavar="PATH_OR_URL",
    envvar="CRAMPLOG_DB",
    help="Diary file or database URL (default: cramplog.db in your data folder; env CRAMPLOG_DB).",
)
@click.option(
    "--person",
    metavar="NAME",
    envvar="CRAMPLOG_PERSON",
    help="Whose entries, in a diary of several people (a unique beginning of the name is "
    "enough; env CRAMPLOG_PERSON).",
)
@click.version_option(__version__, prog_name="cramplog")
@click.pass_context
def main(ctx: click.Context, db: str | None, person: str | None) -> None:
    """cramplog: a night-cramp diary.

    \b
    Each morning:   cramplog log 6 --at 03:10 --site calf --woke   (or just: cramplog log)
    No cramps:      cramplog none
    The day:        cramplog day --water 1.5L --exercise 30 --shoes "work boots:9"
    Made a mistake: cramplog undo
    """
    ctx.obj = Diary(db, person)


from cramplog.cli import (  # noqa: E402
    analysis,
    check,
    cohort,
    data,
    entries,
    factors,
    people,
    remind,
    reports,
    things,
    transfer,
    trial,
)

for module in (
    entries,
    things,
    factors,
    people,
    analysis,
    cohort,
    check,
    reports,
    data,
    transfer,
    trial,
    remind,
):
    for command in module.COMMANDS:
        main.add_command(command)

from cramplog.cli import guard  # noqa: E402

guard.install(main)  # every typed value: not empty, valid UTF-8, within its length limit
