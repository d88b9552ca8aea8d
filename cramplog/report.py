"""The weekly report and the appointment packet, as PDFs made with matplotlib's PdfPages.

Pages are matplotlib figures the size of the paper (A4 or letter, the `paper` setting) on
which text, tables and charts are placed at positions in inches; text stays real text, so a
PDF reader can search it and `pdftotext` finds every number. With SOURCE_DATE_EPOCH set, the
creation date, the "made on" date and therefore every byte depend only on the diary.

Nothing here reads the database: the command gathers an `Inputs` (the nightly frame of the
whole diary up to the report's last night, the profile, the provider-visit check) and passes
it in. Wording follows the project's rule: cramplog suggests, never diagnoses, and never tells
anyone to start, stop or change a medicine.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from cramplog import __version__, analysis, charts, knowledge
from cramplog.charts import DARK, INK, MID

if TYPE_CHECKING:
    from cramplog.flags import Check, Flag
    from cramplog.frame import Nightly

__all__ = [
    "DISCLAIMER",
    "PAPER_SIZES",
    "Inputs",
    "Profile",
    "Written",
    "appointment",
    "made_at",
    "weekly",
]

PAPER_SIZES = {"a4": (8.27, 11.69), "letter": (8.5, 11.0)}
MARGIN = 0.6  # inches on every side
FOOTER = 0.42  # inches kept free above the bottom margin for the footer
LEADING = 1.32  # line height as a multiple of the font size
ASCENT = 0.93  # DejaVu Sans ascent as a multiple of the font size
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


@dataclass(frozen=True)
class Inputs:
    """Everything a report shows, gathered once by the command."""

    nightly: Nightly  # the whole diary up to the report's last night
    profile: Profile
    check: Check | None  # provider-visit flags as of the report's last night
    made: datetime  # when the report is made (SOURCE_DATE_EPOCH, else now)
    paper: str = "a4"


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


# --- text measuring and wrapping -----------------------------------------------------------


@functools.cache
def _font(bold: bool) -> Any:
    from matplotlib.font_manager import FontProperties, findfont, get_font

    # DejaVu Sans is wider than Helvetica, so wrapping by its widths fits either font.
    props = FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal")
    font = get_font(findfont(props))
    font.set_size(10, 72)
    return font


@functools.cache
def _advance(char: str, bold: bool) -> float:
    """Width of one character at 10 pt, in points (cached: a report uses few distinct ones)."""
    from matplotlib.ft2font import LoadFlags

    glyph = _font(bold).load_char(ord(char), flags=LoadFlags.NO_HINTING)
    return glyph.linearHoriAdvance / 65536


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of `text` in inches at `size` points (kerning ignored: it is a wrap estimate)."""
    return sum(_advance(c, bold) for c in text) * size / 10 / 72


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Greedy word wrap of `text` into lines at most `width` inches wide."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, size, bold) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


# --- a page --------------------------------------------------------------------------------


@dataclass
class Column:
    """A table column: header, width in inches, alignment."""

    header: str
    width: float
    align: str = "left"


