"""When the cramps came and how bad they were: time of night, severity, duration."""

from __future__ import annotations

import math
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib import dates as mdates

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from cramplog.frame import Nightly

from cramplog import present
from cramplog.charts.common import (
    clock_time,
    date_axis,
    episodes_of,
    from_first_logged,
    grid_in,
    integer_y,
    new_figure,
    nights_of,
    period_of,
    put_message,
    put_title,
)
from cramplog.charts.style import (
    DARK,
    EMPTY_MESSAGE,
    INK,
    LIGHT,
    NO_CRAMPS_MESSAGE,
    PAPER,
    Target,
    styled,
)

# --- time of night -------------------------------------------------------------------------


@styled
def time_of_night(
    nightly: Nightly,
    start: date | None = None,
    end: date | None = None,
    *,
    figure: Target | None = None,
) -> Target:
    """How many cramps began in each half hour of the night (local clock time)."""
    fig = new_figure(figure, (8.0, 3.4))
    lo, hi = period_of(nightly, start, end)
    title = "Time of night of the cramps"
    if not nights_of(nightly, lo, hi)["observed"].any():
        return put_message(fig, title, EMPTY_MESSAGE)
    table = episodes_of(nightly, lo, hi)
    hours = pd.to_numeric(table["hours_after_18"], errors="coerce").dropna().to_numpy(float)
    if hours.size == 0:
        return put_message(fig, title, NO_CRAMPS_MESSAGE)
    median = float(np.median(hours))
    put_title(
        fig,
        title,
        f"{hours.size} cramp{'' if hours.size == 1 else 's'} by the half hour they began; "
        f"dashed line: the middle (median) time, {clock_time(median)}",
    )
    ax = fig.add_subplot(grid_in(fig)[0])
    lo_h = min(3.0, math.floor(hours.min()))
    hi_h = max(14.0, math.ceil(hours.max()))
    bins = np.arange(lo_h, hi_h + 0.5, 0.5)
    ax.hist(hours, bins=bins, facecolor=LIGHT, edgecolor=INK, hatch="...", linewidth=0.7)
    ax.axvline(median, color=INK, linestyle="--", linewidth=1.4, zorder=3)
    ticks = np.arange(math.ceil(lo_h / 2) * 2, hi_h + 0.01, 2)
    ax.set_xticks(ticks, [clock_time(t) for t in ticks])
    ax.set_xlim(lo_h, hi_h)
    integer_y(ax)
    ax.set_ylabel("cramps (count)")
    ax.set_xlabel(
        f"local clock time the cramp began (nights {present.day_month(lo)} {lo.year} to "
        f"{present.day_month(hi)} {hi.year})"
    )
    return fig


# --- severity and duration -----------------------------------------------------------------


@styled
def severity(
    nightly: Nightly,
    start: date | None = None,
    end: date | None = None,
    *,
    figure: Target | None = None,
) -> Target:
    """Each cramp's severity (0-10) and duration (minutes) by night, with weekly means."""
    fig = new_figure(figure, (8.0, 4.4))
    lo, hi = period_of(nightly, start, end)
    lo = from_first_logged(nightly, lo, hi)  # the date axis starts with the diary
    title = "Severity and duration of each cramp"
    if not nights_of(nightly, lo, hi)["observed"].any():
        return put_message(fig, title, EMPTY_MESSAGE)
    table = episodes_of(nightly, lo, hi)
    if table.empty:
        return put_message(fig, title, NO_CRAMPS_MESSAGE)
    limit = float(nightly.settings.get("long_cramp_minutes", 10))
    put_title(
        fig,
        title,
        "Circles and squares: each cramp; dashes: that week's mean; "
        f"dotted line: {limit:g} minutes",
    )
    grid = grid_in(fig, 2, heights=[1, 1], hspace=0.25, right=0.6)
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
            f"{present.duration(value)}, {present.day_month(night)}",
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
    date_axis(low, lo, hi)
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
        # One line broken by gaps (NaN) rather than a segment per week: a single path, which
        # the PDF writes in compiled code (ten years of weekly means are 500 segments).
        starts = mdates.date2num(mean.index.to_pydatetime())
        xs = np.column_stack([starts, starts + 6.8, np.full(len(mean), np.nan)]).ravel()
        ys = np.repeat(mean.to_numpy(float), 3)
        ys[2::3] = np.nan
        ax.plot(xs, ys, color=INK, linewidth=1.6, solid_capstyle="butt")
    ax.set_ylabel(label)
