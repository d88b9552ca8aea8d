"""One week's nights against that week's factors."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from cramplog.frame import Nightly

from cramplog import present
from cramplog.charts.common import (
    grid_in,
    integer_y,
    new_figure,
    nights_of,
    put_message,
    put_title,
    sev_grey,
)
from cramplog.charts.style import DARK, EMPTY_MESSAGE, INK, MID, PAPER, Target, styled

# --- the week ------------------------------------------------------------------------------


@styled
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
    rows = nights_of(nightly, lo, hi)
    matrix = _week_matrix(nightly, rows)
    fig = new_figure(figure, (8.0, 4.6 + 0.2 * len(matrix)))
    title = f"The week of {present.short_day(lo)} to {present.day(hi)}"
    if not rows["observed"].any():
        return put_message(fig, title, EMPTY_MESSAGE)
    put_title(fig, title, "Each column is one day and the night that began that evening")
    grid = grid_in(
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
    low = float(nightly.settings.get("low_water_ml", 1500))
    if str(nightly.settings.get("units") or "metric") == "us":  # the `units` setting
        per, unit = present.ML_PER_US_FL_OZ, "fl oz"
    else:
        per, unit = 1000.0, "litres"
    water = (pd.to_numeric(rows["water_ml"], errors="coerce") / per).round(1)
    limit = round(low / per, 1)
    _week_bars(axes[1], x, water, f"water ({unit})", "////", limit, f"{limit:g} {unit}")
    _week_bars(axes[2], x, rows["exercise_minutes"], "exercise (minutes)", "....", None, "")
    _week_factors(axes[3], x, matrix)
    labels = [f"{n:%a}\n{present.day_month(n)}" for n in rows.index]
    for ax in axes:
        ax.set_xlim(-0.6, len(rows) - 0.4)
        ax.set_xticks(x, labels if ax is axes[-1] else [])
    axes[-1].set_xlabel("night (evening of)")
    return fig


def _week_cramps(ax: Axes, rows: pd.DataFrame, x: np.ndarray) -> None:
    counts = rows["episodes"].astype("Float64").fillna(0).to_numpy(float)
    greys = [sev_grey(None if pd.isna(s) else float(s)) for s in rows["max_severity"]]
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
    integer_y(ax)
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
