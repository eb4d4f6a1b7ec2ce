"""One tag's chart: every visible run overlaid, with a cursor, zoom and pan.

The widget holds view state only (tag, sources, x window, cursor) and draws through
tui.render.chart.render_chart. It redraws only when what it would draw changed: the key of the
last frame covers the size, the settings and every source's (series, version), so a push from the
app with nothing new costs one tuple comparison and writes nothing to the terminal.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np
from rich.text import Text
from textual import events, work
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.message import Message
from textual.timer import Timer

from tui.model.series import ScalarSeries, ScalarSnapshot
from tui.render.cells import fit, message_lines
from tui.render.chart import ChartRender, ChartSeries, legend_line, render_chart, title_line
from tui.render.layers import ChartLayers, Interrupted
from tui.render.scalar_view import (
    READOUT_SORTS,
    chart_series_many,
    readout_lines,
    readout_rows,
)
from tui.views.cache import SmoothCache
from tui.views.chart_options import ChartOptions
from tui.views.cursor import step_along, union_points
from tui.views.mailbox import NewestOnly
from tui.widgets.line_widget import LineWidget, changed_regions

__all__ = ["ChartSource", "ScalarChart", "build_chart"]


@dataclass(frozen=True, slots=True)
class ChartSource:
    """One run's series of the charted tag; ``label`` is the name shown (the run's name without the
    prefix all visible runs share) and ``marker`` its letter."""

    run: str
    color: str
    series: ScalarSeries
    marker: str = ""
    label: str = ""
    short: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The run's full name (as :attr:`ChartSeries.name`: a legend item reads either)."""
        return self.run

    @property
    def names(self) -> tuple[str, str, tuple[str, ...]]:
        """How the chart names the run: (marker, label, shorter forms), as PaneContext.source_names."""
        return (self.marker, self.label, self.short)

    @property
    def key(self) -> tuple:
        """What a frame drawn from this source depends on (the series by identity and version)."""
        return (self.run, self.color, self.names, id(self.series), self.series.version)


#: A drawn frame: the chart, the cursor readout's lines and the series drawn.
Frame = tuple[ChartRender, list[Text], list[ChartSeries]]
#: Tags to draw ahead of need, each with how to find its sources (called in a worker thread).
Ahead = Sequence[tuple[str, Callable[[], list[ChartSource]]]]


