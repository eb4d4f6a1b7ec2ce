"""The PR Curves tab: precision against recall per tag, one line per visible run, with a step slider.

As in TensorBoard's PR curves dashboard, each tag is one chart with a line per run, and a step slider
picks which step's curve is drawn (a run that did not log at that step shows its latest curve before
it). The cursor is a recall value (``h``/``l``): each run's threshold nearest to it is spelled out
under the chart with its precision, recall and TP/FP/TN/FN, like TensorBoard's tooltip.

Curves are decoded (:func:`tui.model.pr_curves.read_pr_curves`) in a worker thread and cached per
series version, so the event loop only draws.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from tui.model.pr_curves import PrCurveSeries, read_pr_curves
from tui.model.tags import group_tags
from tui.render.pr_chart import AXES, PrChart, PrLine, pr_readout, render_pr_chart
from tui.render.safe_text import SafeText
from tui.tfevents.decode import PR_CURVES
from tui.views.cache import LruCache
from tui.views.cursor import step_along, union_points
from tui.views.selection import PaneContext
from tui.widgets.lines_view import LinesView
from tui.widgets.step_slider import StepSlider
from tui.widgets.stepped_pane import SteppedPane
from tui.widgets.tag_list import TagList

__all__ = ["PrChartView", "PrCurvesPane"]

#: Cursor readout lines under the chart at most (one per run; the rest are counted).
READOUT_LINES = 4

SeriesKey = tuple[str, str, int, int]  # run, tag, id(series), version
#: Decoded (run, tag) series kept.
CACHE_SIZE = 256


class PrChartView(LinesView, can_focus=True):
    """The chart: ``h``/``l`` move the recall cursor to the next threshold's recall, ``j``/``k`` the
    next tag."""

    HELP_TITLE = "PR curves: chart"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "cursor(-1)", "Cursor: lower recall (a threshold)", show=False),
        Binding("right,l", "cursor(1)", "Cursor: higher recall (a threshold)", show=False),
        Binding("shift+left,H", "cursor(-10)", "Cursor ← 10 thresholds", show=False),
        Binding("shift+right,L", "cursor(10)", "Cursor → 10 thresholds", show=False),
        Binding("escape", "hide_cursor", "Hide cursor", show=False),
        Binding("down,j", "next_tag(1)", "Next tag", show=False),
        Binding("up,k", "next_tag(-1)", "Previous tag", show=False),
    ]

    DEFAULT_CSS = """
    PrChartView { height: 1fr; }
    """

    class StepTag(Message):
        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.cursor_recall: float | None = None
        #: The last chart drawn.
        self.last: PrChart | None = None
        #: Every recall the drawn curves have, sorted: the places the cursor keys stop at.
        self.recalls = np.zeros(0)

    def action_cursor(self, steps: int) -> None:
        """Move the recall cursor ``steps`` thresholds along: to the next recall some drawn curve has."""
        recall = step_along(self.recalls, self.cursor_recall, steps)
        if recall is not None:
            self.cursor_recall = recall
            self.redraw()

    def action_hide_cursor(self) -> None:
        self.cursor_recall = None
        self.redraw()

    def action_next_tag(self, delta: int) -> None:
        self.post_message(self.StepTag(delta))


class PrCurvesPane(SteppedPane):
    """PR curves of the visible runs: the tag list, the step slider and the chart with its readout."""

    HELP_TITLE = "PR curves tab"

    DEFAULT_CSS = """
    PrCurvesPane .pr-title { height: 1; }
    PrCurvesPane .pr-empty { height: 1fr; padding: 1 2; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.tag: str | None = None
        #: Decoded curves by (run, tag), each checked against the series version it was read from.
        self.curves: LruCache[tuple[str, str], PrCurveSeries] = LruCache(CACHE_SIZE)
        self._pending: set[SeriesKey] = set()

    def compose(self) -> ComposeResult:
        with Horizontal(classes="stepped-body"):
            yield TagList(classes="stepped-list")
            with Vertical(classes="stepped-main"):
                yield Static("", classes="pr-title")
                yield StepSlider()
                yield PrChartView()
                yield Static("", classes="pr-empty")

    @property
    def selected_tag(self) -> str | None:
        return self.tag

    @property
    def chart(self) -> PrChartView:
        return self.query_one(PrChartView)

    # -- data -----------------------------------------------------------------------------------

    def _tags(self, ctx: PaneContext) -> list[str]:
        tags: set[str] = set()
        for name in ctx.runs:
            run = ctx.logdir.runs.get(name)
            if run is not None:
                tags.update(t for t, s in run.blobs.items() if s.plugin == PR_CURVES and len(s))
        return [t for t in tags if ctx.tag_matches(t)]

    def _keys(self, tag: str | None) -> list[SeriesKey]:
        """The (run, tag, series, version) of every visible run's series of ``tag``, in run order."""
        ctx = self.context
        if ctx is None or tag is None:
            return []
        out = []
        for name in ctx.runs:
            run = ctx.logdir.runs.get(name)
            series = run.blobs.get(tag) if run is not None else None
            if series is not None and series.plugin == PR_CURVES and len(series):
                out.append((name, tag, id(series), series.version))
        return out

    def watch_context(self, old: PaneContext | None, new: PaneContext | None) -> None:
        if new is None:
            return
        tag_list = self.query_one(TagList)
        tag_list.set_groups(group_tags(self._tags(new)))
        self._select(tag_list.selected_tag)

    def _select(self, tag: str | None) -> None:
        if tag != self.tag:
            self._follow = True
        self.tag = tag
        keys = self._keys(tag)
        missing = [k for k in keys if self._curve(k) is None and k not in self._pending]
        if missing:
            self._decode(missing)
        self._show()

    def _decode(self, keys: list[SeriesKey]) -> None:
        """Decode the series of ``keys`` in a worker (each step's tensor becomes a curve)."""
        ctx = self.context
        if ctx is None:
            return
        jobs = []
        for key in keys:
            run = ctx.logdir.runs.get(key[0])
            if run is not None:
                jobs.append((key, run))
        self._pending.update(k for k, _ in jobs)

        def work() -> dict[SeriesKey, PrCurveSeries]:
            return {key: read_pr_curves(run, [key[1]]).get(key[1]) for key, run in jobs}

        self.run_worker(work, name="pr curves", group="pr-decode", thread=True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "pr-decode" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        event.stop()
        result = event.worker.result if event.state == WorkerState.SUCCESS else None
        done = dict(result or {})
        self._pending.difference_update(done)
        for key, series in done.items():
            if series is not None:
                self.curves.put(key[:2], series, key[2:])
        if event.state == WorkerState.ERROR:
            self._pending.clear()
        self._show()

    # -- drawing --------------------------------------------------------------------------------

    def _lines(self) -> list[tuple[SeriesKey, PrCurveSeries | None]]:
        return [(k, self._curve(k)) for k in self._keys(self.tag)]

    def _curve(self, key: SeriesKey) -> PrCurveSeries | None:
        return self.curves.get(key[:2], key[2:])

    def _show(self) -> None:
        ctx = self.context
        lines = self._lines()
        slider, chart, empty = self.query_one(StepSlider), self.chart, self.query_one(".pr-empty", Static)
        title = self.query_one(".pr-title", Static)
        if ctx is None or self.tag is None or not lines:
            slider.display = chart.display = False
            empty.display = True
            title.update("")
            empty.update(
                self.empty_message(
                    "PR curves",
                    "PR curves come from torch's and tensorboardX's add_pr_curve / add_pr_curve_raw, "
                    "or TensorFlow's pr_curve summaries.",
                )
            )
            return
        step = self.follow_steps(sorted({c.step for _, s in lines if s is not None for c in s.curves}))
        waiting = sum(1 for _, s in lines if s is None)
        t = SafeText(no_wrap=True, end="")
        t.append(self.tag, style=Style(bold=True))
        t.append(f"  {len(lines)} run{'' if len(lines) == 1 else 's'}", style=Style(dim=True))
        t.append(f"  {AXES}", style=Style(dim=True))
        if waiting:
            t.append(f"  reading {waiting}…", style=Style(dim=True))
        problems = [p for _, s in lines if s is not None for p in s.problems]
        if problems:
            warn = f"  {len(problems)} unreadable step(s): {problems[0]}"
            t.append(warn, style=Style(color="yellow"))
        title.update(t)
        empty.display = False
        chart.display = True
        prs = [
            PrLine(
                k[0],
                s.at_step(step) if s is not None and step is not None else None,
                ctx.color(k[0]),
                *ctx.source_names(k[0]),
            )
            for k, s in lines
        ]
        chart.recalls = union_points(ln.curve.recall for ln in prs if ln.curve is not None)
        key = (tuple(k for k, _ in lines), tuple(s is None for _, s in lines), step, chart.cursor_recall)
        chart.show(key, lambda w, h: self._draw(prs, w, h), subject=f"PR curve {self.tag} at step {step}")

    def _draw(self, prs: list[PrLine], width: int, height: int) -> list[Text]:
        chart = self.chart
        cursor = chart.cursor_recall
        n_read = min(len(prs), READOUT_LINES) if cursor is not None and height >= 10 else 0
        pr = render_pr_chart(prs, width, height - n_read, cursor_recall=cursor)
        chart.last = pr
        out = list(pr.lines)
        if n_read:
            shown = [(ln, p) for ln, p in zip(prs, pr.points, strict=True) if p is not None]
            for ln, p in shown[: n_read - (1 if len(shown) > n_read else 0)]:
                out.append(pr_readout(ln.label or ln.run, p, width, color=ln.color, marker=ln.marker))
            if len(shown) > n_read:
                out.append(Text(f"… {len(shown) - n_read + 1} more runs".ljust(width)[:width], style="dim"))
            while len(out) < height:
                out.append(Text(" " * width))
        return out

    # -- events ---------------------------------------------------------------------------------

    def on_tag_list_selected(self, event: TagList.Selected) -> None:
        event.stop()
        self._select(event.tag)

    def on_tag_list_activated(self, event: TagList.Activated) -> None:
        event.stop()
        self.chart.focus()

    def on_pr_chart_view_step_tag(self, event: PrChartView.StepTag) -> None:
        event.stop()
        self.query_one(TagList).select_next(event.delta)

    def step_changed(self) -> None:
        self._show()
