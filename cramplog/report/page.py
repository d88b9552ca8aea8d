"""A paper-sized page: wrapped text, headings, tables and chart bands, placed in inches."""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from cramplog import present
from cramplog.charts import DARK, INK, MID
from cramplog.charts.style import MISSING_GLYPH
from cramplog.charts.textlines import TextLines
from cramplog.report.inputs import DISCLAIMER

PAPER_SIZES = {"a4": (8.27, 11.69), "letter": (8.5, 11.0)}
MARGIN = 0.6  # inches on every side
FOOTER = 0.42  # inches kept free above the bottom margin for the footer
LEADING = 1.32  # line height as a multiple of the font size
ASCENT = 0.93  # DejaVu Sans ascent as a multiple of the font size
PAD = 0.1  # inches between a right-aligned cell's text and the next column's
MONO_ASCENT = 0.8  # a monospaced row's baseline below its top, as a multiple of the size
# --- text measuring and wrapping -----------------------------------------------------------


@functools.cache
def _font(bold: bool) -> Any:
    from matplotlib.font_manager import FontProperties, findfont, get_font

    # DejaVu Sans is wider than Helvetica, so wrapping by its widths fits either font.
    props = FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal")
    font = get_font(findfont(props))
    font.set_size(10, 72)
    return font


@functools.cache
def _advance(char: str, bold: bool) -> float:
    """Width of one character at 10 pt, in points (cached: a report uses few distinct ones)."""
    from matplotlib.ft2font import LoadFlags

    font = _font(bold)
    if not font.get_char_index(ord(char)):  # drawn as charts.MISSING_GLYPH (see printable)
        char = MISSING_GLYPH
    glyph = font.load_char(ord(char), flags=LoadFlags.NO_HINTING)
    return glyph.linearHoriAdvance / 65536


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of `text` in inches at `size` points (kerning ignored: it is a wrap estimate)."""
    return sum(_advance(c, bold) for c in text) * size / 10 / 72


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Greedy word wrap of `text` into lines at most `width` inches wide."""
    # Widths add up (kerning is ignored), so each word is measured once, not the whole line
    # again for every word added to it: a page of paragraphs was 200,000 character look-ups.
    space = text_width(" ", size, bold)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0.0
        for word in paragraph.split(" "):
            needed = text_width(word, size, bold)
            if line and used + space + needed > width:
                lines.append(line)
                line, used = word, needed
            elif line:
                line, used = f"{line} {word}", used + space + needed
            else:
                line, used = word, needed
        lines.append(line)
    return lines


def _cell_lines(text: str, width: int, most: int) -> list[str]:
    """A monospaced cell's lines: the text itself when it fits (most cells), else wrapped."""
    if len(text) <= width and text.isprintable():
        return [text]
    return textwrap.wrap(text, width, break_long_words=True)[:most] or [""]


# --- a page --------------------------------------------------------------------------------


@dataclass
class Column:
    """A table column: header, width (inches; characters in a monospaced table), alignment."""

    header: str
    width: float
    align: str = "left"

    @property
    def width_chars(self) -> int:
        return int(self.width)


