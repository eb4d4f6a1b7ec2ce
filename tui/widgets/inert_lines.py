"""The terminal boundary: no cell of the screen carries a control character, whatever drew it.

Log text is made inert where it enters the view layer (:mod:`tui.views.safe`; panes draw it as
:class:`~tui.render.safe_text.SafeText`), so it shows readable:
``\\x1b`` for an escape, ``↵`` for a newline in a one-line place. This filter is the guarantee behind
that rule: the app runs every line of every widget (its own, Textual's inputs, trees, selects and
notifications, border titles) through it on the way to the terminal, and any control, bidi or
zero-width character still there is written as its escape too. A forgotten ``inert`` is then a
cosmetic slip (the rest of that line may be cropped), never an escape sequence reaching the user's
terminal. Lines without such characters, nearly all, pass unchanged after one regex search a segment.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from tui.views.safe import visible

__all__ = ["InertLines"]


class InertLines(LineFilter):
    """Escape control characters left in any segment (installed by :meth:`TbtuiApp.get_line_filters`)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        out = None
        for i, seg in enumerate(segments):
            text = visible(seg.text)
            if text is not seg.text:
                if out is None:
                    out = list(segments)
                out[i] = Segment(text, seg.style, seg.control)
        return segments if out is None else out
