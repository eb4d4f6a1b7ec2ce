"""The Custom Scalars tab: the chart layout the runs store (``add_custom_scalars``), chart by chart.

TensorBoard's custom scalars dashboard merges every run's layout
(:func:`tui.model.custom_scalars.merged_layout`) and shows its categories of charts. Here the
categories and their charts are a list on the left and the chosen chart fills the right, as the
Scalars tab shows one tag:

* a *multiline* chart is every visible run's scalar tags its regexes match, one line each, drawn by the
  Scalars tab's own chart widget (cursor, zoom, pan, smoothing and x axis behave the same);
* a *margin* chart is each run's value line with the band between its lower and upper tags, by step.

Without a layout the tab says how to write one.
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

from tui.model.custom_scalars import ChartSpec, CustomLayout, margin_bands, merged_layout, multiline_lines
from tui.render.chart import ChartRender, ChartSeries, append_swatch, color_for, render_chart
from tui.render.safe_text import SafeText
from tui.render.ticks import format_number, format_step
from tui.views.runs import short_names, shorter_forms
from tui.views.selection import PaneContext
from tui.widgets.lines_view import LinesView
from tui.widgets.pane import Pane
from tui.widgets.scalar_chart import ChartSource, ScalarChart
from tui.widgets.tag_list import TagList

__all__ = ["CustomScalarsPane", "MarginChart"]


class MarginChart(LinesView, can_focus=True):
    """A margin chart: value lines with their bands; ``h``/``l`` walk a cursor over the steps."""

    HELP_TITLE = "Custom scalars: margin chart"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,h", "cursor(-1)", "Cursor: earlier step", show=False),
        Binding("right,l", "cursor(1)", "Cursor: later step", show=False),
        Binding("shift+left,H", "cursor(-10)", "Cursor ← 10 steps", show=False),
        Binding("shift+right,L", "cursor(10)", "Cursor → 10 steps", show=False),
        Binding("escape", "hide_cursor", "Hide cursor", show=False),
        Binding("down,j", "next_chart(1)", "Next chart", show=False),
        Binding("up,k", "next_chart(-1)", "Previous chart", show=False),
    ]

    class StepChart(Message):
        def __init__(self, delta: int) -> None:
            super().__init__()
            self.delta = delta

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.steps = np.zeros(0, np.int64)
        self.cursor: int | None = None  # an index into steps

    def action_cursor(self, delta: int) -> None:
        if not self.steps.size:
            return
        if self.cursor is None:
            self.cursor = self.steps.size - 1 if delta < 0 else 0
        else:
            self.cursor = min(max(self.cursor + delta, 0), self.steps.size - 1)
        self.redraw()

    def action_hide_cursor(self) -> None:
        self.cursor = None
        self.redraw()

    def action_next_chart(self, delta: int) -> None:
        self.post_message(self.StepChart(delta))

    @property
    def cursor_step(self) -> int | None:
        return int(self.steps[self.cursor]) if self.cursor is not None and self.steps.size else None


def _chart_ids(category: str, charts: tuple[ChartSpec, ...]) -> list[str]:
    """A unique list entry per chart, ``category/title`` (the list shows the title under its category);
    a title used twice in a category gets `` (2)``, `` (3)`` ..."""
    seen: dict[str, int] = {}
    out = []
    for ch in charts:
        base = f"{category}/{ch.title or ch.kind}"
        seen[base] = seen.get(base, 0) + 1
        out.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
    return out


class CustomScalarsPane(Pane):
    """The merged layout's charts; the list picks one, the right side draws it."""

    HELP_TITLE = "Custom scalars tab"

    DEFAULT_CSS = """
    CustomScalarsPane { height: 1fr; }
    CustomScalarsPane .cs-body { height: 1fr; }
    CustomScalarsPane TagList { width: 36; height: 1fr; border: round $panel; }
    CustomScalarsPane TagList:focus { border: round $accent; }
    CustomScalarsPane .cs-main { width: 1fr; height: 1fr; }
    CustomScalarsPane .cs-title { height: 1; padding: 0 1; }
    CustomScalarsPane ScalarChart, CustomScalarsPane MarginChart { height: 1fr; border: round $panel; }
    CustomScalarsPane ScalarChart:focus, CustomScalarsPane MarginChart:focus { border: round $accent; }
    CustomScalarsPane .cs-empty { height: 1fr; padding: 1 2; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.layout_: CustomLayout = CustomLayout()
        self.charts: dict[str, ChartSpec] = {}
        self.chart_id: str | None = None
        self._layout_key: tuple | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="cs-body"):
            yield TagList()
            with Vertical(classes="cs-main"):
                yield Static("", classes="cs-title")
                yield ScalarChart()
                yield MarginChart()
                yield Static("", classes="cs-empty")

    @property
    def selected_chart(self) -> ChartSpec | None:
        return self.charts.get(self.chart_id) if self.chart_id else None

    # -- data -----------------------------------------------------------------------------------

    def watch_context(self, old: PaneContext | None, new: PaneContext | None) -> None:
        if new is None:
            return
        key = (id(new.logdir), new.generation)
        if key != self._layout_key:
            self._layout_key = key
            self.layout_ = merged_layout(new.logdir.runs)
            self.charts = {}
            groups = []
            for cat in self.layout_.categories:
                ids = _chart_ids(cat.title, cat.charts)
                self.charts.update(zip(ids, cat.charts, strict=True))
                if ids:
                    groups.append((cat.title, ids))
            self.query_one(TagList).set_groups(groups)
        self._select(self.query_one(TagList).selected_tag)

    def _visible_runs(self) -> dict:
        ctx = self.context
        if ctx is None:
            return {}
        return {n: ctx.logdir.runs[n] for n in ctx.runs if n in ctx.logdir.runs}

    def _select(self, chart_id: str | None) -> None:
        self.chart_id = chart_id
        ctx = self.context
        spec = self.selected_chart
        scalar, margin = self.query_one(ScalarChart), self.query_one(MarginChart)
        empty, title = self.query_one(".cs-empty", Static), self.query_one(".cs-title", Static)
        if ctx is None or spec is None or not ctx.runs:
            scalar.display = margin.display = False
            empty.display = True
            title.update(self._problems())
            # Every run hidden: say so (the chart said "no points yet", as if data had not come).
            hidden = ctx is not None and spec is not None
            empty.update(
                Text(ctx.why_empty("custom scalars"), style=Style(bold=True))
                if hidden
                else self._empty_message()
            )
            return
        empty.display = False
        t = SafeText(no_wrap=True, end="")
        t.append(spec.title or "(untitled)", style=Style(bold=True))
        if spec.kind == "multiline":
            t.append("  " + "  ".join(spec.tags), style=Style(dim=True))
            lines, problems = multiline_lines(spec, self._visible_runs())
            for why in problems:
                t.append(f"  {why}", style=Style(color="yellow"))
            sources = self._sources(lines)
            scalar.display, margin.display = True, False
            scalar.show(spec.title or " ", sources, ctx.options)
        else:
            bands = margin_bands(spec, self._visible_runs()) if spec.kind == "margin" else []
            t.append(
                "  " + "  ".join(f"{m.value} [{m.lower}, {m.upper}]" for m in spec.margins),
                style=Style(dim=True),
            )
            scalar.display, margin.display = False, True
            steps = np.unique(np.concatenate([b.steps for b in bands])) if bands else np.zeros(0, np.int64)
            if margin.cursor is not None and margin.cursor >= steps.size:
                margin.cursor = None
            margin.steps = steps
            key = (
                chart_id,
                tuple((b.run, b.spec, b.steps.size, float(b.value[-1])) for b in bands if b.steps.size),
            )
            colors = {b.run: ctx.color(b.run) for b in bands}
            margin.show(
                (key, ctx.options.log_y, tuple(colors.items())),
                lambda w, h: self._draw_margin(bands, colors, w, h),
                subject=f"margin chart {spec.title}",
            )
        title.update(t)

    def _sources(self, lines) -> list[ChartSource]:
        """One chart line per (run, tag): the run's colour when each run has one line, else a palette."""
        ctx = self.context
        assert ctx is not None
        per_run: dict[str, int] = {}
        for ln in lines:
            per_run[ln.run] = per_run.get(ln.run, 0) + 1
        one_each = all(v == 1 for v in per_run.values())
        names = [
            ln.run if one_each and len(per_run) > 1 else f"{ln.run}/{ln.tag}" if len(per_run) > 1 else ln.tag
            for ln in lines
        ]
        # The legend shows what tells the lines apart: "adam_lr1e-2/train/loss" without the "exp/"
        # they share, shorter still where room is tight (four "exp/…loss" were the whole legend).
        labels = short_names(names)
        forms = shorter_forms(list(labels.values()))
        out = []
        for i, (ln, name) in enumerate(zip(lines, names, strict=True)):
            color = ctx.color(ln.run) if one_each else color_for(i)
            # The run's marker letter, as in the runs pane and the Scalars tab: under NO_COLOR the
            # legend and readout were "●" and a cut name; a run's lines differ by their labels.
            marker = ctx.marker(ln.run)
            out.append(
                ChartSource(
                    name, color, ln.series, marker=marker, label=labels[name], short=forms[labels[name]]
                )
            )
        return out

    def _draw_margin(self, bands, colors: dict[str, str], width: int, height: int) -> list[Text]:
        margin = self.query_one(MarginChart)
        ctx = self.context
        cursor = margin.cursor_step
        series = []
        markers = {b.run: ctx.marker(b.run) if ctx is not None else "" for b in bands}
        for b in bands:
            name = b.run if len({x.spec for x in bands}) == 1 else f"{b.run}/{b.spec.value}"
            series.append(
                ChartSeries(
                    name,
                    b.steps.astype(np.float64),
                    b.value,
                    color=colors.get(b.run),
                    band=(b.lower, b.upper),
                    sorted_x=True,
                    marker=markers[b.run],
                )
            )
        readout = min(len(bands), 3) if cursor is not None and height >= 10 else 0
        chart: ChartRender = render_chart(
            series,
            width,
            height - readout,
            x_mode="step",
            log_y=bool(ctx and ctx.options.log_y),
            cursor_x=None if cursor is None else float(cursor),
            title=self.selected_chart.title if self.selected_chart else None,
        )
        out = list(chart.lines)
        for b in bands[:readout]:
            i = np.flatnonzero(b.steps == cursor)
            t = SafeText(no_wrap=True, end="")
            append_swatch(t, colors.get(b.run), markers[b.run])
            t.append(b.run)
            t.append(f"  step {format_step(int(cursor))}  " if cursor is not None else "  ", style="dim")
            if i.size:
                j = int(i[0])
                t.append(f"{format_number(float(b.value[j]), 4)}")
                t.append(
                    f"  [{format_number(float(b.lower[j]), 4)}, {format_number(float(b.upper[j]), 4)}]",
                    style="dim",
                )
            else:
                t.append("no value at this step", style="dim")
            t.truncate(width, overflow="ellipsis", pad=True)
            out.append(t)
        return out

    def _problems(self) -> Text:
        t = SafeText(no_wrap=True, end="")
        for why in self.layout_.problems[:1]:
            t.append(why, style=Style(color="yellow"))
        return t

    def _empty_message(self) -> Text:
        t = Text()
        t.append("No custom scalars layout in the loaded runs.", style=Style(bold=True))
        t.append(
            "\n\nA layout groups scalar tags into charts (several tags on one chart, or a value with a "
            "lower and upper band). Write one with add_custom_scalars() (torch, tensorboardX) or "
            "TensorFlow's custom_scalar summary; it is stored in the run under custom_scalars__config__."
        )
        return t

    # -- events ---------------------------------------------------------------------------------

    def on_tag_list_selected(self, event: TagList.Selected) -> None:
        event.stop()
        self._select(event.tag)

    def on_tag_list_activated(self, event: TagList.Activated) -> None:
        event.stop()
        self._focus_chart(self.selected_chart)

    def _step_chart(self, delta: int) -> None:
        self._focus_chart(self.charts.get(self.query_one(TagList).select_next(delta) or ""))

    def _focus_chart(self, spec: ChartSpec | None) -> None:
        if spec is not None:
            (self.query_one(ScalarChart) if spec.kind == "multiline" else self.query_one(MarginChart)).focus()

    def on_scalar_chart_step_tag(self, event: ScalarChart.StepTag) -> None:
        event.stop()
        self._step_chart(event.delta)

    def on_margin_chart_step_chart(self, event: MarginChart.StepChart) -> None:
        event.stop()
        self._step_chart(event.delta)
