"""The base of the widgets that draw themselves as lines of rich Text (the charts and the histogram plots).

A subclass says what its frame is drawn from (:meth:`LineWidget.frame_key`) and draws it
(:meth:`LineWidget.paint`: exactly ``height`` lines of ``width`` cells); :meth:`LineWidget.draw` paints
only when that key or the size changed since the frame on screen, so a push with nothing new costs one
comparison and writes nothing. The first visible row asks for a draw, so a widget draws once per
refresh and only while it shows.

:meth:`LineWidget.repaint` is the cheap refresh for a new frame that differs a little from the
last (a live step, a cursor move): it draws at once and refreshes only the cells that differ
(:func:`changed_regions`), so Textual writes those cells and nothing else to the terminal. A full
:meth:`~textual.widget.Widget.refresh` repaints the whole widget: on a slow link that is a screenful
of escape codes per update.

Drawing is total: a ``draw`` that raises (log content no renderer foresaw) leaves a frame that says
what could not be drawn (:attr:`LineWidget.subject`) and why, and a :class:`~tui.widgets.pane.Pane.Notice`
in the status bar, instead of an exception in Textual's rendering, which would end the app.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from rich.cells import cell_len
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from tui.render.glyphs import ascii_rich
from tui.widgets.pane import drawing_failed

__all__ = ["LineWidget", "changed_regions", "text_strip"]


_NULL = Style.null()


def text_strip(text: Text, console: Console, width: int, *, ascii: bool = False) -> Strip:
    """One line of rich Text as a Strip whose every segment has a style; ``ascii``: in ASCII glyphs.

    Text renders some segments (its end, unstyled gaps) with no style at all; Textual's filters
    (NO_COLOR's monochrome filter among them) read ``segment.style.color`` and crash on None.
    """
    if ascii:
        text = ascii_rich(text)
    segments = _flat_segments(text, console)
    if segments is None:
        segments = [s if s.style is not None else Segment(s.text, _NULL) for s in text.render(console)]
    return Strip(segments, width)


def _flat_segments(text: Text, console: Console) -> list[Segment] | None:
    """``text.render(console)``'s segments when no two spans overlap (a chart row: a span per run of
    cells in one colour, a few dozen of them), else None.

    Text.render sorts every span boundary and combines a stack of styles at each, which made turning
    a new chart of 2,000 runs into strips the biggest part of the event loop's time for it; with
    spans in order and apart, each segment's style is the base style plus its span's.
    """
    plain, spans = text.plain, text.spans
    if not spans:
        return [Segment(plain, _NULL)]  # as Text.render: no spans, no style (not even the base)
    at = 0
    for span in spans:
        if span.start < at or span.end <= span.start or span.end > len(plain):
            return None  # overlapping, empty (Text.render splits there) or past the end
        at = span.end
    base = console.get_style(text.style, default=_NULL)
    styles: dict = {}
    out, at = [], 0
    for span in spans:
        start, end = span.start, span.end
        if start > at:
            out.append(Segment(plain[at:start], base))
        style = styles.get(span.style)
        if style is None:
            style = styles[span.style] = Style.combine((base, console.get_style(span.style, default=_NULL)))
        out.append(Segment(plain[start:end], style))
        at = end
    if at < len(plain):
        out.append(Segment(plain[at:], base))
    return out


def _same_text(a: Text | None, b: Text) -> bool:
    """Whether ``a`` renders as ``b``: Text's own ``==`` compares the characters and spans only, not
    the base style or how the line ends."""
    if a is b:
        return True
    if a is None or a != b:
        return False
    return (a.style, a.end, a.justify, a.overflow, a.no_wrap, a.tab_size) == (
        b.style,
        b.end,
        b.justify,
        b.overflow,
        b.no_wrap,
        b.tab_size,
    )


def _cells(strip: Strip) -> list[tuple[str, Style | None]]:
    return [(ch, style) for text, style, _ in strip for ch in text]


def changed_regions(old: Sequence[Strip], new: Sequence[Strip]) -> list[Region] | None:
    """Where ``new`` differs from ``old``: per differing line, one region from its first to its last
    differing cell (character and style); None when the two frames differ in shape (line count or
    a line's width), which needs a full repaint.
    """
    if len(old) != len(new):
        return None
    regions: list[Region] = []
    for y, (a, b) in enumerate(zip(old, new, strict=True)):
        if a.cell_length != b.cell_length:
            return None
        if a == b:
            continue
        ca, cb = _cells(a), _cells(b)
        n = min(len(ca), len(cb))
        i = 0
        while i < n and ca[i] == cb[i]:
            i += 1
        j = 0
        while j < n - i and ca[-1 - j] == cb[-1 - j]:
            j += 1
        x0 = cell_len("".join(ch for ch, _ in ca[:i]))
        x1 = a.cell_length - cell_len("".join(ch for ch, _ in ca[len(ca) - j :]))
        if x1 > x0:
            regions.append(Region(x0, y, x1 - x0, 1))
    return regions


class LineWidget(Widget):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._strips: list[Strip] = []
        #: The Text each strip was made from, and how (width, base style, ASCII): see :meth:`set_lines`.
        self._texts: list[Text | None] = []
        self._made_as: tuple = ()
        #: The last failure said in a notice (so a frame that keeps failing says it once).
        self.failure: str | None = None
        #: What the frame on screen was drawn from: :meth:`frame_key` and the size (None: draw anew).
        self.shown_key: Hashable = None

    @property
    def subject(self) -> str:
        """What this widget shows, for a failure's notice (subclasses name their tag and runs)."""
        return ""

    def frame_key(self) -> Hashable:
        """Everything the frame is drawn from but the size (series by identity and version, settings,
        cursor...): equal keys draw the same frame."""
        raise NotImplementedError

    def paint(self, width: int, height: int) -> list[Text] | None:
        """The frame for :meth:`frame_key` at this size: ``height`` lines of ``width`` cells. A
        provisional frame (work still under way) sets :attr:`shown_key` to None, so the next draw
        paints again; None keeps the frame on screen."""
        raise NotImplementedError

    def current_key(self) -> Hashable:
        return (self.frame_key(), self.size.width, self.size.height)

    def draw(self) -> None:
        """Prepare the current frame (one comparison when nothing changed)."""
        key = self.current_key()
        if key == self.shown_key and self.drawn:
            return
        self.shown_key = key
        lines = self.paint(self.size.width, self.size.height)
        if lines is not None:
            self.set_lines(lines)

    def repaint_if_changed(self) -> None:
        """Repaint when the frame would differ from the one on screen (after new inputs)."""
        if self.current_key() != self.shown_key:
            self.repaint()

    def redraw(self) -> None:
        """Forget the frame on screen (the owner's state changed in a way the key does not show)."""
        self.shown_key = None
        self.repaint()

    def set_lines(self, lines: list[Text]) -> None:
        """The frame to show: the lines in this widget's base style, cut to its width.

        A line equal to the one on screen in its row keeps its strip: turning Text into segments is
        most of what a new frame costs the event loop (a chart row of 2,000 runs holds dozens of
        spans), and a frame that hides one run, or moves the cursor, changes a few rows.
        """
        console, ascii = self.app.console, getattr(self.app, "ascii", False)
        w, base = self.size.width, self.rich_style
        how = (w, base, ascii)
        old, texts = (self._strips, self._texts) if how == self._made_as else ([], [])
        strips = []
        for y, t in enumerate(lines):
            if y < len(old) and _same_text(texts[y], t):
                strips.append(old[y])
            else:
                strips.append(text_strip(t, console, w, ascii=ascii).apply_style(base).crop(0, w))
        self._strips, self._texts, self._made_as = strips, list(lines), how

    def set_line(self, y: int, text: Text) -> None:
        """Replace row ``y`` of the frame on screen (call :meth:`refresh` for it to show)."""
        console, ascii = self.app.console, getattr(self.app, "ascii", False)
        w = self.size.width
        self._strips[y] = text_strip(text, console, w, ascii=ascii).apply_style(self.rich_style).crop(0, w)
        if y < len(self._texts):
            self._texts[y] = text

    def repaint(self) -> None:
        """Show the current frame, refreshing only the cells that differ from the one on screen.

        Draws at once when the widget is on screen with a frame shown; otherwise (hidden, never drawn)
        it only marks the widget for a full repaint, and the frame is drawn when it shows.
        """
        old = self._strips
        if not old or not self.region:
            self.refresh()
            return
        self._draw_totally()
        if self._strips is old:
            return
        regions = changed_regions(old, self._strips)
        if regions is None:
            self.refresh()
        elif regions:
            self.refresh(*regions)

    @property
    def drawn(self) -> bool:
        return bool(self._strips)

    def _draw_totally(self) -> None:
        try:
            self.draw()
        except Exception as e:
            text = self.failure = drawing_failed(self, lambda: self.subject, e, self.failure)
            w, h = self.size.width, self.size.height
            lines = [Text(text, style="yellow", no_wrap=False)]
            lines = [line for t in lines for line in t.wrap(self.app.console, max(w, 1))][:h]
            self.set_lines(lines + [Text()] * (h - len(lines)))

    def render_line(self, y: int) -> Strip:
        if y == 0 or not self._strips:
            self._draw_totally()
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.rich_style)

    def on_resize(self, event: events.Resize) -> None:
        # Textual sends Resize to a widget shown again (its tab switched back to) even at the size it
        # had: the frame kept is the one to show, and repainting it (a chart of 2,000 colours, ~15
        # ms) right after the switch's own update slowed that update's way to the terminal. At
        # another size Textual repaints the widget itself, and :meth:`draw` paints anew for it.
        if (self.size.width, self.size.height) != self._frame_size:
            self.refresh()

    @property
    def _frame_size(self) -> tuple[int, int] | None:
        """The size the frame on screen was made for (None before the first)."""
        return (self._made_as[0], len(self._strips)) if self._made_as else None
