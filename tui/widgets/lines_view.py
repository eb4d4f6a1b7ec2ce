"""A box that shows lines a pure renderer drew for its exact size, and redraws only when they would change.

The new tabs (PR curves, custom scalars, audio, meshes, projector, the hparams plots) all draw with
renderers of the form ``(width, height) -> list[Text]`` that fill exactly the box. This widget asks
for a frame only when the owner's key or the box size changed since the last one, so a push from
the app with nothing new writes nothing to the terminal; the strips and render_line are the charts'
(:class:`~tui.widgets.line_widget.LineWidget`). Subclasses add keys; the owner supplies the drawing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from rich.text import Text

from tui.widgets.line_widget import LineWidget

__all__ = ["Draw", "LinesView"]

Draw = Callable[[int, int], list[Text]]


class LinesView(LineWidget):
    """Lines drawn by the owner's ``Draw`` at the widget's size; :meth:`show` swaps the drawing."""

    DEFAULT_CSS = """
    LinesView { height: 1fr; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.painter: Draw = lambda w, h: []
        self.key: Hashable = None
        self._subject = ""
        #: The lines of the last frame (tests read them).
        self.lines: list[Text] = []

    @property
    def subject(self) -> str:
        return self._subject

    def show(self, key: Hashable, painter: Draw, *, subject: str = "") -> None:
        """Draw with ``painter`` from now on; repaints only when ``key`` differs from the last one.
        ``subject`` names what it draws (tag and run; made inert with the failure) should drawing fail."""
        self.painter, self._subject = painter, subject
        if key != self.key:
            self.key = key
            self.repaint()

    def frame_key(self) -> Hashable:
        return self.key

    def paint(self, width: int, height: int) -> list[Text]:
        self.lines = self.painter(width, height) if width > 0 and height > 0 else []
        return self.lines

    def plain(self) -> str:
        """What the box shows, as plain text (draws first if it never has)."""
        self.draw()
        return "\n".join(t.plain for t in self.lines)
