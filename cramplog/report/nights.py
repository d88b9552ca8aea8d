"""The weekly report's night-by-night table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from cramplog.frame import Nightly

from cramplog import present
from cramplog.report.inputs import Inputs
from cramplog.report.page import Column, Page
from cramplog.report.sections import next_page


def night_table(pages: list[Page], inputs: Inputs, monday: date) -> None:
    """The week night by night, kept on one page: on the next one if it does not fit here."""
    nightly = inputs.nightly
    sunday = monday + timedelta(days=6)
    rows: list[Sequence[str]] = [_night_row(nightly, monday + timedelta(days=i)) for i in range(7)]
    columns = [
        Column("Night", 0.75),
        Column("Cramps", 0.68, "right"),
        Column("Worst 0-10", 0.5, "right"),
        Column("Longest", 0.7, "right"),
        Column("First at", 0.48, "right"),
        Column("Where", 0.95),
        Column("Woke", 0.38),
        Column("Water", 0.5, "right"),
        Column("Exercise", 0.75),
        Column("Stretch", 0.45),
        Column("Shoes", 0.93),
    ]
    page = next_page(pages, inputs, need=pages[-1].table_height(columns, rows, size=7.2) + 0.75)
    page.heading(
        "Night by night",
        "Each night with the day's factors (day D's water, exercise and shoes go with the night "
        "that begins that evening). ? = not recorded.",
    )
    rows = page.table(columns, rows, size=7.2)
    while rows:
        page = Page(inputs.paper)
        pages.append(page)
        page.heading("Night by night (continued)")
        rows = page.table(columns, rows, size=7.2)
    regular = _regular_medicines(nightly, monday, sunday)
    taken = _as_needed_taken(nightly, monday, sunday)
    words = []
    if regular:
        words.append("Regular medicines this week: " + ", ".join(regular) + ".")
    if taken:
        words.append("As needed: " + "; ".join(taken) + ".")
    if words:
        page.text(" ".join(words), size=7.5, after=0.06)


def _night_row(nightly: Nightly, night: date) -> list[str]:
    stamp = pd.Timestamp(night)
    frame = nightly.frame
    units = str(nightly.settings.get("units") or "metric")
    if stamp not in frame.index:
        return [present.short_day(night), "not logged", *([""] * 5), *day_cells(None, units)]
    row = frame.loc[stamp]
    factors = day_cells(row, units)
    if not bool(row["observed"]):
        return [present.short_day(night), "not logged", "", "", "", "", "", *factors]
    count = int(row["episodes"])
    if count == 0:
        return [present.short_day(night), "none", "", "", "", "", "", *factors]
    cramps = _night_episodes(nightly, stamp)
    first = row["first_at"]
    return [
        present.short_day(night),
        str(count),
        # "?" as in every other cell of this table, whose note says "? = not recorded"
        present.severity(row["max_severity"], missing="?"),
        present.duration(row["max_minutes"], missing="?"),
        "?" if present.is_unknown(first) else present.clock(float(first)),
        where(cramps),
        night_woke(cramps),
        *factors,
    ]


def _night_episodes(nightly: Nightly, stamp: pd.Timestamp) -> list[dict[str, Any]]:
    table = nightly.episodes
    if table is None or table.empty:
        return []
    return table[pd.to_datetime(table["night"]) == stamp].to_dict("records")


def night_woke(cramps: list[dict[str, Any]]) -> str:
    """Woken that night: yes if any cramp woke the person, no only when every cramp's answer
    is known to be no, else ? (not recorded: unknown is never "no")."""
    answers = [c.get("woke") for c in cramps]
    if any(not present.is_unknown(a) and bool(a) for a in answers):
        return "yes"
    if answers and all(not present.is_unknown(a) for a in answers):
        return "no"
    return "?"


def where(cramps: list[dict[str, Any]]) -> str:
    """The night's sites and sides, each once: "calf (L), foot (both), ? (R)"."""
    parts = [present.where(c.get("site"), c.get("side")) for c in cramps]
    return ", ".join(dict.fromkeys(parts))


def day_cells(row: pd.Series | None, units: str = "metric") -> list[str]:
    """Water, exercise, stretching and shoes of the day, as table cells."""
    if row is None:
        return ["?", "?", "?", "?"]

    def known(column: str) -> Any:
        """The day's value, None where not recorded (numpy and pandas scalars made plain)."""
        if column not in row.index or pd.isna(row[column]):
            return None
        value = row[column]
        return bool(value) if isinstance(value, bool | np.bool_) else value

    water = known("water_ml")
    exercise = known("exercise_minutes")
    kinds = [
        c.split(":", 1)[1]
        for c in row.index
        if c.startswith("exercise:") and not c.endswith(":lag1") and known(c) is True
    ]
    stretched = known("stretched")
    shoes = [
        c.split(":", 1)[1]
        for c in row.index
        if c.startswith("shoes:") and not c.endswith(":lag1") and known(c) is True
    ]
    shoes_known = any(
        known(c) is not None
        for c in row.index
        if c.startswith("shoes:") and not c.endswith(":lag1")  # the day before says nothing
    )
    return [
        present.water_short(water, units),
        "?"
        if exercise is None
        else f"{float(exercise):g} min" + (f" {', '.join(kinds)}" if kinds else ""),
        present.yes_no(stretched, unknown="?"),
        ", ".join(shoes) if shoes else ("?" if not shoes_known else "none"),
    ]


def _regular_medicines(nightly: Nightly, lo: date, hi: date) -> list[str]:
    names = []
    for med in nightly.medications:
        if med.get("as_needed"):
            continue
        started, stopped = med.get("started"), med.get("stopped")
        if (started is None or started <= hi) and (stopped is None or stopped >= lo):
            names.append(str(med["name"]) + (f" {med['dose']}" if med.get("dose") else ""))
    return names


def _as_needed_taken(nightly: Nightly, lo: date, hi: date) -> list[str]:
    found = []
    rows = nightly.frame.reindex(pd.date_range(lo, hi, freq="D"))
    for med in nightly.medications:
        column = f"medication:{med['name']}"
        if not med.get("as_needed") or column not in rows:
            continue
        days = [d for d, v in rows[column].items() if not pd.isna(v) and bool(v)]
        if days:
            found.append(f"{med['name']} on " + ", ".join(f"{d:%a}" for d in days))
    return found
