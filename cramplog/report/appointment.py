"""The appointment packet: page one, the clinician's one-minute summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cramplog import analysis, charts, knowledge
from cramplog.charts import DARK

if TYPE_CHECKING:
    from cramplog.frame import Nightly

from cramplog import present
from cramplog.report.appendix import chart_pages, episode_pages
from cramplog.report.clinician import Block, Sources, flag_lines, source_lines, tried_lines
from cramplog.report.inputs import DASH, Inputs, Written
from cramplog.report.own_factors import summary_line
from cramplog.report.page import Column, Page
from cramplog.report.sections import (
    endpoints,
    first_logged,
    meta,
    nothing_page,
    rate_cell,
    save,
    woke_cell,
)

# --- the appointment packet ----------------------------------------------------------------


def appointment(inputs: Inputs, start: date, end: date, path: Path) -> Written:
    """The packet for an appointment: a one-minute summary, the charts, every cramp."""
    with charts.style():
        return _appointment(inputs, start, end, path)


def _appointment(inputs: Inputs, start: date, end: date, path: Path) -> Written:
    nightly = inputs.nightly
    first = first_logged(nightly)
    if first is None:
        page = nothing_page(inputs, "Night cramp diary: summary for the appointment", end)
        return save([page], inputs, path, meta(inputs, "appointment", start, end))
    # A diary younger than the period asked for: the period starts with the diary, so that its
    # completeness is not diluted by nights from before the person began.
    start = max(start, first)
    insight = analysis.insights(nightly, None, end)
    pages = summary_pages(inputs, start, end, insight)
    if episode_count(nightly, start, end):
        pages.extend(chart_pages(inputs, start, end, insight["factors"]))
    if inputs.trial is not None:  # only a diary with a trial gets its page
        from cramplog.report.trial_page import trial_pages

        pages.extend(trial_pages(inputs, inputs.trial))
    if episode_count(nightly, start, end):
        pages.extend(episode_pages(inputs, start, end))
    return save(pages, inputs, path, meta(inputs, "appointment", start, end))


def episode_count(nightly: Nightly, start: date, end: date) -> int:
    return int(analysis.endpoints(nightly, start, end)["episodes"])


SUMMARY_SCALES = (1.0, 0.94, 0.88, 0.82)


def summary_pages(inputs: Inputs, start: date, end: date, insight: dict[str, Any]) -> list[Page]:
    """Page one, at the largest type that fits one page; a very full summary (many flags and
    medicines) goes on to a second page rather than into unreadably small type."""
    # The figures are worked out once; only the type size changes between tries.
    facts = Facts(
        analysis.endpoints(inputs.nightly, start, end),
        analysis.trend(inputs.nightly, end)["sentence"],
        endpoint_rows(inputs.nightly, start, end),
        tried_lines(inputs.nightly, end, insight),
        summary_line(inputs.nightly, start, end),
    )
    for scale in SUMMARY_SCALES:
        pages = summary_at(inputs, start, end, insight, scale, facts)
        if len(pages) == 1:
            return pages
    return pages


@dataclass(frozen=True)
class Facts:
    """Page one's figures, computed once however many type sizes are tried."""

    period: dict[str, Any]
    trend: str
    endpoints: tuple[list[Column], list[list[str]]]
    tried: list[Block]
    own_factors: str | None = None  # one line on the person's own factors, when there are some


def summary_at(
    inputs: Inputs,
    start: date,
    end: date,
    insight: dict[str, Any],
    scale: float,
    facts: Facts,
) -> list[Page]:
    nightly = inputs.nightly
    pages = [Page(inputs.paper, scale)]
    page = pages[0]
    period = facts.period
    logged = present.percent(period["nights_observed"], period["nights_in_period"])
    page.title(
        "Night cramp diary: summary for the appointment",
        f"{present.day(start)} to {present.day(end)} ({present.length(start, end)}) \u00b7 "
        f"{period['nights_observed']} of {period['nights_in_period']} nights logged ({logged}) "
        + (
            f"\u00b7 the self-kept diary of {present.terminal(inputs.profile.shown_name)}"
            if inputs.profile.shown_name
            else "\u00b7 a self-kept diary"
        ),
    )
    sources = Sources()
    who(page, inputs, start, end, sources)
    endpoint_table(page, *facts.endpoints)
    if facts.own_factors:
        page.text(facts.own_factors, size=7.2, color=DARK)
    page.heading("Trend")
    page.text(present.plain_words(facts.trend))
    if not episode_count(nightly, start, end):
        page.text(
            "No cramps were logged in this period, so there are no charts and no table of cramps.",
            bold=True,
        )
    lines = flag_lines(inputs.check, sources)
    lines += facts.tried
    refs = source_lines(sources)
    for block in lines + refs:
        need = page.height(block.text, size=block.size, bold=block.bold)
        if page.room() < need + (0.3 if block.heading else 0):
            page = Page(inputs.paper, scale)
            pages.append(page)
        block.put(page)
    return pages


