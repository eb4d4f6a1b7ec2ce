"""Op graphs in memory: nodes, edges both ways, a lazily built scope tree, series grouping and search.

Graphs reach tbtui in three shapes (see FORMAT.md, "Graphs come in four shapes"): a serialized GraphDef
(torch, tensorboardX, TF1), a RunMetadata whose function graphs hold the op graph (TF2 ``trace_export``), and
a Keras ``model.to_json()`` config (the "conceptual graph"). All three become one :class:`OpGraph`
(``load``), so the tree (``scopes``), search and detail views need not know where a graph came from;
attributes are decoded for one node when asked (``attrs``).
"""

from tui.model.graph.attrs import dtype_name, format_attr, format_bytes, format_shape, format_tensor
from tui.model.graph.keras import KerasModelGraph
from tui.model.graph.load import SOURCE_LABELS, load_graph
from tui.model.graph.opgraph import Edge, NodeDetail, OpGraph
from tui.model.graph.scopes import SERIES_MIN_SIZE, ScopeTree, TreeEntry

__all__ = [
    "SERIES_MIN_SIZE",
    "SOURCE_LABELS",
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
    "load_graph",
]
