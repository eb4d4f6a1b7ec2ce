"""Event protos -> typed values, normalised the way TensorBoard's data_compat migrates them.

Writers disagree on encodings (legacy ``simple_value``/``histo``/``image`` fields versus TF2
tensors with a plugin name in their metadata); everything above this module sees one shape per
kind: a float for a scalar, a [k, 3] array (left, right, count) for a histogram (float32 when that
holds it exactly, as TensorBoard's own migration stores legacy ones), and so on.
The plugin of a tensor comes from the *first* metadata seen for its tag, so the caller passes what
it remembers per (run, tag).
"""

from __future__ import annotations

import math
from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from tui.tfevents.proto import event_pb2, summary_pb2, tensor_pb2

# Plugin names as TensorBoard's plugins register them.
SCALARS = "scalars"
HISTOGRAMS = "histograms"
IMAGES = "images"
AUDIO = "audio"
TEXT = "text"
HPARAMS = "hparams"
PR_CURVES = "pr_curves"
GRAPHS = "graphs"
RUN_METADATA_GRAPH = "graph_run_metadata_graph"
RUN_METADATA = "graph_run_metadata"
KERAS_MODEL = "graph_keras_model"
TAGGED_RUN_METADATA = "graph_tagged_run_metadata"
RUN_GRAPH_TAG = "__run_graph__"


#: Each numeric DataType as numpy reads its ``tensor_content`` (little-endian), for both decoders
#: (this one and tui.tfevents.columnar) and the graph's attribute sizes.
NUMPY_DTYPES: dict[int, np.dtype] = {
    tensor_pb2.DT_FLOAT: np.dtype("<f4"),
    tensor_pb2.DT_DOUBLE: np.dtype("<f8"),
    tensor_pb2.DT_INT32: np.dtype("<i4"),
    tensor_pb2.DT_UINT8: np.dtype("u1"),
    tensor_pb2.DT_INT16: np.dtype("<i2"),
    tensor_pb2.DT_INT8: np.dtype("i1"),
    tensor_pb2.DT_INT64: np.dtype("<i8"),
    tensor_pb2.DT_BOOL: np.dtype("?"),
    tensor_pb2.DT_UINT16: np.dtype("<u2"),
    tensor_pb2.DT_UINT32: np.dtype("<u4"),
    tensor_pb2.DT_UINT64: np.dtype("<u8"),
    tensor_pb2.DT_HALF: np.dtype("<f2"),
    tensor_pb2.DT_BFLOAT16: np.dtype("<u2"),  # bit patterns; widened by bfloat16_to_f32
    tensor_pb2.DT_COMPLEX64: np.dtype("<c8"),
    tensor_pb2.DT_COMPLEX128: np.dtype("<c16"),
}


# Narrow integer types all travel in int_val.
INT_VAL_TYPES = frozenset(
    {tensor_pb2.DT_INT32, tensor_pb2.DT_INT16, tensor_pb2.DT_INT8, tensor_pb2.DT_UINT8, tensor_pb2.DT_UINT16}
)


# Written dtypes whose every value a float32 holds exactly; scalars written in any other dtype are
# stored as float64 (see ScalarSeries).
_NARROW = frozenset(np.dtype(c) for c in ("<f2", "<f4", "i1", "<i2", "u1", "<u2", "?", "<c8"))


def is_wide(dtype: np.dtype) -> bool:
    """Whether scalars written in ``dtype`` need float64 to be stored exactly."""
    return dtype not in _NARROW


def scalar_values(arr: np.ndarray) -> np.ndarray:
    """Scalar values as float64, exactly as TensorBoard's ``float(x)`` gives them.

    One function for both decoders (protobuf and columns), so the two agree bit for bit, NaN
    payloads included: the real part of complex values, NaN for strings.
    """
    if arr.dtype == object:
        return np.full(arr.shape, np.nan)
    with np.errstate(invalid="ignore"):  # signalling NaNs become quiet ones, as in float(x)
        return np.real(arr).astype(np.float64)


