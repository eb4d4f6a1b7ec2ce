"""The Graph tab driven with keys (Pilot): expand, chains, jump to an input, find, trace, graph choice.

Most tests mount the pane alone in a small app that sets its context, as tui/app.py does; the last ones
go through the real app (press 4). Graphs are the real corpus graphs in tests/data/corpus, plus
synthetic ones written with the event writer for laziness, paging, damage and hostile names.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

import tui
from tui.model.graph import OpGraph
from tui.model.logdir import Logdir
from tui.tfevents.proto import event_pb2, graph_pb2
from tui.tfevents.writer import EventFileWriter
from tui.views.selection import PaneContext
from tui.widgets.graph_pane import GraphPane
from tui.widgets.graph_tree import PAGE, GraphTree

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
CSS = str(Path(tui.__file__).parent / "tbtui.tcss")


class GraphApp(App[None]):
    """Just the Graph pane, given a context the way the app gives it."""

    CSS_PATH = CSS

    def __init__(self, logdir: Logdir, run: str | None) -> None:
        super().__init__()
        self.logdir = logdir
        self.run_name = run

    def compose(self) -> ComposeResult:
        yield GraphPane(id="pane-graph")

    def on_mount(self) -> None:
        self.pane.context = self.make_context(self.run_name)

    def make_context(self, run: str | None, generation: int = 0) -> PaneContext:
        return PaneContext(
            logdir=self.logdir, generation=generation, runs=tuple(self.logdir.runs), focused_run=run
        )

    @property
    def pane(self) -> GraphPane:
        return self.query_one(GraphPane)


async def settle(pilot: Pilot, pane: GraphPane) -> None:
    """Wait for graph parses to finish and their results to be shown (a bounded number of steps)."""
    for _ in range(50):
        pending = [w for w in pilot.app.workers if w.group == "graph-parse" and not w.is_finished]
        for worker in pending:
            await worker.wait()
        await pilot.pause()
        if not pending and (pane.entry is None or pane.parsed is not None):
            return
    raise AssertionError("the graph never showed")


def rows(tree: GraphTree) -> list[str]:
    """The visible rows' labels (no guides or icons)."""
    return [tree.get_node_at_line(i).label.plain for i in range(tree.last_line + 1)]


def cursor_name(pane: GraphPane) -> str | None:
    entry = pane.tree.cursor_entry
    graph = pane.graph
    if entry is None or graph is None:
        return None
    return graph.names[entry.node_id] if entry.node_id is not None and entry.kind == "op" else entry.path


def in_view(tree: GraphTree) -> bool:
    """The cursor row is on screen (a jump scrolls the tree to it)."""
    node = tree.cursor_node
    top = round(tree.scroll_offset.y)
    return node is not None and top <= node.line < top + tree.scrollable_content_region.height


def tree_size(tree: GraphTree) -> int:
    count, stack = 0, list(tree.root.children)
    while stack:
        node = stack.pop()
        count += 1
        stack.extend(node.children)
    return count


@pytest.fixture(scope="module")
def tf2() -> Logdir:
    return Logdir(str(CORPUS / "tf2")).load_all()


@pytest.fixture(scope="module")
def torch_logdir() -> Logdir:
    return Logdir(str(CORPUS / "torch_mnist_like")).load_all()


# ---------------------------------------------------------------------------------------------------
# Opening and expanding
# ---------------------------------------------------------------------------------------------------


async def test_torch_graph_opens_and_expands(torch_logdir: Logdir) -> None:
    app = GraphApp(torch_logdir, "runs/lr_0.01")
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.pane
        await settle(pilot, pane)
        tree = pane.tree
        assert rows(tree) == ["input/  1 op", "MLP/  14 ops", "output/  1 op"]
        pane.tree.focus()
        await pilot.press("down", "enter")  # open MLP/
        assert rows(tree)[1:5] == [
            "MLP/  14 ops",
            "19  prim::Constant",
            "20  prim::Constant",
            "input  aten::relu  [2, 32]",
        ]
        await pilot.press("down", "down", "down")
        assert cursor_name(pane) == "MLP/input"
        assert pane.detail_text().startswith("MLP/input\nop: aten::relu\n")
        await pilot.press("h")  # to the parent, then close it
        assert cursor_name(pane) == "MLP"
        await pilot.press("h")
        assert rows(tree) == ["input/  1 op", "MLP/  14 ops", "output/  1 op"]
        title = str(pane.query_one(".graph-title").render())
        assert title.startswith("runs/lr_0.01 · __run_graph__  GraphDef · 16 nodes · 21 edges")


