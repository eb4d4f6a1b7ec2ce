"""What the Text and Images tabs share: pick a (run, tag) on the left, a step with a slider.

Both tabs show per-step values that are few and large (a document, a picture) rather than curves,
so they work alike: a :class:`~tui.widgets.series_list.SeriesList` of the visible runs' tags of
one plugin, a title, a :class:`~tui.widgets.step_slider.StepSlider` over the selected series'
steps, and a body the subclass draws for the chosen step. The slider follows new steps as they
arrive while it sits on the newest one, and stays put once the user moved it (TensorBoard's
cards behave the same).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from tui.model.logdir import Run
from tui.views.safe import inert
from tui.views.selection import PaneContext
from tui.widgets.series_list import SeriesEntry, SeriesList
from tui.widgets.step_slider import StepSlider
from tui.widgets.stepped_pane import SteppedPane

__all__ = ["SeriesPane", "SeriesView"]


@dataclass(frozen=True, slots=True)
class SeriesView:
    """A consistent snapshot of one (run, tag) series, its points ordered by step.

    ``steps[i]``, ``walls[i]`` and ``items[i]`` describe the i-th point in step order (ties keep
    file order). ``version`` changes whenever the series does.
    """

    run: str
    tag: str
    steps: tuple[int, ...]
    walls: tuple[float, ...]
    items: tuple[Any, ...]
    version: int
    source: int = 0  # id() of the series object, so a replaced series never looks unchanged

    def __len__(self) -> int:
        return len(self.steps)


def snapshot(run: Run, tag: str) -> SeriesView | None:
    series = run.blobs.get(tag)
    if series is None:
        return None
    steps, walls, items, version = series.snapshot()  # consistent while the loader appends or purges
    order = sorted(range(len(items)), key=steps.__getitem__)
    return SeriesView(
        run.name,
        tag,
        tuple(steps[i] for i in order),
        tuple(walls[i] for i in order),
        tuple(items[i] for i in order),
        version,
        id(series),
    )


class SeriesPane(SteppedPane):
    """Base of the Text and Images tabs. Subclasses set PLUGIN, NOUN and the body hooks."""

    # Selectors name this widget themselves (some under ``Screen.-narrow``), so they are not scoped.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    SeriesPane .series-pane-title { height: 1; }
    Screen.-narrow SeriesPane .stepped-body { layout: vertical; }
    Screen.-narrow SeriesPane .stepped-list { width: 1fr; height: 8; }
    """

    PLUGIN = ""
    NOUN = "series"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.view: SeriesView | None = None
        self.index = 0

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(classes="stepped-body"):
            yield SeriesList(classes="stepped-list")
            with Vertical(classes="stepped-main"):
                yield Static("", classes="series-pane-title")
                yield StepSlider()
                yield from self.compose_body()

    def compose_body(self) -> ComposeResult:
        """The subclass's widgets under the slider."""
        yield from ()

    def show_step(self, view: SeriesView, index: int) -> None:
        """Draw point ``index`` of ``view`` (called again when either changes)."""

    def show_nothing(self, message: Text) -> None:
        """No series is selected (none to show): draw ``message`` instead."""

    # -- data -----------------------------------------------------------------------------------

    def groups(self, ctx: PaneContext) -> list[tuple[str, list[SeriesEntry]]]:
        """Tags of this plugin in the visible runs that pass the tag filter, each with its runs."""
        by_tag: dict[str, list[SeriesEntry]] = {}
        for name in ctx.runs:
            run = ctx.logdir.runs.get(name)
            if run is None:
                continue
            for tag, series in run.blobs.items():
                if series.plugin == self.PLUGIN and len(series) and ctx.tag_matches(tag):
                    by_tag.setdefault(tag, []).append(SeriesEntry(name, ctx.color(name), len(series)))
        return [(tag, by_tag[tag]) for tag in sorted(by_tag)]

    def watch_context(self, old: PaneContext | None, new: PaneContext | None) -> None:
        if new is None:
            return
        lst = self.query_one(SeriesList)
        lst.set_groups(self.groups(new))
        self._load(lst.selected)

    def on_series_list_selected(self, event: SeriesList.Selected) -> None:
        event.stop()
        self._load((event.run, event.tag))

    def on_series_list_activated(self, event: SeriesList.Activated) -> None:
        event.stop()
        self.query_one(StepSlider).focus()

    def _load(self, selected: tuple[str, str] | None) -> None:
        """(Re)read the selected series; redraw only when it or the chosen point changed."""
        ctx = self.context
        slider = self.query_one(StepSlider)
        run = ctx.logdir.runs.get(selected[0]) if ctx is not None and selected is not None else None
        series = run.blobs.get(selected[1]) if run is not None and selected is not None else None
        old = self.view
        if (
            old is not None
            and series is not None
            and (old.run, old.tag) == selected
            and (old.version, old.source) == (series.version, id(series))
        ):
            return  # nothing new: skip the snapshot (it sorts every step)
        view = snapshot(run, selected[1]) if run is not None and selected is not None else None
        if view is None or not len(view):
            self.view = None
            slider.set_steps((), 0)
            slider.display = False
            self._title(None)
            self.show_nothing(self.empty_message(self.NOUN))
            return
        same_series = old is not None and (old.run, old.tag) == (view.run, view.tag)
        if not same_series:
            self._follow = True
        index = len(view) - 1 if self._follow else min(self.index, len(view) - 1)
        unchanged = old is not None and (old.version, old.source) == (view.version, view.source)
        if same_series and unchanged and index == self.index:
            return
        self.view, self.index = view, index
        slider.display = True
        slider.set_steps(view.steps, index)
        self._title(view)
        self.show_step(view, index)

    def _title(self, view: SeriesView | None) -> None:
        t = Text(no_wrap=True, end="")
        if view is not None and self.context is not None:
            t.append("■ ", style=Style(color=self.context.color(view.run)))
            t.append(inert(view.run), style=Style(bold=True))
            t.append("  ")
            t.append(inert(view.tag))
        self.query_one(".series-pane-title", Static).update(t)

    # -- steps ----------------------------------------------------------------------------------

    def on_step_slider_changed(self, event: StepSlider.Changed) -> None:
        event.stop()
        view = self.view
        if view is None or event.index == self.index:
            return
        self.index = event.index
        self._follow = event.index == len(view) - 1
        self.show_step(view, self.index)