# DataType enum value -> numpy-style name, in enum order (tensor.proto).
_DTYPE_NAMES: dict[int, str] = dict(enumerate([
    "invalid", "float32", "float64", "int32", "uint8", "int16", "int8", "string", "complex64", "int64",
    "bool", "qint8", "quint8", "qint32", "bfloat16", "qint16", "quint16", "uint16", "complex128",
    "float16", "resource", "variant", "uint32", "uint64",
]))  # fmt: skip


def dtype_name(dtype: int) -> str:
    """``DT_FLOAT`` (1) -> ``float32``; reference types (value + 100) get a ``_ref`` suffix."""
    if dtype > 100 and dtype - 100 in _DTYPE_NAMES:
        return _DTYPE_NAMES[dtype - 100] + "_ref"
    return _DTYPE_NAMES.get(dtype, f"dtype({dtype})")


@dataclass(slots=True, frozen=True)
class Metadata:
    """What a summary's metadata says about its tag (the first one seen per tag wins)."""

    plugin: str
    content: bytes = b""
    display_name: str = ""
    description: str = ""
    data_class: int = 0

    @classmethod
    def from_proto(cls, md: summary_pb2.SummaryMetadata) -> Metadata:
        return cls(
            md.plugin_data.plugin_name,
            md.plugin_data.content,
            md.display_name,
            md.summary_description,
            md.data_class,
        )


def bfloat16_to_f32(bits: np.ndarray) -> np.ndarray:
    """bfloat16 bit patterns (uint16) as the float32 values they are the top halves of."""
    return (bits.astype(np.uint32) << 16).view(np.float32)


def tensor_to_numpy(tp: tensor_pb2.TensorProto) -> np.ndarray:
    """Decode a TensorProto the way tf.make_ndarray does.

    Values come from ``tensor_content`` when present, else from the typed repeated field; a typed
    field holding a single element fills the whole shape. Strings come back as an object array of
    ``bytes``. Unknown dtypes give an empty float array rather than an error.
    """
    shape = tuple(int(d.size) for d in tp.tensor_shape.dim)
    size = math.prod(shape)
    dt = tp.dtype
    if dt == tensor_pb2.DT_STRING:
        vals = list(tp.string_val)
        arr = np.empty(len(vals), dtype=object)
        arr[:] = vals
        return _fill(arr, shape, size)
    np_dt = NUMPY_DTYPES.get(dt)
    if np_dt is None:
        return np.zeros(0, dtype=np.float64)
    if tp.tensor_content:
        raw = np.frombuffer(tp.tensor_content, dtype=np_dt)
        if dt == tensor_pb2.DT_BFLOAT16:
            raw = bfloat16_to_f32(raw)
        return _fill(raw, shape, size)
    if dt in (tensor_pb2.DT_HALF, tensor_pb2.DT_BFLOAT16):
        bits = np.asarray(tp.half_val, dtype=np.uint32).astype(np.uint16)
        vals = bits.view(np.float16) if dt == tensor_pb2.DT_HALF else bfloat16_to_f32(bits)
    elif dt == tensor_pb2.DT_FLOAT:
        vals = np.asarray(tp.float_val, dtype=np.float32)
    elif dt == tensor_pb2.DT_DOUBLE:
        vals = np.asarray(tp.double_val, dtype=np.float64)
    elif dt in INT_VAL_TYPES:
        vals = np.asarray(tp.int_val, dtype=np.int64).astype(np_dt)
    elif dt == tensor_pb2.DT_INT64:
        vals = np.asarray(tp.int64_val, dtype=np.int64)
    elif dt == tensor_pb2.DT_UINT32:
        vals = np.asarray(tp.uint32_val, dtype=np.uint32)
    elif dt == tensor_pb2.DT_UINT64:
        vals = np.asarray(tp.uint64_val, dtype=np.uint64)
    elif dt == tensor_pb2.DT_BOOL:
        vals = np.asarray(tp.bool_val, dtype=bool)
    elif dt == tensor_pb2.DT_COMPLEX64:
        v = np.asarray(tp.scomplex_val, dtype=np.float32)
        vals = v[0::2] + 1j * v[1::2]
    elif dt == tensor_pb2.DT_COMPLEX128:
        v = np.asarray(tp.dcomplex_val, dtype=np.float64)
        vals = v[0::2] + 1j * v[1::2]
    else:  # pragma: no cover - every dtype in NUMPY_DTYPES is handled above
        vals = np.zeros(0)
    return _fill(vals, shape, size)


