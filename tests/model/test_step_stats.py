"""Run metadata step stats: per-node compute time and memory as TensorBoard's graph dashboard joins them,
on RunMetadata written through torch's and tensorboardX's own writers and on the corpus."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from tui.model.logdir import Logdir
from tui.model.step_stats import DEVICE_NAME, run_step_stats, step_stats

CORPUS_TBX = Path(__file__).resolve().parents[1] / "data" / "corpus" / "tbx"


def _run_metadata():
    from tensorboard.compat.proto import config_pb2

    rm = config_pb2.RunMetadata()
    cpu = rm.step_stats.dev_stats.add(device="/job:localhost/replica:0/task:0/device:CPU:0")
    gpu = rm.step_stats.dev_stats.add(device="/job:localhost/replica:0/task:0/device:GPU:0")
    stream = rm.step_stats.dev_stats.add(device="/device:GPU:0/stream:all")  # not counted by default
    n = cpu.node_stats.add(node_name="dense/MatMul", all_start_micros=100, all_end_rel_micros=40)
    n.memory.add(allocator_name="cpu", total_bytes=1024)
    n.memory.add(allocator_name="cpu", total_bytes=-5)  # negative: ignored
    n = cpu.node_stats.add(node_name="dense/BiasAdd", all_start_micros=150, all_end_rel_micros=0)
    n.memory.add(allocator_name="cpu", total_bytes=64)
    n = gpu.node_stats.add(node_name="dense/MatMul", all_start_micros=90, all_end_rel_micros=5)
    n.memory.add(allocator_name="gpu", total_bytes=4096)
    gpu.node_stats.add(node_name="loss", all_start_micros=300, all_end_rel_micros=-3)
    stream.node_stats.add(node_name="dense/MatMul", all_start_micros=0, all_end_rel_micros=10_000)
    return rm


def _tensorboards_join(rm) -> dict[str, tuple[str, int | None, int]]:
    """joinStatsInfoWithGraph + NodeStats (tf_graph_common/graph.ts), transcribed: the oracle."""
    out: dict[str, dict] = {}
    for dev in rm.step_stats.dev_stats:
        if not re.search(r"device:([^:]+:[0-9]+)$", dev.device):
            continue
        for ns in dev.node_stats:
            node = out.setdefault(ns.node_name, {"bytes": 0, "start": None, "end": None})
            node["device"] = dev.device
            node["bytes"] += sum(a.total_bytes for a in ns.memory if a.total_bytes > 0)
            if ns.all_end_rel_micros > 0:
                s, e = ns.all_start_micros, ns.all_start_micros + ns.all_end_rel_micros
                node["start"] = s if node["start"] is None else min(node["start"], s)
                node["end"] = e if node["end"] is None else max(node["end"], e)
    return {
        k: (v["device"], None if v["start"] is None else v["end"] - v["start"], v["bytes"])
        for k, v in out.items()
    }


def _write(writer: str, logdir: Path, rm) -> None:
    from tensorboard.compat.proto import graph_pb2

    if writer == "torch":
        pytest.importorskip("torch")
        from torch.utils.tensorboard import SummaryWriter
    else:
        pytest.importorskip("tensorboardX")
        from tensorboardX import SummaryWriter
    w = SummaryWriter(str(logdir))
    w._get_file_writer().add_graph((graph_pb2.GraphDef(), rm))
    w.close()


@pytest.mark.parametrize(("writer", "tag"), [("torch", "step1"), ("tbx", "profiler")])
def test_stats_from_real_writers_match_tensorboards_join(writer: str, tag: str, tmp_path: Path) -> None:
    from tensorboard.backend.event_processing import event_accumulator

    _write(writer, tmp_path, _run_metadata())
    acc = event_accumulator.EventAccumulator(str(tmp_path))
    acc.Reload()
    theirs = _tensorboards_join(acc.RunMetadata(tag))
    stats, problems = run_step_stats(Logdir(str(tmp_path)).load_all().runs["."])
    assert not problems and list(stats) == [tag]
    ours = stats[tag]
    assert {k: (v.device, v.compute_micros, v.memory_bytes) for k, v in ours.as_dict().items()} == theirs
    # MatMul ran on both real devices: its time spans both (90 .. 140), its memory adds up.
    mm = ours.node("dense/MatMul")
    assert (mm.compute_micros, mm.memory_bytes, mm.device.endswith("GPU:0")) == (50, 5120, True)
    assert ours.node("dense/BiasAdd").compute_micros is None and ours.node("nope") is None
    assert ours.names == ("dense/MatMul", "dense/BiasAdd", "loss")
    assert ours.total_micros == 50 and len(ours.all_devices) == 3


def test_every_device_on_request() -> None:
    stats = step_stats(_run_metadata().SerializeToString(), devices=None)
    assert stats.node("dense/MatMul").compute_micros == 10_000
    assert DEVICE_NAME.search("/device:CPU:0") and not DEVICE_NAME.search("/device:GPU:0/memcpy")


def test_corpus_profiler_metadata_has_a_device_and_no_nodes() -> None:
    run = Logdir(str(CORPUS_TBX)).load_all().runs["exp/adam_lr1e-2"]
    stats, problems = run_step_stats(run)
    assert not problems
    s = stats["profiler"]
    assert len(s) == 0 and s.all_devices == ("/device:CPU:0",) and s.total_micros == 0
    assert s.compute_micros.dtype == np.int64


def test_damaged_run_metadata_is_a_problem() -> None:
    from tui.model.payloads import BlobSeries
    from tui.model.run import Run

    run = Run("r")
    s = BlobSeries("graph_tagged_run_metadata")
    s.append(0, 0.0, b"\x0a\xff\xff")
    run.blobs = {"bad": s}
    stats, problems = run_step_stats(run)
    assert stats == {} and problems[0].startswith("bad: damaged RunMetadata")
    with pytest.raises(ValueError):
        step_stats(b"\x0a\x05abc")


def test_tf2_traces_without_the_profiler_have_no_step_stats() -> None:
    graphs = Path(__file__).resolve().parents[1] / "data" / "graphs"
    for name in ("forward_trace", "train_step_trace"):
        stats = step_stats((graphs / f"{name}.runmetadata.pb").read_bytes())
        assert len(stats) == 0 and stats.all_devices == ()
    run = (
        Logdir(str(Path(__file__).resolve().parents[1] / "data" / "corpus" / "tf2")).load_all().runs["trace"]
    )
    assert any(g.source == "run_metadata" for g in run.graphs.values())
    assert run_step_stats(run) == ({}, [])
