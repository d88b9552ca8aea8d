"""Charts: what is drawn (bar heights, points, labels, units), not only that a file appears.

`write_diary` builds a small diary with known numbers through cramplog.diary; test_report.py
uses it too. The clock is pinned by conftest to Monday 23 Nov 2026, 08:00 Europe/London.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from click.testing import Result
from matplotlib.figure import Figure, SubFigure
from matplotlib.path import Path as MplPath

from cramplog import charts
from cramplog import diary as ops
from cramplog.charts.textlines import TextLines
from cramplog.config import database_url
from cramplog.db import open_engine, session_scope
from cramplog.frame import Nightly, build

TZ = ZoneInfo("Europe/London")
FIRST = date(2026, 10, 19)  # a Monday: the diary covers 5 whole weeks, W43 to W47
LAST = date(2026, 11, 22)  # Sunday, last night as seen on Monday 23 Nov

# (night, local time the next morning, severity, minutes, site, side, woke, signs)
CRAMPS: list[tuple[date, time, int | None, float | None, str, str, bool, tuple[str, ...]]] = [
    (date(2026, 10, 20), time(3, 0), 4, 2.0, "calf", "left", True, ()),
    (date(2026, 10, 27), time(2, 30), 4, 2.0, "calf", "left", False, ()),
    (date(2026, 11, 3), time(4, 0), 4, 2.0, "foot", "right", True, ()),
    (date(2026, 11, 11), time(3, 30), 5, 2.0, "toes", "both", True, ()),
    (date(2026, 11, 14), time(3, 45), 5, 2.0, "calf", "right", False, ()),
    # the report's week, W47: 3 cramps on 2 nights, one of them 12 minutes long
    (date(2026, 11, 17), time(3, 10), 6, 3.0, "calf", "left", True, ()),
    (date(2026, 11, 19), time(2, 30), 8, 12.0, "toes", "right", True, ()),
    (date(2026, 11, 19), time(4, 5), 4, 1.0, "foot", "right", False, ("numbness",)),
]
NOT_LOGGED = {date(2026, 10, 24), date(2026, 11, 7), date(2026, 11, 21)}


def open_diary(path: Path) -> Any:
    return open_engine(database_url(str(path)))


def write_diary(path: Path, *, extra_cramps: int = 0) -> None:
    """The test diary: 35 nights, 8 cramps on 7 nights, 3 nights not logged, day factors.

    `extra_cramps` adds that many more short cramps on the cramp-free nights of W43 to W46
    (several a night), for a long appendix table.
    """
    engine = open_diary(path)
    with session_scope(engine, write=True) as s:
        ops.update_profile(s, birth_year=1956, add_conditions=["diabetes"], today=LAST)
        ops.add_shoe(s, "work boots", fit="tight", kind="boots")
        ops.add_shoe(s, "trainers", fit="good", kind="trainers")
        ops.add_medication(s, "atorvastatin", dose="20 mg", since=date(2025, 1, 6))
        ops.add_medication(s, "paracetamol", as_needed=True, since=date(2025, 1, 6))
        cramp_nights = {c[0] for c in CRAMPS}
        for night, at, sev, minutes, site, side, woke, signs in CRAMPS:
            moment = datetime.combine(night + timedelta(days=1), at, tzinfo=TZ)
            ops.add_episode(
                s,
                at=moment,
                tz="Europe/London",
                severity=sev,
                minutes=minutes,
                site=site,
                side=side,
                woke=woke,
                signs=signs,
            )
        free = [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
        free = [d for d in free if d not in cramp_nights and d not in NOT_LOGGED]
        for i in range(extra_cramps):
            night = free[i % (len(free) - 7)]  # never in W47
            moment = datetime.combine(night + timedelta(days=1), time(1, i % 60), tzinfo=TZ)
            ops.add_episode(
                s,
                at=moment,
                tz="Europe/London",
                severity=3,
                minutes=0.5,
                site="calf",
                side="left",
                woke=False,
            )
        for night in free:
            if not ops.live_episodes_on(s, night):
                ops.mark_cramp_free(s, night)
        for i in range((LAST - FIRST).days + 1):
            day = FIRST + timedelta(days=i)
            cramp = day in cramp_nights
            ops.update_day(
                s,
                day,
                water_ml=1200 if cramp else 2000,
                exercise_minutes=0 if cramp else 30,
                stretched=not cramp,
                shoes_worn=[("work boots" if cramp else "trainers", 8.0)],
            )
    engine.dispose()


def nightly_of(path: Path, start: date | None = None, end: date | None = None) -> Nightly:
    engine = open_diary(path)
    with session_scope(engine) as s:
        result = build(s, start, end)
    engine.dispose()
    return result


@pytest.fixture
def diary_file(tmp_path: Path) -> Path:
    path = tmp_path / "diary.db"
    write_diary(path)
    return path


@pytest.fixture
def nightly(diary_file: Path) -> Nightly:
    return nightly_of(diary_file, FIRST, LAST)


@pytest.fixture
def empty(tmp_path: Path) -> Nightly:
    path = tmp_path / "empty.db"
    open_diary(path).dispose()
    return nightly_of(path, date(2026, 11, 16), LAST)


def texts(fig: Figure | SubFigure) -> list[str]:
    """Every text drawn on a figure: figure texts, titles, labels, ticks, legends, annotations."""
    found = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    return [t for t in found if t]


def axes_with_ylabel(fig: Figure | SubFigure, word: str) -> Any:
    matches = [ax for ax in fig.get_axes() if word in ax.get_ylabel()]
    assert matches, f"no axes with a y label containing {word!r}"
    return matches[0]


def bars_of(ax: Any, label: str) -> list[np.ndarray]:
    """The corners of each bar of a series drawn by charts' `bars` (one patch whose path is
    every bar), left to right."""
    (patch,) = [p for p in ax.patches if p.get_label() == label]
    return patch.get_path().to_polygons(closed_only=False)


def squares_of(ax: Any) -> list[tuple[Any, int]]:
    """The calendar's squares: for each look (one collection, one path of every square of
    that look), the collection and how many squares it holds."""
    return [(c, int(np.sum(c.get_paths()[0].codes == MplPath.CLOSEPOLY))) for c in ax.collections]


def placed_texts(ax: Any) -> dict[str, list[str]]:
    """The calendar's placed labels (TextLines): 'months' beside the rows, 'days' under the
    columns, 'written' in the squares (the severity numbers)."""
    found: dict[str, list[str]] = {"months": [], "days": [], "written": []}
    for artist in ax.get_children():
        if isinstance(artist, TextLines):
            lines = artist.get_lines()
            kind = (
                "months"
                if all(re.fullmatch(r"[A-Z][a-z]{2} \d{4}", t) for t in lines)
                else "days"
                if artist.get_positions()[:, 1].max() == 0 and lines[0] == "1"
                else "written"
            )
            found[kind] += lines
    return found


# --- registry and empty periods ------------------------------------------------------------


def test_registry_names_the_seven_charts() -> None:
    assert set(charts.CHARTS) == {
        "trend",
        "calendar",
        "time_of_night",
        "severity",
        "sites",
        "forest",
        "week",
    }
    assert all(callable(f) for f in charts.CHARTS.values())
    from cramplog.cli.reports import CHART_NAMES

    assert set(CHART_NAMES) == set(charts.CHARTS)  # the command offers every chart


@pytest.mark.parametrize("name", list(charts.CHARTS))
def test_every_chart_says_so_when_nothing_is_logged(name: str, empty: Nightly) -> None:
    fig = charts.CHARTS[name](empty)
    assert isinstance(fig, Figure)
    assert charts.EMPTY_MESSAGE in texts(fig)
    assert not fig.get_axes()  # a message, not empty axes


@pytest.mark.parametrize("name", ["time_of_night", "severity", "sites"])
def test_cramp_charts_say_so_when_the_nights_were_all_cramp_free(
    name: str, nightly: Nightly
) -> None:
    fig = charts.CHARTS[name](nightly, date(2026, 11, 4), date(2026, 11, 10))
    assert charts.NO_CRAMPS_MESSAGE in texts(fig)


# --- what each chart draws -----------------------------------------------------------------


def test_trend_draws_each_weeks_cramp_nights_logged_nights_and_cramps(nightly: Nightly) -> None:
    fig = charts.trend(nightly)
    (ax,) = fig.get_axes()
    # each series is one patch whose path holds every bar
    logged, cramp_nights = (
        [float(bar[:, 1].max()) for bar in bars_of(ax, name)]
        for name in ("nights logged", "nights with cramps")
    )
    assert logged == [6, 7, 6, 7, 6]  # W43..W47: nights logged of 7
    assert cramp_nights == [1, 1, 1, 2, 2]
    cramps = next(line for line in ax.get_lines() if line.get_label() == "cramps")
    assert list(cramps.get_ydata()) == [1, 1, 1, 2, 3]
    average = next(line for line in ax.get_lines() if "average" in str(line.get_label()))
    assert average.get_linestyle() == "--"
    assert ax.get_ylabel() == "nights or cramps per week"
    assert "date, 2026" in ax.get_xlabel()
    assert "19 Oct" in [t.get_text() for t in ax.get_xticklabels()]


def test_trend_average_is_per_7_logged_nights(nightly: Nightly) -> None:
    fig = charts.trend(nightly, rolling_weeks=2)
    ax = fig.get_axes()[0]
    average = next(line for line in ax.get_lines() if "average" in str(line.get_label()))
    values = np.asarray(average.get_ydata(), dtype=float)
    # weeks W46 and W47: 4 cramp nights over 13 logged nights
    assert values[-1] == pytest.approx(7 * 4 / 13)


def test_calendar_draws_a_square_per_night_with_severity_written_in(nightly: Nightly) -> None:
    fig = charts.calendar(nightly)
    ax = fig.get_axes()[0]
    # one collection per look of night (not logged: hatched; no cramps; each grey of cramps),
    # each a single path of all its squares, not a patch per night
    looks = squares_of(ax)
    assert sum(n for _, n in looks) == 35
    hatched = [n for c, n in looks if c.get_hatch()]
    assert hatched == [len(NOT_LOGGED)]
    cramp_nights = len({c[0] for c in CRAMPS})
    assert sum(n for c, n in looks if c.get_edgecolor()[0][0] == 0.0) == cramp_nights
    placed = placed_texts(ax)
    assert sorted(placed["written"]) == sorted(["4", "4", "4", "5", "5", "6", "8"])
    assert len(looks) == 2 + len(set(placed["written"]))  # a path per grey of cramp night
    assert placed["months"] == ["Oct 2026", "Nov 2026"]
    assert placed["days"] == ["1", "5", "10", "15", "20", "25", "31"]
    # darker for worse: the severity-8 night is written white on its dark square
    white = [a for a in ax.get_children() if isinstance(a, TextLines) and a.get_color() == "1.0"]
    assert "8" in [line for a in white for line in a.get_lines()]
    assert "day of the month" in ax.get_xlabel()
    assert "written in" in " ".join(texts(fig))


def test_calendar_of_ten_years_sets_months_in_two_columns_on_a_page(nightly: Nightly) -> None:
    """120 months in one column would be rows 0.05 in tall on a page: two columns of 61
    months, squares of 0.1 in, every month labelled and no severity written in."""
    from cramplog.charts.calendar import Layout

    layout = Layout.of(122)
    assert (layout.columns, layout.rows) == (2, 61)
    assert 0.09 < layout.cell < 0.11
    assert charts.calendar_height(date(2016, 11, 23), date(2026, 11, 22)) < 9.0  # one page
    assert Layout.of(14) == Layout(1, 14) and Layout.of(15) == Layout(2, 8)
    x, y = layout.place(np.array([0, 60, 61, 121]), np.array([1, 31, 1, 31]))
    assert list(y) == [0, 60, 0, 60]  # the second column starts again at the top
    assert list(x) == [1, 31, 1 + 31 + 5, 31 + 31 + 5]


def test_time_of_night_counts_cramps_by_clock_time(nightly: Nightly) -> None:
    fig = charts.time_of_night(nightly)
    ax = fig.get_axes()[0]
    assert sum(p.get_height() for p in ax.patches) == len(CRAMPS)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert "02:00" in labels and "04:00" in labels
    assert ax.get_ylabel() == "cramps (count)"
    assert "clock time" in ax.get_xlabel()
    assert any("03:" in t for t in texts(fig))  # the median time, said in the subtitle


def test_severity_plots_each_cramp_and_the_10_minute_line(nightly: Nightly) -> None:
    fig = charts.severity(nightly)
    top = axes_with_ylabel(fig, "severity (0-10)")
    low = axes_with_ylabel(fig, "duration (minutes)")
    points = top.get_lines()[0]
    assert sorted(points.get_ydata()) == sorted(c[2] for c in CRAMPS)
    assert sorted(low.get_lines()[0].get_ydata()) == sorted(c[3] for c in CRAMPS)
    assert any(line.get_ydata()[0] == 10 for line in low.get_lines()[1:])  # the NHS limit
    assert any("12 min" in t for t in texts(fig))  # the long cramp is labelled
    assert "date, 2026" in low.get_xlabel()


def test_sites_splits_each_site_by_side(nightly: Nightly) -> None:
    fig = charts.sites(nightly)
    ax = fig.get_axes()[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["toes", "foot", "calf"]
    totals: dict[float, float] = {}
    for patch in ax.patches:
        y = round(patch.get_y() + patch.get_height() / 2)
        totals[y] = totals.get(y, 0) + patch.get_width()
    assert [totals[0], totals[1], totals[2]] == [2, 2, 4]
    hatches = {p.get_hatch() for p in ax.patches}
    assert len(hatches) >= 3  # left, right and both differ by hatching, not colour
    assert ax.get_xlabel() == "cramps (count)"
    assert "side" in texts(fig)


def test_forest_draws_findings_on_a_log_scale_apart_from_thin_factors(nightly: Nightly) -> None:
    factors = [
        _factor("low_water", 10, 8, 20, 2, 4.0, 2.0, 8.0, True),
        {**_factor("alcohol", 10, 3, 20, 5, 1.2, 0.5, 2.9, True), "q_value": 0.6},
        _factor("heels", 2, 1, 28, 6, 2.3, 0.6, 9.0, False),
    ]
    fig = charts.forest(nightly, factors=factors)
    ax = fig.get_axes()[0]
    assert ax.get_xscale() == "log"
    assert "risk ratio" in ax.get_xlabel() and "log scale" in ax.get_xlabel()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["", "less than 1.5 L of water", "", "alcohol"]
    drawn = texts(fig)
    assert "Findings (enough nights, q below 0.1)" in drawn
    assert "Not findings: could be chance" in drawn
    assert any("4.00 (2.00-8.00)" in t for t in drawn)
    assert any(t.startswith("Not enough data yet for 1 factor") for t in drawn)
    assert any("wearing heels: 2 nights with, 28 without" in t for t in drawn)
    # the thin factor is listed, never drawn as an estimate
    assert not any("2.30" in t for t in drawn)


def test_forest_without_enough_data_says_so(nightly: Nightly) -> None:
    thin = [_factor("heels", 2, 1, 28, 6, 2.3, 0.6, 9.0, False)]
    fig = charts.forest(nightly, factors=thin)
    assert any("Not enough nights yet" in t for t in texts(fig))


def _factor(
    name: str, n1: int, a1: int, n0: int, a0: int, rr: float, lo: float, hi: float, enough: bool
) -> dict[str, Any]:
    return {
        "factor": name,
        "lag": 0,
        "exposed_nights": n1,
        "exposed_cramp_nights": a1,
        "unexposed_nights": n0,
        "unexposed_cramp_nights": a0,
        "risk_ratio": rr,
        "ci_low": lo,
        "ci_high": hi,
        "p_value": 0.01 if lo > 1 or hi < 1 else 0.4,
        "q_value": 0.02 if lo > 1 or hi < 1 else 0.6,  # one rule: a finding needs q < 0.10
        "enough_data": enough,
        "sentence": "",
    }


def test_week_shows_each_night_against_the_days_factors(nightly: Nightly) -> None:
    fig = charts.week(nightly, end=LAST)
    cramps = axes_with_ylabel(fig, "cramps (count)")
    heights = [p.get_height() for p in cramps.patches]
    assert heights == [0, 1, 0, 2, 0, 0, 0]  # Mon 16 .. Sun 22 Nov
    drawn = texts(fig)
    assert "not\nlogged" in drawn  # Sat 21 Nov
    assert "worst 8/10\nwoke" in drawn
    water = axes_with_ylabel(fig, "water (litres)")
    assert sorted(p.get_height() for p in water.patches) == sorted([2.0] * 5 + [1.2] * 2)
    assert axes_with_ylabel(fig, "exercise (minutes)")
    factor_axes = fig.get_axes()[-1]
    rows = [t.get_text() for t in factor_axes.get_yticklabels()]
    assert rows == [
        "stretched before bed",
        "shoes: trainers",
        "shoes: work boots",
        "medicine: atorvastatin",
    ]
    days = [t.get_text() for t in factor_axes.get_xticklabels()]
    assert days[0] == "Mon\n16 Nov" and days[-1] == "Sun\n22 Nov"


def test_a_chart_draws_into_a_subfigure(nightly: Nightly) -> None:
    page = Figure(figsize=(8.27, 11.69))
    top, bottom = page.subfigures(2, 1)
    assert charts.trend(nightly, figure=top) is top
    assert charts.calendar(nightly, figure=bottom) is bottom
    assert len(page.get_axes()) == 2


def test_no_chart_relies_on_colour(nightly: Nightly) -> None:
    """Every face, edge and line is a grey: a chart prints the same in black and white."""
    from matplotlib.colors import to_rgb

    for name, draw in charts.CHARTS.items():
        fig = draw(nightly)
        for artist in fig.findobj():
            for getter in ("get_facecolor", "get_edgecolor", "get_color"):
                if not hasattr(artist, getter):
                    continue
                try:
                    colours = np.atleast_2d(getattr(artist, getter)())
                except (TypeError, ValueError):
                    continue
                for colour in colours:
                    if len(colour) < 3 or (len(colour) == 4 and colour[3] == 0):
                        continue
                    r, g, b = to_rgb(tuple(colour[:3]))
                    assert r == pytest.approx(g) == pytest.approx(b), (name, artist, colour)


# --- the chart command ---------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_chart_command_writes_the_format_of_the_extension(
    cli: Callable[..., Result], diary_file: Path, tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"trend{suffix}"
    result = cli("--db", str(diary_file), "chart", "trend", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out)
    data = out.read_bytes()
    if suffix == ".png":
        assert data.startswith(b"\x89PNG")
    elif suffix == ".svg":
        assert b"<svg" in data and b"Cramps week by week" in data
    else:
        from pypdf import PdfReader

        text = PdfReader(out).pages[0].extract_text()
        assert "Cramps week by week" in text and "nights or cramps per week" in text


def test_chart_command_accepts_hyphens_and_refuses_unknown_names(
    cli: Callable[..., Result], diary_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "t.png"
    assert cli("--db", str(diary_file), "chart", "time-of-night", "-o", str(out)).exit_code == 0
    bad = cli("--db", str(diary_file), "chart", "pie", "-o", str(tmp_path / "p.png"))
    assert bad.exit_code == 2
    assert "not a chart" in bad.stderr
    assert not (tmp_path / "p.png").exists()
    wrong = cli("--db", str(diary_file), "chart", "trend", "-o", str(tmp_path / "t.txt"))
    assert wrong.exit_code == 2 and "-o" in wrong.stderr


def test_chart_command_on_an_empty_diary_writes_a_figure_that_says_so(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    out = tmp_path / "week.svg"
    result = cli("chart", "week", "-o", str(out))
    assert result.exit_code == 0
    assert charts.EMPTY_MESSAGE.encode() in out.read_bytes()
