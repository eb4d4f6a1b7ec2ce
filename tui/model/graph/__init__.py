"""Op graphs in memory: nodes, edges both ways, a lazily built scope tree, series grouping and search.

Graphs reach tbtui in three shapes (see FORMAT.md, "Graphs come in four shapes"): a serialized GraphDef
(torch, tensorboardX, TF1), a RunMetadata whose function graphs hold the op graph (TF2 ``trace_export``), and
a Keras ``model.to_json()`` config (the "conceptual graph"). All three become one :class:`OpGraph`
(``load``), so the tree (``scopes``), search and detail views need not know where a graph came from;
attributes are decoded for one node when asked (``attrs``).

The names below are imported on first use (PEP 562): loading a logdir imports ``graph.entry`` (a run's
graph, read on demand), and Python runs this file first; the graph viewer's modules are not needed
until a graph is shown.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tui.model.graph.attrs import format_attr, format_bytes, format_shape, format_tensor
    from tui.model.graph.keras import KerasModelGraph
    from tui.model.graph.load import SOURCE_LABELS, load_graph
    from tui.model.graph.opgraph import Edge, NodeDetail, OpGraph
    from tui.model.graph.scopes import SERIES_MIN_SIZE, ScopeTree, TreeEntry

_MODULES = {
    "SERIES_MIN_SIZE": "scopes",
    "SOURCE_LABELS": "load",
    "Edge": "opgraph",
    "KerasModelGraph": "keras",
    "NodeDetail": "opgraph",
    "OpGraph": "opgraph",
    "ScopeTree": "scopes",
    "TreeEntry": "scopes",
    "format_attr": "attrs",
    "format_bytes": "attrs",
    "format_shape": "attrs",
    "format_tensor": "attrs",
    "load_graph": "load",
}

__all__ = [
    "SERIES_MIN_SIZE",
    "SOURCE_LABELS",
    "Edge",
    "KerasModelGraph",
    "NodeDetail",
    "OpGraph",
    "ScopeTree",
    "TreeEntry",
    "format_attr",
    "format_bytes",
    "format_shape",
    "format_tensor",
    "load_graph",
]


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # found directly from now on
    return value
