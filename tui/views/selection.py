"""Which runs and tags show: TensorBoard's filter semantics, and the context every pane draws from.

A :class:`PaneContext` is everything a tab may show as of one moment, immutable, so a pane compares
the new one with the old to see what changed. It holds the logdir (copy-on-write: panes read it from
the UI thread freely) and the view settings the user controls.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from tui.model.logdir import Logdir
from tui.views.chart_options import ChartOptions

__all__ = ["PaneContext", "compile_filter", "neighbour", "regex_error"]

T = TypeVar("T")


@lru_cache(maxsize=64)
def compile_filter(text: str, ignore_case: bool) -> re.Pattern[str] | None:
    """The filter regex, or None when it does not compile (TensorBoard then matches nothing)."""
    try:
        return re.compile(text, re.IGNORECASE if ignore_case else 0)
    except re.error:
        return None


def regex_error(text: str) -> str | None:
    """Why ``text`` is not a valid regex, or None when it is."""
    try:
        re.compile(text)
    except re.error as e:
        return str(e)
    return None


def filter_matches(regex: str, text: str, *, ignore_case: bool) -> bool:
    """TensorBoard's filters: a regex *search*; empty matches all, an invalid regex matches nothing."""
    if not regex:
        return True
    rx = compile_filter(regex, ignore_case)
    return bool(rx and rx.search(text))


def neighbour(items: Sequence[T], current: T | None, delta: int) -> T | None:
    """The item ``delta`` places from ``current`` in ``items``, stopping at either end (j/k over tags);
    from the first one when ``current`` is not listed. None when there are no items."""
    if not items:
        return None
    i = items.index(current) if current in items else -1
    return items[min(max(i + delta, 0), len(items) - 1)]


@dataclass(frozen=True, eq=True)
class PaneContext:
    """Everything a tab may show, as of one moment. Immutable; compare to see what changed.

    ``runs`` are the visible runs in display order (matching the runs regex and toggled on); ``colors``
    a colour per run (all runs, stable for a run's life) and ``markers`` a letter per run (likewise);
    ``labels`` the visible runs' names without the prefix they all share, ``short_forms`` shorter
    forms of each label that keep what differs (tui.views.runs.shorter_forms); ``focused_run`` the run
    highlighted in the runs pane (may be hidden or None); ``run_regex``/``tag_regex`` the raw filter text;
    ``options`` how every chart is drawn (smoothing, x mode, log y, outliers);
    ``loading`` is true while the first pass still reads the history that was there at start (the
    logdir's ``loaded_once`` is set after its first slice, long before on a big logdir).
    """

    logdir: Logdir
    generation: int = 0
    runs: tuple[str, ...] = ()
    colors: dict[str, str] = field(default_factory=dict)
    markers: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    short_forms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    focused_run: str | None = None
    run_regex: str = ""
    tag_regex: str = ""
    options: ChartOptions = field(default_factory=ChartOptions)
    paused: bool = False
    loading: bool = False

    def tag_matches(self, tag: str) -> bool:
        """TensorBoard's tag filter: a case-insensitive regex search; empty matches all."""
        return filter_matches(self.tag_regex, tag, ignore_case=True)

    @property
    def tags_source(self) -> tuple:
        """What :meth:`visible_tags` depends on: a cache of its answer is valid while this is equal."""
        return (self.generation, self.runs, self.tag_regex, id(self.logdir))

    def visible_tags(self, store: str) -> list[str]:
        """Tags of one kind (``store`` names a Run dict: "scalars", "histograms", ...) that some
        visible run holds and the tag filter lets through, unordered (callers sort them)."""
        tags: set[str] = set()
        runs = self.logdir.runs
        for name in self.runs:
            run = runs.get(name)
            if run is not None:
                tags.update(getattr(run, store))
        return [t for t in tags if self.tag_matches(t)]

    def why_empty(self, what: str) -> str:
        """Why a tab has no ``what`` (``"scalar data"``) to show, saying what would change it: an empty
        logdir, every run hidden or filtered out, or the tag filter; a bare "no data" said none of it."""
        total = len(self.logdir.runs)
        if not total:
            if self.loading or not self.logdir.loaded_once:
                return "Reading the logdir…"
            return (
                "No event files under this logdir yet\n(files whose name contains 'tfevents')\n\n"
                "Runs appear here as training writes them"
            )
        if not self.runs:
            runs = f"{total:,} run" + ("" if total == 1 else "s")
            return f"No visible runs: {runs} hidden or filtered out\n(a: show every run, /: the filter)"
        if self.tag_regex:
            return f"No {what} in the visible runs matches the tag filter\n(/: change it)"
        return f"No {what} in the visible runs"

    def color(self, run: str) -> str:
        return self.colors.get(run, "white")

    def marker(self, run: str) -> str:
        return self.markers.get(run, "")

    def label(self, run: str) -> str:
        """The name to show for ``run``: without the prefix every listed run (the runs filter's) shares."""
        return self.labels.get(run, run)

    def source_names(self, run: str) -> tuple[str, str, tuple[str, ...]]:
        """``(marker, label, shorter forms of the label)``: how a chart names ``run``."""
        return self.marker(run), self.label(run), self.short_forms.get(run, ())
