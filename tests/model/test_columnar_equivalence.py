"""The column paths give exactly what the protobuf path gives, on any mix of real writers' layouts.

A run is ingested twice: as tbtui reads it (scalar events of a shared byte layout decoded as numpy
columns, the rest parsed by protobuf) and with the column path switched off (every record parsed by
protobuf and decoded one value at a time, as TensorBoard does). Every series must agree: steps,
wall times and values bit for bit (NaN payloads, infinities, -0.0), dtypes, order, metadata, and
what goes elsewhere (tensors of tags that are not scalars, histograms, multi-value events).
"""

from __future__ import annotations

import contextlib
import itertools
import random
import struct
from collections.abc import Iterator
from unittest import mock

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tensorboard import data_compat
from tensorboard.util import tensor_util

from tui.model import ingest
from tui.model.run import Run
from tui.tfevents import columnar, histcolumns
from tui.tfevents.proto import event_pb2, summary_pb2, tensor_pb2
from tui.tfevents.records import Frames
from tui.tfevents.writer import frame

DT = tensor_pb2

# How a tag's value is written: (name, dtype, field). "simple" is simple_value; "content" is
# tensor_content; the others are TensorProto's typed fields.
ENCODINGS = [
    ("simple", DT.DT_FLOAT, "simple_value"),
    ("f4", DT.DT_FLOAT, "tensor_content"),
    ("f8", DT.DT_DOUBLE, "tensor_content"),
    ("f2", DT.DT_HALF, "tensor_content"),
    ("bf16", DT.DT_BFLOAT16, "tensor_content"),
    ("i4", DT.DT_INT32, "tensor_content"),
    ("i8", DT.DT_INT64, "tensor_content"),
    ("u1", DT.DT_UINT8, "tensor_content"),
    ("bool", DT.DT_BOOL, "tensor_content"),
    ("float_val", DT.DT_FLOAT, "float_val"),
    ("double_val", DT.DT_DOUBLE, "double_val"),
    ("int_val", DT.DT_INT32, "int_val"),
    ("int_val8", DT.DT_INT8, "int_val"),
    ("int64_val", DT.DT_INT64, "int64_val"),
    ("bool_val", DT.DT_BOOL, "bool_val"),
    ("half_val", DT.DT_HALF, "half_val"),
]
_CONTENT = {
    "f4": "<u4",
    "f8": "<u8",
    "f2": "<u2",
    "bf16": "<u2",
    "i4": "<i4",
    "i8": "<i8",
    "u1": "u1",
    "bool": "u1",
}

# Where a tag's metadata goes: on every event (TF2's tf.summary), on its first event only
# (tf.compat.v1, tensorboard's v1 writers) or nowhere (then it is no scalar: a plain tensor).
METADATA = ["every", "first", "none"]

STEP_KINDS = [(0, 300), (2**32 - 5, 2**32 + 5), (-(2**63), 2**63 - 1), (-5, -1)]
ALPHABET = "abcxyz_/0123456789" + "αβ实验é"


def _step(rnd: random.Random) -> int:
    return rnd.randint(*rnd.choice(STEP_KINDS))


def _wall(rnd: random.Random) -> float:
    kind = rnd.randrange(4)
    if kind == 0:
        return 0.0
    if kind == 1:
        return rnd.uniform(1.6e9, 1.8e9)
    return float(np.uint64(rnd.getrandbits(64)).view(np.float64))  # any bits: NaN payloads, inf, -0.0


def _value(enc: str, rnd: random.Random) -> int | float | bool:
    """A value as the bits or number the encoding stores (any bit pattern for floats: NaN payloads)."""
    if enc in ("f4", "simple", "float_val"):
        bits = rnd.choice([rnd.getrandbits(32), 0x7F800001, 0xFFC00123, 0x7F800000, 0x80000000])
        return bits if enc == "f4" else float(np.uint32(bits).view(np.float32))
    if enc in ("f8", "double_val"):
        bits = rnd.choice([rnd.getrandbits(64), 0x7FF0000000000001, 0xFFF8000000000123, 0x8000000000000000])
        return bits if enc == "f8" else float(np.uint64(bits).view(np.float64))
    if enc in ("f2", "bf16", "half_val"):
        return rnd.choice([rnd.getrandbits(16), 0x7C01, 0xFE00, 0x7C00])
    if enc in ("i4", "int_val", "int_val8"):  # int8 travels in int_val and is wrapped by tensor_to_numpy
        return rnd.randint(-(2**31), 2**31 - 1)
    if enc in ("i8", "int64_val"):
        return rnd.randint(-(2**63), 2**63 - 1)
    if enc == "u1":
        return rnd.randrange(256)
    return rnd.random() < 0.5


