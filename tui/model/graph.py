"""Op graphs in memory: nodes, edges both ways, a lazily built scope tree, series grouping and search.

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

import bisect
import gc
import json
import math
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Any, Literal, NamedTuple

import numpy as np
from google.protobuf.message import DecodeError

from tui.tfevents.proto import graph_pb2, tensor_pb2

__all__ = [
    "SERIES_MIN_SIZE",
    "Edge",
    "KerasModelGraph",
    "NodeDetail",
    "OpGraph",
    "ScopeTree",
    "TreeEntry",
    "dtype_name",
    "format_attr",
    "format_bytes",
    "format_shape",
    "format_tensor",
]

EdgeKind = Literal["data", "control"]
EntryKind = Literal["scope", "op", "series"]
SearchField = Literal["name", "op", "both"]
TreeOrder = Literal["name", "graph"]

#: TensorBoard's default ``seriesNodeMinSize``: fewer numbered siblings than this stay ungrouped.
SERIES_MIN_SIZE = 5

# A leaf name TensorBoard treats as a member of a numbered series: non-digits, "_", digits. The prefix
# may hold no digit at all (TensorBoard's rule), so "conv2d_3" is not numbered while "add_12" is.
_SERIES_LEAF = re.compile(r"^(\D*)_(\d+)$")

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


# ----------------------------------------------------------------------------------------------------
# Attribute formatting (pure helpers, also useful to renderers)
# ----------------------------------------------------------------------------------------------------

# DataType enum value -> numpy-style name, in enum order (tensor.proto).
_DTYPE_NAMES: dict[int, str] = dict(enumerate([
    "invalid", "float32", "float64", "int32", "uint8", "int16", "int8", "string", "complex64", "int64",
    "bool", "qint8", "quint8", "qint32", "bfloat16", "qint16", "quint16", "uint16", "complex128",
    "float16", "resource", "variant", "uint32", "uint64",
]))  # fmt: skip
# Little-endian numpy dtypes of the types whose raw ``tensor_content`` numpy can read directly.
_NUMPY_DTYPES: dict[int, str] = {
    1: "<f4", 2: "<f8", 3: "<i4", 4: "u1", 5: "<i2", 6: "i1", 8: "<c8", 9: "<i8", 10: "?", 17: "<u2",
    18: "<c16", 19: "<f2", 22: "<u4", 23: "<u8"
}  # fmt: skip
_ITEM_SIZES: dict[int, int] = {k: np.dtype(v).itemsize for k, v in _NUMPY_DTYPES.items()} | {14: 2}
_MAX_STRING = 120
_MAX_LIST_ITEMS = 10
_MAX_ATTR_TEXT = 240
_MAX_SHOWN_VALUES = 8


def dtype_name(value: int) -> str:
    """``DT_FLOAT`` (1) -> ``float32``; reference types (value + 100) get a ``_ref`` suffix."""
    if value > 100 and value - 100 in _DTYPE_NAMES:
        return _DTYPE_NAMES[value - 100] + "_ref"
    return _DTYPE_NAMES.get(value, f"dtype({value})")


def format_shape(shape: tensor_pb2.TensorShapeProto) -> str:
    """``[32, 784]``; unknown dims are ``?`` and an unknown rank is ``<unknown>``."""
    if shape.unknown_rank:
        return "<unknown>"
    return "[" + ", ".join("?" if d.size < 0 else str(d.size) for d in shape.dim) + "]"


def format_bytes(n: int) -> str:
    """A byte count in decimal units, short enough for one attribute line (``401 KB``)."""
    if n < 1000:
        return f"{n} B"
    value = float(n)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1000.0
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}" if value >= 100 else f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def _format_text(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return f"<{len(raw)} bytes>"
    if len(text) > _MAX_STRING:
        return json.dumps(text[:_MAX_STRING], ensure_ascii=False)[:-1] + f'…" ({format_bytes(len(raw))})'
    return json.dumps(text, ensure_ascii=False)


def _format_number(value: float) -> str:
    return f"{value:.6g}"


def _tensor_values(tensor: tensor_pb2.TensorProto, count: int) -> list[str] | None:
    """The values of a small tensor as short strings, or None when they cannot be had."""
    dtype = tensor.dtype
    values: list[Any]
    if tensor.tensor_content:
        np_dtype = _NUMPY_DTYPES.get(dtype)
        if np_dtype is None:
            return None
        array = np.frombuffer(tensor.tensor_content, dtype=np_dtype)
        values = array.tolist()
    elif dtype == 7:
        values = [_format_text(s) for s in tensor.string_val]
    elif dtype == 19:
        values = np.asarray(tensor.half_val, dtype=np.uint16).view(np.float16).tolist()
    else:
        field = {
            1: tensor.float_val,
            2: tensor.double_val,
            3: tensor.int_val,
            4: tensor.int_val,
            5: tensor.int_val,
            6: tensor.int_val,
            9: tensor.int64_val,
            10: tensor.bool_val,
            17: tensor.int_val,
            22: tensor.uint32_val,
            23: tensor.uint64_val,
        }.get(dtype)
        if field is None:
            return None
        values = list(field)
    if not values:
        return [] if count == 0 else None
    # A typed field holding exactly one element fills the whole shape.
    if len(values) == 1 and count > 1:
        values = values * count
    out = []
    for v in values[:count]:
        if isinstance(v, bool):
            out.append("true" if v else "false")
        elif isinstance(v, float):
            out.append(_format_number(v))
        else:
            out.append(str(v))
    return out


def format_tensor(tensor: tensor_pb2.TensorProto) -> str:
    """``tensor float32 [784, 128] (401 KB)``; small tensors show their values instead of a size."""
    dims = [d.size for d in tensor.tensor_shape.dim]
    shape = format_shape(tensor.tensor_shape)
    head = f"tensor {dtype_name(tensor.dtype)} {shape}"
    count = math.prod(dims) if all(d >= 0 for d in dims) else -1
    if 0 <= count <= _MAX_SHOWN_VALUES:
        values = _tensor_values(tensor, count)
        if values is not None:
            text = values[0] if not dims and values else "[" + ", ".join(values) + "]"
            return f"{head} = {text}"
    if tensor.tensor_content:
        nbytes = len(tensor.tensor_content)
    elif tensor.dtype == 7:
        nbytes = sum(len(s) for s in tensor.string_val)
    elif count >= 0 and tensor.dtype in _ITEM_SIZES:
        nbytes = count * _ITEM_SIZES[tensor.dtype]
    else:
        nbytes = tensor.ByteSize()
    return f"{head} ({format_bytes(nbytes)})"


def _format_list(items: Sequence[Any], fmt: Callable[[Any], str]) -> str:
    shown = [fmt(x) for x in items[:_MAX_LIST_ITEMS]]
    if len(items) > _MAX_LIST_ITEMS:
        shown.append(f"… ({len(items)} items)")
    return "[" + ", ".join(shown) + "]"


def format_attr(value: graph_pb2.AttrValue) -> str:
    """A one-line human form of an AttrValue; large values are elided with their size."""
    which = value.WhichOneof("value")
    if which == "s":
        text = _format_text(value.s)
    elif which == "i":
        text = str(value.i)
    elif which == "f":
        text = _format_number(value.f)
    elif which == "b":
        text = "true" if value.b else "false"
    elif which == "type":
        text = dtype_name(value.type)
    elif which == "shape":
        text = format_shape(value.shape)
    elif which == "tensor":
        text = format_tensor(value.tensor)
    elif which == "func":
        text = f"func {value.func.name}"
    elif which == "placeholder":
        text = f"${value.placeholder}"
    elif which == "list":
        lst = value.list
        if lst.s:
            text = _format_list(lst.s, _format_text)
        elif lst.i:
            text = _format_list(lst.i, str)
        elif lst.f:
            text = _format_list(lst.f, _format_number)
        elif lst.b:
            text = _format_list(lst.b, lambda b: "true" if b else "false")
        elif lst.type:
            text = _format_list(lst.type, dtype_name)
        elif lst.shape:
            text = _format_list(lst.shape, format_shape)
        elif lst.tensor:
            text = _format_list(lst.tensor, format_tensor)
        elif lst.func:
            text = _format_list(lst.func, lambda f: f"func {f.name}")
        else:
            text = "[]"
    else:
        text = ""
    if len(text) > _MAX_ATTR_TEXT:
        text = text[: _MAX_ATTR_TEXT - 1] + "…"
    return text


def _proto_node_info(node: graph_pb2.NodeDef) -> tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]:
    """(dtype, output shapes, attributes) of a NodeDef, decoded now."""
    attr = node.attr
    dtype = ""
    for key in ("dtype", "T"):
        if key in attr and attr[key].WhichOneof("value") == "type":
            dtype = dtype_name(attr[key].type)
            break
    shapes = _proto_node_shapes(node)
    attrs = tuple((key, format_attr(attr[key])) for key in sorted(attr) if key != "_output_shapes")
    return dtype, shapes, attrs


def _proto_node_shapes(node: graph_pb2.NodeDef) -> tuple[str, ...]:
    """Just the ``_output_shapes`` of a NodeDef: what a tree row shows, without the other attributes."""
    if "_output_shapes" not in node.attr:
        return ()
    return tuple(format_shape(s) for s in node.attr["_output_shapes"].list.shape)


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
            lambda i: _proto_node_info(nodes[i]),
            shapes=lambda i: _proto_node_shapes(nodes[i]),
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


# ----------------------------------------------------------------------------------------------------
# Scope tree
# ----------------------------------------------------------------------------------------------------


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

    def path_to(self, node_id: int) -> list[str]:
        """The scope (and series) paths to expand, outermost first, so that the node's row shows."""
        name = self.graph.names[node_id]
        parts = name.split("/")
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


