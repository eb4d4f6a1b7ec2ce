"""`tbtui graph`: the scope tree printed for scripts, exit codes and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.cli import main
from tui.tfevents.proto import event_pb2, graph_pb2
from tui.tfevents.writer import EventFileWriter

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write_graph(run_dir: Path, *names: str) -> None:
    g = graph_pb2.GraphDef()
    prev = None
    for name in names:
        node = g.node.add(name=name, op="AddV2" if "add" in name else "Const")
        if prev:
            node.input.append(prev)
        prev = name
    with EventFileWriter(str(run_dir)) as w:
        w.add_graph(g)


def test_torch_graph_exact_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        capsys, "graph", str(CORPUS / "torch_mnist_like"), "--run", "lr_0.01$", "--depth", "2"
    )
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "runs/lr_0.01  __run_graph__  (GraphDef, step 0)",
        "  16 nodes, 21 edges (3 dangling input names)",
        "  ops: prim::GetAttr 6, aten::linear 3, IO Node 2, aten::relu 2, prim::Constant 2, aten::flatten 1",
        "  ├── input/  1 op",
        "  │   └── x  IO Node  [2, 1, 28, 28]",
        "  ├── MLP/  14 ops",
        "  │   ├── 19  prim::Constant",
        "  │   ├── 20  prim::Constant",
        "  │   ├── input  aten::relu  [2, 32]",
        "  │   ├── input.1  aten::flatten  [2, 784]",
        "  │   ├── input.5  aten::relu  [2, 64]",
        "  │   ├── Linear[fc1]/  3 ops",
        "  │   ├── Linear[fc2]/  3 ops",
        "  │   └── Linear[out]/  3 ops",
        "  └── output/  1 op",
        "      └── output.1  IO Node  [2, 10]",
    ]


def test_trace_run_prints_both_graphs_and_name_picks_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "graph", str(CORPUS / "tf2"), "--run", "^trace$", "--depth", "1")
    assert code == 0
    headers = [line for line in out.splitlines() if not line.startswith(" ") and line]
    assert headers == [
        "trace  forward_trace  (TF2 trace, step 0)",
        "trace  train_step_trace  (TF2 trace, step 1)",
    ]
    assert "  363 nodes, 537 edges (108 control)" in out.splitlines()
    code, out, _ = run_cli(
        capsys, "graph", str(CORPUS / "tf2"), "--run", "trace", "--name", "forward_trace", "--depth", "1"
    )
    assert code == 0 and out.splitlines()[0] == "trace  forward_trace  (TF2 trace, step 0)"
    assert "train_step_trace" not in out


def test_keras_model_is_its_layer_tree(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "graph", str(CORPUS / "tf2"), "--run", "keras/train")
    assert code == 0
    assert out.splitlines()[:5] == [
        "keras/train  keras  (Keras model, step 0)",
        "  7 nodes, 6 edges",
        "  ops: Dense 2, Conv2D 1, Dropout 1, Flatten 1, InputLayer 1, MaxPooling2D 1",
        "  └── tiny_functional/  7 ops",
        "      ├── image  InputLayer  [?, 8, 8, 1]",
    ]


def test_depth_limits_and_chains_collapse(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    write_graph(tmp_path / "r", "a/b/c/w", "a/b/c/add", "x")
    code, out, _ = run_cli(capsys, "graph", str(tmp_path), "--depth", "1")
    assert code == 0
    assert out.splitlines()[3:] == ["  ├── a/b/c/  2 ops", "  └── x  Const"]
    code, out, _ = run_cli(capsys, "graph", str(tmp_path), "--depth", "2")
    assert out.splitlines()[3:] == [
        "  ├── a/b/c/  2 ops",
        "  │   ├── add  AddV2",
        "  │   └── w  Const",
        "  └── x  Const",
    ]


def test_names_are_made_inert(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    write_graph(tmp_path / "r", "evil\x1b]0;pwned\x07/w")
    code, out, _ = run_cli(capsys, "graph", str(tmp_path))
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "  └── evil\\x1b]0;pwned\\x07/  1 op" in out.splitlines()


def test_damaged_graph_is_one_line_and_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with EventFileWriter(str(tmp_path / "bad")) as w:
        w.write_event(event_pb2.Event(step=0, wall_time=1.0, graph_def=b"\x0a\xff\xff\xff"))
    write_graph(tmp_path / "good", "x")
    code, out, err = run_cli(capsys, "graph", str(tmp_path))
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert lines[0] == "bad  __run_graph__  (GraphDef, step 0)"
    assert lines[1].startswith("  cannot read this graph: damaged GraphDef")
    assert "good  __run_graph__  (GraphDef, step 0)" in lines  # the rest still prints


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["--run", "nope"], 3, "no run matches --run 'nope'"),
        (["--run", "custom_loop"], 3, "no graphs in the run matching --run 'custom_loop'"),
        (["--name", "missing"], 3, "no graph named 'missing'"),
        (["--run", "("], 2, "bad regex '('"),
        (["--depth", "0"], 2, "--depth must be at least 1"),
    ],
)
def test_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], code: int, message: str
) -> None:
    got, out, err = run_cli(capsys, "graph", str(CORPUS / "tf2"), *argv)
    assert got == code and out == ""
    assert err.startswith(f"tbtui: error: {message}") and err.count("\n") == 1


def test_missing_logdir(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run_cli(capsys, "graph", str(tmp_path / "nowhere"))
    assert code == 2 and out == "" and err.startswith("tbtui: error: logdir not found")
