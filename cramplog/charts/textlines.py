"""Many short texts as one artist, drawn at positions worked out in advance.

matplotlib's `Text` lays itself out when drawn: it measures every line of its string, glyph
by glyph in Python for the standard PDF fonts, to find its box. A 10-year appendix is some
1,000 lines of 128 characters, and measuring them was a third of the appendix's time; the
calendar's 120 month labels were tick labels, a `Tick` (two lines, two texts, a grid line)
each. Where the position of every line is known beforehand (a monospaced table whose rows
are a fixed step apart, labels at fixed places) nothing needs measuring: `TextLines` hands
each line to the renderer at its baseline, which is what `Text` does last. Left-aligned lines
are never measured; right-aligned and centred ones are measured once each, by the renderer.

The lines stay real text in the PDF (searchable, selectable, read by `pdftotext` in order),
and `get_text` / `set_text` expose them joined by newlines, so that `style.make_printable`
and the PDF font choice see them like any other text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib import colors
from matplotlib.artist import Artist
from matplotlib.font_manager import FontProperties
from matplotlib.transforms import Transform

from cramplog.charts.style import INK


class TextLines(Artist):
    """`lines[i]` drawn with its baseline at (`xs[i]`, `ys[i]`) in `transform`'s coordinates.

    `ha` is "left", "right" or "center"; `va` "baseline" or "center" (the middle of a
    capital letter at the position, for labels beside a row of squares).
    """

    zorder = 3  # above patches and collections, as matplotlib's own texts are

    def __init__(
        self,
        xs: Sequence[float] | np.ndarray,
        ys: Sequence[float] | np.ndarray,
        lines: Sequence[str],
        *,
        transform: Transform,
        size: float,
        family: str | list[str] | None = None,
        weight: str = "normal",
        style: str = "normal",
        color: str = INK,
        ha: str = "left",
        va: str = "baseline",
    ) -> None:
        super().__init__()
        if not len(xs) == len(ys) == len(lines):
            raise ValueError("TextLines needs as many positions as lines")
        if ha not in ("left", "right", "center") or va not in ("baseline", "center"):
            raise ValueError(f"TextLines: unknown alignment {ha!r}, {va!r}")
        self._xy = np.column_stack([np.asarray(xs, float), np.asarray(ys, float)])
        self._lines = list(lines)
        self._prop = FontProperties(family=family, size=size, weight=weight, style=style)
        self._color = color
        self._ha = ha
        self._va = va
        self.set_transform(transform)

    # --- what make_printable and the PDF font choice read and fix ---------------------------

    def get_text(self) -> str:
        return "\n".join(self._lines)

    def set_text(self, text: str) -> None:
        lines = str(text).split("\n")
        if len(lines) != len(self._lines):
            raise ValueError("TextLines.set_text must keep the number of lines")
        self._lines = lines
        self.stale = True

    def get_lines(self) -> list[str]:
        return list(self._lines)

    def get_positions(self) -> np.ndarray:
        return self._xy.copy()

    def get_fontproperties(self) -> FontProperties:
        return self._prop

    def get_color(self) -> str:
        return self._color

    # --- drawing -----------------------------------------------------------------------------

    def draw(self, renderer: Any) -> None:
        if not self.get_visible() or not any(self._lines):
            return
        renderer.open_group("textlines", self.get_gid())
        gc = renderer.new_gc()
        gc.set_foreground(colors.to_rgba(self._color), isRGBA=True)
        gc.set_alpha(self.get_alpha())
        points = self.get_transform().transform(self._xy)
        size = self._prop.get_size_in_points() * renderer.points_to_pixels(1.0)
        drop = 0.36 * size if self._va == "center" else 0.0  # half a capital's height
        height = renderer.get_canvas_width_height()[1]
        for (x, y), line in zip(points, self._lines, strict=True):
            if not line or not (np.isfinite(x) and np.isfinite(y)):
                continue
            if self._ha != "left":
                width, _, _ = renderer.get_text_width_height_descent(line, self._prop, False)
                x -= width if self._ha == "right" else width / 2
            y -= drop
            if renderer.flipy():
                y = height - y
            renderer.draw_text(gc, x, y, line, self._prop, 0.0, ismath=False)
        gc.restore()
        renderer.close_group("textlines")
        self.stale = False
