"""OpGraph: one graph's nodes and edges both ways as flat arrays by node id, whatever shape it came in.

Graphs reach tbtui in three shapes (see FORMAT.md, "Graphs come in four shapes"): a serialized GraphDef
(torch, tensorboardX, TF1), a RunMetadata whose function graphs hold the op graph (TF2
``trace_export``), and a Keras ``model.to_json()`` config (the "conceptual graph"). All three become one
:class:`OpGraph`, so the tree, search and detail views need not know where a graph came from.

Graphs can hold 100,000 nodes and more, and the UI must open them at once. So the per-node data that every
view needs (name, op, device, edges) is extracted once into flat lists and numpy arrays indexed by an int
node id, while everything only the detail pane needs (attributes, dtypes, shapes) stays in the protobuf
messages and is decoded for one node when asked. The scope tree is built one level at a time, on request,
from a sorted copy of the names: a scope's members are one contiguous block of that list, so listing or
counting a scope costs a few binary searches instead of a walk over the whole graph.
"""

from __future__ import annotations

import gc
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Any, Literal, NamedTuple

import numpy as np
from google.protobuf.message import DecodeError

from tui.model.graph.attrs import node_info, node_shapes
from tui.model.graph.scopes import ScopeTree, TreeOrder
from tui.tfevents.proto import graph_pb2

__all__ = ["Edge", "NodeDetail", "OpGraph"]

EdgeKind = Literal["data", "control"]
SearchField = Literal["name", "op", "both"]

# Marks an input string that is not simply the name of a node; below every dangling id (-1 - k).
_UNRESOLVED = np.iinfo(np.int64).min


# ----------------------------------------------------------------------------------------------------
# Public value types
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Edge:
    """One end of an edge as seen from a node: the other node, the output port and the kind.

    ``node_id`` is None for a dangling input (a name that no node has; torch writes these), in which case
    ``name`` is the name the input gave. For inputs, ``port`` is the source's output index; for outputs it
    is the index of this node's output that the consumer reads.
    """

    node_id: int | None
    name: str
    port: int
    kind: EdgeKind


@dataclass(frozen=True, slots=True)
class NodeDetail:
    """Everything the detail pane shows about one node, decoded on request."""

    node_id: int
    name: str
    op: str
    device: str
    dtype: str
    output_shapes: tuple[str, ...]
    attrs: tuple[tuple[str, str], ...]
    inputs: tuple[Edge, ...]
    outputs: tuple[Edge, ...]


# ----------------------------------------------------------------------------------------------------
# The op graph
# ----------------------------------------------------------------------------------------------------