class Page:
    """A paper-sized figure filled from the top; positions are inches from the bottom left."""

    def __init__(self, paper: str, scale: float = 1.0) -> None:
        self.scale = scale  # every font size and gap is multiplied by it, to fit a summary
        self.w, self.h = PAPER_SIZES.get(paper, PAPER_SIZES["a4"])
        self.fig = Figure(figsize=(self.w, self.h))
        self.y = self.h - MARGIN
        self.left = MARGIN
        self.width = self.w - 2 * MARGIN

    def room(self) -> float:
        """Inches left between the cursor and the footer."""
        return self.y - MARGIN - FOOTER

    def _put(self, x: float, y: float, text: str, **kwargs: Any) -> None:
        self.fig.text(x, y, text, transform=self.fig.dpi_scale_trans, **kwargs)

    def _lines(self, x: float, top: float, lines: list[str], size: float, **kwargs: Any) -> None:
        """Lines of text, the first line box starting at `top`. Each line is placed on its
        own baseline (the font's ascent below its top), so that words with and without tall
        letters line up across table cells, whatever font the PDF ends up using."""
        step = size * LEADING / 72
        for i, line in enumerate(lines):
            if line:  # an empty cell: an artist with nothing to draw still costs time
                baseline = top - ASCENT * size / 72 - i * step
                self._put(x, baseline, line, fontsize=size, va="baseline", **kwargs)

    def rule(self, y: float | None = None, width: float = 0.5, color: str = MID) -> None:
        y = self.y if y is None else y
        line = Line2D(
            [self.left, self.left + self.width],
            [y, y],
            linewidth=width,
            color=color,
            transform=self.fig.dpi_scale_trans,
        )
        self.fig.add_artist(line)

    def space(self, inches: float) -> None:
        self.y -= inches

    def text(
        self,
        text: str,
        *,
        size: float = 8.5,
        bold: bool = False,
        color: str = INK,
        indent: float = 0.0,
        after: float = 0.05,
        italic: bool = False,
    ) -> None:
        """A wrapped paragraph at the cursor."""
        size, after = size * self.scale, after * self.scale
        lines = wrap(text, self.width - indent, size, bold)
        self._lines(
            self.left + indent,
            self.y,
            lines,
            size,
            weight="bold" if bold else "normal",
            color=color,
            style="italic" if italic else "normal",
        )
        self.y -= len(lines) * size * LEADING / 72 + after

    def height(
        self, text: str, *, size: float = 8.5, bold: bool = False, indent: float = 0.0
    ) -> float:
        """Inches a paragraph would take."""
        size *= self.scale
        return len(wrap(text, self.width - indent, size, bold)) * size * LEADING / 72 + 0.05

    def title(self, text: str, subtitle: str = "") -> None:
        self.text(text, size=15, bold=True, after=0.04)
        if subtitle:
            self.text(subtitle, size=8.5, color=DARK, after=0.04)
        self.rule(self.y, width=1.0, color=INK)
        self.space(0.12)

    def heading(self, text: str, note: str = "") -> None:
        self.space(0.08 * self.scale)
        self.text(text, size=11, bold=True, after=0.03 if note else 0.06)
        if note:
            self.text(note, size=7.5, color=DARK, after=0.06)

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        *,
        size: float = 7.5,
        bold_first: bool = False,
    ) -> list[Sequence[str]]:
        """A table at the cursor; returns the rows that did not fit (to continue elsewhere)."""
        size *= self.scale
        line_h = size * LEADING / 72
        self._row(columns, [c.header for c in columns], size, bold=True)
        self.rule(self.y + 0.03, width=0.6, color=INK)
        self.space(0.04)
        for i, row in enumerate(rows):
            cells = [wrap(str(v), c.width - 0.06, size) for v, c in zip(row, columns, strict=True)]
            need = max(len(c) for c in cells) * line_h + 0.03
            if need > self.room():
                return list(rows[i:])
            self._row(columns, row, size, first_bold=bold_first)
        self.rule(self.y + 0.02, width=0.4)
        self.space(0.06)
        return []

    def table_height(
        self, columns: Sequence[Column], rows: Sequence[Sequence[str]], *, size: float = 7.5
    ) -> float:
        """Inches a whole table would take, header and rules included."""
        size *= self.scale
        line_h = size * LEADING / 72

        def lines(row: Sequence[str], bold: bool) -> int:
            return max(
                len(wrap(str(v), c.width - 0.06, size, bold))
                for v, c in zip(row, columns, strict=True)
            )

        header = lines([c.header for c in columns], True) * line_h + 0.07
        body = sum(lines(r, False) * line_h + 0.03 for r in rows)
        return header + body + 0.06

    def _row(
        self,
        columns: Sequence[Column],
        row: Sequence[str],
        size: float,
        *,
        bold: bool = False,
        first_bold: bool = False,
    ) -> None:
        line_h = size * LEADING / 72
        x = self.left
        most = 1
        for i, (value, column) in enumerate(zip(row, columns, strict=True)):
            weight_bold = bold or (first_bold and i == 0)
            lines = wrap(str(value), column.width - 0.06, size, weight_bold)
            most = max(most, len(lines))
            anchor = x + (column.width - 0.06 if column.align == "right" else 0.0)
            self._lines(
                anchor,
                self.y,
                lines,
                size,
                ha=column.align,
                weight="bold" if weight_bold else "normal",
            )
            x += column.width
        self.y -= most * line_h + 0.03

    def chart(self, draw: Callable[..., Any], height: float, *args: Any, **kwargs: Any) -> None:
        """A chart from `charts` in a band `height` inches tall at the cursor, full width."""
        height = min(height, self.room())
        # A subfigure fills its gridspec cell as given by the width and height ratios alone
        # (gridspec margins are ignored), so the band is the middle cell of a 3 x 3 grid.
        tiny = 1e-6
        left = self.left - 0.1
        grid = self.fig.add_gridspec(
            3,
            3,
            height_ratios=[max(self.h - self.y, tiny), height, max(self.y - height, tiny)],
            width_ratios=[left, self.width + 0.2, max(self.w - left - self.width - 0.2, tiny)],
            left=0,
            right=1,
            top=1,
            bottom=0,
            wspace=0,
            hspace=0,
        )
        draw(*args, figure=self.fig.add_subfigure(grid[1, 1]), **kwargs)
        self.y -= height

    def footer(self, made: datetime, number: int, total: int) -> None:
        y = MARGIN + 0.05
        self.rule(MARGIN + 0.2, width=0.5)
        self._put(self.left, y, DISCLAIMER, fontsize=7, va="baseline", color=DARK)
        right = f"Made {_day(made.date())} \u00b7 page {number} of {total}"
        self._put(
            self.left + self.width, y, right, fontsize=7, va="baseline", ha="right", color=DARK
        )


# --- formatting ----------------------------------------------------------------------------


