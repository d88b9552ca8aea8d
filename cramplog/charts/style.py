"""The charts' look: greys, fonts and rcParams, and the PDF font choice."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
from matplotlib.figure import Figure, SubFigure

Target = Figure | SubFigure

EMPTY_MESSAGE = "No nights logged in this period"
NO_CRAMPS_MESSAGE = "No cramps logged in this period"

# Greys from light to dark; black ink on white paper is the only colour a chart relies on.
INK = "0.0"
DARK = "0.25"
MID = "0.55"
LIGHT = "0.82"
PAPER = "1.0"

# rcParams for every chart and report page. Text is set in Helvetica where the font exists
# (always in a PDF written with the standard fonts, see pdf_fonts) and in DejaVu Sans, which
# ships with matplotlib, everywhere else.
STYLE: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["Helvetica", "DejaVu Sans"],
    "font.size": 8.5,
    "axes.titlesize": 9.5,
    "axes.labelsize": 8.5,
    "axes.edgecolor": DARK,
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "hatch.linewidth": 0.5,
    "hatch.color": DARK,
    "pdf.fonttype": 3,
    "svg.fonttype": "none",
    "svg.hashsalt": "cramplog",
    "figure.facecolor": "white",
}


@contextmanager
def style() -> Iterator[None]:
    """The charts' rcParams for the duration of a block (creating and saving a figure)."""
    with matplotlib.rc_context(STYLE):
        yield


class _SameFont(logging.Filter):
    """Drops matplotlib's warning that Helvetica's regular weight is called "Medium" in its
    metrics file (the standard PDF font): it is the regular weight, so the warning is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Failed to find font weight" not in record.getMessage()


# A character that no font shipped with matplotlib can draw (emoji, and scripts DejaVu Sans
# lacks, such as Chinese or Japanese) is printed as this white square: the PDF stays complete
# and searchable, and a reader sees that a character stood there. `cramplog list` shows the
# name as typed.
MISSING_GLYPH = "\u25a1"


@functools.cache
def _dejavu() -> Any:
    from matplotlib.font_manager import FontProperties, findfont, get_font

    return get_font(findfont(FontProperties(family="DejaVu Sans")))


@functools.cache
def drawable(char: str) -> bool:
    """Whether DejaVu Sans (shipped with matplotlib, the fallback of every chart and page)
    has a glyph for `char`; joiners and variation selectors draw nothing and are fine."""
    if char in "\n\t" or char in ("\u200d", "\ufe0e", "\ufe0f"):
        return True
    return bool(_dejavu().get_char_index(ord(char)))


def printable(text: str) -> str:
    """`text` with every character no shipped font can draw replaced by MISSING_GLYPH (a run
    of them, such as an emoji with its modifiers, by one square)."""
    if text.isascii() or all(drawable(c) for c in text):
        return text
    out: list[str] = []
    for char in text:
        if char in ("\u200d", "\ufe0e", "\ufe0f") or (
            0x1F3FB <= ord(char) <= 0x1F3FF  # skin-tone modifiers belong to the emoji before
        ):
            continue
        out.append(char if drawable(char) else MISSING_GLYPH)
    return "".join(out)


def make_printable(figures: Iterable[Figure]) -> list[str]:
    """Replace undrawable characters in every text of `figures`, tick labels included (they
    are made again from their formatter when drawn, so the formatter is changed too).
    Returns every text, as it will be drawn."""
    from matplotlib.ticker import FixedFormatter, FuncFormatter

    texts: list[str] = []
    for fig in figures:
        for artist in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "set_text")):
            text = str(artist.get_text())
            fixed = printable(text)
            if fixed != text:
                artist.set_text(fixed)
            texts.append(fixed)
        for ax in fig.get_axes():
            for axis in (ax.xaxis, ax.yaxis):
                formatter = axis.get_major_formatter()
                if isinstance(formatter, FixedFormatter):
                    formatter.seq = [printable(str(s)) for s in formatter.seq]
                    texts.extend(formatter.seq)
                elif isinstance(formatter, FuncFormatter):
                    # labels given with set_yticks(ticks, labels) are a FuncFormatter
                    if not getattr(formatter, "_printable", False):
                        formatter.func = _printable_func(formatter.func)
                        formatter._printable = True  # type: ignore[attr-defined]
                    texts.extend(str(label.get_text()) for label in axis.get_ticklabels())
                # Other formatters (numbers, dates) write digits and English month names
                # only: asking for their labels here would lay out every tick twice.
    return texts


def _printable_func(func: Callable[..., Any]) -> Callable[..., str]:
    def label(*args: Any) -> str:
        return printable(str(func(*args)))

    return label


@contextmanager
def pdf_fonts(figures: Iterable[Figure]) -> Iterator[bool]:
    """Save PDFs of `figures` with the standard PDF fonts when their text allows it.

    Helvetica is one of the 14 fonts every PDF reader has, so it is not embedded: the text is
    drawn a string at a time rather than glyph by glyph, which makes a 2-page report about
    0.2 s faster to write, and the file a fifth of the size. The standard fonts cover only the
    Western European characters (WinAnsi, cp1252), so a shoe, medicine or name written in any
    other script switches to DejaVu Sans, embedded (Type 3), so that nothing is lost.
    Yields whether the standard fonts are used.
    """
    standard = all(_winansi(text) for text in make_printable(figures))
    logger = logging.getLogger("matplotlib.font_manager")
    quiet = _SameFont()
    logger.addFilter(quiet)
    try:
        with matplotlib.rc_context({"pdf.use14corefonts": standard}):
            yield standard
    finally:
        logger.removeFilter(quiet)


def _winansi(text: str) -> bool:
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def styled(function: Callable[..., Target]) -> Callable[..., Target]:
    """Build a chart under `style()`: fonts and line widths are fixed when artists are made."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Target:
        with style():
            return function(*args, **kwargs)

    return wrapper
