"""The Graph tab (placeholder until its issue lands; replace this class, keep its name)."""

from __future__ import annotations

from tui.model.logdir import Run
from tui.widgets.placeholder import PlaceholderPane


class GraphPane(PlaceholderPane):
    TITLE = "Graph"
    NOUN = "graphs"

    @staticmethod
    def count(run: Run) -> int:
        return len(run.graphs)
