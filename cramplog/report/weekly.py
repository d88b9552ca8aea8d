"""The weekly report: how a Monday-to-Sunday week went, in one or two pages."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cramplog import analysis, charts

if TYPE_CHECKING:
    from cramplog.frame import Nightly

from cramplog import present
from cramplog.report.inputs import DASH, TREND_WEEKS, Inputs, Written
from cramplog.report.nights import night_table
from cramplog.report.own_factors import week_table
from cramplog.report.page import Column, Page
from cramplog.report.sections import (
    endpoints,
    first_logged,
    flag_section,
    insight_section,
    meta,
    next_page,
    nothing_page,
    save,
    woke_cell,
)

# --- the weekly report ---------------------------------------------------------------------


def weekly(inputs: Inputs, monday: date, path: Path) -> Written:
    """The report of the Monday-to-Sunday week starting `monday`: one or two pages."""
    with charts.style():
        return _weekly(inputs, monday, path)


def _weekly(inputs: Inputs, monday: date, path: Path) -> Written:
    sunday = monday + timedelta(days=6)
    nightly = inputs.nightly
    first = first_logged(nightly)
    if first is None:
        heading = f"Night cramps: week of {present.short_day(monday)} to {present.day(sunday)}"
        page = nothing_page(inputs, heading, sunday)
        return save([page], inputs, path, meta(inputs, "weekly", monday))
    pages = [Page(inputs.paper)]
    page = pages[0]
    iso = monday.isocalendar()
    this = endpoints(nightly, monday, sunday)
    page.title(
        f"Night cramps: week of {present.short_day(monday)} to {present.day(sunday)}",
        f"Week {iso.year}-W{iso.week:02d} \u00b7 {this['nights_observed']} of 7 nights logged "
        f"\u00b7 {_whose(inputs)}",
    )
    _week_numbers(page, nightly, monday, first)
    flag_section(page, inputs.check, sunday)
    night_table(pages, inputs, monday)
    week_table(pages, inputs, monday)  # the person's own factors, when the diary has some
    _trend_section(pages, inputs, monday, first)
    factors = analysis.insights(nightly, None, sunday)["factors"]
    page = next_page(pages, inputs, need=1.6)
    insight_section(page, nightly, sunday, factors)
    page = next_page(pages, inputs, need=0.9)
    _completeness(page, nightly, monday, first)
    return save(pages, inputs, path, meta(inputs, "weekly", monday))


def _trend_section(pages: list[Page], inputs: Inputs, monday: date, first: date) -> None:
    """The weekly trend from the diary's first week (at most 12 weeks back)."""
    sunday = monday + timedelta(days=6)
    first_monday = first - timedelta(days=first.weekday())
    start = max(monday - timedelta(weeks=TREND_WEEKS - 1), first_monday)
    weeks = (sunday - start).days // 7 + 1
    if weeks < 2:
        page = next_page(pages, inputs, need=0.8)
        page.heading("Week by week")
        page.text(
            f"The diary began on {present.day(first)}: a chart of the weeks shows from the "
            "second week on."
        )
        return
    page = next_page(pages, inputs, need=4.6)
    label = f"The last {weeks} weeks" if weeks == TREND_WEEKS else f"The {weeks} weeks so far"
    page.heading(label)
    page.chart(charts.trend, 3.3, inputs.nightly, start, sunday, mark=monday)


