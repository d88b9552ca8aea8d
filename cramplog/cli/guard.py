"""Checks every typed value of every command before the command runs.

Installed once over the whole command tree (`install(main)`), so that a command added later
gets the same rules without doing anything: a value that is empty, not valid UTF-8 or longer
than its limit (cramplog.text) is one line naming the option, exit 2, before anything is opened
or written. The limit follows the parameter's name: notes 2,000 characters, names 100, paths
4,096, anything else 100.
"""

from __future__ import annotations

from typing import Any

import click

from cramplog import text
from cramplog.errors import InputError

NOTES = frozenset({"note", "relief"})
PATHS = frozenset({"db", "output", "path", "file", "folder"})
# Where an empty value means something documented: `edit --sign ''`, `--note ''` and
# `--relief ''` clear them, and
# `config set KEY ''` puts a setting back to "the system's" (timezone) or "the default".
EMPTY_OK = frozenset(
    {
        ("edit", "signs"),
        ("edit", "note"),  # `edit --note ''` takes a note away
        ("edit", "relief"),
        ("config set", "value"),
        ("profile set", "cramps_since"),
        ("remind install", "at"),  # required: '' gets remind's own line with the accepted form
    }
)


def _limit(param: click.Parameter) -> int:
    name = param.name or ""
    if name in NOTES:
        return text.NOTE_MAX
    if name in PATHS or isinstance(param.type, click.Path):
        return text.PATH_MAX
    if name == "value":  # config set VALUE: report_dir is a folder
        return text.PATH_MAX
    return text.NAME_MAX


def _field(param: click.Parameter) -> str:
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return (param.human_readable_name or param.name or "value").upper()


class Checked(click.ParamType):
    """A parameter's own type, after the text itself has been checked (before any conversion:
    click.Path would read '' as '.', the current folder)."""

    def __init__(self, inner: click.ParamType, field: str, limit: int, empty: str | None) -> None:
        self.inner = inner
        self.name = inner.name
        self.field = field
        self.limit = limit
        self.empty = empty  # what to say when empty; None: empty is accepted

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str):
            text.check_utf8(self.field, value)
            if "\x00" in value:  # no file name or word holds one; os.stat would raise
                raise InputError(self.field, "contains a NUL character", "text without it")
            if self.empty is not None and not value.strip():
                raise InputError(self.field, "is empty", self.empty)
            text.check_text(self.field, value, self.limit, empty_ok=True)
        return self.inner.convert(value, param, ctx)

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str | None:
        return self.inner.get_metavar(param, ctx)

    def get_missing_message(self, param: click.Parameter, ctx: click.Context | None) -> str | None:
        return self.inner.get_missing_message(param, ctx)

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
        return self.inner.shell_complete(ctx, param, incomplete)

    def to_info_dict(self) -> dict[str, Any]:
        return self.inner.to_info_dict()


def _empty_message(param: click.Parameter, field: str) -> str:
    if isinstance(param, click.Option):
        said = (param.help or "").rstrip(".")
        return f"{said + '; ' if said else 'a value, '}or leave {field} out"
    return "a value"


def install(command: click.Command, where: str = "") -> None:
    """Check the text of every parameter of `command` and its subcommands."""
    for param in command.params:
        if isinstance(param, click.Option) and (param.is_flag or param.count):
            continue
        if isinstance(param.type, Checked):
            continue
        field = _field(param)
        empty_ok = (where, param.name) in EMPTY_OK
        param.type = Checked(
            param.type, field, _limit(param), None if empty_ok else _empty_message(param, field)
        )
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            install(sub, f"{where} {name}".strip())
