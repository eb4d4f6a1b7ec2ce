"""The runs pane: each run's colour and visibility, last step and a mark when a file is damaged.

The app owns which runs are shown; this widget only draws the rows it is given (see
:meth:`RunList.set_rows`) and reports the user's intent with messages.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message

from tui.render.rows import run_row
from tui.views.safe import Inert
from tui.views.state import RunRow
from tui.widgets.row_list import RowList

__all__ = ["RunList"]


class RunList(RowList):
    """Runs matching the run filter; space toggles one, the cursor picks the focused run."""

    HELP_TITLE = "Runs pane"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space,enter", "toggle", "Toggle run"),
    ]

    class Toggled(Message):
        def __init__(self, run: str) -> None:
            super().__init__()
            self.run = run

    class Focused(Message):
        """The cursor is on ``run`` (None when the list is empty)."""

        def __init__(self, run: str | None) -> None:
            super().__init__()
            self.run = run

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[RunRow] = []

    def set_rows(self, rows: list[RunRow]) -> None:
        """Replace the rows, keeping the cursor on the same run when it is still listed."""
        if rows == self.rows:
            return
        current = self.current_run
        self.rows = rows
        names = [r.name for r in rows]
        if current in names:
            index = names.index(current)
            if index != self.cursor:
                self.set_reactive(RunList.cursor, index)
        self.rows_changed()
        self._scroll_to_cursor()
        if self.current_run != current:
            self.post_message(self.Focused(self.current_run))

    @property
    def current_run(self) -> str | None:
        return self.rows[self.cursor].name if 0 <= self.cursor < len(self.rows) else None

    def on_screen(self) -> list[str]:
        """The runs on the rows the list shows now, top to bottom."""
        top = int(self.scroll_y)
        return [r.name for r in self.rows[top : top + max(self.size.height, 1)]]

    def select_run(self, run: str) -> None:
        for i, r in enumerate(self.rows):
            if r.name == run:
                self.cursor = i
                return

    def row_count(self) -> int:
        return len(self.rows)

    def row_key(self, index: int) -> RunRow:
        return self.rows[index]  # frozen: everything the row shows

    def row_subject(self, index: int) -> str:
        return f"run {Inert(self.rows[index].name)}"

    def render_row(self, index: int, width: int, base: Style) -> Text:
        return run_row(self.rows[index], width, base=base)

    def watch_cursor(self, old: int, new: int) -> None:
        super().watch_cursor(old, new)
        self.post_message(self.Focused(self.current_run))

    def row_clicked(self, index: int, x: int) -> None:
        if x < 2:  # the colour mark is the toggle
            self.post_message(self.Toggled(self.rows[index].name))

    def action_toggle(self) -> None:
        if self.current_run is not None:
            self.post_message(self.Toggled(self.current_run))
