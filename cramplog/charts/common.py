"""Helpers every chart shares: margins in inches, titles, messages, date axes."""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib import ticker
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path

from cramplog import analysis, present

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from cramplog.frame import Nightly

from cramplog.charts.style import DARK, INK, MID, PAPER, Target

# --- small helpers -------------------------------------------------------------------------


def inches_of(target: Target) -> tuple[float, float]:
    """The drawing area of a figure or subfigure in inches."""
    if isinstance(target, Figure):
        w, h = target.get_size_inches()
        return float(w), float(h)
    dpi = target.get_figure(root=True).dpi
    return target.bbox.width / dpi, target.bbox.height / dpi


def new_figure(figure: Target | None, size: tuple[float, float]) -> Target:
    return figure if figure is not None else Figure(figsize=size)


def grid_in(
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
    w, h = inches_of(target)
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


def put_title(target: Target, title: str, subtitle: str = "") -> None:
    """A bold title and a one-line "how to read it" under it, both left-aligned."""
    w, h = inches_of(target)
    target.text(0.12 / w, 1 - 0.1 / h, title, ha="left", va="top", fontsize=10, weight="bold")
    if subtitle:
        target.text(0.12 / w, 1 - 0.3 / h, subtitle, ha="left", va="top", fontsize=7.5, color=DARK)


def put_message(target: Target, title: str, message: str) -> Target:
    """A chart with nothing to draw: its title and a sentence saying why, in a framed box."""
    put_title(target, title)
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


def period_of(nightly: Nightly, start: date | None, end: date | None) -> tuple[date, date]:
    lo = start if start is not None else nightly.start
    hi = end if end is not None else nightly.end
    return (lo, hi) if lo <= hi else (hi, lo)


def from_first_logged(nightly: Nightly, lo: date, hi: date) -> date:
    """The period's first night, moved up to the first logged night: nights before a diary
    began were never going to be logged, and drawing them as "not logged" would say the
    person skipped them. (hi when nothing is logged in the period.)"""
    frame = nightly.frame
    inside = frame.loc[pd.Timestamp(lo) : pd.Timestamp(hi)]
    observed = inside.index[inside["observed"].fillna(False).to_numpy(dtype=bool)]
    return max(lo, observed.min().date()) if len(observed) else lo


def nights_of(nightly: Nightly, lo: date, hi: date) -> pd.DataFrame:
    """The frame's rows for every night lo..hi (nights outside the frame are not logged)."""
    index = pd.date_range(lo, hi, freq="D", name="night")
    rows = nightly.frame.reindex(index)
    rows["observed"] = rows["observed"].fillna(False).astype(bool)
    return rows


def episodes_of(nightly: Nightly, lo: date, hi: date) -> pd.DataFrame:
    """The episodes of the nights lo..hi (an empty frame when there are none)."""
    table = nightly.episodes
    if table is None or table.empty:
        return pd.DataFrame(
            columns=["night", "severity", "minutes", "site", "side", "hours_after_18"]
        )
    nights = pd.to_datetime(table["night"])
    return table[(nights >= pd.Timestamp(lo)) & (nights <= pd.Timestamp(hi))]


def date_axis(ax: Axes, lo: date, hi: date, label: str = "night") -> None:
    """Dates on the x axis: a tick every few days, weeks or months depending on the span.

    Ticks show day and month, or the month; the year (or years) go in the axis label, so that
    no tick label needs an offset text that a reader could miss. Over more than two years the
    ticks are years.
    """
    days = (hi - lo).days + 1
    if days <= 16:
        locator: mdates.DateLocator = mdates.DayLocator(interval=max(1, math.ceil(days / 8)))
        short = True
    elif days <= 140:
        weeks = math.ceil(days / 7 / 8)
        locator = mdates.WeekdayLocator(byweekday=mdates.MO, interval=weeks)
        short = True
    elif days <= 731:
        locator = mdates.MonthLocator(interval=max(1, math.ceil(days / 30.5 / 9)))
        short = False
    else:  # years: month names every 14 months would not say which year each one is
        locator = mdates.YearLocator(base=max(1, math.ceil(days / 365.25 / 10)))
        short = False
    ax.xaxis.set_major_locator(locator)
    tick = day_month_tick if short else month_tick if days <= 731 else year_tick
    ax.xaxis.set_major_formatter(ticker.FuncFormatter(tick))
    ax.set_xlim(pd.Timestamp(lo) - pd.Timedelta(days=1), pd.Timestamp(hi) + pd.Timedelta(days=1))
    years = f"{lo.year}" if lo.year == hi.year else f"{lo.year}-{hi.year}"
    ax.set_xlabel(f"{label} (date, {years})")


def day_month_tick(value: float, _pos: int | None = None) -> str:
    return present.day_month(mdates.num2date(value))


def month_tick(value: float, _pos: int | None = None) -> str:
    return f"{mdates.num2date(value):%b}"


def year_tick(value: float, _pos: int | None = None) -> str:
    return f"{mdates.num2date(value):%Y}"


def clock_time(hours_after_18: float) -> str:
    """18.0 + h hours as a 24-hour clock time: 8.5 -> "02:30"."""
    total = round((18.0 + hours_after_18) * 60) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"


def integer_y(ax: Axes) -> None:
    # min_n_ticks=1: with only a cramp or two, ticks 0 and 1 beat fractions of a cramp.
    ax.yaxis.set_major_locator(ticker.MaxNLocator(integer=True, min_n_ticks=1))


def sev_grey(severity: float | None) -> str:
    """Darker grey for worse severity: 0 -> light grey, 10 -> near black; unrated -> mid."""
    if severity is None or (isinstance(severity, float) and math.isnan(severity)):
        return MID
    return str(round(0.8 - 0.075 * max(0.0, min(10.0, float(severity))), 3))


def text_on(grey: str) -> str:
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


def is_finding(factor: dict[str, Any], settings: dict[str, Any]) -> bool:
    """The one rule for calling a factor a finding, in every chart and report: enough data,
    and a Benjamini-Hochberg q below the `finding_q` setting (0.10 by default).

    The analysis marks each factor row with `finding` (issue 9); rows without it (an older
    analysis) are judged here by the same rule, so switching is this one function.
    """
    if "finding" in factor:
        return bool(factor["finding"])
    q = factor.get("q_value")
    limit = float(settings.get("finding_q", 0.10))
    return bool(factor["enough_data"]) and q is not None and q < limit


def is_lead(factor: dict[str, Any], settings: dict[str, Any]) -> bool:
    """A factor whose 95% CI excludes 1 on enough data, but that is not a finding: it could be
    chance, with so many factors compared."""
    if is_finding(factor, settings) or not factor["enough_data"]:
        return False
    low, high = factor.get("ci_low"), factor.get("ci_high")
    return low is not None and high is not None and (low > 1.0 or high < 1.0)


def bars(
    ax: Axes,
    lefts: np.ndarray,
    widths: np.ndarray,
    heights: np.ndarray,
    **style: Any,
) -> PathPatch:
    """Vertical bars from 0 as one patch whose path is every bar (a patch per bar costs a draw
    each, and so does each bar of a collection: a 10-year trend is 1,000 of them; one path is
    written to the PDF in compiled code). `lefts` and `widths` in data units (dates as
    matplotlib day numbers); `style` as for PathPatch, with `label` for the legend."""
    x0 = np.asarray(lefts, float)
    x1 = x0 + np.asarray(widths, float)
    y = np.asarray(heights, float)
    zero = np.zeros_like(y)
    corners = np.stack(
        [
            np.stack([x0, zero], 1),
            np.stack([x1, zero], 1),
            np.stack([x1, y], 1),
            np.stack([x0, y], 1),
            np.stack([x0, zero], 1),
        ],
        axis=1,
    )
    codes = np.tile(
        np.array([Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY]), len(y)
    )
    vertices = corners.reshape(-1, 2)
    patch = PathPatch(Path(vertices, codes.astype(Path.code_type)), **style)
    # add_patch would find the data limits segment by segment in Python; the corners say it.
    ax.add_artist(patch)
    ax.update_datalim(vertices)
    return patch