async def test_expand_chain_key(tf2: Logdir) -> None:
    app = GraphApp(tf2, "trace")
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.pane
        await settle(pilot, pane)
        await pilot.press("right_square_bracket")  # the run's second graph: train_step_trace
        await settle(pilot, pane)
        assert pane.graph_name == "train_step_trace"
        tree = pane.tree
        tree.focus()
        tree.cursor_line = rows(tree).index("forward/  41 ops")
        await pilot.press("e")
        # forward/ holds only traced_model_1/, which branches: both open, the cursor on the last.
        assert cursor_name(pane) == "forward/traced_model_1"
        at = rows(tree).index("forward/  41 ops")
        assert rows(tree)[at : at + 5] == [
            "forward/  41 ops",
            "traced_model_1/  41 ops",
            "bn_1/  32 ops",
            "dense_a_1/  5 ops",
            "dense_b_1/  4 ops",
        ]


async def test_series_rows_and_their_members(tf2: Logdir) -> None:
    app = GraphApp(tf2, "trace")
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.pane
        await settle(pilot, pane)
        await pilot.press("right_square_bracket")
        await settle(pilot, pane)
        graph = pane.graph
        assert graph is not None
        member = graph.index["update/adam_1/AssignAddVariableOp_3"]
        assert pane.reveal(member)
        assert cursor_name(pane) == "update/adam_1/AssignAddVariableOp_3"
        labels = rows(pane.tree)
        assert "AssignAddVariableOp[0-11]  12 × AssignAddVariableOp" in labels
        assert "AssignAddVariableOp_3  AssignAddVariableOp" in labels
        pane.tree.cursor_line = labels.index("AssignAddVariableOp[0-11]  12 × AssignAddVariableOp")
        await pilot.pause()
        assert pane.detail.border_title == "Series"
        assert pane.detail_text().startswith(
            "update/adam_1/AssignAddVariableOp[0-11]\nops: 12\nop: AssignAddVariableOp"
        )


async def test_keras_model_shows_layers_in_order(tf2: Logdir) -> None:
    app = GraphApp(tf2, "keras/train")
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.pane
        await settle(pilot, pane)
        # One root scope (the model) opens by itself.
        assert rows(pane.tree) == [
            "tiny_functional/  7 ops",
            "image  InputLayer  [?, 8, 8, 1]",
            "conv  Conv2D  [?, 6, 6, 4]",
            "pool  MaxPooling2D  [?, 3, 3, 4]",
            "flatten  Flatten  [?, 36]",
            "dense  Dense  [?, 16]",
            "dropout  Dropout  [?, 16]",
            "probs  Dense",
        ]
        assert "Keras model · 7 layers" in str(pane.query_one(".graph-title").render())


# ---------------------------------------------------------------------------------------------------
# Detail and jumps
# ---------------------------------------------------------------------------------------------------


async def test_detail_and_jump_to_input(tf2: Logdir) -> None:
    app = GraphApp(tf2, "tf1_compat")
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.pane
        await settle(pilot, pane)
        graph = pane.graph
        assert graph is not None
        sum_1 = graph.index["gradients/loss/sub_grad/Sum_1"]
        args = graph.index["gradients/loss/sub_grad/BroadcastGradientArgs"]
        assert pane.reveal(sum_1)
        text = pane.detail_text()
        assert text.startswith("gradients/loss/sub_grad/Sum_1\nop: Sum\n")
        grad = "gradients/loss/sub_grad"
        assert f"inputs (2)\n  ← {grad}/Neg\n  ← {grad}/BroadcastGradientArgs:1\n" in text
        # Enter on the op in the tree goes to the detail; the cursor waits on the first input.
        pane.tree.focus()
        await pilot.press("enter")
        assert pane.detail.has_focus
        assert pane.detail.targets[pane.detail.highlighted] == graph.index["gradients/loss/sub_grad/Neg"]
        await pilot.press("down", "enter")  # the second input: BroadcastGradientArgs (port 1)
        assert cursor_name(pane) == "gradients/loss/sub_grad/BroadcastGradientArgs"
        assert in_view(pane.tree)
        assert pane.detail.node_id == args
        # Its outputs lead back: Sum (port 0) and Sum_1 (port 1).
        outputs = [graph.names[t] for t in pane.detail.targets if t is not None and t != args]
        assert "gradients/loss/sub_grad/Sum_1" in outputs
        await pilot.press("escape")  # back to the tree
        assert pane.tree.has_focus
        # A control input is marked as one.
        assert pane.reveal(graph.index["GradientDescent/update"])
        assert "  control" in pane.detail_text()


