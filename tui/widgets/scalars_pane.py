"""The Scalars tab: grouped tags with sparklines, the selected tag's chart, and a grid of charts.

Layout: the tags list beside the chart (above it on narrow screens); ``v`` swaps both for the grid.
Everything shown is derived from the :class:`PaneContext` the app sets, so this pane keeps only
view state (selected tag, grid on/off) and caches keyed on series versions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container

from tui.model.tags import group_tags
from tui.render.rows import TagInfo
from tui.render.sparkline import sparkline
from tui.views.cache import LruCache
from tui.views.chart_options import ChartOptions
from tui.views.first_screen import preferred_tag
from tui.views.selection import PaneContext, compile_filter, neighbour
from tui.widgets.chart_grid import ChartGrid
from tui.widgets.pane import Pane
from tui.widgets.scalar_chart import ChartSource, ScalarChart
from tui.widgets.tag_list import TagList

__all__ = ["ScalarsPane"]


class ScalarsPane(Pane):
    """Scalars: tags grouped by prefix, one chart with every visible run, or a grid of charts."""

    # Selectors name this widget themselves (some under ``Screen.-narrow``), so they are not scoped.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    #tags:focus, #chart:focus, #grid:focus {
        border: round $accent;
        border-title-color: $text;
    }

    ScalarsPane {
        height: 1fr;
    }

    #scalars-single {
        layout: horizontal;
        height: 1fr;
    }

    #tags {
        width: 36;
        height: 1fr;
        border: round $panel;
        scrollbar-size-vertical: 1;
    }

    #chart {
        width: 1fr;
        height: 1fr;
        border: round $panel;
    }

    Screen.-narrow #scalars-single {
        layout: vertical;
    }

    Screen.-narrow #tags {
        width: 1fr;
        height: 8;
    }

    #grid {
        height: 1fr;
        border: round $panel;
    }
    """

    HELP_TITLE = "Scalars tab"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "toggle_grid", "Grid/chart"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.grid_mode = False
        self._tags: LruCache[str, list[str]] = LruCache(1)
        self._info_cache: LruCache[tuple, TagInfo] = LruCache(4096)
        #: Per tag, the runs holding NaN/inf points and how many, with the data they were counted
        #: on; and the visible runs as a set (see :meth:`_nonfinite`).
        self._nonfinite_cache: dict[str, tuple[tuple, list[tuple[str, int]]]] = {}
        self._visible: tuple[tuple[str, ...], frozenset[str]] | None = None
        self._sources: tuple[tuple, list[ChartSource]] | None = None
        #: The last sources made, by (tag, run): kept while their series, colour and names stay.
        self._source_cache: dict[tuple[str, str], ChartSource] = {}
        #: The tag asked for at start (``--open``, or the one remembered from the last session): an
        #: exact name, else the first tag it finds as a case-insensitive regex.
        self.initial_tag: str | None = None
        #: The pane picks the tag itself (see :meth:`_auto_select`) until the user moves or the
        #: first pass over the logdir is done; ``_auto_target`` is its latest pick.
        self._auto = True
        self._auto_target: str | None = None

    def compose(self) -> ComposeResult:
        with Container(id="scalars-single"):
            yield TagList(id="tags")
            yield ScalarChart(id="chart")
        yield ChartGrid(id="grid")

    @property
    def selected_tag(self) -> str | None:
        return self.query_one(TagList).selected_tag

    @property
    def wanted_tag(self) -> str | None:
        """The tag to remember for the next session: the one shown, or while the pane still waits
        for the tag asked for at start (it may not be loaded yet), that one."""
        if self._auto and self.initial_tag and self._auto_target != self.initial_tag:
            return self.initial_tag
        return self.selected_tag

    def on_mount(self) -> None:
        self.query_one(TagList).info = self._tag_info
        self.query_one(ChartGrid).display = False

    # -- context --------------------------------------------------------------------------------

    def watch_context(self, old: PaneContext | None, new: PaneContext | None) -> None:
        if new is None:
            return
        if old is not None and replace(old, focused_run=new.focused_run) == new:
            # Only the focused run moved (a move in the runs pane): the tag rows' sparklines follow
            # it; the tags, the pick of one and the chart stay (2,000 runs are not looked at).
            self.query_one(TagList).refresh_rows()
            return
        self._refresh_view(new)

    def _scalar_tags(self, ctx: PaneContext) -> list[str]:
        return self._tags.derive("scalars", ctx.tags_source, lambda: ctx.visible_tags("scalars"))

    def sources(self, tag: str) -> list[ChartSource]:
        """Every visible run's series of ``tag``, in the runs pane's order.

        Kept while the logdir, the visible runs and the tag stay the same: a key that only moves
        the runs pane's cursor would otherwise walk every run again (thousands, in a sweep).
        """
        ctx = self.context
        if ctx is None:
            return []
        key = (tag, id(ctx.logdir), ctx.generation, ctx.runs)
        if self._sources is not None and self._sources[0] == key:
            return self._sources[1]
        out = _chart_sources(ctx, tag, self._source_cache)
        self._source_cache = {(tag, src.run): src for src in out}
        self._sources = (key, out)
        return out

    def options(self) -> ChartOptions:
        ctx = self.context
        return ChartOptions() if ctx is None else ctx.options

    def _refresh_view(self, ctx: PaneContext) -> None:
        tag_list = self.query_one(TagList)
        groups = group_tags(self._scalar_tags(ctx))
        tag_list.set_groups(groups)
        if self._auto:
            self._auto_select(ctx, tag_list)
        if self.grid_mode:
            self.query_one(ChartGrid).show(tag_list.tags, self.sources, self.options())
        else:
            self._show_chart(tag_list.shown_tag)

    def _auto_select(self, ctx: PaneContext, tag_list: TagList) -> None:
        """Open on the tag asked for at start when it exists, else on :func:`preferred_tag`'s pick.

        Re-decided on each push of the first pass (a bigger curve may load later: the first push
        holds one run's first slice); the pick is final once the asked-for tag is found, the first
        pass is done, or the user moves the cursor.
        """
        tags = tag_list.tags
        target = self._match_initial(tags)
        if target is not None:
            self._auto = False
        else:
            runs = ctx.logdir.runs
            points: dict[str, int] = {}
            longest: dict[str, int] = {}
            for name in ctx.runs:
                run = runs.get(name)
                for tag, series in run.scalars.items() if run is not None else ():
                    points[tag] = points.get(tag, 0) + len(series)
                    longest[tag] = max(longest.get(tag, 0), len(series))
            target = preferred_tag(points, tags, longest)
            if ctx.logdir.loaded_once and not ctx.loading:
                self._auto = False
        if target is not None:
            # Noted even when the list's cursor is already there: the list selects its first row by
            # itself, and the Selected it posts must not count as the user's choice.
            self._auto_target = target
            if target != tag_list.selected_tag:
                tag_list.reveal(target)

    def _match_initial(self, tags: list[str]) -> str | None:
        want = self.initial_tag
        if not want:
            return None
        if want in tags:
            return want
        rx = compile_filter(want, True)
        return next((t for t in tags if rx.search(t)), None) if rx is not None else None

    def _show_chart(self, tag: str | None) -> None:
        chart = self.query_one(ScalarChart)
        if self.context is not None:
            chart.empty_message = self.context.why_empty("scalar data")
        loading = self.context is not None and self.context.loading
        sources = self.sources(tag) if tag is not None else []
        chart.show(tag, sources, self.options(), ahead=self._ahead(tag), loading=loading)

    def _ahead(self, tag: str | None) -> list[tuple[str, Callable[[], list[ChartSource]]]]:
        """The tags next to ``tag`` in the list (``j``/``k`` away), each with how to find its sources
        from a worker thread: the chart draws them while the user reads this one, so the next key
        shows a chart it has. None while the first pass reads (the data changes under them)."""
        ctx = self.context
        if ctx is None or ctx.loading or tag is None:
            return []
        tags = self.query_one(TagList).tags
        near = dict.fromkeys(neighbour(tags, tag, d) for d in (1, -1))
        return [(t, partial(_chart_sources, ctx, t, {})) for t in near if t is not None and t != tag]

    def _tag_info(self, tag: str, width: int) -> TagInfo:
        """Sparkline and last value of the focused run (or the first visible run with the tag), and the
        NaN/inf count of every visible run (a diverged run shows whichever run is focused)."""
        ctx = self.context
        if ctx is None:
            return TagInfo()
        bad = self._nonfinite(ctx, tag)
        info = self._focused_info(ctx, tag, width)
        return replace(info, nonfinite=bad) if bad else info

    def _nonfinite(self, ctx: PaneContext, tag: str) -> int:
        """NaN/inf points of ``tag`` over the visible runs. Each tag row asks on every repaint, and a
        sweep has thousands of runs: the runs holding any are found once per change of the data, so
        a toggle or the filter (other visible runs) only adds up those few."""
        data = (id(ctx.logdir), ctx.generation)
        hit = self._nonfinite_cache.get(tag)
        if hit is None or hit[0] != data:
            runs = ctx.logdir.runs.items()
            held = [(name, s.nonfinite) for name, run in runs if (s := run.scalars.get(tag)) and s.nonfinite]
            if len(self._nonfinite_cache) > 4096:
                self._nonfinite_cache.clear()
            hit = self._nonfinite_cache[tag] = (data, held)
        if not hit[1]:
            return 0
        if self._visible is None or self._visible[0] is not ctx.runs:
            self._visible = (ctx.runs, frozenset(ctx.runs))
        shown = self._visible[1]
        return sum(bad for name, bad in hit[1] if name in shown)

    def _focused_info(self, ctx: PaneContext, tag: str, width: int) -> TagInfo:
        runs = ctx.logdir.runs
        order = [ctx.focused_run] if ctx.focused_run in ctx.runs else []
        for name in [*order, *ctx.runs]:
            run = runs.get(name) if name else None
            series = run.scalars.get(tag) if run is not None else None
            if series is not None and len(series):
                break
        else:
            return TagInfo()

        def make() -> TagInfo:
            snap = series.snapshot()
            return TagInfo(sparkline(snap.values, width), float(snap.values[-1]), ctx.color(name))

        # One entry a series, derived again when its version moves (read before the snapshot: a
        # later append only makes the next look miss).
        return self._info_cache.derive((name, tag, id(series), width), series.version, make)

    # -- events ---------------------------------------------------------------------------------

    def on_tag_list_selected(self, event: TagList.Selected) -> None:
        event.stop()
        current = self.query_one(TagList).selected_tag
        if event.tag != current:
            return  # overtaken: the cursor has moved on since this was posted
        if self._auto and current != self._auto_target:
            self._auto = False  # the user chose: no more picking for them
        if not self.grid_mode:
            self._show_chart(event.tag)

    def on_tag_list_activated(self, event: TagList.Activated) -> None:
        event.stop()
        self.query_one(ScalarChart).focus()

    def on_scalar_chart_step_tag(self, event: ScalarChart.StepTag) -> None:
        event.stop()
        self.query_one(TagList).select_next(event.delta)

    def on_chart_grid_opened(self, event: ChartGrid.Opened) -> None:
        event.stop()
        self.query_one(TagList).select_tag(event.tag)
        self.set_grid(False)
        self.query_one(ScalarChart).focus()

    def on_chart_grid_selected(self, event: ChartGrid.Selected) -> None:
        event.stop()
        self.query_one(TagList).select_tag(event.tag)

    # -- actions --------------------------------------------------------------------------------

    def action_toggle_grid(self) -> None:
        self.set_grid(not self.grid_mode)

    def set_grid(self, on: bool) -> None:
        self.grid_mode = on
        grid = self.query_one(ChartGrid)
        self.query_one("#scalars-single").display = not on
        grid.display = on
        tag_list = self.query_one(TagList)
        if on:
            grid.show(tag_list.tags, self.sources, self.options())
            if tag_list.selected_tag is not None:
                grid.select_tag(tag_list.selected_tag)
            grid.focus()
        else:
            self._show_chart(tag_list.shown_tag)
            self.query_one(ScalarChart).focus()


def _chart_sources(ctx: PaneContext, tag: str, kept: dict[tuple[str, str], ChartSource]) -> list[ChartSource]:
    """Every visible run's series of ``tag``, in the runs pane's order; a source of ``kept`` (by tag
    and run) is used again while its series, colour and names stay (a toggle among 2,000 runs makes
    none anew). Reads only the immutable context and the logdir's copy-on-write maps, so a worker
    thread may call it."""
    out = []
    runs = ctx.logdir.runs
    for name in ctx.runs:
        run = runs.get(name)
        series = run.scalars.get(tag) if run is not None else None
        if series is None:
            continue
        src = kept.get((tag, name))
        color, names = ctx.color(name), ctx.source_names(name)
        if src is None or src.series is not series or src.color != color or names != src.names:
            src = ChartSource(name, color, series, *names)
        out.append(src)
    return out
