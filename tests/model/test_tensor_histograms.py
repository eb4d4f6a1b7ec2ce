"""TF2 histogram tensors read as columns: exactly TensorBoard's reading, and what the protobuf path stores.

``tf.summary.histogram`` writes a ``[k, 3]`` tensor (left edge, right edge, count) with plugin
``histograms`` in the metadata of every event (TF2) or of a tag's first event only (tf.compat.v1,
TensorBoard's own v1 writers). The column decoder (histcolumns.decode_tensor_histograms) must give
each one's rows bit for bit as ``tensor_util.make_ndarray`` does, in the written dtype, whatever the
encoding (``tensor_content`` or ``float_val``/``double_val``, or no values at all: zeros), and leave
anything else to protobuf; a whole run must come out as with the column paths switched off, and as
TensorBoard's plugin_event_multiplexer reads the same file.
"""

from __future__ import annotations

import random
import struct
import tempfile
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tensorboard.util import tensor_util

from tests.model.conftest import TensorBoard, assert_same, points_of
from tests.model.test_columnar_equivalence import _frames, _ingest, assert_histograms_match_protobuf
from tui.model import ingest
from tui.model.logdir import Logdir
from tui.tfevents import decode, histcolumns
from tui.tfevents.proto import event_pb2, summary_pb2, tensor_pb2
from tui.tfevents.writer import frame

SPECIAL = [0.0, -0.0, 1.0, float("nan"), float("inf"), float("-inf"), 1.7976931348623157e308, 1e-310, 3e38]
DTYPES = {tensor_pb2.DT_FLOAT: np.dtype("<f4"), tensor_pb2.DT_DOUBLE: np.dtype("<f8")}


def _values(rnd: random.Random, n: int, dtype: np.dtype) -> np.ndarray:
    out = np.array(
        [
            rnd.choice(SPECIAL) if rnd.random() < 0.2 else rnd.uniform(-1, 1) * 10.0 ** rnd.randint(-30, 30)
            for _ in range(n)
        ]
    )
    with np.errstate(over="ignore"):
        return out.astype(dtype)


def _metadata(rnd: random.Random, plugin: str = "histograms") -> summary_pb2.SummaryMetadata:
    md = summary_pb2.SummaryMetadata(
        display_name=rnd.choice(["", "weights"]), summary_description=rnd.choice(["", "d"])
    )
    md.plugin_data.plugin_name = plugin
    if rnd.random() < 0.3:
        md.plugin_data.content = b"\x08\x01"
    return md


def histogram_event(rnd: random.Random, tag: str, with_metadata: bool) -> event_pb2.Event:
    """One TF2 histogram event: random k (empty ones included), dtype, encoding, step and wall time."""
    ev = event_pb2.Event(
        step=rnd.choice([0, 1, 127, 128, 2**40, -5, rnd.randint(0, 10**6)]),
        wall_time=rnd.choice([0.0, 1.7e9 + rnd.random()]),
    )
    v = ev.summary.value.add(tag=tag)
    if with_metadata:
        v.metadata.CopyFrom(_metadata(rnd))
    t = v.tensor
    t.dtype = rnd.choice(list(DTYPES))
    k = rnd.choice([0, 1, 30, rnd.randint(0, 60)])
    t.tensor_shape.dim.add(size=k)
    t.tensor_shape.dim.add(size=3)
    vals = _values(rnd, 3 * k, DTYPES[t.dtype])
    # No values at all is what an empty histogram ([0, 3]) has; a [k, 3] one without values is no
    # writer's (tf.make_ndarray refuses it, tbtui reads zeros): see odd_event.
    encoding = rnd.choice(["content", "content", "typed"]) if k else rnd.choice(["content", "none"])
    if encoding == "content":
        t.tensor_content = vals.tobytes()
    elif encoding == "typed":
        (t.float_val if t.dtype == tensor_pb2.DT_FLOAT else t.double_val).extend(vals.tolist())
    return ev


# Odd records that TensorBoard reads as a histogram tag's later event (other metadata is ignored
# after the first); the others make tf.make_ndarray raise (values that do not fill the shape), its
# loader refuse the record, or put a non-histogram among a histogram tag's points, so only the
# protobuf path is their oracle.
TB_READABLE = ["other_plugin", "fill", "two"]
ODD = [*TB_READABLE, "node_name", "scalar", "shape", "short", "no_values", "int", "other_field", "bad_md"]


