"""Name scopes of an op graph as a tree, built one level at a time, with TensorBoard's series grouping."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from tui.model.graph.opgraph import OpGraph

__all__ = ["SERIES_MIN_SIZE", "ScopeTree", "TreeEntry", "TreeOrder"]

EntryKind = Literal["scope", "op", "series"]
TreeOrder = Literal["name", "graph"]

#: TensorBoard's default ``seriesNodeMinSize``: fewer numbered siblings than this stay ungrouped.
SERIES_MIN_SIZE = 5

# A leaf name TensorBoard treats as a member of a numbered series: non-digits, "_", digits. The prefix
# may hold no digit at all (TensorBoard's rule), so "conv2d_3" is not numbered while "add_12" is.
_SERIES_LEAF = re.compile(r"^(\D*)_(\d+)$")


@dataclass(frozen=True, slots=True)
class TreeEntry:
    """One row of the scope tree.

    ``path`` is what :meth:`ScopeTree.children` takes to list this entry's children. For a plain op it is
    the node's name. For an op whose name is also a scope (TF's ``dense`` next to ``dense/...``) the op is
    listed inside that scope as ``(dense)`` with path ``dense/(dense)``, as TensorBoard does; the scope
    entry itself also carries the op's ``node_id`` so that selecting it can show the op.
    """

    kind: EntryKind
    name: str
    path: str
    op: str = ""
    shape: str = ""
    count: int = 0
    has_children: bool = False
    node_id: int | None = None


_DIGIT_RUN = re.compile(r"(\d+)")


def _natural_key(name: str) -> tuple[list[Any], str]:
    """Case-insensitive order with digit runs compared as numbers: ``layer_2`` before ``layer_10``.

    ``split`` on a captured group puts text at even and digits at odd positions, so two keys always
    compare str with str and int with int.
    """
    parts: list[Any] = _DIGIT_RUN.split(name.lower())
    parts[1::2] = map(int, parts[1::2])
    return parts, name


class ScopeTree:
    """Name scopes of an :class:`OpGraph` as a tree, one level built per :meth:`children` call.

    The root's path is ``""``. A scope's members are the names starting with ``path + "/"``, one
    contiguous block of the sorted name list, so counting them is two binary searches and listing a
    scope's children skips over each child scope's block in one step. ``built_entries`` counts the
    :class:`TreeEntry` objects made so far, which shows the laziness in tests. Levels are cached and
    not locked: use a tree from one thread, or give a worker thread its own ``ScopeTree``.

    Series grouping follows TensorBoard's ``detectSeries``: among a scope's op children (not scopes),
    those with the same op whose leaf names are ``<prefix>_<n>`` (the prefix holding no digit), or just
    ``<prefix>`` (n = 0), and whose numbers run consecutively, form a series when there are
    ``series_min_size`` or more of them. TensorBoard names it ``<prefix>[<first>-<last>]``, for example
    ``add[1-12]`` for ``add_1`` ... ``add_12``.
    """

    def __init__(
        self, graph: OpGraph, series_min_size: int = SERIES_MIN_SIZE, order: TreeOrder = "name"
    ) -> None:
        """``order`` sorts siblings by ``"name"`` (natural, case-insensitive) or ``"graph"`` (node order)."""
        self.graph = graph
        self.series_min_size = series_min_size
        self.order = order
        self.built_entries = 0
        self._children: dict[str, list[TreeEntry]] = {}
        self._series_members: dict[str, list[tuple[str, int]]] = {}
        self._series_of: dict[int, str] = {}

    # -- public API --------------------------------------------------------------------------------

    def children(self, path: str = "") -> list[TreeEntry]:
        """The entries directly under a scope or series path (``""`` is the root); [] for an op."""
        cached = self._children.get(path)
        if cached is not None:
            return cached
        if path in self._series_members:
            members = self._series_members[path]
            entries = [self._op_entry(name, node_id, self.graph.names[node_id]) for name, node_id in members]
        else:
            entries = self._list_scope(path)
        self._children[path] = entries
        return entries

    def count(self, path: str = "") -> int:
        """Number of ops in a scope, at any depth (an op named like the scope included)."""
        if not path:
            return len(self.graph.names)
        lo, hi = self._block(path + "/")
        return hi - lo + (1 if path in self.graph.index else 0)

    def is_scope(self, path: str) -> bool:
        """True when some node's name starts with ``path + "/"``."""
        lo, hi = self._block(path + "/")
        return hi > lo

    def expand_chain(self, path: str) -> str:
        """Follow scopes that hold exactly one child, itself a scope; return the last path reached.

        Decided by binary searches on the sorted names, so a renderer can collapse chains without
        building the entries of the levels it skips.
        """
        names, _ = self.graph.sorted_names()
        while path not in self.graph.index or not path:
            prefix = path + "/" if path else ""
            lo, hi = self._block(prefix)
            if lo == hi:
                return path
            slash = names[lo].find("/", len(prefix))
            if slash < 0:  # an op first: a chain only if the rest is the scope of the same name
                child, rest = names[lo], (lo + 1, hi)
            else:
                child, rest = names[lo][:slash], (lo, hi)
            if rest[0] == rest[1] or self._block(child + "/") != rest:
                return path  # other children follow
            path = child
        return path  # an op shares this scope's name: it is listed inside, so this is no chain

    def path_to(self, node_id: int, limit: int | None = None) -> list[str]:
        """The scope (and series) paths to expand, outermost first, so that the node's row shows; only
        the outermost ``limit`` when given (a name 10,000 scopes deep would take 300 MB of prefixes)."""
        name = self.graph.names[node_id]
        parts = name.split("/")
        if limit is not None and len(parts) > limit:
            paths, prefix = [], ""
            for part in parts[:limit]:
                prefix = f"{prefix}/{part}" if prefix else part
                paths.append(prefix)
            return paths
        paths = ["/".join(parts[:k]) for k in range(1, len(parts))]
        if self.is_scope(name):  # listed inside its own scope as "(leaf)"
            paths.append(name)
            return paths
        parent = paths[-1] if paths else ""
        self.children(parent)  # make sure the parent's series are known
        series = self._series_of.get(node_id)
        if series is not None:
            paths.append(series)
        return paths

    def series_of(self, node_id: int) -> str | None:
        """The path of the series that groups this node, if its parent has been listed and it has one."""
        return self._series_of.get(node_id)

    # -- building one level ------------------------------------------------------------------------

    def _block(self, prefix: str) -> tuple[int, int]:
        names, _ = self.graph.sorted_names()
        if not prefix:
            return 0, len(names)
        # Every string starting with "p/" sorts in ["p/", "p0"): "0" is the code point after "/".
        lo = bisect.bisect_left(names, prefix)
        hi = bisect.bisect_left(names, prefix[:-1] + "0", lo)
        return lo, hi

    def _list_scope(self, path: str) -> list[TreeEntry]:
        names, ids = self.graph.sorted_names()
        prefix = path + "/" if path else ""
        lo, hi = self._block(prefix)
        plen = len(prefix)
        leaves: list[tuple[str, int]] = []
        scopes: list[tuple[str, int, int]] = []  # (name, ops inside, first node id)
        by_graph = self.order == "graph"
        i = lo
        while i < hi:
            s = names[i]
            slash = s.find("/", plen)
            if slash < 0:
                leaves.append((s[plen:], int(ids[i])))
                i += 1
            else:
                # Skip this child scope's whole block; "0" follows "/" in code-point order.
                end = bisect.bisect_left(names, s[:slash] + "0", i, hi)
                first = int(ids[i:end].min()) if by_graph else 0
                scopes.append((s[plen:slash], end - i, first))
                i = end
        scope_names = {name for name, _, _ in scopes}
        own_op = {name: node_id for name, node_id in leaves if name in scope_names}
        leaves = [(name, node_id) for name, node_id in leaves if name not in scope_names]

        def key(name: str, first_id: int) -> Any:
            return first_id if by_graph else _natural_key(name)

        entries: list[tuple[Any, TreeEntry]] = []
        for name, n, first in scopes:
            node_id = own_op.get(name)
            if node_id is not None:
                first = min(first, node_id)
            entry = TreeEntry(
                kind="scope",
                name=name,
                path=prefix + name,
                count=n + (node_id is not None),
                has_children=True,
                node_id=node_id,
            )
            self.built_entries += 1
            entries.append((key(name, first), entry))
        series = self._detect_series(prefix, leaves)
        grouped = {node_id for _, members in series for _, node_id in members}
        for name, node_id in leaves:
            if node_id not in grouped:
                entries.append((key(name, node_id), self._op_entry(name, node_id, prefix + name)))
        for series_path, members in series:
            entry = TreeEntry(
                kind="series",
                name=series_path[plen:],
                path=series_path,
                op=self.graph.ops[members[0][1]],
                count=len(members),
                has_children=True,
            )
            self.built_entries += 1
            entries.append((key(members[0][0], min(node_id for _, node_id in members)), entry))
        entries.sort(key=lambda pair: pair[0])
        result = [entry for _, entry in entries]
        own = self.graph.index.get(path) if path and hi > lo else None
        if own is not None:
            # The op that shares this scope's name, listed first as TensorBoard's "(name)".
            leaf = path.rsplit("/", 1)[-1]
            result.insert(0, self._op_entry(f"({leaf})", own, f"{path}/({leaf})"))
        return result

    def _op_entry(self, name: str, node_id: int, path: str) -> TreeEntry:
        self.built_entries += 1
        shapes = self.graph.output_shapes(node_id)
        shape = ", ".join(shapes[:3]) + (", …" if len(shapes) > 3 else "")
        return TreeEntry(
            kind="op", name=name, path=path, op=self.graph.ops[node_id], shape=shape, count=1, node_id=node_id
        )

    def _detect_series(
        self, prefix: str, leaves: list[tuple[str, int]]
    ) -> list[tuple[str, list[tuple[str, int]]]]:
        """Group numbered same-op leaves into series by TensorBoard's rules: [(path, members)]."""
        ops = self.graph.ops
        candidates: dict[tuple[str, str], list[tuple[int, str, int]]] = {}
        for name, node_id in leaves:
            op = ops[node_id]
            if not op:
                continue
            m = _SERIES_LEAF.match(name)
            stem, number = (m.group(1), int(m.group(2))) if m else (name, 0)
            candidates.setdefault((op, stem), []).append((number, name, node_id))
        found: list[tuple[str, list[tuple[str, int]]]] = []
        taken: set[str] = set()
        for (_, stem), members in candidates.items():
            if len(members) < self.series_min_size:
                continue
            members.sort()
            runs = [[members[0]]]
            for member in members[1:]:
                if member[0] == runs[-1][-1][0] + 1:
                    runs[-1].append(member)
                else:
                    runs.append([member])
            for run in runs:
                if len(run) < self.series_min_size:
                    continue
                path = f"{prefix}{stem}[{run[0][0]}-{run[-1][0]}]"
                if path in taken or path in self.graph.index:
                    continue  # a clash with a real node or another series: leave these ungrouped
                taken.add(path)
                group = [(name, node_id) for _, name, node_id in run]
                self._series_members[path] = group
                for _, node_id in group:
                    self._series_of[node_id] = path
                found.append((path, group))
        return found
