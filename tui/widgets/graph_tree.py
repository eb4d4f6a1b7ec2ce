"""The op graph's name scopes as a Textual tree, built one level at a time as scopes are opened.

A graph can hold 100,000 nodes and more, so nothing here walks the whole graph. Each tree node asks the
:class:`~tui.model.graph.ScopeTree` for its children only when it is first expanded, and adds at most
:data:`PAGE` of them; a ``… N more`` row under them adds the next page when chosen. Jumping to a node
(:meth:`GraphTree.reveal`) opens just the scopes on its path, paging forward in each as far as needed.

Every label is built from graph text as :class:`~tui.render.safe_text.SafeText` (made inert), so a
node name can neither inject markup nor terminal control sequences. Search matches and traced ancestors
are marks drawn over the labels; a scope row shows how many marked nodes it holds, so marks inside
collapsed scopes are not lost from sight.

Where the run has step stats (run metadata), :meth:`GraphTree.set_stats` adds each op's compute time or
memory to its row, and each scope's total, coloured from cool to hot by its share of the largest, as
TensorBoard colours its graph by compute time or memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui.model.graph import ScopeTree, TreeEntry
from tui.render.safe_text import SafeText

__all__ = ["PAGE", "GraphTree", "Row", "entry_text"]

#: Children added to the tree per page; a scope with more shows a ``… N more`` row.
PAGE = 500
#: Scope levels the tree opens. Textual's Tree lays out its lines recursively, one Python frame a
#: level, so a name 10,000 scopes deep (a broken or hostile writer) would exhaust the stack while the
#: app sits idle. A scope at this depth is a row that does not open; find and the node detail still
#: reach every node below it.
MAX_DEPTH = 100

#: The two kinds of marked ops: search matches (``/``) and the traced inputs of one op (``t``).
MARKS = ("matches", "traced")
_NO_MARKS: tuple[frozenset[int], Counter[str]] = (frozenset(), Counter())
_MATCH = Style(color="black", bgcolor="yellow")
_TRACED = Style(color="magenta", bold=True)
_COUNT_MATCH = Style(color="yellow")
_COUNT_TRACED = Style(color="magenta")
#: Cool to hot: the share of the largest value a row's stat is (TensorBoard's compute/memory colouring).
_HEAT = ("#4e79a7", "#59a14f", "#edc948", "#f28e2b", "#e15759")


def format_micros(us: float) -> str:
    """``40 µs``, ``1.2 ms``, ``3.4 s``."""
    if us < 1000:
        return f"{us:.0f} µs"
    return f"{us / 1000:.3g} ms" if us < 1_000_000 else f"{us / 1_000_000:.3g} s"


def format_bytes(n: float) -> str:
    """``512 B``, ``5 KiB``, ``1.5 MiB``."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.3g} {unit}"
        n /= 1024
    return f"{n:.3g} GiB"


@dataclass(slots=True)
class Row:
    """What a tree node stands for: a scope tree entry, or the pager under a long scope (entry None)."""

    entry: TreeEntry | None
    shown: int = 0  # children of this entry added to the tree so far
    loaded: bool = False
    depth: int = 0  # tree levels above this row (the root's children are at 1)

    @property
    def path(self) -> str:
        return self.entry.path if self.entry is not None else ""


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def entry_text(entry: TreeEntry) -> Text:
    """A styled tree row; its plain text is :func:`tui.render.graphtext.entry_label` of the inert entry."""
    if entry.kind == "scope":
        return SafeText.assemble((entry.name + "/", "bold"), (f"  {_plural(entry.count, 'op')}", "dim"))
    if entry.kind == "series":
        return SafeText.assemble((entry.name, "bold"), (f"  {entry.count} × ", "dim"), (entry.op, "cyan"))
    text = SafeText(entry.name)
    if entry.op:
        text.append(f"  {entry.op}", style="cyan")
    if entry.shape:
        text.append(f"  {entry.shape}", style="dim")
    return text


