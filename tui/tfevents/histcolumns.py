"""Decode legacy histogram events (``Summary.Value.histo``) in batches, without protobuf per record.

tensorboardX, torch and TF 1.x write a histogram as
``Event{1 wall_time, 2 step, 5 summary{1 value{1 tag, 5 histo{1 min, 2 max, 3 num, 4 sum,
5 sum_squares, 6 bucket_limit, 7 bucket}}}}`` with the two repeated fields packed. Unlike scalar
events these records share no fixed byte layout (their length follows the number of populated
buckets), so :mod:`columnar`'s layout matching cannot take them. Instead every candidate record is
*walked* field by field in lockstep: each step reads one field key and its length at every
record's current position with a few numpy operations over all records at once, so a batch of
records costs a few dozen numpy calls however many there are. The bucket arrays are then gathered
as one column, and TensorBoard's migration (``data_compat._migrate_histogram_value``: drop the
empty buckets at both ends, use min and max as the outer edges, float32) is applied to all
histograms at once by :func:`decode.legacy_rows`.

Anything the walk does not recognise exactly (another field, a field repeated, a wire type
protobuf would not read as that field, unpacked or unequal bucket arrays, a tag that is not UTF-8,
metadata) is left to the protobuf path, so the result equals parsing every record with protobuf
and decoding it with ``decode.decode_value``; tests/model/test_columnar_equivalence.py checks that,
and the rows against TensorBoard's own migration.

TF2's ``tf.summary.histogram`` writes a ``[k, 3]`` tensor instead (``8 tensor{1 dtype, 2 shape,
4 tensor_content | 5 float_val | 6 double_val}``, plugin ``histograms`` in ``9 metadata`` on every
event or on a tag's first only). :func:`decode_tensor_histograms` walks those the same way; the
rows are the tensor's values as ``tf.make_ndarray`` gives them, in the written dtype (float32 or
float64, as ``decode.tensor_histogram`` keeps them). Whether a record without metadata is a
histogram depends on its tag's first metadata, which the caller knows (see ``model.ingest``):
each entry says which metadata its own record carried, if any.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tui.tfevents import decode
from tui.tfevents.proto import summary_pb2, tensor_pb2
from tui.tfevents.records import u64_at

# Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.
_EVENT = {1: 1, 2: 0, 5: 2}  # wall_time, step, summary
_SUMMARY = {1: 2}  # value (exactly one)
_VALUE = {1: 2, 5: 2}  # tag, histo
_TENSOR_VALUE = {1: 2, 8: 2, 9: 2}  # tag, tensor, metadata
_TENSOR = {1: 0, 2: 2, 3: 0, 4: 2, 5: 2, 6: 2}  # dtype, shape, version, content, float_val, double_val
# The tensor dtypes a histogram is read in without protobuf: (typed field, numpy dtype).
_TENSOR_DTYPES = {tensor_pb2.DT_FLOAT: (5, np.dtype("<f4")), tensor_pb2.DT_DOUBLE: (6, np.dtype("<f8"))}
_HISTO = {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 2, 7: 2}  # min, max, num, sum, sum_squares, limits, counts
# Shortest record worth walking: a histogram event is far longer; headers and the like are not.
_MIN_LENGTH = 24


@dataclass(slots=True)
class HistogramColumns:
    """Histogram events of one batch: one entry per record, buckets packed TensorBoard's way.

    ``index`` says which records (positions in the batch); entries are grouped by ``tag_id`` (which
    indexes ``tags``), in file order within a tag, so each tag's histograms are one slice. Entry
    i's ``[k, 3]`` float32 (left, right, count) rows are ``rows[offsets[i]:offsets[i+1]]``.
    """

    index: np.ndarray
    tag_id: np.ndarray
    steps: np.ndarray
    wall_times: np.ndarray
    offsets: np.ndarray
    rows: np.ndarray
    tags: list[str]
    #: Tensor histograms only: per entry, the index in ``metadata`` of the metadata its own record
    #: carried, -1 for none (legacy histograms carry none: they are all -1).
    md_id: np.ndarray | None = None
    metadata: list[decode.Metadata] = field(default_factory=list)

    @classmethod
    def empty(cls) -> HistogramColumns:
        i = np.empty(0, np.int64)
        return cls(i, i.astype(np.int32), i, i.astype(np.float64), np.zeros(1, np.int64), _NO_ROWS, [])

    def __len__(self) -> int:
        return len(self.index)

    def own_metadata(self) -> np.ndarray:
        """Per entry, the index in ``metadata`` of its record's own metadata, -1 for none."""
        return self.md_id if self.md_id is not None else np.full(len(self), -1, np.int64)

    def select(self, keep: np.ndarray) -> HistogramColumns:
        """The entries where ``keep`` holds, their rows packed (self when all are kept)."""
        if keep.all():
            return self
        items = np.flatnonzero(keep)
        offsets, rows = take_rows(self.offsets, self.rows, items)
        md = self.md_id[items] if self.md_id is not None else None
        return HistogramColumns(
            self.index[items],
            self.tag_id[items],
            self.steps[items],
            self.wall_times[items],
            offsets,
            rows,
            self.tags,
            md,
            self.metadata,
        )


