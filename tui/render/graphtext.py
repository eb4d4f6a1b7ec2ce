"""Graphs as text: the scope tree for ``tbtui graph`` and a node's detail for the graph pane.

Pure functions over :mod:`tui.model.graph` objects. The tree walk asks the :class:`ScopeTree` only for the
levels it prints, so rendering the top levels of a 100,000-node graph stays cheap.
"""

from __future__ import annotations

from rich.text import Text

from tui.model.graph import Edge, NodeDetail, OpGraph, ScopeTree, TreeEntry

__all__ = ["entry_label", "render_graph_summary", "render_node_detail", "render_scope_tree"]

_BRANCH, _LAST, _PIPE, _GAP = "├── ", "└── ", "│   ", "    "


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def entry_label(entry: TreeEntry, name: str | None = None) -> str:
    """One tree row without connectors.

    Scopes read ``dense/  3 ops``, ops ``MatMul  MatMul  [?, 1]`` and series ``add[1-12]  12 × AddV2``.
    """
    shown = entry.name if name is None else name
    if entry.kind == "scope":
        return f"{shown}/  {_plural(entry.count, 'op')}"
    if entry.kind == "series":
        return f"{shown}  {entry.count} × {entry.op}"
    label = f"{shown}  {entry.op}" if entry.op else shown
    return f"{label}  {entry.shape}" if entry.shape else label


def render_scope_tree(
    tree: ScopeTree,
    max_depth: int = 3,
    max_children: int = 30,
    root: str = "",
    collapse_chains: bool = True,
) -> list[str]:
    """The scope tree under ``root`` as plain lines with box-drawing connectors.

    ``max_depth`` levels are shown (a scope at the last level shows only its op count); a level with more
    than ``max_children`` entries shows the first ``max_children`` and then ``… N more``. With
    ``collapse_chains``, a scope whose only child is a scope is printed as one row (``a/b/c/``), as
    torch's deeply nested module scopes otherwise waste a level each.
    """
    lines: list[str] = []
    _walk(tree, root, "", 1, max_depth, max_children, collapse_chains, lines)
    return lines


def _walk(
    tree: ScopeTree,
    path: str,
    indent: str,
    depth: int,
    max_depth: int,
    max_children: int,
    collapse: bool,
    lines: list[str],
) -> None:
    children = tree.children(path)
    shown = children[:max_children]
    hidden = len(children) - len(shown)
    for k, entry in enumerate(shown):
        last = k == len(shown) - 1 and hidden == 0
        target = entry.path
        name = entry.name
        if collapse and entry.kind == "scope":
            target = tree.expand_chain(entry.path)
            name = entry.name + target[len(entry.path) :]
        lines.append(indent + (_LAST if last else _BRANCH) + entry_label(entry, name))
        if entry.has_children and depth < max_depth:
            _walk(
                tree,
                target,
                indent + (_GAP if last else _PIPE),
                depth + 1,
                max_depth,
                max_children,
                collapse,
                lines,
            )
    if hidden:
        lines.append(indent + _LAST + f"… {hidden:,} more")


def render_graph_summary(graph: OpGraph, top_ops: int = 8) -> list[str]:
    """A few header lines for ``tbtui graph``: sizes, edge kinds and the commonest op types."""
    count_line = f"{_plural(graph.node_count, 'node')}, {_plural(graph.edge_count, 'edge')}"
    extras = []
    if graph.control_edge_count:
        extras.append(f"{graph.control_edge_count:,} control")
    if graph.dangling_names:
        extras.append(f"{len(graph.dangling_names):,} dangling input names")
    if extras:
        count_line += " (" + ", ".join(extras) + ")"
    lines = [count_line]
    if graph.library_function_count:
        lines.append(f"{_plural(graph.library_function_count, 'library function')} (not shown)")
    histogram = sorted(graph.op_histogram().items(), key=lambda kv: (-kv[1], kv[0]))
    if histogram:
        parts = [f"{op or '(no op)'} {n:,}" for op, n in histogram[:top_ops]]
        if len(histogram) > top_ops:
            parts.append(f"… {len(histogram) - top_ops} more types")
        lines.append("ops: " + ", ".join(parts))
    return lines


def _edge_line(edge: Edge, arrow: str) -> Text:
    line = Text(f"  {arrow} ")
    line.append(edge.name, style="bold" if edge.node_id is not None else "dim italic")
    if edge.port:
        line.append(f":{edge.port}")
    if edge.kind == "control":
        line.append("  control", style="yellow")
    if edge.node_id is None:
        line.append("  (missing node)", style="dim")
    return line


def render_node_detail(detail: NodeDetail, max_edges: int = 50) -> Text:
    """A node's detail as styled text: name, op, device, dtype, shapes, attributes, inputs, outputs."""
    out = Text()
    out.append(detail.name, style="bold")
    out.append("\n")
    facts = [("op", detail.op or "-")]
    if detail.device:
        facts.append(("device", detail.device))
    if detail.dtype:
        facts.append(("dtype", detail.dtype))
    if detail.output_shapes:
        facts.append(("shape", ", ".join(detail.output_shapes)))
    for key, value in facts:
        out.append(f"{key}: ", style="dim")
        out.append(value)
        out.append("\n")
    if detail.attrs:
        out.append("\nattributes\n", style="bold underline")
        width = max(len(key) for key, _ in detail.attrs)
        for key, value in detail.attrs:
            out.append(f"  {key:<{width}}  ", style="cyan")
            out.append(value)
            out.append("\n")
    for title, edges, arrow in (("inputs", detail.inputs, "←"), ("outputs", detail.outputs, "→")):
        out.append(f"\n{title} ({len(edges)})\n", style="bold underline")
        for edge in edges[:max_edges]:
            out.append_text(_edge_line(edge, arrow))
            out.append("\n")
        if len(edges) > max_edges:
            out.append(f"  … {len(edges) - max_edges:,} more\n", style="dim")
    out.rstrip()
    return out
