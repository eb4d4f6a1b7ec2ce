"""The detail of the highlighted graph node, one line per option, where edge lines lead to their node.

The widget is an ``OptionList`` so that the cursor can walk the lines: on an input or output (or on a
traced ancestor) Enter posts :class:`NodeDetailView.Jump` with that node's id, and the pane reveals it
in the tree. Following inputs again and again walks up the graph without leaving the keyboard's home.

Text comes from :func:`tui.render.graphtext.render_node_detail` after every string of the node was made
inert, and is handed over as rich ``Text``, never as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.model.graph import NodeDetail
from tui.render.graphtext import render_node_detail
from tui.views.safe import inert_all

__all__ = ["MAX_EDGES", "NodeDetailView", "detail_lines"]

#: Inputs or outputs listed per node before ``… N more``.
MAX_EDGES = 50

Line = tuple[Text, int | None]


def detail_lines(detail: NodeDetail, max_edges: int = MAX_EDGES) -> list[Line]:
    """The rendered detail split into lines, each edge line paired with the node it leads to.

    The edge blocks are the renderer's last lines (``inputs (n)``, its edges, a blank line, ``outputs
    (m)``, its edges), so they are found counting from the end: a node or attribute that happens to be
    named ``inputs (2)`` cannot shift them.
    """
    safe = inert_all(detail)  # every name, op, shape and attribute from the graph, made safe to draw
    lines = render_node_detail(safe, max_edges=max_edges).split("\n")
    targets: list[int | None] = [None] * len(lines)
    end = len(lines)
    for title, edges in (("outputs", safe.outputs), ("inputs", safe.inputs)):
        shown = list(edges[:max_edges])
        block = len(shown) + (len(edges) > max_edges)
        header = end - block - 1
        if header < 0 or lines[header].plain != f"{title} ({len(edges)})":
            return [(line, None) for line in lines]  # not the layout expected: show, but lead nowhere
        for k, edge in enumerate(shown):
            targets[header + 1 + k] = edge.node_id
        end = header - 1  # the blank line before the header
    return list(zip(lines, targets, strict=True))


def _keep_tail(line: Text, width: int) -> Text:
    """An edge line cut to one row: ``  ← …/the/end/of/the/name``, since a name's tail tells most."""
    if width <= 12 or line.cell_len <= width or not line.plain.startswith(("  ← ", "  → ")):
        return line
    head = 4  # "  ← " or "  → "
    keep = width - head - 1
    return line[:head] + Text("…", style="dim") + line[len(line) - keep :]


class NodeDetailView(OptionList):
    """Lines about one node (or a scope, or a trace); Enter on a line that names a node jumps to it."""

    HELP_TITLE = "Node detail"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Go to the input / output / ancestor under the cursor"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "first", "First line", show=False),
        Binding("G", "last", "Last line", show=False),
    ]

    class Jump(Message):
        """The user chose a line that leads to graph node ``node_id``."""

        def __init__(self, node_id: int) -> None:
            super().__init__()
            self.node_id = node_id

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.targets: list[int | None] = []
        self.lines: list[Text] = []
        self._fitted_width = 0
        self.node_id: int | None = None

    @property
    def text(self) -> str:
        """The content as plain text, one line per option."""
        return "\n".join(line.plain for line in self.lines)

    def show_lines(
        self, lines: Sequence[Line], node_id: int | None = None, cursor: int | None = None
    ) -> None:
        """Replace the content and put the cursor on line ``cursor``.

        By default the cursor goes to the first line that leads somewhere when that line is in view
        without scrolling (the top of the detail matters more than an edge far below it).
        """
        self.node_id = node_id
        self.targets = [target for _, target in lines]
        self.lines = [text for text, _ in lines]
        self._set_prompts()
        if cursor is None:
            first = next((i for i, t in enumerate(self.targets) if t is not None), None)
            visible = max(self.size.height - 1, 1)
            cursor = first if first is not None and first < visible else (0 if lines else None)
        self.highlighted = cursor
        self.scroll_to(y=0, animate=False)

    def _set_prompts(self) -> None:
        width = self.scrollable_content_region.width
        self._fitted_width = width
        # An empty prompt would take no height: blank lines hold a space.
        # Every edge line is cut to one row, keeping the name's tail; an edge from a node the graph
        # lacks too (it leads nowhere, but wrapped it put "←" alone on a row).
        self.set_options(Option(_keep_tail(text, width) if text.plain else Text(" ")) for text in self.lines)

    def on_resize(self) -> None:
        if self.lines and self.scrollable_content_region.width != self._fitted_width:
            highlighted = self.highlighted
            self._set_prompts()
            self.highlighted = highlighted

    def show_node(self, detail: NodeDetail) -> None:
        self.show_lines(detail_lines(detail), detail.node_id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        if 0 <= index < len(self.targets) and self.targets[index] is not None:
            self.post_message(self.Jump(self.targets[index]))
