"""The charts by name, and saving one to a file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from cramplog.charts.calendar import calendar
from cramplog.charts.cramps import severity, time_of_night
from cramplog.charts.forest import forest
from cramplog.charts.sites import sites
from cramplog.charts.style import Target, make_printable, pdf_fonts, style
from cramplog.charts.trend import trend
from cramplog.charts.week import week

# --- registry and saving -------------------------------------------------------------------

ChartFunction = Callable[..., Target]

CHARTS: dict[str, ChartFunction] = {
    "trend": trend,
    "calendar": calendar,
    "time_of_night": time_of_night,
    "severity": severity,
    "sites": sites,
    "forest": forest,
    "week": week,
}

FORMATS = ("png", "svg", "pdf")


def save(
    fig: Figure, path: Path, *, metadata: dict[str, Any] | None = None, fmt: str | None = None
) -> Path:
    """Write a chart as PNG, SVG or PDF: `fmt`, else chosen by the file's extension (a
    temporary file, renamed into place by the caller, passes the format of its final name)."""
    fmt = (fmt or path.suffix).lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"{path.name}: the file name must end in .png, .svg or .pdf")
    make_printable([fig])
    with style():
        if fmt == "png":
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            FigureCanvasAgg(fig)
            fig.savefig(path, format="png", dpi=150, metadata=metadata)
        elif fmt == "pdf":
            with pdf_fonts([fig]):
                fig.savefig(path, format=fmt, metadata=metadata)
        else:
            fig.savefig(path, format=fmt, metadata=metadata)
    return path