# ----------------------------------------------------------------------------------------------------
# Keras conceptual graph
# ----------------------------------------------------------------------------------------------------


class KerasModelGraph(OpGraph):
    """A Keras ``model.to_json()`` config as a graph of layers (TensorBoard's "conceptual graph").

    Nodes are layers named ``<model>/<layer>``, nested models becoming scopes, as TensorBoard's
    ``keras_util`` names them; the op is the layer's class (``Dense``) and the attributes are the layer's
    config. Edges come from each layer's ``inbound_nodes`` (Keras 3 ``keras_history`` or the Keras 2
    list form), or from layer order in a Sequential model; an edge into a nested model goes to that
    model's input layer and an edge out of one comes from its output layer.
    """

    class_name: str = ""
    model_name: str = ""
    tree_order: TreeOrder = "graph"

    @classmethod
    def from_json(cls, text: str | bytes) -> KerasModelGraph:
        """From the JSON text the ``graph_keras_model`` plugin stores; ValueError if it is not a model."""
        try:
            config = json.loads(text)
            if not isinstance(config, dict):
                raise ValueError("a Keras model config is a JSON object")
            builder = _KerasBuilder()
            builder.walk(config, "")
            infos = builder.finish()
        except (TypeError, KeyError, AttributeError, IndexError, RecursionError) as e:
            raise ValueError(f"not a Keras model config: {e!r}") from e
        graph = cls(
            builder.names,
            builder.ops,
            [""] * len(builder.names),
            builder.inputs,
            infos.__getitem__,
            source="keras",
        )
        graph.class_name = str(config.get("class_name", ""))
        graph.model_name = str((config.get("config") or {}).get("name", ""))
        return graph


