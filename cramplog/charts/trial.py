"""A self-trial's periods: cramps per logged night in each period, on and off side by side."""

from __future__ import annotations

from typing import Any

import numpy as np

from cramplog import present
from cramplog.charts.common import grid_in, new_figure, put_message, put_title
from cramplog.charts.style import DARK, INK, MID, PAPER, Target, styled

_ARM_LOOK = {"on": ("////", MID), "off": ("", PAPER)}


@styled
def trial_periods(
    periods: list[dict[str, Any]], habit: str, *, figure: Target | None = None
) -> Target:
    """A bar per period in date order, hatched for "on", plain for "off" (readable in black
    and white); under each bar its pair, arm and logged nights. Washout nights are left out,
    as in the analysis; a period with no logged night is marked "none logged", not zero."""
    fig = new_figure(figure, (8.0, 3.4))
    title = "Cramps per logged night, period by period"
    if not any(p["nights_so_far"] for p in periods):
        return put_message(fig, title, "No counted night of the trial has passed yet")
    put_title(
        fig,
        title,
        f"Hatched: on ({habit}); plain: off. Washout nights left out; n = logged nights "
        "of the period's counted nights so far.",
    )
    ax = fig.add_subplot(grid_in(fig, left=0.8, bottom=0.75)[0])
    x = np.arange(len(periods))
    rates = [p["rate"] for p in periods]
    top = max([r for r in rates if r is not None] + [0.5])
    for xi, p in zip(x, periods, strict=True):
        hatch, face = _ARM_LOOK[p["arm"]]
        if p["rate"] is None:
            ax.text(
                xi,
                top * 0.03,
                "none\nlogged",
                ha="center",
                va="bottom",
                fontsize=7 if len(periods) <= 12 else 4.5,
                color=DARK,
            )
            continue
        ax.bar(xi, p["rate"], width=0.7, facecolor=face, edgecolor=INK, hatch=hatch, linewidth=0.8)
        if len(periods) > 12:  # too narrow for a figure over each bar: the axis gives it
            continue
        ax.text(
            xi,
            p["rate"] + top * 0.02,
            present.number(p["rate"], 2),
            ha="center",
            va="bottom",
            fontsize=7,
        )
    if len(periods) <= 12:
        labels = [
            f"pair {p['pair']} {p['arm']}\n{present.day_month(p['start'])}\n"
            f"n = {p['nights_observed']} of {p['nights_so_far']}"
            for p in periods
        ]
    else:  # many narrow bars: pair and arm only, the dates are in the table of periods
        labels = [f"{p['pair']}\n{p['arm']}\n{p['nights_observed']}" for p in periods]
    ax.set_xticks(x, labels, fontsize=7 if len(periods) <= 12 else 5.5)
    ax.set_xlim(-0.6, len(periods) - 0.4)
    ax.set_ylim(0, top * 1.2)
    ax.set_ylabel("cramps per logged night")
    ax.set_xlabel("period (in date order)")
    return fig
