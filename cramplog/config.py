"""Where the diary lives, and the settings a diary carries with it.

Settings are stored in the diary's own `setting` table (so a copied diary keeps its thresholds);
this module only knows their names, defaults and how to check a value a person typed. It imports
nothing heavy: the logging path reads it.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cramplog.errors import InputError

APP = "cramplog"


# A `setting` row that is no setting of config's: the uid of `person default NAME`
# (cramplog.people), read also by `remind check` without the ORM.
DEFAULT_PERSON_KEY = "default_person"


def data_dir() -> Path:
    """The per-user folder for the diary: CRAMPLOG_HOME, else the platform's data folder."""
    home = os.environ.get("CRAMPLOG_HOME")
    if home:
        return Path(home).expanduser()
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming")) / APP
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / APP


def default_db_path() -> Path:
    return data_dir() / "cramplog.db"


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


def database_url(db: str | None) -> str:
    """Turn `--db` / CRAMPLOG_DB (a path or a SQLAlchemy URL) into a URL."""
    if not db:
        db = os.environ.get("CRAMPLOG_DB") or str(default_db_path())
    if "://" in db:
        return db
    return "sqlite:///" + str(Path(db).expanduser().resolve())


def sqlite_path(url: str) -> Path | None:
    """The file behind a sqlite URL, or None for other databases and in-memory SQLite."""
    if not url.startswith("sqlite"):
        return None
    path = url.split(":///", 1)[1] if ":///" in url else ""
    if not path or path == ":memory:":
        return None
    return Path(path.split("?", 1)[0])


# --- settings ------------------------------------------------------------------------------


def _int(lo: int, hi: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"a whole number from {lo} to {hi}") from None
        if not lo <= value <= hi:
            raise ValueError(f"a whole number from {lo} to {hi}")
        return value

    return parse


def _float(lo: float, hi: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"a number from {lo:g} to {hi:g}") from None
        if not lo <= value <= hi:
            raise ValueError(f"a number from {lo:g} to {hi:g}")
        return value

    return parse


def _clock(text: str) -> str:
    if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", text.strip()):
        raise ValueError("a time of day as HH:MM, e.g. 12:00")
    hours, minutes = text.strip().split(":")
    return f"{int(hours):02d}:{minutes}"


def _zone(text: str) -> str:
    if text == "":
        return text
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            "an IANA time zone such as Europe/London, or '' for the system's"
        ) from None
    return text


def _choice(*options: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text.strip().lower() not in options:
            raise ValueError(" or ".join(repr(o) if o == "" else o for o in options))
        return text.strip().lower()

    return parse


def _date_or_empty(text: str) -> str:
    if text == "":
        return text
    from datetime import date

    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise ValueError("a date as YYYY-MM-DD, or '' for none") from None


def _text(text: str) -> str:
    return text


@dataclass(frozen=True)
class Setting:
    key: str
    default: object
    parse: Callable[[str], object]
    help: str


_SETTINGS: list[Setting] = [
    Setting(
        "day_boundary",
        "12:00",
        _clock,
        "local time at which one night ends: a cramp before it belongs to the previous evening's "
        "night",
    ),
    Setting("timezone", "", _zone, "IANA time zone for new entries; '' uses the system's zone"),
    Setting("low_water_ml", 1500, _int(0, 10000), "below this many mL of water a day is low_water"),
    Setting("glass_ml", 250, _int(50, 1000), "mL in one glass, for --water 6glasses"),
    Setting(
        "long_sitting_hours", 8.0, _float(0, 24), "this many hours sitting a day is long_sitting"
    ),
    Setting(
        "baseline_start",
        "",
        _date_or_empty,
        "first day of a 2-week baseline for responder status ('' for none)",
    ),
    Setting("paper", "a4", _choice("a4", "letter"), "paper size of PDF reports"),
    Setting(
        "units",
        "metric",
        _choice("metric", "us"),
        "how amounts are shown: metric (mL, L) or us (fl oz, cups); either is accepted as input",
    ),
    Setting(
        "date_order",
        "",
        _choice("", "dmy", "mdy"),
        "how to read all-number dates such as 4/11: dmy (4 Nov) or mdy (Apr 11); '' accepts "
        "only unambiguous ones",
    ),
    Setting(
        "min_rate_nights",
        7,
        _int(1, 366),
        "logged nights a period needs before cramplog gives a per-week rate or compares it",
    ),
    Setting(
        "finding_q",
        0.10,
        _float(0, 1),
        "a factor is called a finding only with enough data and a Benjamini-Hochberg q below this",
    ),
    Setting("report_dir", "", _text, "folder for reports; '' means a reports folder by the diary"),
]


_BASE = {s.key: s for s in _SETTINGS}  # coerce() of these needs no rule files (logging path)


@cache
def settings() -> dict[str, Setting]:
    """Every setting with its default, including the provider-visit rule thresholds.

    Callers must not modify the returned table (it is shared).
    """
    table = {s.key: s for s in _SETTINGS}
    try:
        from cramplog import knowledge
    except ImportError:  # pragma: no cover - knowledge ships with the package
        return table
    for key, default in knowledge.default_thresholds().items():
        if isinstance(default, int) and not isinstance(default, bool):
            parse = _int(0, 1000)
        else:
            parse = _float(0, 1000)
        table[key] = Setting(key, default, parse, "provider-visit rule threshold (see check)")
    return table


def parse_setting(key: str, text: str) -> object:
    """Check a value a person typed for a setting; InputError names the accepted form."""
    table = settings()
    if key not in table:
        raise InputError("key", f"no setting called {key!r}", ", ".join(sorted(table)))
    try:
        return table[key].parse(text)
    except ValueError as exc:
        raise InputError(key, f"{text!r} is not valid", str(exc)) from None


def coerce(key: str, stored: str | None) -> object:
    """A stored setting value as its proper type, or the default when unset or unreadable."""
    setting = _BASE.get(key) or settings()[key]
    if stored is None:
        return setting.default
    try:
        return setting.parse(stored)
    except ValueError:
        return setting.default
