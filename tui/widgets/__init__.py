"""Textual widgets of tbtui, one widget per module, and the protocol every tab pane follows.

The app (tui/app.py) owns the state that all tabs share and hands it to the active tab as one
immutable :class:`~tui.widgets.pane.PaneContext`. A tab never reaches into the app and the app
never reaches into a tab, so a pane can be rewritten without touching app.py.

Adding or replacing a tab
-------------------------
The tabs are listed, in order, in :data:`TABS` below. Each entry names a module and a class; the
app imports it lazily and mounts one instance inside the tab. To build a real Histograms tab,
replace the placeholder class in ``tui/widgets/histograms_pane.py`` with your own, keeping its
name. Nothing else changes.

A pane is a subclass of :class:`tui.widgets.pane.Pane` (itself a ``textual.widget.Widget``):

``context: reactive[PaneContext | None]``
    Set by the app, never by the pane. Implement ``watch_context(self, old, new)`` (Textual's
    reactive watcher) to redraw. The app assigns a new context only when something a pane can
    see has changed, at most a few times a second, and only to the *active* pane; when a tab is
    activated it receives the current context at once. A context compares equal when nothing
    changed, so the watcher is not called for no-op updates.

``PaneContext`` fields (read-only):
    ``logdir`` the :class:`tui.model.logdir.Logdir` (read ``logdir.runs[name]`` and series
    snapshots freely from the UI thread: the model is copy-on-write); ``generation`` the
    logdir's generation when the context was made (it changes whenever any data arrived);
    ``runs`` the visible runs, in display order (matching the runs regex and toggled on);
    ``colors`` a colour name per run (all runs, stable for a run's life); ``focused_run`` the
    run highlighted in the runs pane (may be hidden or None); ``run_regex`` and ``tag_regex``
    (the raw filter text; use ``context.tag_matches(tag)``, TensorBoard's semantics:
    case-insensitive search, an invalid regex matches nothing); ``smoothing``, ``x_mode``
    ("step" | "relative" | "wall"), ``log_y``, ``ignore_outliers``, ``paused``.

Keys
    Put a pane's keys in its ``BINDINGS`` (and its children's). The help screen lists the
    bindings of the app, the runs pane and every mounted pane by walking them, so a key is
    documented exactly when it exists. App-wide keys (numbers 1-7, q, ?, /, p, s, x, y, i, o, a)
    are taken; a pane may use any other key. Give each binding a short ``description``.

Messages a pane may post (they bubble to the app)
    ``Pane.Notice(text)`` shows a one-line notice in the status bar (e.g. "graph too large:
    showing the top 3 levels"). ``Pane.FocusRun(run)`` asks the app to highlight a run in the
    runs pane (e.g. when the user picks a run inside an HParams table).

Styling
    All styles live in tui/tbtui.tcss. A pane may add rules there under its own class name.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TABS", "TabSpec"]


@dataclass(frozen=True, slots=True)
class TabSpec:
    """One tab: its id (also the ``TabPane`` id), title, and where its pane class lives."""

    id: str
    title: str
    module: str
    cls: str
    short: str = ""  # label on narrow screens (defaults to the title)


#: The tabs in order; number keys 1-7 select them.
TABS: tuple[TabSpec, ...] = (
    TabSpec("scalars", "Scalars", "tui.widgets.scalars_pane", "ScalarsPane"),
    TabSpec("histograms", "Histograms", "tui.widgets.histograms_pane", "HistogramsPane", "Hist"),
    TabSpec("distributions", "Distributions", "tui.widgets.distributions_pane", "DistributionsPane", "Dist"),
    TabSpec("graph", "Graph", "tui.widgets.graph_pane", "GraphPane"),
    TabSpec("text", "Text", "tui.widgets.text_pane", "TextPane"),
    TabSpec("hparams", "HParams", "tui.widgets.hparams_pane", "HParamsPane", "HP"),
    TabSpec("images", "Images", "tui.widgets.images_pane", "ImagesPane", "Img"),
)
