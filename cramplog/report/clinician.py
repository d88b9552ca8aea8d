"""The summary's flags, what has been tried, and its numbered sources."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from cramplog import analysis, charts, knowledge
from cramplog.charts import DARK, INK

if TYPE_CHECKING:
    from cramplog.flags import Check
    from cramplog.frame import Nightly

from cramplog import present
from cramplog.report.page import Page
from cramplog.report.sections import counts


class Sources:
    """Numbered references, in order of first citation, for the summary page."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def cite(self, keys: Sequence[str]) -> str:
        numbers = []
        for key in keys:
            if key not in self.keys:
                self.keys.append(key)
            numbers.append(str(self.keys.index(key) + 1))
        return "[" + ", ".join(numbers) + "]"


@dataclass
class Block:
    """A paragraph of the summary page: its text, or a heading and its note."""

    text: str
    size: float = 8.0
    heading: bool = False
    note: str = ""
    color: str = INK
    bold: bool = False
    after: float = 0.04

    def put(self, page: Page) -> None:
        if self.heading:
            page.heading(self.text, self.note)
        else:
            page.text(self.text, size=self.size, color=self.color, bold=self.bold, after=self.after)


def flag_lines(check: Check | None, sources: Sources) -> list[Block]:
    flags = check.flags if check is not None else []
    blocks = [
        Block(
            "Provider-visit flags",
            heading=True,
            note="Most pressing first; the rules and thresholds are settings of the diary.",
        )
    ]
    if not flags:
        checked = len(check.checked) if check is not None else 0
        blocks.append(Block(f"No rule tripped: {checked} rules checked over the nights logged."))
    for flag in flags:
        label = knowledge.level_label(flag.level).upper()
        since = f" Since {present.day(flag.since)}." if flag.since else ""
        cite = sources.cite(flag.source_keys) if flag.source_keys else f"(source: {flag.source})"
        blocks.append(Block(f"{label}: {flag.title} {cite}", size=7.8, bold=True, after=0.0))
        blocks.append(Block(f"{flag.message}{since}", size=7.8))
    return blocks


def tried_lines(nightly: Nightly, end: date, insight: dict[str, Any]) -> list[Block]:
    """Stretching, water and shoes, and each medicine started or stopped, with numbers."""
    blocks = [
        Block(
            "What has been tried, and other changes",
            heading=True,
            note=f"Cramp nights of logged nights in the {analysis.CHANGE_WINDOW_NIGHTS} nights "
            "before and after each change; and on nights with and without a factor (whole diary).",
        )
    ]
    for change in analysis.changes(nightly, None, end):
        blocks.append(Block("\u2022 " + _change_text(change), size=7.8))
    by_name = {(f["factor"], f["lag"]): f for f in insight["factors"]}
    wanted = ["stretched", "low_water", "tight_shoes"]
    wanted += [
        n
        for (n, lag), f in by_name.items()
        if lag == 0
        and n.startswith(("shoes:", "factor:"))  # a pair, or an own factor, that stands out
        and charts.is_finding(f, nightly.settings)
    ]
    # A pair of shoes worn on exactly the days of "tight shoes" is the same comparison: say
    # it once, naming both.
    same: dict[tuple[int, ...], tuple[dict[str, Any], list[str]]] = {}
    for name in wanted:
        if (name, 0) in by_name:
            f = by_name[(name, 0)]
            entry = same.setdefault(counts(f), (f, []))
            if entry[0] is not f:
                entry[1].append(label_of(f, nightly))
    for f, others in same.values():
        blocks.append(Block("\u2022 " + _factor_text(f, nightly, others), size=7.8))
    if len(blocks) == 1:
        blocks.append(
            Block(
                "Nothing to compare yet: no stretching, water or shoes recorded, and "
                "no medicine started or stopped."
            )
        )
    blocks.append(Block(analysis.NOTE, size=7.0, color=DARK))
    return blocks


_sig = present.ratio  # two significant figures, plainly: 0.074, 0.45, 2.0, 12


def _ratio(value: float | None, low: float | None, high: float | None) -> str:
    if value is None or low is None:
        return "no ratio"
    top = "infinity" if high is None else _sig(high)
    return f"{_sig(value)} (95% CI {_sig(low)} to {top})"


def _change_text(c: dict[str, Any]) -> str:
    what = c["what"][0].upper() + c["what"][1:]
    when = date.fromisoformat(c["date"])
    k0, t0, k1, t1 = (
        c["before_cramp_nights"],
        c["before_nights"],
        c["after_cramp_nights"],
        c["after_nights"],
    )
    if not t0 or not t1:
        side = "before" if not t0 else "after"
        return f"{what}, {present.day(when)}: no logged nights {side} to compare."
    return (
        f"{what}, {present.day(when)}: cramp nights {k0} of {t0} "
        f"({present.percent(k0, t0)}) before, "
        f"{k1} of {t1} ({present.percent(k1, t1)}) after; rate ratio "
        f"{_ratio(c['rate_ratio'], c['ci_low'], c['ci_high'])}."
    )


def label_of(f: dict[str, Any], nightly: Nightly) -> str:
    """A factor row's name: the analysis's `label` (merged columns named together), else one
    made from its column name."""
    return str(f.get("label") or charts.factor_label(f["factor"], nightly.settings))


def _factor_text(f: dict[str, Any], nightly: Nightly, same: Sequence[str] = ()) -> str:
    label = label_of(f, nightly)
    label = label[0].upper() + label[1:]
    if same:
        label += f" ({', '.join(same)}: the same days)"
    a1, n1, a0, n0 = (
        f["exposed_cramp_nights"],
        f["exposed_nights"],
        f["unexposed_cramp_nights"],
        f["unexposed_nights"],
    )
    if not f["enough_data"]:
        return f"{label}: {n1} nights with, {n0} without; not enough data yet to compare."
    return (
        f"{label}: cramp nights {a1} of {n1} ({present.percent(a1, n1)}) with, {a0} of {n0} "
        f"({present.percent(a0, n0)}) without; risk ratio "
        f"{_ratio(f['risk_ratio'], f['ci_low'], f['ci_high'])}."
    )


def source_lines(sources: Sources) -> list[Block]:
    if not sources.keys:
        return []
    table = knowledge.sources()
    blocks = [Block("Sources", heading=True)]
    for i, key in enumerate(sources.keys, 1):
        blocks.append(Block(f"[{i}] {table[key].reference}", size=6.8, color=DARK))
    return blocks
