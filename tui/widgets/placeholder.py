"""A stand-in tab: says what the tab will show and how much of it the visible runs hold.

Later issues replace each ``*_pane.py`` module's class with the real pane; until then the tab is
still useful as an inventory ("12 histogram tags in 3 runs") and proves the tab wiring works.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from tui.model.logdir import Run
from tui.widgets.pane import Pane, PaneContext


class PlaceholderPane(Pane):
    """Counts what a tab would show, per visible run. Subclasses set TITLE, NOUN and ``count``."""

    TITLE = "Tab"
    NOUN = "items"

    def compose(self) -> ComposeResult:
        yield Static(self.TITLE, classes="placeholder-body")

    @staticmethod
    def count(run: Run) -> int:
        return 0

    def watch_context(self, old: PaneContext | None, new: PaneContext | None) -> None:
        if new is None:
            return
        body = Text()
        body.append(f"{self.TITLE}\n", style="bold")
        body.append("This tab is not built yet; it comes in a later issue.\n\n", style="dim")
        counts = [(name, self.count(new.logdir.runs[name])) for name in new.runs if name in new.logdir.runs]
        counts = [(n, c) for n, c in counts if c]
        total = sum(c for _, c in counts)
        body.append(f"{total} {self.NOUN} in {len(counts)} of {len(new.runs)} visible runs\n")
        for name, c in counts[:50]:
            body.append("  ■ ", style=new.color(name))
            body.append(f"{name}  {c}\n")
        self.query_one(Static).update(body)