def _event(tag: str, enc: str, value: object, step: int, wall: float, md: summary_pb2.SummaryMetadata | None):
    ev = event_pb2.Event(step=step, wall_time=wall)
    v = ev.summary.value.add(tag=tag)
    if md is not None:
        v.metadata.CopyFrom(md)
    name, dtype, field = next(e for e in ENCODINGS if e[0] == enc)
    if field == "simple_value":
        v.simple_value = value  # type: ignore[assignment]
        return ev
    t = v.tensor
    t.dtype = dtype
    t.tensor_shape.SetInParent()
    if field == "tensor_content":
        t.tensor_content = np.asarray(value, dtype=_CONTENT[name]).tobytes()
    else:
        getattr(t, field).append(value)
    return ev


def _metadata(enc: str, display: str) -> summary_pb2.SummaryMetadata:
    md = summary_pb2.SummaryMetadata(display_name=display)
    if enc != "simple":
        md.plugin_data.plugin_name = "scalars"
    return md


def make_log(n_tags: int, seed: int) -> tuple[list[bytes], list[int]]:
    """Serialized events of ``n_tags`` tags in a random order, and where the file is cut into batches.

    Tag names take few lengths, so many tags share a record length and a layout.
    """
    rnd = random.Random(seed)
    lengths = [rnd.randrange(0, 21) for _ in range(rnd.randint(1, 4))]
    names: set[str] = set()
    while len(names) < n_tags:
        name = "".join(rnd.choice(ALPHABET) for _ in range(rnd.choice(lengths)))
        names.add(name if name not in names else f"{name}{len(names)}")
    budget = max(1, 1500 // n_tags)
    by_tag: dict[str, list[event_pb2.Event]] = {}
    for tag in sorted(names):
        enc = rnd.choice(ENCODINGS)[0]
        where = rnd.choice(METADATA)
        display = rnd.choice(["", "", "", "Pretty name"])
        evs = by_tag[tag] = []
        for k in range(rnd.randint(1, budget)):
            md = None
            if where == "every" or (where == "first" and k == 0) or (enc == "simple" and display and k == 0):
                md = _metadata(enc, display)
            evs.append(_event(tag, enc, _value(enc, rnd), _step(rnd), _wall(rnd), md))
    # Each tag's events stay in their order (the first carries the metadata); tags interleave at random.
    slots = [t for t, evs in by_tag.items() for _ in evs]
    rnd.shuffle(slots)
    queues = {t: iter(evs) for t, evs in by_tag.items()}
    payloads = [next(queues[t]).SerializeToString() for t in slots]
    tags = sorted(names)
    for _ in range(rnd.randrange(7)):
        ev = event_pb2.Event(step=_step(rnd), wall_time=1.7e9)
        kind = rnd.choice(["version", "histogram", "two_values", "source"])
        if kind == "version":
            ev.file_version = "brain.Event:2"
        elif kind == "histogram":
            h = ev.summary.value.add(tag=rnd.choice(tags)).histo
            h.min, h.max, h.num = -1.0, 1.0, 3.0
            h.bucket_limit.extend([0.0, 1.0, 1.7e308])
            h.bucket.extend([1.0, 1.0, 1.0])
        elif kind == "two_values":
            ev.summary.value.add(tag=rnd.choice(tags), simple_value=1.5)
            ev.summary.value.add(tag="second", simple_value=-2.5)
        else:
            ev.source_metadata.writer = "pytorch"
        payloads.insert(rnd.randrange(len(payloads) + 1), ev.SerializeToString())
    cuts = sorted(
        {rnd.randrange(1, len(payloads)) for _ in range(rnd.randrange(3))} if len(payloads) > 1 else set()
    )
    return payloads, cuts


def _frames(payloads: list[bytes], first_ordinal: int) -> Frames:
    data = b"".join(frame(p) for p in payloads)
    lengths = np.array([len(p) for p in payloads], dtype=np.int64)
    starts = np.cumsum(np.concatenate(([0], lengths[:-1] + 16))) + 12
    ordinals = np.arange(first_ordinal, first_ordinal + len(payloads), dtype=np.int64)
    return Frames(data, 0, starts, lengths, ordinals, len(data))


def _ingest(payloads: list[bytes], cuts: list[int]) -> Run:
    run = Run("r")
    bounds = [0, *cuts, len(payloads)]
    for a, z in itertools.pairwise(bounds):
        if z > a:
            run.ingest(_frames(payloads[a:z], a))
    return run


def _protobuf_only(arr, starts, lengths, data, blocks=None):
    return columnar.Columns.empty(), np.ones(len(starts), dtype=bool)


@contextlib.contextmanager
def protobuf_only() -> Iterator[None]:
    """Switch every column path off (scalars by layout, legacy and tensor histograms): protobuf
    reads everything."""
    no_histograms = lambda *_: histcolumns.HistogramColumns.empty()  # noqa: E731
    with (
        mock.patch.object(ingest.columnar, "decode_columns", _protobuf_only),
        mock.patch.object(ingest.histcolumns, "decode_histograms", no_histograms),
        mock.patch.object(ingest.histcolumns, "decode_tensor_histograms", lambda *_: []),
    ):
        yield


def _bits(a: np.ndarray) -> list[int]:
    return a.view(f"u{a.dtype.itemsize}").tolist()


def _same_items(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and a.tobytes() == b.tobytes()
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same_items, a, b))
    return a == b


