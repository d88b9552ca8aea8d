"""TextLines: report text placed at known baselines, read back from the PDF with pypdf."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import pytest
from matplotlib.figure import Figure
from pypdf import PdfReader

from cramplog import charts
from cramplog.charts.style import MISSING_GLYPH, make_printable
from cramplog.charts.textlines import TextLines


def pdf_of(fig: Figure) -> PdfReader:
    buf = io.BytesIO()
    with charts.style(), charts.pdf_fonts([fig]):
        fig.savefig(buf, format="pdf")
    buf.seek(0)
    return PdfReader(buf)


def placed(reader: PdfReader) -> list[tuple[str, float, float]]:
    """Each string drawn on the first page with the x and y (points) it starts at."""
    found: list[tuple[str, float, float]] = []

    def visit(text: str, _cm: list[float], tm: list[float], _font: object, _size: float) -> None:
        if text.strip():
            found.append((text.strip(), round(tm[4], 2), round(tm[5], 2)))

    reader.pages[0].extract_text(visitor_text=visit)
    return found


def test_lines_are_real_text_at_their_baselines_in_reading_order() -> None:
    fig = Figure(figsize=(4, 3))
    rows = ["  1  Mon 2 Nov 2026  03:10", "  2  Tue 3 Nov 2026  04:00", "", "  3  a (note)"]
    fig.add_artist(
        TextLines(
            [1.0] * 4,
            [2.5, 2.4, 2.3, 2.2],
            rows,
            transform=fig.dpi_scale_trans,
            size=7,
            family="monospace",
        )
    )
    reader = pdf_of(fig)
    strings = placed(reader)
    # the empty line draws nothing; the others start at x = 1 in, on the baselines asked for
    assert strings == [
        (rows[0].strip(), 72.0, 180.0),
        (rows[1].strip(), 72.0, 172.8),
        (rows[3].strip(), 72.0, 158.4),
    ]
    text = reader.pages[0].extract_text()
    assert text.index("Mon 2 Nov") < text.index("Tue 3 Nov") < text.index("a (note)")
    assert "(note)" in text  # brackets survive the PDF string escaping


def test_right_aligned_lines_end_at_their_position() -> None:
    from matplotlib._afm import AFM

    fig = Figure(figsize=(4, 3))
    words = ["7", "12.5", "not recorded"]
    fig.add_artist(
        TextLines(
            [3.0] * 3, [2.0, 1.8, 1.6], words, transform=fig.dpi_scale_trans, size=10, ha="right"
        )
    )
    strings = placed(pdf_of(fig))
    path = Path(matplotlib.get_data_path(), "fonts", "pdfcorefonts", "Helvetica.afm")
    with path.open("rb") as fh:
        helvetica = AFM(fh)
    for (text, x, _y), word in zip(strings, words, strict=True):
        assert text == word
        # the advance widths of its letters in Helvetica at 10 pt: it ends at 3 in (216 pt)
        width = sum(helvetica.get_width_char(ord(c)) for c in word) / 1000 * 10
        assert x + width == pytest.approx(216.0, abs=0.5)  # within a glyph's side bearing


def test_text_no_font_can_draw_is_made_printable_and_the_lines_kept() -> None:
    fig = Figure(figsize=(4, 3))
    block = TextLines(
        [0.5, 0.5], [2.0, 1.8], ["Кеды 👟", "plain"], transform=fig.dpi_scale_trans, size=8
    )
    fig.add_artist(block)
    texts = make_printable([fig])
    assert block.get_lines() == [f"Кеды {MISSING_GLYPH}", "plain"]
    assert f"Кеды {MISSING_GLYPH}\nplain" in texts
    reader = pdf_of(fig)  # not WinAnsi: the embedded DejaVu Sans, text still extractable
    assert "Кеды" in reader.pages[0].extract_text()
    with pytest.raises(ValueError, match="number of lines"):
        block.set_text("one line")


def test_positions_and_lines_must_match() -> None:
    fig = Figure()
    with pytest.raises(ValueError, match="as many positions"):
        TextLines([0.0], [0.0, 1.0], ["a"], transform=fig.dpi_scale_trans, size=8)
    with pytest.raises(ValueError, match="alignment"):
        TextLines([0.0], [0.0], ["a"], transform=fig.dpi_scale_trans, size=8, ha="justify")
