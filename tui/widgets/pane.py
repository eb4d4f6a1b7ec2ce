"""The base class of every tab's content, and the context the app hands it (see tui/widgets/__init__.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from tui.model.logdir import Logdir

__all__ = ["Pane", "PaneContext", "compile_filter"]

X_MODES = ("step", "relative", "wall")


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


@dataclass(frozen=True, eq=True)
class PaneContext:
    """Everything a tab may show, as of one moment. Immutable; compare to see what changed."""

    logdir: Logdir
    generation: int = 0
    runs: tuple[str, ...] = ()
    colors: dict[str, str] = field(default_factory=dict)
    focused_run: str | None = None
    run_regex: str = ""
    tag_regex: str = ""
    smoothing: float = 0.6
    x_mode: str = "step"
    log_y: bool = False
    ignore_outliers: bool = False
    paused: bool = False

    def tag_matches(self, tag: str) -> bool:
        """TensorBoard's tag filter: a case-insensitive regex *search*; empty matches all."""
        if not self.tag_regex:
            return True
        rx = compile_filter(self.tag_regex, True)
        return bool(rx and rx.search(tag))

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

    def run_matches(self, run: str) -> bool:
        """TensorBoard's run filter: a case-sensitive regex search; empty matches all."""
        if not self.run_regex:
            return True
        rx = compile_filter(self.run_regex, False)
        return bool(rx and rx.search(run))

    def color(self, run: str) -> str:
        return self.colors.get(run, "white")


class Pane(Widget):
    """A tab's content. Subclasses implement ``watch_context`` (see the package docstring)."""

    context: reactive[PaneContext | None] = reactive(None, layout=False, repaint=False, init=False)

    class Notice(Message):
        """Ask the app to show a one-line notice in the status bar."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class FocusRun(Message):
        """Ask the app to highlight ``run`` in the runs pane."""

        def __init__(self, run: str) -> None:
            super().__init__()
            self.run = run
