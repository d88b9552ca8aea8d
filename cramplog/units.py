"""Amounts as people say them: water, durations, hours, shoes with hours worn."""

from __future__ import annotations

import re

from cramplog import words
from cramplog.errors import InputError

ML_PER_US_FL_OZ = 29.5735
# A US customary cup is 8 US fl oz. "cups" is read as this measure, not as a glass: the
# `units` setting shows amounts in fl oz and cups, and the two must mean the same amount.
ML_PER_US_CUP = 8 * ML_PER_US_FL_OZ
MAX_WATER_ML = 10_000
WATER_FORMS = "1.5L, 1500ml, 6glasses, 50oz, 50 fl oz, 6 cups"
DURATION_FORMS = "90s, 2m, 1m30s, 1.5 (minutes), 2 minutes, 1h30m"

_NUMBER = r"(\d+(?:\.\d+)?|\.\d+)"


def parse_water(text: str, glass_ml: int = 250, field: str = "--water") -> int:
    """Millilitres of water from 1.5L, 1500ml, 6 glasses (glass_ml each), 50oz (US fl oz)."""
    low = " ".join(text.strip().lower().replace(",", ".").split())
    if low.startswith("-"):
        raise InputError(field, f"{text!r} is negative", WATER_FORMS)
    m = re.fullmatch(
        _NUMBER + r"\s*(l|lt|ltr|litres?|liters?|ml|millilitres?|milliliters?|glass(?:es)?|cups?|"
        r"oz|fl\.?\s*oz\.?|fluid\s+ounces?|ounces?)(?:\s+of\s+water)?",
        low,
    )
    if not m:
        raise InputError(field, f"cannot read {text!r} as an amount of water", WATER_FORMS)
    amount, unit = float(m.group(1)), m.group(2)
    if unit.startswith("l"):
        ml = amount * 1000
    elif unit.startswith("m"):
        ml = amount
    elif unit.startswith("glass"):
        ml = amount * glass_ml
    elif unit.startswith("cup"):
        ml = amount * ML_PER_US_CUP
    else:
        ml = amount * ML_PER_US_FL_OZ
    if ml > MAX_WATER_ML:
        raise InputError(field, f"{text!r} is over 10 L a day", f"{WATER_FORMS}, at most 10L")
    return round(ml)


def parse_minutes(text: str, field: str, max_minutes: float) -> float:
    """Minutes from 90s, 2m, 1m30s, 1.5 (plain numbers are minutes), 2 minutes, 1h30m, 1h.

    Parts may be spelled out and joined by spaces or "and": "1 minute and 30 seconds".
    """
    low = text.strip().lower().replace(",", ".")
    low = re.sub(r"\band\b", "", low).replace(" ", "")
    if low.startswith("-"):
        raise InputError(field, f"{text!r} is negative", DURATION_FORMS)
    minutes: float | None = None
    if re.fullmatch(_NUMBER, low):
        minutes = float(low)
    elif (
        m := re.fullmatch(
            r"(?:" + _NUMBER + r"(?:h|hr|hrs|hours?))?"
            r"(?:" + _NUMBER + r"(?:m|min|mins|minutes?))?"
            r"(?:" + _NUMBER + r"(?:s|sec|secs|seconds?))?",
            low,
        )
    ) and (m.group(1) or m.group(2) or m.group(3)):
        hours, mins, secs = (float(g or 0) for g in m.groups())
        minutes = hours * 60 + mins + secs / 60
    if minutes is None:
        raise InputError(field, f"cannot read {text!r} as a duration", DURATION_FORMS)
    if minutes > max_minutes:
        limit = f"{max_minutes / 60:g} h" if max_minutes >= 120 else f"{max_minutes:g} minutes"
        raise InputError(
            field, f"{text!r} is more than {limit}", f"{DURATION_FORMS}, up to {limit}"
        )
    return round(minutes, 2)


def parse_hours(text: str, field: str) -> float:
    """Hours from 8, 8h, 7.5h, 90m; at most 24."""
    low = text.strip().lower().replace(" ", "")
    if m := re.fullmatch(_NUMBER + r"(h|hr|hrs|hours?)?", low):
        hours = float(m.group(1))
    elif m := re.fullmatch(_NUMBER + r"(m|min|mins|minutes?)", low):
        hours = float(m.group(1)) / 60
    else:
        raise InputError(field, f"cannot read {text!r} as hours", "8, 7.5h or 90m, up to 24h")
    if hours > 24:
        raise InputError(field, f"{text!r} is more than 24 hours", "8, 7.5h or 90m, up to 24h")
    return round(hours, 2)


def parse_count(text: str | int, field: str, most: int = 50) -> int:
    """A whole number of drinks or similar, 0 to `most`."""
    try:
        value = int(str(text).strip())
    except ValueError:
        raise InputError(
            field, f"cannot read {text!r} as a count", f"a whole number 0-{most}"
        ) from None
    if not 0 <= value <= most:
        raise InputError(field, f"{value} is out of range", f"a whole number 0-{most}")
    return value


SEVERITY_FORMS = "a whole number 0-10, such as 6, six or 6/10"


def parse_severity(text: str | int | None, field: str = "severity") -> int | None:
    """How bad a cramp was, 0-10, as people say it: "6", "six", "6/10", "6 out of 10"."""
    if text is None:
        return None
    low = " ".join(str(text).strip().lower().split())
    low = re.sub(r"\s*(/|out of)\s*10$", "", low)
    if low in words.NUMBER_WORDS:
        return words.NUMBER_WORDS[low]
    try:
        value = int(low)
    except ValueError:
        raise InputError(field, f"cannot read {text!r} as a severity", SEVERITY_FORMS) from None
    if not 0 <= value <= 10:
        raise InputError(field, f"{value} is out of range", SEVERITY_FORMS)
    return value


def split_shoe(spec: str) -> tuple[str, float | None]:
    """'work boots:9' -> ('work boots', 9.0); 'work boots' -> ('work boots', None)."""
    name, sep, hours = spec.rpartition(":")
    if sep and name.strip() and re.fullmatch(_NUMBER + r"\s*h?", hours.strip().lower()):
        return name.strip(), parse_hours(hours, "--shoes")
    return spec.strip(), None
