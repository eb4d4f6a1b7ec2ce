"""The app-wide keys: one table the app binds, the help screen lists, the key bar shows and the command
palette mirrors (tui/widgets/commands.py). Keys of one pane are bound by that pane's widget."""

from __future__ import annotations

from textual.binding import Binding

from tui.widgets.tabs import TAB_KEYS_HELP, TABS
from tui.widgets.zoom import ZOOM_HELP

__all__ = ["APP_KEYS"]

DASHBOARD_HELP = "Dashboard: chart, histograms and graph of the focused run at once (number keys: tabs)"

#: Every app-wide key in the order the help lists them; number keys switch tabs by position.
APP_KEYS: tuple[Binding, ...] = (
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
    Binding("i", "toggle_outliers", "Outliers", show=False, tooltip="Ignore outliers (y from 5th-95th pct)"),
    Binding("o", "only_focused_run", "Only run", show=False, tooltip="Show only the run under the cursor"),
    Binding("a", "all_runs", "All runs", show=False, tooltip="Show all runs"),
    Binding("d", "toggle_dashboard", "Dashboard", tooltip=DASHBOARD_HELP),
    Binding("z", "zoom", "Zoom", tooltip=ZOOM_HELP),
    Binding(
        "P",
        "screenshot",
        "Screenshot",
        show=False,
        tooltip="Save the screen as SVG in the current directory",
    ),
    *[
        Binding(str(n % 10), f"tab({n - 1})", spec.title, show=False, tooltip=TAB_KEYS_HELP)
        for n, spec in enumerate(TABS, start=1)
    ],
)
