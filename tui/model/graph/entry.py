"""A graph a run carries, as the reader found it: where its bytes are and how to count its nodes.

The bytes are read again and parsed only when someone looks (the Graph tab, ``tbtui graph``), so a
run with a large graph costs no memory for it until then.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from tui.model.payloads import (
    PayloadIndex,
    PayloadUnavailable,
)
from tui.tfevents.decode import RUN_GRAPH_TAG
from tui.tfevents.proto import graph_pb2


@dataclass(slots=True)
class GraphEntry:
    """A graph a run carries: where its bytes are, read and parsed only when someone looks at it.

    ``source`` is "graph_def" (Event.graph_def or a MetaGraphDef's graph), "run_metadata" (a TF2
    trace: RunMetadata whose function graphs hold the op graph) or "keras" (model JSON). ``ref``
    is the one-point payload index of the record holding it (payloads.py); ``raw``: bytes made in
    memory instead (tests). :attr:`data` reads the bytes (blocking: workers, the CLI); :attr:`key`
    and :attr:`size` say which graph and how large without reading.
    """

    name: str
    kind: str  # "op_graph" | "keras_model"
    source: str
    step: int
    raw: bytes | None = None
    ref: PayloadIndex | None = None
    _nodes: int | None = None

    @property
    def data(self) -> bytes:
        """The graph's bytes (read again from its event file; raises PayloadUnavailable)."""
        if self.raw is not None or self.ref is None:
            return self.raw or b""
        item = self.ref.load(0)
        raw = item if isinstance(item, bytes) else first_bytes(item)
        if raw is None:
            raise PayloadUnavailable("the record no longer holds this graph")
        return raw

    @property
    def key(self) -> object:
        """Which bytes these are, without reading them: equal keys, equal bytes."""
        if self.ref is None:
            return self.raw
        row = self.ref.rows[0]
        return (self.ref.files[0].serial, int(row["offset"]), int(row["value"]), int(row["crc"]))

    @property
    def size(self) -> int:
        """Bytes of the graph (from the index: no read)."""
        return len(self.raw or b"") if self.ref is None else int(self.ref.rows["size"][0])

    @property
    def nodes(self) -> int:
        """Top-level NodeDefs (op graphs; a trace sums its function graphs) or layers (Keras)."""
        if self._nodes is None:
            self._nodes = count_graph_nodes(self)
        return self._nodes


def default_graph(graphs: Mapping[str, GraphEntry]) -> str:
    """The graph of a run to open first: its run graph (Event.graph_def) when it has one, as
    TensorBoard's graph dashboard opens on its "Default" tag, else the first graph written.

    Keras 2's callback writes the model config before the train function's op graph, and with
    profile_batch an empty trace after it: the order written is not the order to show."""
    return RUN_GRAPH_TAG if RUN_GRAPH_TAG in graphs else next(iter(graphs))


def keras_layer_count(model: dict) -> int:
    """Layers of a Keras model config, nested models flattened (TensorBoard draws their layers)."""
    layers = (model.get("config") or {}).get("layers")
    if layers is None:
        layer = (model.get("config") or {}).get("layer")  # wrappers such as TimeDistributed
        return keras_layer_count(layer) if isinstance(layer, dict) else 1
    return sum(keras_layer_count(x) if (x.get("config") or {}).get("layers") else 1 for x in layers)


def count_graph_nodes(entry: GraphEntry) -> int:
    """Nodes (or layers) of a graph: reads its bytes (blocking). A damaged or unreadable graph has 0."""
    try:
        if entry.source == "graph_def":
            return len(graph_pb2.GraphDef.FromString(entry.data).node)
        if entry.source == "run_metadata":
            rm = graph_pb2.RunMetadata.FromString(entry.data)
            return sum(len(fg.pre_optimization_graph.node) for fg in rm.function_graphs)
        if entry.source == "keras":
            import json  # (here: every load imports this module, few logs hold a Keras graph)

            return keras_layer_count(json.loads(entry.data))
    except Exception:  # a damaged graph is shown as empty, never raised
        return 0
    return 0


def first_bytes(arr: object) -> bytes | None:
    """The first element of a decoded string tensor, as bytes (None if it holds no bytes)."""
    if isinstance(arr, np.ndarray) and arr.dtype == object and arr.size:
        v = arr.reshape(-1)[0]
        return bytes(v) if isinstance(v, bytes | bytearray) else None
    return None
