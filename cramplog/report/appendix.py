"""The packet's chart pages and its appendix of every cramp."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pandas as pd

from cramplog import charts, present
from cramplog.report.inputs import DASH, Inputs
from cramplog.report.page import Column, Page


def chart_pages(
    inputs: Inputs, start: date, end: date, factors: list[dict[str, Any]]
) -> list[Page]:
    """Two charts to a page; a tall forest plot gets a page of its own. A calendar too tall
    for the room under the trend (more than about six years, in two columns of months) gets a
    page of its own, and the severity chart moves up under the trend to fill that room."""
    nightly = inputs.nightly
    first = Page(inputs.paper)
    first.title("Charts", f"{present.day(start)} to {present.day(end)}")
    first.chart(charts.trend, 3.6, nightly, start, end)
    first.space(0.3)
    # Shrunk into the room left, a long calendar's squares and month labels could not be read.
    height = charts.calendar_height(start, end)
    second = Page(inputs.paper)
    third = Page(inputs.paper)
    if height <= first.room():
        first.chart(charts.calendar, height, nightly, start, end)
        second.chart(charts.severity, 4.8, nightly, start, end)
        second.space(0.4)
        second.chart(charts.time_of_night, 3.4, nightly, start, end)
    else:
        first.chart(charts.severity, 4.8, nightly, start, end)
        second.chart(charts.calendar, height, nightly, start, end)
        third.chart(charts.time_of_night, 3.4, nightly, start, end)
        third.space(0.4)
    third.chart(charts.sites, 3.0, nightly, start, end)
    pages = [first, second, third]
    # Day-before versions are drawn only where they stand out: they mostly repeat the same-day
    # ones, and a clinician reads a shorter plot.
    shown = [f for f in factors if f["lag"] == 0 or charts.is_finding(f, nightly.settings)]
    note = (
        f"Over the whole diary ({present.day(nightly.start)} to {present.day(end)}); "
        "same-day factors, "
        "and day-before ones that stand out."
    )
    height = charts.forest_height(shown, nightly.settings)
    if height > third.room() - 0.3:
        pages.append(Page(inputs.paper))
    else:
        third.space(0.3)
    pages[-1].chart(
        charts.forest,
        min(height, pages[-1].room()),
        nightly,
        nightly.start,
        end,
        factors=shown,
        note=note,
    )
    return pages


def episode_pages(inputs: Inputs, start: date, end: date) -> list[Page]:
    """Every cramp of the period, a line each, under its diary id (`cramplog show ID`)."""
    table = inputs.nightly.episodes
    rows: list[Sequence[str]] = []
    if table is not None and not table.empty:
        nights = pd.to_datetime(table["night"])
        inside = table[(nights >= pd.Timestamp(start)) & (nights <= pd.Timestamp(end))]
        rows = [episode_row(e) for e in inside.to_dict("records")]
    pages: list[Page] = []
    first = True
    while first or rows:
        page = Page(inputs.paper)
        heading = (
            "Appendix: every cramp logged" if first else "Appendix: every cramp logged (continued)"
        )
        page.title(
            heading,
            f"{present.day(start)} to {present.day(end)} \u00b7 # is the diary id (cramplog "
            "show #) \u00b7 Sev. = severity 0-10 \u00b7 local clock times, with the "
            "weekday after midnight (the morning after the night's date) \u00b7 "
            f"{DASH}\u00a0=\u00a0not\u00a0recorded",
        )
        if not rows:
            page.text("No cramps logged in this period.")
            pages.append(page)
            break
        rows = page.mono_table(EPISODE_COLUMNS, rows)
        pages.append(page)
        first = False
    return pages


# Widths in characters of the monospaced table (7.07 in of A4 at 6.6 pt: 128 characters).
EPISODE_COLUMNS = [
    Column("#", 5, "right"),
    Column("Night of", 15),
    Column("Time", 9),
    Column("Sev.", 4, "right"),
    Column("Lasted", 11, "right"),
    Column("Site", 5),
    Column("Side", 5),
    Column("Woke", 4),
    Column("Signs", 13),
    Column("Relief", 22),
    Column("Note", 19),
]


def episode_row(e: dict[str, Any]) -> list[str]:
    """One cramp as table cells; anything not recorded is a dash (the heading says so)."""
    local = e.get("local")
    night = pd.Timestamp(e["night"]).date()
    signs = ", ".join(s for s in str(e.get("signs") or "").split(",") if s)
    return [
        str(int(e["id"])) if not present.is_unknown(e.get("id")) else DASH,
        present.day(night),
        present.time_in_night(local, night),
        present.severity(e.get("severity"), missing=DASH),
        present.duration(e.get("minutes"), missing=DASH),
        present.site(e.get("site"), missing=DASH),
        present.side(e.get("side"), missing=DASH),
        present.yes_no(e.get("woke"), unknown=DASH),
        signs,
        present.shorten(e.get("relief"), 66) or DASH,
        present.shorten(e.get("note"), 60) or DASH,
    ]
