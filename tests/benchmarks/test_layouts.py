"""The load benchmark writes what real writers write: byte identity with tensorboardX, torch, TF 2.21.

benchmarks/layouts.py assembles records with numpy instead of protobuf so that it can write a
gigabyte in seconds; these tests hold it to the real libraries' bytes, so the benchmark's speed
claims are about the logs training code writes.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tensorboard.backend.event_processing import event_accumulator as ea
from tensorboard.compat.proto import event_pb2, summary_pb2

REPO = Path(__file__).resolve().parents[2]
CORPUS_TF2 = REPO / "tests" / "data" / "corpus" / "tf2"


def _load_layouts():
    spec = importlib.util.spec_from_file_location("bench_layouts", REPO / "benchmarks" / "layouts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


layouts = _load_layouts()


def test_tensorboardx_writes_the_same_bytes() -> None:
    pytest.importorskip("tensorboardX")
    r = layouts.check_python_writer("tbx", 300)
    assert r.ok, r.mismatches
    assert r.compared == 1 + 300 + 5  # header, scalars, histograms


def test_torch_writes_the_same_bytes() -> None:
    pytest.importorskip("torch.utils.tensorboard")
    r = layouts.check_python_writer("torch", 300)
    assert r.ok, r.mismatches
    assert r.compared == 1 + 300 + 5


def test_tf2_scalars_of_the_corpus_are_re_encoded_byte_for_byte() -> None:
    tf2, first = layouts.check_tf2(CORPUS_TF2)
    assert tf2.ok, tf2.mismatches
    assert first.ok, first.mismatches
    assert tf2.compared >= 300  # TF 2.21's tf.summary.scalar records and file headers


def _expected_event(layout, tag: str, step: int, value: float, wall: float, meta: bool) -> bytes:
    """The record as protobuf serializes the Event the real writer builds."""
    v = summary_pb2.Summary.Value(tag=tag)
    if layout.tensor:
        v.tensor.dtype = 1
        v.tensor.tensor_shape.SetInParent()
        v.tensor.tensor_content = np.float32(value).tobytes()
        if meta:
            v.metadata.plugin_data.plugin_name = "scalars"
    else:
        v.simple_value = value
    ev = event_pb2.Event(wall_time=wall, step=step, summary=summary_pb2.Summary(value=[v]))
    return layouts.frame(ev.SerializeToString())


record = st.tuples(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=150),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(width=32),
    st.floats(min_value=1e-3, max_value=4e9),
    st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(layouts.LAYOUTS)), st.lists(record, min_size=1, max_size=40))
def test_any_batch_of_records_equals_protobuf_in_order(name: str, records: list) -> None:
    """Random tags (unicode, up to 150 chars), any int64 step, any float32 (NaN, Inf, -0.0),
    encoded in one batch: every record, in order, equals protobuf's serialization."""
    layout = layouts.LAYOUTS[name]
    tags = sorted({r[0] for r in records})
    idx = np.array([tags.index(r[0]) for r in records])
    steps = np.array([r[1] for r in records], np.int64)
    values = np.array([r[2] for r in records], np.float32)
    walls = np.array([r[3] for r in records])
    first = np.array([r[4] for r in records])
    ours = layouts.encode_scalars(layout, tags, idx, steps, values, walls, first)
    meta = {"none": [False] * len(records), "every": [True] * len(records), "first": first.tolist()}
    expected = b"".join(
        _expected_event(layout, *r[:4], m) for r, m in zip(records, meta[layout.metadata], strict=True)
    )
    assert ours == expected


@pytest.mark.parametrize("name", ["tbx", "tf2-first"])
def test_a_generated_run_loads_in_tensorboard_with_every_point(name: str, tmp_path: Path) -> None:
    layout = layouts.LAYOUTS[name]
    stats = layouts.write_run(layout, tmp_path / "run", 12, 600_000, seed=3, hist_rounds=5)
    acc = ea.EventAccumulator(str(tmp_path / "run"), size_guidance={k: 0 for k in ea.DEFAULT_SIZE_GUIDANCE})
    acc.Reload()  # TensorBoard's own record reader: checks both CRCs of every record
    tags = layouts.tag_names(12)
    kind = "tensors" if layout.tensor else "scalars"
    assert acc.Tags()[kind] == tags
    for tag in tags:
        events = acc.Tensors(tag) if layout.tensor else acc.Scalars(tag)
        assert [e.step for e in events] == list(range(stats.steps))
        if layout.tensor:
            assert acc.SummaryMetadata(tag).plugin_data.plugin_name == "scalars"
    hist = sum(len(acc.Histograms(t)) for t in acc.Tags()["histograms"])
    assert hist == stats.histogram_events
    assert stats.histogram_events == (4 * 5 if layout.histograms else 0)
    assert stats.scalar_events == 12 * stats.steps
    assert stats.steps > 100
    assert abs(stats.bytes - 600_000) < 600_000 * 0.05
