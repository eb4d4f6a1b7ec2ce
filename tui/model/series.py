"""Append-only columnar storage for every point of a run's tags.

TensorBoard samples 1,000 points a tag; tbtui keeps all of them, so storage is numpy columns (no
Python object per point). The loader appends a batch at a time and keeps each batch's arrays as
they came; the first *snapshot* after that packs them into one column each, under a lock, so a
load copies every point once, and a reader never sees a column of one length and another of a
different length. Packed columns keep a quarter more room, so points arriving one batch at a time
while a run is watched are written in place; a purge swaps in fresh arrays rather than shrinking
ones a reader may be looking at. The room goes again (:meth:`~_Batched.trim`) once the run stops
growing: the logdir trims a run that read nothing new for :data:`QUIET_SECONDS`, and every run
once it has read its whole history, so a finished run costs its points' bytes and no more.

A load that knows it has read only part of its run's files says how many times over it expects
each series to grow (``expect``, from the bytes read and on disk): the first batch then reserves
that room, and every later batch is copied into it and freed at once, instead of all of them
being kept until one pack at the end. Each point is still copied once, but the batches' memory
is used again by the next batch rather than held: a 100 MB load touched about 50 MB less fresh
memory (the kernel zeroes every fresh page; in a VM that cost as much CPU as decoding the
histograms) and peaked that much lower. A reservation that turns out too large is never
touched past its points, and trimming shrinks it in place (``ndarray.resize``, a realloc, no
copy) when nothing else refers to the columns; one too small is packed again with a new guess.

Blob kinds (images, audio, text...) are not here: their points are an index to payloads kept on
disk, in payloads.py.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True)
class ScalarSnapshot:
    """An immutable view of a scalar series: steps (int64), wall times (float64), values (see below).

    Values are float32 when every point was written in a dtype float32 holds exactly (float32
    itself, as ``simple_value`` and TF2's scalars are, or float16, small ints, bools), else float64.
    """

    steps: np.ndarray
    wall_times: np.ndarray
    values: np.ndarray

    def __len__(self) -> int:
        return len(self.steps)


_VALUE_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))

#: A series that has not grown for this long gives its spare room back when its run is trimmed.
QUIET_SECONDS = 60.0

#: The clock growth is timed by (tests replace it rather than wait).
clock = time.monotonic

#: A series expected to grow at least this many times over reserves its room at once (below
#: this, a reservation would save less than the copy into it costs).
RESERVE_FROM = 1.5
#: Room reserved beyond the expected size: the guess comes from bytes, and a tag's share of a
#: file's records varies a little from chunk to chunk.
RESERVE_MARGIN = 1.08
#: At most this many times the points so far are reserved at once: the first slice of a huge
#: file expects it to grow ten thousandfold (the room is packed again, with a new guess, when it is
#: full). Not lower: a load's first slice is a megabyte, and a 100 MB run read with a cap of 64
#: packed every series again at 64 MB, a copy and a third more fresh pages. A reservation the
#: system refuses (a strict overcommit limit) is no reservation: the batch waits to be packed.
RESERVE_MAX = 1024.0


def _fit(cols: list[Any], i: int, n: int) -> None:
    """Cut ``cols[i]`` to its first ``n`` rows: in place (a realloc, no copy) when the list holds
    the only reference to it, else as a copy (a snapshot handed out still views the array).

    The list's reference is dropped before asking, so numpy's own check (``refcheck``: no other
    reference, no view, no buffer export) decides whether the shrink is safe. Whatever happens
    (a copy refused for memory), the list holds a whole column again afterwards.
    """
    a = cols[i]
    cols[i] = None
    try:
        a.resize((n, *a.shape[1:]), refcheck=True)
    except ValueError:
        a = a[:n].copy()
    finally:
        cols[i] = a


def _stored(values: np.ndarray) -> np.ndarray:
    """Values as a series keeps them: float32 and float64 as they are, anything else as float64."""
    values = np.asarray(values)
    return values if values.dtype in _VALUE_DTYPES else values.astype(np.float64)


class _Batched:
    """What both series kinds share: packed columns with room to spare, the batches not packed yet,
    the lock that orders the loader's appends with other threads' snapshots, and a version that
    changes with every change (views key their caches on it)."""

    __slots__ = ("_cols", "_dtype", "_grew", "_lock", "_n", "_pending", "version")
    #: Where the count of points and the array whose dtype is the series' dtype sit in ``_cols``.
    _N_AT: int
    _DATA_AT: int
    #: Columns of no points and no room, shared: stand-ins while :meth:`trim` cuts the real ones.
    _EMPTY: tuple[Any, ...]

    def __init__(self, cols: tuple[Any, ...]) -> None:
        self._cols: Any = cols
        self._pending: list[Any] = []
        self._dtype = np.dtype(np.float32)
        self._n = 0
        self._lock = threading.Lock()  # the loader appends while other threads take snapshots
        self.version = 0
        self._grew = clock()  # when points were last appended

    def __len__(self) -> int:
        return self._n

    @property
    def dtype(self) -> np.dtype:
        """The stored values' dtype: float32, or float64 once a wider value was appended."""
        return self._dtype

    def __setstate__(self, state: tuple[None, dict[str, Any]]) -> None:
        """The state ``__getstate__`` gave (packed, without a lock), with a new lock."""
        cols = state[1]["_cols"]
        self._cols, self.version = cols, state[1]["version"]
        self._n, self._dtype = cols[self._N_AT], cols[self._DATA_AT].dtype
        self._pending = []
        self._lock = threading.Lock()
        self._grew = clock()

    @property
    def capacity(self) -> int:
        """Points the packed columns have room for (spare room included)."""
        return len(self._cols[0])

    @property
    def has_room(self) -> bool:
        """The packed columns hold spare room (or batches wait to be packed)."""
        return bool(self._pending) or self._room(self._cols)

    @property
    def pending_bytes(self) -> int:
        """Bytes of the batches waiting to be packed (views: their batches' arrays may hold more)."""
        with self._lock:
            return sum(a.nbytes for batch in self._pending for a in batch)

    def trim(self, quiet: float = 0.0) -> bool:
        """Give the columns' spare room back (pending batches packed, exactly) when the series has
        not grown for ``quiet`` seconds; True when it did. The columns are fresh arrays: snapshots
        already handed out keep the old ones."""
        with self._lock:
            if clock() - self._grew < quiet:
                return False
            if not self._room(self._pack()):
                return False
            cols = list(self._cols)
            self._cols = self._EMPTY  # (the list holds the only references: see _fit)
            try:
                self._cols = self._exact(cols)
            except BaseException:  # (a copy refused for memory: the columns as they were, room and all)
                self._cols = tuple(cols)
                raise
        return True

    def _reserve(self, expect: float) -> None:
        """Pack the pending batches into room for ``expect`` times their points (see RESERVE_MAX;
        call with the lock held). ``_pack`` allocates before it changes anything, so a refusal
        leaves the batches pending, as they were."""
        with contextlib.suppress(MemoryError):
            self._pack(min(expect, RESERVE_MAX) * RESERVE_MARGIN)

    def _pack(self, room: float | None = None) -> tuple[Any, ...]:
        raise NotImplementedError

    def _room(self, cols: tuple[Any, ...]) -> bool:
        raise NotImplementedError

    def _exact(self, cols: list[Any]) -> tuple[Any, ...]:
        """The columns cut to what is used (see :func:`_fit`); ``cols`` is given up."""
        raise NotImplementedError


class ScalarSeries(_Batched):
    """Every (step, wall time, value) of one (run, tag), in file order.

    Values keep the dtype they were written in, as far as a float dtype holds it exactly: a series
    of float32 scalars costs 20 bytes a point, not 24. Appending wider values promotes the whole
    column (to fresh arrays, so snapshots already handed out are untouched). As for histograms,
    batches appended while nobody looks are kept as they came and packed by the next snapshot
    (see :class:`HistogramSeries`).
    """

    __slots__ = ("_bad",)
    _N_AT, _DATA_AT = 3, 2
    _EMPTY = (np.empty(0, np.int64), np.empty(0, np.float64), np.empty(0, np.float32), 0)

    def __init__(self) -> None:
        # The packed part (each column with room to spare) and the points in use; pending batches
        # are (steps, wall times, values).
        super().__init__(self._EMPTY)
        #: How many values are NaN or infinite, counted as they arrive (see :attr:`nonfinite`).
        self._bad = 0

    def append(
        self, steps: np.ndarray, wall_times: np.ndarray, values: np.ndarray, expect: float = 1.0
    ) -> None:
        """Add points; the arrays may be kept as they are, not copied: the caller must not change
        them.

        ``expect``: how many times over the series is expected to grow from here (its run's
        bytes on disk over those read); from :data:`RESERVE_FROM` on, room for that many points
        is reserved now and the points are copied into it (see the module's docstring).
        """
        k = len(steps)
        if not k:
            return
        values = _stored(values)
        with self._lock:
            if self._n == 0 or values.dtype == np.float64:
                self._dtype = values.dtype  # the first points set the dtype; float64 promotes
            s, w, v, n = self._cols
            if not self._pending and n + k <= len(s) and v.dtype == self._dtype:
                s[n : n + k] = steps
                w[n : n + k] = wall_times
                v[n : n + k] = values
                self._cols = (s, w, v, n + k)
            else:
                self._pending.append((np.asarray(steps), np.asarray(wall_times), values))
                if expect >= RESERVE_FROM:
                    self._reserve(expect)
            self._n += k
            self._bad += k - int(np.count_nonzero(np.isfinite(values)))
            self.version += 1
            self._grew = clock()

    def _pack(self, room: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        """The packed columns with every pending batch in them (call with the lock held), with
        ``room`` times their points reserved (None: a quarter more, none at the first pack)."""
        if not self._pending:
            return self._cols
        s, w, v, n = self._cols
        parts = [(s[:n], w[:n], v[:n]), *self._pending]
        k = sum(len(p[0]) for p in parts)
        # The first pack is exact: a loaded run may never grow again.
        cap = int(k * room) + 1 if room else k + k // 4 if n else k
        cols = (np.empty(cap, np.int64), np.empty(cap, np.float64), np.empty(cap, self._dtype))
        for col, arrays in zip(cols, zip(*parts, strict=True), strict=True):
            np.concatenate(arrays, out=col[:k], casting="same_kind")
        self._cols = (*cols, k)
        self._pending = []
        return self._cols

    def _room(self, cols: tuple[Any, ...]) -> bool:
        return len(cols[0]) != cols[3]

    def _exact(self, cols: list[Any]) -> tuple[Any, ...]:
        n = cols[3]
        for i in range(3):
            _fit(cols, i, n)
        return tuple(cols)

    @property
    def nonfinite(self) -> int:
        """How many values are NaN or infinite (a diverged run): counted as points arrive, so the tag
        list can flag a diverged run without scanning every point on every redraw."""
        return self._bad

    def snapshot(self) -> ScalarSnapshot:
        with self._lock:
            s, w, v, n = self._pack()
        return ScalarSnapshot(s[:n], w[:n], v[:n])

    def __getstate__(self) -> tuple[None, dict[str, Any]]:
        """The packed columns cut to their length: pickle, copy and the reopen cache keep no spare
        room, no pending batches and no lock (``__setstate__`` makes a new one)."""
        with self._lock:
            s, w, v, n = self._pack()
        return None, {"_cols": (s[:n], w[:n], v[:n], n), "version": self.version, "_bad": self._bad}

    def __setstate__(self, state: tuple[None, dict[str, Any]]) -> None:
        super().__setstate__(state)
        bad = state[1].get("_bad")
        cols = self._cols
        self._bad = (
            int(bad) if bad is not None else int(cols[3] - np.count_nonzero(np.isfinite(cols[2][: cols[3]])))
        )

    def keep(self, mask: np.ndarray) -> int:
        """Keep only the points where ``mask`` is true (a restart purge); returns how many went."""
        with self._lock:
            s, w, v, n = self._pack()
            dropped = int(n - mask.sum())
            if dropped:
                self._cols = (s[:n][mask].copy(), w[:n][mask].copy(), v[:n][mask].copy(), int(mask.sum()))
                self._n = int(mask.sum())
                kept = self._cols[2]
                self._bad = int(kept.size - np.count_nonzero(np.isfinite(kept)))
                self.version += 1
        return dropped

    @property
    def steps(self) -> np.ndarray:
        return self.snapshot().steps

    def last(self) -> tuple[int, float] | None:
        with self._lock:
            if self._pending:
                s, _, v = self._pending[-1]
                return int(s[-1]), float(v[-1])
            s, _, v, n = self._cols
        return (int(s[n - 1]), float(v[n - 1])) if n else None


@dataclass(frozen=True, slots=True)
class HistogramSnapshot:
    """Histograms of one (run, tag): ``rows[offsets[i]:offsets[i+1]]`` is step i's [k, 3] array.

    ``rows`` are stored as written (float32 for legacy histograms, which TensorBoard itself
    migrates to float32; float64 when a writer's tensors need it); :meth:`histogram` and
    :meth:`histograms` hand out float64, and so does ``model.histograms.pack`` for arithmetic.
    """

    steps: np.ndarray
    wall_times: np.ndarray
    offsets: np.ndarray
    rows: np.ndarray

    def __len__(self) -> int:
        return len(self.steps)

    def histogram(self, i: int) -> np.ndarray:
        return self.rows[self.offsets[i] : self.offsets[i + 1]].astype(np.float64)

    def histograms(self) -> list[np.ndarray]:
        rows = self.rows.astype(np.float64)
        return [rows[a:b] for a, b in zip(self.offsets[:-1].tolist(), self.offsets[1:].tolist(), strict=True)]


class HistogramSeries(_Batched):
    """Every histogram of one (run, tag), bucket rows packed into one (R, 3) array.

    Rows keep the dtype they came in (float32 unless a float64 histogram was appended, which
    promotes the column), so a legacy histogram costs 12 bytes a bucket. Batches appended while
    nobody looks are kept as they came (views of the batch's arrays, no copy) and packed into one
    array by the next :meth:`snapshot`: a load appends histograms a batch at a time, and growing
    one array per batch would copy it again and again. Once packed, the array keeps a quarter more
    room, so histograms arriving one by one while a run is watched are written in place.
    """

    __slots__ = ()
    _N_AT, _DATA_AT = 4, 3
    _EMPTY = (
        np.empty(0, np.int64),
        np.empty(0, np.float64),
        np.zeros(1, np.int64),
        np.empty((0, 3), np.float32),
        0,
        0,
    )

    def __init__(self) -> None:
        # The packed part: steps, wall times, offsets and rows (each with room to spare), the
        # number of steps and rows in use; pending batches are (steps, wall times, offsets from 0,
        # rows).
        super().__init__(self._EMPTY)

    def append(self, step: int, wall_time: float, hist: np.ndarray) -> None:
        """Add one step's [k, 3] histogram."""
        off = np.array([0, len(hist)], dtype=np.int64)
        self.extend(np.array([step], np.int64), np.array([wall_time], np.float64), off, hist)

    def extend(
        self,
        steps: np.ndarray,
        wall_times: np.ndarray,
        offsets: np.ndarray,
        rows: np.ndarray,
        expect: float = 1.0,
    ) -> None:
        """Add many steps at once: step i's rows are ``rows[offsets[i]:offsets[i + 1]]``, counted
        from ``offsets[0]``. The arrays are kept, not copied: the caller must not change them.
        ``expect`` reserves room as for :meth:`ScalarSeries.append`.
        """
        k = len(steps)
        if not k:
            return
        rows = _stored(rows)
        with self._lock:
            if rows.dtype == np.float64:
                self._dtype = rows.dtype  # float64 promotes the series for good
            s, w, off, buf, n, r = self._cols
            m = len(rows)
            fits = n + k <= len(s) and r + m <= len(buf) and buf.dtype == self._dtype
            if not self._pending and fits:
                s[n : n + k] = steps
                w[n : n + k] = wall_times
                buf[r : r + m] = rows
                off[n + 1 : n + k + 1] = offsets[1:] - offsets[0] + r
                self._cols = (s, w, off, buf, n + k, r + m)
            else:
                self._pending.append((steps, wall_times, offsets - offsets[0], rows))
                if expect >= RESERVE_FROM:
                    self._reserve(expect)
            self._n += k
            self.version += k  # one a step, as appending them one by one would: see histogram_view
            self._grew = clock()

    def _pack(
        self, room: float | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int, int]:
        """The packed columns with every pending batch in them (call with the lock held), with
        ``room`` times their steps and rows reserved (None: a quarter more, none at the first)."""
        if not self._pending:
            return self._cols
        s, w, off, buf, n, r = self._cols
        parts = [(s[:n], w[:n], off[: n + 1], buf[:r]), *self._pending]
        k = sum(len(p[0]) for p in parts)
        m = sum(len(p[3]) for p in parts)
        if room is None:
            room = 1.25 if n else 1.0  # the first pack is exact: a loaded run may never grow again
        ns, nm = int(k * room), int(m * room)
        steps = np.empty(ns, np.int64)
        walls = np.empty(ns, np.float64)
        offsets = np.zeros(ns + 1, np.int64)
        rows = np.empty((max(nm, m), 3), self._dtype)
        i = j = 0
        for ps, pw, po, pr in parts:
            steps[i : i + len(ps)] = ps
            walls[i : i + len(ps)] = pw
            offsets[i + 1 : i + len(ps) + 1] = po[1:] + j
            rows[j : j + len(pr)] = pr
            i, j = i + len(ps), j + len(pr)
        self._cols = (steps, walls, offsets, rows, k, m)
        self._pending = []
        return self._cols

    def _room(self, cols: tuple[Any, ...]) -> bool:
        return len(cols[0]) != cols[4] or len(cols[3]) != cols[5]

    def _exact(self, cols: list[Any]) -> tuple[Any, ...]:
        n, r = cols[4], cols[5]
        for i, length in enumerate((n, n, n + 1, r)):
            _fit(cols, i, length)
        return tuple(cols)

    def snapshot(self) -> HistogramSnapshot:
        with self._lock:
            s, w, off, rows, n, r = self._pack()
        return HistogramSnapshot(s[:n], w[:n], off[: n + 1], rows[:r])

    def __getstate__(self) -> tuple[None, dict[str, Any]]:
        """As ScalarSeries's: packed, cut to length, without the lock."""
        with self._lock:
            s, w, off, rows, n, r = self._pack()
        return None, {"_cols": (s[:n], w[:n], off[: n + 1], rows[:r], n, r), "version": self.version}

    def keep(self, mask: np.ndarray) -> int:
        snap = self.snapshot()
        dropped = int(len(snap) - mask.sum())
        if not dropped:
            return 0
        sizes = np.diff(snap.offsets)[mask]
        off = np.zeros(len(sizes) + 1, np.int64)
        np.cumsum(sizes, out=off[1:])
        rows = snap.rows[np.repeat(mask, np.diff(snap.offsets))]
        with self._lock:  # the loader is the only writer, and it is the one purging
            self._cols = (
                snap.steps[mask].copy(),
                snap.wall_times[mask].copy(),
                off,
                rows,
                len(sizes),
                len(rows),
            )
            self._n = len(sizes)
            self.version += 1
        return dropped

    @property
    def steps(self) -> np.ndarray:
        return self.snapshot().steps
