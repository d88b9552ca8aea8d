"""The weekly report and the appointment packet, read back from the PDF with pypdf.

The diary is test_charts.write_diary: week 2026-W47 (16-22 Nov) has 6 nights logged, cramps on
2 nights (3 cramps, one of 12 minutes with numbness logged), against 2 cramp nights and 2 cramps
the week before. The clock is pinned by conftest to Monday 23 Nov 2026, 08:00 Europe/London.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import Result
from pypdf import PdfReader
from test_charts import CRAMPS, write_diary

from cramplog import knowledge, report
from cramplog.errors import InputError

EPOCH = 1795420800  # 2026-11-23 08:00 UTC


def pdf_text(path: Path) -> list[str]:
    """The text of each page, whitespace collapsed, as a reader's copy-and-paste would give."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


@pytest.fixture
def diary_file(tmp_path: Path) -> Path:
    path = tmp_path / "diary.db"
    write_diary(path)
    return path


def make(cli: Callable[..., Result], *args: str) -> Path:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip())
    assert path.exists()
    return path


# --- the weekly report ---------------------------------------------------------------------


def test_weekly_report_shows_the_weeks_numbers_against_the_week_before(
    cli: Callable[..., Result], diary_file: Path, tmp_path: Path
) -> None:
    path = make(cli, "--db", str(diary_file), "report", "weekly", "-o", str(tmp_path / "w.pdf"))
    pages = pdf_text(path)
    assert 1 <= len(pages) <= 2
    text = " ".join(pages)
    assert "Night cramps: week of Mon 16 Nov to Sun 22 Nov 2026" in text
    assert "Week 2026-W47" in text and "6 of 7 nights logged" in text
    # this week, the week before, the average of the 4 weeks before
    assert "Nights logged (of 7) 6 7 6.5" in text
    assert "Nights with cramps 2 2 1.2" in text
    assert "Cramps 3 2 1.2" in text
    assert "Severity 0-10, mean (worst) 6.0 (worst 8) 5.0 (worst 5) 4.4 (worst 5)" in text
    assert "Duration, mean minutes per cramp 5.3 2.0 2.0" in text
    assert "Cramps came on 2 of 6 logged nights (33%) this week" in text


def test_weekly_report_lists_flags_most_pressing_first_with_sources(
    cli: Callable[..., Result], diary_file: Path, tmp_path: Path
) -> None:
    text = " ".join(
        pdf_text(
            make(cli, "--db", str(diary_file), "report", "weekly", "-o", str(tmp_path / "w.pdf"))
        )
    )
    urgent = text.index("URGENT: Cramp lasting more than 10 minutes")
    soon = text.index("SOON: Numbness with cramps")
    assert urgent < soon
    nhs = knowledge.sources()["NHS"].short
    assert f"Source: {nhs}" in text
    assert "Since Thu 19 Nov 2026" in text
    assert "Suggestion:" in text and "urgent appointment" in text


def test_weekly_report_has_each_night_with_its_factors(
    cli: Callable[..., Result], diary_file: Path, tmp_path: Path
) -> None:
    text = " ".join(
        pdf_text(
            make(cli, "--db", str(diary_file), "report", "weekly", "-o", str(tmp_path / "w.pdf"))
        )
    )
    assert "Night by night" in text
    # Thu 19 Nov: 2 cramps, worst 8, longest 12 min, first at 02:30, 1.2 L, work boots
    assert re.search(
        r"Thu 19 Nov 2 8 12 min 02:30 toes \(R\), foot \(R\) yes 1\.2 L 0 min no "
        r"work boots",
        text,
    ), text
    assert re.search(r"Sat 21 Nov not logged", text)
    assert re.search(r"Mon 16 Nov none 2\.0 L 30 min yes trainers", text)
    assert "Regular medicines this week: atorvastatin 20 mg." in text


def test_weekly_report_has_trend_insights_completeness_and_footer(
    cli: Callable[..., Result], diary_file: Path, tmp_path: Path
) -> None:
    pages = pdf_text(
        make(cli, "--db", str(diary_file), "report", "weekly", "-o", str(tmp_path / "w.pdf"))
    )
    text = " ".join(pages)
    assert "The 5 weeks so far" in text and "Cramps week by week" in text
    assert "What seems to matter" in text
    # 35 nights is enough to compare water and shoes; the test diary ties them to cramps
    # identical columns are one row (analysis): work boots were worn on the low-water days
    assert "Cramps came on 100% of nights after less than 1.5 L of water" in text
    assert "A diary shows association, not cause" in text
    assert "This week: 6 of 7 nights logged (86%)" in text
    assert "never as cramp-free" in text
    for number, page in enumerate(pages, 1):
        assert report.DISCLAIMER in page
        assert f"Made Mon 23 Nov 2026 · page {number} of {len(pages)}" in page


