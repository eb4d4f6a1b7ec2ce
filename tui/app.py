"""TbtuiApp: composes the runs pane, the tabs, the dashboard and the status bar, and routes messages.

What the user has chosen lives in a :class:`~tui.views.state.ViewState`; the loader thread
(:class:`~tui.widgets.loading.LoadState`) reads the logdir and posts ``LogdirChanged``; the push timer
(tui/widgets/push_timer.py) decides when the screen catches up. Data flows one way:

    Loader thread ── slice by slice ──> LogdirChanged ──> throttle ──> runs pane, status, active tab

A push hands the active tab one immutable PaneContext (protocol: tui/widgets/pane.py); tabs reach the
app only through messages. The loader never touches widgets and the UI thread never reads files.
Nothing is pushed while nothing changed, and widgets compare what they would draw with what they
drew, so an idle tbtui writes nothing to the terminal. What the app does besides composing and routing
has a module each in tui/widgets: app_keys, tab_switch, dashboard_switch, screen_fit, push_timer, exports.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.filter import LineFilter
from textual.screen import Screen
from textual.widgets import TabbedContent, TabPane
from textual.worker import get_current_worker

from tui.model.cache import ReadCache
from tui.model.loader import SLICE_BYTES
from tui.model.logdir import Logdir
from tui.model.storage import RemoteStorage
from tui.render.palette import palette_for
from tui.views.cache import LruCache
from tui.views.chart_options import ChartOptions
from tui.views.first_screen import Memory
from tui.views.state import ViewState
from tui.widgets.app_keys import APP_KEYS
from tui.widgets.ascii_lines import AsciiLines
from tui.widgets.commands import app_commands, textual_commands
from tui.widgets.dashboard import Dashboard
from tui.widgets.dashboard_switch import DashboardSwitch
from tui.widgets.exports import FileExports
from tui.widgets.filter_input import FilterBar
from tui.widgets.gc_pause import PAUSE_SECONDS, GcPause
from tui.widgets.graph_pane import CACHE_SIZE as GRAPH_CACHE_SIZE
from tui.widgets.graph_pane import GraphPane, ParsedGraph
from tui.widgets.help_screen import toggle_help
from tui.widgets.inert_lines import InertLines
from tui.widgets.key_bar import KeyBar
from tui.widgets.loading import LoaderState, LoadState, LogdirChanged, StorageNotice
from tui.widgets.pane import LazyPane, Pane
from tui.widgets.push_timer import PushTimer
from tui.widgets.run_list import RunList
from tui.widgets.scalar_chart import ScalarChart
from tui.widgets.scalars_pane import ScalarsPane
from tui.widgets.screen_fit import ScreenFit
from tui.widgets.status_bar import StatusBar
from tui.widgets.tab_switch import TabSwitch
from tui.widgets.tabs import TABS, TabSpec
from tui.widgets.theme import fit_theme_to_terminal, without_colour
from tui.widgets.zoom import Zoom

__all__ = ["TABS", "TbtuiApp"]


class TbtuiApp(App[int]):
    """TensorBoard's dashboards for one logdir, in the terminal."""

    CSS_PATH = "tbtui.tcss"
    TITLE = "tbtui"

    BINDINGS: ClassVar[list[BindingType]] = list(APP_KEYS)

    def __init__(
        self,
        logdir: str,
        *,
        runs: str = "",
        tags: str = "",
        smoothing: float | None = None,
        x_mode: str | None = None,
        open_tag: str | None = None,
        remember: bool = False,
        poll: float | None = None,
        check_crc: bool = True,
        slice_bytes: int = SLICE_BYTES,
        layout: str = "tabs",
        storage: RemoteStorage | None = None,
        cache: bool = False,
        ascii: bool = False,
    ) -> None:
        super().__init__()
        fit_theme_to_terminal(self)  # a calm accent on 16 colours (Textual's orange turns red there)
        #: Charts, lists and the status line are drawn in ASCII glyphs (tui.render.glyphs).
        self.ascii = ascii
        self.logdir_path = logdir
        # The reopen cache (``tbtui LOGDIR`` turns it on unless --no-cache): runs start from what the
        # last open read, and the loader writes back what it read once the first pass is done.
        reads = ReadCache() if cache else None
        self.logdir = Logdir(logdir, check_crc=check_crc, storage=storage, cache=reads)
        #: The user's choices for this logdir, restored and kept across sessions.
        self.memory = Memory(logdir, enabled=remember)
        last = self.memory.last
        # Run colours chosen for the colours this terminal has (16-colour terminals get the ANSI set).
        self.view = ViewState.opening(
            palette_for(self.console.color_system),
            last,
            runs=runs,
            tags=tags,
            smoothing=smoothing,
            x_mode=x_mode,
        )
        self.load_state = LoadState(self.logdir, self.post_message, poll=poll, slice_bytes=slice_bytes)
        self.loader = self.load_state.loader
        self.push_timer = PushTimer(self)
        #: Published (with the app) each time the app becomes settled: see :attr:`is_settled`.
        self.settled_signal = self.push_timer.signal
        #: Parsed graphs, shared by the Graph tab and the dashboard's graph panel.
        self.graph_cache: LruCache[tuple[str, str], ParsedGraph] = LruCache(GRAPH_CACHE_SIZE)
        self.panes: dict[str, Pane] = {spec.id: self._make_pane(spec) for spec in TABS}
        self.scalars_pane.initial_tag = self.view.wanted_tag = open_tag or last.tag
        self.tab_switch = TabSwitch(self)
        #: ``d``: the dashboard in place of the tabs; it is mounted the first time it is needed.
        self.dashboard_switch = DashboardSwitch(self, layout == "dashboard")
        self.zoom = Zoom()
        self.screen_fit = ScreenFit(self)
        #: The first uncaught error, if one ended the app: `tui.launch.run_app` raises it after the terminal
        #: is restored, so the command line reports it (one line, the traceback in a file, exit 70).
        self.crash: Exception | None = None
        self._inert_lines = InertLines()
        self._ascii_lines = [AsciiLines()] if ascii else []
        #: The garbage collector kept out of a key's answer (see tui/widgets/gc_pause.py).
        self.gc_pause = GcPause()
        self.exports = FileExports(self, logdir)

    @property
    def scalars_pane(self) -> ScalarsPane:
        pane = self.panes["scalars"]
        assert isinstance(pane, ScalarsPane)
        return pane

    def _make_pane(self, spec: TabSpec) -> Pane:
        if spec.pane is GraphPane:
            return GraphPane(id=f"pane-{spec.id}", cache=self.graph_cache)
        return spec.pane(id=f"pane-{spec.id}")

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters (colour, NO_COLOR) after the terminal boundary: no control character
        from any widget reaches the terminal (see tui/widgets/inert_lines.py); in ASCII mode no drawing
        glyph (tui/widgets/ascii_lines.py); under NO_COLOR no colour either (see tui/widgets/theme.py)."""
        return [self._inert_lines, *self._ascii_lines, *without_colour(super().get_line_filters())]

    @property
    def loader_state(self) -> str:
        """What the status bar says of the load (tui.widgets.loading.LoadState.state)."""
        return self.load_state.state

    @property
    def is_settled(self) -> bool:
        """The first pass has read everything and the screen shows it: nothing waits to be drawn.

        Tests and benchmarks wait for this (or subscribe to :attr:`settled_signal`) instead of
        sleeping.
        """
        return self.push_timer.settled

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield RunList(id="runs")
            with Vertical(id="main"):
                yield FilterBar(self.view.run_regex, self.view.tag_regex, id="filter")
                with TabbedContent(id="tabs"):
                    # The first tab draws at once; the others mount just after the first screen
                    # (LazyPane), which shows about half a second sooner for it (a pane is only handed
                    # a context once it is the active one).
                    for n, spec in enumerate(TABS, start=1):
                        with TabPane(f"{n % 10} {spec.title}", id=spec.id):
                            pane = self.panes[spec.id]
                            yield pane if n == 1 else LazyPane(pane)
        yield StatusBar(id="status")
        yield KeyBar(id="keys")  # not Textual's Footer: it leaks its keys on every focus change

    def on_mount(self) -> None:
        self.query_one(RunList).border_title = "Runs"
        self.tab_switch.mounted()
        self.query_one(FilterBar).set_class(bool(self.view.run_regex or self.view.tag_regex), "-set")
        self.query_one(RunList).focus()
        self.screen_fit.apply(self.size.width)  # a narrow screen hides the runs pane: the tab takes the keys
        if self.dashboard_on:
            self.dashboard_switch.show(True)
        self.push()
        self.push_timer.start()
        self.load()

    def on_resize(self, event) -> None:
        self.screen_fit.apply(event.size.width)

    @property
    def collapsed(self) -> bool:
        """The side panes are collapsed (tui/widgets/screen_fit.py)."""
        return self.screen_fit.collapsed

    # -- loader (a thread: never on the event loop) ---------------------------------------------

    @work(thread=True, exclusive=True, group="loader", name="loader")
    def load(self) -> None:
        worker = get_current_worker()
        self.loader.run(lambda: worker.is_cancelled)

    def on_logdir_changed(self, message: LogdirChanged) -> None:
        self.load_state.changed(message)
        self.push_timer.schedule()

    def on_storage_notice(self, message: StorageNotice) -> None:
        self.load_state.storage_notice = message.text
        self.push_timer.schedule()  # through the push timer: it knows when the status bar is there

    def on_loader_state(self, message: LoaderState) -> None:
        self.load_state.state = message.state
        self.update_status()
        self.push_timer.check_settled()

    # -- state -> widgets -----------------------------------------------------------------------

    def context(self):
        return self.view.context(self.logdir, loading=self.load_state.history)

    @property
    def active_pane(self) -> Pane | None:
        """The shown tab's pane, once mounted (see tui/widgets/tab_switch.py)."""
        return self.tab_switch.active_pane

    @property
    def hidden_tabs(self) -> set[str]:
        """Tabs out of the tab bar: no loaded run has their data (their keys still work)."""
        return self.tab_switch.hidden

    @property
    def dashboard_on(self) -> bool:
        """The dashboard shows in place of the tabs (tui/widgets/dashboard_switch.py)."""
        return self.dashboard_switch.on

    @property
    def dashboard(self) -> Dashboard | None:
        return self.dashboard_switch.dashboard

    def on_pane_tag_shown(self, event: Pane.TagShown) -> None:
        tab = next((tab for tab, pane in self.panes.items() if pane is event.pane), None)
        if tab is not None:
            self.view.tab_tags[tab] = event.tag
            if tab == "scalars":
                self.view.wanted_tag = event.wanted

    def on_pane_mounted(self, event: Pane.Mounted) -> None:
        with contextlib.suppress(NoMatches):  # (the app may be closing: its widgets are going)
            if event.pane.context is None and event.pane is self.active_pane:
                self.push()
        self.push_timer.check_settled()  # the last Lazy tab may be what the app was waiting for

    def push(self) -> None:
        """Hand the current state to the runs pane, the status bar and the active tab.

        The loader stands aside until the frame is drawn (``Loader.stand_aside``): the push and
        its frame take the UI thread's turn for the GIL whole, and a key pressed meanwhile waits
        for them, not for them and the reading both."""
        self.loader.stand_aside()
        self.call_after_refresh(self.loader.carry_on)
        run_list = self.show_runs()
        # The runs pane's cursor is the focused run. Taken now when the new rows moved it (the filter
        # left its run out): the RunList.Focused it posted arrives after this push's frame, and
        # handed the tab a second context and redrew the status bar a frame later.
        self.view.focused_run = run_list.current_run
        self.tab_switch.join_active()
        pane = self.dashboard if self.dashboard_on else self.active_pane
        if pane is not None:
            pane.context = self.context()
        self.update_status()
        self.logdir.read_first(self.view.read_order(self.logdir, run_list.on_screen()))
        self._save_choices()
        if self.load_state.history:
            self.gc_pause.hold_pass()  # what the first pass made so far: walked by no collection
        self.push_timer.pushed(with_data=any(r.scalars for r in self.logdir.runs.values()))

    def show_runs(self) -> RunList:
        """The runs pane's rows from the view state (it redraws only what changed)."""
        run_list = self.query_one(RunList)
        run_list.set_rows(self.view.rows(self.logdir, loading=self.load_state.history))
        return run_list

    def _save_choices(self) -> None:
        """Keep the tag, smoothing, hidden runs and x mode for the next open of this logdir (in the
        user's cache directory; written only when one of them changed)."""
        self.memory.keep(self.view.remembered())

    def update_status(self) -> None:
        bar = self.query_one_optional(StatusBar)
        if bar is None:  # the app is closing: a pane's last notice has nowhere to go
            return
        bar.set_info(
            self.view.status(
                self.logdir,
                self.logdir_path,
                self.load_state.state,
                reason=self.loader.reason,
                updated=self.load_state.updated,
                fault=self.load_state.fault,
            )
        )

    # -- events from widgets --------------------------------------------------------------------

    def on_run_list_toggled(self, event: RunList.Toggled) -> None:
        self.view.toggle_run(event.run)
        self.push()

    def on_run_list_focused(self, event: RunList.Focused) -> None:
        if event.run != self.view.focused_run:
            self.view.focused_run = event.run
            self.push_focus()

    def push_focus(self) -> None:
        """What moving in the runs pane changes: the focused run's sparklines and notice, and what the
        loader reads first. The data stays as last pushed (the push timer brings what is new): in
        the first pass over 2,000 runs, a full push after ``j`` made every run read since the last
        push into rows, tags and charts on the key's time, most of a key's 100-200 ms."""
        pane = self.dashboard if self.dashboard_on else self.active_pane
        if pane is not None:
            ctx = pane.context
            pane.context = self.context() if ctx is None else replace(ctx, focused_run=self.view.focused_run)
        self.update_status()
        self.logdir.read_first(self.view.read_order(self.logdir, self.query_one(RunList).on_screen()))
        self._save_choices()

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.tab_switch.fit_labels()  # where only the number keys fit, the active tab keeps its title
        if not self.dashboard_on:
            self.tab_switch.hand_context()

    def on_filter_bar_changed(self, event: FilterBar.Changed) -> None:
        self.view.run_regex, self.view.tag_regex = event.runs, event.tags
        self.push()

    def on_filter_bar_done(self, event: FilterBar.Done) -> None:
        if self.collapsed:
            self.tab_switch.focus_pane()
        else:
            self.query_one(RunList).focus()

    @on(Pane.Notice)
    def _notice(self, event: Pane.Notice) -> None:
        self.show_notice(event.text)

    @on(Pane.ShowOnly)
    def _show_only(self, event: Pane.ShowOnly) -> None:
        """Show only the runs a pane picked (the HParams table: its runs and their sub-runs) in every tab."""
        self.view.show_only(self.logdir, event.runs)
        self.view.notice = f"showing only {len(set(event.runs))} run(s) chosen in {event.source}; a shows all"
        self.push()

    @on(Pane.FocusRun)
    def _focus_run(self, event: Pane.FocusRun) -> None:
        self.query_one(RunList).select_run(event.run)

    # -- files: screenshots and CSV (tui/widgets/exports.py) -------------------------------------

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """``P`` and the palette's Screenshot: an SVG of the screen in the current directory (Textual's
        own goes to ~/Downloads, which a training box often lacks), its path in the status bar."""
        self.exports.screenshot(filename, path)
        return None

    @on(ScalarChart.Export)
    def _export_chart(self, event: ScalarChart.Export) -> None:
        """``e`` on a chart: its runs' series as CSV, the path in the status bar."""
        self.exports.chart_csv(event.tag, event.sources)

    def show_notice(self, text: str) -> None:
        """A line in the status bar until the next notice."""
        self.view.notice = text
        self.update_status()

    # -- actions --------------------------------------------------------------------------------

    def action_help(self) -> None:
        toggle_help(self)

    def action_zoom(self) -> None:
        """``z``: zoom the focused pane, or show a narrow screen's side panes (tui/widgets/screen_fit.py)."""
        self.screen_fit.zoom()

    def on_key(self, event: events.Key) -> None:
        """A key that came up to the app: the filter bar's late keys are text, not commands (this
        handler runs before Textual's own, which checks the bindings unless the default is
        prevented)."""
        try:
            bar = self.query_one(FilterBar)
        except NoMatches:  # another screen (the help) is on top, or the app is closing
            return
        if bar.take_late_key(event):
            event.prevent_default()
            event.stop()

    def action_filter(self) -> None:
        self.query_one(FilterBar).open("runs" if isinstance(self.focused, RunList) else "tags")

    def action_toggle_pause(self) -> None:
        self.view.paused = not self.view.paused
        if self.view.paused:
            self.loader.pause()
        else:
            self.loader.resume()
        self.push()

    def _set_options(self, options: ChartOptions) -> None:
        """Every chart drawn with new switches (a new value: the panes see it in their next context)."""
        self.view.options = options
        self.push()

    def action_smoothing(self, direction: int) -> None:
        self._set_options(self.view.options.step_smoothing(direction))

    def set_smoothing(self, value: float) -> None:
        self._set_options(self.view.options.with_smoothing(value))

    def action_cycle_x(self) -> None:
        self._set_options(self.view.options.next_x_mode())

    def set_x_mode(self, mode: str) -> None:
        self._set_options(replace(self.view.options, x_mode=mode))

    def action_toggle_log_y(self) -> None:
        self._set_options(replace(self.view.options, log_y=not self.view.options.log_y))

    def action_toggle_outliers(self) -> None:
        options = self.view.options
        self._set_options(replace(options, ignore_outliers=not options.ignore_outliers))

    def action_only_focused_run(self) -> None:
        if self.view.focused_run is None:
            return
        self.view.show_only(self.logdir, [self.view.focused_run])
        self.push()

    def action_all_runs(self) -> None:
        self.view.show_all()
        self.push()

    def action_tab(self, index: int) -> None:
        """Number keys: tab ``index``, from anywhere (tui/widgets/tab_switch.py)."""
        self.tab_switch.switch(index)

    @on(Pane.Ready)
    def _pane_ready(self, event: Pane.Ready) -> None:
        self.tab_switch.pane_ready(event.pane)

    def action_toggle_dashboard(self) -> None:
        """``d``: the dashboard instead of the tabs, and back to the tab that was active."""
        self.dashboard_switch.toggle()

    # -- command palette ------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from textual_commands(super().get_system_commands(screen))
        yield from app_commands(self)

    # -- shutdown -------------------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        """A key or a click: no garbage collection until its answer is drawn (tui/widgets/gc_pause.py),
        and the loader stands aside meanwhile (``Loader.hold``)."""
        if isinstance(event, events.Key | events.MouseDown):
            self.loader.hold()
            if self.gc_pause.pause():
                self.set_timer(PAUSE_SECONDS, self.gc_pause.resume, name="gc-resume")
        await super().on_event(event)

    def on_unmount(self) -> None:
        self.gc_pause.close()
        with contextlib.suppress(NoMatches):
            self._save_choices()
        self.loader.close()

    def _handle_exception(self, error: Exception) -> None:
        """An uncaught error ends the app as Textual ends it, but is kept for `tui.launch.run_app` instead
        of printed: Textual's printout is a screenful of traceback with local variables (log text
        among them) and, worse, the process would still exit 0."""
        if self.crash is None:
            self.crash = error
        super()._handle_exception(error)
        self._exit_renderables.clear()