def odd_event(rnd: random.Random, tag: str, kinds: list[str] = ODD) -> bytes:
    """A record the tensor path must leave to protobuf, or read exactly as protobuf does."""
    ev = histogram_event(rnd, tag, with_metadata=rnd.random() < 0.5)
    v = ev.summary.value[0]
    t = v.tensor
    kind = rnd.choice(kinds)
    if kind == "other_plugin":
        v.metadata.CopyFrom(_metadata(rnd, rnd.choice(["scalars", "pr_curves", ""])))
    elif kind == "shape":
        t.tensor_shape.dim[1].size = 2
    elif kind == "fill":  # one value fills the whole shape (tf.make_ndarray's rule)
        t.ClearField("tensor_content")
        t.ClearField("float_val")
        t.ClearField("double_val")
        (t.float_val if t.dtype == tensor_pb2.DT_FLOAT else t.double_val).append(2.5)
    elif kind == "short":
        t.tensor_content = b"\x00" * 8
    elif kind == "no_values":
        t.tensor_shape.dim[0].size = 4
        t.ClearField("tensor_content")
        t.ClearField("float_val")
        t.ClearField("double_val")
    elif kind == "int":
        t.dtype = tensor_pb2.DT_INT32
    elif kind == "other_field":  # the other dtype's field: tf.make_ndarray ignores it
        t.ClearField("tensor_content")
        (t.double_val if t.dtype == tensor_pb2.DT_FLOAT else t.float_val).extend([1.0, 2.0, 3.0])
    elif kind == "node_name":
        v.tag = ""
        v.node_name = tag
    elif kind == "two":
        ev.summary.value.add(tag="other", simple_value=1.0)
    elif kind == "scalar":
        ev = event_pb2.Event(step=3, wall_time=1.0)
        ev.summary.value.add(tag=tag, simple_value=2.0)
    raw = ev.SerializeToString()
    if kind == "bad_md":  # metadata protobuf cannot parse: the record is protobuf's to report
        md = b"\x4a\x03\x0a\x01\xff"
        raw = raw.replace(tag.encode(), tag.encode(), 1)
        value = b"\x0a" + bytes([len(tag.encode())]) + tag.encode() + md
        raw = b"\x2a" + bytes([len(value) + 2]) + b"\x0a" + bytes([len(value)]) + value
    return raw


def _make_ndarray(payload: bytes) -> tuple[int, float, str, np.ndarray]:
    ev = event_pb2.Event.FromString(payload)
    value = ev.summary.value[0]
    return ev.step, ev.wall_time, value.tag, tensor_util.make_ndarray(value.tensor)


@pytest.mark.filterwarnings("ignore:overflow encountered in cast")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32))
def test_rows_equal_make_ndarray(seed: int) -> None:
    rnd = random.Random(seed)
    tags = [f"dist/layer_{i}" for i in range(rnd.randint(1, 4))] + ["直方图/α"]
    payloads = [
        histogram_event(rnd, rnd.choice(tags), rnd.random() < 0.5).SerializeToString()
        for _ in range(rnd.randint(1, 30))
    ]
    f = _frames(payloads, 0)
    parts = histcolumns.decode_tensor_histograms(np.frombuffer(f.data, np.uint8), f.data, f.starts, f.lengths)
    taken = sorted(i for h in parts for i in h.index.tolist())
    assert taken == list(range(len(payloads)))  # every plain histogram tensor is taken
    for h in parts:
        md_rows = h.own_metadata()
        for i, rec in enumerate(h.index.tolist()):
            step, wall, tag, want = _make_ndarray(payloads[rec])
            assert (int(h.steps[i]), h.tags[h.tag_id[i]]) == (step, tag)
            assert struct.pack("<d", h.wall_times[i]) == struct.pack("<d", wall)
            got = h.rows[h.offsets[i] : h.offsets[i + 1]]
            assert got.dtype == want.dtype and got.shape == want.shape
            assert got.tobytes() == want.tobytes()
            has_md = event_pb2.Event.FromString(payloads[rec]).summary.value[0].HasField("metadata")
            assert (md_rows[i] >= 0) == has_md