def test_weekly_report_metadata_and_reproducible_bytes(
    cli: Callable[..., Result], diary_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    first = make(cli, "--db", str(diary_file), "report", "weekly", "-o", str(tmp_path / "a.pdf"))
    again = make(cli, "--db", str(diary_file), "report", "weekly", "-o", str(tmp_path / "b.pdf"))
    assert first.read_bytes() == again.read_bytes()
    meta = PdfReader(first).metadata
    assert meta is not None
    assert meta.title == "Night cramp diary: weekly report, 2026-W47"
    assert meta.author == "Self-kept diary"
    assert meta.subject is not None and meta.subject.startswith("Nights 2026-11-16 to 2026-11-22")
    assert meta.creation_date == datetime.fromtimestamp(EPOCH, tz=UTC)
    assert meta.modification_date == datetime.fromtimestamp(EPOCH, tz=UTC)


def test_weekly_report_for_a_chosen_week_and_paper(
    cli: Callable[..., Result], diary_file: Path, tmp_path: Path
) -> None:
    assert cli("--db", str(diary_file), "config", "set", "paper", "letter").exit_code == 0
    path = make(
        cli,
        "--db",
        str(diary_file),
        "report",
        "weekly",
        "--week",
        "2026-W46",
        "-o",
        str(tmp_path / "w46.pdf"),
    )
    reader = PdfReader(path)
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (612.0, 792.0)  # US letter, in points
    text = " ".join(pdf_text(path))
    assert "Week 2026-W46" in text and "Nights with cramps 2 1 1.0" in text
    assert "URGENT" not in text  # the long cramp came after that week


def test_weekly_report_goes_to_the_report_folder_by_default(
    cli: Callable[..., Result], diary_file: Path, tmp_path: Path
) -> None:
    path = make(cli, "--db", str(diary_file), "report", "weekly")
    # The week, and whose: the start of the person's uid (the default person has no name).
    assert path.parent == tmp_path / "reports"
    assert re.fullmatch(r"cramplog-weekly-2026-W47-[0-9a-f]{6}\.pdf", path.name), path.name
    chosen = tmp_path / "elsewhere"
    assert cli("--db", str(diary_file), "config", "set", "report_dir", str(chosen)).exit_code == 0
    assert make(cli, "--db", str(diary_file), "report", "weekly").parent == chosen


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--week", "fortnight"], "--week"),
        (["--week", "2026-W60"], "--week"),
        (["--week", "2026-W49"], "--week"),  # not begun yet
        (["-o", "report.png"], "-o"),
    ],
)
def test_weekly_report_bad_input_is_one_line_and_writes_nothing(
    cli: Callable[..., Result], diary_file: Path, tmp_path: Path, args: list[str], field: str
) -> None:
    result = cli("--db", str(diary_file), "report", "weekly", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"cramplog: {field}:")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "reports").exists()


# --- the appointment packet ----------------------------------------------------------------


def test_appointment_packet_page_one_is_the_clinician_summary(
    cli: Callable[..., Result], diary_file: Path, tmp_path: Path
) -> None:
    path = make(
        cli, "--db", str(diary_file), "report", "appointment", "-o", str(tmp_path / "a.pdf")
    )
    pages = pdf_text(path)
    assert len(pages) >= 4  # summary, charts, the episode table
    first = pages[0]
    assert "Night cramp diary: summary for the appointment" in first
    # the diary is younger than 12 weeks, so the period starts with it
    assert "Mon 19 Oct 2026 to Sun 22 Nov 2026 (5 weeks)" in first
    assert "32 of 35 nights logged (91%)" in first
    assert "Age 70 (born 1956)" in first
    assert "diabetes [1, 2, 3, 4]" in first
    assert "* atorvastatin" in first and "statins: adjusted sequence ratio 1.16" in first
    assert knowledge.MEDICATION_ADVICE in first
    assert "Cramps per week" in first and "Nights woken by cramps" in first
    assert "Severity 0-10, mean (worst) 5.0 (worst 8)" in first
    assert "URGENT: Cramp lasting more than 10 minutes [" in first
    assert "What has been tried" in first
    assert "Stretching before bed (same nights as trainers): cramp nights 0 of 25" in first
    # every source cited on the page is listed in full
    for key in ("VW", "GAR2012", "NHS"):
        assert knowledge.sources()[key].reference in first


