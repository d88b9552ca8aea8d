"""Sections both reports share, and saving a report."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from cramplog import __version__, analysis, charts, knowledge
from cramplog.charts import DARK

if TYPE_CHECKING:
    from cramplog.flags import Check, Flag
    from cramplog.frame import Nightly

from cramplog import present
from cramplog.report.inputs import DISCLAIMER, Inputs, Written
from cramplog.report.page import Page

# --- shared sections -----------------------------------------------------------------------


def flag_section(page: Page, check: Check | None, as_of: date) -> None:
    flags = check.flags if check is not None else []
    page.heading(
        "Worth raising with a healthcare provider",
        f"Provider-visit rules checked over the nights to {present.day(as_of)}, most pressing "
        "first. "
        "Each names its source.",
    )
    if not flags:
        checked = len(check.checked) if check is not None else 0
        page.text(
            f"Nothing tripped: none of the {checked} rules for suggesting a visit applies to "
            "the nights logged. If something worries you, ask a healthcare provider anyway.",
            after=0.08,
        )
        return
    for flag in flags:
        _flag(page, flag)


def _flag(page: Page, flag: Flag) -> None:
    label = knowledge.level_label(flag.level).upper()
    page.text(f"{label}: {flag.title}", bold=True, after=0.01)
    since = f" Since {present.day(flag.since)}." if flag.since else ""
    page.text(present.plain_words(flag.message) + since, indent=0.15, after=0.01)
    page.text(f"Suggestion: {flag.advice}", indent=0.15, after=0.01)
    page.text(f"Source: {_short_sources(flag)}", size=7.2, color=DARK, indent=0.15, after=0.07)


def _short_sources(flag: Flag) -> str:
    """A flag's sources by their short names (the packet lists the full references)."""
    table = knowledge.sources()
    named = [table[k].short for k in flag.source_keys if k in table]
    return "; ".join(named) if named else flag.source


def strongest(
    factors: list[dict[str, Any]], settings: dict[str, Any], *, count: int = 3, leads: bool = False
) -> list[dict[str, Any]]:
    """The `count` findings with the smallest q (then p); with `leads`, the factors whose CI
    excludes 1 but which are not findings (they could be chance) instead.

    A day-before version is left out when its same-day version is listed too, since it mostly
    repeats it; and two factors on exactly the same nights (a pair of shoes that is the only
    tight pair) are one, so the lines shown say different things.
    """
    pick = charts.is_lead if leads else charts.is_finding
    found = [f for f in factors if pick(f, settings)]
    same_day = {f["factor"] for f in found if f["lag"] == 0}
    found = [f for f in found if f["lag"] == 0 or f["factor"] not in same_day]
    found.sort(
        key=lambda f: (f["q_value"] if f["q_value"] is not None else 1.0, f["p_value"] or 1.0)
    )
    distinct: list[dict[str, Any]] = []
    seen: set[tuple[int, ...]] = set()
    for f in found:
        key = counts(f)
        if key not in seen:
            seen.add(key)
            distinct.append(f)
    return distinct[:count]


def counts(f: dict[str, Any]) -> tuple[int, ...]:
    keys = ("exposed_nights", "exposed_cramp_nights", "unexposed_nights", "unexposed_cramp_nights")
    return tuple(int(f[k]) for k in keys)


def is_medicine(factor: str) -> bool:
    return factor.startswith("medication:") or factor == "listed_medication"


def _why_no_insights(factors: list[dict[str, Any]], observed: int) -> str:
    if not factors:
        return (
            "No day factors are logged yet (water, exercise, shoes, stretching...), so there is "
            "nothing to compare. Log each day with: cramplog day"
        )
    enough = [f for f in factors if f["enough_data"]]
    if not enough:
        return (
            f"Not enough nights yet to compare any factor "
            f"({present.plural(observed, 'night')} logged): each needs at least "
            f"{analysis.MIN_GROUP_NIGHTS} logged nights with it and "
            f"{analysis.MIN_GROUP_NIGHTS} without, and {analysis.MIN_OBSERVED_NIGHTS} in all."
        )
    return (
        f"Nothing stands out yet: none of the {present.plural(len(enough), 'factor')} with "
        "enough nights goes clearly with more or fewer cramp nights."
    )


