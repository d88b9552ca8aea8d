"""Charts of the diary as matplotlib `Figure` objects, built directly (no pyplot state).

Every chart is readable printed in black and white: series differ by hatching, markers, line
style and shades of grey, never by colour alone. Every axis names its unit, and every time
axis shows dates. A period with nothing to draw gives a figure that says so, never a blank
figure or an exception.

Each public chart takes the nightly frame, an optional period (`start`, `end`; default the
frame's own) and an optional `figure`: a `Figure` or `SubFigure` to draw into, which is how
`report.py` puts one or two charts on a page. Without it, a new `Figure` of a sensible size is
made. `CHARTS` maps each chart's name to its function for `cramplog chart NAME`.
"""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib import ticker
from matplotlib.figure import Figure, SubFigure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from cramplog import analysis

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from cramplog.frame import Nightly

__all__ = [
    "CHARTS",
    "EMPTY_MESSAGE",
    "NO_CRAMPS_MESSAGE",
    "calendar",
    "calendar_height",
    "factor_label",
    "forest",
    "forest_height",
    "pdf_fonts",
    "save",
    "severity",
    "sites",
    "style",
    "time_of_night",
    "trend",
    "week",
]

Target = Figure | SubFigure

EMPTY_MESSAGE = "No nights logged in this period"
NO_CRAMPS_MESSAGE = "No cramps logged in this period"

# Greys from light to dark; black ink on white paper is the only colour a chart relies on.
INK = "0.0"
DARK = "0.25"
MID = "0.55"
LIGHT = "0.82"
PAPER = "1.0"

# rcParams for every chart and report page. Text is set in Helvetica where the font exists
# (always in a PDF written with the standard fonts, see pdf_fonts) and in DejaVu Sans, which
# ships with matplotlib, everywhere else.
STYLE: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["Helvetica", "DejaVu Sans"],
    "font.size": 8.5,
    "axes.titlesize": 9.5,
    "axes.labelsize": 8.5,
    "axes.edgecolor": DARK,
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "hatch.linewidth": 0.5,
    "hatch.color": DARK,
    "pdf.fonttype": 3,
    "svg.fonttype": "none",
    "svg.hashsalt": "cramplog",
    "figure.facecolor": "white",
}


@contextmanager
def style() -> Iterator[None]:
    """The charts' rcParams for the duration of a block (creating and saving a figure)."""
    with matplotlib.rc_context(STYLE):
        yield


class _SameFont(logging.Filter):
    """Drops matplotlib's warning that Helvetica's regular weight is called "Medium" in its
    metrics file (the standard PDF font): it is the regular weight, so the warning is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Failed to find font weight" not in record.getMessage()


def _texts(figures: Iterable[Figure]) -> Iterator[str]:
    for fig in figures:
        for artist in fig.findobj(lambda a: hasattr(a, "get_text")):
            yield str(artist.get_text())


@contextmanager
def pdf_fonts(figures: Iterable[Figure]) -> Iterator[bool]:
    """Save PDFs of `figures` with the standard PDF fonts when their text allows it.

    Helvetica is one of the 14 fonts every PDF reader has, so it is not embedded: the text is
    drawn a string at a time rather than glyph by glyph, which makes a 2-page report about
    0.2 s faster to write, and the file a fifth of the size. The standard fonts cover only the
    Western European characters (WinAnsi, cp1252), so a shoe, medicine or name written in any
    other script switches to DejaVu Sans, embedded (Type 3), so that nothing is lost.
    Yields whether the standard fonts are used.
    """
    standard = all(_winansi(text) for text in _texts(figures))
    logger = logging.getLogger("matplotlib.font_manager")
    quiet = _SameFont()
    logger.addFilter(quiet)
    try:
        with matplotlib.rc_context({"pdf.use14corefonts": standard}):
            yield standard
    finally:
        logger.removeFilter(quiet)


def _winansi(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _styled(function: Callable[..., Target]) -> Callable[..., Target]:
    """Build a chart under `style()`: fonts and line widths are fixed when artists are made."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Target:
        with style():
            return function(*args, **kwargs)

    return wrapper


# --- small helpers -------------------------------------------------------------------------


def _inches(target: Target) -> tuple[float, float]:
    """The drawing area of a figure or subfigure in inches."""
    if isinstance(target, Figure):
        w, h = target.get_size_inches()
        return float(w), float(h)
    dpi = target.get_figure(root=True).dpi
    return target.bbox.width / dpi, target.bbox.height / dpi


def _new(figure: Target | None, size: tuple[float, float]) -> Target:
    return figure if figure is not None else Figure(figsize=size)


def _grid(
    target: Target,
    nrows: int = 1,
    *,
    heights: list[float] | None = None,
    left: float = 0.75,
    right: float = 0.25,
    top: float = 0.62,
    bottom: float = 0.55,
    hspace: float = 0.35,
) -> Any:
    """A gridspec with margins given in inches, so labels fit whatever the chart's size."""
    w, h = _inches(target)
    return target.add_gridspec(
        nrows,
        1,
        height_ratios=heights,
        left=min(left / w, 0.45),
        right=max(1 - right / w, 0.55),
        top=max(1 - top / h, 0.55),
        bottom=min(bottom / h, 0.4),
        hspace=hspace,
    )


