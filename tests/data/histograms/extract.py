"""One-off: save a handful of real corpus histogram series as small .npz fixtures.

Run from the repository root with TensorBoard installed:

    python tests/data/histograms/extract.py /work/shared/corpus

TensorBoard's own ``plugin_event_accumulator`` reads the files and its ``data_compat`` migration turns
legacy ``HistogramProto`` values into the ``[k, 3]`` (left, right, count) tensors that its histogram and
distribution dashboards consume, so the fixtures are exactly what TensorBoard computes from, not our
reading of the files. Each output file holds ``steps``, ``wall_times``, ``offsets`` (k_i boundaries into
``buckets``), ``buckets`` (all steps' rows stacked) and the source ``logdir``/``run``/``tag`` as strings.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
from tensorboard.backend.event_processing import plugin_event_accumulator as pea
from tensorboard.util import tensor_util

# (logdir, run, tag): a spread of writers and shapes, kept small enough to commit.
PICKS = [
    ("torch_mnist_like", "runs/lr_0.1", "weights/fc1.weight"),  # legacy histo, ~500 trimmed buckets
    ("torch_mnist_like", "runs/lr_0.1", "grads/out.bias"),
    ("torch_mnist_like", "runs/ablation/cnn/lr_0.05", "weights/bn1.weight"),  # nearly constant data
    ("torch_mnist_like", "runs/ablation/cnn/lr_0.05", "weights/bn1.bias"),
    ("tbx", "exp/adam_lr1e-2", "grad/head.bias"),  # a single value per step
    ("tbx", "exp/adam_lr1e-2", "grad/hidden.weight"),
    ("tbx", "exp/adam_lr1e-2", "raw/predicted_prob"),  # add_histogram_raw
    ("tf2", "keras/train", "conv/kernel/histogram"),  # TF2 [30, 3] tensors
    ("tf2", "keras/train", "dense/bias/histogram"),
    ("tf2", "keras/train", "probs/kernel/histogram"),
    ("tb_native", "v2_pb", "dist/constant_zeros"),  # zero-width buckets
    ("tb_native", "v2_pb", "dist/empty"),  # all-zero buckets
    ("tb_native", "v2_pb", "dist/bimodal"),
    ("edge_cases", "f2_nan_inf_tf2", "with_inf"),  # inf edges
    ("edge_cases", "f2_nan_inf_tf2", "with_nan"),  # NaN edges, zero counts
]


def extract(corpus: Path, out_dir: Path) -> None:
    loaded: dict[tuple[str, str], pea.EventAccumulator] = {}
    for logdir, run, tag in PICKS:
        key = (logdir, run)
        if key not in loaded:
            acc = pea.EventAccumulator(str(corpus / logdir / run), size_guidance={pea.TENSORS: 0})
            acc.Reload()
            loaded[key] = acc
        events = loaded[key].Tensors(tag)
        arrays = [tensor_util.make_ndarray(e.tensor_proto).astype(np.float64).reshape(-1, 3) for e in events]
        offsets = np.cumsum([0] + [len(a) for a in arrays])
        slug = re.sub(r"[^A-Za-z0-9]+", "_", f"{logdir}__{run}__{tag}").strip("_")
        np.savez_compressed(
            out_dir / f"{slug}.npz",
            steps=np.array([e.step for e in events], dtype=np.int64),
            wall_times=np.array([e.wall_time for e in events], dtype=np.float64),
            offsets=offsets.astype(np.int64),
            buckets=np.concatenate(arrays) if arrays else np.zeros((0, 3)),
            logdir=np.array(logdir),
            run=np.array(run),
            tag=np.array(tag),
        )
        print(f"{slug}: {len(events)} steps, {offsets[-1]} buckets")


if __name__ == "__main__":
    extract(Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/corpus"), Path(__file__).parent)
