"""Caches of derived data (smoothed values, parsed graphs), all keyed one way and bounded.

The key names what was derived and how: a run and a tag or graph name, or a series' identity and
length, plus the parameters (a smoothing weight). The value is stored with the ``source`` it was
derived from, and a hit must present the same source (the very object, or equal bytes): a rewritten
file or a purged series is derived again instead of served stale. Each owner (the app, a chart) holds
its own cache; nothing is cached at module level, so two apps or two tests never share entries.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

__all__ = ["LruCache"]

K = TypeVar("K")
V = TypeVar("V")


class LruCache(Generic[K, V]):
    """At most ``size`` entries; the least recently used goes first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, tuple[object, V]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K, source: object = None) -> V | None:
        """The value for ``key`` if it was derived from ``source`` (identical or equal), else None."""
        hit = self._items.get(key)
        if hit is None or not (hit[0] is source or hit[0] == source):
            return None
        self._items.move_to_end(key)
        return hit[1]

    def put(self, key: K, value: V, source: object = None) -> V:
        self._items[key] = (source, value)
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        self._items.clear()