def assert_histograms_match_protobuf(payloads: list[bytes], rnd: random.Random) -> None:
    """``payloads`` cut into up to three random batches give the same run through the column
    decoders as through protobuf alone, histograms' wall times, dtypes and offsets included."""
    cuts = sorted(
        {rnd.randrange(1, len(payloads)) for _ in range(rnd.randrange(3))} if len(payloads) > 1 else set()
    )
    got = _ingest(payloads, cuts)
    with protobuf_only():
        want = _ingest(payloads, cuts)
    assert_same_run(got, want)
    for tag, series in want.histograms.items():
        g, w = got.histograms[tag].snapshot(), series.snapshot()
        assert g.wall_times.tobytes() == w.wall_times.tobytes() and g.rows.dtype == w.rows.dtype
        assert g.offsets.tolist() == w.offsets.tolist()


def assert_same_run(got: Run, want: Run) -> None:
    assert list(got.scalars) == list(want.scalars)
    for tag, series in want.scalars.items():
        g, w = got.scalars[tag].snapshot(), series.snapshot()
        assert g.steps.tolist() == w.steps.tolist(), tag
        assert _bits(g.wall_times) == _bits(w.wall_times), tag
        assert g.values.dtype == w.values.dtype, tag
        assert _bits(g.values) == _bits(w.values), tag
    assert got.metadata == want.metadata
    assert list(got.blobs) == list(want.blobs)
    for tag, blob in want.blobs.items():
        other = got.blobs[tag]
        assert (other.plugin, other.steps_list) == (blob.plugin, blob.steps_list)
        assert _bits(np.array(other.walls, dtype=np.float64)) == _bits(np.array(blob.walls, dtype=np.float64))
        assert _same_items(list(other.items), list(blob.items)), tag
    assert list(got.histograms) == list(want.histograms)
    for tag, hist in want.histograms.items():
        g, w = got.histograms[tag].snapshot(), hist.snapshot()
        assert g.steps.tolist() == w.steps.tolist() and g.rows.tobytes() == w.rows.tobytes()
    assert (got.file_version, got.source_writer, got.last_step) == (
        want.file_version,
        want.source_writer,
        want.last_step,
    )
    walls = [got.first_wall_time, got.last_wall_time, want.first_wall_time, want.last_wall_time]
    assert str(walls[:2]) == str(walls[2:])  # NaN equal to NaN


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(st.integers(1, 300), st.integers(0, 2**32))
def test_columns_equal_protobuf(n_tags: int, seed: int) -> None:
    payloads, cuts = make_log(n_tags, seed)
    got = _ingest(payloads, cuts)
    with protobuf_only():
        want = _ingest(payloads, cuts)
    assert_same_run(got, want)


