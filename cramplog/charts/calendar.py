"""A calendar of nights: a row per month, a square per night."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.collections import PathCollection
from matplotlib.patches import Patch
from matplotlib.path import Path
from matplotlib.transforms import Affine2D

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from cramplog.frame import Nightly

from cramplog.charts.common import (
    from_first_logged,
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
    lo = from_first_logged(nightly, lo, hi)
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
    _calendar_cells(ax, rows, months[0])
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


# Cells of one kind are one collection of one square path placed at every night, so the PDF
# writes the square once and then only where it goes: a 10-year calendar is 3,650 squares, and
# a path of their own each (a patch, or a polygon per night) was most of the packet's time.
CELL = 0.88
LABELS_UP_TO = 400  # severity written in the squares of at most this many cramp nights
_SQUARE = Path(Path.unit_rectangle().vertices - 0.5, Path.unit_rectangle().codes)


class _Squares(PathCollection):
    """CELL-sized squares (in data units) centred on each (x, y) of `ax`."""

    def __init__(self, ax: Axes, xy: np.ndarray, **kwargs: object) -> None:
        super().__init__([_SQUARE], offsets=xy, offset_transform=ax.transData, **kwargs)
        self._data_axes = ax

    def draw(self, renderer: object) -> None:
        # The square's size on the page is known only now, once the layout is done.
        (x0, y0), (x1, y1) = self._data_axes.transData.transform([(0.0, 0.0), (CELL, CELL)])
        self.set_transform(Affine2D().scale(abs(x1 - x0), abs(y1 - y0)))
        super().draw(renderer)  # type: ignore[arg-type]


def _calendar_cells(ax: Axes, rows: pd.DataFrame, first: pd.Period) -> None:
    index = rows.index
    x = index.day.to_numpy(float)
    y = ((index.year - first.year) * 12 + index.month - first.month).to_numpy(float)
    observed = rows["observed"].to_numpy(bool)
    cramp = rows["cramp"].fillna(False).to_numpy(bool) & observed
    free = observed & ~cramp
    sev = pd.to_numeric(rows["max_severity"], errors="coerce").to_numpy(float)
    greys = [sev_grey(None if np.isnan(s) else float(s)) for s in sev[cramp]]
    for mask, face, edge, hatch in (
        (~observed, PAPER, MID, "////"),
        (free, PAPER, DARK, None),
        (cramp, greys, INK, None),
    ):
        if not mask.any():
            continue
        squares = _Squares(
            ax,
            np.column_stack([x[mask], y[mask]]),
            facecolors=face,
            edgecolors=edge,
            linewidths=0.5,
            hatch=hatch,
        )
        ax.add_collection(squares, autolim=False)
    if int(cramp.sum()) > LABELS_UP_TO:
        return  # too many to read at this size; the greys and the legend say how bad
    for xi, yi, s, grey in zip(x[cramp], y[cramp], sev[cramp], greys, strict=True):
        label = "?" if np.isnan(s) else f"{s:g}"
        ax.text(xi, yi, label, ha="center", va="center", fontsize=5.5, color=text_on(grey))
