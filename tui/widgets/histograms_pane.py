"""The Histograms tab: histogram tags grouped by prefix, and the selected tag's ridgeline or overlay.

The tags list is the Scalars tab's :class:`~tui.widgets.tag_list.TagList` (its rows show a sparkline of
the newest step's histogram here). The plot shows the focused run (the one highlighted in the runs pane,
or the first visible run holding the tag); ``n`` / ``N`` move the runs pane's highlight through the
runs holding the tag, and ``v`` lays every visible run holding it side by side instead.

:class:`HistogramPaneBase` is shared with the Distributions tab, which differs only in its plot widget.
Everything shown derives from the :class:`PaneContext` the app sets; the pane keeps view state only.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container

from tui.model.histograms import global_range, rebin, widen_range
from tui.model.tags import group_tags
from tui.render.rows import TagInfo
from tui.render.sparkline import sparkline
from tui.views.cache import LruCache
from tui.views.safe import inert
from tui.views.selection import PaneContext
from tui.widgets.histogram_view import HistogramPlotBase, HistogramView, HistSource
from tui.widgets.pane import Pane
from tui.widgets.tag_list import TagList

__all__ = ["HistogramPaneBase", "HistogramsPane", "latest_shape"]


def latest_shape(hist_k3: np.ndarray, width: int) -> str:
    """A one-line sparkline of one histogram's shape over its own range (for the tags list)."""
    if width <= 0 or len(hist_k3) == 0:
        return ""
    lo, hi = widen_range(*global_range([hist_k3]))
    counts = rebin([hist_k3], lo, hi, bins=width)[0]
    return sparkline(counts, width)


