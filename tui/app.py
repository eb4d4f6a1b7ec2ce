"""TbtuiApp: the runs pane, the tabs, the status bar; the loader thread and the live change feed.

State shared by every tab (visible runs, filters, smoothing, x axis...) lives here and reaches the
active tab as one immutable PaneContext (protocol: tui/widgets/__init__.py). Data flows one way:

    loader thread ── Logdir.refresh(max_bytes) slice by slice ──> LogdirChanged message
    LogdirChanged ──> mark dirty; at most one push per PUSH_INTERVAL ──> runs pane, status, active tab

The loader never touches widgets and the UI thread never reads files. Nothing is pushed while
nothing changed, and widgets compare what they would draw with what they drew, so an idle tbtui
writes nothing to the terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
import threading
import time
from collections.abc import Iterable
from typing import ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, TabbedContent, TabPane, Tabs
from textual.worker import get_current_worker

from tui.model.logdir import Changes, Logdir
from tui.model.watch import ChangeFeed
from tui.render.chart import color_for
from tui.widgets import TABS
from tui.widgets.dashboard import Dashboard
from tui.widgets.filter_input import FilterBar
from tui.widgets.help_screen import HelpScreen, collect_bindings
from tui.widgets.pane import X_MODES, Pane, PaneContext, compile_filter
from tui.widgets.run_list import RunList, RunRow
from tui.widgets.status_bar import StatusBar, StatusInfo
from tui.widgets.tag_list import TagList

__all__ = ["TbtuiApp", "run"]

#: Smallest gap between two screen updates caused by new data (seconds): a few frames a second.
PUSH_INTERVAL = 0.25
#: Bytes the loader reads before publishing what it has (the first slice decides the first frame).
SLICE_BYTES = 8 << 20
#: Smoothing stops for ``s`` / ``S`` (TensorBoard's slider goes 0 .. 0.999).
SMOOTHING_STOPS = (0.0, 0.3, 0.6, 0.8, 0.9, 0.95, 0.99)
#: Width below which the Scalars tab stacks the tags list over the chart.
NARROW = 110


DASHBOARD_HELP = "Dashboard: chart, histograms and graph of the focused run at once (number keys: tabs)"
#: Start-up layouts (``--layout``).
LAYOUTS = ("tabs", "dashboard")
TAB_KEYS_HELP = "Tab: " + ", ".join(f"{n} {spec.title}" for n, spec in enumerate(TABS, start=1))


class LogdirChanged(Message):
    """Posted by the loader thread after a slice that changed something."""

    def __init__(self, changes: Changes, loading: float | None) -> None:
        super().__init__()
        self.changes = changes
        self.loading = loading  # fraction loaded during the first pass, None once live


class LoaderState(Message):
    """Posted by the loader when its state changes (first pass done, watch mode known)."""

    def __init__(self, state: str) -> None:
        super().__init__()
        self.state = state


class TbtuiApp(App[int]):
    """TensorBoard's dashboards for one logdir, in the terminal."""

    CSS_PATH = "tbtui.tcss"
    TITLE = "tbtui"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help", tooltip="This help: every key"),
        Binding("slash", "filter", "Filter", tooltip="Filter runs and tags by regex (tags ignore case)"),
        Binding("p", "toggle_pause", "Pause", tooltip="Pause / resume live updates (the screen freezes)"),
        Binding(
            "space",
            "toggle_pause",
            "Pause",
            show=False,
            tooltip="Pause / resume (in the runs pane: toggle run)",
        ),
        Binding("s", "smoothing(1)", "Smooth+", tooltip="More smoothing: 0, .3, .6, .8, .9, .95, .99"),
        Binding("S", "smoothing(-1)", "Smooth-", show=False, tooltip="Less smoothing"),
        Binding("x", "cycle_x", "X axis", tooltip="X axis: step, relative time, wall time"),
        Binding("y", "toggle_log_y", "Log y", show=False, tooltip="Logarithmic y axis on/off"),
        Binding(
            "i", "toggle_outliers", "Outliers", show=False, tooltip="Ignore outliers (y from 5th-95th pct)"
        ),
        Binding(
            "o", "only_focused_run", "Only run", show=False, tooltip="Show only the run under the cursor"
        ),
        Binding("a", "all_runs", "All runs", show=False, tooltip="Show all runs"),
        Binding("d", "toggle_dashboard", "Dashboard", tooltip=DASHBOARD_HELP),
        *[
            Binding(str(n), f"tab({n - 1})", spec.title, show=False, tooltip=TAB_KEYS_HELP)
            for n, spec in enumerate(TABS, start=1)
        ],
    ]

    def __init__(
        self,
        logdir: str,
        *,
        runs: str = "",
        tags: str = "",
        smoothing: float = 0.6,
        x_mode: str = "step",
        poll: float | None = None,
        check_crc: bool = True,
        slice_bytes: int = SLICE_BYTES,
        layout: str = "tabs",
    ) -> None:
        super().__init__()
        self.logdir_path = logdir
        self.logdir = Logdir(logdir, check_crc=check_crc)
        self.poll = poll
        self.slice_bytes = slice_bytes
        self.run_regex = runs or ""
        self.tag_regex = tags or ""
        self.smoothing = smoothing
        self.x_mode = x_mode if x_mode in X_MODES else "step"
        self.log_y = False
        self.ignore_outliers = False
        self.paused = False
        self.hidden: set[str] = set()
        self.run_colors: dict[str, str] = {}
        self.focused_run: str | None = None
        self.notice = ""
        self.loader_state = "starting"
        self.updated: float | None = None
        self.feed: ChangeFeed | None = None
        self._read_gate = threading.Event()
        self._read_gate.set()
        self._closing_loader = threading.Event()
        self._dirty = False
        self._push_timer = None
        self._last_push = 0.0
        self.push_count = 0
        #: Wall-clock time of the first push that showed data (benchmarks read it).
        self.first_data_push: float | None = None
        #: The dashboard shows instead of the tabs (``d``); it is mounted the first time it is needed.
        self.dashboard_on = layout == "dashboard"

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield RunList(id="runs")
            with Vertical(id="main"):
                yield FilterBar(self.run_regex, self.tag_regex, id="filter")
                with TabbedContent(id="tabs"):
                    for n, spec in enumerate(TABS, start=1):
                        cls = getattr(importlib.import_module(spec.module), spec.cls)
                        with TabPane(f"{n} {spec.title}", id=spec.id):
                            yield cls(id=f"pane-{spec.id}")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(RunList).border_title = "Runs"
        # The tab bar is for the mouse; keys 1-7 switch tabs, so Tab skips it.
        self.query_one(TabbedContent).query_one(Tabs).can_focus = False
        self.query_one(FilterBar).set_class(bool(self.run_regex or self.tag_regex), "-set")
        self._apply_width(self.size.width)
        self.query_one(RunList).focus()
        if self.dashboard_on:
            self._show_dashboard(True)
        self._push()
        self._last_push = 0.0  # the empty first screen must not delay the first data
        self.load()

    def on_resize(self, event) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        narrow = width < NARROW
        self.screen.set_class(narrow, "-narrow")
        tabs = self.query_one(TabbedContent)
        for n, spec in enumerate(TABS, start=1):
            title = (spec.short or spec.title) if narrow else spec.title
            tabs.get_tab(spec.id).label = f"{n} {title}"

    # -- loader (a thread: never on the event loop) ---------------------------------------------

    @work(thread=True, exclusive=True, group="loader", name="loader")
    def load(self) -> None:
        worker = get_current_worker()
        feed = ChangeFeed(self.logdir_path, poll_interval=self.poll)
        self.feed = feed
        try:
            self._read_available(worker, first=True)
            self.post_message(LoaderState(feed.mode))
            mode = feed.mode
            while not worker.is_cancelled and not self._closing_loader.is_set():
                changed = feed.wait(0.2)
                if feed.mode != mode:
                    mode = feed.mode
                    self.post_message(LoaderState(mode))
                if changed and self._read_gate.is_set():
                    self._read_available(worker, first=False)
        finally:
            feed.close()

    def _read_available(self, worker, *, first: bool) -> None:
        """Read everything there is, one slice at a time, publishing after each slice.

        Progress is judged by the runs' versions as well as ``bytes_read``: the reader prefetches
        the next chunk on another thread, so a slice can ingest records without its own byte count
        moving. Reading stops after two slices in a row that changed nothing and left nothing
        pending.
        """
        logdir = self.logdir
        total = None
        done = 0
        if first:
            logdir.discover()
            total = max(logdir.pending_bytes(), 1)
            self.post_message(LogdirChanged(Changes(new_runs=list(logdir.runs)), 0.0))
        # Walk the tree only when something may have been added, removed or replaced.
        rediscover = not first and logdir.needs_discovery(self.feed.take_changes() if self.feed else None)
        idle_slices = 0
        signature = self._signature()
        # The first slice is one file's first megabyte: enough for a chart, and quick.
        budget = 1 if first else self.slice_bytes
        while not worker.is_cancelled and not self._closing_loader.is_set() and self._read_gate.is_set():
            ch = logdir.refresh(budget, rediscover=rediscover)
            budget = self.slice_bytes
            rediscover = logdir.needs_discovery(set())  # a file found replaced, or a walk put off
            done += ch.bytes_read
            now = self._signature()
            changed = ch.any or now != signature
            signature = now
            if changed:
                loading = min(done / total, 0.999) if total and ch.pending else None
                self.post_message(LogdirChanged(ch, loading))
                if first and self.first_data_push is None:
                    # Let the UI thread take the GIL and draw the first screen before the next slice.
                    self._closing_loader.wait(0.05)
            if changed or ch.bytes_read:
                idle_slices = 0
            elif not ch.pending:
                idle_slices += 1
                if idle_slices >= 2:
                    break
            else:
                idle_slices += 1
                if idle_slices > 200:  # bytes on disk that never become records: stop spinning
                    break
                self._closing_loader.wait(0.005)
        if first:
            self.post_message(LogdirChanged(Changes(), None))

    def _signature(self) -> tuple[int, int]:
        """Changes whenever any run gains data or problems (runs bump ``version`` on each)."""
        runs = self.logdir.runs
        return len(runs), sum(r.version for r in runs.values())

    def on_logdir_changed(self, message: LogdirChanged) -> None:
        if message.loading is not None and message.loading < 1.0:
            self.loader_state = f"loading {message.loading:.0%}"
        elif self.loader_state.startswith(("loading", "starting")):
            self.loader_state = self.feed.mode if self.feed else "live"
        self.updated = time.time() if message.changes.any else self.updated
        self._dirty = True
        self._schedule_push()

    def on_loader_state(self, message: LoaderState) -> None:
        self.loader_state = message.state
        self._update_status()

    def _schedule_push(self) -> None:
        if self._push_timer is not None:
            return
        delay = max(0.01, self._last_push + PUSH_INTERVAL - time.monotonic())
        if self.first_data_push is None:
            delay = 0.01  # nothing drawn yet: show the first data at once
        self._push_timer = self.set_timer(delay, self._timed_push, name="push")

    def _timed_push(self) -> None:
        self._push_timer = None
        # A timer may fire while the app is shutting down or a modal screen (help) is on top;
        # the main screen's widgets are then not queryable, and the push waits for the next one.
        if not self._dirty or self._closing_loader.is_set() or not self.screen_stack:
            return
        if self.screen is not self.screen_stack[0]:
            self._push_timer = self.set_timer(PUSH_INTERVAL, self._timed_push, name="push")
            return
        with contextlib.suppress(NoMatches):  # the screen is being torn down (quit)
            self._push()

    # -- state -> widgets -----------------------------------------------------------------------

    def _matching_runs(self) -> list[str]:
        names = list(self.logdir.runs)
        for name in names:
            if name not in self.run_colors:
                self.run_colors[name] = color_for(len(self.run_colors))
        if not self.run_regex:
            return names
        rx = compile_filter(self.run_regex, False)
        return [n for n in names if rx is not None and rx.search(n)]

    def context(self) -> PaneContext:
        matching = self._matching_runs()
        visible = tuple(n for n in matching if n not in self.hidden)
        return PaneContext(
            logdir=self.logdir,
            generation=self.logdir.generation,
            runs=visible,
            colors=dict(self.run_colors),
            focused_run=self.focused_run,
            run_regex=self.run_regex,
            tag_regex=self.tag_regex,
            smoothing=self.smoothing,
            x_mode=self.x_mode,
            log_y=self.log_y,
            ignore_outliers=self.ignore_outliers,
            paused=self.paused,
        )

    @property
    def active_pane(self) -> Pane | None:
        tabs = self.query_one(TabbedContent)
        if not tabs.active:
            return None
        try:
            return self.query_one(f"#pane-{tabs.active}", Pane)
        except Exception:
            return None

    def _push(self) -> None:
        """Hand the current state to the runs pane, the status bar and the active tab."""
        self._dirty = False
        self._last_push = time.monotonic()
        self.push_count += 1
        runs = self.logdir.runs
        rows = []
        for name in self._matching_runs():
            run = runs.get(name)
            rows.append(
                RunRow(
                    name,
                    self.run_colors[name],
                    name not in self.hidden,
                    run.last_step if run is not None else None,
                    bool(run and run.damaged),
                )
            )
        run_list = self.query_one(RunList)
        run_list.set_rows(rows)
        if self.focused_run is None or self.focused_run not in runs:
            self.focused_run = run_list.current_run
        pane = self.dashboard if self.dashboard_on else self.active_pane
        if pane is not None:
            pane.context = self.context()
        self._update_status()
        if self.first_data_push is None and any(r.scalars for r in runs.values()):
            self.first_data_push = time.time()

    def _update_status(self) -> None:
        runs = self.logdir.runs
        visible = [n for n in self._matching_runs() if n not in self.hidden]
        state = "paused" if self.paused else self.loader_state
        if state == "events":
            state = "live"
        elif state == "polling":
            reason = self.feed.reason if self.feed else ""
            state = f"live (polling{': ' + reason if reason and reason != '--poll' else ''})"
        notice = self.notice
        focused = runs.get(self.focused_run) if self.focused_run else None
        if not notice and focused is not None and focused.damaged:
            problems = focused.problems
            notice = f"! {focused.name}: {problems[0]}" + (
                f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
            )
        absence = self.logdir.absence
        if absence or self.logdir.problems:
            notice = notice or absence or f"! {self.logdir.problems[0]}"
        points = sum(r.point_count() for r in runs.values())
        self.query_one(StatusBar).set_info(
            StatusInfo(
                logdir=self.logdir_path,
                runs_total=len(runs),
                runs_shown=len(visible),
                points=points,
                state=state,
                updated=self.updated,
                smoothing=self.smoothing,
                x_mode=self.x_mode,
                log_y=self.log_y,
                ignore_outliers=self.ignore_outliers,
                notice=notice,
            )
        )

    # -- events from widgets --------------------------------------------------------------------

    def on_run_list_toggled(self, event: RunList.Toggled) -> None:
        self.hidden ^= {event.run}
        self._push()

    def on_run_list_focused(self, event: RunList.Focused) -> None:
        if event.run != self.focused_run:
            self.focused_run = event.run
            self._push()

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if self.dashboard_on:
            return
        pane = self.active_pane
        if pane is not None:
            pane.context = self.context()

    def on_filter_bar_changed(self, event: FilterBar.Changed) -> None:
        self.run_regex, self.tag_regex = event.runs, event.tags
        self._push()

    def on_filter_bar_done(self, event: FilterBar.Done) -> None:
        target = getattr(self, "_focus_before_filter", None)
        if target is not None and target.is_attached:
            target.focus()
        else:
            self.query_one(RunList).focus()

    def on_pane_notice(self, event: Pane.Notice) -> None:
        self.notice = event.text
        self._update_status()

    def on_hparams_pane_show_only(self, event) -> None:  # HParamsPane.ShowOnly
        """Show only the runs picked in the HParams table (and their sub-runs) in every tab."""
        keep = set(event.runs)
        self.hidden = set(self.logdir.runs) - keep
        self.notice = f"showing only {len(keep)} run(s) chosen in HParams; a shows all"
        self._push()
        self._update_status()

    def on_pane_focus_run(self, event: Pane.FocusRun) -> None:
        self.query_one(RunList).select_run(event.run)

    # -- actions --------------------------------------------------------------------------------

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
            return
        extra = [
            ("tab shift+tab", "Next / previous pane (runs, tags, chart)"),
            (self.get_key_display(Binding(self.COMMAND_PALETTE_BINDING, "")), "Command palette"),
            ("mouse", "Click runs (● toggles), tags, tabs; click the chart to place the cursor; wheel zooms"),
        ]
        self.push_screen(HelpScreen(collect_bindings(self, [self.screen], extra)))

    def action_filter(self) -> None:
        bar = self.query_one(FilterBar)
        focused = self.focused
        self._focus_before_filter = focused
        bar.open("runs" if isinstance(focused, RunList) else "tags")

    def action_toggle_pause(self) -> None:
        self.paused = not self.paused
        if self.paused:
            self._read_gate.clear()
        else:
            self._read_gate.set()
            if self.feed is not None:
                self.feed.poke()
        self._push()

    def action_smoothing(self, direction: int) -> None:
        stops = SMOOTHING_STOPS
        if direction > 0:
            nxt = [s for s in stops if s > self.smoothing + 1e-9]
            self.smoothing = nxt[0] if nxt else stops[-1]
        else:
            prv = [s for s in stops if s < self.smoothing - 1e-9]
            self.smoothing = prv[-1] if prv else stops[0]
        self._push()

    def set_smoothing(self, value: float) -> None:
        self.smoothing = min(max(float(value), 0.0), 0.999)
        self._push()

    def action_cycle_x(self) -> None:
        self.x_mode = X_MODES[(X_MODES.index(self.x_mode) + 1) % len(X_MODES)]
        self._push()

    def set_x_mode(self, mode: str) -> None:
        self.x_mode = mode
        self._push()

    def action_toggle_log_y(self) -> None:
        self.log_y = not self.log_y
        self._push()

    def action_toggle_outliers(self) -> None:
        self.ignore_outliers = not self.ignore_outliers
        self._push()

    def action_only_focused_run(self) -> None:
        if self.focused_run is None:
            return
        self.hidden = set(self.logdir.runs) - {self.focused_run}
        self._push()

    def action_all_runs(self) -> None:
        self.hidden = set()
        if self.notice.startswith("showing only"):
            self.notice = ""
            self._update_status()
        self._push()

    def action_tab(self, index: int) -> None:
        """Switch tabs from anywhere, and put the keyboard in the new tab.

        Focus is released first: a focused widget inside the old tab would otherwise keep the
        old tab active (Textual follows focus). Then the new pane's first focusable widget takes
        it, so the tab's own keys work at once; Tab / shift+Tab still reach the runs pane.
        """
        if not 0 <= index < len(TABS):
            return
        tabs = self.query_one(TabbedContent)
        if self.dashboard_on:  # a number key leaves the dashboard for that tab
            self._show_dashboard(False)
            if tabs.active == TABS[index].id:
                self.call_after_refresh(self._focus_active_pane)
                return
        elif tabs.active == TABS[index].id:
            return
        self.set_focus(None)
        tabs.active = TABS[index].id
        self.call_after_refresh(self._focus_active_pane)

    def _focus_active_pane(self, attempt: int = 0) -> None:
        pane = self.active_pane
        if pane is None:
            return
        # The focus chain holds only widgets that show (a displayed input in a hidden bar is not one).
        target = next((w for w in self.screen.focus_chain if pane in w.ancestors), None)
        if target is not None:
            target.focus()
            return
        self.query_one(RunList).focus()
        # A pane still preparing its content (the graph is parsed in a worker) has nothing to
        # focus yet: look again shortly, unless the user has moved on meanwhile.
        if attempt < 5:
            tab = self.query_one(TabbedContent).active

            def retry() -> None:
                if self.query_one(TabbedContent).active == tab and isinstance(self.focused, RunList):
                    self._focus_active_pane(attempt + 1)

            self.set_timer(0.1, retry)

    # -- dashboard ------------------------------------------------------------------------------

    @property
    def dashboard(self) -> Dashboard | None:
        return self.query_one_optional("#dashboard", Dashboard)

    def _mount_dashboard(self) -> Dashboard:
        dash = self.dashboard
        if dash is None:
            dash = Dashboard(id="dashboard")
            self.query_one("#main").mount(dash)
        return dash

    def action_toggle_dashboard(self) -> None:
        """``d``: the dashboard instead of the tabs, and back to the tab that was active."""
        self._show_dashboard(not self.dashboard_on)
        if self.dashboard_on:
            if not isinstance(self.focused, RunList):
                self.call_after_refresh(self._focus_dashboard)
        else:
            self.call_after_refresh(self._focus_active_pane)

    def _show_dashboard(self, on: bool) -> None:
        """Swap the tabs for the dashboard (or back) and hand the shown side the current context."""
        dash = self._mount_dashboard()
        if not isinstance(self.focused, RunList):
            self.set_focus(None)  # a focused widget inside the hidden side would keep the keyboard
        self.dashboard_on = on
        dash.display = on
        self.query_one(TabbedContent).display = not on
        if on:
            dash.context = self.context()
            self.call_after_refresh(self._dashboard_follow_tabs, dash)
        else:
            pane = self.active_pane
            if pane is not None:
                pane.context = self.context()
        self.refresh_bindings()

    def _dashboard_follow_tabs(self, dash: Dashboard) -> None:
        """Open the dashboard on the tags selected in the Scalars and Histograms tabs."""
        scalars = self.query_one("#pane-scalars").query(TagList)
        hist = self.query_one("#pane-histograms")
        dash.context = self.context()
        dash.follow_tags(
            scalars.first().selected_tag if scalars else None, getattr(hist, "selected_tag", None)
        )

    def _focus_dashboard(self) -> None:
        dash = self.dashboard
        if dash is not None and self.dashboard_on:
            dash.focus_panel(dash.current)

    # -- command palette ------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help: keys", "Show every key", self.action_help)
        yield SystemCommand("Filter runs and tags", "Regex filters (/)", self.action_filter)
        yield SystemCommand(
            "Resume live updates" if self.paused else "Pause live updates",
            "Freeze the screen while you look (p)",
            self.action_toggle_pause,
        )
        for w in SMOOTHING_STOPS:
            yield SystemCommand(
                f"Smoothing {w:g}", "TensorBoard's EMA weight", lambda w=w: self.set_smoothing(w)
            )
        for mode in X_MODES:
            yield SystemCommand(
                f"X axis: {mode}", "Step, time since start, or wall time", lambda m=mode: self.set_x_mode(m)
            )
        yield SystemCommand("Toggle log y", "Logarithmic value axis (y)", self.action_toggle_log_y)
        yield SystemCommand(
            "Toggle ignore outliers", "y range from the 5th-95th percentile (i)", self.action_toggle_outliers
        )
        yield SystemCommand("Show all runs", "Turn every run on (a)", self.action_all_runs)
        yield SystemCommand("Show only the focused run", "Hide the others (o)", self.action_only_focused_run)
        yield SystemCommand(
            "Tabs" if self.dashboard_on else "Dashboard",
            "One tab at a time" if self.dashboard_on else "Chart, histograms and graph at once (d)",
            self.action_toggle_dashboard,
        )
        for n, spec in enumerate(TABS, start=1):
            yield SystemCommand(
                f"Tab: {spec.title}", f"Switch to {spec.title} ({n})", lambda i=n - 1: self.action_tab(i)
            )
        pane = self.active_pane
        if pane is not None and hasattr(pane, "action_toggle_grid"):
            yield SystemCommand(
                "Scalars: grid / single chart", "Many charts at once (v)", pane.action_toggle_grid
            )

    # -- shutdown -------------------------------------------------------------------------------

    def on_unmount(self) -> None:
        self._closing_loader.set()
        if self.feed is not None:
            self.feed.close()


