"""The Distributions tab (placeholder until its issue lands; replace this class, keep its name)."""

from __future__ import annotations

from tui.model.logdir import Run
from tui.widgets.placeholder import PlaceholderPane


class DistributionsPane(PlaceholderPane):
    TITLE = "Distributions"
    NOUN = "histogram tags"

    @staticmethod
    def count(run: Run) -> int:
        return len(run.histograms)
