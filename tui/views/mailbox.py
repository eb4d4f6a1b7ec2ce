"""A one-slot mailbox between the UI thread and one worker thread: only the newest request is kept.

Decoding an image or laying out a page of text takes long enough that a user holding a key asks for
several before the first is done; only the last one asked for will be seen. The UI thread
:meth:`~NewestOnly.offer` s each request (replacing one not taken yet) and starts a worker only when
none is running; the worker :meth:`~NewestOnly.take` s requests until there are none and then ends.
The check "none left" and "the worker ends" happen under one lock, so a request offered at that
moment either is taken or starts a new worker: none is lost.
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

__all__ = ["NewestOnly"]

T = TypeVar("T")


class NewestOnly(Generic[T]):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wanted: T | None = None  # the newest request the worker has not taken yet
        self._running = False  # whether a worker is draining the box

    def offer(self, request: T) -> bool:
        """Leave ``request`` for the worker, replacing any not taken yet. True when no worker is
        running: the caller must start one."""
        with self._lock:
            self._wanted = request
            start = not self._running
            self._running = True
        return start

    def take(self) -> T | None:
        """(Worker thread) the newest request; None when there is none, and then the worker must end."""
        with self._lock:
            request, self._wanted = self._wanted, None
            if request is None:
                self._running = False
            return request

    @property
    def newer(self) -> bool:
        """A request waits that the worker has not taken: what it is working on is already stale."""
        return self._wanted is not None

    @property
    def busy(self) -> bool:
        """A worker is running or a request waits for one."""
        return self._running or self._wanted is not None
