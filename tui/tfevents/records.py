"""Resumable TFRecord framing: find, check and hand out the records of one event file.

A record is ``u64 length · u32 masked_crc(length) · data · u32 masked_crc(data)``; there is no
header, index or footer, so finding where each record starts is the one sequential step. Everything
after that (CRC checks, decoding) works on numpy arrays of record offsets.

Rules (see FORMAT.md):
- a record whose bytes are not all on disk yet is normal while a writer runs: stop before it and
  resume from its first byte when the file grows;
- a bad *length* CRC means nothing after it can be framed: keep what came before, report the file
  as damaged and read no further;
- a bad *data* CRC damages one record only: report it, skip it, go on. (TensorBoard stops reading
  the file there; we keep the intact records after it.)
- a length no Event can have (over 2 GiB, protobuf's limit) is damage too, not a record to wait for;
- a record cut short is a problem whatever its size. While it waits, it costs one ``stat`` per look:
  the reader remembers the file's size and mtime and the length the record needs, and reads nothing
  until the file has grown enough to hold it;
- a file is known by its identity (device, inode, and a hash of its first record): when that changes,
  or the file shrinks, the reader stops and says why in :attr:`RecordReader.replaced`, so the model
  can read the run again from the start instead of mixing two files' records.
"""

from __future__ import annotations

import functools
import itertools
import os
import struct
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from tui.tfevents import crc

try:  # the file identity's hash; hashlib would load OpenSSL too (3 ms at every start) for it
    from _blake2 import blake2b
except ImportError:  # (another Python: hashlib has it all the same)
    from hashlib import blake2b

HEADER = 12  # u64 length + u32 length CRC
FOOTER = 4  # u32 data CRC
_U64 = struct.Struct("<Q")

# Records up to this size have their data CRCs checked in bulk, as equal-length byte matrices.
_BULK_CRC_MAX = 4096
# Record lengths looked at to guess a repeating pattern (and records walked between guesses).
_PERIOD_WINDOW = 48
# Records predicted at once by that guess.
_MAX_PREDICTED = 8192
# How much a single read takes from the file; bounded so peak memory stays small on huge files.
DEFAULT_CHUNK = 4 << 20
# Protobuf cannot parse a message of 2 GiB or more, so a longer record is damage, not data to wait for.
MAX_RECORD = (1 << 31) - 1
# A file's identity includes a hash of its first record's bytes, at most this many of them.
_HEAD_BYTES = 4096
# Problems kept per file; the rest are counted (a file of a million bad records must not make a
# million strings).
MAX_PROBLEMS = 20
# An incomplete record whose file has not changed for this long is no longer being written.
STALE_SECONDS = 600.0
VANISHED = "file vanished or became unreadable"


def gather(arr: np.ndarray, offsets: np.ndarray, width: int) -> np.ndarray:
    """Rows ``arr[o:o+width]`` for each offset, as a (len(offsets), width) uint8 matrix.

    Records of one length written one after another lie a fixed distance apart (``width`` plus
    the framing): each such run is copied as one strided view, row after row with no index. Other
    offsets index a sliding-window *view*, which copies only the selected bytes; building an index
    matrix instead would cost 8 bytes of int64 per byte gathered. (The view is made directly:
    numpy's sliding_window_view costs a tenth of a millisecond a call in argument checks.)
    """
    if not len(offsets) or len(arr) < width:
        return np.empty((0, width), dtype=np.uint8)
    step = width + HEADER + FOOTER
    runs = _runs(offsets, step)
    if runs is not None:
        out = np.empty((len(offsets), width), np.uint8)
        for a, z in runs:
            out[a:z] = np.ndarray(
                (z - a, width), np.uint8, buffer=arr, offset=int(offsets[a]), strides=(step, 1)
            )
        return out
    windows = np.ndarray((len(arr) - width + 1, width), dtype=np.uint8, buffer=arr, strides=(1, 1))
    return windows[offsets]


def u32s_at(arr: np.ndarray, offsets: np.ndarray, step: int) -> np.ndarray:
    """The little-endian u32 at each offset, as :func:`gather` reads rows: runs of offsets ``step``
    apart (records of one length, one after another) as strided views, the others by index."""
    runs = _runs(offsets, step)
    if runs is None:
        return u32_at(arr)[offsets]
    out = np.empty(len(offsets), np.uint32)
    for a, z in runs:
        out[a:z] = np.ndarray((z - a,), dtype="<u4", buffer=arr, offset=int(offsets[a]), strides=(step,))
    return out


