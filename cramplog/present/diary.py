"""Diary entries as the lines the terminal shows: a cramp, a day's factors.

Light on purpose (no pandas): `log`, `day` and the check-in print these right after saving.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cramplog import present

if TYPE_CHECKING:
    from cramplog.models import Day, Episode


def episode_line(e: Episode) -> str:
    """ "severity 6, calf (left), 2 min, woke you; night of Thu 19 Nov 2026 (at Fri 20 Nov
    03:10)". A field not recorded is left out, never shown as "no" (`show` says which are
    not recorded); text from the diary is escaped for the terminal."""
    from cramplog.timeutil import zone

    local = e.at.astimezone(zone(e.tz))
    parts = [
        f"severity {present.severity(e.severity)}"
        if e.severity is not None
        else "severity not rated"
    ]
    if e.site:
        parts.append(f"{e.site} ({e.side})" if e.side else e.site)
    elif e.side:
        parts.append(f"{e.side} side" if e.side != "both" else "both sides")
    if e.minutes is not None:
        parts.append(present.duration(e.minutes))
    if e.woke is not None:
        parts.append("woke you" if e.woke else "did not wake you")
    if e.sign_list:
        parts.append("signs: " + ", ".join(e.sign_list))
    at = f"{local:%a} {local.day} {local:%b %H:%M}"
    return present.terminal(f"{', '.join(parts)}; night of {present.day(e.night)} (at {at})")


def day_line(d: Day, units: str = "metric") -> str:
    """A day's factors in one line, water in the `units` setting; "nothing logged" if none."""
    parts = []
    if d.water_ml is not None:
        parts.append(f"water {present.water(d.water_ml, units)}")
    if d.exercise_minutes is not None:
        parts.append(f"exercise {d.exercise_minutes} min")
    if d.activity_list:
        parts.append("(" + ", ".join(d.activity_list) + ")")
    if d.stretched is not None:
        parts.append("stretched before bed" if d.stretched else "no stretching")
    if d.shoes:
        worn = [s.shoe.name + (f" {s.hours:g} h" if s.hours is not None else "") for s in d.shoes]
        parts.append("shoes " + ", ".join(worn))
    for label, value in (("alcohol", d.alcohol), ("caffeine", d.caffeine)):
        if value is not None:
            parts.append(f"{label} {present.plural(value, 'drink')}")
    if d.sitting_hours is not None:
        parts.append(f"sitting {d.sitting_hours:g} h")
    if d.steps is not None:
        parts.append(f"{d.steps:,} steps")
    for row in d.factors:  # own factors recorded that day; one not here is not recorded
        if row.factor.removed_at is None:
            shown = present.factor_value(row.value, row.factor.kind, row.factor.unit)
            parts.append(f"{row.factor.name}: {shown}")
    if d.note:
        parts.append(f"note: {d.note}")
    return present.terminal(", ".join(parts)) if parts else "nothing logged"