def test_every_real_layout_takes_the_column_path() -> None:
    """Each writer's scalar layout, one tag per layout and many tags of one length, all as columns."""
    payloads: list[bytes] = []
    for name, *_ in ENCODINGS:
        for tag_no in range(40):
            tag = f"{name}/loss_head_{tag_no:02d}"
            for step in (0, 1, 300, 2**33, -7):
                md = _metadata(name, "") if name != "simple" else None
                payloads.append(_event(tag, name, 1, step, 1.7e9 + step, md).SerializeToString())
    arr = np.frombuffer(b"".join(frame(p) for p in payloads), dtype=np.uint8)
    f = _frames(payloads, 0)
    cols, rest = columnar.decode_columns(arr, f.starts, f.lengths, f.data)
    assert not rest.any()
    assert len(cols.tags) == len(ENCODINGS) * 40
    # ... and the same values the protobuf path reads.
    with protobuf_only():
        want = _ingest(payloads, [])
    assert_same_run(_ingest(payloads, []), want)


def test_values_keep_their_written_dtype() -> None:
    payloads = [
        _event("f32", "f4", struct.unpack("<I", struct.pack("<f", 0.1))[0], s, 1.0, _metadata("f4", ""))
        for s in range(20)
    ]
    payloads += [
        _event("f64", "f8", np.float64(0.1).view(np.uint64), s, 1.0, _metadata("f8", "")) for s in range(20)
    ]
    payloads += [_event("old", "simple", 0.25, s, 1.0, None) for s in range(20)]
    run = _ingest([e.SerializeToString() for e in payloads], [])
    assert run.scalars["f32"].snapshot().values.dtype == np.float32
    assert run.scalars["old"].snapshot().values.dtype == np.float32
    assert run.scalars["f64"].snapshot().values.dtype == np.float64
    assert run.scalars["f32"].snapshot().values[0] == np.float32(0.1)
    # A float64 point after float32 ones promotes the series, exactly.
    mixed = [_event("f32", "f8", np.float64(0.3).view(np.uint64), 99, 1.0, None).SerializeToString()]
    run.ingest(_frames(mixed, 1000))
    vals = run.scalars["f32"].snapshot().values
    assert vals.dtype == np.float64 and vals[0] == float(np.float32(0.1)) and vals[-1] == 0.3


# -- legacy histograms (histcolumns.py) ------------------------------------------------------------
# The histogram column path must give the [k, 3] rows TensorBoard's data_compat.migrate_value gives
# (bit for bit, float32) with the step and wall time protobuf reads, leave every record it cannot
# read exactly to protobuf, and store the same series as the protobuf path.

SPECIAL = [0.0, -0.0, 1.0, -1.0, float("nan"), float("inf"), float("-inf"), 1.7976931348623157e308, 1e-310]


def _double(rnd: random.Random) -> float:
    if rnd.random() < 0.3:
        return rnd.choice(SPECIAL)
    return rnd.uniform(-1, 1) * 10.0 ** rnd.randint(-40, 300)


def _count(rnd: random.Random) -> float:
    return rnd.choice([0.0, 0.0, 0.0, 1.0, 3.0, 2.5, 1e9, -1.0, float("nan"), float("inf")])


def _histogram_event(rnd: random.Random, tag: str) -> event_pb2.Event:
    """A legacy histogram event as real writers write it, with random buckets (0 to 200)."""
    ev = event_pb2.Event(
        step=rnd.choice([0, 1, 127, 128, 2**40, -5]), wall_time=rnd.choice([0.0, 1.7e9 + rnd.random()])
    )
    h = ev.summary.value.add(tag=tag).histo
    h.min, h.max = _double(rnd), _double(rnd)
    h.num, h.sum, h.sum_squares = rnd.choice([0.0, 512.0]), _double(rnd), rnd.choice([0.0, 3.5])
    k = rnd.choice([0, 1, 2, rnd.randint(0, 200)])
    limits = sorted(_double(rnd) for _ in range(k))
    if k and rnd.random() < 0.5:
        limits[-1] = 1.7976931348623157e308  # DBL_MAX, as TensorFlow's default buckets end
    h.bucket_limit.extend(limits)
    h.bucket.extend(_count(rnd) for _ in range(k))
    return ev