async def test_scope_with_an_op_of_its_name(tf2: Logdir) -> None:
    app = GraphApp(tf2, "tf1_compat")
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.pane
        await settle(pilot, pane)
        graph = pane.graph
        assert graph is not None
        op = graph.index["GradientDescent"]
        assert pane.reveal(op)
        assert pane.tree.cursor_entry.name == "(GradientDescent)"
        assert pane.detail_text().startswith("GradientDescent\nop: AssignAddVariableOp")


# ---------------------------------------------------------------------------------------------------
# Find and trace
# ---------------------------------------------------------------------------------------------------


async def test_find_incremental_next_previous(tf2: Logdir) -> None:
    app = GraphApp(tf2, "tf1_compat")
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.pane
        await settle(pilot, pane)
        graph = pane.graph
        assert graph is not None
        pane.tree.focus()
        await pilot.press("slash")
        assert pane.find_input.has_focus and pane.finding
        await pilot.press("s", "u")
        first = list(pane.matches)
        await pilot.press("m")
        expected = set(graph.search("sum", by="both"))
        assert set(pane.matches) == expected and len(expected) < len(first)
        assert set(pane.tree.matches) == expected
        assert cursor_name(pane) == graph.names[pane.matches[0]]
        assert str(pane.query_one(".graph-find-count").render()) == f"1/{len(expected)}"
        await pilot.press("enter")  # keep the matches, back to the tree
        assert pane.tree.has_focus
        await pilot.press("n")
        assert cursor_name(pane) == graph.names[pane.matches[1]]
        await pilot.press("N", "N")  # wraps around to the last
        assert cursor_name(pane) == graph.names[pane.matches[-1]]
        # Matches come in tree order: moving down the tree.
        shown = [pane.tree.get_node_at_line(y) for y in range(pane.tree.last_line + 1)]
        rows = [node for node in shown if node is not None and node.data is not None and node.data.entry]
        line_of = {node.data.entry.node_id: node.line for node in rows if node.data.entry.node_id is not None}
        lines = [line_of[i] for i in pane.matches if i in line_of]
        assert lines and lines == sorted(lines)
        # A scope row counts the matches inside it.
        scope = next(node for node in rows if node.data.path == "gradients")
        assert pane.tree.marks["matches"][1]["gradients"] == sum(
            graph.names[i].startswith("gradients/") for i in expected
        )
        assert "◆" in pane.tree.render_label(scope, pane.tree.rich_style, pane.tree.rich_style).plain
        # A matched op's row says so in a glyph too, not by its colour alone (nothing under NO_COLOR).
        style = pane.tree.rich_style
        ops = [node for node in rows if node.data.entry.kind == "op"]
        labels = {node.data.entry.node_id: pane.tree.render_label(node, style, style).plain for node in ops}
        marked = [i for i in labels if i is not None and labels[i].rstrip().endswith("◆")]
        assert set(marked) == {i for i in labels if i in expected} and marked
        await pilot.press("escape")
        assert pane.matches == [] and not pane.tree.matches and not pane.finding


