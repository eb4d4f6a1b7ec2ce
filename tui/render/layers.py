"""What a chart of many runs keeps between frames, per series: its extent and value range, and the
cells its lines were drawn into.

A chart of 2,000 runs drew every line again for every frame: hiding one run, showing the next tag
or a filter that brings runs back cost 100-170 ms of sampling 2,000 lines (most of a key's time).
A line's cells depend only on its points and on the pixel map they were drawn through, and the
live chart's domains grow in steps (tui.views.xaxis.live_x_domain, render.chart.snap_y_range), so
from one frame to the next nearly every run's cells are the same: kept here, they are painted
again with one merge over all runs (:meth:`~tui.render.braille.BrailleCanvas.paint_cells`), and
only runs that are new, changed, or drawn through another pixel map are sampled.

Entries are keyed by a series' identity (``ChartSeries.key``: its run, tag, series object, x mode
and smoothing) and hold the state they were made from (``ChartSeries.version``, and the pixel map
for cells): one entry per series, replaced when it changed, so a live run does not leave an entry a
version. Bounded by bytes (the arrays and a fixed charge per entry for the objects around them),
least recently used first: at 120x40 a run of 50 steps, smoothed over its raw underlay, takes about
1.6 KB of cells and 90 bytes of ranges, so the default 48 MB holds about ten charts of 2,000 runs.
Thread-safe: a chart's worker thread and the event loop both draw.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np

__all__ = ["LAYER_BYTES", "ChartLayers", "Interrupted"]

#: Bytes the cells and ranges of a chart's runs may take (see the module's docstring).
LAYER_BYTES = 48 << 20
#: What an entry costs besides its array: the array object, the key and state tuples, the dict node.
ENTRY_OVERHEAD = 320


class _Store:
    """An LRU by key, each value with the state it was made from and its weight, bounded by bytes."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.nbytes = 0
        self._items: OrderedDict[Hashable, tuple[Hashable, Any, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable, state: Hashable) -> Any:
        hit = self._items.get(key)
        if hit is None or hit[0] != state:
            return None
        self._items.move_to_end(key)
        return hit[1]

    def put(self, key: Hashable, state: Hashable, value: Any, nbytes: int) -> None:
        old = self._items.pop(key, None)
        if old is not None:
            self.nbytes -= old[2]
        weight = nbytes + ENTRY_OVERHEAD
        self._items[key] = (state, value, weight)
        self.nbytes += weight
        while self.nbytes > self.max_bytes and len(self._items) > 1:
            _, (_, _, dropped) = self._items.popitem(last=False)
            self.nbytes -= dropped


class Interrupted(Exception):
    """A draw through :meth:`ChartLayers.until` gave up when its ``stop`` said so (what it made is kept)."""


class ChartLayers:
    """Per-series chart input (:meth:`get_series`), ranges (:meth:`get_stats`) and drawn cells
    (:meth:`get_cells`), looked up many at a time: one lock and one call for 2,000 runs.

    The values are made by the chart code (what they hold is its business); this only keeps them
    and hands them back for the same key and state.
    """

    def __init__(self, max_bytes: int = LAYER_BYTES) -> None:
        self.max_bytes = max_bytes
        # Ranges are small and every frame needs them; cells take most of the rest.
        self._stores = {
            "series": _Store(max_bytes * 3 // 8),
            "stats": _Store(max_bytes // 16),
            "cells": _Store(max_bytes - max_bytes * 3 // 8 - max_bytes // 16),
        }
        self._lock = threading.Lock()
        self._stop: Callable[[], bool] | None = None
        self._interned: dict[Hashable, Hashable] = {}

    def until(self, stop: Callable[[], bool]) -> ChartLayers:
        """These layers (the same entries) for a draw made ahead of need, e.g. the next tag's chart
        while the user reads this one: it only makes and keeps the cells of the runs it lacks (its
        frame is never shown, so nothing is painted), and raises :class:`Interrupted` between chunks
        of runs when ``stop()`` (a key asked for another frame), so it never holds up a frame
        someone waits for."""
        other = copy.copy(self)
        other._stop = stop
        return other

    def interned(self, state: Hashable) -> Hashable:
        """The kept object equal to ``state`` (a pixel map: each frame makes its own), so that the
        states of 2,000 runs' entries are one object and each lookup compares it by identity."""
        with self._lock:
            if len(self._interned) > 64:
                self._interned.clear()
            return self._interned.setdefault(state, state)

    @property
    def ahead(self) -> bool:
        """Whether a draw through these layers is made ahead of need (see :meth:`until`)."""
        return self._stop is not None

    def check(self) -> None:
        """Raise :class:`Interrupted` if this is a draw ahead of need that should stop now."""
        if self._stop is not None and self._stop():
            raise Interrupted

    @property
    def nbytes(self) -> int:
        """Bytes held, entries' overhead included."""
        return sum(store.nbytes for store in self._stores.values())

    def __len__(self) -> int:
        return len(self._stores["cells"])

    def _get(self, kind: str, keys: Sequence[Hashable], states: Sequence[Hashable]) -> list[Any]:
        store = self._stores[kind]
        with self._lock:
            return [store.get(k, s) for k, s in zip(keys, states, strict=True)]

    def _put(
        self,
        kind: str,
        keys: Sequence[Hashable],
        states: Sequence[Hashable],
        values: Sequence[Any],
        nbytes: Sequence[int],
    ) -> None:
        store = self._stores[kind]
        with self._lock:
            for k, s, v, b in zip(keys, states, values, nbytes, strict=True):
                store.put(k, s, v, b)

    def get_series(self, keys: Sequence[Hashable], states: Sequence[Hashable]) -> list[Any]:
        """A chart's input per series (e.g. its snapshot, x and smoothed values), None where missing."""
        return self._get("series", keys, states)

    def put_series(
        self,
        keys: Sequence[Hashable],
        states: Sequence[Hashable],
        values: Sequence[Any],
        nbytes: Sequence[int],
    ) -> None:
        """Keep ``values`` (``nbytes`` each: the arrays made for them, not those shared with the series)."""
        self._put("series", keys, states, values, nbytes)

    def get_stats(self, keys: Sequence[Hashable], states: Sequence[Hashable]) -> list[np.ndarray | None]:
        return self._get("stats", keys, states)

    def put_stats(
        self, keys: Sequence[Hashable], states: Sequence[Hashable], values: Sequence[np.ndarray]
    ) -> None:
        self._put("stats", keys, states, values, [v.nbytes for v in values])

    def get_cells(self, keys: Sequence[Hashable], states: Sequence[Hashable]) -> list[np.ndarray | None]:
        return self._get("cells", keys, states)

    def put_cells(
        self, keys: Sequence[Hashable], states: Sequence[Hashable], values: Sequence[np.ndarray]
    ) -> None:
        self._put("cells", keys, states, values, [v.nbytes for v in values])
