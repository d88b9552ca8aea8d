"""A calendar of nights: a row per month, a square per night."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.patches import Patch, Rectangle

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from cramplog.frame import Nightly

from cramplog.charts.common import (
    grid_in,
    new_figure,
    nights_of,
    period_of,
    put_message,
    put_title,
    sev_grey,
    text_on,
)
from cramplog.charts.style import DARK, EMPTY_MESSAGE, INK, MID, PAPER, Target, styled

# --- calendar ------------------------------------------------------------------------------


@styled
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
    lo, hi = period_of(nightly, start, end)
    months = pd.period_range(lo, hi, freq="M")
    fig = new_figure(figure, (8.0, calendar_height(lo, hi)))
    title = "Calendar of nights"
    rows = nights_of(nightly, lo, hi)
    if not rows["observed"].any():
        return put_message(fig, title, EMPTY_MESSAGE)
    put_title(
        fig, title, "A square per night; darker for worse cramps (worst severity 0-10 written in)"
    )
    ax = fig.add_subplot(grid_in(fig, left=0.85, bottom=0.5, top=0.95, right=0.2)[0])
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
        Patch(facecolor=sev_grey(2), edgecolor=DARK, linewidth=0.6, label="cramps, severity 2"),
        Patch(facecolor=sev_grey(5), edgecolor=DARK, linewidth=0.6, label="severity 5"),
        Patch(facecolor=sev_grey(8), edgecolor=DARK, linewidth=0.6, label="severity 8"),
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
    grey = sev_grey(sev)
    ax.add_patch(Rectangle(corner, facecolor=grey, edgecolor=INK, **box))
    label = "?" if sev is None else f"{sev:g}"
    ax.text(day, y, label, ha="center", va="center", fontsize=5.5, color=text_on(grey))