class OpGraph:
    """A graph's nodes and edges, indexed by int node id (the node's position in the GraphDef).

    Build one with :meth:`from_graphdef`, :meth:`from_run_metadata` or :meth:`KerasModelGraph.from_json`.
    Edges are stored once, in the input direction, as CSR arrays (``in_ptr[i]:in_ptr[i+1]`` are node
    ``i``'s inputs); the output direction is an argsort of the same arrays. Attributes are decoded per
    node by :meth:`node_detail`.
    """

    def __init__(
        self,
        names: list[str],
        ops: list[str],
        devices: list[str],
        inputs: Iterable[Sequence[str]] | _FlatInputs,
        info: Callable[[int], tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]],
        *,
        shapes: Callable[[int], tuple[str, ...]] | None = None,
        library_function_count: int = 0,
        source: str = "graph_def",
    ) -> None:
        """Index nodes given as parallel lists.

        ``info(i)`` decodes node i's (dtype, output shapes, attributes) when its detail is asked for;
        ``shapes(i)``, if given, decodes only the output shapes, which every listed tree row needs.
        """
        self.names = names
        self.ops = ops
        self.devices = devices
        self._info = info
        self._shapes = shapes if shapes is not None else (lambda i: info(i)[1])
        self.source = source
        #: Top-level NodeDefs (function-library bodies not counted); for a trace, the sum over its graphs.
        self.node_count = len(names)
        self.library_function_count = library_function_count
        self.index: dict[str, int] = dict(zip(names, range(len(names)), strict=True))
        self._parse_inputs(inputs)
        self._sorted: tuple[list[str], np.ndarray] | None = None
        self._lower_blob: tuple[str, np.ndarray] | None = None
        self._op_codes: tuple[list[str], np.ndarray] | None = None
        self._tree: ScopeTree | None = None
        self._adjacency: tuple[list[int], ...] | None = None

    # -- construction ----------------------------------------------------------------------------

    @classmethod
    def from_graphdef(cls, graph_def: bytes | graph_pb2.GraphDef | Any) -> OpGraph:
        """From ``Event.graph_def`` bytes, or a GraphDef message (ours or any with the same fields).

        Raises ValueError when the bytes are not a GraphDef.
        """
        with _gc_paused():
            message = _as_graphdef(graph_def)
            return cls._from_nodes(
                message.node,
                library_function_count=len(message.library.function),
                source="graph_def",
            )

    @classmethod
    def from_run_metadata(cls, run_metadata: bytes | graph_pb2.RunMetadata) -> OpGraph:
        """From a TF2 trace: every ``function_graphs[i].pre_optimization_graph`` merged into one graph.

        As TensorBoard's graphs plugin does, a single function graph is shown as it is, and several are
        each put under a ``graph_<k>`` scope (k from 1) so that equal node names in different functions
        stay apart. A RunMetadata without function graphs falls back to its partition graphs. Raises
        ValueError when the bytes are not a RunMetadata.
        """
        with _gc_paused():
            if isinstance(run_metadata, bytes | bytearray | memoryview):
                try:
                    message = graph_pb2.RunMetadata.FromString(bytes(run_metadata))
                except DecodeError as e:
                    raise ValueError(f"damaged RunMetadata: {e}") from e
            else:
                message = run_metadata
            graphs = [fg.pre_optimization_graph for fg in message.function_graphs]
            if not graphs:
                graphs = list(message.partition_graphs)
            library_function_count = sum(len(g.library.function) for g in graphs)
            if len(graphs) == 1:
                return cls._from_nodes(
                    graphs[0].node,
                    library_function_count=library_function_count,
                    source="run_metadata",
                )
            nodes, names, inputs = [], [], []
            for k, g in enumerate(graphs, start=1):
                prefix = f"graph_{k}/"
                for node in g.node:
                    nodes.append(node)
                    names.append(prefix + node.name)
                    inputs.append(
                        [f"^{prefix}{s[1:]}" if s.startswith("^") else prefix + s for s in node.input]
                    )
            return cls._from_nodes(
                nodes,
                names=names,
                inputs=inputs,
                library_function_count=library_function_count,
                source="run_metadata",
            )

    @classmethod
    def _from_nodes(
        cls,
        nodes: Sequence[graph_pb2.NodeDef],
        *,
        names: list[str] | None = None,
        inputs: Iterable[Sequence[str]] | None = None,
        library_function_count: int,
        source: str,
    ) -> OpGraph:
        """Index NodeDefs; ``names`` and ``inputs``, if given, replace the nodes' own (both or neither).

        ``nodes`` may be the message's own repeated field: it is indexed only when a node's detail is
        asked for, so no list of 100,000 node wrappers is kept.
        """
        ops: list[str] = []
        devices: list[str] = []
        edges: Iterable[Sequence[str]] | _FlatInputs
        if names is None or inputs is None:
            # One pass that reads each field of each node once: every protobuf field access costs far
            # more than a list append, and the inputs go straight into one flat list.
            names, counts, flat = [], [], []
            add_name, add_op, add_device = names.append, ops.append, devices.append
            add_count, add_inputs = counts.append, flat.extend
            for node in nodes:
                add_name(node.name)
                add_op(node.op)
                add_device(node.device)
                node_inputs = node.input
                add_count(len(node_inputs))
                add_inputs(node_inputs)
            edges = _FlatInputs(counts, flat)
        else:
            for node in nodes:
                ops.append(node.op)
                devices.append(node.device)
            edges = inputs
        return cls(
            names,
            ops,
            devices,
            edges,
            lambda i: node_info(nodes[i]),
            shapes=lambda i: node_shapes(nodes[i]),
            library_function_count=library_function_count,
            source=source,
        )

    def _parse_inputs(self, inputs: Iterable[Sequence[str]] | _FlatInputs) -> None:
        """Resolve every input string once into (source id or dangling, port, control) arrays.

        Most inputs are the plain name of an existing node, so all of them are first looked up in one
        C-level pass (``map`` over the flattened strings, no per-edge Python code); only the few that
        miss (``^ctrl``, ``x:1``, dangling names) go through the Python loop that takes them apart.
        """
        flat: list[str]
        if isinstance(inputs, _FlatInputs):
            counts = np.asarray(inputs.counts, dtype=np.int64)
            flat = inputs.flat
        else:
            groups = inputs if isinstance(inputs, list) else list(inputs)
            counts = np.fromiter(map(len, groups), dtype=np.int64, count=len(groups))
            flat = list(chain.from_iterable(groups))
        n = len(self.names)
        n_edges = len(flat)
        src = np.fromiter(map(self.index.get, flat, repeat(_UNRESOLVED)), dtype=np.int64, count=n_edges)
        get = self.index.get
        control: list[int] = []
        ports: list[tuple[int, int]] = []
        dangling: dict[str, int] = {}
        for edge in np.flatnonzero(src == _UNRESOLVED).tolist():
            name = flat[edge]
            j = None
            if name.startswith("^"):
                control.append(edge)
                name = name[1:]
                j = get(name)
            if j is None:
                head, sep, tail = name.rpartition(":")
                if sep and tail.isascii() and tail.isdigit():
                    name = head
                    j = get(head)
                    if int(tail):
                        ports.append((edge, int(tail)))
            if j is None:
                j = -1 - dangling.setdefault(name, len(dangling))
            src[edge] = j
        self.in_src = src.astype(np.int32)
        self.in_ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=self.in_ptr[1:])
        self.in_ctrl = np.zeros(n_edges, dtype=bool)
        self.in_ctrl[np.asarray(control, dtype=np.int64)] = True
        self.in_port = np.zeros(n_edges, dtype=np.int32)
        if ports:
            where, value = zip(*ports, strict=True)
            self.in_port[list(where)] = value
        self.dangling_names: list[str] = list(dangling)
        # Reverse direction: edges grouped by their (existing) source node.
        self.edge_dst = np.repeat(np.arange(n, dtype=np.int32), np.diff(self.in_ptr))
        valid = np.flatnonzero(self.in_src >= 0)
        self.out_edges = valid[np.argsort(self.in_src[valid], kind="stable")]
        self.out_ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.in_src[valid], minlength=n), out=self.out_ptr[1:])

    # -- simple facts ------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.names)

    @property
    def edge_count(self) -> int:
        """Every input string of every node, dangling ones included (TensorBoard's count)."""
        return int(self.in_src.size)

    @property
    def control_edge_count(self) -> int:
        return int(np.count_nonzero(self.in_ctrl))

    @property
    def ported_edge_count(self) -> int:
        """Inputs that name an output port other than 0."""
        return int(np.count_nonzero(self.in_port))

    def op_histogram(self) -> dict[str, int]:
        """Op type -> number of nodes, sorted by op name."""
        vocab, codes = self._ops_coded()
        counts = np.bincount(codes, minlength=len(vocab))
        return {vocab[i]: int(counts[i]) for i in sorted(range(len(vocab)), key=vocab.__getitem__)}

    def output_shapes(self, node_id: int) -> tuple[str, ...]:
        """The node's ``_output_shapes`` as strings (empty when the writer recorded none)."""
        return self._shapes(node_id)

    # -- edges -----------------------------------------------------------------------------------

    def inputs(self, node_id: int) -> list[Edge]:
        lo, hi = int(self.in_ptr[node_id]), int(self.in_ptr[node_id + 1])
        out = []
        for e in range(lo, hi):
            s = int(self.in_src[e])
            kind: EdgeKind = "control" if self.in_ctrl[e] else "data"
            if s >= 0:
                out.append(Edge(s, self.names[s], int(self.in_port[e]), kind))
            else:
                out.append(Edge(None, self.dangling_names[-1 - s], int(self.in_port[e]), kind))
        return out

    def outputs(self, node_id: int) -> list[Edge]:
        lo, hi = int(self.out_ptr[node_id]), int(self.out_ptr[node_id + 1])
        out = []
        for e in self.out_edges[lo:hi].tolist():
            d = int(self.edge_dst[e])
            kind: EdgeKind = "control" if self.in_ctrl[e] else "data"
            out.append(Edge(d, self.names[d], int(self.in_port[e]), kind))
        return out

    def node_detail(self, node_id: int) -> NodeDetail:
        """Decode one node's attributes, dtype, shapes and both edge lists now."""
        dtype, shapes, attrs = self._info(node_id)
        return NodeDetail(
            node_id=node_id,
            name=self.names[node_id],
            op=self.ops[node_id],
            device=self.devices[node_id],
            dtype=dtype,
            output_shapes=shapes,
            attrs=attrs,
            inputs=tuple(self.inputs(node_id)),
            outputs=tuple(self.outputs(node_id)),
        )

    def ancestors(self, node_id: int, max_nodes: int = 10_000, control: bool = True) -> list[int]:
        """The input closure of a node, nearest first (breadth-first), at most ``max_nodes`` ids.

        The node itself is not included. A caller can tell the closure was cut when the list is
        ``max_nodes`` long.
        """
        return self._closure(node_id, max_nodes, control, upward=True)

    def descendants(self, node_id: int, max_nodes: int = 10_000, control: bool = True) -> list[int]:
        """The output closure of a node, nearest first; the mirror image of :meth:`ancestors`."""
        return self._closure(node_id, max_nodes, control, upward=False)

    def _closure(self, start: int, max_nodes: int, control: bool, upward: bool) -> list[int]:
        # Plain Python breadth-first search over list copies of the CSR arrays: graphs are often long
        # chains, where per-level numpy calls would cost more than the work they do.
        if self._adjacency is None:
            self._adjacency = (
                self.in_ptr.tolist(),
                self.in_src.tolist(),
                self.out_ptr.tolist(),
                self.edge_dst[self.out_edges].tolist(),
                self.in_ctrl.tolist(),
                self.in_ctrl[self.out_edges].tolist(),
            )
        in_ptr, in_src, out_ptr, out_dst, in_ctrl, out_ctrl = self._adjacency
        ptr, targets, is_ctrl = (in_ptr, in_src, in_ctrl) if upward else (out_ptr, out_dst, out_ctrl)
        seen = {start}
        found: list[int] = []
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for e in range(ptr[node], ptr[node + 1]):
                other = targets[e]
                if other < 0 or other in seen or (not control and is_ctrl[e]):
                    continue
                seen.add(other)
                found.append(other)
                if len(found) >= max_nodes:
                    return found
                queue.append(other)
        return found

    # -- search ----------------------------------------------------------------------------------

    def search(self, query: str, by: SearchField = "name", regex: bool = False) -> list[int]:
        """Ids of nodes whose name and/or op contains ``query``, case-insensitively, in graph order.

        With ``regex=True`` the query is a regular expression (searched, not matched whole); an invalid
        one falls back to a plain substring search, so typing a half-finished pattern never fails.
        """
        if not query:
            return []
        pattern: re.Pattern[str] | None = None
        if regex:
            try:
                pattern = re.compile(query, re.IGNORECASE)
            except re.error:
                pattern = None
        hits = np.zeros(len(self.names), dtype=bool)
        if by in ("name", "both"):
            if pattern is None:
                hits |= self._substring_hits(query.lower())
            else:
                search = pattern.search
                hits[[i for i, s in enumerate(self.names) if search(s)]] = True
        if by in ("op", "both"):
            vocab, codes = self._ops_coded()
            if pattern is None:
                needle = query.lower()
                matched = [k for k, op in enumerate(vocab) if needle in op.lower()]
            else:
                matched = [k for k, op in enumerate(vocab) if pattern.search(op)]
            hits |= np.isin(codes, matched)
        return np.flatnonzero(hits).tolist()

    def _substring_hits(self, needle: str) -> np.ndarray:
        """Scan one newline-joined, lower-cased copy of all names; map match offsets back to ids."""
        if self._lower_blob is None:
            lowered = [s.lower() for s in self.names]
            starts = np.zeros(len(lowered), dtype=np.int64)
            if lowered:
                np.cumsum(np.fromiter((len(s) + 1 for s in lowered[:-1]), np.int64), out=starts[1:])
            self._lower_blob = ("\n".join(lowered), starts)
        blob, starts = self._lower_blob
        hits = np.zeros(len(self.names), dtype=bool)
        if "\n" in needle:
            return hits
        positions = np.fromiter((m.start() for m in re.finditer(re.escape(needle), blob)), np.int64)
        if positions.size:
            hits[np.searchsorted(starts, positions, side="right") - 1] = True
        return hits

    def _ops_coded(self) -> tuple[list[str], np.ndarray]:
        if self._op_codes is None:
            vocab: dict[str, int] = {}
            codes = np.fromiter(
                (vocab.setdefault(op, len(vocab)) for op in self.ops), np.int32, count=len(self.ops)
            )
            self._op_codes = (list(vocab), codes)
        return self._op_codes

    # -- scope tree support ------------------------------------------------------------------------

    def sorted_names(self) -> tuple[list[str], np.ndarray]:
        """Names in code-point order and the node id at each position (built once, on first use)."""
        if self._sorted is None:
            order = sorted(range(len(self.names)), key=self.names.__getitem__)
            self._sorted = ([self.names[i] for i in order], np.asarray(order, dtype=np.int64))
        return self._sorted

    #: How the default :attr:`tree` orders siblings; a Keras model keeps its layer order.
    tree_order: TreeOrder = "name"

    @property
    def tree(self) -> ScopeTree:
        """The graph's scope tree (created on first use; its levels are built as they are listed)."""
        if self._tree is None:
            self._tree = ScopeTree(self, order=self.tree_order)
        return self._tree


class _FlatInputs(NamedTuple):
    """All nodes' input strings in one list, with how many belong to each node, in node order."""

    counts: list[int]
    flat: list[str]


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a graph is built.

    Building allocates a few hundred thousand objects that all stay alive; without this the collector
    walks them again and again as they pile up, which can double the build time of a large graph.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _as_graphdef(graph_def: bytes | graph_pb2.GraphDef | Any) -> graph_pb2.GraphDef:
    if isinstance(graph_def, graph_pb2.GraphDef):
        return graph_def
    if isinstance(graph_def, bytes | bytearray | memoryview):
        try:
            return graph_pb2.GraphDef.FromString(bytes(graph_def))
        except DecodeError as e:
            raise ValueError(f"damaged GraphDef: {e}") from e
    # Another library's GraphDef (TensorBoard's, TensorFlow's): same wire format.
    return graph_pb2.GraphDef.FromString(graph_def.SerializeToString())
