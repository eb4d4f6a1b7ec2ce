"""One histogram tag drawn for one run, or for several runs side by side: the Histograms tab's plot.

The view shows TensorBoard's two histogram modes through the pure renderers in tui/render/ridgeline.py:
*offset* (a ridgeline, oldest slice at the back, newest in front) and *overlay* (every slice as a line on
one axis). A step cursor highlights one slice and a readout under the plot gives that step's min, max,
count, mean and std (the newest step's when no cursor is set). Slices are named after the app's x mode: by
step, by time since the run's first event, or by wall-clock time, and the readout adds that time.

Why the caching below: a tag can hold thousands of steps of hundreds of buckets, and live runs append a
step at a time. The derived arrays (value range, rebinned counts, percentiles) are therefore kept per
series and *extended* with just the new steps when the series only grew, and recomputed only after a purge
or a range change. When a computation would still be big (a cold start on a huge series) it runs in a
thread worker while the previous frame stays on screen, so the event loop never stalls.

:class:`HistogramPlotBase` holds everything both the histogram and the distribution views share (sources,
cursor, side-by-side panels, header and readout lines, caching and the worker); subclasses say how to
prepare the arrays and draw one panel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message

from tui.model.histograms import (
    DEFAULT_BINS,
    histogram_stats,
    widen_range,
)
from tui.model.series import HistogramSeries, HistogramSnapshot
from tui.render.cells import blank_lines, fit, message_lines
from tui.render.ridgeline import CURSOR_COLOR, render_overlay, render_ridgeline
from tui.render.rows import fit_name
from tui.render.safe_text import SafeText
from tui.render.ticks import format_number, format_step, slice_labels
from tui.views.cache import HistogramData
from tui.views.cursor import step_along
from tui.views.safe import inert
from tui.views.selection import PaneContext
from tui.widgets.line_widget import LineWidget

__all__ = [
    "MODES",
    "OFFLOAD_ROWS",
    "HistSource",
    "HistogramPlotBase",
    "HistogramView",
    "PlotPanel",
    "count_steps",
    "nearest_index",
]

#: Histogram display modes, as TensorBoard names them.
MODES = ("offset", "overlay")

#: Bucket rows above which a computation that is not cached yet moves to a thread worker. Rebinning runs at
#: roughly 20-25 M rows a second, so this is about 10 ms of work on the event loop.
OFFLOAD_ROWS = 250_000

#: Narrowest panel when runs are laid side by side (the readout and axis labels need about this much).
MIN_PANEL_WIDTH = 32
#: Cells a run's name keeps in a title before anything after it gives way.
MIN_TITLE_NAME = 8
PANEL_GAP = 2


@dataclass(frozen=True, slots=True)
class HistSource:
    """One run's series of the shown tag, named as the runs pane names the run: its ``marker`` letter
    and its ``label`` (the name without the prefix every visible run shares; ``short``: its shorter
    forms, tui.views.runs.shorter_forms)."""

    run: str
    color: str
    series: HistogramSeries
    marker: str = ""
    label: str = ""
    short: tuple[str, ...] = ()

    @classmethod
    def of(cls, ctx: PaneContext, run: str, series: HistogramSeries) -> HistSource:
        """``run``'s source with the colour, marker and names ``ctx`` gives it."""
        marker, label, short = ctx.source_names(run)
        return cls(run, ctx.color(run), series, marker, label, short)

    def name_in(self, width: int) -> str:
        """The run's name in at most ``width`` cells, cut as the legend cuts it (tui.render.rows.fit_name)."""
        return fit_name(inert(self.label or self.run), tuple(inert(f) for f in self.short), max(width, 1))

    def head(self, *, bold_name: bool = True) -> tuple[Text, Style]:
        """``■ A `` in the run's colour (the letter tells runs apart without colour) and the name's style."""
        color = Style(color=self.color)
        t = SafeText(no_wrap=True, end="")
        t.append("■ ", style=color)
        if self.marker:
            t.append(f"{self.marker} ", style=color + Style(bold=True))
        return t, color + Style(bold=bold_name)


def nearest_index(steps: np.ndarray, step: int | None) -> int | None:
    """Index of ``step`` in ``steps``, or of the closest step when it is absent (None if no steps)."""
    if step is None or len(steps) == 0:
        return None
    hits = np.flatnonzero(steps == step)
    if hits.size:
        return int(hits[-1])
    return int(np.argmin(np.abs(steps.astype(np.float64) - float(step))))