def build_chart(
    tag: str,
    sources: list[ChartSource],
    options: ChartOptions,
    width: int,
    height: int,
    *,
    cache: SmoothCache,
    x_range: tuple[float, float] | None = None,
    cursor_x: float | None = None,
    title: str | None = None,
    show_legend: bool = True,
    readout: bool = True,
    readout_order: str = "default",
    readout_top: int = 0,
    layers: ChartLayers | None = None,
) -> Frame:
    """Chart lines plus the cursor readout (exactly ``height`` lines in all).

    The readout lists every run under the cursor, as TensorBoard's tooltip: it takes up to a third of
    the height (a header and a line per run) and scrolls (``readout_top``) when the runs do not fit.
    With ``layers`` each run's ranges and drawn cells are kept there for the next frame (see
    tui.render.layers).
    """
    snaps, series = _chart_input(tag, sources, options, cache, layers)
    extra = 0
    if readout and cursor_x is not None and series and height >= 12:
        extra = min(len(series) + 1, max(height // 3, 4))
    chart = render_chart(
        series,
        width,
        height - extra,
        x_mode=options.x_mode,
        log_y=options.log_y,
        ignore_outliers=options.ignore_outliers,
        x_range=x_range,
        cursor_x=cursor_x,
        title=title if title is not None else tag,
        show_legend=show_legend,
        legend_values=not extra,
        headroom=True,  # live: domains grow in steps, so a new point repaints only its cells
        layers=layers,
    )
    lines: list[Text] = []
    if extra:
        rows = readout_rows(chart.cursor, series, snaps)
        lines, _ = readout_lines(rows, width, extra, order=readout_order, top=readout_top)
        while len(lines) < extra:
            lines.append(Text(" " * width))
    return chart, lines, series


def _chart_input(
    tag: str,
    sources: list[ChartSource],
    options: ChartOptions,
    cache: SmoothCache,
    layers: ChartLayers | None,
) -> tuple[list[ScalarSnapshot], list[ChartSeries]]:
    """Each source's snapshot and line (sources without points left out), each keyed for ``layers``
    and taken from there while its series' version stays: a frame of 2,000 runs that differ from
    the last one's in a few takes no snapshot, x conversion, smoothing lookup or new ChartSeries for
    the others."""
    how = (options.x_mode, round(options.smoothing, 6))
    keys = [(src.run, tag, id(src.series), *how) for src in sources]
    # Read before the snapshots: a point appended in between makes the next frame take the run
    # again, and never keeps fewer points under the newer version.
    versions = [src.series.version for src in sources]
    kept: list = layers.get_series(keys, versions) if layers is not None else [None] * len(sources)
    stale = []
    for i, got in enumerate(kept):
        if got is None:
            continue
        src, line = sources[i], got[1]
        if (line.color, line.label, line.marker, line.short) != (src.color, src.label, src.marker, src.short):
            kept[i] = (got[0], _line(src, line.x, line.y, line.raw_y, keys[i], line.version))
            stale.append(i)  # named anew (the runs' shared prefix changed): kept as named now
    todo = [i for i, k in enumerate(kept) if k is None]
    if todo:
        fresh = [(i, sources[i].series.snapshot()) for i in todo]
        fresh = [(i, snap) for i, snap in fresh if len(snap)]
        made = chart_series_many(
            [sources[i].run for i, _ in fresh],
            [snap for _, snap in fresh],
            [None] * len(fresh),
            x_mode=options.x_mode,
            smoothing=options.smoothing,
            cache=cache,
            keys=[keys[i][:3] for i, _ in fresh],  # one entry a series, whatever its version
            stamps=[versions[i] for i, _ in fresh],
        )
        for (i, snap), s in zip(fresh, made, strict=True):
            kept[i] = (snap, _line(sources[i], s.x, s.y, s.raw_y, keys[i], (versions[i], len(snap))))
        stale += [i for i, _ in fresh]
    if layers is not None and stale:
        lines = [kept[i][1] for i in stale]
        layers.put_series(
            [keys[i] for i in stale],
            [versions[i] for i in stale],
            [kept[i] for i in stale],
            [s.x.nbytes + (s.y.nbytes if s.raw_y is not None else 0) for s in lines],
        )
    got = [k for k in kept if k is not None]
    return [snap for snap, _ in got], [line for _, line in got]


def _line(
    src: ChartSource, x: np.ndarray, y: np.ndarray, raw: np.ndarray | None, key: tuple, version: tuple
) -> ChartSeries:
    return ChartSeries(
        src.run,
        x,
        y,
        src.color,
        raw_y=raw,
        label=src.label,
        marker=src.marker,
        short=src.short,
        key=key,
        version=version,
    )


#: A chart of more runs or points than these is drawn in a worker thread (about 30 ms of drawing on
#: an idle machine); smaller ones are drawn at once, as part of the key that changed them.
BACKGROUND_RUNS = 200
BACKGROUND_POINTS = 200_000


#: A heavy chart that only gained points (the same runs, tag, size and view) is drawn again no
#: sooner than this many times its last drawing time after it, and at least DATA_REDRAW_MIN seconds:
#: at 2,000 runs a frame costs a few hundred ms of CPU, and drawing one for every slice the loader
#: read kept a core busy that the reading (and the next key) needed.
DATA_REDRAW_FACTOR = 8.0
DATA_REDRAW_MIN = 1.0


#: While the first pass reads, a chart of more runs than these is drawn in the worker too, however
#: light: its frames follow the loader's slices, which no key waits for, and while 2,000 runs load
#: the first hundred or so are charted in the first second, 10-40 ms a frame that a key pressed
#: then waited behind.
BACKGROUND_LOADING_RUNS = 50


def _heavy(sources: list[ChartSource]) -> bool:
    return len(sources) > BACKGROUND_RUNS or sum(len(s.series) for s in sources) > BACKGROUND_POINTS


@dataclass(frozen=True, slots=True)
class _Request:
    """Everything one frame is drawn from (``key`` names it), so a worker can draw it alone."""

    key: tuple
    tag: str
    sources: list[ChartSource]
    options: ChartOptions
    width: int
    height: int
    x_range: tuple[float, float] | None
    cursor_x: float | None
    readout_order: str
    readout_top: int

    @property
    def view(self) -> tuple:
        """What the frame shows but the points: equal for two requests that differ only in new data."""
        runs = tuple((src.run, src.color, id(src.series)) for src in self.sources)
        shown = (self.options, self.width, self.height, self.x_range, self.cursor_x)
        return (self.tag, runs, *shown, self.readout_order, self.readout_top)

    @property
    def look(self) -> tuple:
        """What its runs' cells depend on but the tag and the runs' points: the settings, the size,
        the x window and whether a cursor readout takes rows."""
        return (self.options, self.width, self.height, self.x_range, self.cursor_x is not None)

    def build(self, cache: SmoothCache, layers: ChartLayers | None = None) -> Frame:
        return build_chart(
            self.tag,
            self.sources,
            self.options,
            self.width,
            self.height,
            cache=cache,
            x_range=self.x_range,
            cursor_x=self.cursor_x,
            readout_order=self.readout_order,
            readout_top=self.readout_top,
            layers=layers,
        )


class ScalarChart(LineWidget, can_focus=True):
    """The selected tag's chart. Keys move a cursor, zoom and pan the x axis."""

    HELP_TITLE = "Chart"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "cursor(-1)", "Cursor ← step", show=False),
        Binding("right,l", "cursor(1)", "Cursor → step", show=False),
        Binding("shift+left,H", "cursor(-10)", "Cursor ← 10 steps", show=False),
        Binding("shift+right,L", "cursor(10)", "Cursor → 10 steps", show=False),
        Binding("home,g", "cursor_end(0)", "Cursor to first", show=False),
        Binding("end,G", "cursor_end(1)", "Cursor to last", show=False),
        Binding("escape", "hide_cursor", "Hide cursor", show=False),
        Binding("down,j", "next_tag(1)", "Next tag", show=False),
        Binding("up,k", "next_tag(-1)", "Previous tag", show=False),
        Binding("+,=", "zoom(0.5)", "Zoom in"),
        Binding("-", "zoom(2.0)", "Zoom out", show=False),
        Binding("[", "pan(-0.25)", "Pan ←", show=False),
        Binding("]", "pan(0.25)", "Pan →", show=False),
        Binding("r", "reset_view", "Reset zoom"),
        Binding("t", "readout_order", "Readout order", show=False, tooltip="Readout: value ↓, value ↑, name"),
        Binding("J", "readout_scroll(1)", "Readout ↓", show=False, tooltip="Scroll the readout down"),
        Binding("K", "readout_scroll(-1)", "Readout ↑", show=False, tooltip="Scroll the readout up"),
        Binding(
            "e", "export", "Export CSV", tooltip="Every point of the charted runs, as CSV in the current dir"
        ),
    ]

    class StepTag(Message):
        """Ask the owner to select the next (+1) or previous (-1) tag."""

        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    class Export(Message):
        """Ask the app to write every point of ``sources`` (the charted runs' series of ``tag``) as CSV."""

        def __init__(self, tag: str, sources: list[ChartSource]) -> None:
            super().__init__()
            self.tag = tag
            self.sources = sources

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tag: str | None = None
        self.sources: list[ChartSource] = []
        #: What the chart says without a tag (its owner says why: PaneContext.why_empty).
        self.empty_message = "No scalar data for the visible runs"
        self._sources_key: tuple = ()
        self.options = ChartOptions()
        self.x_range: tuple[float, float] | None = None
        self.cursor_x: float | None = None
        #: How the readout is ordered (one of READOUT_SORTS) and its first shown run.
        self.readout_order = READOUT_SORTS[0]
        self.readout_top = 0
        self.cache = SmoothCache()
        #: Each run's ranges and drawn cells, so a frame that differs in a few runs (one hidden, the
        #: filter, a run that gained points) draws only those (tui.render.layers).
        self.kept = ChartLayers()
        #: The last frame drawn (tests and the cursor keys read it).
        self.last: ChartRender | None = None
        self.last_series: list[ChartSeries] = []
        self.last_readout: list[Text] = []
        self._requests: NewestOnly[_Request] = NewestOnly()
        #: Draw the next frame on the event loop even if heavy (the worker's attempt failed).
        self._in_place = False
        #: The worker's last frame: what it showed (``_Request.view``), when it was done, its cost.
        self._last_built: tuple[tuple, float, float] | None = None
        self._data_timer: Timer | None = None
        #: The tag of the frame on screen (its title row; see :meth:`_retitle`).
        self._frame_tag: str | None = None
        #: The first pass reads (see :data:`BACKGROUND_LOADING_RUNS`).
        self._loading = False
        #: The tags next to this one (see :meth:`show`), the last frame the worker drew, and the
        #: charts whose runs' cells are kept, as (tag, :attr:`_Request.look`): drawn, or drawn ahead.
        self._ahead: Ahead = ()
        self._ahead_box: NewestOnly[tuple[_Request, Ahead]] = NewestOnly()
        self._last_request: _Request | None = None
        self._prepared: set[tuple] = set()
        self._drawing = False

    class Drawn(Message):
        """A frame the worker drew for ``request``."""

        def __init__(self, request: _Request, frame: Frame | None) -> None:
            super().__init__()
            self.request = request
            self.frame = frame

    # -- inputs ---------------------------------------------------------------------------------

    def show(
        self,
        tag: str | None,
        sources: list[ChartSource],
        options: ChartOptions,
        *,
        ahead: Ahead = (),
        loading: bool = False,
    ) -> None:
        """Chart ``tag`` from ``sources``; repaints only when something drawn would change.

        ``loading``: the first pass still reads (see :data:`BACKGROUND_LOADING_RUNS`).

        ``ahead``: the tags a key may show next, drawn in a worker once this chart is on screen (a
        heavy one, for a view the user asked for, not only new points), so that key finds its runs'
        cells kept (tui.render.layers) instead of drawing 2,000 lines; it gives way to any frame
        asked for meanwhile.
        """
        if options.x_mode != self.options.x_mode:
            self.x_range = None
            self.cursor_x = None
        self.tag, self.sources, self.options, self._loading = tag, sources, options, loading
        # Keyed once per push, not on each of the several looks a push and a key take (2,000 runs).
        self._sources_key = tuple(s.key for s in sources)
        was, self._ahead = self._ahead, ahead
        self.repaint_if_changed()
        if ahead and not was:
            # The first pass just ended: what was drawn while it read holds a part of the points.
            self._prepared.clear()
            if self._last_request is not None:
                self._draw_ahead(self._last_request)

    def frame_key(self) -> tuple:
        return (
            self.tag,
            self.empty_message if self.tag is None else None,
            self._sources_key,
            self.options,
            self.x_range,
            self.cursor_x,
            self.readout_order,
            self.readout_top,
        )

    # -- drawing --------------------------------------------------------------------------------

    def paint(self, width: int, height: int) -> list[Text] | None:
        if self.tag is None or not any(len(s.series) for s in self.sources):
            self.last, self.last_series, self.last_readout = None, [], []
            if self.tag is None:
                return message_lines(width, height, self.empty_message)
            return message_lines(width, height, f"{self.tag!r}: no points yet")
        request = _Request(
            self.shown_key,
            self.tag,
            self.sources,
            self.options,
            width,
            height,
            self.x_range,
            self.cursor_x,
            self.readout_order,
            self.readout_top,
        )
        heavy = _heavy(self.sources)
        loading = self._loading and len(self.sources) > BACKGROUND_LOADING_RUNS
        if self.drawn and not self._in_place and (heavy or loading):
            # The frame on screen stays until the worker has the new one: the key that asked for it
            # (the next tag, the next run) answers at once, and keys pressed meanwhile only leave
            # their newest frame to draw.
            wait = self._data_wait(request) if heavy else 0.0
            if wait > 0:
                self.shown_key = None  # drawn when the timer fires
                if self._data_timer is None:
                    self._data_timer = self.set_timer(wait, self._data_due)
                return None
            if self._requests.offer(request):
                self._draw_worker()
            self._retitle(width)
            self._relegend(width)
            return None
        self._in_place = False
        return self._take_frame(request.build(self.cache, self.kept), request)

    def _retitle(self, width: int) -> None:
        """Show the new tag's name on the frame still on screen while the worker draws its chart: the
        key that changed the tag answers with it at once (the lines follow when drawn)."""
        last, tag = self.last, self.tag
        if last is None or tag is None or tag == self._frame_tag or not last.lines or not self._strips:
            return
        if last.lines[0].plain.rstrip() != title_line(self._frame_tag or "", width).plain.rstrip():
            return  # no title row (a short chart), or it is already this tag's
        self.set_line(0, fit(title_line(tag, width), width))
        self.refresh(Region(0, 0, width, 1))

    def _relegend(self, width: int) -> None:
        """Show the legend of the runs now charted on the frame still on screen while the worker draws
        their lines: a run toggled (or filtered) among thousands answers in the chart at once, as the
        runs pane does. Its line seldom changes a cell others do not cover: the worker's frame, equal
        but for those, follows. Left alone under a cursor (its legend holds values at the cursor)."""
        last = self.last
        if last is None or self.cursor_x is not None or not 0 < last.plot_top <= len(self._strips):
            return
        row = last.plot_top - 1
        if last.lines[row].plain != legend_line(self.last_series, width).plain:
            return  # that row holds no legend (a title alone), or one of another width
        legend = legend_line([s for s in self.sources if len(s.series)], width)
        if legend != self._texts[row]:
            self.set_line(row, legend)
            self.refresh(Region(0, row, width, 1))

    def _data_wait(self, request: _Request) -> float:
        """Seconds this heavy frame waits: >0 only when it adds points to the last one drawn."""
        last = self._last_built
        if last is None or last[0] != request.view:
            return 0.0
        _, finished, cost = last
        return finished + max(DATA_REDRAW_MIN, DATA_REDRAW_FACTOR * cost) - time.monotonic()

    def _data_due(self) -> None:
        self._data_timer = None
        self.repaint_if_changed()

    def _take_frame(self, frame: Frame, request: _Request) -> list[Text]:
        chart, readout, series = frame
        self._frame_tag = request.tag
        self.last, self.last_series, self.last_readout = chart, series, readout
        return chart.lines + readout

    @work(thread=True, group="chart-draw", exit_on_error=False)
    def _draw_worker(self) -> None:
        """Draw the newest requested frame, one at a time, off the event loop."""
        while (request := self._requests.take()) is not None:
            if self._requests.newer:
                continue
            started = time.monotonic()
            self._drawing = True  # what is drawn ahead gives way (see _ahead_worker)
            try:
                frame = request.build(self.cache, self.kept)
            except Exception:
                frame = None  # drawn again on the event loop, where a failure becomes a notice
            else:
                finished = time.monotonic()
                self._last_built = (request.view, finished, finished - started)
            finally:
                self._drawing = False
            self.post_message(self.Drawn(request, frame))

    def on_scalar_chart_drawn(self, message: Drawn) -> None:
        message.stop()
        if message.request.key != self.shown_key:
            return  # overtaken: a newer frame is on its way
        if message.frame is None:
            self.shown_key, self._in_place = None, True
            self.refresh()
            return
        old = self._strips
        self.set_lines(self._take_frame(message.frame, message.request))
        regions = changed_regions(old, self._strips) if old else None
        if regions is None:
            self.refresh()
        elif regions:
            self.refresh(*regions)
        self._last_request = message.request
        self._draw_ahead(message.request)

    def _draw_ahead(self, request: _Request) -> None:
        """Offer the worker the tags next to ``request``'s whose charts were not drawn as it looks.

        Only the look counts, not the runs: a toggle or the filter leaves each run's cells as they
        were (a run shown again is sampled then, alone), so drawing ahead after them would only look
        up 2,000 runs' cells twice a key; a new point leaves the others' too."""
        if not self._ahead:
            return  # the first pass reads: the data changes under anything drawn ahead
        if len(self._prepared) > 256:
            self._prepared.clear()
        self._prepared.add((request.tag, request.look))
        todo = tuple((tag, find) for tag, find in self._ahead if (tag, request.look) not in self._prepared)
        if todo and self._ahead_box.offer((request, todo)):
            self._ahead_worker()

    def _give_way(self) -> bool:
        """Whether a draw ahead of need stops: a frame is being drawn or waits, or newer neighbours do."""
        return self._drawing or self._requests.newer or self._ahead_box.newer

    @work(thread=True, group="chart-ahead", exit_on_error=False)
    def _ahead_worker(self) -> None:
        """Draw the charts of the tags next to ``request``'s, as ``request`` would draw them, for their
        cells to be kept; gives up as soon as a frame is asked for (or newer neighbours are)."""
        while (job := self._ahead_box.take()) is not None:
            request, ahead = job
            layers = self.kept.until(self._give_way)
            for tag, find in ahead:
                try:
                    layers.check()
                    sources = find()
                    if _heavy(sources):
                        replace(request, tag=tag, sources=sources).build(self.cache, layers)
                    self._prepared.add((tag, request.look))
                except Interrupted:
                    break
                except Exception:
                    break  # drawn ahead only: the frame itself, if asked for, says what failed

    # -- cursor, zoom and pan ---------------------------------------------------------------------

    def _ensure_frame(self) -> ChartRender | None:
        # Drawn through repaint when a frame is on screen, so what the keys act on is what shows.
        if self.drawn and self.region:
            self.repaint()
        else:
            self.draw()
        return self.last

    def _set_cursor(self, x: float | None) -> None:
        self.cursor_x = x
        self.repaint()

    def action_cursor(self, steps: int) -> None:
        """Move the cursor ``steps`` logged points along (the union over the drawn runs), scrolling a
        zoomed window along when the cursor walks off it."""
        chart = self._ensure_frame()
        if chart is None or chart.plot_width <= 0:
            return
        if self.cursor_x is None:
            self.action_cursor_end(1 if steps < 0 else 0)
            return
        x = step_along(union_points(s.x for s in self.last_series), self.cursor_x, steps)
        if x is None:
            return
        lo, hi = chart.x_range
        if (x < lo or x > hi) and self.x_range is not None:
            shift = x - (hi if x > hi else lo)
            self.x_range = (lo + shift, hi + shift)
        self._set_cursor(x)

    def action_cursor_end(self, last: int) -> None:
        chart = self._ensure_frame()
        if chart is None:
            return
        xs = [s.x for s in self.last_series if len(s.x)]
        if not xs:
            return
        lo, hi = chart.x_range
        inside = [a[(a >= lo) & (a <= hi)] for a in xs]
        inside = [a for a in inside if a.size]
        if not inside:
            return
        x = max(float(a.max()) for a in inside) if last else min(float(a.min()) for a in inside)
        self._set_cursor(x)

    def action_readout_order(self) -> None:
        self.readout_order = READOUT_SORTS[(READOUT_SORTS.index(self.readout_order) + 1) % len(READOUT_SORTS)]
        self.readout_top = 0
        self.repaint()

    def action_readout_scroll(self, delta: int) -> None:
        # Clamped to what can scroll: the readout shows a header and up to a third of the height.
        rows = len(self.last.cursor) if self.last is not None else 0
        shown = max(min(rows + 1, max(self.size.height // 3, 4)) - 1, 1)
        self.readout_top = min(max(self.readout_top + delta, 0), max(rows - shown, 0))
        self.repaint()

    def action_hide_cursor(self) -> None:
        self._set_cursor(None)

    def action_export(self) -> None:
        if self.tag is not None and self.sources:
            self.post_message(self.Export(self.tag, list(self.sources)))

    def action_next_tag(self, delta: int) -> None:
        self.post_message(self.StepTag(delta))

    def action_zoom(self, factor: float) -> None:
        chart = self._ensure_frame()
        if chart is None:
            return
        lo, hi = chart.x_range
        centre = self.cursor_x if self.cursor_x is not None and lo <= self.cursor_x <= hi else (lo + hi) / 2
        self._zoom_at(centre, factor)

    def _zoom_at(self, centre: float, factor: float) -> None:
        chart = self.last
        if chart is None:
            return
        lo, hi = chart.x_range
        new_lo = centre - (centre - lo) * factor
        new_hi = centre + (hi - centre) * factor
        full = self._full_x()
        if full is not None and new_lo <= full[0] and new_hi >= full[1]:
            self.x_range = None  # zoomed out to everything: follow new data again
        elif new_hi - new_lo > 0 and math.isfinite(new_lo) and math.isfinite(new_hi):
            self.x_range = (new_lo, new_hi)
        self.repaint()

    def _full_x(self) -> tuple[float, float] | None:
        xs = [s.x for s in self.last_series if len(s.x)]
        if not xs:
            return None
        return min(float(a.min()) for a in xs), max(float(a.max()) for a in xs)

    def action_pan(self, fraction: float) -> None:
        chart = self._ensure_frame()
        if chart is None:
            return
        lo, hi = chart.x_range
        shift = (hi - lo) * fraction
        self.x_range = (lo + shift, hi + shift)
        self.repaint()

    def action_reset_view(self) -> None:
        self.x_range = None
        self.cursor_x = None
        self.repaint()

    # -- mouse ----------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        self.focus()
        chart = self._ensure_frame()
        offset = event.get_content_offset(self)
        if chart is None or offset is None:
            return
        x = chart.x_at_column(offset.x)
        if x is not None:
            self._set_cursor(x)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self._wheel(event.get_content_offset_capture(self).x, 0.8)
        event.stop()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self._wheel(event.get_content_offset_capture(self).x, 1.25)
        event.stop()

    def _wheel(self, column: int, factor: float) -> None:
        chart = self._ensure_frame()
        if chart is None:
            return
        x = chart.x_at_column(column)
        lo, hi = chart.x_range
        self._zoom_at(x if x is not None else (lo + hi) / 2, factor)
