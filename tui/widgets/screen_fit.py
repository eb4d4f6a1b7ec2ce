"""The layout fitted to the screen's width: short tab titles and a narrow runs pane below
:data:`~tui.widgets.tabs.NARROW` columns, a wide runs pane from :data:`WIDE`, the side panes collapsed
below :data:`~tui.widgets.zoom.COLLAPSE`, and ``z``, which zooms the focused pane or, on a narrow
screen, shows the collapsed side panes.

Everything here is a class on the screen (``-narrow``, ``-wide``, ``-collapsed``) that tui/tbtui.tcss
styles, the tab labels, and where the keyboard goes when the widget holding it is collapsed away.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

from tui.widgets.filter_input import FilterBar
from tui.widgets.key_bar import KeyBar
from tui.widgets.status_bar import StatusBar
from tui.widgets.tabs import NARROW
from tui.widgets.zoom import COLLAPSE

if TYPE_CHECKING:
    from tui.app import TbtuiApp

__all__ = ["WIDE", "ScreenFit"]

#: Width from which the runs pane is wider (48 cells, not 32): a sweep's run names
#: (``sweep/run_00/1796048658.0619547``) are cut in the middle at 32 even with 130 columns to spare.
WIDE = 200


class ScreenFit:
    """Fits ``app``'s layout to the width it was last given."""

    def __init__(self, app: TbtuiApp) -> None:
        self._app = app
        #: The width the layout was last fitted to (see :attr:`collapsed`).
        self._width: int | None = None

    @property
    def collapsed(self) -> bool:
        """The side panes are collapsed: a narrow screen, and ``z`` has not shown them.

        The width is the one :meth:`apply` was last given: while the app handles a Resize,
        ``app.size`` still holds the old size (going from 120 to 80 columns kept the side panes).
        """
        return self._app.zoom.collapsed(self._width or self._app.size.width)

    @property
    def _screen(self) -> Screen:
        """The app's own screen, under the help or the palette when one is open (a resize while the
        help was open fitted the help, and the app came back laid out for the old width)."""
        return self._app.screen_stack[0]

    def apply(self, width: int) -> None:
        """Fit the layout to a screen ``width`` columns wide."""
        self._width = width
        screen = self._screen
        screen.set_class(width < NARROW, "-narrow")
        screen.set_class(width >= WIDE, "-wide")
        self._collapse()
        self._app.tab_switch.label(width)

    def _collapse(self) -> None:
        """Collapse the side panes on a narrow screen (or show them); the keyboard leaves a hidden one."""
        collapsed = self.collapsed
        self._screen.set_class(collapsed, "-collapsed")
        if collapsed:
            self._app.call_after_refresh(self._leave_collapsed)

    def _leave_collapsed(self) -> None:
        app = self._app
        focused = self._screen.focused  # the help may be on top: the keys come back here after it
        if self.collapsed and (focused is None or focused.id in ("runs", "tags")):
            if app.dashboard_on:
                app.dashboard_switch.focus()
            else:
                app.tab_switch.focus_pane()

    def zoom(self) -> None:
        """``z``: the focused pane fills the screen (the status and key bars stay), and back, as
        tmux's zoom. Below :data:`COLLAPSE` columns the side panes are collapsed already: ``z``
        shows them, and hides them again."""
        app = self._app
        zoom = app.zoom
        if zoom.hidden:
            zoom.restore()
        elif app.size.width < COLLAPSE:
            zoom.sides_open = not zoom.sides_open
            self._collapse()
            app.call_after_refresh(app.tab_switch.fit_labels)
        elif app.focused is not None:
            zoom.fill(app.focused, keep=(StatusBar, KeyBar, FilterBar))