def _fill(vals: np.ndarray, shape: tuple[int, ...], size: int) -> np.ndarray:
    if len(vals) == size:
        return vals.reshape(shape)
    if len(vals) == 1 and size > 1:
        return np.full(shape, vals[0], dtype=vals.dtype)
    if len(vals) == 0 and size > 0:
        # Proto3 drops a lone default value (a zero); tf.make_ndarray gives zeros too.
        return np.zeros(shape, dtype=vals.dtype)
    if len(vals) > size:
        return vals[:size].reshape(shape)
    return np.resize(vals, shape) if size else vals.reshape(shape)


def legacy_histogram(h: summary_pb2.HistogramProto) -> np.ndarray:
    """A legacy HistogramProto as TensorBoard's float32 [k, 3] (left, right, count); see legacy_rows."""
    counts = np.asarray(h.bucket, dtype=np.float64)
    limits = np.asarray(h.bucket_limit, dtype=np.float64)
    if len(limits) != len(counts):
        return _legacy_uneven(h, counts, limits)
    offsets = np.array([0, len(counts)], dtype=np.int64)
    return legacy_rows(np.array([h.min]), np.array([h.max]), counts, limits, offsets)[1]


def _legacy_uneven(h: summary_pb2.HistogramProto, counts: np.ndarray, limits: np.ndarray) -> np.ndarray:
    """legacy_histogram of a proto with more or fewer bucket limits than counts (no writer's).

    TensorBoard's migration slices the limits by the counts' indices whatever their length; this
    does the same (and, where it cannot line the edges up with the counts, raises as it does).
    """
    nz = np.flatnonzero(counts > 0)
    if not len(nz):
        return np.zeros((0, 3), dtype=np.float32)
    start, end = int(nz[0]), int(nz[-1])
    inner = limits[start:end]
    out = np.empty((end - start + 1, 3), dtype=np.float32)
    with np.errstate(over="ignore"):
        out[:, 0] = np.concatenate(([h.min], inner))
        out[:, 1] = np.concatenate((inner, [h.max]))
        out[:, 2] = counts[start : end + 1]
    return out


