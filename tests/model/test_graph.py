"""OpGraph, ScopeTree and KerasModelGraph on real graphs (checked against TensorBoard) and made-up ones."""

from __future__ import annotations

import json
import struct
from collections import Counter
from pathlib import Path

import pytest

from tui.model.graph import Edge, KerasModelGraph, OpGraph, ScopeTree, TreeEntry, format_tensor
from tui.tfevents.proto import graph_pb2, tensor_pb2

DATA = Path(__file__).resolve().parents[1] / "data" / "graphs"
EXPECTED: dict[str, dict] = json.loads((DATA / "expected.json").read_text())


def load(name: str) -> OpGraph:
    raw = (DATA / name).read_bytes()
    if name.endswith(".json"):
        return KerasModelGraph.from_json(raw)
    if ".runmetadata." in name:
        return OpGraph.from_run_metadata(raw)
    return OpGraph.from_graphdef(raw)


def make_graph(*nodes: tuple[str, str, list[str]] | tuple[str, str]) -> OpGraph:
    """A GraphDef from (name, op[, inputs]) tuples."""
    g = graph_pb2.GraphDef()
    for spec in nodes:
        name, op, *rest = spec
        g.node.add(name=name, op=op, input=rest[0] if rest else [])
    return OpGraph.from_graphdef(g.SerializeToString())


# ---------------------------------------------------------------------------------------------------
# Real graphs: counts and edge facts agree with TensorBoard's reading (tests/data/graphs/expected.json)
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_counts_match_tensorboard(name: str) -> None:
    graph, truth = load(name), EXPECTED[name]
    assert graph.node_count == len(graph) == truth["node_count"]
    assert graph.edge_count == truth["edge_count"]
    assert graph.control_edge_count == truth["control_inputs"]
    assert graph.ported_edge_count == truth["inputs_with_output_port"]
    assert sorted(graph.dangling_names)[:20] == truth["dangling_input_names"]
    assert len(graph.dangling_names) == truth["dangling_input_name_count"]
    root_scopes = sorted(e.name for e in graph.tree.children("") if e.kind == "scope")
    assert root_scopes == truth["top_level_name_scopes"]
    if isinstance(graph, KerasModelGraph):
        # TensorBoard leaves a Keras node's op empty; tbtui uses the layer class.
        assert sum(graph.op_histogram().values()) == sum(truth["op_types"].values())
    else:
        assert graph.op_histogram() == truth["op_types"]
        with_shapes = sum(1 for i in range(len(graph)) if graph.output_shapes(i))
        assert with_shapes == truth["nodes_with__output_shapes"]


def test_trace_counts_are_the_function_graphs_sum() -> None:
    truth = EXPECTED["train_step_trace.runmetadata.pb"]
    graph = load("train_step_trace.runmetadata.pb")
    assert graph.node_count == sum(truth["function_graph_node_counts"]) == 363
    assert graph.source == "run_metadata"


def test_tf1_ports_and_control_edges() -> None:
    g = load("tf1_compat.graphdef.pb")
    args = g.index["gradients/loss/sub_grad/BroadcastGradientArgs"]
    sum_1 = g.node_detail(g.index["gradients/loss/sub_grad/Sum_1"])
    assert sum_1.inputs == (
        Edge(g.index["gradients/loss/sub_grad/Neg"], "gradients/loss/sub_grad/Neg", 0, "data"),
        Edge(args, "gradients/loss/sub_grad/BroadcastGradientArgs", 1, "data"),
    )
    # The reverse direction carries the same port: BroadcastGradientArgs feeds output 0 to Sum, 1 to Sum_1.
    outs = {(e.name, e.port, e.kind) for e in g.outputs(args)}
    assert outs == {("gradients/loss/sub_grad/Sum", 0, "data"), ("gradients/loss/sub_grad/Sum_1", 1, "data")}
    update = g.node_detail(g.index["GradientDescent/update"])
    assert [(e.name, e.kind) for e in update.inputs] == [
        ("GradientDescent/update_linear/b/ResourceApplyGradientDescent", "control"),
        ("GradientDescent/update_linear/w/ResourceApplyGradientDescent", "control"),
    ]
    assert [(e.name, e.kind) for e in update.outputs] == [("GradientDescent/Const", "control")]


