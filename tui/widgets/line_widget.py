"""The base of the widgets that draw themselves as lines of rich Text (the charts and the histogram plots).

A subclass implements :meth:`LineWidget.draw`: compare what it would draw with what it drew, and when
that changed, call :meth:`set_lines` with exactly ``size.height`` lines of ``size.width`` cells. The
first visible row asks for a draw, so a widget draws once per refresh and only while it shows.
"""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["LineWidget", "text_strip"]


_NULL = Style.null()


def text_strip(text: Text, console: Console, width: int) -> Strip:
    """One line of rich Text as a Strip whose every segment has a style.

    Text renders some segments (its end, unstyled gaps) with no style at all; Textual's filters
    (NO_COLOR's monochrome filter among them) read ``segment.style.color`` and crash on None.
    """
    return Strip([s if s.style is not None else Segment(s.text, _NULL) for s in text.render(console)], width)


class LineWidget(Widget):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._strips: list[Strip] = []

    def draw(self) -> None:
        """Prepare the current frame (cheap when nothing changed)."""
        raise NotImplementedError

    def set_lines(self, lines: list[Text]) -> None:
        """The frame to show: the lines in this widget's base style, cut to its width."""
        console = self.app.console
        w, base = self.size.width, self.rich_style
        self._strips = [text_strip(t, console, w).apply_style(base).crop(0, w) for t in lines]

    @property
    def drawn(self) -> bool:
        return bool(self._strips)

    def render_line(self, y: int) -> Strip:
        if y == 0 or not self._strips:
            self.draw()
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.rich_style)

    def on_resize(self, event: events.Resize) -> None:
        self.refresh()