def _title(target: Target, title: str, subtitle: str = "") -> None:
    """A bold title and a one-line "how to read it" under it, both left-aligned."""
    w, h = _inches(target)
    target.text(0.12 / w, 1 - 0.1 / h, title, ha="left", va="top", fontsize=10, weight="bold")
    if subtitle:
        target.text(0.12 / w, 1 - 0.3 / h, subtitle, ha="left", va="top", fontsize=7.5, color=DARK)


def _message(target: Target, title: str, message: str) -> Target:
    """A chart with nothing to draw: its title and a sentence saying why, in a framed box."""
    _title(target, title)
    target.text(
        0.5,
        0.45,
        message,
        ha="center",
        va="center",
        fontsize=11,
        color=DARK,
        bbox={"boxstyle": "round,pad=0.8", "facecolor": PAPER, "edgecolor": MID, "linewidth": 0.8},
    )
    return target


def _period(nightly: Nightly, start: date | None, end: date | None) -> tuple[date, date]:
    lo = start if start is not None else nightly.start
    hi = end if end is not None else nightly.end
    return (lo, hi) if lo <= hi else (hi, lo)


def _nights(nightly: Nightly, lo: date, hi: date) -> pd.DataFrame:
    """The frame's rows for every night lo..hi (nights outside the frame are not logged)."""
    index = pd.date_range(lo, hi, freq="D", name="night")
    rows = nightly.frame.reindex(index)
    rows["observed"] = rows["observed"].fillna(False).astype(bool)
    return rows


def _episodes(nightly: Nightly, lo: date, hi: date) -> pd.DataFrame:
    """The episodes of the nights lo..hi (an empty frame when there are none)."""
    table = nightly.episodes
    if table is None or table.empty:
        return pd.DataFrame(
            columns=["night", "severity", "minutes", "site", "side", "hours_after_18"]
        )
    nights = pd.to_datetime(table["night"])
    return table[(nights >= pd.Timestamp(lo)) & (nights <= pd.Timestamp(hi))]


def _date_axis(ax: Axes, lo: date, hi: date, label: str = "night") -> None:
    """Dates on the x axis: a tick every few days, weeks or months depending on the span.

    Ticks show day and month; the year (or years) go in the axis label, so that no tick label
    needs an offset text that a reader could miss.
    """
    days = (hi - lo).days + 1
    if days <= 16:
        locator: mdates.DateLocator = mdates.DayLocator(interval=max(1, math.ceil(days / 8)))
        short = True
    elif days <= 140:
        weeks = math.ceil(days / 7 / 8)
        locator = mdates.WeekdayLocator(byweekday=mdates.MO, interval=weeks)
        short = True
    else:
        locator = mdates.MonthLocator(interval=max(1, math.ceil(days / 30.5 / 9)))
        short = False
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(_day_month if short else _month))
    ax.set_xlim(pd.Timestamp(lo) - pd.Timedelta(days=1), pd.Timestamp(hi) + pd.Timedelta(days=1))
    years = f"{lo.year}" if lo.year == hi.year else f"{lo.year}-{hi.year}"
    ax.set_xlabel(f"{label} (date, {years})")


def _day_month(value: float, _pos: int | None = None) -> str:
    day = mdates.num2date(value)
    return f"{day.day} {day:%b}"


def _month(value: float, _pos: int | None = None) -> str:
    return f"{mdates.num2date(value):%b}"


def _clock(hours_after_18: float) -> str:
    """18.0 + h hours as a 24-hour clock time: 8.5 -> "02:30"."""
    total = round((18.0 + hours_after_18) * 60) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"


def _integer_y(ax: Axes) -> None:
    # min_n_ticks=1: with only a cramp or two, ticks 0 and 1 beat fractions of a cramp.
    ax.yaxis.set_major_locator(ticker.MaxNLocator(integer=True, min_n_ticks=1))


def _sev_grey(severity: float | None) -> str:
    """Darker grey for worse severity: 0 -> light grey, 10 -> near black; unrated -> mid."""
    if severity is None or (isinstance(severity, float) and math.isnan(severity)):
        return MID
    return str(round(0.8 - 0.075 * max(0.0, min(10.0, float(severity))), 3))


def _text_on(grey: str) -> str:
    """Black or white text, whichever reads on a cell of that grey."""
    return INK if float(grey) > 0.5 else PAPER


def factor_label(name: str, settings: dict[str, Any]) -> str:
    """An exposure as a short label: "less than 1.5 L of water", "wearing work boots (day
    before)", from the wording the analysis uses in its sentences."""
    phrase = analysis.factor_phrase(name, settings).after
    for lead in ("after ", "while "):
        if phrase.startswith(lead):
            phrase = phrase[len(lead) :]
            break
    phrase = phrase.replace("a medicine on the cramp-associated list", "a listed medicine")
    return phrase.replace(" the day before", " (day before)")


# --- trend ---------------------------------------------------------------------------------


