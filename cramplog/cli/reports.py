"""Commands of this group are added by the work in progress; see cramplog/cli/__init__.py."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
