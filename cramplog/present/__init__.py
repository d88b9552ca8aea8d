"""How every value reads to a person, in the terminal and in the PDFs alike.

One place renders the things a person checks: a value not recorded, yes/no/unknown, water in
the `units` setting (metric: mL and L; us: fl oz), dates, counts with their nouns,
durations, severity, sides and sites, percentages, rates with the nights they rest on, and
text from the diary made safe for a terminal. Nothing else in cramplog formats these on its
own, so an unknown value can never turn into "no", "0", "nan" or "None" on one page and not on
another.

This module imports only the standard library: the logging commands use it (`log` prints the
cramp it saved), and they must stay fast. Values from pandas (NaN, NA, NaT) are recognised
without importing pandas.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date
from typing import Any

__all__ = [
    "DASH",
    "NOT_RATED",
    "UNKNOWN",
    "age",
    "clock",
    "count",
    "day",
    "duration",
    "factor_value",
    "fraction",
    "is_unknown",
    "length",
    "listing",
    "number",
    "p_value",
    "percent",
    "plural",
    "rate",
    "ratio",
    "severity",
    "severity_summary",
    "share",
    "short_day",
    "shorten",
    "side",
    "side_letter",
    "site",
    "span",
    "terminal",
    "time_in_night",
    "water",
    "yes_no",
]

UNKNOWN = "not recorded"
NOT_RATED = "not rated"
DASH = "\u2013"  # an en dash: "not recorded" in a table, explained in its note
ML_PER_US_FL_OZ = 29.5735


def is_unknown(value: Any) -> bool:
    """None, NaN, pandas' NA and NaT: a value that was not recorded."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    # pandas.NA and pandas.NaT, without importing pandas: both are their own class's
    # only instance, and neither equals itself.
    kind = type(value).__name__
    if kind in ("NAType", "NaTType"):
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return False


def number(value: Any, digits: int = 1, *, missing: str = DASH) -> str:
    """A number to `digits` decimals; `missing` when it was not recorded."""
    if is_unknown(value):
        return missing
    return f"{float(value):.{digits}f}"


def _g(value: Any) -> str:
    """A whole number without ".0", else up to 6 significant figures: 2, 2.5, 0.333333."""
    return f"{float(value):g}"


