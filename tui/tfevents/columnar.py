"""Decode scalar events column-wise, without a protobuf parse per record.

A writer logging scalars writes events that share a byte *layout*: the same fields in the same
order, the same metadata bytes, the same value type and a tag of the same length; only the wall
time, the step, the value and the tag's bytes differ. (tensorboardX's ``simple_value`` events,
TF2's rank-0 tensors with their metadata on every event or only on a tag's first one, and every
``tensor_content``/``float_val``/``int_val``/... form are each one such layout per tag length.)

So records of one length are gathered into a byte matrix and compared against a layout found by
parsing one of them: rows that equal it everywhere outside the variable spans (and whose varints
are well formed) are events of that layout, however many tags they carry. Their wall times, steps
and values are sliced out as numpy columns, and the tag span becomes one more column whose rows are
grouped vectorised (a 64-bit key per row looked up among the sorted distinct keys, checked by a
second independent key). Records that fit no layout (histograms, text, headers, multi-value
events...) are left to the protobuf path.

The result equals parsing every record with protobuf and decoding it with ``decode.decode_value``
(values as float64 the way ``float(x)`` gives them); tests/model/test_columnar_equivalence.py
checks that on random tag sets, layouts and record orders. What the column path cannot know is a tag's
*plugin* when a tensor carries no metadata (tf.compat.v1 writes it on a tag's first event only):
such rows come back marked ``TENSOR`` and the caller, which remembers each tag's first metadata,
keeps them only if that tag is a scalar.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from tui.tfevents import decode
from tui.tfevents.proto import summary_pb2, tensor_pb2
from tui.tfevents.records import RowBlock, length_groups

# Below this many records of one length a layout is not worth looking for: protobuf takes them.
_MIN_GROUP = 8
# Longer records are rarely scalars (a tag would be kilobytes long); protobuf takes them.
_MAX_LENGTH = 4096
# Layouts tried within one record length: records that fit none of them go to protobuf. A length
# holds a handful of layouts in practice (one per step-varint width and tag length); the caps
# bound the work on adversarial or non-scalar data (each try compares the remaining rows once).
_MAX_LAYOUTS_PER_LENGTH = 64
_MAX_FAILED_PER_LENGTH = 16

# What a layout's records are, which decides how the caller resolves their plugin.
LEGACY = 0  # simple_value: always a scalar; introduces the scalars plugin for a new tag
TENSOR_MD = 1  # a rank-0 tensor carrying scalars metadata: a scalar unless the tag was first seen otherwise
TENSOR = 2  # a rank-0 tensor without metadata: a scalar only if the tag's first metadata says so

# Tensor dtypes a rank-0 value can be read from as raw little-endian bytes (tensor_content).
_CONTENT_DTYPES: dict[int, np.dtype] = {
    dt: decode.NUMPY_DTYPES[dt]
    for dt in (
        tensor_pb2.DT_FLOAT,
        tensor_pb2.DT_DOUBLE,
        tensor_pb2.DT_HALF,
        tensor_pb2.DT_BFLOAT16,
        tensor_pb2.DT_INT32,
        tensor_pb2.DT_INT16,
        tensor_pb2.DT_INT8,
        tensor_pb2.DT_UINT8,
        tensor_pb2.DT_UINT16,
        tensor_pb2.DT_UINT32,
        tensor_pb2.DT_INT64,
        tensor_pb2.DT_UINT64,
        tensor_pb2.DT_BOOL,
    )
}
# Typed repeated fields: field number -> (dtypes that decode.tensor_to_numpy reads from it, wire
# type of one unpacked element: 5 fixed32, 1 fixed64, 0 varint).
_TYPED_FIELDS: dict[int, tuple[frozenset[int], int]] = {
    5: (frozenset({tensor_pb2.DT_FLOAT}), 5),
    6: (frozenset({tensor_pb2.DT_DOUBLE}), 1),
    7: (decode.INT_VAL_TYPES, 0),
    10: (frozenset({tensor_pb2.DT_INT64}), 0),
    11: (frozenset({tensor_pb2.DT_BOOL}), 0),
    13: (frozenset({tensor_pb2.DT_HALF, tensor_pb2.DT_BFLOAT16}), 0),
}
_FIXED_WIDTH = {5: 4, 1: 8}


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise ValueError("bad varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def _fields(buf: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """(field number, wire type, value start, value end) of each field in buf[start:end]."""
    out = []
    pos = start
    while pos < end:
        key, pos = _varint(buf, pos)
        fno, wt = key >> 3, key & 7
        if wt == 0:
            _, nxt = _varint(buf, pos)
        elif wt == 1:
            nxt = pos + 8
        elif wt == 2:
            ln, pos = _varint(buf, pos)
            nxt = pos + ln
        elif wt == 5:
            nxt = pos + 4
        else:
            raise ValueError("unsupported wire type")
        if nxt > end:
            raise ValueError("field overruns message")
        out.append((fno, wt, pos, nxt))
        pos = nxt
    return out


def _unique_fields(fields: list[tuple[int, int, int, int]]) -> bool:
    """Protobuf merges repeated occurrences of a field (last scalar wins); such records are left to it."""
    return len({f[0] for f in fields}) == len(fields)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the variable spans of one scalar event layout sit, as offsets into the payload.

    Everything outside the spans is constant for the layout: field keys, lengths, dtype, metadata.
    """

    length: int
    wall: int  # the 8-byte wall time, or -1 when absent (0.0)
    step: int  # the step varint, or -1 when absent (0)
    step_len: int
    tag: int  # the tag's bytes (tag_len of them; 0 when the tag is empty)
    tag_len: int
    value: int  # the value's bytes
    value_len: int
    value_varint: bool  # the value is a varint (int_val, int64_val, bool_val, half_val)
    dtype: int  # the TensorProto DataType of the value (DT_FLOAT for simple_value)
    kind: int  # LEGACY, TENSOR_MD or TENSOR
    metadata: decode.Metadata | None  # what the records' own metadata says, if they carry any
    # (byte offset, mask) of each 8-byte word that holds constant bytes, the mask selecting them
    fixed: tuple[tuple[int, int], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        variable = np.zeros(-(-self.length // 8) * 8, dtype=bool)
        variable[self.length :] = True  # past the payload: the CRC and the next record
        if self.wall >= 0:
            variable[self.wall : self.wall + 8] = True
        if self.step >= 0:
            variable[self.step : self.step + self.step_len] = True
        variable[self.tag : self.tag + self.tag_len] = True
        variable[self.value : self.value + self.value_len] = True
        masks = np.where(variable, 0, 0xFF).astype(np.uint8).view("<u8").tolist()
        object.__setattr__(self, "fixed", tuple((8 * j, m) for j, m in enumerate(masks) if m))

    @property
    def wide(self) -> bool:
        """Whether the written dtype needs float64 to be stored exactly (see decode.is_wide)."""
        return decode.is_wide(decode.NUMPY_DTYPES[self.dtype])


def build_layout(payload: bytes) -> Layout | None:
    """The layout of ``payload`` if it is a single-scalar event the column path can decode.

    Never raises: anything it cannot read (bad varints, metadata protobuf rejects) is left to the
    protobuf path, which reports or skips it.
    """
    try:
        return _build(payload)
    except Exception:
        return None


def _build(p: bytes) -> Layout | None:
    wall = step = -1
    step_len = 0
    summary = None
    top = _fields(p, 0, len(p))
    if not _unique_fields(top):
        return None
    for fno, wt, s, e in top:
        if fno == 1 and wt == 1:
            wall = s
        elif fno == 2 and wt == 0:
            step, step_len = s, e - s
        elif fno == 5 and wt == 2:
            summary = (s, e)
        elif fno == 10 and wt == 2:
            pass  # source_metadata: constant bytes, part of the layout
        else:
            return None
    if summary is None or step_len > 10:
        return None
    vals = _fields(p, *summary)
    if len(vals) != 1 or vals[0][0] != 1 or vals[0][1] != 2:
        return None
    inner = _fields(p, vals[0][2], vals[0][3])
    if not _unique_fields(inner):
        return None
    tag, tag_len = 0, 0
    meta = simple = tensor = None
    for fno, wt, s, e in inner:
        if fno == 1 and wt == 2:
            tag, tag_len = s, e - s
        elif fno == 9 and wt == 2:
            meta = (s, e)
        elif fno == 2 and wt == 5:
            simple = s
        elif fno == 8 and wt == 2:
            tensor = (s, e)
        elif fno == 7 and wt == 2:
            pass  # node_name: constant bytes
        else:
            return None
    metadata = None
    if meta is not None:
        metadata = decode.Metadata.from_proto(summary_pb2.SummaryMetadata.FromString(p[meta[0] : meta[1]]))
    common = (len(p), wall, step, step_len, tag, tag_len)
    if simple is not None:
        if tensor is not None:
            return None
        return Layout(*common, simple, 4, False, tensor_pb2.DT_FLOAT, LEGACY, metadata)
    if tensor is None or tag_len == 0:
        return None  # an empty tag on a tensor is replaced by node_name: left to protobuf
    if metadata is not None and metadata.plugin != decode.SCALARS:
        return None
    kind = TENSOR if metadata is None else TENSOR_MD
    fields = _fields(p, *tensor)
    if not _unique_fields(fields):
        return None
    dtype = 0
    value: tuple[int, int, int, int] | None = None
    for fno, wt, s, e in fields:
        if fno == 1 and wt == 0:
            dtype = _varint(p, s)[0]
        elif fno == 2 and wt == 2:
            if e != s:  # a non-empty shape: not rank 0
                return None
        elif fno == 3 and wt == 0:
            pass  # version_number
        elif value is None and (fno == 4 or fno in _TYPED_FIELDS):
            value = (fno, wt, s, e)
        else:
            return None
    if value is None:
        return None
    fno, wt, s, e = value
    if fno == 4:  # tensor_content: exactly one element of the dtype
        np_dt = _CONTENT_DTYPES.get(dtype)
        if wt != 2 or np_dt is None or e - s != np_dt.itemsize:
            return None
        return Layout(*common, s, e - s, False, dtype, kind, metadata)
    dtypes, elem_wt = _TYPED_FIELDS[fno]
    if dtype not in dtypes:
        return None  # tensor_to_numpy would read another field (and find nothing)
    if elem_wt == 0:
        # One varint, packed (wire type 2) or not. half_val holds 16-bit patterns: anything
        # longer than 3 bytes is not one, and is left to protobuf.
        if wt not in (0, 2) or not 1 <= e - s <= (3 if fno == 13 else 10):
            return None
        return Layout(*common, s, e - s, True, dtype, kind, metadata)
    width = _FIXED_WIDTH[elem_wt]
    if not (wt == elem_wt or (wt == 2 and e - s == width)):
        return None
    return Layout(*common, s, width, False, dtype, kind, metadata)


def _field(rows: RowBlock, offset: int) -> np.ndarray:
    """The little-endian uint64 at byte ``offset`` of every row (a copy)."""
    return rows.word(offset)


def _varint_words(lo: np.ndarray, hi: np.ndarray | None, k: int) -> np.ndarray:
    """The value of k-byte varints whose bytes start ``lo`` (and go on in ``hi`` past 8)."""
    v = lo & 0x7F
    for i in range(1, min(k, 8)):
        v |= ((lo >> (8 * i)) & 0x7F) << (7 * i)
    for i in range(8, k):
        assert hi is not None
        v |= ((hi >> (8 * (i - 8))) & 0x7F) << (7 * i)  # bits past the 64th fall off, as in protobuf
    return v


def _varint_valid(lo: np.ndarray, hi: np.ndarray | None, k: int) -> np.ndarray:
    """Which k-byte spans are exactly one varint: continuation bits on all bytes but the last."""
    m = sum(0x80 << (8 * i) for i in range(min(k, 8)))
    want = sum(0x80 << (8 * i) for i in range(min(k, 8) - (k <= 8)))
    ok = (lo & m) == want
    if k == 9:
        assert hi is not None
        ok &= (hi & 0x80) == 0
    elif k == 10:
        assert hi is not None
        ok &= (hi & 0x80 != 0) & (((hi >> 8) & 0xFF) <= 1)  # nothing past the 64th bit
    return ok


def _read_varint(rows: RowBlock, offset: int, k: int) -> tuple[np.ndarray, np.ndarray | None]:
    return _field(rows, offset), (_field(rows, offset + 8) if k > 8 else None)


def _values(rows: RowBlock, lay: Layout) -> np.ndarray:
    """The layout's values as float64, exactly as decode_value gives them."""
    dt = lay.dtype
    if lay.value_varint:
        u = _varint_words(*_read_varint(rows, lay.value, lay.value_len), lay.value_len)
        if dt == tensor_pb2.DT_BOOL:
            typed = u != 0
        elif dt == tensor_pb2.DT_INT64:
            typed = u.view(np.int64)
        elif dt in (tensor_pb2.DT_HALF, tensor_pb2.DT_BFLOAT16):
            bits = u.astype(np.uint16)
            typed = bits.view(np.float16) if dt == tensor_pb2.DT_HALF else decode.bfloat16_to_f32(bits)
        else:  # int_val: protobuf's int32, then tensor_to_numpy's cast to the dtype
            typed = u.astype(np.uint32).view(np.int32).astype(decode.NUMPY_DTYPES[dt])
    else:
        x = _field(rows, lay.value)
        np_dt = decode.NUMPY_DTYPES[dt]
        typed = x if lay.value_len == 8 else x.astype(_UINT[lay.value_len])
        typed = typed.view(np_dt)
        if dt == tensor_pb2.DT_BFLOAT16:
            typed = decode.bfloat16_to_f32(typed)
    return decode.scalar_values(typed)


_UINT = {1: np.dtype(np.uint8), 2: np.dtype(np.uint16), 4: np.dtype(np.uint32)}

# Tag keys longer than 8 bytes are two independent 64-bit hashes: one groups the rows, the other
# checks every row against its group (a pair of distinct tags would have to collide in both,
# about 2^-128). Per-process random multipliers keep anyone from crafting tags that collide.
_SEEDS = (np.frombuffer(os.urandom(32), dtype=np.uint64) | np.uint64(1)).tolist()
# Rows whose distinct keys are looked up first; keys missing among them make one full sort.
_SAMPLE = 4096


def _hash(tag_words: list[np.ndarray], a: int, b: int) -> np.ndarray:
    h = tag_words[0] * a
    for w in tag_words[1:]:
        h = (h ^ (h >> 29) ^ w) * b
    return h ^ (h >> 32)


def _distinct(a: np.ndarray) -> np.ndarray:
    """The sorted distinct values of ``a`` (np.unique would import numpy.ma: 0.1 s at startup)."""
    s = np.sort(a)
    return s[np.concatenate(([True], s[1:] != s[:-1]))]


def _dense_ids(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(one row per distinct key, each row's key id), without sorting every row when keys repeat."""
    distinct = _distinct(keys[:_SAMPLE])
    pos = np.minimum(np.searchsorted(distinct, keys), len(distinct) - 1)
    if len(keys) > _SAMPLE and not (distinct[pos] == keys).all():
        distinct = _distinct(keys)
        pos = np.searchsorted(distinct, keys)
    rep = np.empty(len(distinct), dtype=np.int64)
    rep[pos] = np.arange(len(keys))
    return rep, pos


def _tag_groups(rows: RowBlock, lay: Layout) -> tuple[np.ndarray, np.ndarray]:
    """Group rows by their tag bytes: (one row per distinct tag, each row's group)."""
    n, width = len(rows), lay.tag_len
    if width == 0:
        return np.zeros(1, np.int64), np.zeros(n, np.int64)
    tw = [_field(rows, lay.tag + 8 * j) for j in range(-(-width // 8))]
    if width % 8:
        tw[-1] &= (1 << (8 * (width % 8))) - 1
    period = _tag_period(tw)
    if period:
        # Every row has the tag of the row ``period`` before it (checked word by word above), so
        # only the first period's rows need grouping.
        rep, first_ids = _group_words([w[:period] for w in tw], rows.head(period), lay)
        return rep, np.tile(first_ids, -(-n // period))[:n]
    return _group_words(tw, rows, lay)


def _tag_period(tag_words: list[np.ndarray]) -> int:
    """The distance at which the rows' tags repeat exactly (a writer logging the same tags in the
    same order every step), or 0 when they do not: the first recurrence of row 0's tag within
    _SAMPLE rows, confirmed for every row by comparing the tag words themselves."""
    head = [w[: _SAMPLE + 1] for w in tag_words]
    same = head[0] == head[0][0]
    for w in head[1:]:
        same &= w == w[0]
    same[0] = False
    hits = np.flatnonzero(same)
    if not len(hits):
        return 0
    period = int(hits[0])
    for w in tag_words:
        if not np.array_equal(w[period:], w[:-period]):
            return 0
    return period


def _group_words(tw: list[np.ndarray], rows: RowBlock, lay: Layout) -> tuple[np.ndarray, np.ndarray]:
    """Group rows by their tag words ``tw``: by value for one word, else by a 64-bit hash checked
    against a second independent one, and by the bytes themselves if two tags share the first."""
    if len(tw) == 1:
        return _dense_ids(tw[0])
    rep, ids = _dense_ids(_hash(tw, *_SEEDS[:2]))
    check = _hash(tw, *_SEEDS[2:])
    if (check == check[rep][ids]).all():
        return rep, ids
    width = lay.tag_len
    spans = np.ascontiguousarray(rows.matrix[:, lay.tag : lay.tag + width])
    _, rep, ids = np.unique(spans.view(f"V{width}").ravel(), return_index=True, return_inverse=True)
    return rep, ids.ravel()


def _match(rows: RowBlock, lay: Layout) -> np.ndarray:
    """Which rows have the layout of row 0: its constant bytes, and well-formed varints."""
    diff = np.zeros(len(rows), dtype=np.uint64)
    tmp = np.empty(len(rows), dtype=np.uint64)
    for off, m in lay.fixed:
        col = rows.word(off, copy=False)
        np.bitwise_xor(col, col[0], out=tmp)
        np.bitwise_and(tmp, m, out=tmp)
        np.bitwise_or(diff, tmp, out=diff)
    hit = diff == 0
    if lay.step >= 0:
        hit &= _varint_valid(*_read_varint(rows, lay.step, lay.step_len), lay.step_len)
    if lay.value_varint:
        hit &= _varint_valid(*_read_varint(rows, lay.value, lay.value_len), lay.value_len)
    return hit


@dataclass(slots=True)
class Columns:
    """The scalar events of one batch of records that fit a layout, one entry per record.

    ``index`` says which records (positions in the batch, ascending); ``tag_id`` indexes ``tags``
    and ``layout_id`` indexes ``layouts``; values are float64 as ``float(x)`` gives them.
    """

    index: np.ndarray
    tag_id: np.ndarray
    steps: np.ndarray
    wall_times: np.ndarray
    values: np.ndarray
    layout_id: np.ndarray
    tags: list[str]
    layouts: list[Layout]

    @classmethod
    def empty(cls) -> Columns:
        i = np.empty(0, np.int64)
        f = np.empty(0, np.float64)
        return cls(i, i.astype(np.int32), i, f, f, i.astype(np.int32), [], [])

    def __len__(self) -> int:
        return len(self.index)


def decode_columns(
    arr: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    data: bytes,
    blocks: dict[int, RowBlock] | None = None,
) -> tuple[Columns, np.ndarray]:
    """Decode every record that fits a scalar layout.

    ``arr`` is ``data`` as uint8; ``starts``/``lengths`` locate the payloads in it; ``blocks``, the
    rows the CRC check gathered by length (``Frames.blocks``: every length up to _MAX_LENGTH held
    by more than one record), saves grouping and gathering them again. Returns the columns and a
    bool mask of the records left for the protobuf path.
    """
    n_all = len(starts)
    rest = np.ones(n_all, dtype=bool)
    if not n_all:
        return Columns.empty(), rest
    table = decode.TagTable()
    layouts: list[Layout] = []
    # Each layout's rows as they come (record indices ascending within each), merged at the end:
    # a batch of one layout, the usual case, is returned as decoded, without a scatter into
    # batch-sized columns and a gather back out of them.
    parts: list[tuple[np.ndarray, ...]] = []
    # Group by length (lengths past _MAX_LENGTH all land in one last group, left to protobuf). The
    # CRC check's blocks are those groups already, each with its rows (records it left out, alone
    # of their length or too long, are protobuf's anyway).
    if blocks is not None:
        groups = [(length, b.index) for length, b in blocks.items() if b.index is not None]
    else:
        groups = length_groups(lengths, _MAX_LENGTH + 1)
    for length, group in groups:
        if len(group) < _MIN_GROUP or length > _MAX_LENGTH:
            continue
        block = blocks.get(length) if blocks else None
        if block is None or block.index is not group:
            block = RowBlock.gather(arr, starts[group], length)
        pending = np.arange(len(group))
        tried = failed = 0
        while len(pending) and tried < _MAX_LAYOUTS_PER_LENGTH and failed < _MAX_FAILED_PER_LENGTH:
            lay = build_layout(block.row(int(pending[0])))
            if lay is None:
                failed += 1
                pending = pending[1:]
                continue
            tried += 1
            rows = block if len(pending) == len(block) else block.take(pending)
            hit = _match(rows, lay)
            if hit.all():
                where, pending = group[pending], pending[:0]
            else:
                where, rows, pending = group[pending[hit]], rows.take(hit), pending[~hit]
            # Tags: one Python decode per distinct tag; rows whose tag is not UTF-8 stay for
            # protobuf (which rejects them too: its string fields must be valid UTF-8).
            rep, ids = _tag_groups(rows, lay)
            local = np.empty(len(rep), dtype=np.int32)
            for k, r in enumerate(rep.tolist()):
                local[k] = table.id(rows.row(r, lay.tag, lay.tag + lay.tag_len))
            tid_rows = local[ids]
            if (local < 0).any():
                good = tid_rows >= 0
                where, rows, tid_rows = where[good], rows.take(good), tid_rows[good]
                if not len(rows):
                    continue
            n = len(where)
            walls = _field(rows, lay.wall).view("<f8") if lay.wall >= 0 else np.zeros(n, np.float64)
            if lay.step >= 0:
                lo, hi = _read_varint(rows, lay.step, lay.step_len)
                steps = _varint_words(lo, hi, lay.step_len).view(np.int64)
            else:
                steps = np.zeros(n, np.int64)
            layout_id = np.full(n, len(layouts), np.int32)
            parts.append((where, tid_rows, steps, walls, _values(rows, lay), layout_id))
            layouts.append(lay)
            rest[where] = False
    if not parts:
        return Columns.empty(), rest
    if len(parts) == 1:
        merged = parts[0]
    else:  # each part ascending: a stable sort of their concatenation merges them
        merged = tuple(np.concatenate(c) for c in zip(*parts, strict=True))
        order = np.argsort(merged[0], kind="stable")
        merged = tuple(c[order] for c in merged)
    index, tag_id, steps, walls, values, layout_id = merged
    return Columns(index, tag_id, steps, walls, values, layout_id, table.tags, layouts), rest
