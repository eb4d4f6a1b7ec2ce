"""From a run's graph entry (bytes as the log stored them) to an :class:`OpGraph`, whatever its source."""

from __future__ import annotations

from tui.model.graph.entry import GraphEntry
from tui.model.graph.keras import KerasModelGraph
from tui.model.graph.opgraph import OpGraph

__all__ = ["SOURCE_LABELS", "load_graph"]

#: How each graph source is named to people (the Graph tab and ``tbtui graph`` use the same words).
SOURCE_LABELS = {
    "graph_def": "GraphDef",
    "run_metadata": "TF2 trace",
    "keras": "Keras model",
}


def load_graph(entry: GraphEntry) -> OpGraph:
    """Parse a run's graph entry; ValueError when its bytes are damaged or of an unknown source."""
    if entry.source == "graph_def":
        return OpGraph.from_graphdef(entry.data)
    if entry.source == "run_metadata":
        return OpGraph.from_run_metadata(entry.data)
    if entry.source == "keras":
        return KerasModelGraph.from_json(entry.data)
    raise ValueError(f"unknown graph source {entry.source!r}")