def _runs(offsets: np.ndarray, step: int) -> list[tuple[int, int]] | None:
    """``[a, z)`` bounds of the runs of ``offsets`` that go up by ``step``, when there are few
    (a row in 32 or less starts one); None when indexing row by row is as good."""
    n = len(offsets)
    if n < 64:
        return None
    jumps = np.flatnonzero(np.diff(offsets) != step)
    if len(jumps) * 32 > n:
        return None
    bounds = [0, *(jumps + 1).tolist(), n]
    return list(itertools.pairwise(bounds))


def u64_at(buf: bytes | np.ndarray) -> np.ndarray:
    """A view of ``buf`` whose element i is the little-endian u64 at byte i (unaligned, no copy)."""
    return np.ndarray((max(len(buf) - 7, 0),), dtype="<u8", buffer=buf, strides=(1,))


def u32_at(buf: bytes | np.ndarray) -> np.ndarray:
    """A view of ``buf`` whose element i is the little-endian u32 at byte i (unaligned, no copy)."""
    return np.ndarray((max(len(buf) - 3, 0),), dtype="<u4", buffer=buf, strides=(1,))


class RowBlock:
    """Payloads of one length laid end to end: a C-contiguous (n, width) uint8 matrix.

    A little-endian u64 can be read at any byte of every row (:meth:`word`; bytes past a row's end
    are the next row's, zeros after the last). The data CRC check gathers small records into such
    blocks, one per length, and hands them on with the frames: the column decoder reads the same
    rows instead of gathering them again.
    """

    __slots__ = ("index", "matrix")

    def __init__(self, matrix: np.ndarray, index: np.ndarray | None = None) -> None:
        self.matrix = matrix
        #: Which records of the frames the rows are (ascending), when the block came with frames.
        self.index = index

    @classmethod
    def gather(
        cls, arr: np.ndarray, starts: np.ndarray, width: int, index: np.ndarray | None = None
    ) -> RowBlock:
        """``width`` bytes from each start (which must all lie within ``arr``)."""
        return cls(gather(arr, starts, width), index)

    def __len__(self) -> int:
        return len(self.matrix)

    @property
    def width(self) -> int:
        return self.matrix.shape[1]

    def word(self, offset: int, copy: bool = True) -> np.ndarray:
        """The little-endian u64 at byte ``offset`` of every row: a copy, or with ``copy=False`` a
        strided view of the matrix where the word lies within every row (not to be written)."""
        n, width = self.matrix.shape
        if not copy and n and offset + 8 <= width:
            return np.ndarray((n,), dtype="<u8", buffer=self.matrix, offset=offset, strides=(width,))
        out = np.empty(n, np.uint64)
        if not n:
            return out
        # Rows whose 8 bytes lie within the matrix are read as one strided view; the last ones'
        # may run past its end, so their bytes are copied out and padded with zeros.
        full = max(0, min(n, (n * width - offset - 8) // width + 1))
        if full:
            view = np.ndarray((full,), dtype="<u8", buffer=self.matrix, offset=offset, strides=(width,))
            out[:full] = view
        if full < n:
            tail = np.zeros((n - full) * width + 8, np.uint8)
            tail[: (n - full) * width] = self.matrix[full:].reshape(-1)
            out[full:] = np.ndarray((n - full,), dtype="<u8", buffer=tail, offset=offset, strides=(width,))
        return out

    def take(self, rows: np.ndarray) -> RowBlock:
        """The rows ``rows`` (indices or a bool mask) as a block of their own."""
        return RowBlock(self.matrix[rows])

    def head(self, n: int) -> RowBlock:
        """The first ``n`` rows (a view)."""
        return RowBlock(self.matrix[:n])

    def row(self, i: int, start: int = 0, end: int | None = None) -> bytes:
        """Bytes ``[start, end)`` of row ``i``."""
        return self.matrix[i, start:end].tobytes()


@dataclass(slots=True)
class Frames:
    """Complete, CRC-checked records read in one go.

    ``data`` holds the bytes read; ``starts``/``lengths`` index payloads inside it, in file order.
    ``ordinals`` number the records within their file (damaged ones are skipped, so gaps mark them).
    """

    data: bytes
    base: int
    starts: np.ndarray
    lengths: np.ndarray
    ordinals: np.ndarray
    consumed: int = 0  # bytes of the file these records (and any skipped ones) took up
    report: Callable[[str], None] | None = None  # where problems with these records go (their file's)
    #: The reader of the file these records came from (None: not read from a file); payloads
    #: indexed from these records are read again through it.
    origin: RecordReader | None = None
    #: Small records gathered by length for their CRC check (see :class:`RowBlock`), when every
    #: record passed it; the column decoder reads them rather than gathering again.
    blocks: dict[int, RowBlock] | None = None

    def __len__(self) -> int:
        return len(self.starts)

    def problem(self, i: int, what: str) -> None:
        """Name a problem with record ``i`` on its file: its ordinal and byte offset, then ``what``."""
        if self.report is not None:
            at = self.base + int(self.starts[i]) - HEADER
            self.report(f"record #{int(self.ordinals[i])} at byte {at}: {what}")

    def payload(self, i: int) -> bytes:
        s = int(self.starts[i])
        return self.data[s : s + int(self.lengths[i])]


@dataclass(slots=True)
class ScanResult:
    starts: np.ndarray  # int64
    lengths: np.ndarray
    end: int  # first byte not consumed (start of an incomplete record, or len(buf))


def _period(window: list[int]) -> list[int] | None:
    """The shortest repeating pattern of the lengths in ``window``, if they repeat at all."""
    for p in range(1, len(window) // 2 + 1):
        if window[p:] == window[:-p]:
            return window[-p:]
    return None


@functools.lru_cache(maxsize=256)
def _cycle(pattern: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, int, int]:
    """A pattern's lengths (uint64), where each of its records starts within a cycle, the cycle's
    bytes, and the bytes a row of the strided view reads (:func:`_extend`). Cached: a file of
    scalars with histograms between steps comes back to the same pattern at every histogram."""
    lens = np.asarray(pattern, dtype=np.uint64)
    within = np.zeros(len(pattern), np.int64)
    np.cumsum(lens[:-1].astype(np.int64) + 16, out=within[1:])
    return lens, within, int(lens.sum()) + 16 * len(pattern), int(within[-1]) + 1


def _extend(buf: bytes, pos: int, pattern: tuple[int, ...], reps: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Records from ``pos`` on, predicted by repeating ``pattern`` and kept while the file agrees.

    Scalar-heavy files repeat the same few record sizes in the same order (one record per tag per
    step). The lengths stored where the pattern's records would start are read many cycles at
    once, as a strided view of ``buf`` (one row per cycle, no index arrays), and the longest
    prefix that agrees is kept. Each accepted start is exactly what the sequential walk would
    find: start[i+1] = start[i] + 16 + length[i], and length[i] is read at start[i]. ``reps``
    cycles are expected (as many as the pattern's last run held: a writer logs histograms every
    so many steps) and one more is read, so a run as long as the last one ends in one look;
    while all hold, twice as many are read each time, up to _MAX_PREDICTED records (so the
    prediction that fails, at a histogram among scalars, wastes little). Returns payload
    starts, lengths, and the position after them.
    """
    n = len(buf)
    period = len(pattern)
    lens, within, cycle, width = _cycle(pattern)
    origin, found = pos, 0  # records accepted from ``origin`` on
    reps += 1
    while True:
        reps = min(reps, (n - pos) // cycle)
        if reps <= 0:
            # Less than a cycle left: the records of a partial one that fit whole.
            fit = np.flatnonzero(pos + within + lens.astype(np.int64) + 16 > n)
            k = int(fit[0]) if len(fit) else period
            if k:
                agree = u64_at(buf)[pos + within[:k]] == lens[:k]
                good = k if agree.all() else int(np.argmin(agree))
                found += good
                pos += int(within[good]) if good < period else cycle
            break
        heads = np.ndarray((reps, width), dtype="<u8", buffer=buf, offset=pos, strides=(cycle, 1))
        agree = heads[:, 0] == lens[0] if period == 1 else (heads[:, within] == lens).reshape(-1)
        if agree.all():
            found += reps * period
            pos += reps * cycle
            reps = min(reps * 2, max(1, _MAX_PREDICTED // period))
            continue
        good = int(np.argmin(agree))
        found += good
        pos += (good // period) * cycle + int(within[good % period])
        break
    if not found:
        return _NONE, _NONE, pos
    first = origin + HEADER
    if period == 1:
        starts = np.arange(first, first + found * cycle, cycle, dtype=np.int64)
        return starts, np.full(found, pattern[0], np.int64), pos
    cycles = -(-found // period)
    starts = (np.arange(cycles, dtype=np.int64)[:, None] * cycle + (within + first)).reshape(-1)
    lengths = np.empty((cycles, period), np.int64)
    lengths[:] = lens
    return starts[:found], lengths.reshape(-1)[:found], pos


_NONE = np.empty(0, np.int64)


def scan(buf: bytes, pos: int = 0) -> ScanResult:
    """Find the payload offsets of the complete records in ``buf`` from ``pos`` (no CRC checks).

    Records are walked one by one until their lengths repeat (see :func:`_extend`); then runs of
    the pattern are predicted with numpy. When a run ends (a histogram among scalars, say), the
    odd records are walked and the same pattern is tried again as soon as a record of one of its
    lengths comes, at that phase, predicting as many records as the last run held: a file of
    scalars with a few histograms between steps costs a few numpy calls per histogram, not a
    Python step per record. Records found one by one are collected in lists, runs found by
    prediction stay numpy arrays; the result is two int64 arrays.
    """
    chunks: list[tuple[np.ndarray, np.ndarray]] = []
    starts: list[int] = []
    lengths: list[int] = []
    n = len(buf)
    unpack = _U64.unpack_from
    since = 0  # records walked since the last prediction or period search
    pattern: list[int] | None = None
    known: set[int] = set()  # the pattern's lengths
    reps = 0  # patterns the last run held
    retry = True  # whether to try the pattern again after odd records
    while pos + HEADER <= n:
        (length,) = unpack(buf, pos)
        end = pos + HEADER + length + FOOTER
        if end > n:
            break
        starts.append(pos + HEADER)
        lengths.append(length)
        pos = end
        since += 1
        phase = -1
        if pattern is not None and retry and pos + 8 <= n and since < _PERIOD_WINDOW:
            (nxt,) = unpack(buf, pos)
            if nxt in known:  # the last pattern may go on here: at the first phase it fits
                phase = pattern.index(nxt)
        elif since >= _PERIOD_WINDOW:
            since = 0
            found = _period(lengths[-_PERIOD_WINDOW:])
            retry = True
            if found is not None:
                pattern, known, reps, phase = found, set(found), max(1, 256 // len(found)), 0
                (nxt,) = unpack(buf, pos) if pos + 8 <= n else (-1,)
                if nxt != pattern[0]:
                    phase = pattern.index(nxt) if nxt in known else -1
        if phase < 0 or pattern is None:
            continue
        got_s, got_l, new_pos = _extend(buf, pos, (*pattern[phase:], *pattern[:phase]), reps)
        if not len(got_s):
            retry = False  # no numpy call per record: walk on until the next period search
            continue
        retry = True
        chunks.append((np.asarray(starts, dtype=np.int64), np.asarray(lengths, dtype=np.int64)))
        chunks.append((got_s, got_l))
        reps = max(1, min(len(got_s) // len(pattern), _MAX_PREDICTED // len(pattern)))
        pos, since = new_pos, 0
        starts, lengths = [], []
    chunks.append((np.asarray(starts, dtype=np.int64), np.asarray(lengths, dtype=np.int64)))
    chunks = [c for c in chunks if len(c[0])] or chunks[-1:]
    if len(chunks) == 1:
        return ScanResult(chunks[0][0], chunks[0][1], pos)
    return ScanResult(np.concatenate([c[0] for c in chunks]), np.concatenate([c[1] for c in chunks]), pos)


def check_headers(arr: np.ndarray, starts: np.ndarray, lengths: np.ndarray | None = None) -> int:
    """Index of the first record whose length CRC fails, or len(starts) if all pass.

    ``lengths``, when given, are the u64 lengths stored in the headers (as :func:`scan` read them
    from the same bytes); else they are read again.
    """
    if not len(starts):
        return 0
    heads = u64_at(arr)[starts - HEADER] if lengths is None else lengths
    stored = u32_at(arr)[starts - 4]
    # Records of one length carry the same 8 length bytes, hence the same CRC: compute it once per
    # distinct length and compare every stored CRC with its length's, looked up in a table indexed
    # by length while lengths are small (a sort finds the distinct ones otherwise; np.unique would
    # import numpy.ma, a tenth of a second at startup).
    top = int(heads.max())
    if top < _TABLE_LENGTHS:
        at = heads.astype(np.intp, copy=False)
        distinct = np.flatnonzero(np.bincount(at))
        table = np.zeros(top + 1, np.uint32)
        table[distinct] = [crc.masked_crc32c(_U64.pack(v)) for v in distinct.tolist()]
        ok = stored == table[at]
    else:
        distinct = np.sort(heads)
        distinct = distinct[np.concatenate(([True], distinct[1:] != distinct[:-1]))]
        expected = np.array([crc.masked_crc32c(_U64.pack(v)) for v in distinct.tolist()], dtype=np.uint32)
        ok = stored == (expected[np.searchsorted(distinct, heads)] if len(distinct) > 1 else expected[0])
    return len(starts) if ok.all() else int(np.argmin(ok))


#: Record lengths below this have their length CRCs looked up in a table indexed by length.
_TABLE_LENGTHS = 1 << 16


def check_payloads(
    buf: bytes,
    arr: np.ndarray,
    starts: np.ndarray,
    lengths: np.ndarray,
    blocks: dict[int, RowBlock] | None = None,
) -> np.ndarray:
    """Bool mask of records whose data CRC matches: small ones in equal-length batches.

    A batch is gathered as a :class:`RowBlock`, exactly its payloads laid end to end, so one CRC
    call reads it in place (see crc.check_equal_length); ``blocks`` (if given) receives them.
    """
    ok = np.ones(len(starts), dtype=bool)
    if not len(starts):
        return ok
    for length, group in length_groups(lengths, _BULK_CRC_MAX + 1):
        at = starts[group]
        if length <= _BULK_CRC_MAX and len(group) > 1:
            block = RowBlock.gather(arr, at, length, group)
            stored = crc.unmask(u32s_at(arr, at + length, length + HEADER + FOOTER))
            ok[group] = crc.check_equal_length(block.matrix, stored, length)
            if blocks is not None:
                blocks[length] = block
            continue
        for i, s, n in zip(group.tolist(), at.tolist(), lengths[group].tolist(), strict=True):
            # (an array slice is read in place: a bytes slice would copy every large record)
            ok[i] = crc.masked_crc32c(arr[s : s + n]) == int.from_bytes(buf[s + n : s + n + FOOTER], "little")
    return ok


def length_groups(lengths: np.ndarray, cap: int) -> list[tuple[int, np.ndarray]]:
    """``(length, indices)`` of the records of each length below ``cap``, indices ascending (file
    order); every length of ``cap`` or more shares one last group, reported as ``cap``.

    The lengths sort as uint16, which numpy does with a radix sort (``cap`` < 65536).
    """
    if not len(lengths):
        return []
    key = np.minimum(lengths, cap).astype(np.uint16)
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    if sorted_key[0] == sorted_key[-1]:
        return [(int(sorted_key[0]), order)]
    bounds = [0, *(np.flatnonzero(sorted_key[1:] != sorted_key[:-1]) + 1).tolist(), len(order)]
    keys = sorted_key[bounds[:-1]].tolist()
    return [(k, order[a:z]) for k, a, z in zip(keys, bounds, bounds[1:], strict=False)]


_prefetch_lock = threading.Lock()
_in_flight = False
_pool: ThreadPoolExecutor | None = None


def _prefetch_pool() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tbtui-prefetch")
    return _pool


def _prefetch_done(_: Future[Frames | None]) -> None:
    global _in_flight
    with _prefetch_lock:
        _in_flight = False


class Replaced(Exception):
    """Raised by a :class:`ByteSource` when a file no longer continues what was read from it."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


class ByteSource(Protocol):
    """Where a file's bytes come from when it is not on the local disk (see ``model.storage``).

    ``size`` answers from the source's last listing (-1: gone) and ``replaced`` says whether
    that listing already showed the file replaced (shorter, or different at the same size);
    ``read`` returns bytes ``[start, start + n)``, fewer at the end, and raises
    :class:`Replaced` when the bytes before ``start`` are no longer the ones read; ``read_at``
    reads bytes again for a payload shown later (see :func:`read_record`). Other
    exceptions (a network fault) are the caller's: they say nothing about the file.
    """

    def size(self, path: str) -> int: ...
    def replaced(self, path: str) -> str | None: ...
    def read(self, path: str, start: int, n: int) -> bytes: ...
    def read_at(self, path: str, start: int, n: int) -> bytes:
        """Bytes ``[start, start + n)`` (fewer at the end) read again for a payload: no state changes."""
        ...


class RecordChanged(Exception):
    """Raised by :func:`read_record` when the bytes at an offset are no longer the record read there."""


def read_record(
    path: str,
    offset: int,
    length: int,
    *,
    source: ByteSource | None = None,
    check_crc: bool = True,
    expected: int | None = None,
) -> bytes:
    """The payload of the record that starts at byte ``offset`` of ``path`` and holds ``length`` bytes.

    Payloads (images, audio...) are indexed when their file is read and fetched again here when
    shown, so the file may have been rotated, truncated or replaced meanwhile: the record must still
    be there whole, its length and length CRC must match and (``check_crc``) its data CRC must
    verify, and its stored data CRC be ``expected`` when given (the one read then: a file rotated
    or rewritten with a record of the same length at the same place differs there), else
    :class:`RecordChanged` says what is wrong. One read of exactly the record's bytes,
    from the local disk or through ``source`` (its ``read_at``, which leaves the source's reading
    state alone). ``OSError`` (and a source's own errors) are the caller's.
    """
    n = HEADER + length + FOOTER
    if source is None:
        with open(path, "rb") as f:
            f.seek(offset)
            buf = f.read(n)
    else:
        buf = source.read_at(path, offset, n)
    if len(buf) < n:
        raise RecordChanged(
            f"the file is shorter than when it was read (truncated or replaced): byte {offset}"
        )
    (got,) = _U64.unpack_from(buf, 0)
    if got != length or crc.masked_crc32c(buf[:8]) != int.from_bytes(buf[8:12], "little"):
        raise RecordChanged(
            f"the file no longer holds the record read at byte {offset} (rotated or replaced)"
        )
    data = buf[HEADER : HEADER + length]
    stored = int.from_bytes(buf[HEADER + length :], "little")
    if expected is not None and stored != expected:
        raise RecordChanged(f"the file holds another record at byte {offset} now (rotated or rewritten)")
    if check_crc and crc.masked_crc32c(data) != stored:
        raise RecordChanged(f"the record at byte {offset} changed since it was read (its data CRC fails now)")
    return data


@dataclass
class RecordReader:
    """Reads one event file incrementally, remembering where it stopped.

    Call :meth:`read` whenever the file may have grown; it returns the complete records added
    since the last call (or ``None``). Problems are collected as human-readable strings rather
    than raised: a damaged file is data to show, not an error to crash on.
    """

    path: str
    check_crc: bool = True
    chunk_bytes: int = DEFAULT_CHUNK
    offset: int = 0
    records: int = 0
    problems: list[str] = field(default_factory=list)
    more_problems: int = 0  # problems beyond MAX_PROBLEMS, counted only
    stopped: bool = False  # a length CRC failed: nothing more can be framed
    tail: int = 0  # bytes of an incomplete record waiting at the end
    need: int = 0  # bytes the incomplete record at ``offset`` takes, once its header was seen
    size: int = 0  # file size at the last look
    mtime: float = 0.0  # file mtime at the last look (seconds)
    #: Why this reader stopped because its file is no longer the one it was reading (None: it is).
    replaced: str | None = None
    ident: tuple[int, int] | None = None  # (device, inode) of the file first read
    head: bytes | None = None  # digest of the first record's bytes (at most _HEAD_BYTES)
    _head_len: int = 0
    _look: tuple[int, int] | None = field(default=None, repr=False)  # (size, mtime_ns) of the last look
    #: None: a local file, read with ``os.stat`` and ``open`` (the fast path). Otherwise where the
    #: bytes come from; its own listing and checks stand in for inodes and mtimes.
    source: ByteSource | None = field(default=None, repr=False)

    def __getstate__(self) -> dict:
        """The reader without what only this process has: its byte source and a read in flight
        (copies and the reopen cache; whoever restores a remote reader gives it its source)."""
        return {**self.__dict__, "source": None, "_prefetch": None}

    def settle(self) -> None:
        """Wait for this reader's read-ahead, if one is in flight; its frames stay for :meth:`read`.

        The prefetch thread moves ``offset``, ``size`` and ``tail`` while it reads, so a sum of
        them taken from another thread mid-read can say "nothing left" while a chunk is on its
        way; callers that decide whether loading is finished call this first.
        """
        if self._prefetch is not None:
            self._prefetch.exception()  # waits without raising; read() raises or returns it

    def stat_size(self) -> int:
        """Current size on disk, or -1 when the file is gone or unreadable."""
        if self.source is not None:
            return self.source.size(self.path)
        try:
            return os.stat(self.path).st_size
        except OSError:
            return -1

    @property
    def stale(self) -> bool:
        """Nothing has touched the file for STALE_SECONDS: no writer is finishing it."""
        return bool(self.mtime) and time.time() - self.mtime > STALE_SECONDS

    def incomplete(self, final: bool = False) -> str | None:
        """The incomplete record waiting at the end, described, or None when there is none.

        While the file may still be written this is "still being written, or cut short"; it is
        "cut short" once nothing has touched the file for STALE_SECONDS, or when the caller knows
        no writer will come back to it (``final``: its run has moved on to a newer file).
        """
        if not self.tail or self.stopped or self.replaced:
            return None
        claim = f" of {self.need}" if self.need else ""
        where = f"incomplete record at byte {self.offset} ({self.tail}{claim} bytes on disk)"
        if final:
            return f"{where}: cut short (the run has a newer file)"
        if self.stale:
            return f"{where}: cut short (the file has not changed for {STALE_SECONDS / 60:.0f} minutes)"
        return f"{where}: still being written, or the file was cut short"

    def identity_changed(self) -> str | None:
        """Whether the file at ``path`` is no longer the one this reader read, and why.

        Costs one ``stat``, plus reading the first record again when the file changed since the last
        look (a file rewritten in place keeps its inode; only its first record tells).
        """
        if self.replaced:
            return self.replaced
        if self.source is not None:
            why = self.source.replaced(self.path)
            return self._replace(why) if why else None
        if self.ident is None:
            return None
        try:
            st = os.stat(self.path)
        except OSError:
            return None  # gone: a problem of its own, not a replacement
        if (st.st_dev, st.st_ino) != self.ident:
            return self._replace("replaced by another file")
        if st.st_size < self.offset:
            return self._replace(f"shrank from {self.offset} to {st.st_size} bytes")
        if self._look is not None and (st.st_size, st.st_mtime_ns) == self._look:
            return None
        try:
            with open(self.path, "rb") as f:
                self._check_head(f)
        except OSError:
            return None
        return self.replaced

    def is_same_file(self, path: str) -> bool:
        """Whether ``path`` is the file this reader read (found again after a rename, say).

        The inode alone is not enough: a deleted file's inode number is soon given to a new file,
        so the first record must match too.
        """
        try:
            st = os.stat(path)
            if (st.st_dev, st.st_ino) != self.ident or st.st_size < self.offset:
                return False
            if self.head is None:
                return self.offset == 0
            with open(path, "rb") as f:
                return blake2b(f.read(self._head_len), digest_size=16).digest() == self.head
        except OSError:
            return False

    def _replace(self, why: str) -> str:
        self.replaced = why
        self._problem(f"{why}; stopped reading it")
        return why

    def _check_head(self, f) -> None:
        """Compare the file's first record with the one read before; a mismatch marks a rewrite."""
        if self.head is None:
            return
        f.seek(0)
        if blake2b(f.read(self._head_len), digest_size=16).digest() != self.head:
            self._replace("rewritten in place (its first record changed)")

    @property
    def pending(self) -> int:
        """Bytes on disk not yet read (as of the last stat)."""
        return 0 if self.stopped or self.replaced else max(0, self.size - self.offset - self.tail)

    def _back(self) -> None:
        """The file is there again (it was only briefly away): its "vanished" notice goes."""
        if self.problems and VANISHED in self.problems:
            self.problems.remove(VANISHED)

    def _problem(self, text: str) -> None:
        if text in self.problems:
            return
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(text)
        else:
            self.more_problems += 1

    _prefetch: Future[Frames | None] | None = field(default=None, repr=False)

    def read(self, max_bytes: int | None = None) -> Frames | None:
        """Read the complete records after ``offset``, up to about ``max_bytes`` of them.

        While a backlog is being loaded, the next chunk is read, framed and CRC-checked on the
        shared prefetch thread as soon as this one is handed out, so the caller's decoding and
        our reading overlap on two cores (numpy, file reads and the CRC library release the
        GIL). At most one chunk is in flight in the whole process, so memory stays bounded.
        """
        if self._prefetch is not None:
            fut, self._prefetch = self._prefetch, None
            frames = fut.result()
        else:
            frames = self._read_now(max_bytes)
        if frames is not None and self.pending > 0 and not self.stopped and self.source is None:
            self._start_prefetch(max_bytes)  # (a source fetches ahead across files itself)
        return frames

    def _start_prefetch(self, max_bytes: int | None) -> None:
        global _in_flight
        with _prefetch_lock:
            if _in_flight:
                return
            _in_flight = True
        fut = _prefetch_pool().submit(self._read_now, max_bytes)
        fut.add_done_callback(_prefetch_done)
        self._prefetch = fut

    def _read_now(self, max_bytes: int | None = None) -> Frames | None:
        if self.stopped or self.replaced:
            return None
        look = self._stat()
        if look is None:
            return None
        size = look[0]
        if size < self.offset:
            self._replace(f"shrank from {self.offset} to {size} bytes")
            return None
        unchanged = look == self._look
        self._look = look
        self.size, self.mtime = size, look[1] / 1e9
        want = size - self.offset
        if want <= 0:
            self.tail = 0
            return None
        if unchanged and self.tail:
            return None  # an incomplete record that has not changed: nothing to read again
        if self.need and want < self.need:
            self.tail = want  # still incomplete: its header was read already, wait for the rest
            return None
        try:
            buf = self._fetch(min(want, max_bytes or self.chunk_bytes), want)
        except Replaced as e:
            self._replace(e.why)
            return None
        if buf is None:
            return None
        return self._frame(buf, at_eof=len(buf) >= want, want=want)

    def _stat(self) -> tuple[int, int] | None:
        """``(size, mtime_ns)`` of the file now (a source has no mtime: 0), or None when it is gone
        or replaced (said on the reader)."""
        src = self.source
        if src is not None:
            why = src.replaced(self.path)
            if why:
                self._replace(why)
                return None
            size = src.size(self.path)
            if size < 0:
                self._problem(VANISHED)
                return None
            self._back()
            return size, 0
        try:
            st = os.stat(self.path)
        except OSError:
            self._problem(VANISHED)
            return None
        self._back()
        if self.ident is None:
            self.ident = (st.st_dev, st.st_ino)
        elif (st.st_dev, st.st_ino) != self.ident:
            self._replace("replaced by another file")
            return None
        return st.st_size, st.st_mtime_ns

    def _fetch(self, limit: int, want: int) -> bytes | None:
        """``limit`` bytes from ``offset`` (more when the first record is longer), from the local
        file or the source; None when the local file cannot be read or was rewritten in place. A
        source's own faults (the network) propagate: they say nothing about the file."""
        src = self.source
        if src is not None:
            return self._first_whole(lambda start, n: src.read(self.path, start, n), limit, want)
        try:
            with open(self.path, "rb") as f:
                self._check_head(f)
                if self.replaced:
                    return None

                def read(start: int, n: int) -> bytes:
                    f.seek(start)
                    return f.read(n)

                return self._first_whole(read, limit, want)
        except OSError as e:
            self._problem(f"cannot read: {e.strerror or e}")
            return None

    def _first_whole(self, read: Callable[[int, int], bytes], limit: int, want: int) -> bytes:
        """``read`` ``limit`` bytes at ``offset``, and the rest of the first record when it is longer."""
        buf = read(self.offset, limit)
        more = self._first_record_rest(buf, limit, want)
        return buf + read(self.offset + len(buf), more) if more else buf

    def _first_record_rest(self, buf: bytes, limit: int, want: int) -> int:
        """Bytes to read after ``buf`` so its first record fits whole, however large (0: it fits)."""
        if len(buf) >= HEADER and limit < want and self._header_ok(buf):
            (length,) = _U64.unpack_from(buf, 0)
            need = HEADER + length + FOOTER
            if need > len(buf) and need <= want and length <= MAX_RECORD:
                return need - len(buf)
        return 0

    @staticmethod
    def _header_ok(buf: bytes) -> bool:
        stored = int.from_bytes(buf[8:12], "little")
        return crc.masked_crc32c(buf[:8]) == stored

    def _frame(self, buf: bytes, at_eof: bool, want: int | None = None) -> Frames | None:
        res = scan(buf)
        starts = np.asarray(res.starts, dtype=np.int64)
        lengths = np.asarray(res.lengths, dtype=np.int64)
        arr = np.frombuffer(buf, dtype=np.uint8)
        end = res.end
        # Length CRCs decide the framing, so they are checked even when data CRCs are not.
        bad = check_headers(arr, starts, lengths)
        if bad < len(starts):
            end = int(starts[bad]) - HEADER
            starts, lengths = starts[:bad], lengths[:bad]
            self._damaged(self.offset + end)
        self.need = 0
        if not self.stopped and end + HEADER <= len(buf):
            # The first record not framed: a bad header is damage; a good one says how long the
            # record is, so an incomplete one can wait without being read again.
            if not self._header_ok(buf[end : end + HEADER]):
                self._damaged(self.offset + end)
            else:
                (length,) = _U64.unpack_from(buf, end)
                if length > MAX_RECORD:
                    self.stopped = True
                    self._problem(
                        f"damaged at byte {self.offset + end} (a record length of {length} bytes, "
                        "more than any event can have); the rest of the file cannot be read"
                    )
                else:
                    self.need = HEADER + length + FOOTER
        if self.offset == 0 and self.head is None and len(starts):
            self._head_len = min(int(starts[0] + lengths[0]) + FOOTER, _HEAD_BYTES)
            self.head = blake2b(buf[: self._head_len], digest_size=16).digest()
        ordinals = np.arange(self.records, self.records + len(starts), dtype=np.int64)
        self.records += len(starts)
        blocks: dict[int, RowBlock] | None = None
        if self.check_crc and len(starts):
            blocks = {}
            ok = check_payloads(buf, arr, starts, lengths, blocks)
            if not ok.all():
                blocks = None  # their record indices no longer hold once the bad ones go
                bad_rows = np.flatnonzero(~ok).tolist()
                for k, i in enumerate(bad_rows):
                    if len(self.problems) >= MAX_PROBLEMS:
                        self.more_problems += len(bad_rows) - k
                        break
                    self._problem(
                        f"record #{int(ordinals[i])} at byte {self.offset + int(starts[i]) - HEADER}: "
                        "data CRC mismatch, record skipped"
                    )
                starts, lengths, ordinals = starts[ok], lengths[ok], ordinals[ok]
        base = self.offset
        self.offset += end
        # Bytes left over form one incomplete record: all of them when the read reached the end of
        # the file, or the whole rest of the file when that record (its header read) is longer
        # than the file.
        rest = len(buf) - end if at_eof else (want if want is not None and end == 0 and self.need else 0)
        self.tail = 0 if self.stopped else rest
        if not len(starts):
            return None
        return Frames(buf, base, starts, lengths, ordinals, end, self._problem, self, blocks)

    def _damaged(self, at: int) -> None:
        self.stopped = True
        if at == 0:
            self._problem("not a TFRecord event file (bad length checksum at byte 0); nothing readable")
        else:
            self._problem(f"damaged at byte {at} (bad length checksum); the rest of the file cannot be read")