class _KerasBuilder:
    """Walks a Keras config in pre-order like TensorBoard's ``keras_util``: one node per plain layer."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.ops: list[str] = []
        self.inputs: list[list[str]] = []
        self._configs: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        self._shapes: dict[str, str] = {}
        self._model_outputs: dict[str, list[str]] = {}
        self._input_feeds: dict[str, str] = {}
        self._prev: str | None = None

    def walk(self, layer: dict[str, Any], scope: str) -> None:
        config = layer.get("config") or {}
        sublayers = config.get("layers")
        if not isinstance(sublayers, list):
            self._add_layer(layer, config, scope)
            return
        name = _join(scope, str(config.get("name", "model")))
        inbound = _inbound_names(layer)
        input_layers = _as_layer_list(config.get("input_layers"))
        output_layers = _as_layer_list(config.get("output_layers"))
        functional = bool(input_layers) and bool(output_layers)
        if inbound and functional:  # a functional model inside a functional one
            for (input_layer, *_), (source, *_) in zip(input_layers, inbound, strict=False):
                self._input_feeds[_join(name, str(input_layer))] = _join(scope, source)
        elif inbound:  # a Sequential model inside a functional one: feed its first layer
            self._prev = _join(scope, inbound[0][0])
        elif functional and self._prev is not None and input_layers:  # inside a Sequential model
            self._input_feeds[_join(name, str(input_layers[0][0]))] = self._prev
        if functional:
            self._model_outputs[name] = [_join(name, str(o[0])) for o in output_layers]
        elif sublayers and isinstance(sublayers[-1], dict):
            last = (sublayers[-1].get("config") or {}).get("name", "")
            self._model_outputs[name] = [_join(name, str(last))]
        for sub in sublayers:
            if isinstance(sub, dict):
                self.walk(sub, name)

    def _add_layer(self, layer: dict[str, Any], config: dict[str, Any], scope: str) -> None:
        name = _join(scope, str(config.get("name", layer.get("name", "layer"))))
        inputs: list[str] = []
        if layer.get("inbound_nodes") is not None:
            for source, _, index in _inbound_names(layer):
                full = _join(scope, source)
                outs = self._model_outputs.get(full, [full])
                inputs.append(outs[index] if 0 <= index < len(outs) else outs[-1])
            for owner, shape in _inbound_shapes(layer, scope):
                self._shapes.setdefault(owner, shape)
        elif self._prev is not None:
            inputs.append(self._prev)
        if name in self._input_feeds:
            inputs.append(self._input_feeds[name])
        batch_shape = config.get("batch_shape", config.get("batch_input_shape"))
        if isinstance(batch_shape, list):
            self._shapes.setdefault(name, _shape_text(batch_shape))
        dtype = config.get("dtype")
        if isinstance(dtype, dict):
            dtype = (dtype.get("config") or {}).get("name", "")
        attrs = tuple(
            (key, _json_short(value))
            for key, value in sorted(config.items())
            if key != "name" and value is not None
        )
        self.names.append(name)
        self.ops.append(str(layer.get("class_name", "")))
        self.inputs.append(inputs)
        self._configs.append((str(dtype or ""), attrs))
        self._prev = name

    def finish(self) -> list[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]]:
        """Per-node (dtype, output shapes, attrs); a layer's output shape is known from its consumers."""
        infos = []
        for name, (dtype, attrs) in zip(self.names, self._configs, strict=True):
            shape = self._shapes.get(name)
            infos.append((dtype, (shape,) if shape else (), attrs))
        return infos