async def test_find_returns_to_where_it_began(tf2: Logdir) -> None:
    app = GraphApp(tf2, "tf1_compat")
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.pane
        await settle(pilot, pane)
        pane.tree.focus()
        await pilot.press("j", "j")
        origin = cursor_name(pane)
        await pilot.press("slash", "l", "o", "s", "s")
        assert cursor_name(pane) != origin  # went to a match while typing
        await pilot.press("q")  # "lossq": nothing matches, so the cursor goes back
        assert cursor_name(pane) == origin and pane.matches == []
        await pilot.press("backspace")
        assert cursor_name(pane) != origin
        await pilot.press("escape")  # Escape in the find box: back too, and the find ends
        assert cursor_name(pane) == origin and pane.tree.has_focus and not pane.finding


async def test_find_by_op_only(tf2: Logdir) -> None:
    app = GraphApp(tf2, "tf1_compat")
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.pane
        await settle(pilot, pane)
        graph = pane.graph
        assert graph is not None
        found = pane.search("op:MatMul")
        assert {graph.ops[i] for i in found} == {"MatMul"}
        assert pane.search("name:matmul") != found  # names also hold gradients/linear/MatMul_grad/...
        assert pane.search("no such node") == [] and str(pane.query_one(".graph-find-count").render()) == ""


async def test_trace_marks_and_lists_ancestors(tf2: Logdir) -> None:
    app = GraphApp(tf2, "tf1_compat")
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.pane
        await settle(pilot, pane)
        graph = pane.graph
        assert graph is not None
        mean = graph.index["loss/Mean"]
        assert pane.reveal(mean)
        pane.tree.focus()
        await pilot.press("t")
        ancestors = graph.ancestors(mean)
        assert set(pane.tree.traced) == set(ancestors) and ancestors
        style = pane.tree.rich_style
        shown = [pane.tree.get_node_at_line(y) for y in range(pane.tree.last_line + 1)]
        ops = [
            n
            for n in shown
            if n is not None and n.data is not None and n.data.entry and n.data.entry.kind == "op"
        ]
        traced = [n for n in ops if pane.tree.render_label(n, style, style).plain.rstrip().endswith("←")]
        assert traced and {n.data.entry.node_id for n in traced} <= set(ancestors)
        assert pane.detail.has_focus and pane.detail.border_title == "Trace"
        assert pane.detail.targets[3:] == ancestors  # nearest first, after three header lines
        assert pane.detail.highlighted == 3
        await pilot.press("enter")  # go to the nearest ancestor; the list stays
        assert cursor_name(pane) == graph.names[ancestors[0]]
        assert pane.detail.border_title == "Trace"
        pane.tree.focus()
        await pilot.press("t")  # ends the trace
        assert not pane.tree.traced and pane.trace_of is None
        assert pane.detail.border_title == "Node"


# ---------------------------------------------------------------------------------------------------
# Graph choice, caching, messages
# ---------------------------------------------------------------------------------------------------


async def test_graph_selector_and_cache(tf2: Logdir) -> None:
    app = GraphApp(tf2, "trace")
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.pane
        await settle(pilot, pane)
        select = pane.query_one(".graph-select")
        assert select.display and select.value == "forward_trace"
        first = pane.parsed
        pane.tree.focus()
        await pilot.press("right_square_bracket")
        await settle(pilot, pane)
        assert pane.graph_name == "train_step_trace" and select.value == "train_step_trace"
        assert pane.graph is not None and pane.graph.node_count == 363
        pane.tree.focus()
        await pilot.press("left_square_bracket")  # back to the first graph
        await settle(pilot, pane)
        assert pane.graph_name == "forward_trace" and select.value == "forward_trace"
        # The same graph again (usually the cached parse itself; under load a late context may
        # re-key it, so compare what is shown rather than object identity).
        assert pane.parsed is not None and pane.parsed.key == first.key
        first = pane.parsed
        assert not [w for w in app.workers if w.group == "graph-parse" and not w.is_finished]
        # A new context about something else (more data arrived) keeps the graph as it is.
        pane.context = app.make_context("trace", generation=5)
        await pilot.pause()
        assert pane.parsed is first
        # Another run, then this one again: the cursor comes back where it was.
        graph = pane.graph
        assert graph is not None
        pane.reveal(graph.index["loss/Log"])
        pane.context = app.make_context("tf1_compat")
        await settle(pilot, pane)
        assert pane.run == "tf1_compat" and not select.display
        pane.context = app.make_context("trace")
        await settle(pilot, pane)
        assert cursor_name(pane) == "loss/Log"


