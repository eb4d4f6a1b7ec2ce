"""The Graph tab: the focused run's op graph as a tree of name scopes, with a detail pane and search.

What it shows comes from ``context.focused_run``: that run's graphs (``Event.graph_def``, TF2 traces,
the Keras model config), one at a time, chosen with the selector or ``[`` / ``]`` when there are
several. Parsing a graph can take a noticeable fraction of a second for 100,000 nodes, so it runs in a
thread worker and the result is cached per (run, graph name) for as long as the graph's bytes stay the
same (a new graph event under the same name brings new bytes, hence a new parse). Damaged bytes become
a message in the tab, never an exception.

Keys (the tree and detail pane must have focus, Tab moves there):

- ``/`` or ``f`` opens the find box: matches by name or op as you type (``op:`` or ``name:`` narrows
  it); Enter goes to the tree, ``n`` / ``N`` step through the matches, Escape clears. Inside this tab
  ``/`` finds nodes, since the tag filter it opens elsewhere has nothing to filter here; the run filter
  still opens with ``/`` from the runs pane.
- ``t`` traces the highlighted node's inputs: its ancestors are marked in the tree and listed in the
  detail pane, nearest first, each a jump target. ``t`` again (or Escape) ends the trace.
- ``e`` opens a chain of single-child scopes; Enter on an input or output in the detail pane jumps there.
- ``m``, where the run holds run metadata with step stats (TF1 ``add_run_metadata``, the TF2 profiler,
  torch's ``add_graph``): colour the tree by each node's compute time, then by its memory, then not; the
  node detail lists both. The stats are parsed in a worker, as the graph is.
"""

from __future__ import annotations

import bisect
import re
import time
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Select, Static, Tree
from textual.widgets.tree import TreeNode
from textual.worker import Worker, WorkerState

from tui.model.graph import SOURCE_LABELS, KerasModelGraph, OpGraph, ScopeTree, TreeEntry, load_graph
from tui.model.graph.entry import GraphEntry, default_graph
from tui.model.step_stats import StepStats, run_step_stats
from tui.render.safe_text import SafeText
from tui.views.cache import LruCache
from tui.views.selection import PaneContext
from tui.widgets.graph_tree import MAX_DEPTH, GraphTree, Row, format_bytes, format_micros
from tui.widgets.node_detail import NodeDetailView, detail_lines
from tui.widgets.pane import Pane

__all__ = ["GraphPane", "ParsedGraph", "parse_graph"]

#: Parsed graphs kept (per run and graph name); a 100,000-node graph takes some tens of MB.
CACHE_SIZE = 6
#: Ancestors marked in the tree by a trace.
TRACE_MAX = 2000
#: Of those, the nearest listed in the detail pane (a long option list costs seconds to lay out).
TRACE_LIST = 300
#: A scope row's detail says what it directly holds only up to this many ops (listing it costs).
GROUP_DETAIL_MAX = 5000
#: ... and counts its op types up to this many ops (a few ms per 100,000).
OP_TYPES_MAX = 300_000
#: Up to this many matches are put in tree order (natural sort); more keep the sorted-name order.
NATURAL_ORDER_MAX = 5000


@dataclass(slots=True)
class ParsedGraph:
    """A parse result: the graph and its scope tree, or why there is none. ``key`` says which bytes
    were parsed (:attr:`GraphEntry.key`: where they are, so no read is needed to compare)."""

    key: object
    graph: OpGraph | None
    tree: ScopeTree | None
    error: str | None = None
    seconds: float = 0.0
    last_node: int | None = None  # where the cursor was, to come back to


def parse_graph(entry: GraphEntry) -> ParsedGraph:
    """Parse one graph entry and build its first tree level (run in a worker thread).

    The scope tree is built here and then used only by the UI thread: ScopeTree has no lock, and the
    worker is done with it before the UI gets it.
    """
    start = time.perf_counter()
    try:
        graph = load_graph(entry)
        tree = graph.tree
        tree.children("")
    except Exception as e:  # damaged bytes of any kind: a message, never a crash
        reason = str(e) if isinstance(e, ValueError) else f"{type(e).__name__}: {e}"
        return ParsedGraph(entry.key, None, None, reason, time.perf_counter() - start)
    return ParsedGraph(entry.key, graph, tree, None, time.perf_counter() - start)