def _join(scope: str, name: str) -> str:
    return f"{scope}/{name}" if scope else name


def _as_layer_list(value: Any) -> list[list[Any]]:
    """``["a", 0, 0]`` or ``[["a", 0, 0], ...]`` -> a list of ``[name, node, tensor]`` lists."""
    if not isinstance(value, list) or not value:
        return []
    return value if isinstance(value[0], list) else [value]


def _inbound_names(layer: dict[str, Any]) -> list[tuple[str, int, int]]:
    """``(layer name, node index, tensor index)`` for each input of a layer, Keras 3 or Keras 2 form."""
    found: list[tuple[str, int, int]] = []
    for node in layer.get("inbound_nodes") or []:
        if isinstance(node, dict):  # Keras 3: {"args": [keras tensor, ...], "kwargs": {...}}
            for history in _keras_histories(node.get("args", [])):
                found.append((str(history[0]), int(history[1]), int(history[2])))
        elif isinstance(node, list):  # Keras 2: [[name, node_index, tensor_index, kwargs], ...]
            for item in node:
                if isinstance(item, list) and len(item) >= 3:
                    found.append((str(item[0]), int(item[1]), int(item[2])))
    return found


def _keras_histories(args: Any) -> Iterable[list[Any]]:
    items = args if isinstance(args, list) else [args]
    for arg in items:
        if isinstance(arg, list):
            yield from _keras_histories(arg)
        elif isinstance(arg, dict):
            history = (arg.get("config") or {}).get("keras_history")
            if isinstance(history, list) and len(history) >= 3:
                yield history


def _inbound_shapes(layer: dict[str, Any], scope: str) -> Iterable[tuple[str, str]]:
    """(source layer, shape text) for each Keras 3 inbound tensor that records its shape."""
    for node in layer.get("inbound_nodes") or []:
        if not isinstance(node, dict):
            continue
        stack = list(node.get("args", []) if isinstance(node.get("args"), list) else [node.get("args")])
        while stack:
            arg = stack.pop()
            if isinstance(arg, list):
                stack.extend(arg)
            elif isinstance(arg, dict):
                cfg = arg.get("config") or {}
                history, shape = cfg.get("keras_history"), cfg.get("shape")
                if isinstance(history, list) and history and isinstance(shape, list):
                    yield _join(scope, str(history[0])), _shape_text(shape)


def _shape_text(dims: list[Any]) -> str:
    return "[" + ", ".join("?" if d is None or (isinstance(d, int) and d < 0) else str(d) for d in dims) + "]"


def _json_short(value: Any) -> str:
    """A Keras config value in one short line; nested objects show their class name."""
    if isinstance(value, dict) and "class_name" in value:
        inner = value.get("config")
        if isinstance(inner, dict) and set(inner) == {"name"}:
            return str(inner["name"])
        return str(value["class_name"])
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _MAX_ATTR_TEXT else text[: _MAX_ATTR_TEXT - 1] + "…"