async def test_a_run_opens_on_its_run_graph_as_tensorboard_does() -> None:
    """Keras 2's callback writes the model config first, then the train function's op graph
    (Event.graph_def), and with profile_batch an empty trace: TensorBoard's graph dashboard opens
    on the run graph (its "Default" tag); the others stay a key away."""
    logdir = Logdir(str(CORPUS / "writers" / "tf_keras_fit")).load_all()
    assert list(logdir.runs["train"].graphs) == ["keras", "__run_graph__", "batch_2"]
    app = GraphApp(logdir, "train")
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.pane
        await settle(pilot, pane)
        assert pane.graph_name == "__run_graph__"
        assert pane.graph is not None and pane.graph.node_count == 288


async def test_run_without_graph_says_where_graphs_are(tf2: Logdir) -> None:
    app = GraphApp(tf2, "custom_loop")
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.pane
        await pilot.pause()
        assert pane.showing_message
        message = str(pane.query_one(".graph-message").render())
        assert message.startswith("Run custom_loop has no graph.")
        assert "keras/train, tf1_compat, trace" in message


def write_graph(run_dir: Path, graph: graph_pb2.GraphDef | bytes) -> None:
    with EventFileWriter(str(run_dir)) as w:
        data = graph if isinstance(graph, bytes) else graph.SerializeToString()
        w.write_event(event_pb2.Event(step=0, wall_time=1.0, graph_def=data))


async def test_graph_arriving_later_is_shown(tmp_path: Path) -> None:
    run_dir = tmp_path / "live"
    with EventFileWriter(str(run_dir)) as w:
        w.add_scalar("loss", 1.0, 0)
    logdir = Logdir(str(tmp_path)).load_all()
    app = GraphApp(logdir, "live")
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.pane
        await pilot.pause()
        assert pane.showing_message and "has no graph" in str(pane.query_one(".graph-message").render())
        g = graph_pb2.GraphDef()
        g.node.add(name="w", op="Const")
        with EventFileWriter(str(run_dir)) as w:  # the training script writes its graph now
            w.add_graph(g, step=3)
        logdir.refresh()
        pane.context = app.make_context("live", generation=logdir.generation)
        await settle(pilot, pane)
        assert not pane.showing_message and rows(pane.tree) == ["w  Const"]


async def test_damaged_graph_is_a_message(tmp_path: Path) -> None:
    write_graph(tmp_path / "bad", b"\x0a\xff\xff\xff\xff")
    logdir = Logdir(str(tmp_path)).load_all()
    app = GraphApp(logdir, "bad")
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.pane
        await settle(pilot, pane)
        assert pane.showing_message and pane.graph is None
        message = str(pane.query_one(".graph-message").render())
        assert message.startswith("Graph __run_graph__ of run bad could not be read.\ndamaged GraphDef")
        await pilot.press("slash", "t", "n")  # keys do nothing harmful without a graph


async def test_hostile_names_are_inert(tmp_path: Path) -> None:
    g = graph_pb2.GraphDef()
    g.node.add(name="evil\x1b[31m/w", op="Const\x07")
    g.node.add(name="[b]markup[red]x", op="Identity", input=["evil\x1b[31m/w"])
    write_graph(tmp_path / "r", g)
    app = GraphApp(Logdir(str(tmp_path)).load_all(), "r")
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.pane
        await settle(pilot, pane)
        assert rows(pane.tree) == ["[b]markup[red]x  Identity", "evil\\x1b[31m/  1 op"]
        graph = pane.graph
        assert graph is not None
        pane.reveal(graph.index["[b]markup[red]x"])
        text = pane.detail_text()
        assert "\x1b" not in text and "  ← evil\\x1b[31m/w" in text


# ---------------------------------------------------------------------------------------------------
# Big graphs: lazy, paged
# ---------------------------------------------------------------------------------------------------