# -------------------------------------------------------------------------------------- text helpers


def _wrap_items(items: list[Text], width: int, max_lines: int) -> list[Text]:
    """Lay ``label value`` items out left to right, two blanks apart, on at most ``max_lines`` lines."""
    lines: list[Text] = []
    current = Text(no_wrap=True, end="")
    for item in items:
        need = item.cell_len + (2 if current.cell_len else 0)
        if current.cell_len and current.cell_len + need > width:
            lines.append(current)
            current = Text(no_wrap=True, end="")
            need = item.cell_len
        if current.cell_len:
            current.append("  ")
        current.append_text(item)
    if current.cell_len:
        lines.append(current)
    return [fit(line, width, overflow="ellipsis") for line in lines[:max_lines]]


def readout_item(label: str, value: str, *, style: Style | str = "bold") -> Text:
    t = Text(no_wrap=True, end="")
    t.append(label + " ", style=Style(dim=True))
    t.append(value, style=style)
    return t


def format_count(count: float) -> str:
    if np.isfinite(count) and float(count).is_integer() and abs(count) < 1e15:
        return f"{int(count):,}"
    return format_number(count, 4)


def count_steps(n: int) -> str:
    return f"{n:,} step" + ("" if n == 1 else "s")


def step_item(step: int, *, cursor: bool) -> Text:
    """``step 120`` in the cursor colour for the cursor step, ``latest 300`` dimmer otherwise."""
    if cursor:
        return readout_item("step", format_step(step), style=Style(color=CURSOR_COLOR, bold=True))
    return readout_item("latest", format_step(step))


# --------------------------------------------------------------------------------------- the base view


@dataclass(slots=True)
class PlotPanel:
    source: HistSource
    snap: HistogramSnapshot
    epoch: int


