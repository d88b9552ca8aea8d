"""What the commands share without importing each other: the diary's clock, and asking which
of a repeated hour's two times was meant (`log` starts the check-in, and both need these)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from cramplog.timeutil import AmbiguousTime


def clock(session: Session) -> tuple[datetime, str]:
    """Now, in the diary's zone (the `timezone` setting, else the system's), and that zone."""
    from cramplog import diary, timeutil

    name = diary.setting(session, "timezone") or timeutil.system_zone_name()
    return timeutil.now(timeutil.zone(name)), name


def on_terminal() -> bool:
    """Whether a person can answer a question (tests pretend to be one)."""
    import sys

    return sys.stdin.isatty()


def ask_fold(exc: AmbiguousTime) -> int:
    """Which of a repeated hour's two times was meant: asked on a terminal, else refused.

    Called outside any transaction, so that nothing is held open while the person answers.
    """
    if not on_terminal():
        raise exc
    from cramplog.timeutil import describe_moment

    click.echo(f"{exc.problem}.")
    click.echo(f"  1: the first, {describe_moment(exc.first)}")
    click.echo(f"  2: the second, {describe_moment(exc.second)}")
    answer = click.prompt("Which one", type=click.Choice(["1", "2"]))
    return int(answer) - 1