def big_graphdef() -> graph_pb2.GraphDef:
    """100,000 nodes: model/block_{0..19}/layer_{0..49}/ with add, add_1 ... add_99 (a chain)."""
    g = graph_pb2.GraphDef()
    prev = None
    for b in range(20):
        for layer in range(50):
            scope = f"model/block_{b}/layer_{layer}"
            for k in range(100):
                name = f"{scope}/add_{k}" if k else f"{scope}/add"
                node = g.node.add(name=name, op="AddV2")
                if prev is not None:
                    node.input.append(prev)
                prev = name
    return g


async def test_100k_graph_opens_and_expands_lazily(tmp_path: Path) -> None:
    write_graph(tmp_path / "big", big_graphdef())
    app = GraphApp(Logdir(str(tmp_path)).load_all(), "big")
    async with app.run_test(size=(140, 40)) as pilot:
        pane = app.pane
        await settle(pilot, pane)
        graph, scope_tree = pane.graph, pane.parsed.tree
        assert graph is not None and scope_tree is not None and graph.node_count == 100_000
        # model/ is the only root scope, so it opened: 1 root entry + 20 blocks.
        assert rows(pane.tree)[:2] == ["model/  100,000 ops", "block_0/  5,000 ops"]
        assert scope_tree.built_entries == 21
        target = graph.index["model/block_17/layer_42/add_77"]
        assert pane.reveal(target)
        assert cursor_name(pane) == "model/block_17/layer_42/add_77" and in_view(pane.tree)
        # 50 layers, 1 series in the layer, 100 members: nowhere near 100,000.
        assert scope_tree.built_entries == 21 + 50 + 1 + 100
        assert tree_size(pane.tree) == 20 + 50 + 1 + 100 + 1
        pane.tree.focus()
        await pilot.press("t")  # tracing 77 + 42 * 100 + ... ancestors lists the first TRACE_MAX
        assert len(pane.tree.traced) == 2000
        assert len(pane.detail.targets) == 3 + 300 + 1  # the nearest 300 listed, then "… 1,700 more"
        assert pane.detail.lines[-1].plain == "  … 1,700 more, marked in the tree"


async def test_long_scope_is_paged(tmp_path: Path) -> None:
    g = graph_pb2.GraphDef()
    for i in range(1234):
        g.node.add(name=f"flat/n{i}x", op=f"Op{i % 7}")
    write_graph(tmp_path / "r", g)
    app = GraphApp(Logdir(str(tmp_path)).load_all(), "r")
    async with app.run_test(size=(120, 30)) as pilot:
        pane = app.pane
        await settle(pilot, pane)
        tree = pane.tree
        assert len(rows(tree)) == 1 + PAGE + 1
        assert rows(tree)[-1] == f"… {1234 - PAGE:,} more (Enter shows {PAGE})"
        tree.focus()
        await pilot.press("end", "enter")
        assert len(rows(tree)) == 1 + 2 * PAGE + 1
        assert tree.cursor_line == 1 + PAGE  # on the first row of the new page
        graph = pane.graph
        assert graph is not None
        assert pane.reveal(graph.index["flat/n1200x"])  # past the pages shown: paged in
        assert cursor_name(pane) == "flat/n1200x"
        assert len(rows(tree)) == 1 + 1234


# ---------------------------------------------------------------------------------------------------
# Through the real app
# ---------------------------------------------------------------------------------------------------


async def test_real_app_graph_tab() -> None:
    from tui.app import TbtuiApp
    from tui.widgets.run_list import RunList

    app = TbtuiApp(str(CORPUS / "tf2"))
    async with app.run_test(size=(140, 40)) as pilot:
        run_list = app.query_one(RunList)
        for _ in range(200):
            await pilot.pause()
            if any(r.name == "tf1_compat" for r in run_list.rows) and app.loader_state != "starting":
                runs = app.logdir.runs
                if "tf1_compat" in runs and runs["tf1_compat"].graphs:
                    break
        run_list.select_run("tf1_compat")
        await pilot.pause()
        await pilot.press("4")
        pane = app.query_one(GraphPane)
        await settle(pilot, pane)
        assert pane.run == "tf1_compat" and pane.graph is not None
        assert "global_step/  5 ops" in rows(pane.tree)
        pane.tree.focus()
        await pilot.press("slash", "l", "o", "s", "s")  # / finds nodes inside the Graph tab
        assert pane.matches and cursor_name(pane) == graph_name_of(pane, pane.matches[0])
        await pilot.press("enter", "t")
        assert pane.trace_of is not None
        # Picking another run in the runs pane follows it.
        run_list.select_run("keras/train")
        await settle(pilot, pane)
        assert pane.run == "keras/train" and rows(pane.tree)[0] == "tiny_functional/  7 ops"


