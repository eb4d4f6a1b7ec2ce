"""Append-only columnar storage for every point of a run's tags.

TensorBoard samples 1,000 points a tag; tbtui keeps all of them, so storage is numpy columns with
doubling capacity (no Python object per point). Readers on other threads take a *snapshot*: the
columns and their length are published together as one tuple, so a reader never sees a column of
one length and another of a different length, and a purge swaps in fresh arrays rather than
shrinking ones a reader may be looking at.

Blob kinds (images, audio, text...) are not here: their points are an index to payloads kept on
disk, in payloads.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_INITIAL = 64


def _grow(arr: np.ndarray, need: int) -> np.ndarray:
    cap = max(_INITIAL, len(arr))
    while cap < need:
        cap *= 2
    if cap == len(arr):
        return arr
    out = np.empty((cap, *arr.shape[1:]), dtype=arr.dtype)
    out[: len(arr)] = arr
    return out


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


class ScalarSeries:
    """Every (step, wall time, value) of one (run, tag), in file order.

    Values keep the dtype they were written in, as far as a float dtype holds it exactly: a series
    of float32 scalars costs 20 bytes a point, not 24. Appending wider values promotes the whole
    column (to fresh arrays, so snapshots already handed out are untouched).
    """

    __slots__ = ("_cols", "version")

    def __init__(self) -> None:
        self._cols: tuple[np.ndarray, np.ndarray, np.ndarray, int] = (
            np.empty(0, np.int64),
            np.empty(0, np.float64),
            np.empty(0, np.float32),
            0,
        )
        self.version = 0

    def __len__(self) -> int:
        return self._cols[3]

    @property
    def dtype(self) -> np.dtype:
        """The values' dtype: float32 or float64."""
        return self._cols[2].dtype

    def append(self, steps: np.ndarray, wall_times: np.ndarray, values: np.ndarray) -> None:
        k = len(steps)
        if not k:
            return
        s, w, v, n = self._cols
        values = np.asarray(values)
        if values.dtype not in _VALUE_DTYPES:
            values = values.astype(np.float64)
        if values.dtype != v.dtype and (n == 0 or values.dtype == np.float64):
            v = v.astype(values.dtype)  # the first points set the dtype; float64 promotes
        if n + k > len(s):
            s, w, v = _grow(s, n + k), _grow(w, n + k), _grow(v, n + k)
        s[n : n + k] = steps
        w[n : n + k] = wall_times
        v[n : n + k] = values
        self._cols = (s, w, v, n + k)
        self.version += 1

    def snapshot(self) -> ScalarSnapshot:
        s, w, v, n = self._cols
        return ScalarSnapshot(s[:n], w[:n], v[:n])

    def keep(self, mask: np.ndarray) -> int:
        """Keep only the points where ``mask`` is true (a restart purge); returns how many went."""
        s, w, v, n = self._cols
        dropped = int(n - mask.sum())
        if dropped:
            self._cols = (s[:n][mask].copy(), w[:n][mask].copy(), v[:n][mask].copy(), int(mask.sum()))
            self.version += 1
        return dropped

    @property
    def steps(self) -> np.ndarray:
        s, _, _, n = self._cols
        return s[:n]

    def last(self) -> tuple[int, float] | None:
        s, _, v, n = self._cols
        return (int(s[n - 1]), float(v[n - 1])) if n else None


@dataclass(frozen=True, slots=True)
class HistogramSnapshot:
    """Histograms of one (run, tag): ``rows[offsets[i]:offsets[i+1]]`` is step i's [k, 3] array."""

    steps: np.ndarray
    wall_times: np.ndarray
    offsets: np.ndarray
    rows: np.ndarray

    def __len__(self) -> int:
        return len(self.steps)

    def histogram(self, i: int) -> np.ndarray:
        return self.rows[self.offsets[i] : self.offsets[i + 1]]

    def histograms(self) -> list[np.ndarray]:
        return [self.rows[a:b] for a, b in zip(self.offsets[:-1], self.offsets[1:], strict=True)]


class HistogramSeries:
    """Every histogram of one (run, tag), bucket rows packed into one float64 (R, 3) array."""

    __slots__ = ("_cols", "version")

    def __init__(self) -> None:
        self._cols = (
            np.empty(0, np.int64),
            np.empty(0, np.float64),
            np.zeros(1, np.int64),
            np.empty((0, 3), np.float64),
            0,
            0,
        )
        self.version = 0

    def __len__(self) -> int:
        return self._cols[4]

    def append(self, step: int, wall_time: float, hist: np.ndarray) -> None:
        s, w, off, rows, n, r = self._cols
        k = len(hist)
        if n + 1 > len(s):
            s, w = _grow(s, n + 1), _grow(w, n + 1)
        if n + 2 > len(off):
            off = _grow(off, n + 2)
        if r + k > len(rows):
            rows = _grow(rows, r + k)
        s[n] = step
        w[n] = wall_time
        rows[r : r + k] = hist
        off[n + 1] = r + k
        self._cols = (s, w, off, rows, n + 1, r + k)
        self.version += 1

    def snapshot(self) -> HistogramSnapshot:
        s, w, off, rows, n, r = self._cols
        return HistogramSnapshot(s[:n], w[:n], off[: n + 1], rows[:r])

    def keep(self, mask: np.ndarray) -> int:
        snap = self.snapshot()
        dropped = int(len(snap) - mask.sum())
        if not dropped:
            return 0
        keep_idx = np.flatnonzero(mask)
        hs = [snap.histogram(i) for i in keep_idx]
        rows = np.concatenate(hs) if hs else np.empty((0, 3))
        off = np.zeros(len(keep_idx) + 1, np.int64)
        off[1:] = np.cumsum([len(h) for h in hs])
        self._cols = (
            snap.steps[mask].copy(),
            snap.wall_times[mask].copy(),
            off,
            rows,
            len(keep_idx),
            len(rows),
        )
        self.version += 1
        return dropped

    @property
    def steps(self) -> np.ndarray:
        return self._cols[0][: self._cols[4]]