def listing(items: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def plural(n: int, word: str, many: str | None = None) -> str:
    """ "1 cramp", "2 cramps", "0 cramps"; `many` for irregular nouns ("1 pair", "2 pairs")."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def count(n: Any, word: str, many: str | None = None, *, missing: str = UNKNOWN) -> str:
    """`plural` for a count that may be unknown ("nights woken: not recorded")."""
    if is_unknown(n):
        return missing
    return plural(int(n), word, many)


def yes_no(value: Any, *, unknown: str = UNKNOWN) -> str:
    """True -> "yes", False -> "no", anything not recorded -> `unknown` (never "no")."""
    if is_unknown(value):
        return unknown
    return "yes" if bool(value) else "no"


def percent(part: Any, whole: Any, *, missing: str = DASH) -> str:
    """`part` of `whole` as a whole percentage, "33%", halves rounded up as on paper (5 of 8 is
    63%, where Python's own rounding would print 62%); `missing` when either is unknown or the
    whole is 0."""
    if is_unknown(part) or is_unknown(whole) or not whole:
        return missing
    return f"{math.floor(100.0 * float(part) / float(whole) + 0.5)}%"


def fraction(value: Any, *, missing: str = DASH) -> str:
    """A share already divided (0.93) as a whole percentage, "93%"."""
    if is_unknown(value):
        return missing
    return f"{math.floor(100.0 * float(value) + 0.5)}%"


def p_value(p: float) -> str:
    """A p value as a clinician reads it: "p = 0.006", "p < 0.001"."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def ratio(value: Any, *, missing: str = DASH) -> str:
    """A ratio to two significant figures, plainly: 0.35, 2.8, 12."""
    if is_unknown(value):
        return missing
    value = float(value)
    if math.isinf(value):
        return "infinity"
    if value < 0.995:
        return f"{value:.2g}"
    if value < 9.95:
        return f"{value:.1f}"
    return f"{value:.0f}"


def share(part: Any, whole: Any, noun: str = "night", *, missing: str = UNKNOWN) -> str:
    """ "2 of 6 nights (33%)"; `missing` when the part is not known."""
    if is_unknown(part) or is_unknown(whole):
        return missing
    return f"{int(part)} of {plural(int(whole), noun)} ({percent(part, whole)})"


def rate(
    value: Any, nights: int, *, per: str = "cramps per week", enough: bool | None = None
) -> str:
    """A per-week rate with the nights it rests on: "2.3 cramps per week (12 nights logged)".

    Without enough nights (`enough` false, or the rate not computed) it says so instead of
    giving a number from almost nothing.
    """
    logged = plural(nights, "night") + " logged"
    if enough is False or is_unknown(value):
        return f"too few nights for a rate ({logged})"
    return f"{float(value):.1f} {per} ({logged})"


# --- water ---------------------------------------------------------------------------------


def water(ml: Any, units: str = "metric", *, missing: str = UNKNOWN) -> str:
    """Water in the `units` setting: metric "750 mL", "1.5 L"; us "25 fl oz", "51 fl oz"."""
    if is_unknown(ml):
        return missing
    ml = float(ml)
    if units == "us":  # ounces, as US bottles and "64 oz a day" advice count them
        return f"{ml / ML_PER_US_FL_OZ:.0f} fl oz"
    if ml < 1000:
        return f"{ml:.0f} mL"
    return f"{ml / 1000:.2f}".rstrip("0").rstrip(".") + " L"


def water_short(ml: Any, units: str = "metric", *, missing: str = "?") -> str:
    """Water for a narrow table cell: "1.5 L" or "51 oz" (missing: "?")."""
    if is_unknown(ml):
        return missing
    if units == "us":
        return f"{float(ml) / ML_PER_US_FL_OZ:.0f} oz"
    return f"{float(ml) / 1000:.1f} L"


def water_limit(ml: Any, units: str = "metric") -> str:
    """A threshold such as low_water_ml, for a chart line or a sentence: "1.5 L", "51 fl oz"."""
    if units == "us":
        return f"{float(ml) / ML_PER_US_FL_OZ:.0f} fl oz"
    return f"{float(ml) / 1000:g} L"


# --- time ----------------------------------------------------------------------------------


def day(d: date | str) -> str:
    """ "Mon 16 Nov 2026" (a date, or its ISO text as JSON carries it)."""
    if isinstance(d, str):
        d = date.fromisoformat(d)
    return f"{d:%a} {d.day} {d:%b %Y}"


def short_day(d: date) -> str:
    """ "Mon 16 Nov"."""
    return f"{d:%a} {d.day} {d:%b}"


def day_month(d: date) -> str:
    """ "16 Nov"."""
    return f"{d.day} {d:%b}"


def span(lo: date, hi: date) -> str:
    """ "16 Nov to 22 Nov"."""
    return f"{lo.day} {lo:%b} to {hi.day} {hi:%b}"


def length(lo: date, hi: date) -> str:
    """The nights from lo to hi: "12 weeks" when whole weeks, else "40 nights"."""
    nights = (hi - lo).days + 1
    return plural(nights // 7, "week") if nights % 7 == 0 else plural(nights, "night")


def duration(minutes: Any, *, missing: str = UNKNOWN) -> str:
    """How long a cramp lasted: "45 s", "2 min", "1 min 30 s", "1 h 20 min"."""
    if is_unknown(minutes):
        return missing
    seconds = round(float(minutes) * 60)
    if seconds < 60:
        return f"{seconds} s"
    if seconds >= 3600:
        hours, rest = divmod(round(seconds / 60), 60)
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    whole, rest = divmod(seconds, 60)
    return f"{whole} min {rest} s" if rest else f"{whole} min"


def clock(hours_after_18: float) -> str:
    """18.0 + h hours as a 24-hour clock time: 8.5 -> "02:30"."""
    total = round((18.0 + hours_after_18) * 60) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"


def time_in_night(local: Any, night: date, *, missing: str = DASH) -> str:
    """A cramp's local clock time beside its night's date: "22:40" on the evening itself,
    "Sat 03:10" after midnight, so the morning's weekday is there to read and 03:10 is never
    taken for the night's own date."""
    if is_unknown(local):
        return missing
    if local.date() == night:
        return f"{local:%H:%M}"
    return f"{local:%a} {local:%H:%M}"


def age(birth_year: int | None, today: date) -> str:
    if birth_year is None:
        return "Age not recorded."
    return f"Age {today.year - birth_year} (born {birth_year})."


def factor_value(value: Any, kind: str, unit: str | None = None, *, missing: str = UNKNOWN) -> str:
    """A day's value of an own factor: "yes" / "no" for a yes/no factor, else "5.5 h";
    `missing` when not recorded that day (unknown, never "no")."""
    if is_unknown(value):
        return missing
    if kind == "yesno":
        return "yes" if float(value) >= 0.5 else "no"
    return _g(value) + (f" {unit}" if unit else "")


# --- the cramp itself ----------------------------------------------------------------------


def severity(value: Any, *, missing: str = NOT_RATED) -> str:
    """A severity 0-10 as typed ("6", "6.5"); `missing` when not rated."""
    if is_unknown(value):
        return missing
    return _g(value)


def severity_summary(mean: Any, worst: Any, episodes: int) -> str:
    """Mean and worst severity of a period: "6.0 (worst 8)"; "not rated" when cramps were
    logged without one, a dash when there were no cramps."""
    if is_unknown(mean):
        return NOT_RATED if episodes else DASH
    return f"{float(mean):.1f} (worst {_g(worst)})"


def side(value: Any, *, missing: str = UNKNOWN) -> str:
    """left / right / both, or `missing` (a side not given is unknown, not "none")."""
    if is_unknown(value) or not str(value):
        return missing
    return str(value)


def side_letter(value: Any) -> str:
    """A side in a narrow cell: "L", "R", "both", or "" when not recorded."""
    if is_unknown(value) or not str(value):
        return ""
    text = str(value)
    return text if text == "both" else text[0].upper()


def site(value: Any, *, missing: str = UNKNOWN) -> str:
    if is_unknown(value) or not str(value):
        return missing
    return str(value)


def where(site_value: Any, side_value: Any, *, missing: str = "?") -> str:
    """Site and side together: "calf (L)", "foot (both)", "calf", "? (R)"."""
    text = site(site_value, missing=missing)
    letter = side_letter(side_value)
    return f"{text} ({letter})" if letter else text


# --- text from the diary -------------------------------------------------------------------


def terminal(text: Any) -> str:
    """Text from the diary made safe to print: control characters (escape sequences that could
    move the cursor or change colours, carriage returns, tabs) are shown escaped, as \\x1b or
    \\n, so a note prints as typed and never rewrites the screen."""
    if is_unknown(text):
        return ""
    out = []
    for char in str(text):
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") and char not in "\u200d":
            out.append(char.encode("unicode_escape").decode("ascii"))
        else:
            out.append(char)
    return "".join(out)


def shorten(text: Any, width: int = 40) -> str:
    """Text cut to `width` characters at a word where possible, with "..." when cut; "" when
    there is none."""
    if is_unknown(text):
        return ""
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut[width // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;.") + "\u2026"


# --- statistics in plain words -------------------------------------------------------------

_P = re.compile(r"\bp\s*(=|<)\s*(0?\.\d+|\d(?:\.\d+)?)")
_ASR = re.compile(
    r"adjusted sequence ratio (\d+(?:\.\d+)?)(?: \((?:95% CI )?(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)\))?"
)


def chance(p: float) -> str:
    """A p value in words: how often chance alone would give a difference this large."""
    if p < 0.001:
        return "less than 1 time in 1,000"
    if p >= 0.5:
        return "about every other time or more"
    return f"about 1 time in {round(1 / p):,}"


def plain_words(text: str) -> str:
    """Statistics in a sentence for the person, glossed where they stand bare: "p = 0.006"
    becomes "(p = 0.006: chance alone would give this about 1 time in 167)", and a published
    "adjusted sequence ratio 1.48" says what it measured. Figures are kept, never dropped."""

    def p_value(m: re.Match[str]) -> str:
        value = float(m.group(2))
        words = chance(value) if m.group(1) == "=" else chance(min(value, 0.0009))
        return f"{m.group(0)}: chance alone would give a difference this large {words}"

    def asr(m: re.Match[str]) -> str:
        ratio = m.group(1)
        ci = f" (95% CI {m.group(2)} to {m.group(3)})" if m.group(2) else ""
        return (
            f"in a large study of prescriptions, cramp treatment followed starting it {ratio} "
            f"times as often as it came before{ci}"
        )

    return _P.sub(p_value, _ASR.sub(asr, text))