def graph_name_of(pane: GraphPane, node_id: int) -> str:
    graph = pane.graph
    assert graph is not None
    return graph.names[node_id]


def test_parse_graph_reports_damage_without_raising() -> None:
    from tui.model.graph.entry import GraphEntry
    from tui.widgets.graph_pane import parse_graph

    for source, data in (("graph_def", b"\xff\xff"), ("run_metadata", b"\x0a\x05"), ("keras", b"{not json")):
        parsed = parse_graph(GraphEntry("g", "op_graph", source, 0, data))
        assert parsed.graph is None and parsed.error
    ok = parse_graph(GraphEntry("g", "op_graph", "graph_def", 0, graph_pb2.GraphDef().SerializeToString()))
    assert isinstance(ok.graph, OpGraph) and ok.error is None


async def test_the_key_bar_says_the_find_boxs_keys(tb) -> None:
    """With the find box open the key bar showed only ^p, and the placeholder that listed the keys
    was cut at 110 columns: the bar now says Enter and Escape, and both work."""
    from pathlib import Path

    from tui.app import TbtuiApp
    from tui.widgets.key_bar import KeyBar

    corpus = Path(__file__).resolve().parents[1] / "data" / "corpus" / "torch_mnist_like"
    app = TbtuiApp(str(corpus))
    async with app.run_test(size=(110, 30)) as pilot:
        await tb.wait_for(pilot, lambda: tb.loaded(app), what="load")
        await pilot.press("4")
        pane = app.query_one(GraphPane)
        await tb.wait_for(pilot, lambda: pane.graph is not None and pane.tree.has_focus, what="graph")
        await pilot.press("slash")
        await tb.wait_for(pilot, lambda: pane.find_input.has_focus, what="find box")
        await pilot.pause()
        bar = app.query_one(KeyBar).render().plain
        assert "Go to the matches" in bar and "Close find" in bar, bar
        box = pane.find_input
        assert box.content_size.width >= len(box.placeholder), (box.content_size, box.placeholder)
        await pilot.press("f", "c", "enter")
        await tb.wait_for(pilot, lambda: pane.tree.has_focus and pane.matches, what="matches kept")
        await pilot.press("slash")
        await tb.wait_for(pilot, lambda: pane.find_input.has_focus, what="find box again")
        await pilot.press("escape")
        await tb.wait_for(pilot, lambda: not pane.finding and pane.tree.has_focus, what="closed")


async def test_an_input_from_a_missing_node_stays_on_one_row(tmp_path: Path) -> None:
    """An edge from a node the graph lacks (torch writes some) wrapped in the 30-cell detail: "←"
    alone on a row, the name on the next, "(missing node)" on a third. Like every edge line, it
    is now one row that keeps the name's tail: ``← …/graph/ghost  (missing node)``."""
    g = graph_pb2.GraphDef()
    node = g.node.add(name="leaf", op="Identity")
    node.input.append("a/rather/long/scope/path/that/is/not/in/the/graph/ghost:0")
    write_graph(tmp_path / "run", g)
    app = GraphApp(Logdir(str(tmp_path)).load_all(), "run")
    async with app.run_test(size=(100, 30)) as pilot:
        pane = app.pane
        await settle(pilot, pane)
        pane.tree.focus()
        await pilot.pause()
        assert cursor_name(pane) == "leaf" and "(missing node)" in pane.detail_text()
        region = pane.detail.content_region
        strips = app.screen._compositor.render_strips()
        shown = [
            "".join(s.text for s in strips[y].crop(region.x, region.right))
            for y in range(region.y, region.bottom)
        ]
        row = next(r for r in shown if "←" in r)
        assert "(missing node)" in row and "ghost" in row, shown
