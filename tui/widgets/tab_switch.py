"""Which tab shows, which tabs the tab bar lists, and which widget of the shown tab has the keyboard.

The app composes one ``TabPane`` per :data:`~tui.widgets.tabs.TABS` entry in a ``TabbedContent``; this
switches between them (number keys, the palette), lets a tab join the bar once loaded data is for it,
labels the tabs for the screen's width and hands the keyboard to the shown pane. The rules (titles, who
joins when) are in :mod:`tui.widgets.tabs`; this applies them to the widgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import messages
from textual.screen import Screen
from textual.widgets import TabbedContent, Tabs

from tui.model.plugins import active_dashboards
from tui.widgets.pane import Pane
from tui.widgets.run_list import RunList
from tui.widgets.tabs import SHORT_TABS, TABS, joining, tab_labels

if TYPE_CHECKING:
    from tui.app import TbtuiApp

__all__ = ["TabSwitch", "paint_whole"]


def paint_whole(screen: Screen) -> None:
    """Lay ``screen`` out and paint all of it in its next update: what a tab switch changes shows at once.

    Textual hears of each widget's change from a message the widget posts when its own queue is
    idle, and updates the screen as soon as the first of them arrive. A switch changes the focus,
    the key bar, the tab bar's title and which pane shows: the screen painted the focus and the key
    bar first, the new pane one update later and its title in the tab bar after that, each update a
    render of ~15-30 ms with 2,000 runs: the tab showed ~110 ms after its key. Asked for here, the
    layout and one repaint of the whole screen come in the first update; the widgets' own messages,
    arriving after it, repaint their regions as they already show (the terminal sees no change).
    """
    screen.refresh(layout=True)
    # The screen among the widgets to paint before the layout, so the update after it is the whole
    # screen (not the regions the layout moved, then the rest in a second pass).
    screen.post_message(messages.Update(screen))


class TabSwitch:
    """The tabs of ``app``: the shown one, the hidden ones and the keyboard's place among them."""

    def __init__(self, app: TbtuiApp) -> None:
        self._app = app
        #: Tabs out of the tab bar because no loaded run has their data (their keys still work).
        self.hidden: set[str] = {spec.id for spec in TABS if spec.needs}
        #: The logdir state the bar was last checked against (see :meth:`join_active`).
        self._checked: tuple | None = None
        #: Dashboards found active so far, and how many runs there were when the disk was last looked at.
        self._active: set[str] = set()
        self._files_looked = -1
        #: The screen width the labels were last fitted to (see :meth:`label`).
        self._width: int | None = None

    @property
    def _tabs(self) -> TabbedContent:
        return self._app.query_one(TabbedContent)

    @property
    def active_pane(self) -> Pane | None:
        """The shown tab's pane, once it is mounted (a Lazy tab mounts after the first screen)."""
        tabs = self._app.query_one_optional(TabbedContent)
        if tabs is None:  # the app is closing (its widgets are going) and a pane's message came late
            return None
        active = tabs.active
        pane = self._app.panes.get(active) if active else None
        return pane if pane is not None and pane.is_mounted else None

    def mounted(self) -> None:
        """The tab bar as it starts: tabs without data out of it, and out of the Tab key's way (number
        keys switch tabs; the bar is for the mouse)."""
        tabs = self._tabs
        for tab in self.hidden:
            tabs.hide_tab(tab)
        bar = tabs.query_one(Tabs)
        bar.can_focus = False
        # Labels fitted after a terminal's resize could measure the bar between two layouts (the runs
        # pane back, the screen still narrow): from 80 columns to 120 it kept the bare numbers. The
        # bar's own size, once it settles, fits them again.
        self._app.watch(bar, "virtual_size", lambda _size: self.fit_labels(), init=False)

    def label(self, width: int) -> None:
        """Label the tabs for a screen ``width`` wide, once the tab bar is laid out at that width."""
        self._width = width
        self._app.call_after_refresh(self.fit_labels)

    def fit_labels(self) -> None:
        """Tab labels for the room the tab bar has once laid out (beside the runs pane or not)."""
        app, tabs = self._app, self._tabs
        room = tabs.query_one(Tabs).size.width or app.size.width
        labels = tab_labels(self._width or app.size.width, room, self.hidden, tabs.active)
        full = all(labels[spec.id].endswith(spec.title) for spec in TABS)
        tabs.set_class(not full, SHORT_TABS)
        for tab, label in labels.items():
            if tabs.get_tab(tab).label.plain != label:
                tabs.get_tab(tab).label = label

    def _show_tab(self, tab: str) -> None:
        self.hidden.discard(tab)
        self._tabs.show_tab(tab)
        self._app.screen_fit.apply(self._app.size.width)

    def join_active(self) -> None:
        """Tabs whose dashboards have data join the tab bar (as TensorBoard lists active plugins);
        the others stay out of it, but their keys and palette commands still open them."""
        logdir = self._app.logdir
        key = (id(logdir), logdir.generation)
        if key == self._checked:
            return
        self._checked = key
        # The projector's config is a file beside the event files: one stat per run. During the
        # first pass it is looked for when runs come or go, not on each slice the loader reads
        # (2,000 stats, 30 ms of the UI thread, every quarter of a second); then on each change.
        runs = logdir.runs
        look = self._files_looked != len(runs) or not self._app.load_state.history
        self._files_looked = len(runs)
        self._active = active_dashboards(runs, logdir.path if look else None, known=self._active)
        for tab in joining(self.hidden, self._active):
            self._show_tab(tab)

    def switch(self, index: int) -> None:
        """Show tab ``index`` from anywhere (the dashboard too), and put the keyboard in it.

        Focus is released first: a focused widget inside the old tab would otherwise keep the
        old tab active (Textual follows focus). Then the new pane's first focusable widget takes
        it, so the tab's own keys work at once; Tab / shift+Tab still reach the runs pane.
        """
        if not 0 <= index < len(TABS):
            return
        app, tab = self._app, TABS[index].id
        app.zoom.restore()  # the zoom hid the other tabs
        tabs = self._tabs
        if app.dashboard_on:  # a number key leaves the dashboard for that tab
            app.dashboard_switch.show(False)
            if tabs.active == tab:
                app.call_after_refresh(self.focus_pane)
                return
        elif tabs.active == tab:
            return
        with app.batch_update():
            app.set_focus(None)
            if tab in self.hidden:  # asked for by key or palette: it shows what is missing
                self._show_tab(tab)
            tabs.active = tab
            self.hand_context()
            self.focus_pane()
        paint_whole(app.screen_stack[0])

    def hand_context(self) -> None:
        """The shown pane draws from the app's current context."""
        pane = self.active_pane
        if pane is not None:
            pane.context = self._app.context()

    def focus_pane(self) -> None:
        """The active pane's first focusable widget takes the keyboard, or, while the pane has none
        yet (the graph is parsed in a worker), the runs pane until the pane says it is ready."""
        pane = self.active_pane
        if pane is None:
            return
        app = self._app
        # The focus chain holds only widgets that show (a displayed input in a hidden bar is not one).
        # A text field is never chosen: it would take the number keys, and 1-7 would stop switching
        # tabs (Tab, a click or the pane's own key reaches it).
        target = next(
            (w for w in pane.screen.focus_chain if pane in w.ancestors and not w.check_consume_key("1", "1")),
            None,
        )
        if target is not None:
            target.focus()
        else:
            app.query_one(RunList).focus()

    def pane_ready(self, pane: Pane) -> None:
        """A pane that had nothing to focus has content now: give it the keyboard if it is still wanted."""
        app = self._app
        if pane is self.active_pane and not app.dashboard_on and isinstance(app.focused, RunList):
            self.focus_pane()