def test_tf1_node_detail_decodes_attributes() -> None:
    g = load("tf1_compat.graphdef.pb")
    x = g.node_detail(g.index["x"])
    assert (x.op, x.dtype, x.output_shapes) == ("Placeholder", "float32", ("[?, 4]",))
    assert dict(x.attrs) == {"dtype": "float32", "shape": "[?, 4]"}
    const = g.node_detail(g.index["linear/w/Initializer/random_normal/shape"])
    assert dict(const.attrs) == {
        "_class": '["loc:@linear/w"]',
        "dtype": "int32",
        "value": "tensor int32 [2] = [4, 1]",
    }
    mean = g.node_detail(g.index["loss/Mean"])
    assert dict(mean.attrs) == {"T": "float32", "Tidx": "int32", "keep_dims": "false"}
    assert mean.output_shapes == ("[]",)
    assert g.node_detail(g.index["gradients/Shape"]).output_shapes == ("[0]",)


def test_torch_dangling_inputs_are_kept() -> None:
    g = load("torch_mlp.graphdef.pb")
    bias = g.node_detail(g.index["MLP/Linear[fc1]/bias/bias.1"])
    assert bias.inputs == (Edge(None, "MLP/Linear[fc1]/weight/fc1", 0, "data"),)
    assert bias.op == "prim::GetAttr"
    assert dict(bias.attrs) == {"attr": '"{ name :  bias }"'}
    linear = g.node_detail(g.index["MLP/Linear[fc1]/input.3"])
    assert linear.output_shapes == ("[2, 64]",)
    assert [e.name for e in linear.inputs] == [
        "MLP/input.1",
        "MLP/Linear[fc1]/weight/weight.1",
        "MLP/Linear[fc1]/bias/bias.1",
    ]
    assert [e.name for e in linear.outputs] == ["MLP/input.5"]


def test_tree_op_that_is_also_a_scope() -> None:
    g = load("tf1_compat.graphdef.pb")
    w = g.index["linear/w"]
    scope = next(e for e in g.tree.children("linear") if e.name == "w")
    assert scope == TreeEntry("scope", "w", "linear/w", count=10, has_children=True, node_id=w)
    first = g.tree.children("linear/w")[0]
    assert first == TreeEntry("op", "(w)", "linear/w/(w)", "VarHandleOp", "[]", 1, False, w)
    assert g.tree.path_to(w) == ["linear", "linear/w"]
    assert g.tree.children("linear/w/(w)") == []
    assert g.tree.count("linear/w") == 10
    deep = g.index["linear/w/Initializer/random_normal/mean"]
    assert g.tree.path_to(deep) == [
        "linear",
        "linear/w",
        "linear/w/Initializer",
        "linear/w/Initializer/random_normal",
    ]
    assert g.tree.expand_chain("linear/w/Initializer") == "linear/w/Initializer/random_normal"
    assert g.tree.children("x") == []  # an op, not a scope
    chain = make_graph(("a/b/op", "X"), ("c/d", "Y"), ("c/d/e", "Z"))
    assert chain.tree.expand_chain("") == "" and chain.tree.expand_chain("a") == "a/b"
    assert chain.tree.expand_chain("c") == "c/d"  # stops there: "(d)" and "e" are listed inside


def test_trace_series_and_chain() -> None:
    g = load("train_step_trace.runmetadata.pb")
    tree = g.tree
    assert tree.expand_chain("forward") == "forward/traced_model_1"
    entries = {e.name: e for e in tree.children("update/adam_1")}
    const = entries["Const[0-23]"]
    assert (const.kind, const.op, const.count, const.path) == (
        "series",
        "Const",
        24,
        "update/adam_1/Const[0-23]",
    )
    members = tree.children(const.path)
    assert [m.name for m in members[:3]] == ["Const", "Const_1", "Const_2"]
    assert members[1].path == "update/adam_1/Const_1"
    assert tree.path_to(g.index["update/adam_1/Const_7"]) == [
        "update",
        "update/adam_1",
        "update/adam_1/Const[0-23]",
    ]
    # Same stem, different case: not one series (TensorBoard matches names exactly).
    assert "Mul_1" in entries and "mul_4" in entries