def _odd_event(rnd: random.Random, tag: str) -> bytes:
    """A record the column path must leave to protobuf (or read exactly as protobuf does)."""
    ev = _histogram_event(rnd, tag)
    kind = rnd.choice(
        ["metadata", "two_values", "uneven", "unpacked", "repeated", "source", "scalar", "bad_tag"]
    )
    if kind == "metadata":
        ev.summary.value[0].metadata.plugin_data.plugin_name = "histograms"
    elif kind == "two_values":
        ev.summary.value.add(tag="other", simple_value=1.0)
    elif kind == "uneven":
        ev.summary.value[0].histo.bucket_limit.append(5.0)
        ev.summary.value[0].histo.bucket.extend([1.0, 1.0])
    elif kind == "source":
        ev.source_metadata.writer = "pytorch"
    elif kind == "scalar":
        ev = event_pb2.Event(step=3, wall_time=1.0)
        ev.summary.value.add(tag=tag, simple_value=2.0)
    raw = ev.SerializeToString()
    if kind == "unpacked":  # bucket counts as separate fixed64 fields: legal, but no writer's form
        counts = b"".join(b"\x39" + struct.pack("<d", 1.0) for _ in range(3))
        histo = b"\x09" + struct.pack("<d", -1.0) + b"\x11" + struct.pack("<d", 1.0) + counts
        value = b"\x0a\x01h" + b"\x2a" + bytes([len(histo)]) + histo
        raw = b"\x10\x07\x2a" + bytes([len(value) + 2]) + b"\x0a" + bytes([len(value)]) + value
    elif kind == "repeated":  # the step twice: protobuf keeps the last
        raw += b"\x10\x09"
    elif kind == "bad_tag":  # a tag that is not UTF-8: protobuf refuses the record
        raw = raw.replace(tag.encode(), b"\xff" * len(tag.encode()), 1)
    return raw


def _tensorboard_rows(payload: bytes) -> tuple[int, float, str, np.ndarray]:
    ev = event_pb2.Event.FromString(payload)
    value = ev.summary.value[0]
    migrated = data_compat.migrate_value(value)
    return ev.step, ev.wall_time, value.tag, tensor_util.make_ndarray(migrated.tensor)


@pytest.mark.filterwarnings("ignore:overflow encountered in cast")  # TensorBoard's own float32 cast
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32))
def test_rows_equal_tensorboard_migration(seed: int) -> None:
    rnd = random.Random(seed)
    tags = [f"weights/layer_{i:02d}" for i in range(rnd.randint(1, 5))] + ["é/grad"]
    events = [_histogram_event(rnd, rnd.choice(tags)) for _ in range(rnd.randint(1, 30))]
    payloads = [e.SerializeToString() for e in events]
    f = _frames(payloads, 0)
    arr = np.frombuffer(f.data, dtype=np.uint8)
    h = histcolumns.decode_histograms(arr, f.data, f.starts, f.lengths)
    assert sorted(h.index.tolist()) == list(range(len(payloads)))  # every plain histogram is taken
    for i, rec in enumerate(h.index.tolist()):
        step, wall, tag, want = _tensorboard_rows(payloads[rec])
        assert (int(h.steps[i]), h.tags[h.tag_id[i]]) == (step, tag)
        assert struct.pack("<d", h.wall_times[i]) == struct.pack("<d", wall)
        got = h.rows[h.offsets[i] : h.offsets[i + 1]]
        assert got.dtype == want.dtype == np.float32
        assert got.shape == want.reshape(-1, 3).shape and got.tobytes() == want.tobytes()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32))
def test_ingest_equals_protobuf_path(seed: int) -> None:
    """Histograms mixed with odd records and scalars, cut into batches: the same run either way."""
    rnd = random.Random(seed)
    tags = [f"h{i}" for i in range(rnd.randint(1, 4))]
    payloads = []
    for _ in range(rnd.randint(1, 40)):
        tag = rnd.choice(tags)
        if rnd.random() < 0.2:
            payloads.append(_odd_event(rnd, tag))
        else:
            payloads.append(_histogram_event(rnd, tag).SerializeToString())
    if rnd.random() < 0.3:  # a restart purge (no file version: a step going back)
        ev = _histogram_event(rnd, tags[0])
        ev.step = -100
        payloads.insert(rnd.randrange(len(payloads) + 1), ev.SerializeToString())
    assert_histograms_match_protobuf(payloads, rnd)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32))
