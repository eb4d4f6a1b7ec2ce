"""The Text tab (placeholder until its issue lands; replace this class, keep its name)."""

from __future__ import annotations

from tui.model.logdir import Run
from tui.widgets.placeholder import PlaceholderPane


class TextPane(PlaceholderPane):
    TITLE = "Text"
    NOUN = "text tags"

    @staticmethod
    def count(run: Run) -> int:
        return sum(1 for b in run.blobs.values() if b.plugin == "text")