def test_keras_conceptual_graph() -> None:
    g = load("keras_tiny_functional.json")
    assert isinstance(g, KerasModelGraph)
    assert (g.class_name, g.model_name) == ("Functional", "tiny_functional")
    layers = [(e.name, e.op, e.shape) for e in g.tree.children("tiny_functional")]
    assert layers == [  # layer order, not alphabetical
        ("image", "InputLayer", "[?, 8, 8, 1]"),
        ("conv", "Conv2D", "[?, 6, 6, 4]"),
        ("pool", "MaxPooling2D", "[?, 3, 3, 4]"),
        ("flatten", "Flatten", "[?, 36]"),
        ("dense", "Dense", "[?, 16]"),
        ("dropout", "Dropout", "[?, 16]"),
        ("probs", "Dense", ""),
    ]
    dense = g.node_detail(g.index["tiny_functional/dense"])
    assert dense.dtype == "float32"
    assert dict(dense.attrs)["units"] == "16"
    assert dict(dense.attrs)["kernel_initializer"] == "GlorotUniform"
    assert [e.name for e in dense.inputs] == ["tiny_functional/flatten"]
    assert [e.name for e in dense.outputs] == ["tiny_functional/dropout"]


def test_keras_sequential_nested_in_functional() -> None:
    def tensor(src: str) -> dict:
        return {
            "class_name": "__keras_tensor__",
            "config": {"shape": [None, 4], "keras_history": [src, 0, 0]},
        }

    inner = {
        "class_name": "Sequential",
        "config": {
            "name": "block",
            "layers": [
                {"class_name": "Dense", "config": {"name": "d1", "units": 4}},
                {"class_name": "Dense", "config": {"name": "d2", "units": 4}},
            ],
        },
        "inbound_nodes": [{"args": [tensor("inp")], "kwargs": {}}],
    }
    model = {
        "class_name": "Functional",
        "config": {
            "name": "outer",
            "layers": [
                {
                    "class_name": "InputLayer",
                    "config": {"name": "inp", "batch_shape": [None, 4]},
                    "inbound_nodes": [],
                },
                inner,
                {
                    "class_name": "Dense",
                    "config": {"name": "head"},
                    "inbound_nodes": [{"args": [tensor("block")]}],
                },
            ],
            "input_layers": ["inp", 0, 0],
            "output_layers": ["head", 0, 0],
        },
    }
    g = KerasModelGraph.from_json(json.dumps(model))
    assert g.names == ["outer/inp", "outer/block/d1", "outer/block/d2", "outer/head"]
    edges = {g.names[i]: [e.name for e in g.inputs(i)] for i in range(len(g))}
    assert edges == {
        "outer/inp": [],
        "outer/block/d1": ["outer/inp"],
        "outer/block/d2": ["outer/block/d1"],
        "outer/head": ["outer/block/d2"],
    }
    assert g.tree.children("outer")[1] == TreeEntry(
        "scope", "block", "outer/block", count=2, has_children=True
    )


# ---------------------------------------------------------------------------------------------------
# Made-up graphs: parsing corner cases
# ---------------------------------------------------------------------------------------------------


def test_input_strings_parse_to_source_port_and_kind() -> None:
    g = make_graph(
        ("a", "Split"),
        ("b", "Add", ["a:1", "^a", "a", "missing:3", "^gone", "a:x"]),
    )
    assert g.inputs(1) == [
        Edge(0, "a", 1, "data"),
        Edge(0, "a", 0, "control"),
        Edge(0, "a", 0, "data"),
        Edge(None, "missing", 3, "data"),
        Edge(None, "gone", 0, "control"),
        Edge(None, "a:x", 0, "data"),
    ]
    assert g.dangling_names == ["missing", "gone", "a:x"]
    assert [(e.name, e.port, e.kind) for e in g.outputs(0)] == [
        ("b", 1, "data"),
        ("b", 0, "control"),
        ("b", 0, "data"),
    ]
    assert g.edge_count == 6 and g.control_edge_count == 2 and g.ported_edge_count == 2


def test_odd_input_strings_resolve_like_the_names_they_spell() -> None:
    # A whole string that names a node wins over reading it as ``^control`` or ``name:port``; only
    # ASCII digits make a port; dangling names are numbered in the order they are first seen.
    g = make_graph(
        ("x:1", "Const"),
        ("^y", "Const"),
        ("z", "Add", ["x:1", "^x:1", "^^y", "^y", "w:2", "^w", "w", "x:1:0", "x:١", "x:01", "^z:0"]),
    )
    assert g.inputs(2) == [
        Edge(0, "x:1", 0, "data"),
        Edge(0, "x:1", 0, "control"),
        Edge(1, "^y", 0, "control"),
        Edge(1, "^y", 0, "data"),
        Edge(None, "w", 2, "data"),
        Edge(None, "w", 0, "control"),
        Edge(None, "w", 0, "data"),
        Edge(0, "x:1", 0, "data"),
        Edge(None, "x:١", 0, "data"),
        Edge(None, "x", 1, "data"),
        Edge(2, "z", 0, "control"),
    ]
    assert g.dangling_names == ["w", "x:١", "x"]


