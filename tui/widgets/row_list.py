"""A keyboard-and-mouse list of one-line rows drawn with Textual's Line API.

The runs and tags lists can hold thousands of rows that change several times a second while a
logdir loads; a Line-API widget draws only the rows on screen, from pure row renderers in
tui/render/rows.py, and never rebuilds child widgets. Subclasses say how many rows there are and
how to draw one; this class does the cursor, scrolling, keys and clicks. A live update that changes
a row's value or sparkline refreshes only the cells that changed (:meth:`RowList.refresh_rows`).

Drawing is total, as in the panes and the line widgets: a row whose drawing raises (a name no
renderer foresaw) shows one line naming the row (:meth:`RowList.row_subject`) and the error, and
the status bar says it; the other rows and the app stay.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.render.cells import fit
from tui.widgets.line_widget import changed_regions, text_strip
from tui.widgets.pane import drawing_failed

__all__ = ["RowList"]


class RowList(ScrollView, can_focus=True):
    """Rows with a cursor. Subclasses implement :meth:`row_count` and :meth:`render_row`."""

    # Selectors name this widget themselves (some under ``Screen.-narrow``), so they are not scoped.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    RowList {
        overflow-x: hidden;
    }

    RowList > .row-list--cursor {
        background: $accent 40%;
        text-style: bold;
    }

    RowList > .row-list--cursor-blurred {
        background: $panel;
    }

    /* Where a background shade cannot be told apart (16 colours: the accent's shade is the blurred
       cursor's grey; NO_COLOR: two greys), the cursor row is reversed, and an unfocused one underlined. */
    App.-ansi16 RowList > .row-list--cursor, RowList:nocolor > .row-list--cursor {
        text-style: bold reverse;
    }

    RowList:nocolor > .row-list--cursor-blurred {
        text-style: underline;
    }
    """

    HELP_TITLE = "Lists"

    COMPONENT_CLASSES: ClassVar[set[str]] = {"row-list--cursor", "row-list--cursor-blurred"}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("home,g", "cursor_first", "First", show=False),
        Binding("end,G", "cursor_last", "Last", show=False),
        Binding("pagedown,ctrl+d", "page_down", "Page down", show=False),
        Binding("pageup,ctrl+u", "page_up", "Page up", show=False),
    ]

    cursor: reactive[int] = reactive(0, repaint=False, init=False)

    class Highlighted(Message):
        """The cursor moved to ``index``."""

        def __init__(self, sender: RowList, index: int) -> None:
            super().__init__()
            self.sender = sender
            self.index = index

        @property
        def control(self) -> RowList:
            return self.sender

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        #: The strip last handed to Textual for each line of the viewport (what the screen shows).
        self._shown: dict[int, Strip] = {}
        #: Drawn rows by what they were drawn from (:meth:`row_key`): a refresh that moves the cursor
        #: or scrolls draws only rows it has not drawn before (a few, not every row on screen).
        self._strips: dict[Hashable, Strip] = {}
        #: The row styles of the paint under way (:meth:`render_lines`), None between paints.
        self._paint_styles: tuple[Style, Style, Style] | None = None
        #: The last failure said in a notice (so a row that keeps failing says it once).
        self.failure: str | None = None

    # -- for subclasses -------------------------------------------------------------------------

    def row_count(self) -> int:
        return 0

    def render_row(self, index: int, width: int, base: Style) -> Text:
        return Text(" " * width)

    def row_clicked(self, index: int, x: int) -> None:
        """A mouse click on row ``index`` at column ``x`` (after the cursor moved there)."""

    def row_key(self, index: int) -> Hashable | None:
        """What row ``index`` is drawn from, if it says all (then its strip is drawn once and kept)."""
        return None

    def row_subject(self, index: int) -> str:
        """What row ``index`` shows, for the notice when it cannot be drawn (inert: names come from logs)."""
        return f"row {index + 1}"

    # -- state ----------------------------------------------------------------------------------

    def rows_changed(self) -> None:
        """Call after the rows changed: resizes the scroll area, clamps the cursor, repaints (only
        the changed cells while the number of rows stays the same)."""
        n = self.row_count()
        size = Size(self.scrollable_content_region.width, n)
        resized = size != self.virtual_size
        self.virtual_size = size
        if n and self.cursor >= n:
            self.cursor = n - 1
        if resized:
            self.refresh()
        else:
            self.refresh_rows()

    def refresh_rows(self) -> None:
        """Refresh the cells of the visible rows whose drawing differs from what the screen shows
        (a new last step, value or sparkline), not the whole list: per row a live update costs the
        bytes of the cells that changed."""
        if not self._shown or not self.region:
            self.refresh()
            return
        regions: list[Region] = []
        styles = self._styles()
        for y in range(self.scrollable_content_region.height):
            old = self._shown.get(y)
            new = self._row_strip(y, styles)
            diff = changed_regions([old], [new]) if old is not None else None
            if diff is None:
                regions.append(Region(0, y, new.cell_length, 1))
            else:
                regions += [r.translate((0, y)) for r in diff]
        if regions:
            self.refresh(*regions)

    def watch_cursor(self, old: int, new: int) -> None:
        n = self.row_count()
        if n and not 0 <= new < n:
            self.cursor = min(max(new, 0), n - 1)
            return
        top = self.scroll_y
        self._scroll_to_cursor()
        if self.scroll_y != top:
            self.refresh()
        else:  # only the rows the cursor left and entered change
            self.refresh_line(old)
            self.refresh_line(new)
        self.post_message(self.Highlighted(self, self.cursor))

    def _scroll_to_cursor(self) -> None:
        h = self.scrollable_content_region.height
        if h <= 0:
            return
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + h:
            self.scroll_to(y=self.cursor - h + 1, animate=False, immediate=True)

    # -- drawing --------------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # One look-up of the styles for all the lines of this paint: Textual's ``rich_style`` walks
        # every ancestor's styles, and per row it was most of a list's drawing time (a tab switch
        # repaints every row of the lists it shows).
        self._paint_styles = self._styles()
        try:
            return super().render_lines(crop)
        finally:
            self._paint_styles = None

    def render_line(self, y: int) -> Strip:
        strip = self._row_strip(y, self._paint_styles or self._styles())
        self._shown[y] = strip
        return strip

    def _styles(self) -> tuple[Style, Style, Style]:
        """The base style of a row, of the cursor's row when focused, and when not."""
        base = self.rich_style
        return (
            base,
            base + self.get_component_rich_style("row-list--cursor"),
            base + self.get_component_rich_style("row-list--cursor-blurred"),
        )

    def _row_strip(self, y: int, styles: tuple[Style, Style, Style]) -> Strip:
        """Line ``y`` of the viewport as drawn now, in ``styles`` (:meth:`_styles`)."""
        width = self.scrollable_content_region.width
        index = y + int(self.scroll_y)
        base = styles[0]
        if index >= self.row_count() or width <= 0:
            return Strip.blank(width, base)
        at = 0
        if index == self.cursor:
            at = 1 if self.has_focus else 2
            base = styles[at]
        ascii = getattr(self.app, "ascii", False)
        try:
            row = self.row_key(index)
            key = (row, width, at, base, ascii) if row is not None else None
            if key is not None and (hit := self._strips.get(key)) is not None:
                return hit
            text = self.render_row(index, width, base)
            strip = text_strip(text, self.app.console, width, ascii=ascii).crop(0, width)
        except Exception as e:
            self.failure = drawing_failed(self, lambda: self.row_subject(index), e, self.failure)
            text = Text(self.failure, style=base + Style(color="yellow"), no_wrap=True, end="")
            return text_strip(fit(text, width, overflow="ellipsis"), self.app.console, width)
        if key is not None:
            if len(self._strips) > 4 * max(self.size.height, 16):
                self._strips.clear()  # rows scrolled past or changed: start over
            self._strips[key] = strip
        return strip

    def on_resize(self, event: events.Resize) -> None:
        self.rows_changed()
        self._scroll_to_cursor()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- input ----------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        self.focus()
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + int(self.scroll_y)
        if 0 <= index < self.row_count():
            self.cursor = index
            self.row_clicked(index, offset.x)

    def action_cursor_down(self) -> None:
        self.cursor = min(self.cursor + 1, max(self.row_count() - 1, 0))

    def action_cursor_up(self) -> None:
        self.cursor = max(self.cursor - 1, 0)

    def action_cursor_first(self) -> None:
        self.cursor = 0

    def action_cursor_last(self) -> None:
        self.cursor = max(self.row_count() - 1, 0)

    def action_page_down(self) -> None:
        step = max(self.scrollable_content_region.height - 1, 1)
        self.cursor = min(self.cursor + step, max(self.row_count() - 1, 0))

    def action_page_up(self) -> None:
        step = max(self.scrollable_content_region.height - 1, 1)
        self.cursor = max(self.cursor - step, 0)
