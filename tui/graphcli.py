"""``tbtui graph LOGDIR --run R``: print each matching run's graphs as a depth-limited scope tree.

For scripts and CI logs: the same tree the Graph tab shows, as plain lines. ``tui/cli.py`` parses the
arguments; this module loads the logdir, picks the graphs and prints them. Every name that came from a
log file goes through :func:`tui.render.inert.inert`, since a node name is arbitrary bytes and must not
reach the terminal as control sequences.

Exit codes: 0 when every selected graph printed, 1 when some graph could not be read (its block says
why; the others still print), 2 for bad arguments, 3 when nothing matched.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import TextIO

from tui.cli import EXIT_NOTHING, EXIT_USAGE, CliError
from tui.model.graph import KerasModelGraph, OpGraph
from tui.model.logdir import GraphEntry, Logdir
from tui.render.graphtext import render_graph_summary, render_scope_tree
from tui.render.inert import inert

__all__ = ["SOURCE_LABELS", "load_graph", "main"]

#: How each graph source is named to people (the Graph tab uses the same words).
SOURCE_LABELS = {
    "graph_def": "GraphDef",
    "run_metadata": "TF2 trace",
    "keras": "Keras model",
}

EXIT_DAMAGED = 1
_MAX_CHILDREN = 40


def load_graph(entry: GraphEntry) -> OpGraph:
    """Parse a run's graph entry; ValueError when its bytes are damaged or of an unknown source."""
    if entry.source == "graph_def":
        return OpGraph.from_graphdef(entry.data)
    if entry.source == "run_metadata":
        return OpGraph.from_run_metadata(entry.data)
    if entry.source == "keras":
        return KerasModelGraph.from_json(entry.data)
    raise ValueError(f"unknown graph source {entry.source!r}")


def _select(logdir: Logdir, run_rx: re.Pattern[str], name: str | None) -> list[tuple[str, GraphEntry]]:
    runs = sorted(r for r in logdir.runs if run_rx.search(r))
    if not runs:
        known = ", ".join(sorted(logdir.runs)[:10]) or "none"
        raise CliError(f"no run matches --run {run_rx.pattern!r} (runs: {inert(known)})", EXIT_NOTHING)
    with_graphs = [r for r in runs if logdir.runs[r].graphs]
    if not with_graphs:
        raise CliError(f"no graphs in the {len(runs)} runs matching --run {run_rx.pattern!r}", EXIT_NOTHING)
    picked = [
        (r, entry)
        for r in with_graphs
        for gname, entry in logdir.runs[r].graphs.items()
        if name is None or gname == name
    ]
    if not picked:
        names = sorted({g for r in with_graphs for g in logdir.runs[r].graphs})
        raise CliError(
            f"no graph named {inert(name or '')!r} in the matching runs (graphs: {inert(', '.join(names))})",
            EXIT_NOTHING,
        )
    return picked


def print_graph(run: str, entry: GraphEntry, depth: int, out: TextIO) -> bool:
    """Print one graph's block; False (and a one-line reason in the block) when it cannot be read."""
    source = SOURCE_LABELS.get(entry.source, entry.source)
    out.write(f"{inert(run)}  {inert(entry.name)}  ({source}, step {entry.step})\n")
    try:
        graph = load_graph(entry)
    except ValueError as e:
        out.write(f"  cannot read this graph: {inert(str(e))}\n")
        return False
    for line in render_graph_summary(graph):
        out.write(f"  {inert(line)}\n")
    for line in render_scope_tree(graph.tree, max_depth=depth, max_children=_MAX_CHILDREN):
        out.write(f"  {inert(line)}\n")
    return True


def main(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run ``tbtui graph`` with parsed arguments (``logdir``, ``run``, ``depth``, ``name``)."""
    out = sys.stdout if out is None else out
    if args.depth < 1:
        raise CliError("--depth must be at least 1", EXIT_USAGE)
    try:
        run_rx = re.compile(args.run)
    except re.error as e:
        raise CliError(f"bad regex {args.run!r}: {e}", EXIT_USAGE) from None
    if not os.path.exists(args.logdir):
        raise CliError(f"logdir not found: {args.logdir}", EXIT_USAGE)
    if not os.path.isdir(args.logdir):
        raise CliError(f"not a directory: {args.logdir}", EXIT_USAGE)
    logdir = Logdir(args.logdir).load_all()
    ok = True
    for k, (run, entry) in enumerate(_select(logdir, run_rx, args.name)):
        if k:
            out.write("\n")
        ok = print_graph(run, entry, args.depth, out) and ok
    return 0 if ok else EXIT_DAMAGED