def run(args: argparse.Namespace) -> int:
    """``tbtui [LOGDIR]``: open the app on ``args.logdir``."""
    app = TbtuiApp(
        os.path.abspath(args.logdir) if getattr(args, "absolute", False) else args.logdir,
        runs=args.runs or "",
        tags=args.tags or "",
        smoothing=args.smoothing,
        x_mode=args.x,
        poll=args.poll,
        check_crc=not getattr(args, "no_crc", False),
        layout=getattr(args, "layout", None) or "tabs",
    )
    if _graphics_terminal():
        from tui.widgets.image_view import prepare_terminal_graphics

        prepare_terminal_graphics()
    app.run()
    return 0


def _graphics_terminal() -> bool:
    """Terminals known to speak the Kitty or Sixel image protocols.

    Asking the terminal costs up to a few tenths of a second where nobody answers, so only these
    are asked; everywhere else images are drawn with half blocks, which every terminal shows.
    """
    if not sys.stdout.isatty():
        return False
    env = os.environ
    return (
        "kitty" in env.get("TERM", "")
        or "KITTY_WINDOW_ID" in env
        or env.get("TERM_PROGRAM", "") in {"WezTerm", "iTerm.app", "ghostty", "WarpTerminal"}
        or "foot" in env.get("TERM", "")
    )
