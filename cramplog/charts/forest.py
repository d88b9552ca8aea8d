"""The forest plot of factors: risk ratios with their 95% CIs."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from matplotlib import ticker

from cramplog import analysis, present

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from cramplog.frame import Nightly

from cramplog.charts.common import (
    factor_label,
    grid_in,
    inches_of,
    is_finding,
    new_figure,
    nights_of,
    period_of,
    put_message,
    put_title,
)
from cramplog.charts.style import DARK, EMPTY_MESSAGE, INK, MID, PAPER, Target, styled

# --- forest plot of factors ----------------------------------------------------------------


@styled
def forest(
    nightly: Nightly,
    start: date | None = None,
    end: date | None = None,
    *,
    figure: Target | None = None,
    factors: list[dict[str, Any]] | None = None,
    note: str = "",
) -> Target:
    """Risk ratios of a cramp night with and without each factor, with 95% CIs, log scale.

    Findings (`is_finding`: enough data, and a q below the `finding_q` setting) come first,
    then the other factors with enough data, which could be chance; factors without enough
    data are listed under the plot, never drawn as estimates. `factors` (from
    `analysis.insights`) may be passed to avoid computing them again; `note` is added to the
    subtitle to say which factors are shown.
    """
    lo, hi = period_of(nightly, start, end)
    settings = nightly.settings
    if factors is None:
        factors = (
            analysis.insights(nightly, lo, hi)["factors"] if has_nights(nightly, lo, hi) else []
        )
    found = sorted((f for f in factors if is_finding(f, settings)), key=lambda f: -f["risk_ratio"])
    unclear = sorted(
        (
            f
            for f in factors
            if f["enough_data"] and f["risk_ratio"] and not is_finding(f, settings)
        ),
        key=lambda f: -f["risk_ratio"],
    )
    thin = [f for f in factors if not f["enough_data"] or not f["risk_ratio"]]
    fig = new_figure(figure, (8.0, forest_height(factors, settings)))
    title = "What goes with cramp nights"
    if not has_nights(nightly, lo, hi):
        return put_message(fig, title, EMPTY_MESSAGE)
    if not found and not unclear:
        why = "Not enough nights yet to compare any factor"
        why += f" ({len(thin)} factors need more nights)" if thin else ""
        return put_message(fig, title, why)
    subtitle = "Risk of a cramp night with the factor against without it; bars: 95% CI"
    put_title(fig, title, f"{subtitle}.\n{note}" if note else subtitle)
    note_h = _thin_height(thin)
    ax = fig.add_subplot(grid_in(fig, left=2.45, right=2.25, top=1.0, bottom=0.55 + note_h)[0])
    _forest_rows(ax, found, unclear, nightly.settings)
    if thin:
        _forest_thin(fig, thin, nightly.settings, note_h)
    return fig


def forest_height(factors: list[dict[str, Any]], settings: dict[str, Any] | None = None) -> float:
    """The forest plot's natural height in inches: a line per factor compared, a header per
    group, and the list of factors without enough data."""
    settings = settings or {}
    found = sum(1 for f in factors if is_finding(f, settings))
    compared = sum(1 for f in factors if f["enough_data"] and f["risk_ratio"])
    thin = [f for f in factors if not f["enough_data"] or not f["risk_ratio"]]
    headers = (1 if found else 0) + (1 if compared > found else 0)
    return 1.75 + 0.2 * (compared + headers) + _thin_height(thin)


def has_nights(nightly: Nightly, lo: date, hi: date) -> bool:
    return bool(nights_of(nightly, lo, hi)["observed"].any())


def _forest_rows(
    ax: Axes, found: list[dict[str, Any]], unclear: list[dict[str, Any]], settings: dict[str, Any]
) -> None:
    labels: list[str] = []
    y = 0
    for header, group, filled in (
        (f"Findings (enough nights, q below {settings.get('finding_q', 0.1):g})", found, True),
        ("Not findings: could be chance", unclear, False),
    ):
        if not group:
            continue
        ax.text(
            -0.01,
            y,
            header,
            transform=ax.get_yaxis_transform(),
            ha="right",
            va="center",
            fontsize=8,
            weight="bold",
        )
        labels.append("")
        y += 1
        for f in group:
            name = f["factor"] + (":lag1" if f["lag"] else "")
            ax.plot(
                [f["ci_low"], f["ci_high"]], [y, y], color=INK if filled else MID, linewidth=1.2
            )
            ax.plot(
                [f["risk_ratio"]],
                [y],
                marker="s",
                markersize=5.5 if filled else 4.5,
                color=INK,
                markerfacecolor=INK if filled else PAPER,
                linestyle="none",
            )
            q = f.get("q_value")
            q = "" if q is None else ("  q <0.001" if q < 0.001 else f"  q {q:.2g}")
            ratio, low, high = (
                present.number(f[k], 2) for k in ("risk_ratio", "ci_low", "ci_high")
            )
            ratio = f"{ratio} ({low}-{high}){q}"
            counts = (
                f"{f['exposed_cramp_nights']}/{f['exposed_nights']} vs "
                f"{f['unexposed_cramp_nights']}/{f['unexposed_nights']}"
            )
            _right_text(ax, y, ratio, 6)
            _right_text(ax, y, counts, 108)
            labels.append(f.get("label") or factor_label(name, settings))
            y += 1
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(len(labels) - 0.4, -0.6)
    ax.set_xscale("log")
    values = [v for f in (*found, *unclear) for v in (f["ci_low"], f["ci_high"])]
    span = max(2.0, max(values), 1 / min(values))
    ax.set_xlim(1 / (span * 1.15), span * 1.15)
    ticks = [t for t in (0.1, 0.25, 0.5, 1, 2, 4, 10, 25) if 1 / (span * 1.15) <= t <= span * 1.15]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(ticker.NullFormatter())
    ax.axvline(1.0, color=DARK, linewidth=0.8, linestyle="--")
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel("risk ratio of a cramp night (log scale): <1 fewer cramp nights, >1 more")
    _right_text(
        ax,
        -0.7,
        "ratio (95% CI), q\nq: p adjusted for the\nmany factors compared",
        6,
        va="bottom",
        color=DARK,
    )
    _right_text(ax, -0.7, "cramp nights/nights\nwith vs without", 108, va="bottom", color=DARK)


def _right_text(ax: Axes, y: float, text: str, points: float, **kwargs: Any) -> None:
    """Text in a column `points` to the right of the axes, at data height `y`."""
    options = {"va": "center", "fontsize": 6.8, **kwargs}
    ax.annotate(
        text,
        (1.0, y),
        xycoords=("axes fraction", "data"),
        xytext=(points, 0),
        textcoords="offset points",
        annotation_clip=False,
        **options,
    )


THIN_PER_COLUMN = 6
THIN_SHOWN = 12


def _thin_height(thin: list[dict[str, Any]]) -> float:
    """Inches needed under the plot for the list of factors without enough data."""
    if not thin:
        return 0.0
    lines = min(len(thin), THIN_SHOWN)
    return 0.35 + 0.14 * min(lines, THIN_PER_COLUMN) + (0.14 if len(thin) > THIN_SHOWN else 0.0)


def _forest_thin(
    fig: Target, thin: list[dict[str, Any]], settings: dict[str, Any], note_h: float
) -> None:
    """Factors without enough data, in one or two columns: listed, never drawn as estimates."""
    w, h = inches_of(fig)
    top = (note_h + 0.02) / h
    head = f"Not enough data yet for {len(thin)} factors, so none is called a finding:"
    fig.text(0.12 / w, top, head, ha="left", va="top", fontsize=7.2, weight="bold", color=DARK)
    shown = thin[:THIN_SHOWN]
    for i in range(0, len(shown), THIN_PER_COLUMN):
        lines = []
        for f in shown[i : i + THIN_PER_COLUMN]:
            name = f["factor"] + (":lag1" if f["lag"] else "")
            lines.append(
                f"{f.get('label') or factor_label(name, settings)}: "
                f"{f['exposed_nights']} nights with, "
                f"{f['unexposed_nights']} without"
            )
        x = 0.12 / w + (i // THIN_PER_COLUMN) * 0.5
        fig.text(
            x,
            top - 0.19 / h,
            "\n".join(lines),
            ha="left",
            va="top",
            fontsize=6.8,
            color=DARK,
            linespacing=1.35,
        )
    if len(thin) > len(shown):
        fig.text(
            0.12 / w,
            0.06 / h,
            f"and {len(thin) - len(shown)} more (see cramplog insights)",
            ha="left",
            va="bottom",
            fontsize=6.8,
            color=DARK,
        )