def test_records_it_cannot_read_are_left_to_protobuf() -> None:
    """Odd records are left alone, or read exactly as the protobuf path decodes them (which is
    tf.make_ndarray's reading wherever that one does not raise)."""
    for seed in range(120):
        payload = odd_event(random.Random(seed), "t")
        f = _frames([payload], 0)
        parts = histcolumns.decode_tensor_histograms(
            np.frombuffer(f.data, np.uint8), f.data, f.starts, f.lengths
        )
        for h in parts:  # taken: then exactly what the protobuf path's decoding gives
            value = event_pb2.Event.FromString(payload).summary.value[0]
            want = decode.tensor_histogram(decode.tensor_to_numpy(value.tensor))
            assert h.tags == [value.tag] and h.rows.tobytes() == want.tobytes() and h.rows.dtype == want.dtype


def _log(rnd: random.Random, odd: list[str] = ODD, plain_first: bool = True) -> list[bytes]:
    """Histogram events of a few tags, metadata on every event or a tag's first only, with odd
    records among them; ``plain_first``: a tag's first event may carry no metadata (a plain tensor
    then, for both tbtui paths; TensorBoard files it under the plugin of the tag's first metadata,
    wherever that comes, so its test leaves this out)."""
    tags = [f"h{i}" for i in range(rnd.randint(1, 4))]
    every = rnd.random() < 0.5  # metadata on every event (TF2) or on a tag's first (tf.compat.v1)
    seen: set[str] = set()
    payloads = []
    for _ in range(rnd.randint(1, 40)):
        tag = rnd.choice(tags)
        if rnd.random() < 0.15 and (plain_first or tag in seen):
            payloads.append(odd_event(rnd, tag, odd))
            continue
        first = tag not in seen and (not plain_first or rnd.random() < 0.9)
        payloads.append(histogram_event(rnd, tag, every or first).SerializeToString())
        seen.add(tag)
    return payloads


@pytest.mark.filterwarnings("ignore:overflow encountered in cast")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32))
def test_ingest_equals_protobuf_path(seed: int) -> None:
    """Tensor histograms mixed with odd records and scalars, cut into batches: the same run either way."""
    rnd = random.Random(seed)
    assert_histograms_match_protobuf(_log(rnd), rnd)


@pytest.mark.filterwarnings("ignore:overflow encountered in cast")
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32))
def test_files_equal_tensorboard(seed: int) -> None:
    """The same logs as files, read by tbtui and by TensorBoard's plugin_event_multiplexer."""
    rnd = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp) / "run"
        run.mkdir()
        head = event_pb2.Event(wall_time=1.0, file_version="brain.Event:2").SerializeToString()
        blob = b"".join(frame(p) for p in [head, *_log(rnd, TB_READABLE, plain_first=False)])
        (run / "events.out.tfevents.1700000000.host").write_bytes(blob)
        assert_same(points_of(Logdir(tmp).load_all()), TensorBoard(tmp).reload())


def test_tf2_writer_layout_takes_the_column_path() -> None:
    """TF2's own bytes (tb_native corpus style): 30 DOUBLE buckets in tensor_content, metadata on every
    event; empty data is a [0, 3] tensor. All taken, float64 rows, plugin and display name kept."""
    rnd = random.Random(3)
    payloads = []
    for step in range(20):
        ev = histogram_event(rnd, "dist/w", with_metadata=True)
        t = ev.summary.value[0].tensor
        t.dtype = tensor_pb2.DT_DOUBLE
        k = 0 if step == 7 else 30
        del t.tensor_shape.dim[:]
        t.tensor_shape.dim.add(size=k)
        t.tensor_shape.dim.add(size=3)
        t.ClearField("float_val")
        t.ClearField("double_val")
        t.tensor_content = np.arange(3 * k, dtype="<f8").tobytes()
        ev.step = step
        payloads.append(ev.SerializeToString())
    f = _frames(payloads, 0)
    parts = histcolumns.decode_tensor_histograms(np.frombuffer(f.data, np.uint8), f.data, f.starts, f.lengths)
    assert [len(h) for h in parts] == [20] and parts[0].rows.dtype == np.float64
    with mock.patch.object(ingest, "_parse", side_effect=AssertionError("parsed by protobuf")):
        run = _ingest(payloads, [5])  # every record read as columns
    snap = run.histograms["dist/w"].snapshot()
    assert snap.steps.tolist() == list(range(20)) and snap.rows.dtype == np.float64
    assert np.diff(snap.offsets).tolist() == [0 if s == 7 else 30 for s in range(20)]
    assert run.metadata["dist/w"].plugin == "histograms"
