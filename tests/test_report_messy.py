"""Reports and charts over messy diaries (issue 9) and their output files (issue 8 item 6).

Each test builds a small diary through the CLI, as a person would, and reads the PDF back with
pypdf. The clock is pinned by conftest to Monday 23 Nov 2026, 08:00 Europe/London, so "last
week" is 2026-W47 (16-22 Nov).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import Result
from pypdf import PdfReader

from cramplog import charts, present
from cramplog.charts.style import MISSING_GLYPH, printable
from cramplog.report import sections

MISSING = re.compile(r"\b(nan|None|NaT)\b|<NA>")


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


@pytest.fixture
def run(cli: Callable[..., Result], tmp_path: Path) -> Callable[..., Result]:
    db = str(tmp_path / "messy.db")

    def invoke(*args: str) -> Result:
        result = cli("--db", db, *args)
        assert result.exit_code == 0, result.output
        return result

    return invoke


def report(run: Callable[..., Result], tmp_path: Path, kind: str, *extra: str) -> str:
    path = tmp_path / f"{kind}.pdf"
    run("report", kind, "-o", str(path), "--force", *extra)
    text = pdf_text(path)
    assert not MISSING.search(text), MISSING.search(text)
    return text


def test_a_week_with_a_cramp_without_side_reports_unknown_not_a_crash(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    run("log", "6", "--at", "2026-11-18 03:10", "--site", "calf", "--side", "left")
    run("log", "4", "--at", "2026-11-20 02:00", "--site", "foot")  # no side: unknown
    run("none", "--night", "2026-11-16")
    weekly = report(run, tmp_path, "weekly")
    assert "calf (L)" in weekly and "foot" in weekly
    packet = report(run, tmp_path, "appointment")
    assert "Appendix: every cramp logged" in packet


def test_waking_never_recorded_is_not_recorded_never_no_or_zero(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    run("log", "6", "--at", "2026-11-18 03:10", "--site", "calf")
    run("log", "5", "--at", "2026-11-20 03:10", "--site", "calf")
    run("none", "--night", "2026-11-16")
    weekly = report(run, tmp_path, "weekly")
    assert "Nights woken by cramps not recorded" in weekly
    assert "Nights woken by cramps 0" not in weekly
    # the night table: each cramp night's "Woke" is ?, never "no"
    night_rows = re.findall(r"(?:Tue 17|Thu 19) Nov 1 \d+ \S+ \d\d:\d\d calf (\S+)", weekly)
    assert night_rows == ["?", "?"], weekly
    packet = report(run, tmp_path, "appointment")
    assert "Nights woken by cramps not recorded" in packet


@pytest.mark.parametrize("name", ["Кеды 👟", "高跟鞋", "party heels 👠🏽", "Кеды"])
def test_any_script_or_emoji_in_a_name_makes_a_report(
    run: Callable[..., Result], tmp_path: Path, name: str
) -> None:
    run("shoes", "add", name)
    run("log", "6", "--at", "2026-11-18 03:10")
    run("day", "--date", "2026-11-17", "--shoes", name)
    run("none", "--night", "2026-11-16")
    weekly = report(run, tmp_path, "weekly")
    shown = printable(name)
    assert shown in weekly
    if name == "Кеды":  # Cyrillic is in the shipped font: printed as typed
        assert shown == name
    else:  # what no shipped font has is a visible square, never a crash or a blank
        assert MISSING_GLYPH in shown
    report(run, tmp_path, "appointment")
    chart = tmp_path / "week.png"
    run("chart", "week", "-o", str(chart))
    assert chart.stat().st_size > 0


def _factor(q: float, low: float = 1.0, high: float = 5.7) -> dict[str, object]:
    return {
        "factor": "heels",
        "lag": 0,
        "exposed_nights": 12,
        "exposed_cramp_nights": 8,
        "unexposed_nights": 30,
        "unexposed_cramp_nights": 8,
        "risk_ratio": 2.4,
        "ci_low": low,
        "ci_high": high,
        "p_value": 0.04,
        "q_value": q,
        "enough_data": True,
        "sentence": "Cramps came on 67% of nights after wearing heels, against 27% otherwise.",
    }


def test_one_rule_for_a_finding_q_below_the_setting() -> None:
    settings = {"finding_q": 0.10}
    assert not charts.is_finding(_factor(0.2, 1.05), settings)  # q 0.2, CI 1.05-5.7: chance
    assert charts.is_lead(_factor(0.2, 1.05), settings)
    assert charts.is_finding(_factor(0.05, 1.3), settings)
    assert not charts.is_finding({**_factor(0.01), "enough_data": False}, settings)
    # the analysis's own mark wins once it gives one
    assert not charts.is_finding({**_factor(0.01), "finding": False}, settings)
    assert sections.strongest([_factor(0.2, 1.05)], settings) == []
    assert sections.strongest([_factor(0.2, 1.05)], settings, leads=True)


def test_forest_does_not_call_q_02_a_finding(tmp_path: Path) -> None:
    from test_charts import nightly_of, write_diary

    path = tmp_path / "d.db"
    write_diary(path)
    fig = charts.forest(nightly_of(path), factors=[_factor(0.2, 1.05)])
    drawn = [str(t.get_text()) for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert "Not findings: could be chance" in drawn
    assert not any(t.startswith("Findings") for t in drawn)


def test_patient_text_glosses_statistics_in_plain_words() -> None:
    text = present.plain_words("2.1 times as often, p = 0.006.")
    assert "p = 0.006: chance alone would give a difference this large about 1 time in 167" in (
        text
    )
    asr = present.plain_words("thiazides: adjusted sequence ratio 1.48 (95% CI 1.29-1.68)")
    assert "adjusted sequence ratio" not in asr
    assert "1.48 times as often" in asr and "95% CI 1.29 to 1.68" in asr


def test_weekly_report_has_no_bare_p_or_q(cli: Callable[..., Result], tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert cli("demo", "--db-path", str(db)).exit_code == 0
    path = tmp_path / "w.pdf"
    assert cli("--db", str(db), "report", "weekly", "-o", str(path)).exit_code == 0
    text = pdf_text(path)
    assert not MISSING.search(text)
    assert "adjusted sequence ratio" not in text
    for match in re.finditer(r"\bp [=<] [\d.]+", text):
        assert text[match.end() : match.end() + 1] == ":", text[match.start() - 80 : match.end()]
    assert not re.search(r"\bq [\d<]", text)
    packet = tmp_path / "a.pdf"
    assert cli("--db", str(db), "report", "appointment", "-o", str(packet)).exit_code == 0
    packet_text = pdf_text(packet)
    assert not MISSING.search(packet_text)
    assert "started from" not in packet_text and "project" not in packet_text


def test_the_appendix_shows_diary_ids_notes_and_relief(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    run("log", "5", "--at", "2026-11-18 03:10", "--site", "calf", "--minutes", "2")
    run("log", "3", "--at", "2026-11-19 03:10", "--site", "toes")
    run("delete", "2")  # the ids of the cramps left are 1 and 3, not 1 and 2
    run(
        "log",
        "7",
        "--at",
        "2026-11-20 04:00",
        "--minutes",
        "3",
        "--site",
        "foot",
        "--relief",
        "stood on a cold floor",
        "--note",
        "after the long walk",
    )
    run("none", "--night", "2026-11-16")
    text = report(run, tmp_path, "appointment")
    appendix = text[text.index("Appendix: every cramp logged") :]
    ids = re.findall(
        r"(\d+) (?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d+ \w{3} 2026 (?:\w{3} )?\d\d:\d\d", appendix
    )
    assert ids == ["1", "3"], appendix
    # 03:10 on the morning after night Tue 17 Nov reads with its own weekday
    assert "Tue 17 Nov 2026 Wed 03:10" in appendix
    assert "stood on a cold floor" in appendix and "after the long walk" in appendix
    assert "2 min" in appendix and "3 min" in appendix
    assert not re.search(r"min(calf|foot|toes)", appendix)  # Duration and Site apart


def test_the_packet_names_known_conditions_and_shows_free_text_as_typed() -> None:
    from cramplog import knowledge
    from cramplog.report.appointment import condition_text

    assert condition_text("diabetes") == knowledge.conditions()["diabetes"].name
    assert condition_text("high blood pressure") == "high blood pressure"


# --- charts: partial weeks and the diary's start ---------------------------------------------


def test_trend_draws_a_partial_week_as_partial_and_leaves_out_its_average(tmp_path: Path) -> None:
    from datetime import date

    from test_charts import bars_of, nightly_of, write_diary

    path = tmp_path / "d.db"
    write_diary(path)  # W43 to W47, 19 Oct to 22 Nov
    nightly = nightly_of(path)
    fig = charts.trend(nightly, date(2026, 10, 19), date(2026, 11, 23))  # Mon 23 Nov: 1 night
    ax = fig.get_axes()[0]
    widths = sorted(
        {
            round(float(np.ptp(bar[:, 0])), 3)
            for label in ("nights logged", "nights with cramps")
            for bar in bars_of(ax, label)
        }
    )
    assert widths[0] == round(5.5 / 7, 3) and widths[-1] == 5.5
    average = next(line for line in ax.get_lines() if line.get_linestyle() == "--")
    assert average.get_ydata()[-1] != average.get_ydata()[-1]  # NaN: not drawn at that week


def test_calendar_starts_at_the_first_logged_night(tmp_path: Path) -> None:
    from datetime import date

    from test_charts import nightly_of, placed_texts, squares_of, write_diary

    path = tmp_path / "d.db"
    write_diary(path)  # first night 19 Oct 2026
    fig = charts.calendar(nightly_of(path), date(2026, 6, 1), date(2026, 11, 22))
    ax = fig.get_axes()[0]
    assert placed_texts(ax)["months"] == ["Oct 2026", "Nov 2026"]
    looks = squares_of(ax)
    assert sum(n for _, n in looks) == 35  # 13 nights of October from the 19th, 22 of November
    assert len(looks) <= 2 + 11  # one path per look of night (greys 0-10), not a patch each


# --- output files ----------------------------------------------------------------------------


@pytest.fixture
def umask_zero() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask_zero")
def test_reports_and_charts_are_private_whatever_the_umask(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    run("log", "5", "--at", "2026-11-18 03:10")
    result = run("report", "weekly")  # the default reports folder, created here
    weekly = Path(result.output.strip())
    assert _mode(weekly) == 0o600 and _mode(weekly.parent) == 0o700
    folder = tmp_path / "new" / "deeper"
    for args in (
        ("report", "appointment", "-o", str(folder / "a.pdf")),
        ("chart", "trend", "-o", str(folder / "t.png")),
        ("chart", "calendar", "-o", str(folder / "c.svg")),
        ("chart", "sites", "-o", str(folder / "s.pdf")),
    ):
        out = Path(run(*args).output.strip())
        assert _mode(out) == 0o600, args
    assert _mode(folder) == 0o700 and _mode(folder.parent) == 0o700
    assert not list(folder.glob(".*.part"))


@pytest.mark.parametrize(
    "args",
    [
        ("report", "weekly", "-o"),
        ("report", "appointment", "-o"),
        ("chart", "trend", "-o"),
    ],
)
def test_o_refuses_an_existing_file_unless_force_and_a_link_always(
    cli: Callable[..., Result], tmp_path: Path, args: tuple[str, ...]
) -> None:
    db = str(tmp_path / "d.db")
    assert cli("--db", db, "log", "5", "--at", "2026-11-18 03:10").exit_code == 0
    target = tmp_path / ("out.png" if args[0] == "chart" else "out.pdf")
    target.write_bytes(b"keep me")
    refused = cli("--db", db, *args, str(target))
    assert refused.exit_code == 2 and "exists" in refused.output and "--force" in refused.output
    assert target.read_bytes() == b"keep me"
    assert cli("--db", db, *args, str(target), "--force").exit_code == 0
    assert target.read_bytes() != b"keep me" and _mode(target) == 0o600
    elsewhere = tmp_path / "elsewhere.bin"
    elsewhere.write_bytes(b"not yours")
    link = tmp_path / ("link.png" if args[0] == "chart" else "link.pdf")
    link.symlink_to(elsewhere)
    for extra in ((), ("--force",)):
        result = cli("--db", db, *args, str(link), *extra)
        assert result.exit_code == 2 and "symbolic link" in result.output, result.output
        assert elsewhere.read_bytes() == b"not yours" and link.is_symlink()


def test_a_failure_while_writing_leaves_nothing_partial(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matplotlib.backends import backend_pdf

    db = str(tmp_path / "d.db")
    assert cli("--db", db, "log", "5", "--at", "2026-11-18 03:10").exit_code == 0
    real = backend_pdf.PdfPages.savefig

    def full_disk(self: backend_pdf.PdfPages, *args: object, **kwargs: object) -> None:
        real(self, *args, **kwargs)  # the page is written, then the disk fills up
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backend_pdf.PdfPages, "savefig", full_disk)
    out = tmp_path / "reports"
    result = cli("--db", db, "report", "weekly", "-o", str(out / "w.pdf"))
    assert result.exit_code == 1
    assert "disk is full" in result.output and "Traceback" not in result.output
    assert list(out.iterdir()) == []  # no PDF, and no temporary file left beside it


def test_water_shows_in_the_units_setting(run: Callable[..., Result], tmp_path: Path) -> None:
    run("log", "5", "--at", "2026-11-18 03:10")
    run("day", "--date", "2026-11-17", "--water", "1.5L")
    run("none", "--night", "2026-11-16")
    assert "1.5 L" in report(run, tmp_path, "weekly")
    run("config", "set", "units", "us")
    weekly = report(run, tmp_path, "weekly")
    assert "51 oz" in weekly and "1.5 L" not in weekly
    assert "water 51 fl oz" in run("day", "--date", "2026-11-17", "--water", "1.5L").output


def test_list_shows_relief_and_notes_escaped(run: Callable[..., Result]) -> None:
    run(
        "log",
        "5",
        "--at",
        "2026-11-18 03:10",
        "--relief",
        "walked it off",
        "--note",
        "calf like a rock",
    )
    out = run("list", "--nights", "7").output
    assert "eased by walked it off, calf like a rock" in out
    assert "? = not recorded" in out
    shown = present.terminal("bad \x1b[31mred")
    assert "\x1b" not in shown and "\\x1b[31m" in shown


def test_a_day_without_a_record_after_a_day_with_shoes_shows_shoes_unknown(cli, tmp_path) -> None:
    """The day-before copy of a shoe column is known on a day with no record: never "none"."""
    from pypdf import PdfReader

    assert cli("log", "6", "--at", "2026-11-20 03:10", "--site", "calf").exit_code == 0
    assert cli("log", "3", "--at", "2026-11-23 02:00", "--side", "left").exit_code == 0
    assert cli("shoes", "add", "work boots", "--fit", "tight").exit_code == 0
    assert cli("day", "--date", "2026-11-21", "--shoes", "work boots:4").exit_code == 0
    out = tmp_path / "week.pdf"
    assert cli("report", "weekly", "-o", str(out)).exit_code == 0
    text = PdfReader(out).pages[0].extract_text()
    sunday = next(line for line in text.splitlines() if line.startswith("Sun 22 Nov"))
    saturday = next(line for line in text.splitlines() if line.startswith("Sat 21 Nov"))
    assert "none" not in sunday and sunday.rstrip().endswith("?"), sunday
    assert "work boots" in saturday, saturday