def test_appointment_packet_has_the_charts_then_every_cramp(
    cli: Callable[..., Result], diary_file: Path, tmp_path: Path
) -> None:
    pages = pdf_text(
        make(cli, "--db", str(diary_file), "report", "appointment", "-o", str(tmp_path / "a.pdf"))
    )
    charts_text = " ".join(pages[1:-1])
    for title in (
        "Cramps week by week",
        "Calendar of nights",
        "Severity and duration",
        "Time of night",
        "Where the cramps were",
        "What goes with cramp nights",
    ):
        assert title in charts_text
    appendix = pages[-1]
    assert "Appendix: every cramp logged" in appendix
    assert appendix_ids(appendix) == list(range(1, len(CRAMPS) + 1))  # diary ids, in time order
    assert "numbness" in appendix


def appendix_ids(page: str) -> list[int]:
    """The "#" column of an appendix page: each row is one line of the page's text, so a
    reader's copy of the page reads a cramp at a time, starting with its id."""
    row = r"\b(\d+) (?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d+ \w{3} 2026 (?:\w{3} )?\d\d:\d\d"
    return [int(n) for n in re.findall(row, page)]


def test_appointment_appendix_continues_across_pages(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    path = tmp_path / "busy.db"
    write_diary(path, extra_cramps=120)
    pages = pdf_text(
        make(cli, "--db", str(path), "report", "appointment", "-o", str(tmp_path / "a.pdf"))
    )
    continued = [p for p in pages if "Appendix: every cramp logged (continued)" in p]
    assert continued
    numbers = [n for p in pages for n in appendix_ids(p)]
    assert sorted(numbers) == list(range(1, len(CRAMPS) + 121))  # every cramp, once


def test_appointment_packet_is_reproducible(
    cli: Callable[..., Result], diary_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    first = make(
        cli, "--db", str(diary_file), "report", "appointment", "-o", str(tmp_path / "a.pdf")
    )
    again = make(
        cli, "--db", str(diary_file), "report", "appointment", "-o", str(tmp_path / "b.pdf")
    )
    assert first.read_bytes() == again.read_bytes()
    meta = PdfReader(first).metadata
    assert meta is not None and meta.title == "Night cramp diary: appointment packet"


# --- empty diary, empty week, one night ----------------------------------------------------


@pytest.mark.parametrize("kind", ["weekly", "appointment"])
def test_an_empty_diary_gives_one_clear_page(
    cli: Callable[..., Result], tmp_path: Path, kind: str
) -> None:
    pages = pdf_text(make(cli, "report", kind, "-o", str(tmp_path / "r.pdf")))
    assert len(pages) == 1
    assert "No nights are logged up to Sun 22 Nov 2026, so there is nothing to report." in pages[0]
    assert "cramplog none" in pages[0]


def test_an_empty_week_says_so_and_still_shows_the_rest(
    cli: Callable[..., Result], diary_file: Path, tmp_path: Path
) -> None:
    assert cli("--db", str(diary_file), "log", "5", "--at", "2026-11-24 03:00").exit_code == 2
    # W48 has begun (Mon 23 Nov is last night only from Tuesday on): a past week instead
    path = make(
        cli,
        "--db",
        str(diary_file),
        "report",
        "weekly",
        "--week",
        "2026-W42",
        "-o",
        str(tmp_path / "w.pdf"),
    )
    pages = pdf_text(path)
    assert len(pages) == 1
    assert "No nights are logged up to Sun 18 Oct 2026" in pages[0]


def test_one_logged_night_gives_a_short_report(cli: Callable[..., Result], tmp_path: Path) -> None:
    assert cli("none", "--night", "2026-11-20").exit_code == 0
    weekly = pdf_text(make(cli, "report", "weekly", "-o", str(tmp_path / "w.pdf")))
    text = " ".join(weekly)
    assert len(weekly) <= 2
    assert "1 of 7 nights logged" in text
    assert "Cramps came on 0 of 1 logged night (0%) this week" in text
    assert "Nothing tripped" in text
    assert "a chart of the weeks shows from the second week on" in text
    assert "No day factors are logged yet" in text
    packet = pdf_text(make(cli, "report", "appointment", "-o", str(tmp_path / "a.pdf")))
    assert len(packet) == 1
    assert "Fri 20 Nov 2026 to Sun 22 Nov 2026 (3 nights)" in packet[0]
    assert "No cramps were logged in this period" in packet[0]


def test_report_help_does_not_import_matplotlib_or_pandas(home: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "CRAMPLOG_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cramplog", "report", "--help"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=home.parent,  # not the checkout: `-m` runs the installed package
    )
    names = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert not names & {"matplotlib", "pandas", "numpy"}
    assert "weekly" in done.stdout and "appointment" in done.stdout


def _fonts(path: Path) -> set[str]:
    names = set()
    for page in PdfReader(path).pages:
        fonts = page["/Resources"].get("/Font", {})
        names |= {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    return names


def test_standard_fonts_unless_the_diary_needs_other_characters(
    cli: Callable[..., Result], diary_file: Path, tmp_path: Path
) -> None:
    plain = make(cli, "--db", str(diary_file), "report", "weekly", "-o", str(tmp_path / "p.pdf"))
    assert _fonts(plain) == {"/Helvetica", "/Helvetica-Bold"}  # the standard PDF fonts
    assert cli("--db", str(diary_file), "shoes", "add", "łapcie").exit_code == 0
    assert (
        cli("--db", str(diary_file), "day", "--date", "2026-11-18", "--shoes", "łapcie").exit_code
        == 0
    )
    wide = make(cli, "--db", str(diary_file), "report", "weekly", "-o", str(tmp_path / "w.pdf"))
    assert all("DejaVu" in name for name in _fonts(wide))  # embedded, so nothing is lost
    assert "łapcie" in " ".join(pdf_text(wide))


def test_an_unwritable_output_is_one_line(
    cli: Callable[..., Result], diary_file: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = cli("--db", str(diary_file), "report", "weekly", "-o", str(blocker / "w.pdf"))
    assert result.exit_code == 1
    assert result.stderr.startswith("cramplog: cannot write")
    assert len(result.stderr.strip().splitlines()) == 1


def test_week_sentence_on_an_empty_week_says_nothing_was_logged() -> None:
    from cramplog.report.weekly import _week_sentence

    def e(k: int, n: int) -> dict[str, int]:
        return {"cramp_nights": k, "nights_observed": n}

    assert _week_sentence(e(0, 0), e(2, 7), e(5, 20), 4) == (
        "No nights were logged this week; cramps came on 2 of 7 logged nights (29%) the week "
        "before and 5 of 20 logged nights (25%) in the 4 weeks before this one."
    )
    assert _week_sentence(e(0, 0), e(0, 0), e(0, 0), 1) == (
        "No nights were logged this week or the week before."
    )
    assert _week_sentence(e(0, 0), e(0, 0), e(1, 4), 4) == (
        "No nights were logged this week or the week before; cramps came on 1 of 4 logged "
        "nights (25%) in the 4 weeks before this one."
    )
    assert _week_sentence(e(0, 0), e(0, 0), e(0, 0), 0) == (
        "No nights were logged this week, the diary's first."
    )
    assert _week_sentence(e(1, 3), e(0, 0), e(0, 0), 1) == (
        "Cramps came on 1 of 3 logged nights (33%) this week, against no nights logged the "
        "week before."
    )


def test_a_week_in_the_words_people_use() -> None:
    from cramplog.cli.reports import _parse_week

    last = date(2026, 11, 22)  # a Sunday, week 47
    assert _parse_week("2026-W47", last) == date(2026, 11, 16)
    assert _parse_week("47", last) == _parse_week("w47", last) == date(2026, 11, 16)
    assert _parse_week("48", last) == date(2025, 11, 24)  # week 48 of 2026 has not begun
    # on Monday morning "last week" is the week that just ended, as without --week
    assert _parse_week("last week", last) == date(2026, 11, 16)
    assert _parse_week("This week", last) == date(2026, 11, 16)
    assert _parse_week("last week", date(2026, 11, 25)) == date(2026, 11, 16)
    assert _parse_week("this week", date(2026, 11, 25)) == date(2026, 11, 23)
    with pytest.raises(InputError):
        _parse_week("60", last)