def _day(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


def _short(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b}"


def _length(lo: date, hi: date) -> str:
    nights = (hi - lo).days + 1
    return f"{nights // 7} weeks" if nights % 7 == 0 else _plural(nights, "night")


def _span(lo: date, hi: date) -> str:
    return f"{lo.day} {lo:%b} to {hi.day} {hi:%b}"


def _number(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    return f"{value:.{digits}f}"


def _percent(part: float, whole: float) -> str:
    return f"{100.0 * part / whole:.0f}%" if whole else DASH


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _severity(e: dict[str, Any]) -> str:
    if e["mean_severity"] is None:
        return "not rated" if e["episodes"] else DASH
    return f"{e['mean_severity']:.1f} (worst {e['max_severity']:g})"


def _age(profile: Profile, today: date) -> str:
    if profile.birth_year is None:
        return "Age not recorded."
    return f"Age {today.year - profile.birth_year} (born {profile.birth_year})."


# --- shared sections -----------------------------------------------------------------------


def _flag_section(page: Page, check: Check | None, as_of: date) -> None:
    flags = check.flags if check is not None else []
    page.heading(
        "Worth raising with a healthcare provider",
        f"Provider-visit rules checked over the nights to {_day(as_of)}, most pressing first. "
        "Each names its source.",
    )
    if not flags:
        checked = len(check.checked) if check is not None else 0
        page.text(
            f"Nothing tripped: none of the {checked} rules for suggesting a visit applies to "
            "the nights logged. If something worries you, ask a healthcare provider anyway.",
            after=0.08,
        )
        return
    for flag in flags:
        _flag(page, flag)


def _flag(page: Page, flag: Flag) -> None:
    label = knowledge.level_label(flag.level).upper()
    page.text(f"{label}: {flag.title}", bold=True, after=0.01)
    since = f" Since {_day(flag.since)}." if flag.since else ""
    page.text(flag.message + since, indent=0.15, after=0.01)
    page.text(f"Suggestion: {flag.advice}", indent=0.15, after=0.01)
    page.text(f"Source: {_short_sources(flag)}", size=7.2, color=DARK, indent=0.15, after=0.07)


def _short_sources(flag: Flag) -> str:
    """A flag's sources by their short names (the packet lists the full references)."""
    table = knowledge.sources()
    named = [table[k].short for k in flag.source_keys if k in table]
    return "; ".join(named) if named else flag.source


def _strongest(factors: list[dict[str, Any]], count: int = 3) -> list[dict[str, Any]]:
    """The `count` findings with the smallest q (then p); a day-before version is left out
    when its same-day version is a finding too, since it mostly repeats it."""
    found = [f for f in factors if analysis.is_finding(f)]
    same_day = {f["factor"] for f in found if f["lag"] == 0}
    found = [f for f in found if f["lag"] == 0 or f["factor"] not in same_day]
    found.sort(
        key=lambda f: (f["q_value"] if f["q_value"] is not None else 1.0, f["p_value"] or 1.0)
    )
    # Two factors on exactly the same nights (a pair of shoes that is the only tight pair) are
    # one finding: keep the first, so the three shown say three different things.
    distinct: list[dict[str, Any]] = []
    seen: set[tuple[int, ...]] = set()
    for f in found:
        key = tuple(
            f[k]
            for k in (
                "exposed_nights",
                "exposed_cramp_nights",
                "unexposed_nights",
                "unexposed_cramp_nights",
            )
        )
        if key not in seen:
            seen.add(key)
            distinct.append(f)
    return distinct[:count]


def _is_medicine(factor: str) -> bool:
    return factor.startswith("medication:") or factor == "listed_medication"


def _why_no_insights(factors: list[dict[str, Any]], observed: int) -> str:
    if not factors:
        return (
            "No day factors are logged yet (water, exercise, shoes, stretching...), so there is "
            "nothing to compare. Log each day with: cramplog day"
        )
    enough = [f for f in factors if f["enough_data"]]
    if not enough:
        return (
            f"Not enough nights yet to compare any factor ({observed} nights logged): each needs "
            f"at least {analysis.MIN_GROUP_NIGHTS} logged nights with it and "
            f"{analysis.MIN_GROUP_NIGHTS} without, and {analysis.MIN_OBSERVED_NIGHTS} in all."
        )
    return (
        f"Nothing stands out yet: none of the {len(enough)} factors with enough nights goes "
        "clearly with more or fewer cramp nights (each 95% CI includes 1)."
    )


def _insight_section(
    page: Page, nightly: Nightly, end: date, factors: list[dict[str, Any]]
) -> None:
    observed = int(nightly.frame.loc[: pd.Timestamp(end), "observed"].sum())
    page.heading(
        "What seems to matter",
        f"The strongest associations over the whole diary ({_day(nightly.start)} to "
        f"{_day(end)}, {observed} nights logged).",
    )
    top = _strongest(factors)
    if not top:
        page.text(_why_no_insights(factors, observed))
    for i, f in enumerate(top, 1):
        advice = f" {knowledge.MEDICATION_ADVICE}" if _is_medicine(f["factor"]) else ""
        page.text(f"{i}. {f['sentence']}{advice}", indent=0.0, after=0.04)
    page.text(analysis.NOTE, size=7.2, color=DARK, after=0.06)


# --- the weekly report ---------------------------------------------------------------------


def weekly(inputs: Inputs, monday: date, path: Path) -> Written:
    """The report of the Monday-to-Sunday week starting `monday`: one or two pages."""
    with charts.style():
        return _weekly(inputs, monday, path)


def _weekly(inputs: Inputs, monday: date, path: Path) -> Written:
    sunday = monday + timedelta(days=6)
    nightly = inputs.nightly
    first = _first_logged(nightly)
    if first is None:
        heading = f"Night cramps: week of {_short(monday)} to {_day(sunday)}"
        page = _nothing_page(inputs, heading, sunday)
        return _save([page], inputs, path, _meta(inputs, "weekly", monday))
    pages = [Page(inputs.paper)]
    page = pages[0]
    iso = monday.isocalendar()
    this = analysis.endpoints(nightly, monday, sunday)
    page.title(
        f"Night cramps: week of {_short(monday)} to {_day(sunday)}",
        f"Week {iso.year}-W{iso.week:02d} \u00b7 {this['nights_observed']} of 7 nights logged "
        f"\u00b7 from your own diary",
    )
    _week_numbers(page, nightly, monday, first)
    _flag_section(page, inputs.check, sunday)
    _night_table(pages, inputs, monday)
    _trend_section(pages, inputs, monday, first)
    factors = analysis.insights(nightly, None, sunday)["factors"]
    page = _next_page(pages, inputs, need=1.6)
    _insight_section(page, nightly, sunday, factors)
    page = _next_page(pages, inputs, need=0.9)
    _completeness(page, nightly, monday, first)
    return _save(pages, inputs, path, _meta(inputs, "weekly", monday))


def _first_logged(nightly: Nightly) -> date | None:
    """The diary's first observed night in the frame, None when nothing is logged."""
    observed = nightly.frame.index[nightly.frame["observed"].to_numpy(dtype=bool)]
    return observed.min().date() if len(observed) else None


def _trend_section(pages: list[Page], inputs: Inputs, monday: date, first: date) -> None:
    """The weekly trend from the diary's first week (at most 12 weeks back)."""
    sunday = monday + timedelta(days=6)
    first_monday = first - timedelta(days=first.weekday())
    start = max(monday - timedelta(weeks=TREND_WEEKS - 1), first_monday)
    weeks = (sunday - start).days // 7 + 1
    if weeks < 2:
        page = _next_page(pages, inputs, need=0.8)
        page.heading("Week by week")
        page.text(
            f"The diary began on {_day(first)}: a chart of the weeks shows from the second week on."
        )
        return
    page = _next_page(pages, inputs, need=4.6)
    label = f"The last {weeks} weeks" if weeks == TREND_WEEKS else f"The {weeks} weeks so far"
    page.heading(label)
    page.chart(charts.trend, 3.3, inputs.nightly, start, sunday, mark=monday)


def _next_page(pages: list[Page], inputs: Inputs, need: float) -> Page:
    """The current page if `need` inches are left on it, else a new one."""
    if pages[-1].room() >= need:
        return pages[-1]
    pages.append(Page(inputs.paper))
    return pages[-1]


def _week_numbers(page: Page, nightly: Nightly, monday: date, first: date) -> None:
    """This week, the week before, and the average week of the 4 before (of those the diary
    has: weeks before it began would pull the average down with nights never logged)."""
    sunday = monday + timedelta(days=6)
    this = analysis.endpoints(nightly, monday, sunday)
    before = analysis.endpoints(nightly, monday - timedelta(days=7), monday - timedelta(days=1))
    first_monday = first - timedelta(days=first.weekday())
    weeks = max(0, min(4, (monday - first_monday).days // 7))
    four = analysis.endpoints(
        nightly, monday - timedelta(days=7 * max(weeks, 1)), monday - timedelta(days=1)
    )
    page.heading("The week in numbers")
    if this["nights_observed"] == 0:
        page.text(
            "No nights logged this week. Nights without an entry are unknown, not cramp-free: "
            "log each morning with cramplog log (a cramp) or cramplog none (no cramps).",
            bold=True,
        )

    def per_week(e: dict[str, Any], key: str) -> str:
        if weeks == 0:
            return DASH
        if e[key] is None:  # nights woken when no night's waking is known
            return "unknown"
        return f"{e[key] / weeks:.1f}" if weeks > 1 else str(e[key])

    def count(e: dict[str, Any], key: str) -> str:
        return "unknown" if e[key] is None else str(e[key])

    rows = []
    for label, key in (
        ("Nights logged (of 7)", "nights_observed"),
        ("Nights with cramps", "cramp_nights"),
        ("Cramps", "episodes"),
        ("Nights woken by cramps", "woke_nights"),
    ):
        rows.append(
            [label, count(this, key), count(before, key) if weeks else DASH, per_week(four, key)]
        )
    severity_then = _severity(four) if weeks else DASH
    minutes_then = _number(four["mean_minutes"]) if weeks else DASH
    rows.append(["Severity 0-10, mean (worst)", _severity(this), _severity(before), severity_then])
    rows.append(
        [
            "Duration, mean minutes per cramp",
            _number(this["mean_minutes"]),
            _number(before["mean_minutes"]),
            minutes_then,
        ]
    )
    average = "Average of the week before" if weeks == 1 else f"Average of the {weeks} weeks before"
    columns = [
        Column("", 2.35),
        Column("This week", 1.25, "right"),
        Column("Week before", 1.25, "right"),
        Column(average if weeks else "Weeks before", 1.9, "right"),
    ]
    page.table(columns, rows)
    page.text(_week_sentence(this, before, four, weeks), size=8.5, after=0.04)


def _week_sentence(
    this: dict[str, Any], before: dict[str, Any], four: dict[str, Any], weeks: int
) -> str:
    """Cramp nights out of logged nights, this week against before: rates, so that a week with
    fewer nights logged is not read as a better week."""

    def part(e: dict[str, Any]) -> str:
        k, n = e["cramp_nights"], e["nights_observed"]
        return (
            f"{k} of {_plural(n, 'logged night')} ({_percent(k, n)})" if n else "no nights logged"
        )

    head = f"Cramps came on {part(this)} this week"
    if weeks == 0:
        return head + "; the diary began this week."
    if weeks == 1:
        return f"{head}, against {part(before)} the week before."
    return (
        f"{head}, against {part(before)} the week before and {part(four)} in the {weeks} weeks "
        "before this one."
    )


def _night_table(pages: list[Page], inputs: Inputs, monday: date) -> None:
    """The week night by night, kept on one page: on the next one if it does not fit here."""
    nightly = inputs.nightly
    sunday = monday + timedelta(days=6)
    rows: list[Sequence[str]] = [_night_row(nightly, monday + timedelta(days=i)) for i in range(7)]
    columns = [
        Column("Night", 0.78),
        Column("Cramps", 0.55, "right"),
        Column("Worst 0-10", 0.5, "right"),
        Column("Longest", 0.55, "right"),
        Column("First at", 0.5, "right"),
        Column("Where", 1.05),
        Column("Woke", 0.4),
        Column("Water", 0.5, "right"),
        Column("Exercise", 0.8),
        Column("Stretch", 0.48),
        Column("Shoes", 0.96),
    ]
    page = _next_page(pages, inputs, need=pages[-1].table_height(columns, rows, size=7.2) + 0.75)
    page.heading(
        "Night by night",
        "Each night with the day's factors (day D's water, exercise and shoes go with the night "
        "that begins that evening). ? = not recorded.",
    )
    rows = page.table(columns, rows, size=7.2)
    while rows:
        page = Page(inputs.paper)
        pages.append(page)
        page.heading("Night by night (continued)")
        rows = page.table(columns, rows, size=7.2)
    regular = _regular_medicines(nightly, monday, sunday)
    taken = _as_needed_taken(nightly, monday, sunday)
    words = []
    if regular:
        words.append("Regular medicines this week: " + ", ".join(regular) + ".")
    if taken:
        words.append("As needed: " + "; ".join(taken) + ".")
    if words:
        page.text(" ".join(words), size=7.5, after=0.06)


def _night_row(nightly: Nightly, night: date) -> list[str]:
    stamp = pd.Timestamp(night)
    frame = nightly.frame
    if stamp not in frame.index:
        return [_short(night), "not logged", *([""] * 3), "", "", *_day_cells(None)]
    row = frame.loc[stamp]
    factors = _day_cells(row)
    if not bool(row["observed"]):
        return [_short(night), "not logged", "", "", "", "", "", *factors]
    count = int(row["episodes"])
    if count == 0:
        return [_short(night), "none", "", "", "", "", "", *factors]
    worst = DASH if pd.isna(row["max_severity"]) else f"{float(row['max_severity']):g}"
    longest = DASH if pd.isna(row["max_minutes"]) else _minutes(float(row["max_minutes"]))
    first = DASH if pd.isna(row["first_at"]) else charts._clock(float(row["first_at"]))
    woke = "yes" if bool(row["woke"]) else "no"
    return [
        _short(night),
        str(count),
        worst,
        longest,
        first,
        _where(nightly, stamp),
        woke,
        *factors,
    ]


def _minutes(value: float) -> str:
    return f"{round(value * 60)} s" if value < 1 else f"{value:g} min"


def _where(nightly: Nightly, stamp: pd.Timestamp) -> str:
    table = nightly.episodes
    if table is None or table.empty:
        return ""
    found = table[pd.to_datetime(table["night"]) == stamp]
    parts = []
    for site, side in zip(found["site"], found["side"], strict=True):
        text = site or "?"
        if side:
            text += f" ({side[0].upper()})" if side != "both" else " (both)"
        parts.append(text)
    return ", ".join(dict.fromkeys(parts))


def _day_cells(row: pd.Series | None) -> list[str]:
    """Water, exercise, stretching and shoes of the day, as table cells."""
    if row is None:
        return ["?", "?", "?", "?"]

    def known(column: str) -> Any:
        """The day's value, None where not recorded (numpy and pandas scalars made plain)."""
        if column not in row.index or pd.isna(row[column]):
            return None
        value = row[column]
        return bool(value) if isinstance(value, bool | np.bool_) else value

    water = known("water_ml")
    exercise = known("exercise_minutes")
    kinds = [
        c.split(":", 1)[1]
        for c in row.index
        if c.startswith("exercise:") and not c.endswith(":lag1") and known(c) is True
    ]
    stretched = known("stretched")
    shoes = [
        c.split(":", 1)[1]
        for c in row.index
        if c.startswith("shoes:") and not c.endswith(":lag1") and known(c) is True
    ]
    shoes_known = any(known(c) is not None for c in row.index if c.startswith("shoes:"))
    return [
        "?" if water is None else f"{float(water) / 1000:.1f} L",
        "?"
        if exercise is None
        else f"{float(exercise):g} min" + (f" {', '.join(kinds)}" if kinds else ""),
        "?" if stretched is None else ("yes" if bool(stretched) else "no"),
        ", ".join(shoes) if shoes else ("?" if not shoes_known else "none"),
    ]


def _regular_medicines(nightly: Nightly, lo: date, hi: date) -> list[str]:
    names = []
    for med in nightly.medications:
        if med.get("as_needed"):
            continue
        started, stopped = med.get("started"), med.get("stopped")
        if (started is None or started <= hi) and (stopped is None or stopped >= lo):
            names.append(str(med["name"]) + (f" {med['dose']}" if med.get("dose") else ""))
    return names


def _as_needed_taken(nightly: Nightly, lo: date, hi: date) -> list[str]:
    found = []
    rows = nightly.frame.reindex(pd.date_range(lo, hi, freq="D"))
    for med in nightly.medications:
        column = f"medication:{med['name']}"
        if not med.get("as_needed") or column not in rows:
            continue
        days = [d for d, v in rows[column].items() if not pd.isna(v) and bool(v)]
        if days:
            found.append(f"{med['name']} on " + ", ".join(f"{d:%a}" for d in days))
    return found


def _completeness(page: Page, nightly: Nightly, monday: date, first: date) -> None:
    """Logged nights this week, over the trend's weeks and since the diary began."""
    sunday = monday + timedelta(days=6)
    page.heading("How complete the diary is")
    week = analysis.endpoints(nightly, monday, sunday)
    start = max(monday - timedelta(weeks=TREND_WEEKS - 1), first)
    recent = analysis.endpoints(nightly, start, sunday)
    whole = analysis.endpoints(nightly, first, sunday)

    def part(e: dict[str, Any]) -> str:
        logged, nights = e["nights_observed"], e["nights_in_period"]
        return f"{logged} of {nights} nights logged ({_percent(logged, nights)})"

    parts = [f"This week: {part(week)}."]
    if first < start:  # a diary older than the trend's weeks
        parts.append(f"Last {TREND_WEEKS} weeks: {part(recent)}.")
        parts.append(f"Whole diary since {_day(first)}: {part(whole)}.")
    elif first < monday:
        parts.append(f"Since the diary began on {_day(first)}: {part(whole)}.")
    parts.append("A night without an entry counts as unknown, never as cramp-free.")
    page.text(" ".join(parts))


# --- the appointment packet ----------------------------------------------------------------


def appointment(inputs: Inputs, start: date, end: date, path: Path) -> Written:
    """The packet for an appointment: a one-minute summary, the charts, every cramp."""
    with charts.style():
        return _appointment(inputs, start, end, path)


def _appointment(inputs: Inputs, start: date, end: date, path: Path) -> Written:
    nightly = inputs.nightly
    first = _first_logged(nightly)
    if first is None:
        page = _nothing_page(inputs, "Night cramp diary: summary for the appointment", end)
        return _save([page], inputs, path, _meta(inputs, "appointment", start, end))
    # A diary younger than the period asked for: the period starts with the diary, so that its
    # completeness is not diluted by nights from before the person began.
    start = max(start, first)
    insight = analysis.insights(nightly, None, end)
    pages = _summary(inputs, start, end, insight)
    if _episode_count(nightly, start, end):
        pages.extend(_chart_pages(inputs, start, end, insight["factors"]))
        pages.extend(_episode_pages(inputs, start, end))
    return _save(pages, inputs, path, _meta(inputs, "appointment", start, end))


def _episode_count(nightly: Nightly, start: date, end: date) -> int:
    return int(analysis.endpoints(nightly, start, end)["episodes"])


class _Sources:
    """Numbered references, in order of first citation, for the summary page."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def cite(self, keys: Sequence[str]) -> str:
        numbers = []
        for key in keys:
            if key not in self.keys:
                self.keys.append(key)
            numbers.append(str(self.keys.index(key) + 1))
        return "[" + ", ".join(numbers) + "]"


SUMMARY_SCALES = (1.0, 0.94, 0.88, 0.82)


def _summary(inputs: Inputs, start: date, end: date, insight: dict[str, Any]) -> list[Page]:
    """Page one, at the largest type that fits one page; a very full summary (many flags and
    medicines) goes on to a second page rather than into unreadably small type."""
    for scale in SUMMARY_SCALES:
        pages = _summary_pages(inputs, start, end, insight, scale)
        if len(pages) == 1:
            return pages
    return pages


def _summary_pages(
    inputs: Inputs, start: date, end: date, insight: dict[str, Any], scale: float
) -> list[Page]:
    nightly = inputs.nightly
    pages = [Page(inputs.paper, scale)]
    page = pages[0]
    period = analysis.endpoints(nightly, start, end)
    logged = _percent(period["nights_observed"], period["nights_in_period"])
    page.title(
        "Night cramp diary: summary for the appointment",
        f"{_day(start)} to {_day(end)} ({_length(start, end)}) \u00b7 "
        f"{period['nights_observed']} of {period['nights_in_period']} nights logged ({logged}) "
        "\u00b7 a self-kept diary",
    )
    sources = _Sources()
    _who(page, inputs, start, end, sources)
    _endpoint_table(page, nightly, start, end)
    page.heading("Trend")
    page.text(analysis.trend(nightly, end)["sentence"])
    if not _episode_count(nightly, start, end):
        page.text(
            "No cramps were logged in this period, so there are no charts and no table of cramps.",
            bold=True,
        )
    lines = _flag_lines(inputs.check, sources)
    lines += _tried_lines(nightly, end, insight)
    refs = _source_lines(sources)
    for block in lines + refs:
        need = page.height(block.text, size=block.size, bold=block.bold)
        if page.room() < need + (0.3 if block.heading else 0):
            page = Page(inputs.paper, scale)
            pages.append(page)
        block.put(page)
    return pages


@dataclass
class _Block:
    """A paragraph of the summary page: its text, or a heading and its note."""

    text: str
    size: float = 8.0
    heading: bool = False
    note: str = ""
    color: str = INK
    bold: bool = False
    after: float = 0.04

    def put(self, page: Page) -> None:
        if self.heading:
            page.heading(self.text, self.note)
        else:
            page.text(self.text, size=self.size, color=self.color, bold=self.bold, after=self.after)


def _who(page: Page, inputs: Inputs, start: date, end: date, sources: _Sources) -> None:
    profile = inputs.profile
    page.heading("Who")
    table = knowledge.conditions()
    named = [table[c] for c in profile.conditions if c in table]
    conditions = (
        "; ".join(f"{c.name} {sources.cite(c.source)}" for c in named) if named else "none recorded"
    )
    page.text(f"{_age(profile, end)} Conditions on the profile: {conditions}.")
    rows = []
    marked = False
    for med in inputs.nightly.medications:
        started, stopped = med.get("started"), med.get("stopped")
        if stopped is not None and stopped < start:
            continue
        listed = knowledge.match_medication(str(med["name"]), profile.aliases)
        note = ""
        if listed is not None:
            marked = True
            note = f"* {listed.name}: {listed.association} {sources.cite(listed.source)}"
        when = "as needed" if med.get("as_needed") else "regular"
        since = _day(started) if started else "before the diary"
        if stopped is not None:
            since += f", stopped {_day(stopped)}"
        rows.append(
            [
                ("* " if listed else "") + str(med["name"]),
                med.get("dose") or DASH,
                when,
                since,
                note,
            ]
        )
    if not rows:
        page.text("Medicines: none recorded.")
        return
    columns = [
        Column("Medicine", 1.35),
        Column("Dose", 0.6),
        Column("Taken", 0.6),
        Column("Since", 1.2),
        Column("Reported with night cramps", 3.3),
    ]
    page.table(columns, rows, size=7.2)
    if marked:
        page.text(
            f"* On the list of medicines reported in association with night cramps. "
            f"{knowledge.MEDICATION_ADVICE}",
            size=7.2,
            color=DARK,
        )


def _endpoint_table(page: Page, nightly: Nightly, start: date, end: date) -> None:
    page.heading(
        "Endpoints, as trial diaries report them",
        "Cramps per week = cramps / (logged nights / 7); severity 0-10 and duration are per cramp.",
    )
    # The last 4 weeks and the 4 before, cut at the start of the period (the diary's first
    # night at the latest): nights before the diary began were never going to be logged.
    recent_lo = max(end - timedelta(days=27), start)
    before_lo = max(end - timedelta(days=55), start)
    before_hi = end - timedelta(days=28)
    periods: list[dict[str, Any] | None] = [
        analysis.endpoints(nightly, start, end),
        analysis.endpoints(nightly, recent_lo, end),
        analysis.endpoints(nightly, before_lo, before_hi) if before_lo <= before_hi else None,
    ]

    def cells(key: Callable[[dict[str, Any]], str]) -> list[str]:
        return [DASH if e is None else key(e) for e in periods]

    rows = [
        ["Nights logged", *cells(lambda e: f"{e['nights_observed']} of {e['nights_in_period']}")],
        ["Cramps per week", *cells(lambda e: _number(e["cramps_per_week"]))],
        [
            "Cramp nights (share of logged)",
            *cells(
                lambda e: (
                    f"{e['cramp_nights']} ({_percent(e['cramp_nights'], e['nights_observed'])})"
                )
            ),
        ],
        ["Cramp-free nights", *cells(lambda e: str(e["cramp_free_nights"]))],
        ["Cramps", *cells(lambda e: str(e["episodes"]))],
        ["Severity 0-10, mean (worst)", *cells(_severity)],
        ["Duration, mean minutes", *cells(lambda e: _number(e["mean_minutes"]))],
        [
            "Nights woken by cramps",
            *cells(
                lambda e: (
                    "unknown"
                    if e["woke_nights"] is None
                    else f"{e['woke_nights']} ({_percent(e['woke_nights'], e['nights_observed'])})"
                )
            ),
        ],
    ]
    columns = [
        Column("", 2.35),
        Column(f"Whole period\n{_span(start, end)}", 1.6, "right"),
        Column(f"Last 4 weeks\n{_span(recent_lo, end)}", 1.55, "right"),
        Column(
            f"The 4 weeks before\n{_span(before_lo, before_hi)}"
            if before_lo <= before_hi
            else "The 4 weeks before\n(before the diary)",
            1.55,
            "right",
        ),
    ]
    page.table(columns, rows, size=7.5)


def _flag_lines(check: Check | None, sources: _Sources) -> list[_Block]:
    flags = check.flags if check is not None else []
    blocks = [
        _Block(
            "Provider-visit flags",
            heading=True,
            note="Most pressing first; the rules and thresholds are settings of the diary.",
        )
    ]
    if not flags:
        checked = len(check.checked) if check is not None else 0
        blocks.append(_Block(f"None of the {checked} rules tripped over the nights logged."))
    for flag in flags:
        label = knowledge.level_label(flag.level).upper()
        since = f" Since {_day(flag.since)}." if flag.since else ""
        cite = sources.cite(flag.source_keys) if flag.source_keys else f"(source: {flag.source})"
        blocks.append(_Block(f"{label}: {flag.title} {cite}", size=7.8, bold=True, after=0.0))
        blocks.append(_Block(f"{flag.message}{since}", size=7.8))
    return blocks


def _tried_lines(nightly: Nightly, end: date, insight: dict[str, Any]) -> list[_Block]:
    """Stretching, water and shoes, and each medicine started or stopped, with numbers."""
    blocks = [
        _Block(
            "What has been tried, and other changes",
            heading=True,
            note=f"Cramp nights of logged nights in the {analysis.CHANGE_WINDOW_NIGHTS} nights "
            "before and after each change; and on nights with and without a factor (whole diary).",
        )
    ]
    for change in analysis.changes(nightly, None, end):
        blocks.append(_Block("\u2022 " + _change_text(change), size=7.8))
    by_name = {(f["factor"], f["lag"]): f for f in insight["factors"]}
    # A row stands for every column merged into it (analysis.factors `same_as`).
    by_name |= {
        (n.removesuffix(":lag1"), int(n.endswith(":lag1"))): f
        for f in insight["factors"]
        for n in f.get("same_as", [])
    }
    wanted = ["stretched", "low_water", "tight_shoes"]
    wanted += [
        n
        for (n, lag), f in by_name.items()
        if lag == 0 and n.startswith("shoes:") and analysis.is_finding(f)
    ]
    # A pair of shoes worn on exactly the days of "tight shoes" is the same comparison: say
    # it once, naming both.
    same: dict[tuple[int, ...], tuple[dict[str, Any], list[str]]] = {}
    for name in wanted:
        if (name, 0) in by_name:
            f = by_name[(name, 0)]
            entry = same.setdefault(_counts(f), (f, []))
            if entry[0] is not f or name != f["factor"]:
                entry[1].append(charts.factor_label(name, nightly.settings))
    for f, others in same.values():
        blocks.append(_Block("\u2022 " + _factor_text(f, nightly, others), size=7.8))
    if len(blocks) == 1:
        blocks.append(
            _Block(
                "Nothing to compare yet: no stretching, water or shoes recorded, and "
                "no medicine started or stopped."
            )
        )
    blocks.append(_Block(analysis.NOTE, size=7.0, color=DARK))
    return blocks


def _counts(f: dict[str, Any]) -> tuple[int, ...]:
    keys = ("exposed_nights", "exposed_cramp_nights", "unexposed_nights", "unexposed_cramp_nights")
    return tuple(f[k] for k in keys)


def _sig(value: float) -> str:
    """Two significant figures, plainly: 0.074, 0.45, 2.0, 12."""
    if value < 0.995:
        return f"{value:.2g}"
    return f"{value:.1f}" if value < 9.95 else f"{value:.0f}"


def _ratio(value: float | None, low: float | None, high: float | None) -> str:
    if value is None or low is None:
        return "no ratio"
    top = "infinity" if high is None else _sig(high)
    return f"{_sig(value)} (95% CI {_sig(low)} to {top})"


def _change_text(c: dict[str, Any]) -> str:
    what = c["what"][0].upper() + c["what"][1:]
    when = date.fromisoformat(c["date"])
    k0, t0, k1, t1 = (
        c["before_cramp_nights"],
        c["before_nights"],
        c["after_cramp_nights"],
        c["after_nights"],
    )
    if not t0 or not t1:
        return (
            f"{what}, {_day(when)}: no logged nights {'before' if not t0 else 'after'} to compare."
        )
    return (
        f"{what}, {_day(when)}: cramp nights {k0} of {t0} ({_percent(k0, t0)}) before, "
        f"{k1} of {t1} ({_percent(k1, t1)}) after; rate ratio "
        f"{_ratio(c['rate_ratio'], c['ci_low'], c['ci_high'])}."
    )


def _factor_text(f: dict[str, Any], nightly: Nightly, same: Sequence[str] = ()) -> str:
    label = charts.factor_label(f["factor"], nightly.settings)
    label = label[0].upper() + label[1:]
    if same:
        label += f" ({', '.join(same)}: the same days)"
    a1, n1, a0, n0 = (
        f["exposed_cramp_nights"],
        f["exposed_nights"],
        f["unexposed_cramp_nights"],
        f["unexposed_nights"],
    )
    if not f["enough_data"]:
        return f"{label}: {n1} nights with, {n0} without; not enough data yet to compare."
    return (
        f"{label}: cramp nights {a1} of {n1} ({_percent(a1, n1)}) with, {a0} of {n0} "
        f"({_percent(a0, n0)}) without; risk ratio "
        f"{_ratio(f['risk_ratio'], f['ci_low'], f['ci_high'])}."
    )


def _source_lines(sources: _Sources) -> list[_Block]:
    if not sources.keys:
        return []
    table = knowledge.sources()
    blocks = [_Block("Sources", heading=True)]
    for i, key in enumerate(sources.keys, 1):
        blocks.append(_Block(f"[{i}] {table[key].reference}", size=6.8, color=DARK))
    return blocks


def _chart_pages(
    inputs: Inputs, start: date, end: date, factors: list[dict[str, Any]]
) -> list[Page]:
    """Two charts to a page; the forest plot gets a page of its own when it is tall."""
    nightly = inputs.nightly
    first = Page(inputs.paper)
    first.title("Charts", f"{_day(start)} to {_day(end)}")
    first.chart(charts.trend, 3.6, nightly, start, end)
    first.space(0.3)
    first.chart(charts.calendar, charts.calendar_height(start, end), nightly, start, end)
    second = Page(inputs.paper)
    second.chart(charts.severity, 4.8, nightly, start, end)
    second.space(0.4)
    second.chart(charts.time_of_night, 3.4, nightly, start, end)
    third = Page(inputs.paper)
    third.chart(charts.sites, 3.0, nightly, start, end)
    pages = [first, second, third]
    # Day-before versions are drawn only where they stand out: they mostly repeat the same-day
    # ones, and a clinician reads a shorter plot.
    shown = [f for f in factors if f["lag"] == 0 or analysis.is_finding(f)]
    note = (
        f"Over the whole diary ({_day(nightly.start)} to {_day(end)}); same-day factors, "
        "and day-before ones that stand out."
    )
    height = charts.forest_height(shown)
    if height > third.room() - 0.3:
        pages.append(Page(inputs.paper))
    else:
        third.space(0.3)
    pages[-1].chart(
        charts.forest,
        min(height, pages[-1].room()),
        nightly,
        nightly.start,
        end,
        factors=shown,
        note=note,
    )
    return pages


def _episode_pages(inputs: Inputs, start: date, end: date) -> list[Page]:
    nightly = inputs.nightly
    table = nightly.episodes
    rows: list[Sequence[str]] = []
    if table is not None and not table.empty:
        nights = pd.to_datetime(table["night"])
        inside = table[(nights >= pd.Timestamp(start)) & (nights <= pd.Timestamp(end))]
        for n, e in enumerate(inside.itertuples(index=False), 1):
            rows.append(_episode_row(n, e))
    columns = [
        Column("#", 0.35, "right"),
        Column("Night of", 1.05),
        Column("Time", 0.5),
        Column("Severity 0-10", 0.8, "right"),
        Column("Duration", 0.7, "right"),
        Column("Site", 0.65),
        Column("Side", 0.55),
        Column("Woke", 0.45),
        Column("Signs", 2.0),
    ]
    pages: list[Page] = []
    first = True
    while first or rows:
        page = Page(inputs.paper)
        heading = (
            "Appendix: every cramp logged" if first else "Appendix: every cramp logged (continued)"
        )
        page.title(
            heading,
            f"{_day(start)} to {_day(end)} \u00b7 local clock times (after midnight: the "
            f"morning after the night's date) \u00b7 {DASH}\u00a0=\u00a0not\u00a0recorded",
        )
        if not rows:
            page.text("No cramps logged in this period.")
            pages.append(page)
            break
        rows = page.table(columns, rows, size=7.5)
        pages.append(page)
        first = False
    return pages


def _episode_row(number: int, e: Any) -> list[str]:
    local = e.local if hasattr(e, "local") and not pd.isna(e.local) else None
    time_text = f"{local:%H:%M}" if local is not None else DASH
    sev = DASH if pd.isna(e.severity) else f"{float(e.severity):g}"
    minutes = DASH if pd.isna(e.minutes) else _minutes(float(e.minutes))
    woke = DASH if pd.isna(e.woke) else ("yes" if bool(e.woke) else "no")
    signs = ", ".join(s for s in str(e.signs or "").split(",") if s)
    return [
        str(number),
        _day(pd.Timestamp(e.night).date()),
        time_text,
        sev,
        minutes,
        e.site or DASH,
        e.side or DASH,
        woke,
        signs,
    ]


# --- empty diary, metadata and saving ------------------------------------------------------


def _nothing_page(inputs: Inputs, heading: str, end: date) -> Page:
    page = Page(inputs.paper)
    page.title(heading)
    page.text(
        f"No nights are logged up to {_day(end)}, so there is nothing to report.",
        size=11,
        bold=True,
    )
    page.text(
        "Each morning, log last night: cramplog log 6 --at 03:10 --site calf (a cramp) or "
        "cramplog none (no cramps). Add the day's water, exercise and shoes with cramplog day. "
        "After a week or two, this report shows how the nights went and what seems to matter.",
    )
    return page


def _meta(inputs: Inputs, kind: str, start: date, end: date | None = None) -> dict[str, Any]:
    who = inputs.profile.name
    author = f"{who}, self-kept diary" if who and who != "me" else "Self-kept diary"
    if kind == "weekly":
        iso = start.isocalendar()
        title = f"Night cramp diary: weekly report, {iso.year}-W{iso.week:02d}"
        subject = f"Nights {start.isoformat()} to {(start + timedelta(days=6)).isoformat()}"
    else:
        title = "Night cramp diary: appointment packet"
        subject = f"Nights {start.isoformat()} to {end.isoformat() if end else ''}"
    made = inputs.made.astimezone(UTC)
    return {
        "Title": title,
        "Author": author,
        "Subject": subject + ". " + DISCLAIMER,
        "Creator": f"cramplog {__version__}",
        "CreationDate": made,
        "ModDate": made,
    }


def _save(pages: list[Page], inputs: Inputs, path: Path, metadata: dict[str, Any]) -> Written:
    from matplotlib.backends.backend_pdf import PdfPages

    path.parent.mkdir(parents=True, exist_ok=True)
    for number, page in enumerate(pages, 1):
        page.footer(inputs.made, number, len(pages))
    figures = [page.fig for page in pages]
    with charts.style(), charts.pdf_fonts(figures), PdfPages(path, metadata=metadata) as pdf:
        for figure in figures:
            pdf.savefig(figure)
    return Written(path, len(pages))
