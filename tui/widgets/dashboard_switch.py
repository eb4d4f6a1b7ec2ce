"""``d``: the dashboard in place of the tabs, and back to the tab that was active.

The dashboard is mounted beside the tabs the first time it is wanted and then shown or hidden; the side
that shows gets the app's current context and the keyboard (unless the runs pane holds it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import TabbedContent

from tui.widgets.dashboard import Dashboard
from tui.widgets.run_list import RunList

if TYPE_CHECKING:
    from tui.app import TbtuiApp

__all__ = ["DashboardSwitch"]


class DashboardSwitch:
    """Whether ``app`` shows the dashboard (``on``) or the tabs, and the swap between them."""

    def __init__(self, app: TbtuiApp, on: bool) -> None:
        self._app = app
        #: The dashboard shows instead of the tabs.
        self.on = on

    @property
    def dashboard(self) -> Dashboard | None:
        """The dashboard, once it has been mounted."""
        return self._app.query_one_optional("#dashboard", Dashboard)

    def _mounted(self) -> Dashboard:
        dash = self.dashboard
        if dash is None:
            dash = Dashboard(id="dashboard", graph_cache=self._app.graph_cache)
            self._app.query_one("#main").mount(dash)
        return dash

    def toggle(self) -> None:
        """The dashboard instead of the tabs, or back; the shown side takes the keyboard."""
        app = self._app
        app.zoom.restore()
        self.show(not self.on)
        if self.on:
            if not isinstance(app.focused, RunList):
                app.call_after_refresh(self.focus)
        else:
            app.call_after_refresh(app.tab_switch.focus_pane)

    def show(self, on: bool) -> None:
        """Swap the tabs for the dashboard (or back) and hand the shown side the current context."""
        app = self._app
        dash = self._mounted()
        if not isinstance(app.focused, RunList):
            app.set_focus(None)  # a focused widget inside the hidden side would keep the keyboard
        self.on = on
        dash.display = on
        app.query_one(TabbedContent).display = not on
        if on:
            dash.context = app.context()
            app.call_after_refresh(self._follow_tabs, dash)
        else:
            app.tab_switch.hand_context()
        app.refresh_bindings()

    def _follow_tabs(self, dash: Dashboard) -> None:
        """Open the dashboard on the tags selected in the Scalars and Histograms tabs."""
        app = self._app
        dash.context = app.context()
        # As the two panes last told the app (a Lazy tab not mounted yet told nothing: None).
        tags = app.view.tab_tags
        dash.follow_tags(tags.get("scalars"), tags.get("histograms"))

    def focus(self) -> None:
        """The dashboard's current panel takes the keyboard (when the dashboard shows)."""
        dash = self.dashboard
        if dash is not None and self.on:
            dash.focus_panel(dash.current)