@_styled
def trend(
    nightly: Nightly,
    start: date | None = None,
    end: date | None = None,
    *,
    figure: Target | None = None,
    rolling_weeks: int = 4,
    mark: date | None = None,
) -> Target:
    """Cramp nights and cramps in each week, with a rolling mean of cramp nights per week.

    `mark` (a night) labels its week "this week", for the weekly report.

    Bars are drawn against an outline of the nights logged that week, so a week with few
    nights logged does not look like a good week. The rolling mean is cramp nights per 7
    logged nights over the last `rolling_weeks` weeks, so gaps in the diary do not pull it
    down either.
    """
    fig = _new(figure, (8.0, 3.6))
    lo, hi = _period(nightly, start, end)
    title = "Cramps week by week"
    table = analysis.weekly(replace(nightly, start=lo, end=hi))
    if table.empty or int(table["observed"].sum()) == 0:
        return _message(fig, title, EMPTY_MESSAGE)
    _title(fig, title)
    ax = fig.add_subplot(_grid(fig, top=0.95)[0])
    weeks = table.index + pd.Timedelta(days=3)  # centre each bar on its week
    ax.bar(
        weeks,
        table["observed"],
        width=5.5,
        facecolor=PAPER,
        edgecolor=MID,
        linewidth=0.7,
        linestyle=(0, (2, 1.5)),
        label="nights logged",
        zorder=1,
    )
    ax.bar(
        weeks,
        table["cramp_nights"],
        width=5.5,
        facecolor=LIGHT,
        edgecolor=INK,
        hatch="///",
        linewidth=0.7,
        label="nights with cramps",
        zorder=2,
    )
    logged = table["observed"] > 0
    ax.plot(
        weeks[logged],
        table.loc[logged, "episodes"],
        linestyle="none",
        marker="o",
        markersize=4,
        color=INK,
        label="cramps",
        zorder=4,
    )
    window = table[["observed", "cramp_nights"]].rolling(rolling_weeks, min_periods=1).sum()
    # An average over fewer than 7 logged nights would swing wildly on one cramp: leave it out.
    rate = 7.0 * window["cramp_nights"] / window["observed"].where(window["observed"] >= 7)
    ax.plot(
        weeks,
        rate,
        color=INK,
        linestyle="--",
        linewidth=1.3,
        label=f"{rolling_weeks}-week average (cramp nights per 7 logged)",
        zorder=3,
    )
    missing = ~logged
    if missing.any():
        ax.plot(
            weeks[missing],
            np.full(int(missing.sum()), 0.15),
            linestyle="none",
            marker="x",
            color=DARK,
            markersize=5,
            label="week not logged",
            zorder=4,
        )
    rates = rate.to_numpy(float)
    highest = float(np.nanmax(rates)) if np.isfinite(rates).any() else 0.0
    top = max(7.0, float(table["episodes"].max()) + 1, highest + 1)
    ax.set_ylim(0, top)
    _integer_y(ax)
    ax.set_ylabel("nights or cramps per week")
    _date_axis(ax, lo, hi, "week, Monday to Sunday")
    ax.legend(loc="lower left", ncols=3, bbox_to_anchor=(0.0, 1.0), borderaxespad=0.3)
    if mark is not None:
        monday = pd.Timestamp(mark - timedelta(days=mark.weekday()))
        if monday in table.index:
            x = monday + pd.Timedelta(days=3)
            height = max(float(table.loc[monday, "observed"]), float(table.loc[monday, "episodes"]))
            ax.annotate(
                "this week",
                (x, height),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7,
                weight="bold",
            )
    return fig


# --- calendar ------------------------------------------------------------------------------


@_styled
def calendar(
    nightly: Nightly,
    start: date | None = None,
    end: date | None = None,
    *,
    figure: Target | None = None,
) -> Target:
    """A year-in-pixels view: a row per month, a square per night.

    White: logged without cramps; hatched: not logged; grey to black: cramps, darker for worse
    severity (the worst of the night, written in the square).
    """
    lo, hi = _period(nightly, start, end)
    months = pd.period_range(lo, hi, freq="M")
    fig = _new(figure, (8.0, calendar_height(lo, hi)))
    title = "Calendar of nights"
    rows = _nights(nightly, lo, hi)
    if not rows["observed"].any():
        return _message(fig, title, EMPTY_MESSAGE)
    _title(
        fig, title, "A square per night; darker for worse cramps (worst severity 0-10 written in)"
    )
    ax = fig.add_subplot(_grid(fig, left=0.85, bottom=0.5, top=0.95, right=0.2)[0])
    ax.spines[["left", "bottom"]].set_visible(False)
    row_of = {m: i for i, m in enumerate(months)}
    for night, row in rows.iterrows():
        y = row_of[night.to_period("M")]
        _calendar_cell(ax, night.day, y, row)
    ax.set_xlim(0.4, 31.6)
    ax.set_ylim(len(months) - 0.45, -0.55)
    ax.set_aspect("equal")
    ax.set_anchor("NW")  # in a taller band, keep the squares under their legend
    ax.set_yticks(range(len(months)), [m.strftime("%b %Y") for m in months])
    ax.set_xticks([1, 5, 10, 15, 20, 25, 31])
    ax.set_xlabel("day of the month (each square is the night that begins that evening)")
    ax.tick_params(length=0)
    handles = [
        Patch(facecolor=PAPER, edgecolor=DARK, linewidth=0.6, label="no cramps"),
        Patch(facecolor=PAPER, edgecolor=MID, hatch="////", linewidth=0.6, label="not logged"),
        Patch(facecolor=_sev_grey(2), edgecolor=DARK, linewidth=0.6, label="cramps, severity 2"),
        Patch(facecolor=_sev_grey(5), edgecolor=DARK, linewidth=0.6, label="severity 5"),
        Patch(facecolor=_sev_grey(8), edgecolor=DARK, linewidth=0.6, label="severity 8"),
    ]
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=5,
        handlelength=1.2,
        columnspacing=1.2,
        borderaxespad=0.3,
    )
    return fig


