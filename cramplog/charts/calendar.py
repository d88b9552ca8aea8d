"""A calendar of nights: a row per month, a square per night."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.collections import PathCollection
from matplotlib.patches import Patch
from matplotlib.path import Path
from matplotlib.transforms import ScaledTranslation

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
from cramplog.charts.textlines import TextLines

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
    severity (the worst of the night, written in the square while the squares are large).
    More than COLUMN_MONTHS months are set in two or more columns of months side by side, so
    that ten years still read on one page: the next column goes on where the one before ends.
    """
    lo, hi = period_of(nightly, start, end)
    lo = from_first_logged(nightly, lo, hi)
    months = pd.period_range(lo, hi, freq="M")
    fig = new_figure(figure, (8.0, calendar_height(lo, hi)))
    title = "Calendar of nights"
    rows = nights_of(nightly, lo, hi)
    if not rows["observed"].any():
        return put_message(fig, title, EMPTY_MESSAGE)
    layout = Layout.of(len(months))
    cramp_nights = int((rows["cramp"].fillna(False).astype(bool) & rows["observed"]).sum())
    written = layout.columns == 1 and cramp_nights <= LABELS_UP_TO
    put_title(
        fig,
        title,
        "A square per night; darker for worse cramps"
        + (" (worst severity 0-10 written in)" if written else "")
        + ("; read down each column, then the next" if layout.columns > 1 else ""),
    )
    ax = fig.add_subplot(grid_in(fig, left=0.85, bottom=0.5, top=0.95, right=0.2)[0])
    ax.spines[["left", "bottom"]].set_visible(False)
    _calendar_cells(ax, rows, months[0], layout, written)
    ax.set_xlim(0.4, layout.width + 0.6)
    ax.set_ylim(layout.rows - 0.45, -0.55)
    ax.set_aspect("equal")
    ax.set_anchor("NW")  # in a taller band, keep the squares under their legend
    _calendar_labels(ax, months, layout)
    ax.set_xlabel("day of the month (each square is the night that begins that evening)")
    ax.xaxis.labelpad = 12  # below the day numbers, which are not tick labels
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


# One column of months while a month's row of squares stays about 0.2 in tall on a page (up
# to 14 months: a year and its neighbours); beyond that, columns of up to 66 months side by
# side (ten years in two), with a gap wide enough for the next column's month labels.
COLUMN_MONTHS = 14
MONTHS_PER_COLUMN = 66
GAP_DAYS = 5  # squares between two columns of months (room for "Sep 2026")
AXES_WIDTH = 6.95  # inches of squares across an 8-inch figure (0.85 in left, 0.2 in right)


