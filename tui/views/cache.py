"""Caches of derived data (smoothed values, parsed graphs, histogram arrays), all keyed one way and bounded.

The key names what was derived and how: a run and a tag or graph name, or a series' identity and
length, plus the parameters (a smoothing weight, a value range). The value is stored with the
``source`` it was derived from, and a hit must present the same source (the very object, or equal
bytes): a rewritten file or a purged series is derived again instead of served stale. Each owner (the
app, a chart) holds its own cache; nothing is cached at module level, so two apps or two tests never
share entries. :class:`LruCache` is bounded by entries (and bytes, if asked); :class:`SmoothCache` is
one for smoothed series, filled many series at a time; :class:`HistogramData` is bounded by bytes,
and it extends a value when its source only grew (a live histogram series gains a step at a time).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np

from tui.model.histograms import DEFAULT_BINS, PackedHistograms, global_range, oddities, rebin
from tui.model.series import HistogramSeries, HistogramSnapshot
from tui.views.smoothing import smooth_many

__all__ = ["CACHE_BYTES", "HistogramData", "LruCache", "SmoothCache"]

K = TypeVar("K")
V = TypeVar("V")


class LruCache(Generic[K, V]):
    """At most ``size`` entries, and with ``max_bytes`` at most that many bytes of arrays (the newest
    entry stays, however large); the least recently used goes first."""

    def __init__(self, size: int, *, max_bytes: int | None = None) -> None:
        self.size, self.max_bytes = size, max_bytes
        self._items: OrderedDict[K, tuple[object, V]] = OrderedDict()
        #: Bytes of the array values held (what ``max_bytes`` bounds).
        self.nbytes = 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K, source: object = None) -> V | None:
        """The value for ``key`` if it was derived from ``source`` (identical or equal), else None."""
        hit = self._items.get(key)
        if hit is None or not (hit[0] is source or hit[0] == source):
            return None
        self._items.move_to_end(key)
        return hit[1]

    def derive(self, key: K, source: object, make: Callable[[], V]) -> V:
        """The value for ``key`` derived from ``source``: the cached one, or ``make()`` stored now."""
        hit = self.get(key, source)
        return hit if hit is not None else self.put(key, make(), source)

    def put(self, key: K, value: V, source: object = None) -> V:
        old = self._items.pop(key, None)
        if old is not None:
            self.nbytes -= _nbytes(old[1])
        self._items[key] = (source, value)
        self.nbytes += _nbytes(value)
        while len(self._items) > self.size or (
            self.max_bytes is not None and self.nbytes > self.max_bytes and len(self._items) > 1
        ):
            _, (_, dropped) = self._items.popitem(last=False)
            self.nbytes -= _nbytes(dropped)
        return value

    def clear(self) -> None:
        self._items.clear()
        self.nbytes = 0


def _nbytes(value: Any) -> int:
    """What a value weighs in a cache bounded by bytes: an array its buffer, anything else a token 64."""
    return int(value.nbytes) if isinstance(value, np.ndarray) else 64


# -------------------------------------------------------------------------------- smoothed values


class SmoothCache:
    """Smoothed values per series and weight, at the series' latest state, so a redraw does not
    re-smooth 1M points.

    Keyed as every cache here: the key names the series (the caller's ``key``, its identity) and the
    weight; the source a hit must present is the series' state, the caller's ``stamp`` (the series'
    version, which moves with every append and purge) and its length. So there is one entry per series
    and weight, replaced when the series changed. Keyed on the version instead, as the Scalars chart
    did, a live run left an entry per version it was drawn at: the version moves with every loader
    slice, so 10 runs at 100 steps/s filled the chart's and the grid's caches to their 64 MB bound in
    about two minutes of the soak (issue 11: RSS 71 -> 180 MB, charged to the key presses that
    revisited Scalars). Bounded by entries and by bytes: a chart of 2,000 runs needs 2,000 entries to
    redraw without smoothing again (a cursor move), and a few long series must not hold hundreds of
    megabytes. Thread-safe: a chart's worker thread and the event loop both draw.
    """

    def __init__(self, size: int = 8192, max_bytes: int = 64 << 20) -> None:
        self._lru: LruCache[tuple, np.ndarray] = LruCache(size, max_bytes=max_bytes)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._lru)

    @property
    def nbytes(self) -> int:
        """Bytes of the smoothed arrays held."""
        return self._lru.nbytes

    def get(self, key: tuple, values: np.ndarray, weight: float, stamp: Hashable = None) -> np.ndarray:
        return self.get_many([key], [values], weight, [stamp])[0]

    def get_many(
        self,
        keys: Sequence[tuple],
        values: Sequence[np.ndarray],
        weight: float,
        stamps: Sequence[Hashable] = (),
    ) -> list[np.ndarray]:
        """Smoothed ``values`` of the series ``keys`` name (at ``stamps``, when given): the cached
        ones, the rest smoothed together (:func:`~tui.views.smoothing.smooth_many`) and kept."""
        w = round(weight, 6)
        full = [(*k, w) for k in keys]
        sources = [(stamps[i] if stamps else None, len(v)) for i, v in enumerate(values)]
        with self._lock:
            out = [self._lru.get(f, source) for f, source in zip(full, sources, strict=True)]
        missing = [i for i, o in enumerate(out) if o is None]
        if missing:
            made = smooth_many([values[i] for i in missing], weight)
            with self._lock:
                for i, arr in zip(missing, made, strict=True):
                    out[i] = self._lru.put(full[i], arr, sources[i])
        return out  # type: ignore[return-value]


#: Bytes of derived arrays kept across redraws (a 10,000-step tag rebinned to 30 bins is 2.4 MB).
CACHE_BYTES = 192 << 20


# ------------------------------------------------------------------------------- histogram arrays


@dataclass(slots=True)
class _Memo:
    series: HistogramSeries  # held so a recycled id() can never alias another series
    epoch: int
    n: int
    params: tuple
    value: Any


def _sub(snap: HistogramSnapshot, start: int, stop: int) -> PackedHistograms:
    """Steps ``start:stop`` of a snapshot as packed histograms (views, no bucket copy)."""
    off = snap.offsets
    a, b = int(off[start]), int(off[stop])
    return PackedHistograms(snap.rows[a:b], off[start : stop + 1] - a)


class HistogramData:
    """Derived arrays per histogram series, extended step by step as a live series grows.

    Keyed as every cache here: what was derived (``kind``: "range", "rebin", a view's own kind) and of
    which series, with its parameters; the source a hit must present is the series object and its
    epoch.

    A series' ``epoch`` is ``version - len``: every appended step adds one to both, and a purge bumps the
    version while dropping steps, so an unchanged epoch proves the series only grew since the array was
    made and the new steps can simply be appended to it. The epoch is read *after* the snapshot, so a
    concurrent append can only make it look like a purge (a wasted recomputation), never the reverse.

    Thread-safe: the view's worker and the event loop may both fill it; the worst case is one computation
    done twice.
    """

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[str, int], _Memo] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @staticmethod
    def snapshot(series: HistogramSeries) -> tuple[HistogramSnapshot, int]:
        snap = series.snapshot()
        return snap, series.version - len(snap)

    def _memo(self, kind: str, series: HistogramSeries, epoch: int, params: tuple) -> _Memo | None:
        with self._lock:
            m = self._items.get((kind, id(series)))
            if m is None or m.series is not series or m.epoch != epoch or m.params != params:
                return None
            self._items.move_to_end((kind, id(series)))
            return m

    def _store(self, kind: str, memo: _Memo) -> None:
        key = (kind, id(memo.series))
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= _nbytes(old.value)
            self._items[key] = memo
            self._bytes += _nbytes(memo.value)
            while self._bytes > self.max_bytes and len(self._items) > 1:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= _nbytes(dropped.value)

    def is_current(self, kind: str, series: HistogramSeries, epoch: int, n: int, params: tuple = ()) -> bool:
        m = self._memo(kind, series, epoch, params)
        return m is not None and m.n >= n

    def extend(
        self,
        kind: str,
        series: HistogramSeries,
        snap: HistogramSnapshot,
        epoch: int,
        params: tuple,
        compute: Callable[[PackedHistograms], np.ndarray],
    ) -> np.ndarray:
        """``compute`` over every step of ``snap`` (an array with one row per step), reusing earlier rows."""
        n = len(snap)
        m = self._memo(kind, series, epoch, params)
        if m is not None and m.n >= n:
            return m.value[:n]
        start = m.n if m is not None else 0
        part = compute(_sub(snap, start, n))
        value = part if m is None else np.concatenate((m.value, part))
        self._store(kind, _Memo(series, epoch, n, params, value))
        return value

    def value_range(
        self, series: HistogramSeries, snap: HistogramSnapshot, epoch: int
    ) -> tuple[float, float]:
        """The finite bucket-edge range over every step (``(nan, nan)`` when there is none)."""
        n = len(snap)
        m = self._memo("range", series, epoch, ())
        if m is not None and m.n == n:
            return m.value
        if m is not None and m.n < n:
            lo, hi = global_range(_sub(snap, m.n, n))
            value = (float(np.fmin(m.value[0], lo)), float(np.fmax(m.value[1], hi)))
        else:
            value = global_range(_sub(snap, 0, n))
            if m is not None:  # a memo newer than this snapshot: answer, but keep the newer memo
                return value
        self._store("range", _Memo(series, epoch, n, (), value))
        return value

    def rebinned(
        self,
        series: HistogramSeries,
        snap: HistogramSnapshot,
        epoch: int,
        value_range: tuple[float, float],
        bins: int = DEFAULT_BINS,
    ) -> np.ndarray:
        lo, hi = value_range
        return self.extend("rebin", series, snap, epoch, (lo, hi, bins), lambda p: rebin(p, lo, hi, bins))

    def oddities(self, series: HistogramSeries, snap: HistogramSnapshot, epoch: int) -> str:
        """:func:`tui.model.histograms.oddities` of the snapshot, computed once per length."""
        m = self._memo("odd", series, epoch, ())
        if m is not None and m.n == len(snap):
            return m.value
        value = oddities(snap.rows, snap.offsets)
        self._store("odd", _Memo(series, epoch, len(snap), (), value))
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0