def test_walk_along_the_usual_order_equals_the_field_by_field_walk(seed: int) -> None:
    """Histogram events as writers lay them out, with fields left out, repeated, reordered, cut
    short or overwritten at random bytes: the walk that reads every field at its usual place first
    gives exactly what walking every message field by field gives, at every level."""
    rnd = random.Random(seed)
    payloads = []
    for _ in range(rnd.randint(1, 30)):
        raw = bytearray(_histogram_event(rnd, rnd.choice(["a", "weights/b"])).SerializeToString())
        for _ in range(rnd.choice([0, 0, 1, 3])):
            raw[rnd.randrange(len(raw))] = rnd.randrange(256)
        if rnd.random() < 0.1:
            raw = raw[: rnd.randrange(len(raw) + 1)]
        payloads.append(bytes(raw) or b"\x00")
    f = _frames(payloads, 0)
    arr = np.frombuffer(f.data, np.uint8)
    start, end = f.starts, f.starts + f.lengths
    for spec in (histcolumns._EVENT, histcolumns._SUMMARY, histcolumns._VALUE, histcolumns._HISTO):
        usual, ok_usual = histcolumns._walk(arr, start, end, spec, usual=True)
        each, ok_each = histcolumns._walk(arr, start, end, spec, usual=False)
        assert ok_usual.tolist() == ok_each.tolist()
        for fno in spec:
            for got, want in zip(usual[fno], each[fno], strict=True):
                assert got.tolist() == want.tolist()
        # One level down, as decode_histograms goes: into each message's last field (-1: none).
        last = max(spec)
        start = np.where(ok_each, each[last][0], 0)
        end = np.where(ok_each, each[last][1], 0)


def test_writer_histograms_take_the_column_path() -> None:
    """tensorboardX/torch's histogram records are all read without protobuf, as float32 rows."""
    rnd = random.Random(5)
    payloads = [_histogram_event(rnd, f"w{i % 3}").SerializeToString() for i in range(50)]
    f = _frames(payloads, 0)
    h = histcolumns.decode_histograms(np.frombuffer(f.data, np.uint8), f.data, f.starts, f.lengths)
    assert len(h) == 50 and h.rows.dtype == np.float32
    run = _ingest(payloads, [])
    assert list(run.histograms) == ["w0", "w1", "w2"]
    assert run.histograms["w0"].dtype == np.float32
    assert run.metadata["w0"].plugin == "histograms"


def test_records_it_cannot_read_are_left_to_protobuf() -> None:
    for kind_seed in range(60):
        payload = _odd_event(random.Random(kind_seed), "t")
        data = frame(payload)
        f = _frames([payload], 0)
        h = histcolumns.decode_histograms(np.frombuffer(data, np.uint8), f.data, f.starts, f.lengths)
        if len(h):  # taken: then exactly what TensorBoard migrates it to
            step, _, tag, want = _tensorboard_rows(payload)
            assert (int(h.steps[0]), h.tags[0]) == (step, tag)
            assert h.rows.tobytes() == want.tobytes()


def test_empty_and_all_zero_histograms_have_no_rows() -> None:
    ev = event_pb2.Event(step=4, wall_time=2.0)
    ev.summary.value.add(tag="empty").histo.CopyFrom(summary_pb2.HistogramProto(min=1.0, max=2.0))
    zero = event_pb2.Event(step=5, wall_time=2.0)
    h = zero.summary.value.add(tag="empty").histo
    h.bucket_limit.extend([1.0, 2.0])
    h.bucket.extend([0.0, 0.0])
    run = _ingest([ev.SerializeToString(), zero.SerializeToString()], [])
    snap = run.histograms["empty"].snapshot()
    assert snap.steps.tolist() == [4, 5] and snap.offsets.tolist() == [0, 0, 0]


def test_histogram_tag_with_tensors_handed_back_keeps_file_order() -> None:
    """A histogram makes its tag a histogram tag; the tag's later tensors are partly taken as columns
    (then handed back to protobuf and parsed last) and partly parsed in order (another layout), yet
    all are stored in file order."""
    first = _histogram_event(random.Random(1), "t")
    first.step = 0
    first.summary.value[0].metadata.plugin_data.plugin_name = "histograms"  # protobuf reads it
    payloads = [first.SerializeToString()]
    for step in range(1, 30):
        md = _metadata("f4", "") if step % 9 == 0 else None  # another layout: fewer than a group
        payloads.append(_event("t", "f4", 0x3F800000, step, 1.0, md).SerializeToString())
    got = _ingest(payloads, [])
    with protobuf_only():
        want = _ingest(payloads, [])
    assert_same_run(got, want)
    assert got.histograms["t"].snapshot().steps.tolist() == list(range(30))