def test_node_input_lists_and_graphdef_inputs_index_alike() -> None:
    # from_graphdef reads inputs into one flat list; a caller's per-node lists take the general path.
    spec = [("a", "Const", []), ("b", "Add", ["a", "^a", "a:2", "gone"]), ("c", "Mul", ["b", "^gone"])]
    parsed = make_graph(*spec)
    direct = OpGraph(
        [n for n, _, _ in spec],
        [o for _, o, _ in spec],
        [""] * 3,
        (i for _, _, i in spec),
        lambda i: ("", (), ()),
    )
    for key in ("in_src", "in_ptr", "in_ctrl", "in_port", "edge_dst", "out_edges", "out_ptr"):
        assert getattr(parsed, key).tolist() == getattr(direct, key).tolist(), key
    assert parsed.dangling_names == direct.dangling_names == ["gone"]


def test_empty_and_odd_graphs_do_not_crash() -> None:
    empty = OpGraph.from_graphdef(b"")
    assert (empty.node_count, empty.edge_count, empty.tree.children("")) == (0, 0, [])
    assert empty.search("x") == []
    odd = make_graph(("a/", "X"), ("a//b", "Y", ["a/"]), ("dup", "Z"), ("dup", "Z"), ("", "W"))
    assert {e.name for e in odd.tree.children("")} == {"a", "dup", ""}
    # Under "a": the op "a/" (leaf "") and the scope "a/" of "a//b" (also leaf ""), merged as usual.
    assert odd.tree.children("a") == [TreeEntry("scope", "", "a/", count=2, has_children=True, node_id=0)]
    assert [e.name for e in odd.tree.children("a/")] == ["()", "b"]
    assert odd.node_detail(1).inputs == (Edge(0, "a/", 0, "data"),)


def test_damaged_input_raises_value_error() -> None:
    with pytest.raises(ValueError):
        OpGraph.from_graphdef(b"\xff\xff\xff")
    with pytest.raises(ValueError):
        OpGraph.from_run_metadata(b"\x22\x05abc")
    for text in ("[1, 2]", "{not json", '{"config": {"layers": [{"config": 5}]}}'):
        with pytest.raises(ValueError):
            KerasModelGraph.from_json(text)


def test_run_metadata_merges_function_graphs() -> None:
    rm = graph_pb2.RunMetadata()
    for _ in range(2):
        fg = rm.function_graphs.add().pre_optimization_graph
        fg.node.add(name="a", op="Const")
        fg.node.add(name="b", op="Identity", input=["a", "^a"])
    g = OpGraph.from_run_metadata(rm.SerializeToString())
    assert g.names == ["graph_1/a", "graph_1/b", "graph_2/a", "graph_2/b"]
    assert g.inputs(3) == [Edge(2, "graph_2/a", 0, "data"), Edge(2, "graph_2/a", 0, "control")]
    assert [e.name for e in g.tree.children("")] == ["graph_1", "graph_2"]

    one = graph_pb2.RunMetadata()
    one.partition_graphs.add().node.add(name="p", op="NoOp")
    assert OpGraph.from_run_metadata(one).names == ["p"]  # no function graphs: partition graphs
    assert OpGraph.from_run_metadata(b"").node_count == 0


def test_series_rules() -> None:
    nodes: list[tuple[str, str]] = [("s/add", "AddV2")] + [(f"s/add_{i}", "AddV2") for i in range(1, 7)]
    nodes += [(f"s/mul_{i}", "Mul") for i in range(1, 5)]  # only 4: too few
    nodes += [(f"s/x_{i}", "Relu") for i in (1, 2, 3, 4, 5, 7)]  # a gap ends the run
    nodes += [(f"s/conv2d_{i}", "Conv2D") for i in range(1, 7)]  # a digit in the stem: not numbered
    nodes += [(f"s/y_{i}", "Relu" if i != 3 else "Tanh") for i in range(1, 7)]  # another op breaks it
    g = make_graph(*nodes)
    kids = {e.name: e for e in g.tree.children("s")}
    assert kids["add[0-6]"] == TreeEntry("series", "add[0-6]", "s/add[0-6]", "AddV2", "", 7, True, None)
    assert kids["x[1-5]"].count == 5 and "x_7" in kids
    assert {"mul_1", "mul_4", "conv2d_1", "conv2d_6", "y_1", "y_3", "y_6"} <= set(kids)
    assert len(kids) == 2 + 4 + 1 + 6 + 6
    assert [e.name for e in g.tree.children("s/add[0-6]")] == ["add"] + [f"add_{i}" for i in range(1, 7)]
    assert g.tree.series_of(g.index["s/add_3"]) == "s/add[0-6]"
    assert ScopeTree(g, series_min_size=8).children("s")[0].kind == "op"  # threshold is configurable