class GraphTree(Tree[Row]):
    """Scopes, series and ops of one graph; see the module docstring for how it stays lazy."""

    HELP_TITLE = "Graph tree"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open / close a scope; on an op, show its detail", show=False),
        Binding("space", "toggle_node", "Open / close a scope", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("l,right", "open", "Open scope / go to first child", show=False),
        Binding("h,left", "close", "Close scope / go to parent", show=False),
        Binding("g,home", "scroll_home", "First row", show=False),
        Binding("G,end", "scroll_end", "Last row", show=False),
        Binding("e", "expand_chain", "Expand chain"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("graph", Row(None), id=id, classes=classes)
        self.show_root = False
        self.guide_depth = 3
        self.scope_tree: ScopeTree | None = None
        #: Node ids marked as search matches / traced ancestors, and how many of each a scope holds.
        self.marks: dict[str, tuple[frozenset[int], Counter[str]]] = dict.fromkeys(MARKS, _NO_MARKS)
        self._by_node: dict[int, TreeNode[Row]] = {}  # op rows added so far, by graph node id
        #: The node the last :meth:`reveal` could not reach (deeper than MAX_DEPTH); the cursor is on
        #: the deepest scope on its way.
        self.beyond: int | None = None
        self._by_path: dict[str, TreeNode[Row]] = {}  # scope and series rows added so far
        #: Per op name and per scope path: the stat shown ("compute" micros or "memory" bytes), if any.
        self.stats_mode = ""
        self._stat: dict[str, float] = {}
        self._stat_max = 0.0

    @property
    def matches(self) -> frozenset[int]:
        return self.marks["matches"][0]

    @property
    def traced(self) -> frozenset[int]:
        return self.marks["traced"][0]

    # -- content ------------------------------------------------------------------------------

    def show_tree(self, scope_tree: ScopeTree | None) -> None:
        """Show a graph's scope tree (None empties the widget), its first level or its root chain open."""
        self.clear()
        self.root.data = Row(None)
        self.scope_tree = scope_tree
        self.marks = dict.fromkeys(MARKS, _NO_MARKS)
        self._by_node = {}
        self._by_path = {}
        if scope_tree is None:
            return
        self._fill(self.root)
        # A graph under one root scope (a Keras model, torch's top module) opens down to where it branches.
        node = self.root
        while len(node.children) == 1 and node.children[0].allow_expand:
            node = node.children[0]
            self._fill(node)
            node.expand()
        self.cursor_line = 0

    def _fill(self, node: TreeNode[Row], upto: int = -1) -> None:
        """Add the next page of ``node``'s children, or pages up to child index ``upto``."""
        row = node.data
        assert row is not None and self.scope_tree is not None
        entries = self.scope_tree.children(row.path)
        row.loaded = True
        if row.shown >= len(entries) or (0 <= upto < row.shown):
            return
        if row.shown and node.children and node.children[-1].data.entry is None:
            node.children[-1].remove()
        stop = min(len(entries), max(row.shown + PAGE, upto + 1))
        depth = row.depth + 1
        for entry in entries[row.shown : stop]:
            if entry.has_children and depth < MAX_DEPTH:
                child = node.add(entry_text(entry), Row(entry, depth=depth))
                self._by_path[entry.path] = child
            elif entry.has_children:
                label = entry_text(entry).append(
                    f"  (not opened: {MAX_DEPTH} levels deep)", style="dim italic"
                )
                child = node.add_leaf(label, Row(entry, depth=depth, loaded=True))
            else:
                child = node.add_leaf(entry_text(entry), Row(entry, depth=depth))
            if entry.kind == "op" and entry.node_id is not None:
                self._by_node[entry.node_id] = child
        row.shown = stop
        rest = len(entries) - stop
        if rest:
            label = Text(f"… {rest:,} more (Enter shows {min(rest, PAGE):,})", style="dim italic")
            node.add_leaf(label, Row(None))

    @on(Tree.NodeExpanded)
    def _load_children(self, event: Tree.NodeExpanded[Row]) -> None:
        row = event.node.data
        if row is not None and row.entry is not None and not row.loaded:
            self._fill(event.node)

    @on(Tree.NodeSelected)
    def _more(self, event: Tree.NodeSelected[Row]) -> None:
        node = event.node
        if node.data is not None and node.data.entry is None and node.parent is not None:
            event.stop()
            line = node.line
            self._fill(node.parent)
            self._move_to_line(line)

    def _move_to_line(self, line: int) -> None:
        _ = self.last_line  # rebuild the line list now, so a node's line number is current
        self.cursor_line = line
        self.scroll_to_line(self.cursor_line, animate=False)

    # -- cursor -------------------------------------------------------------------------------

    @property
    def cursor_entry(self) -> TreeEntry | None:
        node = self.cursor_node
        return node.data.entry if node is not None and node.data is not None else None

    def select_tree_node(self, node: TreeNode[Row]) -> None:
        """Put the cursor on ``node`` and scroll it into the middle of the view."""
        _ = self.last_line  # rebuilds the lines: nodes just added need their line numbers
        self.move_cursor(node)
        self.center_scroll = True
        try:
            self.scroll_to_node(node, animate=False)
        finally:
            self.center_scroll = False

    def reveal(self, node_id: int) -> bool:
        """Open the scopes (and series) on the way to a graph node and put the cursor on it."""
        self.beyond = None
        if self.scope_tree is None:
            return False
        node = self._by_node.get(node_id)
        if node is None:
            parent = self.root
            for path in self.scope_tree.path_to(node_id, limit=MAX_DEPTH):
                child = self._child(parent, lambda e, p=path: e.path == p and e.kind != "op")
                if child is None:
                    return False
                if not child.allow_expand:  # as deep as the tree opens
                    self.beyond = node_id
                    break
                if not child.data.loaded:
                    self._fill(child)
                parent = child
            else:
                child = None
            node = child or self._child(parent, lambda e: e.kind == "op" and e.node_id == node_id)
            if node is None:
                return False
        ancestor = node.parent
        while ancestor is not None and ancestor is not self.root:
            if not ancestor.is_expanded:
                ancestor.expand()
            ancestor = ancestor.parent
        self.select_tree_node(node)
        return True

    def _child(self, parent: TreeNode[Row], match) -> TreeNode[Row] | None:
        """The child of ``parent`` whose entry satisfies ``match``, paging it in if need be."""
        assert self.scope_tree is not None and parent.data is not None
        entries = self.scope_tree.children(parent.data.path)
        index = next((i for i, e in enumerate(entries) if match(e)), None)
        if index is None:
            return None
        self._fill(parent, upto=index)
        return parent.children[index]

    # -- actions ------------------------------------------------------------------------------

    def action_open(self) -> None:
        node = self.cursor_node
        if node is None or not node.allow_expand:
            return
        if node.is_expanded:
            if node.children:
                self.select_tree_node(node.children[0])
        else:
            node.expand()

    def action_close(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.select_tree_node(node.parent)

    def action_expand_chain(self) -> None:
        """Open the scope under the cursor and every scope below it that is its parent's only child."""
        node = self.cursor_node
        if node is None or not node.allow_expand or self.scope_tree is None:
            return
        while True:
            if not node.data.loaded:
                self._fill(node)
            node.expand()
            kids = node.children
            if len(kids) != 1 or not kids[0].allow_expand or kids[0].data.entry.kind != "scope":
                break
            node = kids[0]
        self.select_tree_node(node)

    # -- marks --------------------------------------------------------------------------------

    def set_marks(self, *, matches: Iterable[int] | None = None, traced: Iterable[int] | None = None) -> None:
        """Mark search matches and/or traced ancestors (graph node ids); None leaves a kind as it is."""
        changed: set[int] = set()
        stale: set[str] = set()
        for kind, ids in (("matches", matches), ("traced", traced)):
            if ids is None:
                continue
            new = frozenset(ids)
            old, old_counts = self.marks[kind]
            counts = self._scope_counts(new)
            changed |= new ^ old
            stale |= set(old_counts) | set(counts)
            self.marks[kind] = (new, counts)
        for node_id in changed:
            node = self._by_node.get(node_id)
            if node is not None:
                node.refresh()
        for path in stale:
            node = self._by_path.get(path)
            if node is not None:
                node.refresh()

    def set_stats(self, values: Mapping[str, float], mode: str) -> None:
        """Show ``values`` (op name -> compute micros or memory bytes, ``mode`` says which) on the rows;
        empty ``values`` or ``mode`` removes them. Scopes show the sum of the ops inside them."""
        stat: dict[str, float] = {}
        if mode:
            for name, v in values.items():
                stat[name] = stat.get(name, 0.0) + v
                parts = name.split("/")
                for k in range(1, len(parts)):
                    prefix = "/".join(parts[:k])
                    stat["\0" + prefix] = stat.get("\0" + prefix, 0.0) + v
        self.stats_mode = mode
        self._stat = stat
        self._stat_max = max((v for k, v in stat.items() if not k.startswith("\0")), default=0.0)
        for node in [*self._by_node.values(), *self._by_path.values()]:
            node.refresh()

    def _stat_text(self, value: float) -> Text:
        share = value / self._stat_max if self._stat_max > 0 else 0.0
        color = _HEAT[min(int(share * len(_HEAT)), len(_HEAT) - 1)]
        text = format_micros(value) if self.stats_mode == "compute" else format_bytes(value)
        return Text(f"  {text}", style=Style(color=color, bold=share >= 0.8))

    def _scope_counts(self, ids: frozenset[int]) -> Counter[str]:
        """How many of ``ids`` each enclosing scope (and known series) holds."""
        counts: Counter[str] = Counter()
        if self.scope_tree is None:
            return counts
        tree = self.scope_tree
        names = tree.graph.names
        for node_id in ids:
            name = names[node_id]
            parts = name.split("/")
            for k in range(1, min(len(parts), MAX_DEPTH + 1)):  # rows exist only that deep
                counts["/".join(parts[:k])] += 1
            if tree.is_scope(name):  # the op is listed inside its namesake scope, as "(leaf)"
                counts[name] += 1
            series = self.scope_tree.series_of(node_id)
            if series is not None:
                counts[series] += 1
        return counts

    def render_label(self, node: TreeNode[Row], base_style: Style, style: Style) -> Text:
        text = super().render_label(node, base_style, style)
        if not node.allow_expand:
            text = Text.assemble(("  ", base_style), text)  # line leaves up with the scopes' "▶ "
        row = node.data
        entry = row.entry if row is not None else None
        if entry is None:
            return text
        if entry.kind == "op" and entry.node_id is not None:
            # The glyph the scope rows count them by, as well as the colour: under NO_COLOR, on a
            # monochrome terminal, the colour alone left a match looking like every other op.
            if entry.node_id in self.matches:
                text.stylize(_MATCH, len(text) - len(node.label))
                text.append("  ◆", style=_COUNT_MATCH)
            elif entry.node_id in self.traced:
                text.stylize(_TRACED, len(text) - len(node.label))
                text.append("  ←", style=_COUNT_TRACED)
        else:
            found = self.marks["matches"][1].get(entry.path, 0)
            traced = self.marks["traced"][1].get(entry.path, 0)
            if found:
                text.append(f"  ◆ {found:,}", style=_COUNT_MATCH)
            if traced:
                text.append(f"  ← {traced:,}", style=_COUNT_TRACED)
        if self._stat and self.scope_tree is not None:
            if entry.kind == "op" and entry.node_id is not None:
                names = getattr(self.scope_tree.graph, "names", None)
                value = self._stat.get(names[entry.node_id]) if names is not None else None
            else:
                value = self._stat.get("\0" + entry.path)
            if value is not None:
                text.append_text(self._stat_text(value))
        return text