def calendar_height(start: date, end: date) -> float:
    """The calendar's natural height in inches for an 8-inch width: square cells of about
    0.225 in (31 across 6.95 in), a row per month, plus title, legend and axis labels."""
    months = len(pd.period_range(start, end, freq="M"))
    return 1.75 + 0.225 * (months + 0.2)


def _calendar_cell(ax: Axes, day: int, y: int, row: pd.Series) -> None:
    box = {"width": 0.88, "height": 0.88, "linewidth": 0.5}
    corner = (day - 0.44, y - 0.44)
    if not row["observed"]:
        ax.add_patch(Rectangle(corner, facecolor=PAPER, edgecolor=MID, hatch="////", **box))
        return
    if not bool(row["cramp"]):
        ax.add_patch(Rectangle(corner, facecolor=PAPER, edgecolor=DARK, **box))
        return
    sev = row["max_severity"]
    sev = None if pd.isna(sev) else float(sev)
    grey = _sev_grey(sev)
    ax.add_patch(Rectangle(corner, facecolor=grey, edgecolor=INK, **box))
    label = "?" if sev is None else f"{sev:g}"
    ax.text(day, y, label, ha="center", va="center", fontsize=5.5, color=_text_on(grey))


# --- time of night -------------------------------------------------------------------------


@_styled
def time_of_night(
    nightly: Nightly,
    start: date | None = None,
    end: date | None = None,
    *,
    figure: Target | None = None,
) -> Target:
    """How many cramps began in each half hour of the night (local clock time)."""
    fig = _new(figure, (8.0, 3.4))
    lo, hi = _period(nightly, start, end)
    title = "Time of night of the cramps"
    if not _nights(nightly, lo, hi)["observed"].any():
        return _message(fig, title, EMPTY_MESSAGE)
    table = _episodes(nightly, lo, hi)
    hours = pd.to_numeric(table["hours_after_18"], errors="coerce").dropna().to_numpy(float)
    if hours.size == 0:
        return _message(fig, title, NO_CRAMPS_MESSAGE)
    median = float(np.median(hours))
    _title(
        fig,
        title,
        f"{hours.size} cramp{'' if hours.size == 1 else 's'} by the half hour they began; "
        f"dashed line: the middle (median) time, {_clock(median)}",
    )
    ax = fig.add_subplot(_grid(fig)[0])
    lo_h = min(3.0, math.floor(hours.min()))
    hi_h = max(14.0, math.ceil(hours.max()))
    bins = np.arange(lo_h, hi_h + 0.5, 0.5)
    ax.hist(hours, bins=bins, facecolor=LIGHT, edgecolor=INK, hatch="...", linewidth=0.7)
    ax.axvline(median, color=INK, linestyle="--", linewidth=1.4, zorder=3)
    ticks = np.arange(math.ceil(lo_h / 2) * 2, hi_h + 0.01, 2)
    ax.set_xticks(ticks, [_clock(t) for t in ticks])
    ax.set_xlim(lo_h, hi_h)
    _integer_y(ax)
    ax.set_ylabel("cramps (count)")
    ax.set_xlabel(f"local clock time the cramp began (nights {lo:%d %b %Y} to {hi:%d %b %Y})")
    return fig


# --- severity and duration -----------------------------------------------------------------


