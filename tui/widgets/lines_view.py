"""A box that shows lines a pure renderer drew for its exact size, and redraws only when they would change.

The new tabs (PR curves, custom scalars, audio, meshes, projector, the hparams plots) all draw with
renderers of the form ``(width, height) -> list[Text]`` that fill exactly the box. This widget asks
for a frame only when the owner's key or the box size changed since the last one, so a push from
the app with nothing new writes nothing to the terminal (as :class:`~tui.widgets.scalar_chart.ScalarChart`
does for the Scalars tab). Subclasses add keys; the owner supplies the drawing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from rich.text import Text
from textual import events
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["Draw", "LinesView"]

Draw = Callable[[int, int], list[Text]]


class LinesView(Widget):
    """Lines drawn by :attr:`draw` at the widget's size; :meth:`show` swaps the drawing."""

    DEFAULT_CSS = """
    LinesView { height: 1fr; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.draw: Draw = lambda w, h: []
        self.key: Hashable = None
        self._drawn: tuple | None = None
        self._strips: list[Strip] = []
        #: The lines of the last frame (tests read them).
        self.lines: list[Text] = []
        self.draw_count = 0

    def show(self, key: Hashable, draw: Draw) -> None:
        """Draw with ``draw`` from now on; repaints only when ``key`` differs from the last one."""
        self.draw = draw
        if key != self.key:
            self.key = key
            self.refresh()

    def redraw(self) -> None:
        """Forget the last frame (the owner's state changed in a way its key does not show)."""
        self._drawn = None
        self.refresh()

    def _frame(self) -> None:
        w, h = self.size.width, self.size.height
        frame = (self.key, w, h)
        if frame == self._drawn and self._strips:
            return
        self._drawn = frame
        self.lines = self.draw(w, h) if w > 0 and h > 0 else []
        console, base = self.app.console, self.rich_style
        self._strips = [Strip(list(t.render(console)), w).apply_style(base).crop(0, w) for t in self.lines]
        self.draw_count += 1

    def plain(self) -> str:
        """What the box shows, as plain text (draws first if it never has)."""
        self._frame()
        return "\n".join(t.plain for t in self.lines)

    def render_line(self, y: int) -> Strip:
        if y == 0 or not self._strips:
            self._frame()
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.rich_style)

    def on_resize(self, event: events.Resize) -> None:
        self.refresh()
