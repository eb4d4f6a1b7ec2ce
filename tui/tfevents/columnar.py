"""Decode scalar events column-wise, without a protobuf parse per record.

One writer logging one tag writes events that share a byte layout: the same field order, the same
tag bytes, the same metadata; only the wall time, the step and the value differ. So records of one
length are compared, as a byte matrix, against a *template* (a record parsed once, whose variable
fields' byte spans are known): rows that equal the template everywhere outside those spans are that
tag's scalar events, and their wall times, steps and values are sliced out as numpy columns. Records
that fit no template (histograms, text, headers, multi-value events...) are left to the protobuf
path. The result is identical to parsing every record; it is just done a column at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tui.tfevents import decode
from tui.tfevents.proto import event_pb2, tensor_pb2
from tui.tfevents.records import gather

# How many templates to try within one record length before giving the rest to protobuf.
_MAX_TEMPLATES_PER_LENGTH = 12
# Below this many records of one length a template is not worth building.
_MIN_GROUP = 8


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


@dataclass(slots=True)
class Template:
    """Where the variable fields of one scalar event layout sit, relative to the payload start."""

    length: int
    wall: int  # byte offset of the 8-byte wall time, or -1 when absent (0.0)
    step: int  # byte offset of the step varint, or -1 when absent (0)
    step_len: int
    value: int  # byte offset of the value bytes
    value_kind: str  # "f4" or "f8"
    tag: str
    metadata: decode.Metadata | None  # the metadata bytes carried by these records, if any
    legacy: bool  # simple_value (scalars plugin implied) rather than a tensor

    def variable_mask(self) -> np.ndarray:
        mask = np.zeros(self.length, dtype=bool)
        if self.wall >= 0:
            mask[self.wall : self.wall + 8] = True
        if self.step >= 0:
            mask[self.step : self.step + self.step_len] = True
        width = 4 if self.value_kind == "f4" else 8
        mask[self.value : self.value + width] = True
        return mask


def build_template(payload: bytes) -> Template | None:
    """Return the layout of ``payload`` if it is a single-scalar event we can decode by columns."""
    try:
        return _build(payload)
    except Exception:  # protobuf's DecodeError, bad varints, bad UTF-8: protobuf's path decides
        return None


def _build(p: bytes) -> Template | None:
    wall = step = -1
    step_len = 0
    summary = None
    for fno, wt, s, e in _fields(p, 0, len(p)):
        if fno == 1 and wt == 1:
            wall = s
        elif fno == 2 and wt == 0:
            step, step_len = s, e - s
        elif fno == 5 and wt == 2:
            summary = (s, e)
        elif fno == 10 and wt == 2:
            pass  # source_metadata: constant bytes, part of the template
        else:
            return None
    if summary is None:
        return None
    vals = _fields(p, *summary)
    if len(vals) != 1 or vals[0][0] != 1 or vals[0][1] != 2:
        return None
    value_span = vals[0][2:]
    tag_b = None
    meta_span = None
    simple = tensor = None
    for fno, wt, s, e in _fields(p, *value_span):
        if fno == 1 and wt == 2:
            tag_b = p[s:e]
        elif fno == 9 and wt == 2:
            meta_span = (s, e)
        elif fno == 2 and wt == 5:
            simple = s
        elif fno == 8 and wt == 2:
            tensor = (s, e)
        elif fno == 7 and wt == 2:
            pass  # node_name
        else:
            return None
    if tag_b is None:
        tag_b = b""
    # The template must be an Event protobuf accepts (a tag of valid UTF-8 and so on): rows that
    # match it differ only in numeric fields, so they are then exactly what protobuf would read.
    ev = event_pb2.Event.FromString(p)
    tag = ev.summary.value[0].tag
    metadata = None
    if meta_span is not None:
        metadata = decode.Metadata.from_proto(ev.summary.value[0].metadata)
    if simple is not None and tensor is None:
        return Template(len(p), wall, step, step_len, simple, "f4", tag, metadata, True)
    if tensor is None or simple is not None:
        return None
    if metadata is None or metadata.plugin != decode.SCALARS:
        # Whether a tensor is a scalar depends on its tag's first metadata; only records that
        # carry scalar metadata themselves are safe to decode without looking that up.
        return None
    dtype = None
    value = -1
    kind = ""
    for fno, wt, s, e in _fields(p, *tensor):
        if fno == 1 and wt == 0:
            dtype, _ = _varint(p, s)
        elif fno == 2 and wt == 2:
            if e != s:  # a non-empty shape: not rank 0
                return None
        elif fno == 4 and wt == 2:
            value, kind = s, f"f{e - s}"
        elif (fno == 5 and wt == 2 and e - s == 4) or (fno == 5 and wt == 5):
            value, kind = s, "f4"
        elif (fno == 6 and wt == 2 and e - s == 8) or (fno == 6 and wt == 1):
            value, kind = s, "f8"
        elif fno == 3 and wt == 0:
            pass  # version_number
        else:
            return None
    if value < 0 or kind not in ("f4", "f8"):
        return None
    if (dtype, kind) not in ((tensor_pb2.DT_FLOAT, "f4"), (tensor_pb2.DT_DOUBLE, "f8")):
        return None
    return Template(len(p), wall, step, step_len, value, kind, tag, metadata, False)


@dataclass(slots=True)
class ScalarColumns:
    """Scalar points of one tag decoded from one batch, in file order (by ordinal)."""

    tag: str
    ordinals: np.ndarray
    steps: np.ndarray
    wall_times: np.ndarray
    values: np.ndarray
    metadata: decode.Metadata | None
    legacy: bool


def _varint_column(cols: np.ndarray) -> np.ndarray:
    """Decode a (n, k) matrix of k-byte varints into int64 (two's complement for negatives)."""
    acc = np.zeros(len(cols), dtype=np.uint64)
    for i in range(cols.shape[1]):
        acc |= (cols[:, i].astype(np.uint64) & np.uint64(0x7F)) << np.uint64(7 * i)
    return acc.view(np.int64)


def decode_columns(
    arr: np.ndarray, starts: np.ndarray, lengths: np.ndarray, ordinals: np.ndarray, data: bytes
) -> tuple[list[ScalarColumns], np.ndarray]:
    """Decode every record that fits a scalar template.

    Returns the per-template columns and a bool mask of the records left for the protobuf path.
    """
    rest = np.ones(len(starts), dtype=bool)
    out: list[ScalarColumns] = []
    if not len(starts):
        return out, rest
    order = np.argsort(lengths, kind="stable")
    bounds = np.flatnonzero(np.diff(lengths[order])) + 1
    for group in np.split(order, bounds):
        if len(group) < _MIN_GROUP:
            continue
        length = int(lengths[group[0]])
        if length > 1024:
            continue
        rows = gather(arr, starts[group], length)
        left = np.ones(len(group), dtype=bool)
        tried = 0
        failed_first: set[int] = set()
        while left.any() and tried < _MAX_TEMPLATES_PER_LENGTH:
            idx = int(np.argmax(left))
            tried += 1
            s = int(starts[group[idx]])
            tpl = build_template(data[s : s + length])
            if tpl is None:
                failed_first.add(idx)
                left[idx] = False
                continue
            fixed = ~tpl.variable_mask()
            match = left & (rows[:, fixed] == rows[idx, fixed]).all(axis=1)
            if tpl.step >= 0 and tpl.step_len > 1:
                cont = rows[:, tpl.step : tpl.step + tpl.step_len - 1]
                match &= (cont & 0x80).all(axis=1)
                match &= (rows[:, tpl.step + tpl.step_len - 1] & 0x80) == 0
            elif tpl.step >= 0:
                match &= (rows[:, tpl.step] & 0x80) == 0
            sel = rows[match]
            n = len(sel)
            wall = (
                sel[:, tpl.wall : tpl.wall + 8].copy().view("<f8").ravel()
                if tpl.wall >= 0
                else np.zeros(n, dtype=np.float64)
            )
            step = (
                _varint_column(sel[:, tpl.step : tpl.step + tpl.step_len])
                if tpl.step >= 0
                else np.zeros(n, dtype=np.int64)
            )
            width = 4 if tpl.value_kind == "f4" else 8
            val = sel[:, tpl.value : tpl.value + width].copy().view("<" + tpl.value_kind).ravel()
            gidx = group[match]
            out.append(
                ScalarColumns(
                    tpl.tag, ordinals[gidx], step, wall, val.astype(np.float64), tpl.metadata, tpl.legacy
                )
            )
            rest[gidx] = False
            left &= ~match
        # Records whose template failed go to protobuf (rest stays True for them).
        for idx in failed_first:
            rest[group[idx]] = True
    return out, rest
