"""The status bar: logdir, runs, points, live state, last update, smoothing, x axis; plus a notice line.

It shows the time of the last update rather than "3 s ago": a ticking age would redraw the screen
every second while nothing happens, and an idle tbtui writes nothing to the terminal. A new status
repaints only the cells whose text changed (the clock, the point count): it is a
:class:`~tui.widgets.line_widget.LineWidget`.
"""

from __future__ import annotations

import os
import time

from rich.text import Text

from tui.render.cells import fit
from tui.render.rows import status_line
from tui.render.ticks import format_number
from tui.views.state import StatusInfo
from tui.widgets.line_widget import LineWidget

__all__ = ["StatusBar"]

#: The state word's style ("loading 40%", "starting": cyan); idle is plain, nothing to look at.
STATE_STYLES = {"paused": "bold yellow", "live": "bold green", "stalled": "bold yellow", "idle": ""}


class StatusBar(LineWidget):
    """One status line, and a second one for a notice (a damaged file, a pane's message)."""

    # Selectors name this widget themselves (some under ``Screen.-narrow``), so they are not scoped.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        padding: 0 1;
    }

    StatusBar.-notice {
        height: 2;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.info = StatusInfo()

    def set_info(self, info: StatusInfo) -> None:
        if info == self.info:
            return
        had_notice = bool(self.info.notice)
        self.info = info
        self.set_class(bool(info.notice), "-notice")
        if had_notice != bool(info.notice):
            self.refresh(layout=True)
        else:
            self.repaint()

    def frame_key(self) -> StatusInfo:
        return self.info

    def paint(self, width: int, height: int) -> list[Text]:
        lines = list(self.render().split("\n", allow_blank=True))
        lines += [Text("")] * (height - len(lines))
        return [fit(line, width) for line in lines[:height]]

    def render(self) -> Text:
        """The status (and the notice on a second line), as text."""
        i = self.info
        w = self.size.width
        line = None
        for parts in (self._parts(i, compact=False), self._parts(i, compact=True)):
            needed = len(status_line(parts, 10_000).plain.rstrip())
            if needed + len(" ? help") <= w:
                line = status_line(parts, w, right="? help")
                break
        if line is None:
            line = status_line(parts, w)
        if not i.notice:
            return line
        notice = Text(i.notice, style="yellow", no_wrap=True, end="")
        fit(notice, w, overflow="ellipsis")
        return Text("\n").join([line, notice])

    @staticmethod
    def _parts(i: StatusInfo, *, compact: bool) -> list[tuple[str, str]]:
        """The full status, or a compact one for narrow terminals (80 columns)."""
        state_style = STATE_STYLES.get(i.state.split()[0], "cyan")
        updated = time.strftime("%H:%M:%S", time.localtime(i.updated)) if i.updated else "–"
        o = i.options
        axis = f"x {o.x_mode}" + (" · log y" if o.log_y else "")
        axis += " · no outliers" if o.ignore_outliers else ""
        if compact:
            return [
                (os.path.basename(os.path.normpath(i.logdir)) or i.logdir, "bold"),
                (f"{i.runs_shown}/{i.runs_total} runs", ""),
                (i.state, state_style),
                (updated, "dim"),
                (f"sm {o.smoothing:g}", ""),
                (axis, ""),
            ]
        return [
            (i.logdir, "bold"),
            (f"runs {i.runs_shown}/{i.runs_total}", ""),
            (f"{format_number(i.points, 3)} pts", ""),
            (i.state, state_style),
            (f"updated {updated}", "dim"),
            (f"smoothing {o.smoothing:g}", ""),
            (axis, ""),
        ]