def insight_section(page: Page, nightly: Nightly, end: date, factors: list[dict[str, Any]]) -> None:
    """What seems to matter, for the person: findings in plain words, then what could be
    chance said to be so (never a bare p or q)."""
    observed = int(nightly.frame.loc[: pd.Timestamp(end), "observed"].sum())
    page.heading(
        "What seems to matter",
        f"The strongest associations over the whole diary ({present.day(nightly.start)} to "
        f"{present.day(end)}, {present.plural(observed, 'night')} logged).",
    )
    settings = nightly.settings
    top = strongest(factors, settings)
    maybe = strongest(factors, settings, leads=True, count=3 - len(top)) if len(top) < 3 else []
    tested = sum(1 for f in factors if f.get("q_value") is not None)
    if not top and not maybe:
        page.text(_why_no_insights(factors, observed))
    for i, f in enumerate(top, 1):
        advice = f" {knowledge.MEDICATION_ADVICE}" if is_medicine(f["factor"]) else ""
        page.text(f"{i}. {present.plain_words(f['sentence'])}{advice}", after=0.04)
    for f in maybe:
        sentence = present.plain_words(f["sentence"]).replace(" This could be chance.", "")
        page.text(
            f"\u2022 {sentence} This could be chance: {present.plural(tested, 'factor')} were "
            "compared, and with so many one or two stand out by luck alone.",
            after=0.04,
        )
    page.text(analysis.NOTE, size=7.2, color=DARK, after=0.06)


# The reports' endpoints are the analysis's own: `woke_known_nights` is the frame's count of
# cramp nights whose waking is known, so the reports and `stats` count the same nights.
endpoints = analysis.endpoints


def enough_nights(e: dict[str, Any], settings: dict[str, Any]) -> bool:
    """Whether a period has the `min_rate_nights` logged nights a rate needs (the analysis's
    own `enough_data` once it gives one)."""
    if "enough_data" in e:
        return bool(e["enough_data"])
    return int(e["nights_observed"]) >= int(settings.get("min_rate_nights", 7))


def rate_cell(e: dict[str, Any], settings: dict[str, Any]) -> str:
    """Cramps per week, or how few nights there were when too few for a rate."""
    if not enough_nights(e, settings) or present.is_unknown(e.get("cramps_per_week")):
        return f"too few nights ({e['nights_observed']} logged)"
    return present.number(e["cramps_per_week"])


def woke_cell(e: dict[str, Any], *, share: bool = False) -> str:
    """Nights woken by cramps: "2", "2 (33%)", "1 of 2 known" (waking not recorded on every
    cramp night), or "not recorded" when no cramp night's waking is known (never 0)."""
    woke, cramp_nights = e["woke_nights"], e["cramp_nights"]
    known = e.get("woke_known_nights", cramp_nights)
    if present.is_unknown(woke) or (cramp_nights and not known):
        return present.UNKNOWN
    if known < cramp_nights:
        return f"{woke} of {known} known"
    if share:
        return f"{woke} ({present.percent(woke, e['nights_observed'])})"
    return str(woke)


def first_logged(nightly: Nightly) -> date | None:
    """The diary's first observed night in the frame, None when nothing is logged."""
    observed = nightly.frame.index[nightly.frame["observed"].to_numpy(dtype=bool)]
    return observed.min().date() if len(observed) else None


def next_page(pages: list[Page], inputs: Inputs, need: float) -> Page:
    """The current page if `need` inches are left on it, else a new one."""
    if pages[-1].room() >= need:
        return pages[-1]
    pages.append(Page(inputs.paper))
    return pages[-1]


# --- empty diary, metadata and saving ------------------------------------------------------


def nothing_page(inputs: Inputs, heading: str, end: date) -> Page:
    page = Page(inputs.paper)
    name = inputs.profile.shown_name
    page.title(heading, f"The diary of {present.terminal(name)}" if name else "")
    page.text(
        f"No nights are logged up to {present.day(end)}, so there is nothing to report.",
        size=11,
        bold=True,
    )
    page.text(
        "Each morning, log last night: cramplog log 6 --at 03:10 --site calf (a cramp) or "
        "cramplog none (no cramps). Add the day's water, exercise and shoes with cramplog day. "
        "After a week or two, this report shows how the nights went and what seems to matter.",
    )
    return page


def meta(inputs: Inputs, kind: str, start: date, end: date | None = None) -> dict[str, Any]:
    who = inputs.profile.name
    author = f"{who}, self-kept diary" if who and who != "me" else "Self-kept diary"
    if kind == "weekly":
        iso = start.isocalendar()
        title = f"Night cramp diary: weekly report, {iso.year}-W{iso.week:02d}"
        subject = f"Nights {start.isoformat()} to {(start + timedelta(days=6)).isoformat()}"
    else:
        title = "Night cramp diary: appointment packet"
        subject = f"Nights {start.isoformat()} to {end.isoformat() if end else ''}"
    made = inputs.made.astimezone(UTC)
    return {
        "Title": title,
        "Author": author,
        "Subject": subject + ". " + DISCLAIMER,
        "Creator": f"cramplog {__version__}",
        "CreationDate": made,
        "ModDate": made,
    }


def save(pages: list[Page], inputs: Inputs, path: Path, metadata: dict[str, Any]) -> Written:
    from matplotlib.backends.backend_pdf import PdfPages

    for number, page in enumerate(pages, 1):
        page.footer(inputs.made, number, len(pages))
    figures = [page.fig for page in pages]
    with charts.style(), charts.pdf_fonts(figures), PdfPages(path, metadata=metadata) as pdf:
        for figure in figures:
            pdf.savefig(figure)
    return Written(path, len(pages))
