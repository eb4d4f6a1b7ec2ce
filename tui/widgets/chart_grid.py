"""Many tags' charts at once, TensorBoard's card grid: as many columns as fit, paged by rows.

Cells are at least :data:`MIN_CELL_WIDTH` x :data:`MIN_CELL_HEIGHT`; only the rows on screen are
drawn. The selected cell's title is highlighted; Enter opens it in the single-chart view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive

from tui.render.cells import message_lines
from tui.render.rows import EMPTY_NAME
from tui.render.safe_text import SafeText
from tui.render.scalar_view import hstack
from tui.views.cache import LruCache, SmoothCache
from tui.views.chart_options import ChartOptions
from tui.widgets.line_widget import LineWidget
from tui.widgets.scalar_chart import ChartSource, build_chart

__all__ = ["ChartGrid"]

MIN_CELL_WIDTH = 36
MIN_CELL_HEIGHT = 9
GAP = 1


class ChartGrid(LineWidget, can_focus=True):
    """A grid of small charts, one per tag."""

    HELP_TITLE = "Chart grid"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "move(-1, 0)", "Left", show=False),
        Binding("right,l", "move(1, 0)", "Right", show=False),
        Binding("up,k", "move(0, -1)", "Up", show=False),
        Binding("down,j", "move(0, 1)", "Down", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home,g", "first", "First", show=False),
        Binding("end,G", "last", "Last", show=False),
        Binding("enter", "open", "Open chart"),
    ]

    selected: reactive[int] = reactive(0, init=False)

    class Opened(Message):
        """Enter (or a double click) on a cell: show this tag in the single chart."""

        def __init__(self, tag: str) -> None:
            super().__init__()
            self.tag = tag

    class Selected(Message):
        def __init__(self, tag: str) -> None:
            super().__init__()
            self.tag = tag

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tags: list[str] = []
        self.sources: Callable[[str], list[ChartSource]] = lambda tag: []
        self.options = ChartOptions()
        self.top_row = 0
        self.cache = SmoothCache()
        #: Each cell's chart lines by what they were drawn from: moving the selection or a page back
        #: redraws only titles (a cell of 2,000 runs takes a while to draw).
        self._cells: LruCache[tuple, list[Text]] = LruCache(64)

    # -- geometry -------------------------------------------------------------------------------

    @property
    def columns(self) -> int:
        return max(1, (self.size.width + GAP) // (MIN_CELL_WIDTH + GAP))

    @property
    def cell_width(self) -> int:
        c = self.columns
        return max((self.size.width - GAP * (c - 1)) // c, 1)

    @property
    def visible_rows(self) -> int:
        return max(1, self.size.height // MIN_CELL_HEIGHT)

    @property
    def cell_height(self) -> int:
        return max(self.size.height // self.visible_rows, 1)

    # -- inputs ---------------------------------------------------------------------------------

    def show(
        self, tags: list[str], sources: Callable[[str], list[ChartSource]], options: ChartOptions
    ) -> None:
        current = self.tags[self.selected] if 0 <= self.selected < len(self.tags) else None
        self.tags, self.sources, self.options = tags, sources, options
        if current in tags:
            self.set_reactive(ChartGrid.selected, tags.index(current))
        elif self.selected >= len(tags):
            self.set_reactive(ChartGrid.selected, max(len(tags) - 1, 0))
        self._keep_visible()
        self.repaint_if_changed()

    def select_tag(self, tag: str) -> None:
        if tag in self.tags:
            self.selected = self.tags.index(tag)

    @property
    def selected_tag(self) -> str | None:
        return self.tags[self.selected] if 0 <= self.selected < len(self.tags) else None

    def _visible_tags(self) -> list[str]:
        first = self.top_row * self.columns
        return self.tags[first : first + self.visible_rows * self.columns]

    def frame_key(self) -> tuple:
        parts = []
        for tag in self._visible_tags():
            parts.append((tag, tuple(s.key for s in self.sources(tag))))
        return (tuple(parts), self.options, self.selected, self.top_row)

    # -- drawing --------------------------------------------------------------------------------

    def paint(self, width: int, height: int) -> list[Text]:
        if not self.tags:
            return message_lines(width, height, "No scalar tags match")
        cols, cw, ch = self.columns, self.cell_width, self.cell_height
        lines: list[Text] = []
        tags = self._visible_tags()
        first = self.top_row * cols
        for r in range(0, len(tags), cols):
            blocks = []
            for c, tag in enumerate(tags[r : r + cols]):
                sources = self.sources(tag)
                cell_key = (tag, tuple(s.key for s in sources), self.options, cw, ch)
                chart_lines = self._cells.get(cell_key)
                if chart_lines is None:
                    chart, _, _ = build_chart(
                        tag, sources, self.options, cw, ch, cache=self.cache, show_legend=False, readout=False
                    )
                    chart_lines = self._cells.put(cell_key, chart.lines)
                block = list(chart_lines)
                title = SafeText(f" {tag or EMPTY_NAME} ", no_wrap=True, end="")
                title.truncate(cw, overflow="ellipsis")
                sel = first + r + c == self.selected
                title.stylize(Style(reverse=True, bold=True) if sel else Style(bold=True))
                if block:
                    block[0] = title
                blocks.append(block)
            widths = [cw] * len(blocks)
            lines += hstack(blocks, widths, GAP)
        return lines[:height]

    # -- navigation -----------------------------------------------------------------------------

    def _keep_visible(self) -> None:
        """Scroll so the selected cell shows, without leaving empty rows below the last chart."""
        row = self.selected // self.columns
        if row < self.top_row:
            self.top_row = row
        elif row >= self.top_row + self.visible_rows:
            self.top_row = row - self.visible_rows + 1
        total_rows = -(-len(self.tags) // self.columns)
        self.top_row = max(0, min(self.top_row, total_rows - self.visible_rows))

    def watch_selected(self, old: int, new: int) -> None:
        self._keep_visible()
        self.repaint()
        if self.selected_tag is not None:
            self.post_message(self.Selected(self.selected_tag))

    def action_move(self, dx: int, dy: int) -> None:
        if not self.tags:
            return
        i = self.selected + dx + dy * self.columns
        self.selected = min(max(i, 0), len(self.tags) - 1)

    def action_page(self, direction: int) -> None:
        if not self.tags:
            return
        i = self.selected + direction * self.visible_rows * self.columns
        self.selected = min(max(i, 0), len(self.tags) - 1)

    def action_first(self) -> None:
        self.selected = 0

    def action_last(self) -> None:
        self.selected = max(len(self.tags) - 1, 0)

    def action_open(self) -> None:
        if self.selected_tag is not None:
            self.post_message(self.Opened(self.selected_tag))

    def on_click(self, event: events.Click) -> None:
        self.focus()
        offset = event.get_content_offset(self)
        if offset is None:
            return
        col = offset.x // (self.cell_width + GAP)
        row = offset.y // self.cell_height
        i = (self.top_row + row) * self.columns + min(col, self.columns - 1)
        if 0 <= i < len(self.tags):
            self.selected = i
            if event.chain >= 2:
                self.action_open()

    def on_resize(self, event: events.Resize) -> None:
        self._keep_visible()
        super().on_resize(event)
