"""``z``: the focused pane fills the screen, as tmux's zoom, and the side panes of a narrow screen.

The zoom hides, by a class and not by ``display`` (so nothing a pane set itself is overwritten),
everything beside the focused widget and beside each of its containers up to the screen; the bars
named in ``keep`` stay. Below :data:`COLLAPSE` columns the side panes are collapsed already, and ``z``
shows them instead (and hides them again).
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widget import Widget

__all__ = ["COLLAPSE", "ZOOM_HELP", "Zoom"]

#: Width below which the side panes (runs, the Scalars tab's tags) collapse by themselves and the
#: active tab takes the width; ``z`` shows them (and hides them again).
COLLAPSE = 100
ZOOM_HELP = (
    "Zoom: the focused pane fills the screen, and back (below 100 columns: show / hide the side panes)"
)


class Zoom:
    """What ``z`` hid (empty while nothing is zoomed) and whether it opened a narrow screen's sides."""

    def __init__(self) -> None:
        self.hidden: list[Widget] = []
        #: Below :data:`COLLAPSE` columns: ``z`` showed the side panes the narrow screen collapses.
        self.sides_open = False
        self._screen: Screen | None = None

    def collapsed(self, width: int) -> bool:
        """The side panes are collapsed: a narrow screen, and ``z`` has not shown them."""
        return width < COLLAPSE and not self.sides_open

    def fill(self, target: Widget, keep: tuple[type[Widget], ...]) -> None:
        """Hide everything beside ``target`` and its containers but the ``keep`` widgets."""
        for node in [target, *target.ancestors]:
            parent = node.parent
            if parent is None or isinstance(node, Screen):
                break
            for sibling in parent.children:
                if sibling is not node and not isinstance(sibling, keep) and isinstance(sibling, Widget):
                    sibling.add_class("-zoom-hidden")
                    self.hidden.append(sibling)
        self._screen = target.screen
        self._screen.add_class("-zoomed")

    def restore(self) -> None:
        """Show what :meth:`fill` hid (nothing happens when nothing is zoomed)."""
        for widget in self.hidden:
            widget.remove_class("-zoom-hidden")
        self.hidden = []
        if self._screen is not None:
            self._screen.remove_class("-zoomed")
            self._screen = None