class HistogramPaneBase(Pane):
    """Histogram tags beside one plot; subclasses set ``VIEW`` (the plot widget class) and ``PREFIX``."""

    # Selectors name this widget themselves (some under ``Screen.-narrow``), so they are not scoped.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    HistogramsPane, DistributionsPane {
        height: 1fr;
    }

    .hist-body {
        layout: horizontal;
        height: 1fr;
    }

    .hist-tags {
        width: 36;
        height: 1fr;
        border: round $panel;
        border-title-color: $text-muted;
        scrollbar-size-vertical: 1;
    }

    .hist-view {
        width: 1fr;
        height: 1fr;
        border: round $panel;
    }

    .hist-tags:focus, .hist-view:focus {
        border: round $accent;
        border-title-color: $text;
    }

    Screen.-narrow .hist-body {
        layout: vertical;
    }

    Screen.-narrow .hist-tags {
        width: 1fr;
        height: 8;
    }
    """

    VIEW: ClassVar[type[HistogramPlotBase]] = HistogramView
    PREFIX: ClassVar[str] = "hist"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "toggle_side_by_side", "Side by side"),
        Binding("n", "next_run(1)", "Next run"),
        Binding("N", "next_run(-1)", "Previous run", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.side_by_side = False
        #: A run chosen with n/N, until the runs pane's highlight changes (the app follows FocusRun).
        self._run_choice: str | None = None
        self._tags: LruCache[str, list[str]] = LruCache(1)
        self._info_cache: LruCache[tuple, TagInfo] = LruCache(4096)
        #: The tags list shows (and answers with) inert names; this maps them back to the logged tags.
        self._real: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Container(classes="hist-body"):
            yield TagList(id=f"{self.PREFIX}-tags").add_class("hist-tags")
            yield self.VIEW(id=f"{self.PREFIX}-view", classes="hist-view")

    def on_mount(self) -> None:
        tags = self.query_one(TagList)
        tags.info = self._tag_info
        tags.border_title = "Tags"

    @property
    def view(self) -> HistogramPlotBase:
        return self.query_one(self.VIEW)

    @property
    def tag_list(self) -> TagList:
        return self.query_one(TagList)

    def _tag(self, shown: str | None) -> str | None:
        """The logged tag behind a name the tags list shows."""
        return None if shown is None else self._real.get(shown, shown)

    @property
    def selected_tag(self) -> str | None:
        return self._tag(self.tag_list.shown_tag)

    # -- context --------------------------------------------------------------------------------

    def watch_context(self, old: PaneContext | None, new: PaneContext | None) -> None:
        if new is None:
            return
        if old is not None and old.focused_run != new.focused_run:
            self._run_choice = None
        self._refresh_view(new)

    def _histogram_tags(self, ctx: PaneContext) -> list[str]:
        return self._tags.derive("histograms", ctx.tags_source, lambda: ctx.visible_tags("histograms"))

    def runs_with(self, tag: str) -> list[str]:
        """Visible runs holding ``tag``, in the runs pane's order."""
        ctx = self.context
        if ctx is None:
            return []
        runs = ctx.logdir.runs
        return [n for n in ctx.runs if n in runs and tag in runs[n].histograms]

    def primary_run(self, tag: str) -> str | None:
        """The run the single plot shows: the n/N choice, the focused run, else the first with the tag."""
        ctx = self.context
        holders = self.runs_with(tag)
        if not holders or ctx is None:
            return None
        for name in (self._run_choice, ctx.focused_run):
            if name in holders:
                return name
        return holders[0]

    def sources(self, tag: str | None) -> list[HistSource]:
        ctx = self.context
        if ctx is None or tag is None:
            return []
        names = self.runs_with(tag) if self.side_by_side else [self.primary_run(tag)]
        out = []
        for name in names:
            run = ctx.logdir.runs.get(name) if name else None
            series = run.histograms.get(tag) if run is not None else None
            if series is not None:
                out.append(HistSource.of(ctx, name, series))
        return out

    def _refresh_view(self, ctx: PaneContext) -> None:
        # Tag names come from log files: the list gets them with control characters made visible, so a
        # hostile tag cannot write escape sequences through the list's rows.
        real: dict[str, str] = {}
        for tag in sorted(self._histogram_tags(ctx)):
            real.setdefault(inert(tag), tag)
        self._real = real
        self.tag_list.set_groups(group_tags(real))
        self._show(self.selected_tag)

    def _show(self, tag: str | None) -> None:
        ctx = self.context
        x_mode = ctx.options.x_mode if ctx is not None else "step"
        if ctx is not None:  # the view says why it is empty (an instance value over its class default)
            self.view.EMPTY = ctx.why_empty("histogram data")
        self.view.show(tag, self.sources(tag), side_by_side=self.side_by_side, x_mode=x_mode)

    def _tag_info(self, shown: str, width: int) -> TagInfo:
        """The shape of the newest histogram of the run the plot would show."""
        ctx = self.context
        tag = self._tag(shown) or shown
        name = self.primary_run(tag)
        if ctx is None or name is None:
            return TagInfo()
        series = ctx.logdir.runs[name].histograms.get(tag)
        if series is None or not len(series):
            return TagInfo()

        def make() -> TagInfo:
            snap = series.snapshot()
            return TagInfo(latest_shape(snap.histogram(len(snap) - 1), width), None, ctx.color(name))

        # One entry a series, derived again when its version moves (read before the snapshot: a
        # later append only makes the next look miss).
        return self._info_cache.derive((name, tag, id(series), width), series.version, make)

    # -- events ---------------------------------------------------------------------------------

    def on_tag_list_selected(self, event: TagList.Selected) -> None:
        event.stop()
        self._show(self._tag(event.tag))

    def on_tag_list_activated(self, event: TagList.Activated) -> None:
        event.stop()
        self.view.focus()

    def on_histogram_plot_base_step_tag(self, event: HistogramPlotBase.StepTag) -> None:
        event.stop()
        self.tag_list.select_next(event.delta)

    # -- actions --------------------------------------------------------------------------------

    def action_toggle_side_by_side(self) -> None:
        self.side_by_side = not self.side_by_side
        self._show(self.selected_tag)

    def action_next_run(self, delta: int) -> None:
        """Show the next (previous) visible run holding the tag; the runs pane follows."""
        tag = self.selected_tag
        if tag is None:
            return
        holders = self.runs_with(tag)
        current = self.primary_run(tag)
        if not holders or current is None:
            return
        run = holders[(holders.index(current) + delta) % len(holders)]
        self._run_choice = run
        self.post_message(Pane.FocusRun(run))
        self._show(tag)


class HistogramsPane(HistogramPaneBase):
    """Histograms: tags grouped by prefix, the selected tag as a ridgeline (offset) or overlay."""

    HELP_TITLE = "Histograms tab"
    VIEW = HistogramView
    PREFIX = "hist"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "toggle_mode", "Offset/overlay"),
    ]

    def action_toggle_mode(self) -> None:
        view = self.view
        if isinstance(view, HistogramView):
            view.toggle_mode()