@_styled
def severity(
    nightly: Nightly,
    start: date | None = None,
    end: date | None = None,
    *,
    figure: Target | None = None,
) -> Target:
    """Each cramp's severity (0-10) and duration (minutes) by night, with weekly means."""
    fig = _new(figure, (8.0, 4.4))
    lo, hi = _period(nightly, start, end)
    title = "Severity and duration of each cramp"
    if not _nights(nightly, lo, hi)["observed"].any():
        return _message(fig, title, EMPTY_MESSAGE)
    table = _episodes(nightly, lo, hi)
    if table.empty:
        return _message(fig, title, NO_CRAMPS_MESSAGE)
    limit = float(nightly.settings.get("long_cramp_minutes", 10))
    _title(
        fig,
        title,
        "Circles and squares: each cramp; dashes: that week's mean; "
        f"dotted line: {limit:g} minutes",
    )
    grid = _grid(fig, 2, heights=[1, 1], hspace=0.25, right=0.6)
    top = fig.add_subplot(grid[0])
    low = fig.add_subplot(grid[1], sharex=top)
    nights = pd.to_datetime(table["night"])
    _points_with_mean(top, nights, table["severity"], "o", "severity (0-10)")
    top.set_ylim(-0.5, 10.5)
    top.set_yticks([0, 2, 4, 6, 8, 10])
    top.tick_params(labelbottom=False)
    _points_with_mean(low, nights, table["minutes"], "s", "duration (minutes)")
    low.axhline(limit, color=INK, linestyle=":", linewidth=1.0)
    low.annotate(
        f"{limit:g} min",
        (1.0, limit),
        xycoords=("axes fraction", "data"),
        xytext=(2, 0),
        textcoords="offset points",
        va="center",
        fontsize=7,
    )
    minutes = pd.to_numeric(table["minutes"], errors="coerce")
    for night, value in zip(nights[minutes > limit], minutes[minutes > limit], strict=True):
        low.annotate(
            f"{value:g} min, {night.day} {night:%b}",
            (night, value),
            xytext=(0, 5),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=6.5,
            bbox={"facecolor": PAPER, "edgecolor": "none", "pad": 0.5},
        )
    longest = float(minutes.max()) if minutes.notna().any() else 0.0
    low.set_ylim(0, max(limit * 1.3, longest * 1.3))
    _date_axis(low, lo, hi)
    return fig


def _points_with_mean(
    ax: Axes, nights: pd.Series, values: pd.Series, marker: str, label: str
) -> None:
    values = pd.to_numeric(values, errors="coerce").astype(float)
    known = values.notna().to_numpy()
    ax.plot(
        nights[known],
        values[known],
        linestyle="none",
        marker=marker,
        markersize=3.5,
        color=DARK,
        markerfacecolor="none",
        markeredgewidth=0.7,
    )
    if known.any():
        by_night = pd.Series(values.to_numpy()[known], index=pd.DatetimeIndex(nights[known]))
        monday = by_night.index - pd.to_timedelta(by_night.index.day_of_week, unit="D")
        mean = by_night.groupby(monday).mean()
        ax.hlines(
            mean.to_numpy(),
            mean.index,
            mean.index + pd.Timedelta(days=6.8),
            color=INK,
            linewidth=1.6,
        )
    ax.set_ylabel(label)


# --- where: site and side ------------------------------------------------------------------

_SIDES = (
    ("left", "////", LIGHT),
    ("right", "\\\\\\\\", MID),
    ("both", "xxxx", PAPER),
    ("not recorded", "", PAPER),
)


@_styled
def sites(
    nightly: Nightly,
    start: date | None = None,
    end: date | None = None,
    *,
    figure: Target | None = None,
) -> Target:
    """Where the cramps were: a bar per site, split by side (each side its own hatching)."""
    from cramplog.models import SITES

    fig = _new(figure, (8.0, 3.2))
    lo, hi = _period(nightly, start, end)
    title = "Where the cramps were"
    if not _nights(nightly, lo, hi)["observed"].any():
        return _message(fig, title, EMPTY_MESSAGE)
    table = _episodes(nightly, lo, hi)
    if table.empty:
        return _message(fig, title, NO_CRAMPS_MESSAGE)
    site = table["site"].fillna("not recorded")
    side = table["side"].fillna("not recorded")
    counts = pd.crosstab(site, side)
    order = [s for s in (*SITES, "not recorded") if s in counts.index]
    counts = counts.reindex(index=order, columns=[s for s, _, _ in _SIDES], fill_value=0)
    _title(
        fig,
        title,
        f"Cramps by site, split by side; {len(table)} cramps, {lo:%d %b} to {hi:%d %b %Y}",
    )
    ax = fig.add_subplot(_grid(fig, left=1.0, right=1.4)[0])
    y = np.arange(len(order))
    left = np.zeros(len(order))
    for name, hatch, face in _SIDES:
        values = counts[name].to_numpy(float)
        if values.sum() == 0:
            continue
        ax.barh(
            y,
            values,
            left=left,
            height=0.6,
            facecolor=face,
            edgecolor=INK,
            hatch=hatch,
            linewidth=0.7,
            label=name,
        )
        left += values
    for yi, total in zip(y, left, strict=True):
        share = 100.0 * total / len(table)
        ax.text(total, yi, f" {total:.0f} ({share:.0f}%)", va="center", fontsize=7.5)
    ax.set_yticks(y, order)
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
    ax.set_xlabel("cramps (count)")
    ax.set_ylabel("site")
    ax.set_xlim(0, left.max() * 1.18)
    ax.legend(title="side", loc="upper left", bbox_to_anchor=(1.02, 1.0), title_fontsize=7.5)
    return fig


# --- forest plot of factors ----------------------------------------------------------------


