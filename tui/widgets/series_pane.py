"""What the Text and Images tabs share: pick a (run, tag) on the left, a step with a slider.

Both tabs show per-step values that are few and large (a document, a picture) rather than curves,
so they work alike: a :class:`~tui.widgets.series_list.SeriesList` of the visible runs' tags of
one plugin, a title, a :class:`~tui.widgets.step_slider.StepSlider` over the selected series'
steps, and a body the subclass draws for the chosen step. The slider follows new steps as they
arrive while it sits on the newest one, and stays put once the user moved it (TensorBoard's
cards behave the same).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Static

from tui.model.payloads import LazyItems, PayloadIndex, PayloadUnavailable
from tui.model.run import Run
from tui.render.safe_text import SafeText
from tui.views.mailbox import NewestOnly
from tui.views.selection import PaneContext
from tui.widgets.series_list import SeriesEntry, SeriesList
from tui.widgets.step_slider import StepSlider
from tui.widgets.stepped_pane import SteppedPane

__all__ = ["SeriesPane", "SeriesView"]


@dataclass(frozen=True, slots=True)
class SeriesView:
    """A consistent snapshot of one (run, tag) series, its points ordered by step.

    ``steps[i]`` and ``walls[i]`` describe the i-th point in step order (ties keep file order);
    its payload is read on demand: :meth:`cached` answers from the payload LRU without I/O (the
    UI thread), :meth:`load` reads it (workers), ``items[i]`` is the same blocking read as a
    sequence. ``version`` changes whenever the series does.
    """

    run: str
    tag: str
    steps: tuple[int, ...]
    walls: tuple[float, ...]
    index: PayloadIndex
    order: tuple[int, ...]
    version: int
    source: int = 0  # id() of the series object, so a replaced series never looks unchanged

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def items(self) -> Sequence[Any]:
        """Payloads in step order, each read when indexed (blocking: workers and tests)."""
        return LazyItems(len(self), self.load)

    def load(self, i: int) -> Any:
        """Point ``i``'s payload (blocking I/O; raises PayloadUnavailable)."""
        return self.index.load(self.order[i])

    def cached(self, i: int) -> Any | None:
        """Point ``i``'s payload if the LRU holds it (no I/O: safe on the UI thread), else None."""
        return self.index.cached(self.order[i])

    def size(self, i: int) -> int:
        """Bytes of point ``i``'s payload, from the index (no I/O)."""
        return int(self.index.rows["size"][self.order[i]])


def snapshot(run: Run, tag: str) -> SeriesView | None:
    series = run.blobs.get(tag)
    if series is None:
        return None
    index = series.snapshot()  # consistent while the loader appends or purges
    order = index.by_step()
    return SeriesView(
        run.name,
        tag,
        tuple(index.steps[order].tolist()),
        tuple(index.walls[order].tolist()),
        index,
        tuple(order.tolist()),
        index.version,
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

    class Fetched(Message):
        """The payload worker read point ``key`` (its payload, or why it could not)."""

        def __init__(self, key: tuple, item: Any, error: PayloadUnavailable | None) -> None:
            super().__init__()
            self.key = key
            self.item = item
            self.error = error

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.view: SeriesView | None = None
        self.index = 0
        self._fetches: NewestOnly[tuple[tuple, SeriesView, int]] = NewestOnly()
        self._fetched: tuple[tuple, Any, PayloadUnavailable | None] | None = None

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
                    by_tag.setdefault(tag, []).append(SeriesEntry.of(ctx, name, len(series)))
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
        t = SafeText(no_wrap=True, end="")
        if view is not None and self.context is not None:
            marker, label, _ = self.context.source_names(view.run)
            color = Style(color=self.context.color(view.run))
            t.append("■ ", style=color)
            if marker:
                t.append(f"{marker} ", style=color + Style(bold=True))
            t.append(label or view.run, style=Style(bold=True))
            t.append("  ")
            t.append(view.tag)
        self.query_one(".series-pane-title", Static).update(t)

    # -- payloads -------------------------------------------------------------------------------

    def payload(self, view: SeriesView, index: int) -> tuple[bool, Any]:
        """Point ``index``'s payload if it is in memory: ``(True, payload)``, without I/O.

        Otherwise ``(False, None)``, and the payload worker reads it from its event file; when it
        arrives :meth:`show_step` is called again and this answers from what was read. Raises
        PayloadUnavailable when the read found the payload's file changed or gone.
        """
        key = (view.run, view.tag, view.source, view.version, index)
        done = self._fetched
        if done is not None and done[0] == key:
            if done[2] is not None:
                raise done[2]
            return True, done[1]
        item = view.cached(index)
        if item is not None:
            return True, item
        if self._fetches.offer((key, view, index)):
            self._fetch_worker()
        return False, None

    @work(thread=True, group="payload-read", exit_on_error=False)
    def _fetch_worker(self) -> None:
        """Read the newest wanted payload, one at a time (stepping fast never queues reads)."""
        while (wanted := self._fetches.take()) is not None:
            key, view, index = wanted
            try:
                self.post_message(self.Fetched(key, view.load(index), None))
            except PayloadUnavailable as e:
                self.post_message(self.Fetched(key, None, e))

    def on_series_pane_fetched(self, message: Fetched) -> None:
        message.stop()
        view = self.view
        if view is None or message.key != (view.run, view.tag, view.source, view.version, self.index):
            return  # the pane moved on meanwhile
        self._fetched = (message.key, message.item, message.error)
        if message.error is not None:
            self.post_message(self.Notice(f"{self.PLUGIN}: {message.error}"))
        self.show_step(view, self.index)

    # -- steps ----------------------------------------------------------------------------------

    def on_step_slider_changed(self, event: StepSlider.Changed) -> None:
        event.stop()
        view = self.view
        if view is None or event.index == self.index:
            return
        self.index = event.index
        self._follow = event.index == len(view) - 1
        self.show_step(view, self.index)
