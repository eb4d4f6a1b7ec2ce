"""The Images tab (placeholder until its issue lands; replace this class, keep its name)."""

from __future__ import annotations

from tui.model.logdir import Run
from tui.widgets.placeholder import PlaceholderPane


class ImagesPane(PlaceholderPane):
    TITLE = "Images"
    NOUN = "image tags"

    @staticmethod
    def count(run: Run) -> int:
        return sum(1 for b in run.blobs.values() if b.plugin == "images")