class Page:
    """A paper-sized figure filled from the top; positions are inches from the bottom left."""

    def __init__(self, paper: str, scale: float = 1.0) -> None:
        self.scale = scale  # every font size and gap is multiplied by it, to fit a summary
        self.w, self.h = PAPER_SIZES.get(paper, PAPER_SIZES["a4"])
        self.fig = Figure(figsize=(self.w, self.h))
        self.y = self.h - MARGIN
        self.left = MARGIN
        self.width = self.w - 2 * MARGIN

    def room(self) -> float:
        """Inches left between the cursor and the footer."""
        return self.y - MARGIN - FOOTER

    def _put(
        self,
        x: float,
        baselines: list[float],
        lines: list[str],
        size: float,
        *,
        ha: str = "left",
        weight: str = "normal",
        color: str = INK,
        style: str = "normal",
        family: str | None = None,
    ) -> None:
        """Lines of text with their baselines at `baselines` (inches from the bottom).

        A page's text is placed, never laid out by matplotlib (charts.TextLines says why): its
        lines and their positions are known here already. One artist per paragraph or cell,
        added in reading order, so the PDF's text runs in the order a reader's copy gives.
        """
        self.fig.add_artist(
            TextLines(
                [x] * len(lines),
                baselines,
                lines,
                transform=self.fig.dpi_scale_trans,
                size=size,
                family=family,
                weight=weight,
                style=style,
                color=color,
                ha=ha,
            )
        )

    def _lines(self, x: float, top: float, lines: list[str], size: float, **kwargs: Any) -> None:
        """Lines of text, the first line box starting at `top`. Each line is placed on its
        own baseline (the font's ascent below its top), so that words with and without tall
        letters line up across table cells, whatever font the PDF ends up using."""
        step = size * LEADING / 72
        kept = [(i, line) for i, line in enumerate(lines) if line]  # nothing to draw: no cost
        if kept:
            baselines = [top - ASCENT * size / 72 - i * step for i, _ in kept]
            self._put(x, baselines, [line for _, line in kept], size, **kwargs)

    def rule(self, y: float | None = None, width: float = 0.5, color: str = MID) -> None:
        y = self.y if y is None else y
        line = Line2D(
            [self.left, self.left + self.width],
            [y, y],
            linewidth=width,
            color=color,
            transform=self.fig.dpi_scale_trans,
        )
        self.fig.add_artist(line)

    def space(self, inches: float) -> None:
        self.y -= inches

    def text(
        self,
        text: str,
        *,
        size: float = 8.5,
        bold: bool = False,
        color: str = INK,
        indent: float = 0.0,
        after: float = 0.05,
        italic: bool = False,
    ) -> None:
        """A wrapped paragraph at the cursor."""
        size, after = size * self.scale, after * self.scale
        lines = wrap(text, self.width - indent, size, bold)
        self._lines(
            self.left + indent,
            self.y,
            lines,
            size,
            weight="bold" if bold else "normal",
            color=color,
            style="italic" if italic else "normal",
        )
        self.y -= len(lines) * size * LEADING / 72 + after

    def height(
        self, text: str, *, size: float = 8.5, bold: bool = False, indent: float = 0.0
    ) -> float:
        """Inches a paragraph would take."""
        size *= self.scale
        return len(wrap(text, self.width - indent, size, bold)) * size * LEADING / 72 + 0.05

    def title(self, text: str, subtitle: str = "") -> None:
        self.text(text, size=15, bold=True, after=0.04)
        if subtitle:
            self.text(subtitle, size=8.5, color=DARK, after=0.04)
        self.rule(self.y, width=1.0, color=INK)
        self.space(0.12)

    def heading(self, text: str, note: str = "") -> None:
        self.space(0.08 * self.scale)
        self.text(text, size=11, bold=True, after=0.03 if note else 0.06)
        if note:
            self.text(note, size=7.5, color=DARK, after=0.06)

    def table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        *,
        size: float = 7.5,
        bold_first: bool = False,
    ) -> list[Sequence[str]]:
        """A table at the cursor; returns the rows that did not fit (to continue elsewhere)."""
        size *= self.scale
        line_h = size * LEADING / 72
        self._row(columns, [c.header for c in columns], size, bold=True)
        self.rule(self.y + 0.03, width=0.6, color=INK)
        self.space(0.04)
        for i, row in enumerate(rows):
            cells = [wrap(str(v), c.width - PAD, size) for v, c in zip(row, columns, strict=True)]
            need = max(len(c) for c in cells) * line_h + 0.03
            if need > self.room():
                return list(rows[i:])
            self._row(columns, row, size, first_bold=bold_first)
        self.rule(self.y + 0.02, width=0.4)
        self.space(0.06)
        return []

    def mono_table(
        self,
        columns: Sequence[Column],
        rows: Sequence[Sequence[str]],
        *,
        size: float = 6.6,
        most_lines: int = 3,
        group: int = 5,
    ) -> list[Sequence[str]]:
        """A long table in a monospaced font, the whole page's rows as one text object;
        returns the rows that did not fit. Column widths are in characters (Column.width).

        A PDF is drawn a line of text at a time: a 10-year appendix drawn a cell at a time is
        16,000 lines, and writing them was most of the packet's time. Here each row is one
        line (the cells padded to their columns, exact in a monospaced font), so the page
        costs a line per row; a reader's copy of the page reads row by row. The lines are one
        `TextLines` artist, placed a step apart rather than measured. A wrapped cell
        takes at most `most_lines` lines; an empty line after every `group` rows keeps a line
        easy to follow across the page.
        """
        size *= self.scale
        # The monospaced fonts' lines come out closer than LEADING (matplotlib spaces lines
        # by the height of "lp"): 0.9 keeps the count of rows a page takes on the safe side.
        step = 0.9 * size * LEADING / 72
        gap = "  "

        def line(cells: Sequence[str]) -> str:
            parts = [
                cell.rjust(c.width_chars) if c.align == "right" else cell.ljust(c.width_chars)
                for cell, c in zip(cells, columns, strict=True)
            ]
            return gap.join(parts).rstrip()

        header = line([c.header for c in columns])
        self._put(
            self.left,
            [self.y - MONO_ASCENT * size / 72],
            [header],
            size,
            family="monospace",
            weight="bold",
        )
        self.space(step + 0.02)
        self.rule(self.y + 0.01, width=0.6, color=INK)
        self.space(0.05)
        fits = int((self.room() - 0.05) / step)
        lines: list[str] = []
        done = 0
        for row in rows:
            cells = [
                _cell_lines(str(v), c.width_chars, most_lines)
                for v, c in zip(row, columns, strict=True)
            ]
            height = max(len(c) for c in cells)
            spacer = 1 if done and done % group == 0 else 0
            if len(lines) + spacer + height > fits:
                break
            lines.extend([""] * spacer)
            for i in range(height):
                lines.append(line([c[i] if i < len(c) else "" for c in cells]))
            done += 1
        if lines:
            # Rows a fixed step apart: placed, not laid out (charts.TextLines says why).
            first = self.y - MONO_ASCENT * size / 72
            self._put(
                self.left,
                [first - i * step for i in range(len(lines))],
                lines,
                size,
                family="monospace",
            )
        self.y -= len(lines) * step + 0.08
        return list(rows[done:])

    def table_height(
        self, columns: Sequence[Column], rows: Sequence[Sequence[str]], *, size: float = 7.5
    ) -> float:
        """Inches a whole table would take, header and rules included."""
        size *= self.scale
        line_h = size * LEADING / 72

        def lines(row: Sequence[str], bold: bool) -> int:
            return max(
                len(wrap(str(v), c.width - PAD, size, bold))
                for v, c in zip(row, columns, strict=True)
            )

        header = lines([c.header for c in columns], True) * line_h + 0.07
        body = sum(lines(r, False) * line_h + 0.03 for r in rows)
        return header + body + 0.06

    def _row(
        self,
        columns: Sequence[Column],
        row: Sequence[str],
        size: float,
        *,
        bold: bool = False,
        first_bold: bool = False,
    ) -> None:
        line_h = size * LEADING / 72
        x = self.left
        most = 1
        for i, (value, column) in enumerate(zip(row, columns, strict=True)):
            weight_bold = bold or (first_bold and i == 0)
            lines = wrap(str(value), column.width - PAD, size, weight_bold)
            most = max(most, len(lines))
            anchor = x + (column.width - PAD if column.align == "right" else 0.0)
            self._lines(
                anchor,
                self.y,
                lines,
                size,
                ha=column.align,
                weight="bold" if weight_bold else "normal",
            )
            x += column.width
        self.y -= most * line_h + 0.03

    def chart(self, draw: Callable[..., Any], height: float, *args: Any, **kwargs: Any) -> None:
        """A chart from `charts` in a band `height` inches tall at the cursor, full width."""
        height = min(height, self.room())
        # A subfigure fills its gridspec cell as given by the width and height ratios alone
        # (gridspec margins are ignored), so the band is the middle cell of a 3 x 3 grid.
        tiny = 1e-6
        left = self.left - 0.1
        grid = self.fig.add_gridspec(
            3,
            3,
            height_ratios=[max(self.h - self.y, tiny), height, max(self.y - height, tiny)],
            width_ratios=[left, self.width + 0.2, max(self.w - left - self.width - 0.2, tiny)],
            left=0,
            right=1,
            top=1,
            bottom=0,
            wspace=0,
            hspace=0,
        )
        draw(*args, figure=self.fig.add_subfigure(grid[1, 1]), **kwargs)
        self.y -= height

    def footer(self, made: datetime, number: int, total: int) -> None:
        y = MARGIN + 0.05
        self.rule(MARGIN + 0.2, width=0.5)
        self._put(self.left, [y], [DISCLAIMER], 7, color=DARK)
        right = f"Made {present.day(made.date())} \u00b7 page {number} of {total}"
        self._put(self.left + self.width, [y], [right], 7, ha="right", color=DARK)
