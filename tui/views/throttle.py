"""How often new data reaches the screen: at most one push per interval, the first data at once.

Pure bookkeeping (no timers of its own): the app asks :meth:`PushThrottle.delay` when data arrives and
sets a timer for that long; when the timer fires it pushes if :attr:`dirty` and calls :meth:`pushed`.
An idle app is :attr:`settled`: nothing waiting to be drawn and no timer set.
"""

from __future__ import annotations

import time

__all__ = ["PUSH_INTERVAL", "PushThrottle"]

#: Smallest gap between two screen updates caused by new data (seconds): a few frames a second.
PUSH_INTERVAL = 0.25


class PushThrottle:
    def __init__(self, interval: float = PUSH_INTERVAL) -> None:
        self.interval = interval
        #: Data arrived since the last push.
        self.dirty = False
        #: A push is scheduled (the app's timer is set).
        self.scheduled = False
        self.last_push = 0.0
        #: Wall-clock time of the first push that showed data (benchmarks read it).
        self.first_data_push: float | None = None

    @property
    def settled(self) -> bool:
        """Nothing waits to be drawn."""
        return not self.dirty and not self.scheduled

    def delay(self) -> float | None:
        """Note new data; the seconds until the next push, or None when one is already scheduled."""
        self.dirty = True
        if self.scheduled:
            return None
        self.scheduled = True
        if self.first_data_push is None:
            return 0.01  # nothing drawn yet: show the first data at once
        return max(0.01, self.last_push + self.interval - time.monotonic())

    def pushed(self, *, with_data: bool) -> None:
        """A push happened (timed or not); ``with_data`` when the screen now shows some data."""
        self.dirty = False
        self.last_push = time.monotonic()
        if with_data and self.first_data_push is None:
            self.first_data_push = time.time()
