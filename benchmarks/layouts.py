"""Event files in the byte layouts of real writers, assembled with numpy (benchmark data).

A reader's speed depends on the exact bytes of each record: which fields are present, in which
order, whether the plugin metadata is repeated, how long the tags are. The project's own writer is
not what training code runs, so the load benchmark writes what the real writers write, byte for
byte, and checks that claim against the real libraries (``check_*`` below, run by
``python benchmarks/load.py --check`` and by tests/benchmarks/test_layouts.py).

Writing tens of millions of records through protobuf would take minutes, so records are built as
rows of a uint8 matrix, one matrix per record *shape* (tag length, step varint length, which
optional fields are present): constant bytes come from a template row, the wall time, step, tag
and value are written as columns, and the data CRCs come from per-byte tables. CRC-32C is affine,
so ``crc(x) = crc(t) ^ lin(x ^ t)`` for the template ``t``, and ``lin`` is the XOR of one table
lookup per differing byte; the lookup for byte value ``b`` depends only on its distance from the
end of the message.

Layouts (``LAYOUTS``):

- ``tbx``: ``tensorboardX.SummaryWriter`` 2.6.5 ``add_scalar``/``add_histogram``: an Event of
  ``1 wall_time, 2 step (absent when 0), 5 summary{1 value{1 tag, 2 simple_value}}}``
  (``simple_value`` sits in a oneof, so even 0.0 is written), histograms as ``5 histo`` with
  TensorFlow's default exponential buckets. File header: ``wall_time`` and ``file_version``.
- ``torch``: ``torch.utils.tensorboard.SummaryWriter``: the same records; its header (tensorboard's
  ``EventFileWriter``) adds ``source_metadata.writer``, and file names carry the pid and a counter.
- ``tf2``: TensorFlow 2.x ``tf.summary.scalar``: the value is a rank-0 DT_FLOAT tensor whose 4
  bytes are in ``tensor_content``, and every event repeats the ``scalars`` plugin metadata. The
  header's wall time is whole seconds and names the C++ ``events_writer``; files end in ``.v2``.
- ``tf2-first``: the same tensors as ``tf.compat.v1.summary.FileWriter`` writes them: it strips
  the metadata of every value whose tag it has seen before, so only a tag's first event has it.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import google_crc32c
import numpy as np

_MASK_DELTA = 0xA282EAD8
_U64 = struct.Struct("<Q")
_U32 = struct.Struct("<I")
_F64 = struct.Struct("<d")

FILE_VERSION = b"brain.Event:2"
HOST = "bench"  # fixed, so a cached logdir's file names do not depend on the machine
PID = 4242

# Summary.Value tail of a TF2 scalar: 8 tensor{1 dtype=DT_FLOAT, 2 tensor_shape{}, 4 tensor_content}.
_TENSOR_HEAD = b"\x42\x0a\x08\x01\x12\x00\x22\x04"
# 9 metadata{1 plugin_data{1 plugin_name "scalars"}}: no content, no data_class (TF 2.21's bytes).
_SCALARS_METADATA = b"\x4a\x0b\x0a\x09\x0a\x07scalars"


@dataclass(frozen=True)
class Layout:
    """What distinguishes one writer's scalar records and file header from another's."""

    name: str
    tensor: bool  # TF2 tensor scalar (tensor_content) instead of legacy simple_value
    metadata: str  # "none", "every" (every event) or "first" (a tag's first event only)
    source_writer: str | None  # the header's source_metadata.writer, None when absent
    whole_second_header: bool  # TF's C++ EventsWriter stores int seconds in the header
    histograms: bool  # whether the generator can add this writer's histograms

    def file_name(self, wall: float, counter: int = 0) -> str:
        """The event file name this writer gives a file opened at ``wall``."""
        secs = int(wall)
        if self.name == "tbx":
            return f"events.out.tfevents.{str(wall)[:10]}.{HOST}"
        if self.name == "torch":
            return f"events.out.tfevents.{secs:010d}.{HOST}.{PID}.{counter}"
        if self.name == "tf2":
            return f"events.out.tfevents.{secs}.{HOST}.{PID}.{counter}.v2"
        return f"events.out.tfevents.{secs}.{HOST}"  # tf.compat.v1 FileWriter


LAYOUTS: dict[str, Layout] = {
    "tbx": Layout("tbx", False, "none", None, False, True),
    "torch": Layout("torch", False, "none", "tensorboard.summary.writer.event_file_writer", False, True),
    "tf2": Layout("tf2", True, "every", "tensorflow.core.util.events_writer", True, False),
    "tf2-first": Layout("tf2-first", True, "first", "tensorflow.core.util.events_writer", True, False),
}


# -- framing ------------------------------------------------------------------------------------


def _mask(c: int) -> int:
    return (((c >> 15) | (c << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def frame(payload: bytes) -> bytes:
    """One TFRecord frame: length, masked CRC of the length, payload, masked CRC of the payload."""
    head = _U64.pack(len(payload))
    return (
        head
        + _U32.pack(_mask(google_crc32c.value(head)))
        + payload
        + _U32.pack(_mask(google_crc32c.value(payload)))
    )


def varint(n: int) -> bytes:
    """Protobuf varint of an int64 (negative numbers take ten bytes, as two's complement)."""
    n &= (1 << 64) - 1
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _len_field(key: int, body: bytes) -> bytes:
    return bytes([key]) + varint(len(body)) + body


def _double_field(key: int, x: float) -> bytes:
    """A proto3 double: omitted when its bits are all zero (so -0.0 is written, 0.0 is not)."""
    b = _F64.pack(x)
    return b"" if b == bytes(8) else bytes([key]) + b


def header(layout: Layout, wall: float) -> bytes:
    """The framed file-version event each writer puts first in a file."""
    if layout.whole_second_header:
        wall = float(int(wall))
    payload = _double_field(0x09, wall) + _len_field(0x1A, FILE_VERSION)
    if layout.source_writer is not None:
        payload += _len_field(0x52, _len_field(0x0A, layout.source_writer.encode()))
    return frame(payload)


# -- vectorised CRC -----------------------------------------------------------------------------


@functools.cache
def _lin_table(distance: int) -> np.ndarray:
    """lin(byte b followed by ``distance`` zero bytes) for b in 0..255: a byte's CRC contribution."""
    zeros = bytes(distance)
    base = google_crc32c.value(bytes(distance + 1))
    return np.array([google_crc32c.value(bytes([b]) + zeros) ^ base for b in range(256)], np.uint32)


def _masked_crcs(rows: np.ndarray, template: bytes, columns: Sequence[int]) -> np.ndarray:
    """Masked CRC-32C of every row of ``rows``, which equal ``template`` outside ``columns``."""
    length = rows.shape[1]
    acc = np.full(len(rows), google_crc32c.value(template), np.uint32)
    for j in columns:
        diff = rows[:, j] ^ np.uint8(template[j]) if template[j] else rows[:, j]
        acc ^= _lin_table(length - 1 - j)[diff]
    c = acc.astype(np.uint64)
    return (
        (((c >> np.uint64(15)) | (c << np.uint64(17))) + np.uint64(_MASK_DELTA)) & np.uint64(0xFFFFFFFF)
    ).astype("<u4")


# -- scalar records -----------------------------------------------------------------------------


def _varint_lengths(u: np.ndarray) -> np.ndarray:
    """Bytes in the varint of each uint64."""
    n = np.ones(len(u), np.int64)
    for k in range(1, 10):
        n += u >= np.uint64(1 << (7 * k))
    return n


@dataclass(frozen=True)
class _Shape:
    """One record shape: a template payload and where its variable spans sit."""

    template: bytes
    step_at: int
    tag_at: int
    value_at: int


@functools.lru_cache(maxsize=4096)
def _shape(layout: Layout, tag_len: int, step_len: int, has_meta: bool) -> _Shape:
    """Template payload of one scalar record shape, with zeros in its variable spans."""
    tag_part = b"\x0a" + varint(tag_len) if tag_len else b""  # proto3 drops the empty tag (torch writes '')
    if layout.tensor:
        tail = _TENSOR_HEAD + bytes(4) + (_SCALARS_METADATA if has_meta else b"")
        value_off = len(_TENSOR_HEAD)
    else:
        tail = b"\x15" + bytes(4)
        value_off = 1
    value = tag_part + bytes(tag_len) + tail
    summary = b"\x0a" + varint(len(value)) + value
    head = b"\x09" + bytes(8) + (b"\x10" + bytes(step_len) if step_len else b"")
    event = head + b"\x2a" + varint(len(summary))
    value_start = len(event) + 1 + len(varint(len(value)))
    tag_at = value_start + len(tag_part)
    return _Shape(event + summary, len(b"\x09") + 8 + 1, tag_at, tag_at + tag_len + value_off)


def encode_scalars(
    layout: Layout,
    tags: Sequence[str],
    tag_index: np.ndarray,
    steps: np.ndarray,
    values: np.ndarray,
    walls: np.ndarray,
    first: np.ndarray | None = None,
) -> bytes:
    """Framed records, in order, of scalar events as ``layout``'s writer writes them.

    Record ``i`` is tag ``tags[tag_index[i]]`` at ``steps[i]`` (int64), ``values[i]`` (stored as
    float32, as every one of these writers does) and ``walls[i]`` (float64 seconds). ``first``
    marks the events that carry the plugin metadata in the ``tf2-first`` layout (a tag's first).
    """
    return _encode(layout, tags, tag_index, steps, values, walls, first)[0].tobytes()


def _encode(
    layout: Layout,
    tags: Sequence[str],
    tag_index: np.ndarray,
    steps: np.ndarray,
    values: np.ndarray,
    walls: np.ndarray,
    first: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """``encode_scalars`` as a uint8 array, with the end offset of every record."""
    n = len(tag_index)
    if n == 0:
        return np.empty(0, np.uint8), np.empty(0, np.int64)
    encoded = [t.encode() for t in tags]
    width = max(1, max(len(b) for b in encoded))
    tag_mat = np.zeros((len(encoded), width), np.uint8)
    for i, b in enumerate(encoded):
        tag_mat[i, : len(b)] = np.frombuffer(b, np.uint8)
    tag_lens = np.array([len(b) for b in encoded], np.int64)[tag_index]
    u_steps = np.ascontiguousarray(steps, np.int64).view(np.uint64)
    step_lens = np.where(u_steps == 0, 0, _varint_lengths(u_steps))
    bits = np.ascontiguousarray(values, np.float32).view(np.uint32)
    walls8 = np.ascontiguousarray(walls, "<f8").view(np.uint8).reshape(n, 8)
    vals4 = bits.astype("<u4").view(np.uint8).reshape(n, 4)
    if layout.metadata == "first":
        has_meta = np.asarray(first, bool) if first is not None else np.zeros(n, bool)
    else:
        has_meta = np.full(n, layout.metadata == "every")

    key = (tag_lens * 16 + step_lens) * 2 + has_meta
    uniq, inverse = np.unique(key, return_inverse=True)
    shapes = []
    for k in uniq.tolist():
        shapes.append(_shape(layout, k >> 5, (k >> 1) & 15, bool(k & 1)))
    sizes = np.array([len(s.template) + 16 for s in shapes], np.int64)[inverse]
    starts = np.zeros(n, np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    out = np.empty(int(starts[-1] + sizes[-1]), np.uint8)

    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(uniq) + 1))
    for g, shape in enumerate(shapes):
        idx = order[bounds[g] : bounds[g + 1]]
        length = len(shape.template)
        head = _U64.pack(length)
        framed = head + _U32.pack(_mask(google_crc32c.value(head))) + shape.template + bytes(4)
        rows = np.empty((len(idx), length + 16), np.uint8)
        rows[:] = np.frombuffer(framed, np.uint8)
        body = rows[:, 12 : 12 + length]
        body[:, 1:9] = walls8[idx]
        columns = list(range(1, 9))
        step_len = int(step_lens[idx[0]])
        if step_len:
            u = u_steps[idx]
            for b in range(step_len):
                byte = (u >> np.uint64(7 * b)) & np.uint64(0x7F)
                if b < step_len - 1:
                    byte |= np.uint64(0x80)
                body[:, shape.step_at + b] = byte
            columns += range(shape.step_at, shape.step_at + step_len)
        tag_len = int(tag_lens[idx[0]])
        body[:, shape.tag_at : shape.tag_at + tag_len] = tag_mat[tag_index[idx], :tag_len]
        columns += range(shape.tag_at, shape.tag_at + tag_len)
        body[:, shape.value_at : shape.value_at + 4] = vals4[idx]
        columns += range(shape.value_at, shape.value_at + 4)
        rows[:, 12 + length :] = _masked_crcs(body, shape.template, columns).view(np.uint8).reshape(-1, 4)
        out[starts[idx][:, None] + np.arange(length + 16)] = rows
    return out, starts + sizes


# -- histograms (tensorboardX / torch) ----------------------------------------------------------


@functools.lru_cache(maxsize=1)
def default_bins() -> np.ndarray:
    """tensorboardX's and torch's ``bins='tensorflow'`` edges: +-1e-12 * 1.1**k up to 1e20, and 0."""
    v = 1e-12
    buckets = []
    while v < 1e20:
        buckets.append(v)
        v *= 1.1
    return np.array([-b for b in reversed(buckets)] + [0] + buckets)


@dataclass(frozen=True)
class Histogram:
    """The fields of a HistogramProto."""

    min: float
    max: float
    num: float
    sum: float
    sum_squares: float
    bucket_limit: np.ndarray
    bucket: np.ndarray


def make_histogram(values: np.ndarray) -> Histogram:
    """What ``add_histogram(tag, values)`` computes (bins='tensorflow', no max_bins).

    The same steps as ``make_histogram`` in tensorboardX and torch.utils.tensorboard: numpy's
    histogram over the default edges, trimmed to the populated range plus one empty bucket on
    the left so the left edge is known.
    """
    values = np.asarray(values, float).reshape(-1)
    counts, limits = np.histogram(values, bins=default_bins())
    cum = np.cumsum(np.greater(counts, 0))
    start, end = np.searchsorted(cum, [0, cum[-1] - 1], side="right")
    start, end = int(start), int(end) + 1
    counts = counts[start - 1 : end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start : end + 1]
    return Histogram(
        float(values.min()),
        float(values.max()),
        float(len(values)),
        float(values.sum()),
        float(values.dot(values)),
        np.asarray(limits, "<f8"),
        np.asarray(counts, "<f8"),
    )


def encode_histogram(tag: str, step: int, wall: float, h: Histogram) -> bytes:
    """One framed ``Event{wall_time, step, summary{value{tag, histo}}}`` as tensorboardX/torch write it."""
    histo = (
        _double_field(0x09, h.min)
        + _double_field(0x11, h.max)
        + _double_field(0x19, h.num)
        + _double_field(0x21, h.sum)
        + _double_field(0x29, h.sum_squares)
    )
    if len(h.bucket_limit):
        histo += _len_field(0x32, h.bucket_limit.tobytes())
    if len(h.bucket):
        histo += _len_field(0x3A, h.bucket.tobytes())
    value = _len_field(0x0A, tag.encode()) + _len_field(0x2A, histo)
    event = _double_field(0x09, wall) + (b"\x10" + varint(step) if step else b"")
    return frame(event + _len_field(0x2A, _len_field(0x0A, value)))


# -- logdir generation --------------------------------------------------------------------------

HIST_TAGS = ("weights/layer_00", "weights/layer_01", "grads/layer_00", "grads/layer_01")
HIST_VALUES = 512  # values per histogram (about 3 kB a record with the default buckets)


def tag_names(n_tags: int) -> list[str]:
    """``train/loss_head_00``... : names of equal length, as real training code logs them."""
    width = max(2, len(str(n_tags - 1)))
    return [f"train/loss_head_{i:0{width}d}" for i in range(n_tags)]


@dataclass
class RunStats:
    """What a generated run holds, so readers' point counts can be checked."""

    scalar_events: int = 0
    histogram_events: int = 0
    steps: int = 0
    bytes: int = 0


def write_run(
    layout: Layout,
    run_dir: Path,
    n_tags: int,
    target_bytes: int,
    seed: int = 0,
    hist_rounds: int = 0,
) -> RunStats:
    """Write one run of about ``target_bytes``: every step logs every tag, in tag order.

    ``hist_rounds`` > 0 (tbx/torch only) spreads about that many rounds of histograms over the
    run, one for each of ``HIST_TAGS`` after a step's scalars, as a training loop logs weights
    every so many steps. Steps start at 0 (whose events have no step field); wall times grow by
    50 to 150 ms a step and by about 13 us from one event to the next.
    """
    rng = np.random.default_rng(seed)
    tags = tag_names(n_tags)
    run_dir.mkdir(parents=True, exist_ok=True)
    wall0 = 1_700_000_000.0 + seed * 86_400 + rng.random()
    decay = rng.uniform(2_000, 200_000, n_tags)
    stats = RunStats()
    head = header(layout, wall0)
    # Size the run from one step's bytes (and one round of histograms) so it ends near the target.
    one_step = len(_scalar_chunk(layout, tags, decay, 1, 1, wall0, np.random.default_rng(seed))[0][0])
    every = 0
    if hist_rounds and layout.histograms:
        one_round = sum(len(_histogram(t, 1, wall0, np.random.default_rng(seed))) for t in HIST_TAGS)
        steps_total = max(1, (target_bytes - hist_rounds * one_round) // one_step)
        every = max(1, steps_total // hist_rounds)
        one_step += one_round / every
    chunk = max(1, 65_536 // n_tags)
    with open(run_dir / layout.file_name(wall0), "wb") as f:
        f.write(head)
        stats.bytes += len(head)
        step_wall = wall0 + 0.5
        while stats.bytes < target_bytes:
            left = int((target_bytes - stats.bytes) / one_step) + 1
            n_steps = min(chunk, left)
            (data, ends), walls_step = _scalar_chunk(
                layout, tags, decay, stats.steps, n_steps, step_wall, rng
            )
            step_wall = float(walls_step[-1]) + 0.1
            pieces, at = [], 0
            for k in range(n_steps):
                step = stats.steps + k
                if every and step % every == every - 1:
                    cut = int(ends[(k + 1) * n_tags - 1])
                    pieces.append(data[at:cut].tobytes())
                    at = cut
                    wall = float(walls_step[k]) + n_tags * 1.3e-5
                    for j, t in enumerate(HIST_TAGS):
                        pieces.append(_histogram(t, step, wall + j * 2e-3, rng))
                        stats.histogram_events += 1
            pieces.append(data[at:].tobytes())
            blob = b"".join(pieces)
            f.write(blob)
            stats.bytes += len(blob)
            stats.scalar_events += n_steps * n_tags
            stats.steps += n_steps
    return stats


def _scalar_chunk(
    layout: Layout,
    tags: list[str],
    decay: np.ndarray,
    step0: int,
    chunk: int,
    wall: float,
    rng: np.random.Generator,
) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """Records of ``chunk`` steps from ``step0``, every tag each step; also each step's wall."""
    n_tags = len(tags)
    steps = np.arange(step0, step0 + chunk, dtype=np.int64)
    walls_step = wall + np.concatenate([[0.0], np.cumsum(rng.uniform(0.05, 0.15, chunk - 1))])
    tag_index = np.tile(np.arange(n_tags), chunk)
    s = np.repeat(steps, n_tags)
    walls = np.repeat(walls_step, n_tags) + tag_index * 1.3e-5 + rng.random(len(s)) * 1e-6
    values = (np.exp(-s / decay[tag_index]) * (1 + 0.05 * rng.standard_normal(len(s)))).astype(np.float32)
    first = s == 0 if layout.metadata == "first" else None
    return _encode(layout, tags, tag_index, s, values, walls, first), walls_step


def _histogram(tag: str, step: int, wall: float, rng: np.random.Generator) -> bytes:
    """A framed weights histogram whose spread shrinks slowly with the step."""
    values = rng.normal(0.0, 0.1 / (1 + step / 50_000), HIST_VALUES).astype(np.float32)
    return encode_histogram(tag, step, wall, make_histogram(values))


# -- byte identity with the real writers --------------------------------------------------------


def read_frames(path: Path) -> list[bytes]:
    """Every framed record of an event file, whole (length, CRCs and payload)."""
    data = path.read_bytes()
    frames, at = [], 0
    while at + 12 <= len(data):
        (length,) = _U64.unpack_from(data, at)
        frames.append(data[at : at + length + 16])
        at += length + 16
    return frames


@dataclass
class CheckResult:
    """How many records were compared against a real writer, and the first few that differ."""

    writer: str
    compared: int = 0
    mismatches: list[str] | None = None
    skipped: str = ""

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.skipped


def check_inputs(n: int, seed: int = 0) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``n`` scalar events that exercise every branch of the encoder.

    Tags of several lengths (one past 127 bytes, so the length varints take two bytes), steps 0,
    varint boundaries, beyond 2^32 and negative, values 0.0 and -0.0, NaN, infinities and
    subnormals, and wall times with full mantissas.
    """
    rng = np.random.default_rng(seed)
    tags = ["loss", "train/loss_head_00", "train/loss_head_01", "a" * 40, "deep/" * 30 + "x"]
    special_steps = [0, 1, 127, 128, 16_383, 16_384, 2**31, 2**32 + 7, 2**40, -1, -(2**40)]
    special_values = [0.0, -0.0, np.nan, np.inf, -np.inf, 1e-45, -3.4e38, 1.0]
    tag_index = rng.integers(0, len(tags), n)
    steps = rng.integers(0, 100_000, n).astype(np.int64)
    steps[: len(special_steps)] = special_steps
    values = rng.standard_normal(n).astype(np.float32)
    values[len(special_steps) : len(special_steps) + len(special_values)] = special_values
    walls = 1_795_637_465.0 + np.cumsum(rng.random(n) * 0.01)
    return tags, tag_index, steps, values, walls


def check_python_writer(kind: str, n: int = 300) -> CheckResult:
    """Write ``n`` scalars and a few histograms with tensorboardX's or torch's SummaryWriter, then
    compare every framed record (and the header, at the writer's own wall time) with ours."""
    import logging
    import tempfile

    try:
        if kind == "tbx":
            from tensorboardX import SummaryWriter
        else:
            from torch.utils.tensorboard import SummaryWriter
    except ImportError as e:
        return CheckResult(kind, skipped=f"{kind} not importable ({e})")
    layout = LAYOUTS[kind]
    tags, tag_index, steps, values, walls = check_inputs(n)
    rng = np.random.default_rng(1)
    hist_values = [rng.normal(0, 0.1 * (k + 1), 64 + 100 * k).astype(np.float32) for k in range(4)]
    hist_values.append(np.array([0.5, 0.5, 0.5], np.float32))  # one populated bucket
    # tensorboardX logs a warning for every NaN/Inf value: keep the check's output to its result.
    logging.getLogger("tensorboardX.x2num").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        w = SummaryWriter(tmp)
        for i in range(n):
            w.add_scalar(tags[tag_index[i]], float(values[i]), int(steps[i]), walltime=float(walls[i]))
        for k, hv in enumerate(hist_values):
            w.add_histogram(f"weights/layer_{k}", hv, k * 1000, walltime=2e9 + k)
        w.close()
        files = sorted(Path(tmp).glob("events.out.tfevents.*"))
        frames = read_frames(files[0])
    ours = [header(layout, _F64.unpack_from(frames[0], 13)[0])]
    data, ends = _encode(layout, tags, tag_index, steps, values, walls, None)
    ours += [data[a:b].tobytes() for a, b in zip(np.concatenate([[0], ends[:-1]]), ends, strict=True)]
    for k, hv in enumerate(hist_values):
        ours.append(encode_histogram(f"weights/layer_{k}", k * 1000, 2e9 + k, make_histogram(hv)))
    return _compare(kind, frames, ours)


def _compare(writer: str, theirs: list[bytes], ours: list[bytes]) -> CheckResult:
    result = CheckResult(writer, compared=len(theirs), mismatches=[])
    assert result.mismatches is not None
    if len(theirs) != len(ours):
        result.mismatches.append(f"{len(theirs)} records written, {len(ours)} encoded")
    for i, (a, b) in enumerate(zip(theirs, ours, strict=False)):
        if a != b and len(result.mismatches) < 5:
            result.mismatches.append(f"record {i}: theirs {a.hex()} ours {b.hex()}")
    return result


def check_tf2(corpus: Path) -> list[CheckResult]:
    """Re-encode every plain ``tf.summary.scalar`` record of TF 2.21's files in ``corpus``.

    TensorFlow is not needed: the real records are in the corpus. Each scalar record (and each
    file header) must come out byte for byte from the ``tf2`` layout. For ``tf2-first`` the same
    record with its metadata cleared and re-serialized by protobuf (which is what
    ``tf.compat.v1.summary.FileWriter.add_summary`` does to a tag it has seen) must equal the
    layout's record without metadata, and the record with metadata its first event.
    """
    from tensorboard.compat.proto import event_pb2

    tf2, first = CheckResult("tf2", mismatches=[]), CheckResult("tf2-first", mismatches=[])
    assert tf2.mismatches is not None and first.mismatches is not None
    plain_meta = _SCALARS_METADATA[2:]
    for path in sorted(corpus.rglob("events.out.tfevents.*")):
        for raw in read_frames(path):
            ev = event_pb2.Event.FromString(raw[12:-4])
            if ev.file_version:
                for res in (tf2, first):
                    res.compared += 1
                    if header(LAYOUTS[res.writer], ev.wall_time) != raw:
                        res.mismatches.append(f"{path.name} header: {raw.hex()}")
                continue
            if ev.WhichOneof("what") != "summary" or len(ev.summary.value) != 1:
                continue
            v = ev.summary.value[0]
            if not (
                v.WhichOneof("value") == "tensor"
                and v.tensor.dtype == 1
                and not v.tensor.tensor_shape.dim
                and len(v.tensor.tensor_content) == 4
                and v.metadata.SerializeToString() == plain_meta
            ):
                continue
            args = (
                [v.tag],
                np.zeros(1, np.int64),
                np.array([ev.step], np.int64),
                np.frombuffer(v.tensor.tensor_content, "<f4"),
                np.array([ev.wall_time]),
            )
            tf2.compared += 1
            if encode_scalars(LAYOUTS["tf2"], *args) != raw:
                tf2.mismatches.append(f"{path.name} {v.tag}@{ev.step}: {raw.hex()}")
            v.ClearField("metadata")
            stripped = frame(ev.SerializeToString())
            first.compared += 2
            if encode_scalars(LAYOUTS["tf2-first"], *args, first=np.array([True])) != raw:
                first.mismatches.append(f"{path.name} {v.tag}@{ev.step} (first): {raw.hex()}")
            if encode_scalars(LAYOUTS["tf2-first"], *args, first=np.array([False])) != stripped:
                first.mismatches.append(f"{path.name} {v.tag}@{ev.step} (stripped): {stripped.hex()}")
    return [tf2, first]


def check_all(corpus: Path, n: int = 300) -> list[CheckResult]:
    """Every byte-identity check: tensorboardX, torch (skipped when not importable), TF 2.21."""
    return [check_python_writer("tbx", n), check_python_writer("torch", n), *check_tf2(corpus)]
