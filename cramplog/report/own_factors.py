"""The person's own factors in the reports: night by night in the weekly report, and one
summary line in the appointment packet. A day without a value is "?" / not recorded, never
"no"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pandas as pd

from cramplog import present
from cramplog.report.inputs import Inputs
from cramplog.report.page import Column, Page
from cramplog.report.sections import next_page

if TYPE_CHECKING:
    from cramplog.frame import Nightly

PER_TABLE = 6  # factor columns beside the night's: more go in a second table below


def definitions(nightly: Nightly) -> dict[str, dict[str, Any]]:
    """Active own factors that have a value column in the frame, by name."""
    own = nightly.settings.get("own_factors") or {}
    return {n: d for n, d in own.items() if f"value:factor:{n}" in nightly.frame.columns}


def _values(nightly: Nightly, name: str, lo: date, hi: date) -> pd.Series:
    column = nightly.frame[f"value:factor:{name}"]
    return column.reindex(pd.date_range(lo, hi, freq="D"))


def _header(name: str, spec: dict[str, Any]) -> str:
    if spec.get("kind") != "number":
        return name
    below = spec.get("exposed_below")
    side, threshold = ("<", below) if below is not None else (">", spec.get("exposed_above"))
    return f"{name}\n(exposed {side} {present.factor_value(threshold, 'number', spec.get('unit'))})"


def week_table(pages: list[Page], inputs: Inputs, monday: date) -> None:
    """The week's own factors, a row per night (day D's value goes with night D)."""
    nightly = inputs.nightly
    own = definitions(nightly)
    if not own:
        return
    sunday = monday + timedelta(days=6)
    names = list(own)
    nights = [monday + timedelta(days=i) for i in range(7)]
    for at in range(0, len(names), PER_TABLE):
        group = names[at : at + PER_TABLE]
        width = min(1.3, 6.3 / len(group))
        columns = [Column("Night", 0.75)] + [
            Column(_header(n, own[n]), width, "right") for n in group
        ]
        series = {n: _values(nightly, n, monday, sunday) for n in group}
        rows: list[Sequence[str]] = []
        for night in nights:
            cells = [present.short_day(night)]
            for n in group:
                value = series[n].get(pd.Timestamp(night))
                cells.append(
                    present.factor_value(value, own[n]["kind"], own[n]["unit"], missing="?")
                )
            rows.append(cells)
        need = pages[-1].table_height(columns, rows, size=7.2) + 0.6
        page = next_page(pages, inputs, need=need)
        if at == 0:
            page.heading(
                "Your own factors, night by night",
                "The day's value goes with the night that begins that evening. "
                "? = not recorded (unknown, not \u201cno\u201d).",
            )
        page.table(columns, rows, size=7.2)


def summary_line(nightly: Nightly, start: date, end: date) -> str | None:
    """ "Own factors recorded: leg elevated on 20 of 28 days (yes on 12); sleep on 15 days
    (under 6 h on 5; median 6.5 h)." None when the diary has none."""
    own = definitions(nightly)
    if not own:
        return None
    days = (end - start).days + 1
    parts = []
    for name, spec in own.items():
        values = _values(nightly, name, start, end).dropna()
        known = len(values)
        text = f"{name} on {known} of {present.plural(days, 'day')}"
        if known and spec.get("kind") != "number":
            text += f" (yes on {int((values >= 0.5).sum())})"
        elif known:
            below = spec.get("exposed_below")
            if below is not None:
                exposed = int((values < float(below)).sum())
                side = f"under {present.factor_value(below, 'number', spec.get('unit'))}"
            else:
                above = float(spec["exposed_above"])
                exposed = int((values > above).sum())
                side = f"over {present.factor_value(above, 'number', spec.get('unit'))}"
            median = present.factor_value(float(values.median()), "number", spec.get("unit"))
            text += f" ({side} on {exposed}; median {median})"
        parts.append(text)
    return (
        "Own factors recorded: "
        + "; ".join(parts)
        + ". Days without a value are not recorded, not \u201cno\u201d."
    )
