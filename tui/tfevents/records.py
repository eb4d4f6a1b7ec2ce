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
"""

from __future__ import annotations

import os
import struct
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from tui.tfevents import crc

HEADER = 12  # u64 length + u32 length CRC
FOOTER = 4  # u32 data CRC
_U64 = struct.Struct("<Q")

# Records up to this size have their data CRCs checked in bulk, as equal-length byte matrices.
_BULK_CRC_MAX = 4096
# Record lengths looked at to guess a repeating pattern (and records walked between guesses).
_PERIOD_WINDOW = 48
# How much a single read takes from the file; bounded so peak memory stays small on huge files.
DEFAULT_CHUNK = 8 << 20


def gather(arr: np.ndarray, offsets: np.ndarray, width: int) -> np.ndarray:
    """Rows ``arr[o:o+width]`` for each offset, as a (len(offsets), width) uint8 matrix.

    Indexing a sliding-window *view* copies only the selected bytes; building an index matrix
    instead would cost 8 bytes of int64 per byte gathered.
    """
    if not len(offsets):
        return np.empty((0, width), dtype=np.uint8)
    return np.lib.stride_tricks.sliding_window_view(arr, width)[offsets]


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

    def __len__(self) -> int:
        return len(self.starts)

    def payload(self, i: int) -> bytes:
        s = int(self.starts[i])
        return self.data[s : s + int(self.lengths[i])]


@dataclass(slots=True)
class ScanResult:
    starts: list[int] | np.ndarray
    lengths: list[int] | np.ndarray
    end: int  # first byte not consumed (start of an incomplete record, or len(buf))


def _scan_periodic(buf: bytes, pos: int, starts: list[int], lengths: list[int]) -> int:
    """Extend ``starts``/``lengths`` by extrapolating a repeating pattern of record lengths.

    Scalar-heavy files repeat the same few record sizes in the same order (one record per tag per
    step). Given the last records found, guess that the pattern of lengths goes on, predict many
    record starts at once with numpy and keep the longest prefix whose stored lengths agree. Each
    accepted start is exactly what the sequential walk would have found: start[i+1] = start[i] +
    16 + length[i], and length[i] is read at start[i]. Returns the new position.
    """
    window = lengths[-_PERIOD_WINDOW:]
    n = len(window)
    period = 0
    for p in range(1, n // 2 + 1):
        if window[p:] == window[:-p]:
            period = p
            break
    if not period:
        return pos
    pattern = np.asarray(window[-period:], dtype=np.int64)
    cycle = int(pattern.sum()) + 16 * period
    arr = np.frombuffer(buf, dtype=np.uint8)
    reps = max(1, 256 // period)
    while True:
        reps = max(1, min(reps, (len(buf) - pos) // cycle))
        pred_len = np.tile(pattern, reps)
        pred_start = pos + np.concatenate(([0], np.cumsum(pred_len + 16)[:-1]))
        fits = pred_start + pred_len + 16 <= len(buf)
        if not fits.all():
            cut = int(np.argmin(fits))
            pred_len, pred_start = pred_len[:cut], pred_start[:cut]
        if not len(pred_start):
            return pos
        heads = gather(arr, pred_start, 8).copy().view("<u8").ravel()
        agree = heads == pred_len.astype(np.uint64)
        good = len(agree) if agree.all() else int(np.argmin(agree))
        if good:
            starts.extend((pred_start[:good] + HEADER).tolist())
            lengths.extend(pred_len[:good].tolist())
            pos = int(pred_start[good - 1] + pred_len[good - 1] + 16)
        if good < len(agree) or good == 0:
            return pos
        # The pattern held all the way: predict further ahead next time.
        reps = min(reps * 4, 1 << 16)


def scan(buf: bytes, pos: int = 0) -> ScanResult:
    """Find the payload offsets of the complete records in ``buf`` from ``pos`` (no CRC checks)."""
    starts: list[int] = []
    lengths: list[int] = []
    n = len(buf)
    unpack = _U64.unpack_from
    since_periodic = 0
    while pos + HEADER <= n:
        (length,) = unpack(buf, pos)
        end = pos + HEADER + length + FOOTER
        if end > n:
            break
        starts.append(pos + HEADER)
        lengths.append(length)
        pos = end
        since_periodic += 1
        if since_periodic >= _PERIOD_WINDOW:
            since_periodic = 0
            pos = _scan_periodic(buf, pos, starts, lengths)
    return ScanResult(starts, lengths, pos)


def check_headers(arr: np.ndarray, starts: np.ndarray) -> int:
    """Index of the first record whose length CRC fails, or len(starts) if all pass."""
    if not len(starts):
        return 0
    heads = gather(arr, starts - HEADER, 8)
    stored = gather(arr, starts - 4, 4).copy().view("<u4").ravel()
    ok = crc.check_equal_length(heads, crc.unmask(stored))
    return len(starts) if ok.all() else int(np.argmin(ok))


def check_payloads(buf: bytes, arr: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Bool mask of records whose data CRC matches: small ones in equal-length batches."""
    ok = np.ones(len(starts), dtype=bool)
    if not len(starts):
        return ok
    ends = starts + lengths
    stored = crc.unmask(gather(arr, ends, 4).copy().view("<u4").ravel())
    order = np.argsort(lengths, kind="stable")
    sorted_len = lengths[order]
    bounds = np.flatnonzero(np.diff(sorted_len)) + 1
    for group in np.split(order, bounds):
        length = int(lengths[group[0]])
        if length <= _BULK_CRC_MAX and len(group) > 1:
            rows = gather(arr, starts[group], length)
            ok[group] = crc.check_equal_length(rows, stored[group])
        else:
            for i in group.tolist():
                s = int(starts[i])
                ok[i] = crc.crc32c(buf[s : s + length]) == int(stored[i])
    return ok


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
    stopped: bool = False  # a length CRC failed: nothing more can be framed
    tail: int = 0  # bytes of an incomplete record waiting at the end
    size: int = 0  # file size at the last look

    def stat_size(self) -> int:
        """Current size on disk, or -1 when the file is gone or unreadable."""
        try:
            return os.stat(self.path).st_size
        except OSError:
            return -1

    @property
    def pending(self) -> int:
        """Bytes on disk not yet read (as of the last stat)."""
        return 0 if self.stopped else max(0, self.size - self.offset - self.tail)

    def _problem(self, text: str) -> None:
        if text not in self.problems:
            self.problems.append(text)

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
        if frames is not None and self.pending > 0 and not self.stopped:
            self._start_prefetch(max_bytes)
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
        if self.stopped:
            return None
        size = self.stat_size()
        if size < 0:
            self._problem("file vanished or became unreadable")
            return None
        if size < self.offset:
            self._problem(
                f"file shrank from {self.offset} to {size} bytes while being read; kept what was read"
            )
            self.offset = size
        self.size = size
        want = size - self.offset
        if want <= 0:
            self.tail = 0
            return None
        limit = min(want, max_bytes or self.chunk_bytes)
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                buf = f.read(limit)
                if len(buf) >= HEADER and limit < want:
                    # Make sure at least the first record fits, however large.
                    (length,) = _U64.unpack_from(buf, 0)
                    need = HEADER + length + FOOTER
                    if need > len(buf) and need <= want and self._header_ok(buf):
                        buf += f.read(need - len(buf))
        except OSError as e:
            self._problem(f"cannot read: {e.strerror or e}")
            return None
        return self._frame(buf, at_eof=len(buf) >= want)

    @staticmethod
    def _header_ok(buf: bytes) -> bool:
        stored = int.from_bytes(buf[8:12], "little")
        return crc.masked_crc32c(buf[:8]) == stored

    def _frame(self, buf: bytes, at_eof: bool) -> Frames | None:
        res = scan(buf)
        starts = np.asarray(res.starts, dtype=np.int64)
        lengths = np.asarray(res.lengths, dtype=np.int64)
        arr = np.frombuffer(buf, dtype=np.uint8)
        end = res.end
        # Length CRCs decide the framing, so they are checked even when data CRCs are not.
        bad = check_headers(arr, starts)
        if bad < len(starts):
            end = int(starts[bad]) - HEADER
            starts, lengths = starts[:bad], lengths[:bad]
            self._damaged(self.offset + end)
        if not self.stopped and end + HEADER <= len(buf) and not self._header_ok(buf[end : end + HEADER]):
            self._damaged(self.offset + end)
        ordinals = np.arange(self.records, self.records + len(starts), dtype=np.int64)
        self.records += len(starts)
        if self.check_crc and len(starts):
            ok = check_payloads(buf, arr, starts, lengths)
            if not ok.all():
                for i in np.flatnonzero(~ok).tolist():
                    self._problem(
                        f"record #{int(ordinals[i])} at byte {self.offset + int(starts[i]) - HEADER}: "
                        "data CRC mismatch, record skipped"
                    )
                starts, lengths, ordinals = starts[ok], lengths[ok], ordinals[ok]
        base = self.offset
        self.offset += end
        self.tail = 0 if self.stopped else (len(buf) - end if at_eof else 0)
        if not len(starts):
            return None
        return Frames(buf, base, starts, lengths, ordinals, end)

    def _damaged(self, at: int) -> None:
        self.stopped = True
        if at == 0:
            self._problem("not a TFRecord event file (bad length checksum at byte 0); nothing readable")
        else:
            self._problem(f"damaged at byte {at} (bad length checksum); the rest of the file cannot be read")