@dataclass(frozen=True)
class Layout:
    """How the months are set: `columns` side by side of `rows` months each; `width` is the
    span of the x axis in squares."""

    columns: int
    rows: int

    @classmethod
    def of(cls, months: int) -> Layout:
        if months <= COLUMN_MONTHS:
            return cls(1, max(months, 1))
        columns = max(2, math.ceil(months / MONTHS_PER_COLUMN))
        return cls(columns, math.ceil(months / columns))

    @property
    def width(self) -> int:
        return self.columns * 31 + (self.columns - 1) * GAP_DAYS

    def place(self, month: np.ndarray, day: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """x and y (in squares) of each night given its month number (0 = the first month)
        and its day of the month."""
        column, row = np.divmod(month, self.rows)
        return column * (31 + GAP_DAYS) + day, row.astype(float)

    @property
    def cell(self) -> float:
        """A square's side in inches at the natural width (an 8-inch figure)."""
        return AXES_WIDTH / (self.width + 0.2)


def calendar_height(start: date, end: date) -> float:
    """The calendar's natural height in inches for an 8-inch width: square cells of about
    0.225 in (31 across 6.95 in) in one column of months, smaller in two or more; a row per
    month of a column, plus title, legend and axis labels."""
    layout = Layout.of(len(pd.period_range(start, end, freq="M")))
    return 1.75 + layout.cell * (layout.rows + 0.2)


# Cells of one look are one path made of all their squares, drawn in one go: the PDF writes
# it as a single path whose coordinates are formatted in compiled code. A 10-year calendar is
# 3,650 squares; a patch each, or a square placed at each night of a collection, costs a
# round of Python per square, and that was most of the packet's time.
CELL = 0.88
LABELS_UP_TO = 400  # severity written in the squares of at most this many cramp nights
_CODES = np.array(
    [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY], dtype=Path.code_type
)
_CORNERS = np.array([(-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1)], float) * CELL / 2


def squares(x: np.ndarray, y: np.ndarray) -> Path:
    """One path of CELL-sized squares (in data units) centred on each (x, y)."""
    centres = np.column_stack([x, y]).astype(float)
    vertices = (centres[:, None, :] + _CORNERS[None, :, :]).reshape(-1, 2)
    return Path(vertices, np.tile(_CODES, len(centres)))


def _calendar_cells(
    ax: Axes, rows: pd.DataFrame, first: pd.Period, layout: Layout, written: bool
) -> None:
    index = rows.index
    month = ((index.year - first.year) * 12 + index.month - first.month).to_numpy(int)
    x, y = layout.place(month, index.day.to_numpy(int))
    observed = rows["observed"].to_numpy(bool)
    cramp = rows["cramp"].fillna(False).to_numpy(bool) & observed
    free = observed & ~cramp
    sev = pd.to_numeric(rows["max_severity"], errors="coerce").to_numpy(float)
    greys = np.array([sev_grey(None if np.isnan(s) else float(s)) for s in sev], dtype=object)
    looks: list[tuple[np.ndarray, str, str, str | None]] = [
        (~observed, PAPER, MID, "////"),
        (free, PAPER, DARK, None),
    ]
    for grey in sorted(set(greys[cramp]), key=float, reverse=True):
        looks.append((cramp & (greys == grey), grey, INK, None))
    for mask, face, edge, hatch in looks:
        if mask.any():
            ax.add_collection(
                PathCollection(
                    [squares(x[mask], y[mask])],
                    facecolors=face,
                    edgecolors=edge,
                    linewidths=0.5,
                    hatch=hatch,
                    transform=ax.transData,
                ),
                autolim=False,
            )
    if not written:
        return  # too many, or too small, to read; the greys and the legend say how bad
    labels = np.array(["?" if np.isnan(s) else f"{s:g}" for s in sev], dtype=object)
    ink = np.array([text_on(str(g)) for g in greys], dtype=object)
    for colour in (INK, PAPER):
        mask = cramp & (ink == colour)
        if mask.any():
            ax.add_artist(
                TextLines(
                    x[mask],
                    y[mask],
                    list(labels[mask]),
                    transform=ax.transData,
                    size=5.5,
                    color=colour,
                    ha="center",
                    va="center",
                )
            )


def _calendar_labels(ax: Axes, months: pd.PeriodIndex, layout: Layout) -> None:
    """Month labels left of each row and day numbers under each column, placed rather than
    made as ticks (a tick is two lines and two texts: 120 months of them took a tenth of a
    second)."""
    ax.set_xticks([])
    ax.set_yticks([])
    size = 7.5 if layout.columns == 1 else 6.0
    x, y = layout.place(np.arange(len(months)), np.zeros(len(months), int))
    ax.add_artist(
        TextLines(
            x + 0.2,
            y,
            [m.strftime("%b %Y") for m in months],
            transform=ax.transData,
            size=size,
            color=INK,
            ha="right",
            va="center",
        )
    )
    days = [1, 5, 10, 15, 20, 25, 31] if layout.columns == 1 else [1, 10, 20, 31]
    xs = [c * (31 + GAP_DAYS) + d for c in range(layout.columns) for d in days]
    under = ax.get_xaxis_transform() + ScaledTranslation(0, -6 / 72, ax.figure.dpi_scale_trans)
    ax.add_artist(
        TextLines(
            xs,
            [0.0] * len(xs),
            [str(d) for c in range(layout.columns) for d in days],
            transform=under,
            size=size,
            color=INK,
            ha="center",
            va="center",
        )
    )