def who(page: Page, inputs: Inputs, start: date, end: date, sources: Sources) -> None:
    profile = inputs.profile
    page.heading("Who")
    table = knowledge.conditions()
    shown = []
    for stored in profile.conditions:
        known = table.get(stored)
        cite = f" {sources.cite(known.source)}" if known is not None else ""
        shown.append(condition_text(stored) + cite)
    conditions = "; ".join(shown) if shown else "none recorded"
    page.text(f"{present.age(profile.birth_year, end)} Conditions on the profile: {conditions}.")
    rows = []
    marked = False
    for med in inputs.nightly.medications:
        started, stopped = med.get("started"), med.get("stopped")
        if stopped is not None and stopped < start:
            continue
        listed = knowledge.match_medication(str(med["name"]), profile.aliases)
        note = ""
        if listed is not None:
            marked = True
            note = f"* {listed.name}: {listed.association} {sources.cite(listed.source)}"
        when = "as needed" if med.get("as_needed") else "regular"
        since = present.day(started) if started else "before the diary"
        if stopped is not None:
            since += f", stopped {present.day(stopped)}"
        rows.append(
            [
                ("* " if listed else "") + str(med["name"]),
                med.get("dose") or DASH,
                when,
                since,
                note,
            ]
        )
    if not rows:
        page.text("Medicines: none recorded.")
        return
    columns = [
        Column("Medicine", 1.35),
        Column("Dose", 0.6),
        Column("Taken", 0.6),
        Column("Since", 1.2),
        Column("Reported with night cramps", 3.3),
    ]
    page.table(columns, rows, size=7.2)
    if marked:
        page.text(
            f"* On the list of medicines reported in association with night cramps. "
            f"{knowledge.MEDICATION_ADVICE}",
            size=7.2,
            color=DARK,
        )


def endpoint_table(page: Page, columns: list[Column], rows: list[list[str]]) -> None:
    page.heading(
        "Endpoints, as trial diaries report them",
        "Cramps per week = cramps / (logged nights / 7); severity 0-10 and duration are per cramp.",
    )
    page.table(columns, rows, size=7.5)


def endpoint_rows(nightly: Nightly, start: date, end: date) -> tuple[list[Column], list[list[str]]]:
    """The endpoint table's columns and cells: the whole period, the last 4 weeks, the 4
    before."""
    # The last 4 weeks and the 4 before, cut at the start of the period (the diary's first
    # night at the latest): nights before the diary began were never going to be logged.
    recent_lo = max(end - timedelta(days=27), start)
    before_lo = max(end - timedelta(days=55), start)
    before_hi = end - timedelta(days=28)
    periods: list[dict[str, Any] | None] = [
        endpoints(nightly, start, end),
        endpoints(nightly, recent_lo, end),
        endpoints(nightly, before_lo, before_hi) if before_lo <= before_hi else None,
    ]
    settings = nightly.settings

    def cells(key: Callable[[dict[str, Any]], str]) -> list[str]:
        return [DASH if e is None else key(e) for e in periods]

    def share(e: dict[str, Any]) -> str:
        return f"{e['cramp_nights']} ({present.percent(e['cramp_nights'], e['nights_observed'])})"

    rows = [
        ["Nights logged", *cells(lambda e: f"{e['nights_observed']} of {e['nights_in_period']}")],
        ["Cramps per week", *cells(lambda e: rate_cell(e, settings))],
        ["Cramp nights (share of logged)", *cells(share)],
        ["Cramp-free nights", *cells(lambda e: str(e["cramp_free_nights"]))],
        ["Cramps", *cells(lambda e: str(e["episodes"]))],
        ["Severity 0-10, mean (worst)", *cells(_severity)],
        ["Duration, mean minutes", *cells(lambda e: present.number(e["mean_minutes"]))],
        ["Nights woken by cramps", *cells(lambda e: woke_cell(e, share=True))],
    ]
    columns = [
        Column("", 2.35),
        Column(f"Whole period\n{present.span(start, end)}", 1.6, "right"),
        Column(f"Last 4 weeks\n{present.span(recent_lo, end)}", 1.55, "right"),
        Column(
            f"The 4 weeks before\n{present.span(before_lo, before_hi)}"
            if before_lo <= before_hi
            else "The 4 weeks before\n(before the diary)",
            1.55,
            "right",
        ),
    ]
    return columns, rows


def _severity(e: dict[str, Any]) -> str:
    return present.severity_summary(e["mean_severity"], e["max_severity"], e["episodes"])


def condition_text(stored: str) -> str:
    """A stored condition as the packet shows it: a listed condition's name, or free text as
    the person typed it."""
    return knowledge.condition_label(stored)