class HistogramPlotBase(LineWidget, can_focus=True):
    """Shared machinery of the histogram and distribution views (see the module docstring).

    Subclasses implement :meth:`needs_work`, :meth:`prepare`, :meth:`render_panel`, :meth:`readout`
    and :meth:`mode_label`.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "cursor(-1)", "Cursor ← step", show=False),
        Binding("right,l", "cursor(1)", "Cursor → step", show=False),
        Binding("shift+left,H", "cursor(-10)", "Cursor ← 10 steps", show=False),
        Binding("shift+right,L", "cursor(10)", "Cursor → 10 steps", show=False),
        Binding("home,g", "cursor_end(0)", "Cursor to first step", show=False),
        Binding("end,G", "cursor_end(1)", "Cursor to last step", show=False),
        Binding("escape", "hide_cursor", "Hide cursor", show=False),
        Binding("down,j", "next_tag(1)", "Next tag", show=False),
        Binding("up,k", "next_tag(-1)", "Previous tag", show=False),
    ]

    #: Shown when there is nothing to draw.
    EMPTY = "No histogram data for the visible runs"

    class StepTag(Message):
        """Ask the owner to select the next (+1) or previous (-1) tag."""

        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    class Prepared(Message):
        """The worker finished preparing arrays (or failed with ``error``): redraw from the cache."""

        def __init__(self, error: str | None = None) -> None:
            super().__init__()
            self.error = error

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.tag: str | None = None
        self.sources: list[HistSource] = []
        self.side_by_side = False
        self.x_mode = "step"
        self.cursor_step: int | None = None
        self.data = HistogramData()
        #: Bucket rows above which uncached work goes to a thread (tests lower it to exercise the worker).
        self.offload_rows = OFFLOAD_ROWS
        #: The last frame drawn, as text (tests and the screenshot script read it).
        self.last_lines: list[Text] = []
        #: Lines at the bottom of the last frame that hold the step readout.
        self.readout_height = 0
        #: Runs drawn in the last frame, in panel order.
        self.shown_runs: list[str] = []
        self._pending: tuple | None = None
        self._pending_data: tuple = ()
        #: (tag and data versions, error) of the last worker that failed.
        self._failed: tuple[tuple, str] | None = None

    @property
    def subject(self) -> str:
        runs = ", ".join(s.run for s in self.sources[:3]) + (", …" if len(self.sources) > 3 else "")
        return f"{self.tag or ''} of {runs}" if runs else self.tag or ""

    # -- inputs ---------------------------------------------------------------------------------

    def show(
        self, tag: str | None, sources: list[HistSource], *, side_by_side: bool = False, x_mode: str = "step"
    ) -> None:
        """Draw ``tag`` from ``sources``; repaints only when something drawn would change."""
        self.tag, self.sources = tag, list(sources)
        self.side_by_side, self.x_mode = side_by_side, x_mode
        if self.current_key() != self.shown_key:
            self.refresh()

    def view_state(self) -> tuple:
        """What else the subclass draws from (e.g. the mode); part of the frame key."""
        return ()

    def frame_key(self) -> tuple:
        return (
            self.tag,
            tuple((s.run, s.color, id(s.series), s.series.version) for s in self.sources),
            self.side_by_side,
            self.x_mode,
            self.cursor_step,
            self.view_state(),
            self.EMPTY if self.tag is None else None,
        )

    # -- for subclasses -------------------------------------------------------------------------

    def needs_work(self, panels: list[PlotPanel]) -> bool:
        """True when :meth:`prepare` would compute something not cached yet."""
        raise NotImplementedError

    def prepare(self, panels: list[PlotPanel]) -> list[Any]:
        """The arrays each panel draws from (computed or from the cache). Runs on any thread."""
        raise NotImplementedError

    def render_panel(
        self, panel: PlotPanel, prepared: Any, width: int, height: int, cursor: int | None
    ) -> list[Text]:
        raise NotImplementedError

    def readout(self, panel: PlotPanel, prepared: Any, index: int, cursor: bool) -> list[Text]:
        """Readout items for step ``index`` of the panel's snapshot."""
        raise NotImplementedError

    def mode_label(self) -> str:
        return ""

    # -- panels ---------------------------------------------------------------------------------

    def panel_sources(self, width: int) -> list[HistSource]:
        """The sources that get a panel: one, or as many side by side as the width allows."""
        if not self.sources:
            return []
        if not self.side_by_side:
            return self.sources[:1]
        fit = max(1, (width + PANEL_GAP) // (MIN_PANEL_WIDTH + PANEL_GAP))
        return self.sources[:fit]

    def all_steps(self) -> np.ndarray:
        """Every step of the panels drawn last, sorted (the cursor moves through these)."""
        arrays = [s.series.steps for s in self.sources if s.run in self.shown_runs]
        arrays = [a for a in arrays if len(a)]
        if not arrays:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(arrays))

    # -- drawing --------------------------------------------------------------------------------

    def paint(self, width: int, height: int) -> list[Text] | None:
        key = self.frame_key()
        sources = [s for s in self.panel_sources(width) if len(s.series)]
        panels = [PlotPanel(s, *self.data.snapshot(s.series)) for s in sources]
        rows = sum(len(p.snap.rows) for p in panels)
        if self._failed is not None and self._failed[0] == key[:2]:  # same tag, same data: don't retry
            return message_lines(width, height, f"Could not prepare this tag:\n{self._failed[1]}")
        if panels and rows > self.offload_rows and self.needs_work(panels):
            self._start_worker(key, panels)
            self.shown_key = None  # provisional: the worker's Prepared message draws again
            if self.drawn:
                return None  # keep the previous frame until then
            return message_lines(width, height, f"Preparing {sum(len(p.snap) for p in panels):,} steps…")
        return self.build_lines(panels, width, height)

    def set_lines(self, lines: list[Text]) -> None:
        self.last_lines = lines
        super().set_lines(lines)

    def _start_worker(self, key: tuple, panels: list[PlotPanel]) -> None:
        """Prepare ``panels`` on a thread; one at a time, so slow work never piles up behind new data."""
        if self._pending is not None:
            return  # the running worker's Prepared message redraws; new steps then cost only themselves
        self._pending = key
        self._pending_data = key[:2]

        def work() -> None:
            error = None
            try:
                self.prepare(panels)
            except Exception as e:  # shown in the view rather than retried forever
                error = f"{type(e).__name__}: {e}"
            self.post_message(self.Prepared(error))

        self.run_worker(work, thread=True, group="histogram-prepare", exclusive=False, exit_on_error=False)

    def on_histogram_plot_base_prepared(self, event: Prepared) -> None:
        event.stop()
        self._pending = None
        self._failed = (self._pending_data, event.error) if event.error else None
        self.shown_key = None
        self.refresh()

    def build_lines(self, panels: list[PlotPanel], width: int, height: int) -> list[Text]:
        """The whole frame: header, one plot per panel, and the readout under each (``height`` lines)."""
        self.shown_runs = [p.source.run for p in panels]
        self.readout_height = 0
        if width <= 0 or height <= 0:
            return blank_lines(width, height)
        if self.tag is None or not self.sources:
            return message_lines(width, height, self.EMPTY)
        if not panels:
            return message_lines(width, height, f"{self.tag}: no steps yet")
        prepared = self.prepare(panels)
        k = len(panels)
        widths = [(width - PANEL_GAP * (k - 1)) // k] * k
        widths[-1] = width - PANEL_GAP * (k - 1) - sum(widths[:-1])

        header = [self._title(panels, width)] if height >= 6 else []
        if k > 1 and height >= 8:
            header.append(self._panel_titles(panels, widths))
        readouts: list[list[Text]] = []
        if height >= 8:
            max_lines = 3 if height >= 16 else 1
            for panel, prep, pw in zip(panels, prepared, widths, strict=True):
                index = nearest_index(panel.snap.steps, self.cursor_step)
                cursor = index is not None
                if index is None:
                    index = len(panel.snap) - 1
                readouts.append(_wrap_items(self.readout(panel, prep, index, cursor), pw, max_lines))
        stats_h = max((len(r) for r in readouts), default=0)
        self.readout_height = stats_h
        plot_h = max(height - len(header) - stats_h, 1)

        columns: list[list[Text]] = []
        for i, (panel, prep, pw) in enumerate(zip(panels, prepared, widths, strict=True)):
            cursor = nearest_index(panel.snap.steps, self.cursor_step)
            col = self.render_panel(panel, prep, pw, plot_h, cursor)
            if readouts:
                col = col + readouts[i] + blank_lines(pw, stats_h - len(readouts[i]))
            columns.append(col)
        gap = Text(" " * PANEL_GAP, end="")
        body = [
            Text.assemble(*_interleave([c[r] for c in columns], gap), no_wrap=True, end="")
            for r in range(plot_h + stats_h)
        ]
        lines = header + body
        fitted = [fit(t, width, overflow="ellipsis") for t in lines[:height]]
        return fitted + blank_lines(width, height - len(lines))

    def _title(self, panels: list[PlotPanel], width: int) -> Text:
        t = SafeText(no_wrap=True, end="")
        if len(panels) == 1 and not self.side_by_side:
            p = panels[0]
            t, name_style = p.source.head()
            tail = SafeText(no_wrap=True, end="")
            tail.append("  ")
            tail.append(self.tag or "", style=Style(bold=True))
            # The mode (what m switches) before the count: a narrow pane cut it to "· of…". What
            # gives way: the run's name (cut as the legend cuts it) down to a few cells, then the
            # count (the readout has the steps), then the tag's end with an ellipsis.
            mode = self.mode_label()
            count = count_steps(len(p.snap))
            name_w = min(MIN_TITLE_NAME, len(p.source.name_in(MIN_TITLE_NAME * 4)))
            if t.cell_len + name_w + tail.cell_len + len(f"  {mode} · {count}") > width:
                count = ""
            parts = [f"  {mode}" if mode else "", count and (" · " if mode else "  ") + count]
            tail.append("".join(parts), style=Style(dim=True))
            room = max(width - t.cell_len - tail.cell_len, MIN_TITLE_NAME)
            t.append(p.source.name_in(room), style=name_style)
            t.append_text(tail)
        else:
            t.append(self.tag or "", style=Style(bold=True))
            shown = len(panels)
            total = len(self.sources)
            noun = "run" if total == 1 else "runs"
            runs = (
                f"{shown} {noun} side by side" if shown == total else f"{shown} of {total} runs side by side"
            )
            t.append(f"  {runs}", style=Style(dim=True))
            mode = self.mode_label()
            if mode:
                t.append(f"  · {mode}", style=Style(dim=True))
        for p in panels:
            odd = self.data.oddities(p.source.series, p.snap, p.epoch)
            if odd:
                who = "" if len(panels) == 1 else f"{p.source.marker or p.source.name_in(width // 3)}: "
                t.append(f"  ⚠ {who}{odd}", style=Style(color="yellow"))
                break
        return fit(t, width, overflow="ellipsis")

    def _panel_titles(self, panels: list[PlotPanel], widths: list[int]) -> Text:
        parts = []
        for p, pw in zip(panels, widths, strict=True):
            t, name_style = p.source.head()
            count = f" {count_steps(len(p.snap))}"
            t.append(p.source.name_in(max(pw - t.cell_len - len(count), 8)), style=name_style)
            t.append(count, style=Style(dim=True))
            parts.append(fit(t, pw, overflow="ellipsis"))
        return Text.assemble(*_interleave(parts, Text(" " * PANEL_GAP, end="")), no_wrap=True, end="")

    # -- cursor ---------------------------------------------------------------------------------

    def _set_cursor(self, step: int | None) -> None:
        self.cursor_step = step
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        steps = self.all_steps()
        if not len(steps):
            return
        step = step_along(steps, self.cursor_step, delta)
        self._set_cursor(None if step is None else int(step))

    def action_cursor_end(self, last: int) -> None:
        steps = self.all_steps()
        if len(steps):
            self._set_cursor(int(steps[-1] if last else steps[0]))

    def action_hide_cursor(self) -> None:
        self._set_cursor(None)

    def action_next_tag(self, delta: int) -> None:
        self.post_message(self.StepTag(delta))


def _interleave(parts: list[Text], sep: Text) -> list[Text]:
    out: list[Text] = []
    for i, p in enumerate(parts):
        if i:
            out.append(sep.copy())
        out.append(p)
    return out


# -------------------------------------------------------------------------------------- the histograms


@dataclass(frozen=True, slots=True)
class _Rebinned:
    value_range: tuple[float, float]
    counts: np.ndarray  # [n, bins]


class HistogramView(HistogramPlotBase):
    """The Histograms tab's plot: offset (ridgeline) or overlay, one run or several side by side.

    Side by side, every panel is rebinned over the union of the runs' ranges so the value axes line up and
    shapes compare directly.
    """

    HELP_TITLE = "Histogram plot"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.mode = "offset"

    def view_state(self) -> tuple:
        return (self.mode,)

    def mode_label(self) -> str:
        return self.mode

    def set_mode(self, mode: str) -> None:
        if mode in MODES and mode != self.mode:
            self.mode = mode
            self.refresh()

    def toggle_mode(self) -> None:
        self.set_mode(MODES[(MODES.index(self.mode) + 1) % len(MODES)])

    def _ranges(self, panels: list[PlotPanel]) -> list[tuple[float, float]]:
        raw = [self.data.value_range(p.source.series, p.snap, p.epoch) for p in panels]
        if len(panels) > 1:
            lo = float(np.fmin.reduce([r[0] for r in raw]))
            hi = float(np.fmax.reduce([r[1] for r in raw]))
            return [widen_range(lo, hi)] * len(panels)
        return [widen_range(*r) for r in raw]

    def needs_work(self, panels: list[PlotPanel]) -> bool:
        for p in panels:
            if not self.data.is_current("range", p.source.series, p.epoch, len(p.snap)):
                return True
        for p, r in zip(panels, self._ranges(panels), strict=True):
            if not self.data.is_current("rebin", p.source.series, p.epoch, len(p.snap), (*r, DEFAULT_BINS)):
                return True
        return False

    def prepare(self, panels: list[PlotPanel]) -> list[_Rebinned]:
        ranges = self._ranges(panels)
        return [
            _Rebinned(r, self.data.rebinned(p.source.series, p.snap, p.epoch, r))
            for p, r in zip(panels, ranges, strict=True)
        ]

    def render_panel(
        self, panel: PlotPanel, prepared: _Rebinned, width: int, height: int, cursor: int | None
    ) -> list[Text]:
        draw = render_overlay if self.mode == "overlay" else render_ridgeline
        return draw(
            prepared.counts,
            panel.snap.steps,
            width,
            height,
            value_range=prepared.value_range,
            cursor_index=cursor,
            labels=self._labels(panel),
        )

    def _labels(self, panel: PlotPanel) -> Sequence[str] | None:
        snap = panel.snap
        return slice_labels(snap.steps, snap.wall_times, self.x_mode)

    def readout(self, panel: PlotPanel, prepared: _Rebinned, index: int, cursor: bool) -> list[Text]:
        stats = histogram_stats(panel.snap.histogram(index))
        items = [step_item(int(panel.snap.steps[index]), cursor=cursor)]
        labels = self._labels(panel)
        if labels is not None:  # the same text as the slice's label, so the two read alike
            items.append(readout_item("at", labels[index]))
        return [
            *items,
            readout_item("min", format_number(stats.min, 4)),
            readout_item("max", format_number(stats.max, 4)),
            readout_item("count", format_count(stats.count)),
            readout_item("mean", format_number(stats.mean, 4)),
            readout_item("std", format_number(stats.std, 4)),
        ]
