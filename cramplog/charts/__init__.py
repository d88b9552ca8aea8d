"""Charts of the diary as matplotlib `Figure` objects, built directly (no pyplot state).

Every chart is readable printed in black and white: series differ by hatching, markers, line
style and shades of grey, never by colour alone. Every axis names its unit, and every time
axis shows dates. A period with nothing to draw gives a figure that says so, never a blank
figure or an exception.

Each public chart takes the nightly frame, an optional period (`start`, `end`; default the
frame's own) and an optional `figure`: a `Figure` or `SubFigure` to draw into, which is how
`cramplog.report` puts one or two charts on a page. Without it, a new `Figure` of a sensible
size is made. `CHARTS` maps each chart's name to its function for `cramplog chart NAME`.

One module per chart family; `style` holds the shared look and `common` the shared helpers.
"""

from __future__ import annotations

from cramplog.charts.calendar import calendar, calendar_height
from cramplog.charts.common import clock_time, factor_label, is_finding, is_lead
from cramplog.charts.cramps import severity, time_of_night
from cramplog.charts.forest import forest, forest_height
from cramplog.charts.registry import CHARTS, FORMATS, save
from cramplog.charts.sites import sites
from cramplog.charts.style import (
    DARK,
    EMPTY_MESSAGE,
    INK,
    LIGHT,
    MID,
    NO_CRAMPS_MESSAGE,
    PAPER,
    STYLE,
    pdf_fonts,
    style,
)
from cramplog.charts.trend import trend
from cramplog.charts.week import week

__all__ = [
    "CHARTS",
    "DARK",
    "EMPTY_MESSAGE",
    "FORMATS",
    "INK",
    "LIGHT",
    "MID",
    "NO_CRAMPS_MESSAGE",
    "PAPER",
    "STYLE",
    "calendar",
    "calendar_height",
    "clock_time",
    "factor_label",
    "forest",
    "forest_height",
    "is_finding",
    "is_lead",
    "pdf_fonts",
    "save",
    "severity",
    "sites",
    "style",
    "time_of_night",
    "trend",
    "week",
]