def legacy_rows(
    mins: np.ndarray, maxs: np.ndarray, counts: np.ndarray, limits: np.ndarray, offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Many legacy HistogramProtos at once as TensorBoard's rows: (row offsets, float32 [R, 3]).

    Histogram i's counts and bucket limits are ``counts``/``limits[offsets[i]:offsets[i+1]]``
    (as many limits as counts). TensorBoard's data_compat drops the empty buckets at both ends so
    that the open-ended outer edges (-DBL_MAX, DBL_MAX) can be replaced by the recorded min and max
    without producing backwards buckets, and stores the result as float32; so do we (float32 keeps
    every value TensorBoard shows, in half the memory). A histogram without a positive count has
    no rows. Vectorised over all histograms: no Python loop per histogram or bucket.

    The buckets kept are one contiguous range per histogram, nearly all of them (writers trim to
    the populated range already; the empty buckets inside it stay), so they are taken with one
    boolean mask rather than an index per bucket, and a bucket's left edge is the right edge of
    the row before it (the limit before it), copied from that column: no second gather.
    """
    n = len(offsets) - 1
    positive = np.flatnonzero(counts > 0)
    a = np.searchsorted(positive, offsets[:-1])
    b = np.searchsorted(positive, offsets[1:])
    has = b > a
    # Kept: each histogram's buckets from its first positive count to its last.
    first, last = positive[a[has]], positive[b[has] - 1]
    k = np.zeros(n, np.int64)
    k[has] = last - first + 1
    out_off = np.zeros(n + 1, np.int64)
    np.cumsum(k, out=out_off[1:])
    rows = np.empty((int(out_off[-1]), 3), dtype=np.float32)
    if not len(rows):
        return out_off, rows
    if len(rows) == len(counts):
        keep = slice(None)
    else:  # +1 where a kept range starts, -1 after it ends (ranges are disjoint and ascending)
        edge = np.zeros(len(counts) + 1, np.int8)
        edge[first] = 1
        edge[last + 1] -= 1  # (after one range ends, the next may start at once)
        keep = np.cumsum(edge[:-1], dtype=np.int8).view(bool)
    lead, tail = out_off[:-1][has], out_off[1:][has] - 1
    with np.errstate(over="ignore"):  # float64 edges beyond float32 become +-inf, as in TensorBoard
        rows[:, 1] = limits[keep]
        rows[1:, 0] = rows[:-1, 1]  # a bucket's left edge: the limit before it, the row before's right
        rows[lead, 0] = mins[has]  # (which the first kept bucket of each histogram has not)
        rows[tail, 1] = maxs[has]
        rows[:, 2] = counts[keep]
    return out_off, rows


def tensor_histogram(arr: np.ndarray) -> np.ndarray:
    """A TF2 histogram tensor as [k, 3]: float32 if written so (exact), else float64.

    Anything shaped wrong becomes empty.
    """
    a = np.asarray(arr)
    if a.dtype == object or a.ndim != 2 or a.shape[1] != 3:
        return np.zeros((0, 3), dtype=np.float32)
    return a if a.dtype == np.float32 else a.astype(np.float64)


@dataclass(slots=True)
class ImageData:
    """One encoded image: width and height as the writer recorded them, and its bytes (PNG...)."""

    width: int
    height: int
    encoded: bytes


@dataclass(slots=True)
class Decoded:
    """One summary value after migration: its tag, plugin, kind-specific data and metadata.

    A scalar's ``data`` is a float; ``wide`` says whether its written dtype needs float64.
    """

    tag: str
    plugin: str
    data: Any
    metadata: Metadata | None = None
    wide: bool = True
    #: Position of the value in its event's ``summary.value`` (payloads are read again by it).
    index: int = -1


def _num(b: bytes) -> int:
    try:
        return int(b)
    except ValueError:
        return 0


def decode_value(
    value: summary_pb2.Summary.Value, known: Mapping[str, Metadata]
) -> tuple[Decoded | None, Metadata | None]:
    """Decode one Summary.Value.

    ``known`` maps tags to the metadata already remembered for them. Returns the decoded value
    (None for values that carry nothing to show) and the metadata this value introduces for its
    tag, if any (only when the tag had none: TensorBoard keeps the first).
    """
    kind = value.WhichOneof("value")
    tag = value.tag
    md = Metadata.from_proto(value.metadata) if value.HasField("metadata") else None
    if kind == "simple_value":
        new = _migrated(tag, known, md, SCALARS)
        # protobuf already widened the float32 to a Python float, exactly.
        return Decoded(tag, SCALARS, value.simple_value, wide=False), new
    if kind == "histo":
        new = _migrated(tag, known, md, HISTOGRAMS)
        return Decoded(tag, HISTOGRAMS, legacy_histogram(value.histo)), new
    if kind == "image":
        im = value.image
        new = _migrated(tag, known, md, IMAGES)
        return Decoded(tag, IMAGES, [ImageData(im.width, im.height, im.encoded_image_string)]), new
    if kind == "audio":
        new = _migrated(tag, known, md, AUDIO)
        return Decoded(tag, AUDIO, value.audio.encoded_audio_string), new
    if kind == "tensor":
        if not tag:
            tag = value.node_name
        new = md if (md is not None and tag not in known) else None
        meta = known.get(tag) or new
        plugin = meta.plugin if meta else ""
        return decode_tensor(tag, plugin, value.tensor), new
    if md is not None and md.plugin:
        # torch/tensorboardX hparams values carry only metadata; TensorBoard's dataclass_compat
        # gives them an empty float tensor, so they still count as one value at that step. Any
        # other plugin's value without data is no point at all (TensorBoard's accumulator keeps
        # only its metadata), whatever that plugin's data would have had to look like.
        new = md if tag not in known else None
        plugin = known[tag].plugin if tag in known else md.plugin
        if plugin == HPARAMS:
            return Decoded(tag, plugin, np.zeros(0, dtype=np.float32)), new
        return None, new
    return None, None


def _migrated(tag: str, known: Mapping[str, Metadata], md: Metadata | None, plugin: str) -> Metadata | None:
    if tag in known:
        return None
    return Metadata(plugin, b"", (md.display_name if md else "") or tag, md.description if md else "")


def decode_tensor(tag: str, plugin: str, tp: tensor_pb2.TensorProto) -> Decoded:
    """Decode a tensor value according to its tag's plugin."""
    arr = tensor_to_numpy(tp)
    if plugin == SCALARS:
        flat = arr.reshape(-1)
        if flat.dtype != object and len(flat):
            return Decoded(tag, plugin, float(scalar_values(flat[:1])[0]), wide=is_wide(flat.dtype))
        return Decoded(tag, plugin, float("nan"))
    if plugin == HISTOGRAMS:
        return Decoded(tag, plugin, tensor_histogram(arr))
    if plugin == IMAGES:
        flat = arr.reshape(-1)
        if flat.dtype == object and len(flat) >= 2:
            w, h = _num(flat[0]), _num(flat[1])
            return Decoded(tag, plugin, [ImageData(w, h, bytes(b)) for b in flat[2:]])
        return Decoded(tag, plugin, [])
    return Decoded(tag, plugin, arr)


@dataclass(slots=True)
class EventInfo:
    """What one Event carries besides summary values."""

    step: int
    wall_time: float
    values: list[Decoded]
    file_version: str | None = None
    source_writer: str | None = None
    session_start: bool = False
    graph_def: bytes | None = None
    tagged_run_metadata: tuple[str, bytes] | None = None
    has_summary: bool = False


def decode_event(ev: event_pb2.Event, known: Mapping[str, Metadata]) -> tuple[EventInfo, dict[str, Metadata]]:
    """Decode an Event; returns it and the metadata it introduces for tags not yet in ``known``.

    Linear in the event's values: what earlier values of the event introduce is seen by later
    ones through an overlay, never by copying ``known``.
    """
    info = EventInfo(ev.step, ev.wall_time, [])
    new_md: dict[str, Metadata] = {}
    if ev.HasField("source_metadata"):
        info.source_writer = ev.source_metadata.writer
    what = ev.WhichOneof("what")
    if what == "summary":
        info.has_summary = True
        seen: Mapping[str, Metadata] = known
        for i, v in enumerate(ev.summary.value):
            d, md = decode_value(v, seen)
            tag = d.tag if d is not None else v.tag
            if md is not None and tag not in new_md:
                if not new_md:
                    seen = ChainMap(new_md, known)  # type: ignore[arg-type]
                new_md[tag] = md
            if d is not None:
                d.index = i
                info.values.append(d)
    elif what == "file_version":
        info.file_version = ev.file_version
    elif what == "session_log":
        info.session_start = ev.session_log.status == event_pb2.SessionLog.START
    elif what == "graph_def":
        info.graph_def = ev.graph_def
    elif what == "tagged_run_metadata":
        info.tagged_run_metadata = (ev.tagged_run_metadata.tag, ev.tagged_run_metadata.run_metadata)
    return info, new_md


def parse_file_version(s: str | None) -> float | None:
    """'brain.Event:2' -> 2.0, as TensorBoard's event_util does (None when absent or unparsable)."""
    if not s:
        return None
    try:
        return float(s.split(":", 1)[1])
    except (IndexError, ValueError):
        return None


class TagTable:
    """Tags met while decoding a batch, numbered in first-seen order (the column decoders' tag ids).

    Bytes that are not UTF-8 get -1: those records go back to the protobuf path, which names the
    problem. One table per batch keeps a tag's bytes decoded once however many records carry it.
    """

    __slots__ = ("ids", "tags")

    def __init__(self) -> None:
        self.tags: list[str] = []
        self.ids: dict[bytes, int] = {}

    def id(self, raw: bytes) -> int:
        tid = self.ids.get(raw)
        if tid is None:
            try:
                self.tags.append(raw.decode("utf-8"))
                tid = len(self.tags) - 1
            except UnicodeDecodeError:
                tid = -1
            self.ids[raw] = tid
        return tid