def take_rows(offsets: np.ndarray, rows: np.ndarray, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``items`` (indices into ``offsets``), packed: (their offsets, their rows)."""
    sizes = offsets[items + 1] - offsets[items]
    off = np.zeros(len(items) + 1, np.int64)
    np.cumsum(sizes, out=off[1:])
    if len(items) == len(offsets) - 1 and (items == np.arange(len(items))).all():
        return off, rows[: off[-1]]
    idx = np.repeat(offsets[items] - off[:-1], sizes) + np.arange(int(off[-1]))
    return off, rows[idx]


_NO_ROWS = np.zeros((0, 3), np.float32)


def _varints(arr: np.ndarray, pos: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The varint at each ``pos``: (value as uint64, position after it, well formed and before ``end``).

    Bits past the 64th fall off, as protobuf reads them; a varint longer than 10 bytes is malformed.
    Byte by byte over the varints still going, so the usual one- or two-byte ones cost a few numpy
    calls in all.
    """
    last = len(arr) - 1
    b = arr[np.minimum(pos, last)]
    value = (b & 0x7F).astype(np.uint64)
    length = np.ones(len(pos), np.int64)
    going = np.flatnonzero(b >= 0x80)
    for j in range(1, 10):
        if not len(going):
            break
        b = arr[np.minimum(pos[going] + j, last)]
        value[going] |= (b & 0x7F).astype(np.uint64) << np.uint64(7 * j)
        length[going] += 1
        going = going[b >= 0x80]
    after = pos + length
    ok = after <= end
    ok[going] = False
    return value, after, ok


def _walk(
    arr: np.ndarray, start: np.ndarray, end: np.ndarray, spec: dict[int, int], usual: bool = False
) -> tuple[dict[int, tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """Walk the messages ``arr[start:end]`` in lockstep, allowing only the fields in ``spec``.

    Returns, per field number, the (value start, value end) of each message (-1 where absent; for a
    length-delimited field the bytes inside its length) and which messages were walked cleanly:
    every field in ``spec`` with its wire type, none twice, none overrunning its message. One
    round reads one field of every message still going, in about twenty numpy calls.

    ``usual``: writers write every field of ``spec``, in its order (a field is left out only when
    its value is the default, 0.0 or an empty tag), so messages laid out so are read first along
    that one path, a few numpy calls a field; the others are walked field by field.
    """
    if usual and len(start):
        spans, ok = _walk_in_order(arr, start, end, spec)
        if ok.all():
            return spans, ok
        odd = np.flatnonzero(~ok)
        found, ok[odd] = _walk(arr, start[odd], end[odd], spec, usual=False)
        for f, (s, e) in spans.items():
            s[odd], e[odd] = found[f]
        return spans, ok
    n = len(start)
    wire = np.full(32, -1, np.int64)  # a one-byte key holds a field number below 16
    for fno, wt in spec.items():
        wire[fno] = wt
    starts = np.full((16, n), -1, np.int64)
    ends = np.full((16, n), -1, np.int64)
    pos = start.copy()
    ok = np.ones(n, dtype=bool)
    live = np.arange(n)
    for _ in range(len(spec) + 1):
        live = live[ok[live] & (pos[live] < end[live])]
        if not len(live):
            break
        p, e = pos[live], end[live]
        key = arr[np.minimum(p, len(arr) - 1)].astype(np.int64)
        fno, wt = key >> 3, key & 7
        good = (key < 0x80) & (wire[fno] == wt)
        fno &= 15
        good &= starts[fno, live] < 0  # a field seen before: protobuf would merge, we do not
        p += 1
        # The varint after the key: the value (wire type 0) or the length (2); unused otherwise.
        value = np.zeros(len(p), np.uint64)
        after, vok = p.copy(), np.ones(len(p), bool)
        var = np.flatnonzero((wt == 0) | (wt == 2))
        if len(var):
            value[var], after[var], vok[var] = _varints(arr, p[var], e[var])
        fixed = np.where(wt == 1, 8, 4)
        vs = np.where(wt == 2, after, p)
        length = np.where(vok & (value < (1 << 31)), value, 0).astype(np.int64)
        ve = np.where(wt == 0, after, np.where(wt == 2, after + length, p + fixed))
        good &= np.where((wt == 0) | (wt == 2), vok, True) & (ve <= e)
        good &= (wt != 2) | (value < (1 << 31))
        taken = live[good]
        starts[fno[good], taken] = vs[good]
        ends[fno[good], taken] = ve[good]
        ok[live[~good]] = False
        pos[taken] = ve[good]
    ok &= pos == end
    return {f: (starts[f], ends[f]) for f in spec}, ok


def _walk_in_order(
    arr: np.ndarray, start: np.ndarray, end: np.ndarray, spec: dict[int, int]
) -> tuple[dict[int, tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """:func:`_walk` for messages holding every field of ``spec`` once, in ``spec``'s order (the
    others are marked not ok): each field is read at the same place in every message, so a field
    costs a key comparison and its length, not a round of matching."""
    last = len(arr) - 1
    ok = np.ones(len(start), bool)
    pos = start
    spans: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for fno, wt in spec.items():
        ok &= (pos < end) & (arr[np.minimum(pos, last)] == (fno << 3 | wt))
        p = pos + 1
        if wt == 1 or wt == 5:
            vs, ve = p, p + (8 if wt == 1 else 4)
        else:
            value, after, vok = _varints(arr, p, end)
            ok &= vok
            if wt == 0:
                vs, ve = p, after
            else:
                ok &= value < (1 << 31)
                vs, ve = after, after + np.where(ok, value, 0).astype(np.int64)
        ok &= ve <= end
        spans[fno] = (vs, ve)
        pos = ve
    ok &= pos == end
    return {f: (np.where(ok, s, -1), np.where(ok, e, -1)) for f, (s, e) in spans.items()}, ok


def _f64(arr: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The little-endian double at each offset (0.0 where the offset is -1: the field is absent)."""
    out = np.zeros(len(at), np.float64)
    has = at >= 0
    if has.any():
        out[has] = _gather_f64(arr, at[has])
    return out


def decode_histograms(
    arr: np.ndarray, data: bytes, starts: np.ndarray, lengths: np.ndarray
) -> HistogramColumns:
    """Decode every record among ``starts``/``lengths`` that is a plain legacy histogram event.

    ``arr`` is ``data`` as uint8. ``HistogramColumns.index`` says which records were taken; the
    rest are left for the protobuf path (most of them are not histograms at all).
    """
    cand = np.flatnonzero(lengths >= _MIN_LENGTH)
    if not len(cand):
        return HistogramColumns.empty()
    s0 = starts[cand]
    e0 = s0 + lengths[cand]
    ev, ok = _walk(arr, s0, e0, _EVENT, usual=True)
    ok &= ev[5][0] >= 0
    keep = np.flatnonzero(ok)
    if not len(keep):
        return HistogramColumns.empty()
    cand = cand[keep]
    ev = {f: (a[keep], b[keep]) for f, (a, b) in ev.items()}
    summ, ok = _walk(arr, *ev[5], _SUMMARY, usual=True)
    ok &= summ[1][0] >= 0
    val, vok = _walk(arr, np.where(ok, summ[1][0], 0), np.where(ok, summ[1][1], 0), _VALUE, usual=True)
    ok &= vok & (val[1][0] >= 0) & (val[5][0] >= 0)
    his, hok = _walk(arr, np.where(ok, val[5][0], 0), np.where(ok, val[5][1], 0), _HISTO, usual=True)
    ok &= hok
    # Packed doubles only, as many bucket limits as counts (anything else: protobuf decides).
    n_lim = np.where(his[6][0] >= 0, his[6][1] - his[6][0], 0)
    n_cnt = np.where(his[7][0] >= 0, his[7][1] - his[7][0], 0)
    ok &= (n_lim % 8 == 0) & (n_lim == n_cnt)
    # Tags: a dict lookup per record, one UTF-8 decode per distinct tag (protobuf rejects the others).
    table = decode.TagTable()
    tag_id = np.full(len(cand), -1, np.int32)
    ts, te = val[1]
    for i in np.flatnonzero(ok).tolist():
        tag_id[i] = table.id(data[ts[i] : te[i]])
    take = np.flatnonzero(tag_id >= 0)
    if not len(take):
        return HistogramColumns.empty()
    take = take[np.argsort(tag_id[take], kind="stable")]  # grouped by tag, file order within
    elem = np.zeros(len(take) + 1, np.int64)
    np.cumsum(n_cnt[take] // 8, out=elem[1:])
    counts = _spans_f64(data, his[7][0][take], his[7][1][take])
    limits = _spans_f64(data, his[6][0][take], his[6][1][take])
    mins, maxs = _f64(arr, his[1][0][take]), _f64(arr, his[2][0][take])
    offsets, rows = decode.legacy_rows(mins, maxs, counts, limits, elem)
    steps = np.zeros(len(take), np.int64)
    st = ev[2][0][take]
    has_step = st >= 0
    if has_step.any():
        steps[has_step] = _varints(arr, st[has_step], ev[2][1][take][has_step])[0].view(np.int64)
    walls = _f64(arr, ev[1][0][take])
    return HistogramColumns(cand[take], tag_id[take], steps, walls, offsets, rows, table.tags)


def _spans_f64(data: bytes, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The packed doubles of every span ``data[start:end]``, one after another (a C-speed join)."""
    return np.frombuffer(
        b"".join([data[a:b] for a, b in zip(start.tolist(), end.tolist(), strict=True)]), "<f8"
    )


def _gather_f64(arr: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The little-endian double at each offset."""
    return u64_at(arr)[at].view("<f8")


def decode_tensor_histograms(
    arr: np.ndarray, data: bytes, starts: np.ndarray, lengths: np.ndarray
) -> list[HistogramColumns]:
    """Decode every record among ``starts``/``lengths`` that is a plain TF2 histogram tensor event.

    Taken: one ``Summary.Value`` with a non-empty tag, a FLOAT or DOUBLE tensor of shape ``[k, 3]``
    whose values are exactly ``3k`` of them in ``tensor_content`` or the dtype's packed field (or
    none at all: zeros, as ``tf.make_ndarray`` fills them), and either no metadata or metadata whose
    plugin is ``histograms``. One :class:`HistogramColumns` per dtype present (float32 rows for
    FLOAT, float64 for DOUBLE), entries grouped by tag; whether an entry without metadata is a
    histogram after all is the caller's to decide from its tag's first metadata.
    """
    cand = np.flatnonzero(lengths >= _MIN_LENGTH)
    if not len(cand):
        return []
    s0 = starts[cand]
    ev, ok = _walk(arr, s0, s0 + lengths[cand], _EVENT, usual=True)
    ok &= ev[5][0] >= 0
    keep = np.flatnonzero(ok)
    if not len(keep):
        return []
    cand = cand[keep]
    ev = {f: (a[keep], b[keep]) for f, (a, b) in ev.items()}
    summ, ok = _walk(arr, *ev[5], _SUMMARY, usual=True)
    ok &= summ[1][0] >= 0
    val, vok = _walk(arr, np.where(ok, summ[1][0], 0), np.where(ok, summ[1][1], 0), _TENSOR_VALUE)
    ok &= vok & (val[1][1] > val[1][0]) & (val[8][0] >= 0)
    ten, tok = _walk(arr, np.where(ok, val[8][0], 0), np.where(ok, val[8][1], 0), _TENSOR)
    ok &= tok & (ten[1][0] >= 0) & (ten[2][0] >= 0)
    dtypes = np.zeros(len(cand), np.int64)
    has = np.flatnonzero(ok)
    dtypes[has] = _varints(arr, ten[1][0][has], ten[1][1][has])[0].astype(np.int64)
    ok &= np.isin(dtypes, list(_TENSOR_DTYPES))
    # Per record in Python: the tag, the shape and the metadata, each decoded once per distinct bytes.
    table = decode.TagTable()
    shapes: dict[bytes, int] = {}
    metas: dict[bytes, int] = {}
    metadata: list[decode.Metadata] = []
    tag_id = np.full(len(cand), -1, np.int32)
    n_rows = np.zeros(len(cand), np.int64)
    md_id = np.full(len(cand), -1, np.int64)
    ts, te = val[1]
    (hs, he), (ms, me) = ten[2], val[9]
    for i in np.flatnonzero(ok).tolist():
        raw = data[hs[i] : he[i]]
        k = shapes.get(raw)
        if k is None:
            k = shapes[raw] = _histogram_rows(raw)
        if k < 0:
            continue
        if ms[i] >= 0:
            raw = data[ms[i] : me[i]]
            m = metas.get(raw)
            if m is None:
                m = metas[raw] = _histogram_metadata(raw, metadata)
            if m < 0:
                continue
            md_id[i] = m
        n_rows[i] = k
        tag_id[i] = table.id(data[ts[i] : te[i]])
    ok &= tag_id >= 0
    out = []
    for dtype, (typed, np_dt) in _TENSOR_DTYPES.items():
        # Where the values are: tensor_content when it is not empty, else the dtype's own field;
        # the other dtype's field is a record protobuf should read (tf.make_ndarray ignores it).
        other = ten[11 - typed]
        content = np.where(ten[4][0] >= 0, ten[4][1] - ten[4][0], 0)
        span = np.where(content > 0, 4, typed)
        src_s = np.where(span == 4, ten[4][0], ten[typed][0])
        src_e = np.where(span == 4, ten[4][1], ten[typed][1])
        size = np.where(src_s >= 0, src_e - src_s, 0)
        want = n_rows * 3 * np_dt.itemsize
        mine = ok & (dtypes == dtype) & ((size == want) | (size == 0)) & ((other[0] < 0) | (content > 0))
        take = np.flatnonzero(mine)
        if not len(take):
            continue
        take = take[np.argsort(tag_id[take], kind="stable")]  # grouped by tag, file order within
        offsets = np.zeros(len(take) + 1, np.int64)
        np.cumsum(n_rows[take], out=offsets[1:])
        pieces = [
            data[a:b] if b > a else bytes(w)
            for a, b, w in zip(src_s[take].tolist(), src_e[take].tolist(), want[take].tolist(), strict=True)
        ]
        rows = np.frombuffer(b"".join(pieces), np_dt).astype(np_dt.newbyteorder("="))  # (writable)
        steps = np.zeros(len(take), np.int64)
        st = ev[2][0][take]
        if (st >= 0).any():
            at = st >= 0
            steps[at] = _varints(arr, st[at], ev[2][1][take][at])[0].view(np.int64)
        out.append(
            HistogramColumns(
                cand[take],
                tag_id[take],
                steps,
                _f64(arr, ev[1][0][take]),
                offsets,
                rows.reshape(-1, 3),
                table.tags,
                md_id[take],
                metadata,
            )
        )
    return out


def _histogram_rows(shape: bytes) -> int:
    """k for a TensorShapeProto of ``[k, 3]``, -1 for any other shape (or bytes protobuf rejects)."""
    try:
        dims = [d.size for d in tensor_pb2.TensorShapeProto.FromString(shape).dim]
    except Exception:
        return -1
    return dims[0] if len(dims) == 2 and dims[1] == 3 and dims[0] >= 0 else -1


def _histogram_metadata(raw: bytes, metadata: list[decode.Metadata]) -> int:
    """Index of SummaryMetadata ``raw`` in ``metadata`` (appended) if its plugin is histograms, else -1."""
    try:
        md = decode.Metadata.from_proto(summary_pb2.SummaryMetadata.FromString(raw))
    except Exception:
        return -1
    if md.plugin != decode.HISTOGRAMS:
        return -1
    metadata.append(md)
    return len(metadata) - 1