@_styled
def forest(
    nightly: Nightly,
    start: date | None = None,
    end: date | None = None,
    *,
    figure: Target | None = None,
    factors: list[dict[str, Any]] | None = None,
    note: str = "",
) -> Target:
    """Risk ratios of a cramp night with and without each factor, with 95% CIs, log scale.

    Findings (enough data and a CI that excludes 1) come first, then factors with enough data
    but no clear difference; factors without enough data are listed under the plot, never
    drawn as estimates. `factors` (from `analysis.insights`) may be passed to avoid computing
    them again; `note` is added to the subtitle to say which factors are shown.
    """
    lo, hi = _period(nightly, start, end)
    if factors is None:
        factors = (
            analysis.insights(nightly, lo, hi)["factors"] if _has_nights(nightly, lo, hi) else []
        )
    found = sorted((f for f in factors if analysis.is_finding(f)), key=lambda f: -f["risk_ratio"])
    unclear = sorted(
        (f for f in factors if f["enough_data"] and f["risk_ratio"] and not analysis.is_finding(f)),
        key=lambda f: -f["risk_ratio"],
    )
    thin = [f for f in factors if not f["enough_data"] or not f["risk_ratio"]]
    fig = _new(figure, (8.0, forest_height(factors)))
    title = "What goes with cramp nights"
    if not _has_nights(nightly, lo, hi):
        return _message(fig, title, EMPTY_MESSAGE)
    if not found and not unclear:
        why = "Not enough nights yet to compare any factor"
        why += f" ({len(thin)} factors need more nights)" if thin else ""
        return _message(fig, title, why)
    subtitle = "Risk of a cramp night with the factor against without it; bars: 95% CI"
    _title(fig, title, f"{subtitle}.\n{note}" if note else subtitle)
    note_h = _thin_height(thin)
    ax = fig.add_subplot(_grid(fig, left=2.45, right=2.25, top=1.0, bottom=0.55 + note_h)[0])
    _forest_rows(ax, found, unclear, nightly.settings)
    if thin:
        _forest_thin(fig, thin, nightly.settings, note_h)
    return fig


def forest_height(factors: list[dict[str, Any]]) -> float:
    """The forest plot's natural height in inches: a line per factor compared, a header per
    group, and the list of factors without enough data."""
    found = sum(1 for f in factors if analysis.is_finding(f))
    compared = sum(1 for f in factors if f["enough_data"] and f["risk_ratio"])
    thin = [f for f in factors if not f["enough_data"] or not f["risk_ratio"]]
    headers = (1 if found else 0) + (1 if compared > found else 0)
    return 1.75 + 0.2 * (compared + headers) + _thin_height(thin)


def _has_nights(nightly: Nightly, lo: date, hi: date) -> bool:
    return bool(_nights(nightly, lo, hi)["observed"].any())


def _forest_rows(
    ax: Axes, found: list[dict[str, Any]], unclear: list[dict[str, Any]], settings: dict[str, Any]
) -> None:
    labels: list[str] = []
    y = 0
    for header, group, filled in (
        ("Findings (95% CI excludes 1)", found, True),
        ("No clear difference", unclear, False),
    ):
        if not group:
            continue
        ax.text(
            -0.01,
            y,
            header,
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=8,
            weight="bold",
        )
        labels.append("")
        y += 1
        for f in group:
            name = f["factor"] + (":lag1" if f["lag"] else "")
            ax.plot(
                [f["ci_low"], f["ci_high"]], [y, y], color=INK if filled else MID, linewidth=1.2
            )
            ax.plot(
                [f["risk_ratio"]],
                [y],
                marker="s",
                markersize=5.5 if filled else 4.5,
                color=INK,
                markerfacecolor=INK if filled else PAPER,
                linestyle="none",
            )
            q = f.get("q_value")
            q = "" if q is None else ("  q <0.001" if q < 0.001 else f"  q {q:.2g}")
            ratio = f"{f['risk_ratio']:.2f} ({f['ci_low']:.2f}-{f['ci_high']:.2f}){q}"
            counts = (
                f"{f['exposed_cramp_nights']}/{f['exposed_nights']} vs "
                f"{f['unexposed_cramp_nights']}/{f['unexposed_nights']}"
            )
            _right_text(ax, y, ratio, 6)
            _right_text(ax, y, counts, 108)
            labels.append(factor_label(name, settings))
            y += 1
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(len(labels) - 0.4, -0.6)
    ax.set_xscale("log")
    values = [v for f in (*found, *unclear) for v in (f["ci_low"], f["ci_high"])]
    span = max(2.0, max(values), 1 / min(values))
    ax.set_xlim(1 / (span * 1.15), span * 1.15)
    ticks = [t for t in (0.1, 0.25, 0.5, 1, 2, 4, 10, 25) if 1 / (span * 1.15) <= t <= span * 1.15]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(ticker.NullFormatter())
    ax.axvline(1.0, color=DARK, linewidth=0.8, linestyle="--")
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("risk ratio of a cramp night (log scale): <1 fewer cramp nights, >1 more")
    _right_text(
        ax, -0.7, "ratio (95% CI)\nq: adjusted for\nmany comparisons", 6, va="bottom", color=DARK
    )
    _right_text(ax, -0.7, "cramp nights/nights\nwith vs without", 108, va="bottom", color=DARK)


def _right_text(ax: Axes, y: float, text: str, points: float, **kwargs: Any) -> None:
    """Text in a column `points` to the right of the axes, at data height `y`."""
    options = {"va": "center", "fontsize": 6.8, **kwargs}
    ax.annotate(
        text,
        (1.0, y),
        xycoords=("axes fraction", "data"),
        xytext=(points, 0),
        textcoords="offset points",
        annotation_clip=False,
        **options,
    )


