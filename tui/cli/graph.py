"""``tbtui graph LOGDIR --run R``: print each matching run's graphs as a depth-limited scope tree.

For scripts and CI logs: the same tree the Graph tab shows, as plain lines. Every name that came from a
log file goes through :func:`tui.views.safe.inert`, since a node name is arbitrary bytes and must not
reach the terminal as control sequences.

Exit codes: 0 when every selected graph printed, 1 when some graph could not be read (its block says
why; the others still print), 2 for bad arguments, 3 when nothing matched.
"""

from __future__ import annotations

import argparse
from typing import TextIO

from tui.cli.common import (
    EXIT_DAMAGED,
    EXIT_NOTHING,
    CliError,
    add_logdir_arguments,
    open_runs,
)
from tui.cli.drawing import drawing_stdout
from tui.model.graph import SOURCE_LABELS, load_graph
from tui.model.graph.entry import GraphEntry
from tui.model.logdir import Logdir
from tui.render.graphtext import render_graph_summary, render_scope_tree
from tui.views.safe import inert

__all__ = ["HELP", "add_arguments", "print_graph", "run"]

HELP = "print a run's op graph as a tree of name scopes"

_MAX_CHILDREN = 40


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_logdir_arguments(p, run_help="runs whose graphs to print")
    p.add_argument("--depth", type=int, default=3, help="scope levels to print (default 3)")
    p.add_argument("--name", metavar="GRAPH", help="which graph of the run (default: all)")


def _select(logdir: Logdir, runs: list[str], pattern: str, name: str | None) -> list[tuple[str, GraphEntry]]:
    """The graphs to print: of ``runs`` (those ``--run pattern`` picked), the one called ``name`` or all."""
    if not runs:
        known = ", ".join(sorted(logdir.runs)[:10]) or "none"
        raise CliError(f"no run matches --run {pattern!r} (runs: {inert(known)})", EXIT_NOTHING)
    with_graphs = [r for r in runs if logdir.runs[r].graphs]
    if not with_graphs:
        n = f"the {len(runs)} runs" if len(runs) != 1 else "the run"
        raise CliError(f"no graphs in {n} matching --run {pattern!r}", EXIT_NOTHING)
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


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run ``tbtui graph`` with parsed arguments (``logdir``, ``run``, ``depth``, ``name``)."""
    out = drawing_stdout() if out is None else out
    if args.depth < 1:
        raise CliError("--depth must be at least 1")
    logdir, runs = open_runs(args)
    ok = True
    for k, (run_name, entry) in enumerate(_select(logdir, runs, args.run, args.name)):
        if k:
            out.write("\n")
        ok = print_graph(run_name, entry, args.depth, out) and ok
    return 0 if ok else EXIT_DAMAGED
