"""Where the cramps were: site by side."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib import ticker

if TYPE_CHECKING:
    from cramplog.frame import Nightly

from cramplog import present
from cramplog.charts.common import (
    episodes_of,
    grid_in,
    new_figure,
    nights_of,
    period_of,
    put_message,
    put_title,
)
from cramplog.charts.style import (
    EMPTY_MESSAGE,
    INK,
    LIGHT,
    MID,
    NO_CRAMPS_MESSAGE,
    PAPER,
    Target,
    styled,
)

# --- where: site and side ------------------------------------------------------------------

_SIDES = (
    ("left", "////", LIGHT),
    ("right", "\\\\\\\\", MID),
    ("both", "xxxx", PAPER),
    ("not recorded", "", PAPER),
)


@styled
def sites(
    nightly: Nightly,
    start: date | None = None,
    end: date | None = None,
    *,
    figure: Target | None = None,
) -> Target:
    """Where the cramps were: a bar per site, split by side (each side its own hatching)."""
    from cramplog.models import SITES

    fig = new_figure(figure, (8.0, 3.2))
    lo, hi = period_of(nightly, start, end)
    title = "Where the cramps were"
    if not nights_of(nightly, lo, hi)["observed"].any():
        return put_message(fig, title, EMPTY_MESSAGE)
    table = episodes_of(nightly, lo, hi)
    if table.empty:
        return put_message(fig, title, NO_CRAMPS_MESSAGE)
    site = table["site"].fillna("not recorded")
    side = table["side"].fillna("not recorded")
    counts = pd.crosstab(site, side)
    order = [s for s in (*SITES, "not recorded") if s in counts.index]
    counts = counts.reindex(index=order, columns=[s for s, _, _ in _SIDES], fill_value=0)
    put_title(
        fig,
        title,
        f"Cramps by site, split by side; {present.plural(len(table), 'cramp')}, "
        f"{present.span(lo, hi)} {hi.year}",
    )
    ax = fig.add_subplot(grid_in(fig, left=1.0, right=1.4)[0])
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
        share = present.percent(total, len(table))
        ax.text(total, yi, f" {total:.0f} ({share})", va="center", fontsize=7.5)
    ax.set_yticks(y, order)
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
    ax.set_xlabel("cramps (count)")
    ax.set_ylabel("site")
    ax.set_xlim(0, left.max() * 1.18)
    ax.legend(title="side", loc="upper left", bbox_to_anchor=(1.02, 1.0), title_fontsize=7.5)
    return fig
