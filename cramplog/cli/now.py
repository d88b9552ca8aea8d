"""The diary's clock, shared by every command (its own module, so that the check-in and the
logging commands need not import each other)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def clock(session: Session) -> tuple[datetime, str]:
    """Now, in the diary's zone (the `timezone` setting, else the system's), and that zone."""
    from cramplog import diary, timeutil

    name = diary.setting(session, "timezone") or timeutil.system_zone_name()
    return timeutil.now(timeutil.zone(name)), name
