"""Files from tbtui's writer load in TensorBoard's own loader with the same values, and in ours."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tui.model.logdir import Logdir
from tui.tfevents.proto import graph_pb2
from tui.tfevents.writer import EventFileWriter


def _write(root: Path, legacy: bool) -> None:
    with EventFileWriter(str(root / ("legacy" if legacy else "tf2")), legacy=legacy) as w:
        for s in range(50):
            w.add_scalar("loss", 1.0 / (s + 1), s, wall_time=1000.0 + s)
            if s % 10 == 0:
                w.add_histogram("w", np.linspace(-1, 1, 101) * (s + 1), s, wall_time=1000.0 + s)
        w.add_text("notes", "hello *world*", 0)
        g = graph_pb2.GraphDef()
        g.node.add(name="a", op="Const")
        g.node.add(name="b", op="Identity", input=["a"])
        w.add_graph(g)


@pytest.mark.parametrize("legacy", [False, True])
def test_tensorboard_reads_what_we_write(tmp_path: Path, legacy: bool) -> None:
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing import plugin_event_accumulator as pea
    from tensorboard.util import tensor_util

    _write(tmp_path, legacy)
    run = "legacy" if legacy else "tf2"
    acc = pea.EventAccumulator(str(tmp_path / run), size_guidance={pea.TENSORS: 0})
    acc.Reload()
    tb = [(e.step, float(tensor_util.make_ndarray(e.tensor_proto))) for e in acc.Tensors("loss")]
    ours = Logdir(str(tmp_path)).load_all().runs[run]
    snap = ours.scalars["loss"].snapshot()
    assert tb == list(zip(snap.steps.tolist(), snap.values.tolist(), strict=True))
    tb_hist = [tensor_util.make_ndarray(e.tensor_proto) for e in acc.Tensors("w")]
    our_hist = ours.histograms["w"].snapshot().histograms()
    assert len(tb_hist) == len(our_hist) == 5
    for a, b in zip(tb_hist, our_hist, strict=True):
        np.testing.assert_array_equal(a.astype(np.float64), b)
    assert acc.Tags()["graph"] is True
    assert ours.graphs["__run_graph__"].nodes == 2
    assert "notes" in acc.Tags()["tensors"]