THIN_PER_COLUMN = 6
THIN_SHOWN = 12


def _thin_height(thin: list[dict[str, Any]]) -> float:
    """Inches needed under the plot for the list of factors without enough data."""
    if not thin:
        return 0.0
    lines = min(len(thin), THIN_SHOWN)
    return 0.35 + 0.14 * min(lines, THIN_PER_COLUMN) + (0.14 if len(thin) > THIN_SHOWN else 0.0)


def _forest_thin(
    fig: Target, thin: list[dict[str, Any]], settings: dict[str, Any], note_h: float
) -> None:
    """Factors without enough data, in one or two columns: listed, never drawn as estimates."""
    w, h = _inches(fig)
    top = (note_h + 0.02) / h
    head = f"Not enough data yet for {len(thin)} factors, so none is called a finding:"
    fig.text(0.12 / w, top, head, ha="left", va="top", fontsize=7.2, weight="bold", color=DARK)
    shown = thin[:THIN_SHOWN]
    for i in range(0, len(shown), THIN_PER_COLUMN):
        lines = []
        for f in shown[i : i + THIN_PER_COLUMN]:
            name = f["factor"] + (":lag1" if f["lag"] else "")
            lines.append(
                f"{factor_label(name, settings)}: {f['exposed_nights']} nights with, "
                f"{f['unexposed_nights']} without"
            )
        x = 0.12 / w + (i // THIN_PER_COLUMN) * 0.5
        fig.text(
            x,
            top - 0.19 / h,
            "\n".join(lines),
            ha="left",
            va="top",
            fontsize=6.8,
            color=DARK,
            linespacing=1.35,
        )
    if len(thin) > len(shown):
        fig.text(
            0.12 / w,
            0.06 / h,
            f"and {len(thin) - len(shown)} more (see cramplog insights)",
            ha="left",
            va="bottom",
            fontsize=6.8,
            color=DARK,
        )


# --- the week ------------------------------------------------------------------------------


@_styled
def week(
    nightly: Nightly,
    start: date | None = None,
    end: date | None = None,
    *,
    figure: Target | None = None,
) -> Target:
    """The week's nights against that week's water, exercise, stretching, shoes and medicines.

    The week is the 7 nights ending at `end` (default: the frame's last night); `start` is
    ignored unless it makes the period shorter, so a week chart is never wider than 7 nights.
    """
    hi = end if end is not None else nightly.end
    lo = max(start, hi - timedelta(days=6)) if start is not None else hi - timedelta(days=6)
    rows = _nights(nightly, lo, hi)
    matrix = _week_matrix(nightly, rows)
    fig = _new(figure, (8.0, 4.6 + 0.2 * len(matrix)))
    title = f"The week of {lo:%a %d %b} to {hi:%a %d %b %Y}"
    if not rows["observed"].any():
        return _message(fig, title, EMPTY_MESSAGE)
    _title(fig, title, "Each column is one day and the night that began that evening")
    grid = _grid(
        fig,
        4,
        heights=[1.5, 0.9, 0.9, 0.35 + 0.3 * max(len(matrix), 1)],
        # room for the longest row name ("medicine: hydrochlorothiazide") at 7.5 pt
        left=max(1.45, 0.25 + 0.056 * max((len(name) for name in matrix), default=0)),
        right=1.05,
        bottom=0.8,
        hspace=0.3,
    )
    x = np.arange(len(rows))
    axes = [fig.add_subplot(grid[i]) for i in range(4)]
    _week_cramps(axes[0], rows, x)
    limit = float(nightly.settings.get("low_water_ml", 1500)) / 1000
    _week_bars(axes[1], x, rows["water_ml"] / 1000, "water (litres)", "////", limit, f"{limit:g} L")
    _week_bars(axes[2], x, rows["exercise_minutes"], "exercise (minutes)", "....", None, "")
    _week_factors(axes[3], x, matrix)
    labels = [f"{n:%a}\n{n.day} {n:%b}" for n in rows.index]
    for ax in axes:
        ax.set_xlim(-0.6, len(rows) - 0.4)
        ax.set_xticks(x, labels if ax is axes[-1] else [])
    axes[-1].set_xlabel("night (evening of)")
    return fig


def _week_cramps(ax: Axes, rows: pd.DataFrame, x: np.ndarray) -> None:
    counts = rows["episodes"].astype("Float64").fillna(0).to_numpy(float)
    greys = [_sev_grey(None if pd.isna(s) else float(s)) for s in rows["max_severity"]]
    ax.bar(x, counts, width=0.6, color=greys, edgecolor=INK, linewidth=0.7)
    top = max(3.0, counts.max() + 1.2)
    for xi, (observed, n, sev, woke) in enumerate(
        zip(rows["observed"], counts, rows["max_severity"], rows["woke"], strict=True)
    ):
        if not observed:
            ax.text(
                xi,
                0.15,
                "not\nlogged",
                ha="center",
                va="bottom",
                fontsize=7,
                color=MID,
                style="italic",
            )
        elif n == 0:
            ax.text(xi, 0.15, "no\ncramps", ha="center", va="bottom", fontsize=7)
        else:
            note = "not rated" if pd.isna(sev) else f"worst {float(sev):g}/10"
            note += "\nwoke" if bool(woke) else ""
            ax.text(xi, n + 0.1, note, ha="center", va="bottom", fontsize=6.5)
    ax.set_ylim(0, top)
    _integer_y(ax)
    ax.set_ylabel("cramps (count)")


def _week_bars(
    ax: Axes,
    x: np.ndarray,
    values: pd.Series,
    label: str,
    hatch: str,
    line: float | None,
    line_label: str,
) -> None:
    numbers = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    known = ~np.isnan(numbers)
    ax.bar(
        x[known],
        numbers[known],
        width=0.6,
        facecolor=PAPER,
        edgecolor=INK,
        hatch=hatch,
        linewidth=0.7,
    )
    for xi, value in zip(x[known], numbers[known], strict=True):
        ax.annotate(
            f"{value:g}",
            (xi, value),
            xytext=(0, 1.5),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=6.5,
            bbox={"facecolor": PAPER, "edgecolor": "none", "pad": 0.4},
        )
    for xi in x[~known]:
        ax.text(
            xi,
            0.02,
            "not\nrecorded",
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=6.5,
            color=MID,
            style="italic",
        )
    if line is not None:
        ax.axhline(line, color=INK, linestyle="--", linewidth=0.9)
        ax.annotate(
            line_label,
            (1.0, line),
            xycoords=("axes fraction", "data"),
            xytext=(2, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
        )
    top = np.nanmax(numbers) if known.any() else 0.0
    ax.set_ylim(0, max(top * 1.3, (line or 0) * 1.3, 1.0))
    ax.set_ylabel(label, fontsize=7.5)


def _week_matrix(nightly: Nightly, rows: pd.DataFrame) -> dict[str, pd.Series]:
    """Yes/no rows for the week: stretching, each shoe worn, each medicine taken."""
    matrix: dict[str, pd.Series] = {}
    if "stretched" in rows:
        matrix["stretched before bed"] = rows["stretched"]
    for column in rows.columns:
        kind, _, name = column.partition(":")
        if kind not in ("shoes", "medication") or column.endswith(":lag1"):
            continue
        values = rows[column]
        # A shoe is shown whenever shoes were recorded; a medicine only if taken that week.
        taken = bool(values.fillna(False).astype(bool).any())
        if values.notna().any() and (kind == "shoes" or taken):
            matrix[f"{'shoes' if kind == 'shoes' else 'medicine'}: {name}"] = values
    return matrix


def _week_factors(ax: Axes, x: np.ndarray, matrix: dict[str, pd.Series]) -> None:
    ax.spines[["left", "bottom"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    if not matrix:
        ax.set_yticks([])
        ax.text(
            0.5,
            0.5,
            "no stretching, shoes or medicines recorded this week",
            ha="center",
            va="center",
            transform=ax.transAxes,
            fontsize=7.5,
            color=DARK,
        )
        return
    for y, values in enumerate(matrix.values()):
        for xi, value in zip(x, values, strict=True):
            if pd.isna(value):
                ax.text(xi, y, "?", ha="center", va="center", fontsize=7, color=MID)
            else:
                ax.plot(
                    xi,
                    y,
                    marker="s",
                    markersize=6,
                    color=INK,
                    markeredgewidth=0.8,
                    markerfacecolor=INK if bool(value) else PAPER,
                )
    ax.set_yticks(range(len(matrix)), list(matrix))
    ax.set_ylim(len(matrix) - 0.5, -0.5)
    ax.legend(
        handles=[
            Line2D(
                [],
                [],
                marker="s",
                linestyle="none",
                markerfacecolor=INK,
                markeredgecolor=INK,
                label="yes",
            ),
            Line2D(
                [],
                [],
                marker="s",
                linestyle="none",
                markerfacecolor=PAPER,
                markeredgecolor=INK,
                label="no",
            ),
            Line2D([], [], marker="$?$", linestyle="none", color=MID, label="not\nrecorded"),
        ],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        fontsize=7,
    )


# --- registry and saving -------------------------------------------------------------------

ChartFunction = Callable[..., Target]

CHARTS: dict[str, ChartFunction] = {
    "trend": trend,
    "calendar": calendar,
    "time_of_night": time_of_night,
    "severity": severity,
    "sites": sites,
    "forest": forest,
    "week": week,
}

FORMATS = ("png", "svg", "pdf")


def save(fig: Figure, path: Path, *, metadata: dict[str, Any] | None = None) -> Path:
    """Write a chart as PNG, SVG or PDF, chosen by the file's extension."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"{path.name}: the file name must end in .png, .svg or .pdf")
    with style():
        if fmt == "png":
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            FigureCanvasAgg(fig)
            fig.savefig(path, format="png", dpi=150, metadata=metadata)
        elif fmt == "pdf":
            with pdf_fonts([fig]):
                fig.savefig(path, format=fmt, metadata=metadata)
        else:
            fig.savefig(path, format=fmt, metadata=metadata)
    return path
