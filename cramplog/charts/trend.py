"""Cramps week by week."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib import dates as mdates

from cramplog import analysis

if TYPE_CHECKING:
    from cramplog.frame import Nightly

from cramplog.charts.common import (
    bars,
    date_axis,
    from_first_logged,
    grid_in,
    integer_y,
    new_figure,
    period_of,
    put_message,
    put_title,
)
from cramplog.charts.style import DARK, EMPTY_MESSAGE, INK, LIGHT, MID, PAPER, Target, styled

# --- trend ---------------------------------------------------------------------------------


@styled
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

    The chart starts at the first logged night. A week only partly inside the period (the
    diary's first week, or the current one) is drawn as a narrower bar over its nights, and
    the average is not drawn at it: one night with a cramp is not a week of them.
    """
    fig = new_figure(figure, (8.0, 3.6))
    lo, hi = period_of(nightly, start, end)
    lo = from_first_logged(nightly, lo, hi)
    title = "Cramps week by week"
    table = analysis.weekly(replace(nightly, start=lo, end=hi))
    if table.empty or int(table["observed"].sum()) == 0:
        return put_message(fig, title, EMPTY_MESSAGE)
    partial = table["nights"] < 7
    put_title(fig, title, "Narrow bars: weeks only partly in the period" if partial.any() else "")
    ax = fig.add_subplot(grid_in(fig, top=1.05 if partial.any() else 0.95)[0])
    # Each bar covers the week's nights inside the period: 5.5 days wide for a whole week.
    first_day = np.maximum((pd.Timestamp(lo) - table.index).days.to_numpy(), 0)
    lefts = table.index + pd.to_timedelta(first_day + table["nights"].to_numpy() * 0.25 / 7, "D")
    widths = table["nights"].to_numpy(float) * 5.5 / 7
    weeks = lefts + pd.to_timedelta(widths / 2, "D")  # the centre of each bar
    ax.xaxis_date()
    x = mdates.date2num(lefts.to_pydatetime())
    bars(
        ax,
        x,
        widths,
        table["observed"].to_numpy(float),
        facecolor=PAPER,
        edgecolor=MID,
        linewidth=0.7,
        linestyle=(0, (2, 1.5)),
        label="nights logged",
        zorder=1,
    )
    bars(
        ax,
        x,
        widths,
        table["cramp_nights"].to_numpy(float),
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
    enough = int(nightly.settings.get("min_rate_nights", 7))
    rate = 7.0 * window["cramp_nights"] / window["observed"].where(window["observed"] >= enough)
    rate = rate.where(~partial)
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
    integer_y(ax)
    ax.set_ylabel("nights or cramps per week")
    date_axis(ax, lo, hi, "week, Monday to Sunday")
    ax.legend(loc="lower left", ncols=3, bbox_to_anchor=(0.0, 1.0), borderaxespad=0.3)
    if mark is not None:
        monday = pd.Timestamp(mark - timedelta(days=mark.weekday()))
        if monday in table.index:
            x = weeks[table.index.get_loc(monday)]
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