def test_search_and_closures() -> None:
    g = load("tf1_compat.graphdef.pb")
    assert [g.names[i] for i in g.search("MATMUL_GRAD/matmul_1")] == ["gradients/linear/MatMul_grad/MatMul_1"]
    assert len(g.search("placeholder", by="op")) == 2
    assert [g.names[i] for i in g.search("summary")] == ["Merge/MergeSummary"]
    summaries = ["loss_1", "linear/w_1", "linear/pred", "Merge/MergeSummary"]  # graph order
    assert [g.names[i] for i in g.search("SUMMARY", by="op")] == summaries
    assert g.search("summary", by="both") == g.search("summary", by="op")
    assert [g.names[i] for i in g.search(r"^linear/w/.*/mean$", regex=True)] == [
        "linear/w/Initializer/random_normal/mean"
    ]
    assert g.search("Grad_ys_0/(", regex=True) == g.search("grad_ys_0/(")  # invalid regex: substring
    assert g.search("") == []

    ups = [g.names[i] for i in g.ancestors(g.index["loss/sub"])]
    assert ups[:2] == ["linear/add", "y"]  # nearest first
    assert set(ups) == {
        "linear/add",
        "y",
        "linear/MatMul",
        "linear/add/ReadVariableOp",
        "x",
        "linear/MatMul/ReadVariableOp",
        "linear/b",
        "linear/w",
    }
    assert len(g.ancestors(g.index["loss/sub"], max_nodes=3)) == 3
    update = g.index["GradientDescent/update"]
    assert len(g.ancestors(update, control=False)) == 0
    assert [g.names[i] for i in g.descendants(update)] == ["GradientDescent/Const", "GradientDescent"]


def test_large_tensor_attrs_are_elided_with_their_size() -> None:
    t = tensor_pb2.TensorProto(dtype=tensor_pb2.DT_FLOAT)
    t.tensor_shape.dim.add(size=784)
    t.tensor_shape.dim.add(size=128)
    t.tensor_content = bytes(784 * 128 * 4)
    assert format_tensor(t) == "tensor float32 [784, 128] (401 KB)"
    scalar = tensor_pb2.TensorProto(dtype=tensor_pb2.DT_FLOAT, float_val=[0.5])
    assert format_tensor(scalar) == "tensor float32 [] = 0.5"
    filled = tensor_pb2.TensorProto(dtype=tensor_pb2.DT_INT64, int64_val=[7])
    filled.tensor_shape.dim.add(size=3)
    assert format_tensor(filled) == "tensor int64 [3] = [7, 7, 7]"
    text = tensor_pb2.TensorProto(dtype=tensor_pb2.DT_STRING, string_val=[b"loss"])
    assert format_tensor(text) == 'tensor string [] = "loss"'

    g = graph_pb2.GraphDef()
    node = g.node.add(name="w", op="Const")
    node.attr["value"].tensor.CopyFrom(t)
    node.attr["note"].s = b"x" * 5000
    node.attr["ids"].list.i.extend(range(20))
    attrs = dict(OpGraph.from_graphdef(g).node_detail(0).attrs)
    assert attrs["value"] == "tensor float32 [784, 128] (401 KB)"
    assert attrs["note"].endswith('…" (5.0 KB)') and len(attrs["note"]) < 140
    assert attrs["ids"] == "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, … (20 items)]"


# ---------------------------------------------------------------------------------------------------
# A 100,000-node graph: the tree is built lazily, search stays exact
# ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_graph() -> OpGraph:
    """model/block_{0..19}/layer_{0..49}/ with ops add, add_1 ... add_99 (one series per layer)."""
    g = graph_pb2.GraphDef()
    prev = None
    for b in range(20):
        for layer in range(50):
            scope = f"model/block_{b}/layer_{layer}"
            for k in range(100):
                name = f"{scope}/add_{k}" if k else f"{scope}/add"
                node = g.node.add(name=name, op="AddV2" if k < 90 else "MatMul")
                if prev is not None:
                    node.input.append(prev)
                if k % 10 == 5:
                    node.input.append(f"^{scope}/add_{k - 1}")
                prev = name
    return OpGraph.from_graphdef(g.SerializeToString())


