"""The whole screen in ASCII glyphs when the terminal cannot show Unicode drawing characters.

Charts, lists and the status line draw their own ASCII (``tui.render.glyphs.ascii_rich`` in the line
widgets), but Textual draws the rest: pane borders (``╭─╮``), scrollbars (``▅``), tab underlines
(``━╸``), tree guides, the help screen's ``⏎ ↓ ↑``, the command palette's ``🔎`` and ``▔▔``. Under a
``C`` locale or ``--ascii`` those reached the terminal as Unicode all the same. This filter, installed
by :meth:`TbtuiApp.get_line_filters` only in ASCII mode, swaps every drawing glyph of every segment
for its stand-in (one cell for one, two for a two-cell glyph, so nothing moves). Letters of any
script, as in run and tag names, are left as they are. An image's half blocks (``▀``, top pixel in
the foreground colour, bottom pixel in the background) become spaces in the top pixel's colour: a
picture at half the height rather than a field of ``^``.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter

from tui.render.glyphs import ASCII_TABLE, WIDE_ASCII

__all__ = ["AsciiLines"]

_TABLE: dict[int, str] = {**ASCII_TABLE, **WIDE_ASCII}
_HALF_BLOCKS = frozenset("▀▄")


class AsciiLines(LineFilter):
    """Every drawing glyph in every segment as its ASCII stand-in."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        out = None
        for i, seg in enumerate(segments):
            text = seg.text
            if text.isascii():
                continue
            style = seg.style
            if style is not None and style.color is not None and set(text) <= _HALF_BLOCKS:
                new = Segment(" " * len(text), style + Style(bgcolor=style.color), seg.control)
            else:
                swapped = text.translate(_TABLE)
                if swapped == text:
                    continue
                new = Segment(swapped, style, seg.control)
            if out is None:
                out = list(segments)
            out[i] = new
        return segments if out is None else out
