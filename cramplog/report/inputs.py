"""What a report is made from, and what it gives back."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cramplog.flags import Check
    from cramplog.frame import Nightly
    from cramplog.trials.summary import TrialSummary


TREND_WEEKS = 12
DASH = "–"

DISCLAIMER = (
    "A self-kept diary, not a diagnosis: cramplog suggests, it cannot tell what causes cramps."
)


@dataclass(frozen=True)
class Profile:
    """Who the diary is about, as far as the report needs."""

    name: str | None = None
    birth_year: int | None = None
    conditions: tuple[str, ...] = ()  # condition ids (knowledge.conditions())
    aliases: dict[str, str] = field(default_factory=dict)  # brand -> generic

    @property
    def shown_name(self) -> str | None:
        """The name page one carries: None for the unnamed default person ("me")."""
        name = (self.name or "").strip()
        return name if name and name != "me" else None


@dataclass(frozen=True)
class Inputs:
    """Everything a report shows, gathered once by the command."""

    nightly: Nightly  # the whole diary up to the report's last night
    profile: Profile
    check: Check | None  # provider-visit flags as of the report's last night
    made: datetime  # when the report is made (SOURCE_DATE_EPOCH, else now)
    paper: str = "a4"
    trial: TrialSummary | None = None  # the diary's self-trial, when it has one begun


@dataclass(frozen=True)
class Written:
    """A report on disk."""

    path: Path
    pages: int


def made_at(now: datetime) -> datetime:
    """When a report counts as made: SOURCE_DATE_EPOCH if set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return now