def test_big_graph_opens_lazily(big_graph: OpGraph) -> None:
    tree = ScopeTree(big_graph)
    assert big_graph.node_count == 100_000
    assert tree.children("") == [TreeEntry("scope", "model", "model", count=100_000, has_children=True)]
    assert tree.expand_chain("") == "model"
    blocks = tree.children("model")
    assert [b.name for b in blocks[:3]] == ["block_0", "block_1", "block_2"]  # numbers in natural order
    assert all(b.count == 5000 for b in blocks)
    target = big_graph.index["model/block_13/layer_42/add_77"]
    paths = tree.path_to(target)
    assert paths == [
        "model",
        "model/block_13",
        "model/block_13/layer_42",
        "model/block_13/layer_42/add[0-89]",
    ]
    for path in paths:
        tree.children(path)
    layer = tree.children("model/block_13/layer_42")
    # add_90 ... add_99 are MatMul: a second series, named by its own numbers.
    assert [(e.kind, e.name, e.op, e.count) for e in layer] == [
        ("series", "add[0-89]", "AddV2", 90),
        ("series", "add[90-99]", "MatMul", 10),
    ]
    # Root, 20 blocks, 50 layers, 2 series, 90 series members: nowhere near 100,000.
    assert tree.built_entries == 1 + 20 + 50 + 2 + 90


def test_big_graph_search_and_edges(big_graph: OpGraph) -> None:
    hits = big_graph.search("BLOCK_13/layer_42/add_7")
    assert [big_graph.names[i] for i in hits] == ["model/block_13/layer_42/add_7"] + [
        f"model/block_13/layer_42/add_{k}" for k in range(70, 80)
    ]
    assert len(big_graph.search("matmul", by="op")) == 20 * 50 * 10
    assert Counter(e.kind for e in big_graph.inputs(big_graph.index["model/block_0/layer_0/add_5"])) == {
        "data": 1,
        "control": 1,
    }
    assert len(big_graph.ancestors(99_999, max_nodes=100_000)) == 99_999


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_expand_chain_agrees_with_listing(name: str) -> None:
    """The bisect shortcut gives what walking the listed children gives, for every scope."""
    tree = load(name).tree

    def by_listing(path: str) -> str:
        while True:
            kids = tree.children(path)
            if len(kids) != 1 or kids[0].kind != "scope":
                return path
            path = kids[0].path

    pending = [""]
    while pending:
        path = pending.pop()
        assert tree.expand_chain(path) == by_listing(path)
        pending.extend(e.path for e in tree.children(path) if e.kind == "scope")


@pytest.mark.parametrize(
    "tensor",
    [
        tensor_pb2.TensorProto(dtype=tensor_pb2.DT_HALF, half_val=[15360, 14336]),  # 1.0, 0.5
        tensor_pb2.TensorProto(dtype=tensor_pb2.DT_BOOL, bool_val=[True, False]),
        tensor_pb2.TensorProto(dtype=tensor_pb2.DT_UINT8, int_val=[3, 255]),
        tensor_pb2.TensorProto(dtype=tensor_pb2.DT_DOUBLE, tensor_content=struct.pack("<2d", 0.0, 1.0)),
    ],
)
def test_small_tensor_values_are_what_tensorboard_reads(tensor: tensor_pb2.TensorProto) -> None:
    """A Const's value reads as TensorBoard's make_ndarray reads it: the graph's attributes and the
    event values share one TensorProto decoder (tfevents.decode.tensor_to_numpy)."""
    from tensorboard.compat.proto import tensor_pb2 as tb_tensor_pb2
    from tensorboard.util.tensor_util import make_ndarray

    tensor.tensor_shape.dim.add(size=2)
    theirs = make_ndarray(tb_tensor_pb2.TensorProto.FromString(tensor.SerializeToString())).tolist()
    shown = format_tensor(tensor).split(" = ")[1]
    expected = [("true" if v else "false") if isinstance(v, bool) else f"{float(v):.6g}" for v in theirs]
    assert shown == "[" + ", ".join(expected) + "]"
