"""A bare app holding one pane, as the real app does, with the context set by the test: the pane tests'
shared host (imported as ``tests.widgets.pane_host``)."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult

import tui
from tui.model.logdir import Logdir
from tui.views.selection import PaneContext
from tui.widgets.pane import Pane

#: The app's stylesheet, so a pane is laid out as in the app.
TCSS = str(Path(tui.__file__).parent / "tbtui.tcss")


class Host(App):
    """Holds ``pane`` and records the notices it posts to the app."""

    CSS_PATH = TCSS

    def __init__(self, pane: Pane) -> None:
        super().__init__()
        self.pane = pane
        self.notices: list[str] = []

    def compose(self) -> ComposeResult:
        yield self.pane

    def on_pane_notice(self, m: Pane.Notice) -> None:
        self.notices.append(m.text)


def context(ld: Logdir, runs: tuple[str, ...] | None = None, *, tag_regex: str = "") -> PaneContext:
    """Every run of ``ld`` (or ``runs``) shown, in cyan, with the tags filter ``tag_regex``."""
    return PaneContext(
        logdir=ld,
        generation=ld.generation,
        runs=tuple(ld.runs) if runs is None else runs,
        colors={r: "cyan" for r in ld.runs},
        tag_regex=tag_regex,
    )