#: Parsed graphs by (run, graph name), each checked against the bytes it was parsed from.
GraphCache = LruCache[tuple[str, str], ParsedGraph]

_DIGITS = re.compile(r"(\d+)")


def _natural(name: str) -> list[list[object]]:
    """Sort key that follows the tree: per scope level, case-insensitive with numbers compared as such."""
    key = []
    for part in name.split("/"):
        pieces: list[object] = _DIGITS.split(part.lower())
        pieces[1::2] = map(int, pieces[1::2])
        key.append(pieces)
    return key


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


class _FindBar(Horizontal):
    """The find box's row. Its keys are in the key bar while the box has the focus (the bar was
    empty but for ^p, and the box's placeholder, which said them, was cut at 110 columns)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter", "go", "Go to the matches", priority=True, tooltip="Keep the matches; n/N: next/previous"
        ),
        Binding("escape", "close", "Close find", tooltip="End the find, back to the tree"),
    ]

    async def action_go(self) -> None:
        await self.query_one(Input).action_submit()

    def action_close(self) -> None:
        pane = self.parent
        if isinstance(pane, GraphPane):
            pane.action_clear_marks()


class GraphPane(Pane):
    """The Graph tab (see the module docstring)."""

    # Selectors name this widget themselves (some under ``Screen.-narrow``), so they are not scoped.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    GraphPane {
        height: 1fr;
    }

    GraphPane .graph-bar {
        height: 1;
        padding: 0 1;
    }

    GraphPane .graph-title {
        width: 1fr;
        height: 1;
    }

    GraphPane .graph-select {
        width: 32;
        height: 1;
    }

    GraphPane .graph-select SelectCurrent {
        border: none;
        height: 1;
        padding: 0 1;
        background: $boost;
    }

    GraphPane .graph-select SelectOverlay {
        width: 32;
    }

    GraphPane .graph-find-bar {
        display: none;
        height: 1;
        padding: 0 1;
    }

    GraphPane .graph-find {
        width: 1fr;
        height: 1;
        border: none;
        padding: 0 1;
        background: $boost;
    }

    GraphPane .graph-find:focus {
        background: $accent 25%;
    }

    GraphPane .graph-find-count {
        width: auto;
        min-width: 10;
        height: 1;
        padding: 0 1;
    }

    GraphPane .graph-body {
        height: 1fr;
    }

    GraphPane .graph-tree, GraphPane .graph-detail {
        height: 1fr;
        border: round $panel;
        border-title-color: $text-muted;
        scrollbar-size-vertical: 1;
    }

    GraphPane .graph-tree {
        width: 3fr;
    }

    GraphPane .graph-detail {
        width: 2fr;
    }

    GraphPane .graph-detail.-trace {
        border: round $warning;
    }

    GraphPane .graph-tree:focus, GraphPane .graph-detail:focus {
        border: round $accent;
        border-title-color: $text;
    }

    GraphPane .graph-detail > .option-list--option {
        padding: 0 0;
    }

    GraphPane .graph-message {
        display: none;
        height: 1fr;
        padding: 1 2;
    }

    Screen.-narrow GraphPane .graph-body {
        layout: vertical;
    }

    Screen.-narrow GraphPane .graph-tree, Screen.-narrow GraphPane .graph-detail {
        width: 1fr;
    }
    """

    HELP_TITLE = "Graph tab"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash,f", "find", "Find node"),
        Binding("n", "next_match(1)", "Next match"),
        Binding("N", "next_match(-1)", "Previous match", show=False),
        Binding("t", "trace", "Trace inputs"),
        Binding("right_square_bracket", "cycle_graph(1)", "Next graph of the run", show=False),
        Binding("left_square_bracket", "cycle_graph(-1)", "Previous graph of the run", show=False),
        Binding("escape", "clear_marks", "End find / trace, back to the tree", show=False),
        Binding("m", "cycle_stats", "Run metadata: colour by compute time / memory / nothing"),
    ]

    #: What ``m`` cycles through.
    STATS_MODES = ("compute", "memory", "")

    def __init__(
        self, *, id: str | None = None, cache: LruCache[tuple[str, str], ParsedGraph] | None = None
    ) -> None:
        """``cache`` holds parsed graphs by (run, graph name); the app shares one between its panes."""
        super().__init__(id=id)
        self.cache: LruCache[tuple[str, str], ParsedGraph] = (
            cache if cache is not None else LruCache(CACHE_SIZE)
        )
        self.run: str | None = None
        self.graph_name: str | None = None
        self.entry: GraphEntry | None = None
        self.parsed: ParsedGraph | None = None
        self.matches: list[int] = []
        self.match_index = -1
        self.trace_of: int | None = None
        #: perf_counter() when the last tree was drawn (the benchmark reads it).
        self.drawn_at: float | None = None
        self._graph_names: list[str] = []
        self._shown: tuple[ParsedGraph | None, TreeEntry | None] = (None, None)
        self._find_origin: TreeNode[Row] | None = None
        self._refocus = False  # the tree had focus when a message hid it
        #: The focused run's step stats (the RunMetadata with the most nodes), and which one it is.
        self.stats: StepStats | None = None
        self.stats_source = ""
        self.stats_mode = ""
        self._stats_key: tuple | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="graph-bar"):
            yield Static("", classes="graph-title")
            yield Select[str]([], allow_blank=True, prompt="graph", classes="graph-select")
        with _FindBar(classes="graph-find-bar"):
            yield Input(
                placeholder="find a node by name or op (op:MatMul, name:dense)",
                classes="graph-find",
                select_on_focus=False,
            )
            yield Static("", classes="graph-find-count")
        with Horizontal(classes="graph-body"):
            yield GraphTree(classes="graph-tree")
            yield NodeDetailView(classes="graph-detail")
        yield Static("", classes="graph-message")

    def on_mount(self) -> None:
        self.query_one(".graph-select", Select).display = False
        self.query_one(".graph-tree", GraphTree).border_title = "Scopes"
        self.query_one(".graph-detail", NodeDetailView).border_title = "Node"
        self._message("Graph: waiting for a run")

    # -- parts ----------------------------------------------------------------------------------

    @property
    def tree(self) -> GraphTree:
        return self.query_one(".graph-tree", GraphTree)

    @property
    def detail(self) -> NodeDetailView:
        return self.query_one(".graph-detail", NodeDetailView)

    @property
    def find_input(self) -> Input:
        return self.query_one(".graph-find", Input)

    def detail_text(self) -> str:
        """What the detail pane shows, as plain text (for tests and scripts)."""
        return self.detail.text

    @property
    def graph(self) -> OpGraph | None:
        return self.parsed.graph if self.parsed is not None else None

    def _message(self, text: str | Text) -> None:
        """Show a message instead of the tree (no graph, loading, damaged)."""
        self.query_one(".graph-message", Static).update(SafeText(text) if isinstance(text, str) else text)
        self._message_mode(True)

    def _message_mode(self, on: bool) -> None:
        # Display toggles, not a class on the pane: a class change on the pane makes Textual re-match
        # the styles of every widget inside it, on the path to the first drawn tree.
        if on and self.has_focus_within:
            self._refocus = True  # the tree goes, and Textual blurs it once the screen has redrawn
        self.query_one(".graph-message").display = on
        self.query_one(".graph-body").display = not on
        self.query_one(".graph-bar").display = not on
        if not on and self._refocus:
            self._refocus = False
            if self.screen.focused is None or not self.has_focus_within:
                self.call_after_refresh(self._focus_tree_if_lost)

    def _focus_tree_if_lost(self) -> None:
        """Back to the tree after a message hid it (a graph chosen with ``[``/``]`` being parsed),
        unless the user has put focus elsewhere meanwhile."""
        if self.screen.focused is None:
            self.tree.focus()

    @property
    def showing_message(self) -> bool:
        return bool(self.query_one(".graph-message").display)

    @property
    def finding(self) -> bool:
        """True while the find bar shows (from ``/`` until Escape)."""
        return bool(self.query_one(".graph-find-bar").display)

    def _title(self) -> None:
        graph, entry = self.graph, self.entry
        if graph is None or entry is None or self.run is None:
            return
        title = SafeText()
        # The run as the runs pane names it: its marker letter and the name without the prefix
        # every run shares (the full path was "runs/ablation/cnn/lr_0.05" next to a pane of "A ...").
        ctx = self.context
        marker, label, _ = ctx.source_names(self.run) if ctx is not None else ("", self.run, ())
        if marker:
            title.append(f"{marker} ", style=Style(color=ctx.color(self.run) if ctx else None, bold=True))
        title.append(label or self.run, style="bold")
        if len(self._graph_names) < 2:  # else the selector names it
            title.append(f" · {entry.name}")
        title.append(f"  {SOURCE_LABELS.get(entry.source, entry.source)}", style="dim")
        if isinstance(graph, KerasModelGraph):
            title.append(f" · {_plural(graph.node_count, 'layer')}")
        else:
            title.append(f" · {_plural(graph.node_count, 'node')} · {_plural(graph.edge_count, 'edge')}")
            if graph.control_edge_count:
                title.append(f" ({graph.control_edge_count:,} control)")
        if entry.step:
            title.append(f" · step {entry.step}", style="dim")
        if self.stats is not None:
            what = {"compute": "coloured by compute time", "memory": "coloured by memory"}.get(
                self.stats_mode, ""
            )
            title.append(f" · step stats{': ' + what if what else ''} (m)", style="dim")
        self.query_one(".graph-title", Static).update(title)

    # -- which graph ----------------------------------------------------------------------------

    def watch_context(self, old: PaneContext | None, new: PaneContext | None) -> None:
        if new is None:
            return
        run_name = new.focused_run
        run = new.logdir.runs.get(run_name) if run_name is not None else None
        graphs = dict(run.graphs) if run is not None else {}
        self._set_graph_names(list(graphs))
        if run_name is None or not graphs:
            self.run, self.entry, self.parsed = run_name, None, None
            self._no_graph(new, run_name)
            return
        same = run_name == self.run and self.graph_name in graphs
        name = self.graph_name if same else default_graph(graphs)
        self._open(run_name, graphs[name])
        self._load_stats(run)

    # -- run metadata -----------------------------------------------------------------------------

    def _load_stats(self, run) -> None:
        """Parse the run's step stats in a worker when the run or its run metadata changed."""
        key = (run.name, tuple((n, e.key) for n, e in run.graphs.items()), len(run.blobs))
        if key == self._stats_key:
            return
        self._stats_key = key
        self.run_worker(
            lambda: (key, run_step_stats(run)),
            name="step stats",
            group="graph-stats",
            thread=True,
            exclusive=True,
        )

    def _stats_ready(self, key: tuple, found: dict[str, StepStats]) -> None:
        if key != self._stats_key:
            return
        best = max(found.items(), key=lambda kv: len(kv[1]), default=None)
        self.stats, self.stats_source = (
            (best[1], best[0]) if best is not None and len(best[1]) else (None, "")
        )
        if self.stats is None:
            self.stats_mode = ""
        self._apply_stats()

    def _apply_stats(self) -> None:
        stats, mode = self.stats, self.stats_mode
        values: dict[str, float] = {}
        if stats is not None and mode:
            column = stats.compute_micros if mode == "compute" else stats.memory_bytes
            values = {n: float(v) for n, v in zip(stats.names, column.tolist(), strict=True) if v >= 0}
        self.tree.set_stats(values, mode)
        self._title()
        self._show_cursor(force=True)

    def action_cycle_stats(self) -> None:
        if self.stats is None:
            self.post_message(
                Pane.Notice("no step stats in this run (run metadata with per-node compute time and memory)")
            )
            return
        modes = self.STATS_MODES
        self.stats_mode = modes[(modes.index(self.stats_mode) + 1) % len(modes)]
        self._apply_stats()

    def _stats_lines(self, name: str) -> list[tuple[Text, int | None]]:
        node = self.stats.node(name) if self.stats is not None else None
        if node is None:
            return []
        t = SafeText()
        t.append("compute ", style="dim")
        t.append(format_micros(node.compute_micros) if node.compute_micros is not None else "–")
        t.append("  memory ", style="dim")
        t.append(format_bytes(node.memory_bytes))
        t.append(f"  on {node.device}", style="dim")
        return [(t, None), (SafeText(f"step stats from {self.stats_source}", style="dim"), None)]

    def _no_graph(self, ctx: PaneContext, run_name: str | None) -> None:
        self.tree.show_tree(None)
        runs = ctx.logdir.runs
        with_graphs = [r for r in ctx.runs if r in runs and runs[r].graphs]
        text = SafeText()
        text.append("No run selected." if run_name is None else f"Run {run_name} has no graph.", style="bold")
        text.newline()
        if with_graphs:
            text.append("Runs with a graph (pick one in the runs pane): ")
            for i, r in enumerate(with_graphs[:12]):
                text.append(f", {r}" if i else r)
            if len(with_graphs) > 12:
                text.append(f" … {len(with_graphs) - 12} more")
        else:
            text.append(
                "No visible run has a graph. Graphs come from graph_def events (TF1, torch add_graph), "
                "TF2 trace_export and Keras' TensorBoard callback (write_graph=True).",
                style="dim",
            )
        self._message(text)

    def _set_graph_names(self, names: list[str]) -> None:
        if names == self._graph_names:
            return
        self._graph_names = names
        select = self.query_one(".graph-select", Select)
        with select.prevent(Select.Changed):
            select.set_options((SafeText(n), n) for n in names)
            if self.graph_name in names:
                select.value = self.graph_name
        select.display = len(names) > 1

    def _open(self, run: str, entry: GraphEntry) -> None:
        """Show ``entry`` of ``run``: at once if parsed before, else after a worker parses it."""
        current = self.entry
        if (
            run == self.run
            and current is not None
            and entry.name == current.name
            and entry.key == current.key
        ):
            return  # the same graph (the context changed for another reason)
        self._remember_cursor()
        self.run, self.graph_name, self.entry = run, entry.name, entry
        select = self.query_one(".graph-select", Select)
        if entry.name in self._graph_names and select.value != entry.name:
            with select.prevent(Select.Changed):
                select.value = entry.name
        self._clear_marks()
        # Keyed by where the bytes are (file, record, CRC): the same graph without reading it.
        hit = self.cache.get((run, entry.name), entry.key)
        if hit is not None:
            self._show(hit)
            return
        self.parsed = None
        self._message(f"Reading graph {entry.name} of {run} ({entry.size:,} bytes)…")
        self.run_worker(
            lambda: parse_graph(entry),
            name=f"graph {run} {entry.name}",
            group="graph-parse",
            thread=True,
            exclusive=True,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "graph-stats" and event.state == WorkerState.SUCCESS:
            event.stop()
            key, (found, _problems) = worker.result
            self._stats_ready(key, found)
            return
        if worker.group != "graph-parse" or event.state != WorkerState.SUCCESS:
            return
        event.stop()
        parsed: ParsedGraph = worker.result
        entry = self.entry
        if entry is None or self.run is None or parsed.key != entry.key:
            return  # an answer to a question nobody asks any more
        if self.parsed is not None and self.parsed.key == parsed.key:
            return  # a second parse of what is shown (a late context re-asked): keep the tree and cursor
        self.cache.put((self.run, entry.name), parsed, entry.key)
        self._show(parsed)
        self.post_message(Pane.Ready(self))

    def _show(self, parsed: ParsedGraph) -> None:
        self.parsed = parsed
        if parsed.graph is None or parsed.tree is None:
            text = SafeText()
            name, run = self.graph_name or "", self.run or ""
            text.append(f"Graph {name} of run {run} could not be read.", style="bold")
            text.newline().append(parsed.error or "unknown error")
            self.tree.show_tree(None)
            self._message(text)
            return
        self._message_mode(False)
        self._title()
        tree = self.tree
        tree.show_tree(parsed.tree)
        if parsed.last_node is not None:
            tree.reveal(parsed.last_node)
        self._show_cursor()
        self.call_after_refresh(self._drawn)

    def _drawn(self) -> None:
        self.drawn_at = time.perf_counter()

    def _remember_cursor(self) -> None:
        entry = self.tree.cursor_entry
        if self.parsed is not None and entry is not None and entry.node_id is not None:
            self.parsed.last_node = entry.node_id

    @on(Select.Changed, ".graph-select")
    def _graph_chosen(self, event: Select.Changed) -> None:
        event.stop()
        self._choose_graph(event.value)

    def _choose_graph(self, name: object) -> None:
        ctx = self.context
        if ctx is None or self.run is None or not isinstance(name, str):
            return
        run = ctx.logdir.runs.get(self.run)
        if run is not None and name in run.graphs:
            self._open(self.run, run.graphs[name])

    def action_cycle_graph(self, step: int) -> None:
        names = self._graph_names
        if len(names) < 2:
            return
        k = names.index(self.graph_name) if self.graph_name in names else 0
        self._choose_graph(names[(k + step) % len(names)])

    # -- the highlighted row ------------------------------------------------------------------------

    @on(Tree.NodeHighlighted, ".graph-tree")
    def _highlighted(self, event: Tree.NodeHighlighted[Row]) -> None:
        event.stop()
        if self.trace_of is None:
            self._show_cursor()

    @on(Tree.NodeSelected, ".graph-tree")
    def _selected(self, event: Tree.NodeSelected[Row]) -> None:
        """Enter on an op: go to its detail, where its inputs and outputs can be followed."""
        event.stop()
        row = event.node.data
        if row is not None and row.entry is not None and row.entry.kind == "op":
            self.detail.focus()

    def _show_op(self, node_id: int) -> None:
        """The detail pane shows one op: its attributes, inputs and outputs (and step stats)."""
        assert self.graph is not None
        detail = self.graph.node_detail(node_id)
        lines = detail_lines(detail)
        extra = self._stats_lines(detail.name)
        self.detail.show_lines([*lines[:1], *extra, *lines[1:]] if extra else lines, detail.node_id)
        self.detail.border_title = "Node"

    def _show_cursor(self, force: bool = False) -> None:
        """Show the detail of the row under the tree's cursor (once per row, unless ``force``)."""
        graph, tree = self.graph, self.tree
        entry = tree.cursor_entry
        shown = (self.parsed, entry)
        if not force and shown[0] is self._shown[0] and shown[1] is self._shown[1]:
            return
        self._shown = shown
        if graph is None or entry is None:
            self.detail.show_lines([])
            return
        if entry.kind == "op" and entry.node_id is not None:
            self._show_op(entry.node_id)
        else:
            self.detail.show_lines(self._group_lines(entry), entry.node_id)
            self.detail.border_title = "Scope" if entry.kind == "scope" else "Series"

    def _group_lines(self, entry: TreeEntry) -> list[tuple[Text, int | None]]:
        """What a scope or series row shows: its size, what it holds, and its commonest ops."""
        assert self.parsed is not None and self.parsed.tree is not None and self.graph is not None
        graph, scope_tree = self.graph, self.parsed.tree
        lines: list[tuple[Text, int | None]] = []
        kind = "scope" if entry.kind == "scope" else "series"
        lines.append((SafeText(entry.path + ("/" if kind == "scope" else ""), style="bold"), None))
        lines.append((Text.assemble(("ops: ", "dim"), f"{entry.count:,}"), None))
        if kind == "series":
            lines.append((SafeText.assemble(("op: ", "dim"), entry.op), None))
        if entry.count <= GROUP_DETAIL_MAX:  # listing a huge scope just to count its rows would stall
            children = scope_tree.children(entry.path)
            kinds = {k: sum(1 for c in children if c.kind == k) for k in ("scope", "series", "op")}
            held = ", ".join(_plural(n, k if k != "series" else "series") for k, n in kinds.items() if n)
            lines.append((Text.assemble(("holds: ", "dim"), held or "nothing"), None))
        if entry.node_id is not None:
            lines.append((Text(" "), None))
            lines.append((Text("an op has this scope's name; Enter goes to it", style="dim"), None))
            lines.append((SafeText.assemble("  → ", (graph.names[entry.node_id], "bold")), entry.node_id))
        ids = self._ids_under(entry)
        if ids is not None and 0 < len(ids) <= OP_TYPES_MAX:
            vocab: dict[str, int] = {}
            ops = graph.ops
            codes = np.fromiter((vocab.setdefault(ops[i], len(vocab)) for i in ids), np.int32, len(ids))
            counts = np.bincount(codes, minlength=len(vocab))
            order = np.argsort(-counts, kind="stable")[:8]
            names = list(vocab)
            lines.append((Text(" "), None))
            lines.append((Text("op types", style="bold underline"), None))
            for k in order.tolist():
                lines.append((SafeText.assemble(f"  {int(counts[k]):>7,}  ", (names[k], "cyan")), None))
            if len(vocab) > 8:
                lines.append((Text(f"  … {len(vocab) - 8} more types", style="dim"), None))
        return lines

    def _ids_under(self, entry: TreeEntry) -> np.ndarray | None:
        """Node ids inside a scope (a block of the sorted names) or a series (its members)."""
        graph = self.graph
        assert graph is not None and self.parsed is not None and self.parsed.tree is not None
        if entry.kind == "series":
            ids = [c.node_id for c in self.parsed.tree.children(entry.path) if c.node_id is not None]
            return np.asarray(ids, dtype=np.int64)
        names, order = graph.sorted_names()
        prefix = entry.path + "/"
        lo = bisect.bisect_left(names, prefix)
        hi = bisect.bisect_left(names, prefix[:-1] + "0", lo)  # "0" sorts right after "/"
        return order[lo:hi]

    # -- jumping --------------------------------------------------------------------------------

    def on_node_detail_view_jump(self, event: NodeDetailView.Jump) -> None:
        event.stop()
        self.reveal(event.node_id)

    def reveal(self, node_id: int) -> bool:
        """Open the tree down to a node and put the cursor on it."""
        ok = self.tree.reveal(node_id)
        if not ok:
            self.post_message(Pane.Notice("that node is not in the tree"))
        elif self.tree.beyond == node_id and self.graph is not None:
            self._shown = (self.parsed, None)
            self._show_op(node_id)
            self.post_message(
                Pane.Notice(
                    f"that node is deeper than the {MAX_DEPTH} scope levels the tree opens: its detail shows"
                )
            )
        elif self.trace_of is None:
            self._show_cursor()  # now, not when the highlight message arrives
        return ok

    # -- search ---------------------------------------------------------------------------------

    def action_find(self) -> None:
        if self.graph is None:
            return
        self.query_one(".graph-find-bar").display = True
        self._find_origin = self.tree.cursor_node
        box = self.find_input
        box.focus()
        box.cursor_position = len(box.value)

    @on(Input.Changed, ".graph-find")
    def _find_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.search(event.value)

    @on(Input.Submitted, ".graph-find")
    def _find_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._find_origin = None  # Enter accepts where the find went
        self.tree.focus()

    def search(self, query: str) -> list[int]:
        """Find nodes by name or op (``op:`` / ``name:`` narrow it), mark them, go to the first."""
        graph = self.graph
        if graph is None:
            return []
        text = query.strip()
        by = "both"
        for prefix, field in (("op:", "op"), ("name:", "name")):
            if text.lower().startswith(prefix):
                text, by = text[len(prefix) :].strip(), field
        ids = graph.search(text, by=by) if text else []  # type: ignore[arg-type]
        self.matches = self._tree_order(ids)
        self.match_index = -1
        self.tree.set_marks(matches=self.matches)
        if self.matches:
            self.action_next_match(1)
        else:
            self._count_text()
            self._back_to_origin()
        return self.matches

    def _back_to_origin(self) -> None:
        """Put the cursor back where it was when the find began (nothing matches, or Escape)."""
        origin = self._find_origin
        if origin is not None and origin.tree is self.tree and self.tree.cursor_node is not origin:
            self.tree.select_tree_node(origin)
            if self.trace_of is None:
                self._show_cursor()

    def _tree_order(self, ids: list[int]) -> list[int]:
        """Matches in the order the tree lists them, so ``n`` moves down the tree."""
        graph = self.graph
        if graph is None or not ids:
            return ids
        if isinstance(graph, KerasModelGraph) or graph.tree_order == "graph":
            return ids
        names = graph.names
        if len(ids) <= NATURAL_ORDER_MAX:
            return sorted(ids, key=lambda i: _natural(names[i]))
        _, order = graph.sorted_names()
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        arr = np.asarray(ids, dtype=np.int64)
        return arr[np.argsort(rank[arr], kind="stable")].tolist()

    def _count_text(self) -> None:
        query = self.find_input.value.strip()
        if not query:
            text = Text("")
        elif not self.matches:
            text = Text("no match", style="red")
        else:
            text = Text(f"{self.match_index + 1:,}/{len(self.matches):,}")
        self.query_one(".graph-find-count", Static).update(text)

    def action_next_match(self, step: int) -> None:
        if not self.matches:
            if self.graph is not None:
                self.post_message(Pane.Notice("no search matches: / finds nodes by name or op"))
            return
        self.match_index = (self.match_index + step) % len(self.matches)
        self.reveal(self.matches[self.match_index])
        self._count_text()

    # -- trace ----------------------------------------------------------------------------------

    def action_trace(self) -> None:
        """Mark and list the highlighted node's ancestors; a second ``t`` ends the trace."""
        graph = self.graph
        if graph is None:
            return
        if self.trace_of is not None:
            self._end_trace()
            return
        entry = self.tree.cursor_entry
        if entry is None or entry.node_id is None:
            self.post_message(Pane.Notice("trace: put the cursor on an op"))
            return
        node_id = entry.node_id
        found = graph.ancestors(node_id, max_nodes=TRACE_MAX)
        self.trace_of = node_id
        self.tree.set_marks(traced=found)
        lines: list[tuple[Text, int | None]] = []
        head = SafeText.assemble(("inputs of ", "dim"), (graph.names[node_id], "bold"))
        lines.append((head, node_id))
        cut = " (the first; there are more)" if len(found) >= TRACE_MAX else ""
        lines.append((Text(f"{_plural(len(found), 'ancestor')}, nearest first{cut}", style="dim"), None))
        lines.append((Text("t or Escape ends the trace", style="dim"), None))
        for i in found[:TRACE_LIST]:
            line = SafeText.assemble("  ← ", (graph.names[i], "bold"), (f"  {graph.ops[i]}", "cyan"))
            lines.append((line, i))
        if len(found) > TRACE_LIST:
            lines.append(
                (Text(f"  … {len(found) - TRACE_LIST:,} more, marked in the tree", style="dim"), None)
            )
        self.detail.show_lines(lines, node_id, cursor=3 if found else 0)
        self.detail.border_title = "Trace"
        self.detail.add_class("-trace")
        self.detail.focus()

    def _end_trace(self) -> None:
        self.trace_of = None
        self.tree.set_marks(traced=())
        self.detail.remove_class("-trace")
        self._show_cursor(force=True)

    def _clear_marks(self) -> None:
        self.matches, self.match_index = [], -1
        self._find_origin = None
        self.trace_of = None
        self.detail.remove_class("-trace")
        self.query_one(".graph-find-bar").display = False
        with self.find_input.prevent(Input.Changed):
            self.find_input.value = ""
        self._count_text()

    def action_clear_marks(self) -> None:
        """Escape: end the find and the trace, and go back to the tree from the find box or detail."""
        leave = self.find_input.has_focus or self.detail.has_focus
        had_trace = self.trace_of is not None
        if self.find_input.has_focus:
            self._back_to_origin()
        self._clear_marks()
        self.tree.set_marks(matches=(), traced=())
        if had_trace:
            self._show_cursor(force=True)
        if leave or had_trace:
            self.tree.focus()