def _week_numbers(page: Page, nightly: Nightly, monday: date, first: date) -> None:
    """This week, the week before, and the average week of the 4 before (of those the diary
    has: weeks before it began would pull the average down with nights never logged)."""
    sunday = monday + timedelta(days=6)
    this = endpoints(nightly, monday, sunday)
    before = endpoints(nightly, monday - timedelta(days=7), monday - timedelta(days=1))
    first_monday = first - timedelta(days=first.weekday())
    weeks = max(0, min(4, (monday - first_monday).days // 7))
    four = endpoints(
        nightly, monday - timedelta(days=7 * max(weeks, 1)), monday - timedelta(days=1)
    )
    page.heading("The week in numbers")
    if this["nights_observed"] == 0:
        page.text(
            "No nights logged this week. Nights without an entry are unknown, not cramp-free: "
            "log each morning with cramplog log (a cramp) or cramplog none (no cramps).",
            bold=True,
        )

    def per_week(e: dict[str, Any], key: str) -> str:
        if weeks == 0:
            return DASH
        return present.number(e[key] / weeks) if weeks > 1 else str(e[key])

    rows = []
    for label, key in (
        ("Nights logged (of 7)", "nights_observed"),
        ("Nights with cramps", "cramp_nights"),
        ("Cramps", "episodes"),
    ):
        rows.append(
            [label, str(this[key]), str(before[key]) if weeks else DASH, per_week(four, key)]
        )
    rows.append(
        [
            "Nights woken by cramps",
            woke_cell(this),
            woke_cell(before) if weeks else DASH,
            present.UNKNOWN
            if weeks and woke_cell(four) == present.UNKNOWN
            else per_week(four, "woke_nights"),
        ]
    )
    severity_then = (
        present.severity_summary(four["mean_severity"], four["max_severity"], four["episodes"])
        if weeks
        else DASH
    )
    minutes_then = present.number(four["mean_minutes"]) if weeks else DASH
    rows.append(
        [
            "Severity 0-10, mean (worst)",
            present.severity_summary(this["mean_severity"], this["max_severity"], this["episodes"]),
            present.severity_summary(
                before["mean_severity"], before["max_severity"], before["episodes"]
            ),
            severity_then,
        ]
    )
    rows.append(
        [
            "Duration, mean minutes per cramp",
            present.number(this["mean_minutes"]),
            present.number(before["mean_minutes"]),
            minutes_then,
        ]
    )
    average = "Average of the week before" if weeks == 1 else f"Average of the {weeks} weeks before"
    columns = [
        Column("", 2.35),
        Column("This week", 1.25, "right"),
        Column("Week before", 1.25, "right"),
        Column(average if weeks else "Weeks before", 1.9, "right"),
    ]
    page.table(columns, rows)
    page.text(_week_sentence(this, before, four, weeks), size=8.5, after=0.04)


def _week_sentence(
    this: dict[str, Any], before: dict[str, Any], four: dict[str, Any], weeks: int
) -> str:
    """Cramp nights out of logged nights, this week against before: rates, so that a week with
    fewer nights logged is not read as a better week."""

    def part(e: dict[str, Any], when: str) -> str:
        k, n = e["cramp_nights"], e["nights_observed"]
        if not n:
            return f"no nights logged {when}"
        return f"{k} of {present.plural(n, 'logged night')} ({present.percent(k, n)}) {when}"

    earlier = [(before, "the week before")]
    if weeks > 1:
        earlier.append((four, f"in the {weeks} weeks before this one"))
    compared = " and ".join(part(e, when) for e, when in earlier)
    if not this["nights_observed"]:
        if weeks == 0:
            return "No nights were logged this week, the diary's first."
        # "Cramps came on no nights logged..." would read as cramp-free: say the empty
        # periods apart from the ones with nights.
        empty = [when for e, when in earlier if not e["nights_observed"]]
        logged = [part(e, when) for e, when in earlier if e["nights_observed"]]
        text = "No nights were logged this week" + "".join(f" or {w}" for w in empty)
        return text + (f"; cramps came on {' and '.join(logged)}." if logged else ".")
    head = f"Cramps came on {part(this, 'this week')}"
    if weeks == 0:
        return head + "; the diary began this week."
    return f"{head}, against {compared}."


def _completeness(page: Page, nightly: Nightly, monday: date, first: date) -> None:
    """Logged nights this week, over the trend's weeks and since the diary began."""
    sunday = monday + timedelta(days=6)
    page.heading("How complete the diary is")
    week = endpoints(nightly, monday, sunday)
    start = max(monday - timedelta(weeks=TREND_WEEKS - 1), first)
    recent = endpoints(nightly, start, sunday)
    whole = endpoints(nightly, first, sunday)

    def part(e: dict[str, Any]) -> str:
        logged, nights = e["nights_observed"], e["nights_in_period"]
        return f"{logged} of {nights} nights logged ({present.percent(logged, nights)})"

    parts = [f"This week: {part(week)}."]
    if first < start:  # a diary older than the trend's weeks
        parts.append(f"Last {TREND_WEEKS} weeks: {part(recent)}.")
        parts.append(f"Whole diary since {present.day(first)}: {part(whole)}.")
    elif first < monday:
        parts.append(f"Since the diary began on {present.day(first)}: {part(whole)}.")
    parts.append("A night without an entry counts as unknown, never as cramp-free.")
    page.text(" ".join(parts))


def _whose(inputs: Inputs) -> str:
    name = inputs.profile.shown_name
    return f"the diary of {present.terminal(name)}" if name else "from your own diary"
