"""The command palette's entries: every app-wide key as a command, by what it does.

Each command calls the app's action for its key, so the palette and the keyboard cannot disagree;
the entries that toggle say which way they go now (pause or resume, dashboard or tabs).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from tui.views.chart_options import SMOOTHING_STOPS
from tui.views.xaxis import X_MODES
from tui.widgets.scalars_pane import ScalarsPane
from tui.widgets.tabs import TABS

if TYPE_CHECKING:
    from tui.app import TbtuiApp

__all__ = ["app_commands"]


#: Textual's own commands that tbtui has its own key for: its Keys panel (``?`` lists every key, the
#: palette's "Help: keys") and Maximize / Minimize (``z`` zooms the focused pane). Listed twice, the
#: palette offered two helps and two zooms that behave differently.
REPLACED = frozenset({"Keys", "Maximize", "Minimize"})


def textual_commands(commands: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    """Textual's system commands without those tbtui replaces, Quit saying its key."""
    for command in commands:
        if command.title in REPLACED:
            continue
        if command.title == "Quit":
            command = SystemCommand("Quit", "Leave tbtui (q)", command.callback)
        yield command


def app_commands(app: TbtuiApp) -> Iterator[SystemCommand]:
    """tbtui's commands, after Textual's own."""
    yield SystemCommand("Help: keys", "Show every key", app.action_help)
    yield SystemCommand("Filter runs and tags", "Regex filters (/)", app.action_filter)
    yield SystemCommand(
        "Resume live updates" if app.view.paused else "Pause live updates",
        "Freeze the screen while you look (p)",
        app.action_toggle_pause,
    )
    for w in SMOOTHING_STOPS:
        yield SystemCommand(f"Smoothing {w:g}", "TensorBoard's EMA weight", lambda w=w: app.set_smoothing(w))
    for mode in X_MODES:
        yield SystemCommand(
            f"X axis: {mode}", "Step, time since start, or wall time", lambda m=mode: app.set_x_mode(m)
        )
    yield SystemCommand("Toggle log y", "Logarithmic value axis (y)", app.action_toggle_log_y)
    yield SystemCommand(
        "Toggle ignore outliers", "y range from the 5th-95th percentile (i)", app.action_toggle_outliers
    )
    yield SystemCommand("Show all runs", "Turn every run on (a)", app.action_all_runs)
    yield SystemCommand("Show only the focused run", "Hide the others (o)", app.action_only_focused_run)
    yield SystemCommand(
        "Tabs" if app.dashboard_on else "Dashboard",
        "One tab at a time" if app.dashboard_on else "Chart, histograms and graph at once (d)",
        app.action_toggle_dashboard,
    )
    for n, spec in enumerate(TABS, start=1):
        yield SystemCommand(
            f"Tab: {spec.title}", f"Switch to {spec.title} ({n % 10})", lambda i=n - 1: app.action_tab(i)
        )
    pane = app.active_pane
    if isinstance(pane, ScalarsPane):
        yield SystemCommand(
            "Scalars: grid / single chart", "Many charts at once (v)", pane.action_toggle_grid
        )
