"""The packet's self-trial page: what the CENT 2015 guideline asks an N-of-1 trial report to say.

CENT 2015 (CONSORT extension for N-of-1 trials; Vohra et al., BMJ 2015;350:h1738) asks for
the number and length of the periods, any washout (run-in and carry-over), how the order was
randomised, adherence, missing data, the results of each period, and the estimated effect
with its precision. Each has a line here, in that spirit; the chart shows each period.
"""

from __future__ import annotations

from cramplog import present
from cramplog.charts.trial import trial_periods
from cramplog.report.inputs import Inputs
from cramplog.report.page import Column, Page
from cramplog.trials import words
from cramplog.trials.summary import TrialSummary

CENT = "CENT 2015: Vohra S et al. BMJ 2015;350:h1738."


def trial_pages(inputs: Inputs, t: TrialSummary) -> list[Page]:
    s = t.schedule
    res = t.result
    page = Page(inputs.paper)
    state = "finished" if t.finished else ("ended early" if t.ended else "under way")
    page.title(
        f"Self-trial (N-of-1) of {words.habit(t.factor)}",
        f"{present.day(s.start)} to {present.day(s.end)} \u00b7 {state} \u00b7 "
        f"reported as the CENT 2015 guideline asks",
    )
    page.heading("Design")
    for line in words.plan_lines(t.factor, s, t.seed):
        page.text(present.terminal(line))
    page.text(
        "Randomisation: each pair's order (on then off, or off then on) was drawn with "
        "probability one half by Python's random.Random from the seed above, which reproduces "
        "it; the person knew the arm (not blinded). Outcome: cramps per logged night, from the "
        "morning diary; a night not logged is missing, never cramp-free."
    )
    if t.changes:
        for c in t.changes:
            page.text(
                present.terminal(f"Recorded after it began, {c['at']}: {c['what']}"), bold=True
            )
    else:
        page.text("The schedule was not changed after the first night.")
    page.heading("Adherence and missing nights")
    on, off = res["arms"]["on"], res["arms"]["off"]
    rows = []
    for label, arm in (("On", on), ("Off", off)):
        kept = (
            present.UNKNOWN
            if arm["adherence"] is None
            else f"{present.fraction(arm['adherence'])} of {arm['factor_recorded_nights']}"
        )
        rows.append(
            [
                label,
                str(arm["nights_planned"]),
                str(arm["nights_observed"]),
                str(arm["nights_missing"]),
                kept,
                str(arm["factor_unrecorded_nights"]),
            ]
        )
    page.table(
        [
            Column("Arm", 0.8),
            Column("Counted nights" + ("" if t.finished else " so far"), 1.3, "right"),
            Column("Logged", 0.9, "right"),
            Column("Not logged", 0.9, "right"),
            Column("Kept to the plan (of recorded)", 1.8, "right"),
            Column("Habit not recorded", 1.3, "right"),
        ],
        rows,
    )
    closing = [
        *words.result_lines(t.factor, res, s, t.finished, t.ended),
        "One person's trial answers a question about that person; it suggests, it does not "
        f"diagnose. {CENT}",
    ]
    page.heading("Each period")
    # The chart gives up to an inch so that the result stays on this page when it can: a
    # page of its own for one closing line reads as if something were missing.
    result_height = 0.45 + sum(page.height(line) + 0.05 for line in closing)
    chart_height = max(2.0, min(3.0, page.room() - 0.1 - result_height))
    page.chart(trial_periods, chart_height, res["periods"], words.habit(t.factor))
    page.space(0.1)
    pages = [page]
    page.heading("Result")
    for line in closing:
        if page.room() < page.height(line) + 0.05:  # a long result goes on to a second page
            page = Page(inputs.paper)
            pages.append(page)
        page.text(line)
    return pages
