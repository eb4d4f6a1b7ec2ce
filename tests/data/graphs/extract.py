"""One-off: pull real graphs out of the shared corpus with TensorBoard's own loader.

Run from the repository root with the dev venv (TensorBoard installed):

    python tests/data/graphs/extract.py [CORPUS_DIR]

It rewrites the fixture files next to this script and ``expected.json``, which holds TensorBoard's
own graph facts for each fixture (copied from the corpus' EXPECTED.json) so that tests never read the
corpus itself. TensorBoard decodes each graph here exactly as its graphs plugin does, so the fixtures
are byte-for-byte what tbtui will be handed at run time.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tensorboard.backend.event_processing import event_accumulator as ea
from tensorboard.compat.proto import config_pb2
from tensorboard.util import tensor_util

HERE = Path(__file__).resolve().parent
CORPUS = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/corpus")


def _accumulator(run_dir: Path) -> ea.EventAccumulator:
    acc = ea.EventAccumulator(str(run_dir), size_guidance={ea.TENSORS: 0, ea.GRAPH: 0})
    acc.Reload()
    return acc


def _string_tensor(acc: ea.EventAccumulator, tag: str) -> bytes:
    """The first element of the last string tensor logged under ``tag`` (graph plugins log one)."""
    event = acc.Tensors(tag)[-1]
    return tensor_util.make_ndarray(event.tensor_proto).reshape(-1)[0]


def main() -> None:
    expected: dict[str, dict] = {}

    # 1. Event.graph_def: torch, tensorboardX and TF1 FileWriter.
    graph_defs = {
        "torch_mlp.graphdef.pb": ("torch_mnist_like", "runs/lr_0.1"),
        "torch_cnn.graphdef.pb": ("torch_mnist_like", "runs/ablation/cnn/lr_0.05"),
        "tbx_net.graphdef.pb": ("tbx", "exp/adam_lr1e-2"),
        "tf1_compat.graphdef.pb": ("tf2", "tf1_compat"),
    }
    for name, (logdir, run) in graph_defs.items():
        acc = _accumulator(CORPUS / logdir / run)
        (HERE / name).write_bytes(acc.Graph().SerializeToString())
        truth = json.loads((CORPUS / logdir / "EXPECTED.json").read_text())
        expected[name] = truth["legacy"][run]["graph_info"]

    # 2. tf.summary.trace_export: a string tensor holding RunMetadata bytes.
    trace_truth = json.loads((CORPUS / "tf2" / "EXPECTED.json").read_text())["unified"]["trace"]
    acc = _accumulator(CORPUS / "tf2" / "trace")
    for tag in ("forward_trace", "train_step_trace"):
        name = f"{tag}.runmetadata.pb"
        blob = _string_tensor(acc, tag)
        if tag == "train_step_trace":
            # Keep the fixture small: drop the partition and post-optimisation graphs, which tbtui
            # (like TensorBoard) never shows. forward_trace keeps them, so parsing past them is tested.
            run_metadata = config_pb2.RunMetadata.FromString(blob)
            del run_metadata.partition_graphs[:]
            for function_graph in run_metadata.function_graphs:
                function_graph.ClearField("post_optimization_graph")
                del function_graph.partition_graphs[:]
            blob = run_metadata.SerializeToString()
        (HERE / name).write_bytes(blob)
        expected[name] = trace_truth["graph_run_metadata_graph"][tag]["graph"]

    # 3. Keras model.to_json() (the conceptual graph), tag "keras".
    acc = _accumulator(CORPUS / "tf2" / "keras" / "train")
    name = "keras_tiny_functional.json"
    (HERE / name).write_bytes(_string_tensor(acc, "keras"))
    keras_truth = json.loads((CORPUS / "tf2" / "EXPECTED.json").read_text())["unified"]["keras/train"]
    expected[name] = keras_truth["graph_keras_model"]["keras"]["graph"]

    (HERE / "expected.json").write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n")
    for path in sorted(HERE.iterdir()):
        print(f"{path.stat().st_size:>8}  {path.name}")


if __name__ == "__main__":
    main()
