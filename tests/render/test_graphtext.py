"""The graph text renderers: exact lines for the scope tree, the summary and a node's detail."""

from __future__ import annotations

from pathlib import Path

from tui.model.graph import OpGraph, ScopeTree
from tui.render.graphtext import entry_label, render_graph_summary, render_node_detail, render_scope_tree
from tui.tfevents.proto import graph_pb2

DATA = Path(__file__).resolve().parents[1] / "data" / "graphs"


def small_graph() -> OpGraph:
    g = graph_pb2.GraphDef()
    g.node.add(name="x", op="Placeholder").attr["_output_shapes"].list.shape.add().dim.add(size=-1)
    g.node.add(name="outer/inner/deep/w", op="Const")
    g.node.add(name="outer/inner/deep/read", op="Identity", input=["outer/inner/deep/w"])
    for i in range(6):
        g.node.add(
            name=f"outer/add_{i}" if i else "outer/add", op="AddV2", input=["x", "^outer/inner/deep/read"]
        )
    g.node.add(name="outer/mul", op="Mul", input=["outer/add:0", "ghost:1"])
    g.node.add(name="outer", op="NoOp")
    return OpGraph.from_graphdef(g)


def test_scope_tree_full() -> None:
    lines = render_scope_tree(small_graph().tree, max_depth=4)
    assert lines == [
        "├── outer/  10 ops",
        "│   ├── (outer)  NoOp",
        "│   ├── add[0-5]  6 × AddV2",
        "│   │   ├── add  AddV2",
        "│   │   ├── add_1  AddV2",
        "│   │   ├── add_2  AddV2",
        "│   │   ├── add_3  AddV2",
        "│   │   ├── add_4  AddV2",
        "│   │   └── add_5  AddV2",
        "│   ├── inner/deep/  2 ops",
        "│   │   ├── read  Identity",
        "│   │   └── w  Const",
        "│   └── mul  Mul",
        "└── x  Placeholder  [?]",
    ]


def test_scope_tree_depth_and_elision() -> None:
    tree = small_graph().tree
    assert render_scope_tree(tree, max_depth=1) == ["├── outer/  10 ops", "└── x  Placeholder  [?]"]
    assert render_scope_tree(tree, max_depth=2, max_children=2, root="outer") == [
        "├── (outer)  NoOp",
        "├── add[0-5]  6 × AddV2",
        "│   ├── add  AddV2",
        "│   ├── add_1  AddV2",
        "│   └── … 4 more",
        "└── … 2 more",
    ]
    assert render_scope_tree(tree, max_depth=2, root="outer/inner", collapse_chains=False) == [
        "└── deep/  2 ops",
        "    ├── read  Identity",
        "    └── w  Const",
    ]


def test_scope_tree_renders_only_what_it_shows() -> None:
    g = OpGraph.from_graphdef((DATA / "tf1_compat.graphdef.pb").read_bytes())
    tree = ScopeTree(g)
    lines = render_scope_tree(tree, max_depth=1)
    assert lines[0] == "├── global_step/  5 ops"
    assert lines[-1] == "└── y  Placeholder  [?, 1]"
    assert len(lines) == 9
    assert tree.built_entries == 9


def test_entry_labels() -> None:
    kids = {e.name: e for e in small_graph().tree.children("outer")}
    assert entry_label(kids["mul"]) == "mul  Mul"
    assert entry_label(kids["add[0-5]"]) == "add[0-5]  6 × AddV2"
    assert entry_label(kids["inner"], "inner/deep") == "inner/deep/  2 ops"


def test_graph_summary() -> None:
    assert render_graph_summary(small_graph(), top_ops=3) == [
        "11 nodes, 15 edges (6 control, 1 dangling input names)",
        "ops: AddV2 6, Const 1, Identity 1, … 3 more types",
    ]
    torch = OpGraph.from_graphdef((DATA / "torch_mlp.graphdef.pb").read_bytes())
    assert render_graph_summary(torch)[0] == "16 nodes, 21 edges (3 dangling input names)"


def test_node_detail_text() -> None:
    g = small_graph()
    text = render_node_detail(g.node_detail(g.index["outer/mul"]))
    assert text.plain == "\n".join(
        [
            "outer/mul",
            "op: Mul",
            "",
            "inputs (2)",
            "  ← outer/add",
            "  ← ghost:1  (missing node)",
            "",
            "outputs (0)",
        ]
    )
    tf1 = OpGraph.from_graphdef((DATA / "tf1_compat.graphdef.pb").read_bytes())
    text = render_node_detail(tf1.node_detail(tf1.index["gradients/loss/sub_grad/tuple/group_deps"]))
    assert text.plain == "\n".join(
        [
            "gradients/loss/sub_grad/tuple/group_deps",
            "op: NoOp",
            "",
            "attributes",
            "  _has_manual_control_dependencies  true",
            "",
            "inputs (2)",
            "  ← gradients/loss/sub_grad/Reshape  control",
            "  ← gradients/loss/sub_grad/Reshape_1  control",
            "",
            "outputs (2)",
            "  → gradients/loss/sub_grad/tuple/control_dependency  control",
            "  → gradients/loss/sub_grad/tuple/control_dependency_1  control",
        ]
    )
    x = render_node_detail(tf1.node_detail(tf1.index["x"]), max_edges=1)
    assert x.plain.splitlines()[:4] == ["x", "op: Placeholder", "dtype: float32", "shape: [?, 4]"]
    assert x.plain.splitlines()[-1] == "  … 1 more"
