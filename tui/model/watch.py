"""A change feed for one logdir: "something under here may have changed", for the loader thread.

The loader (a worker thread of the app) alternates between reading new bytes with
``Logdir.refresh()`` and blocking in :meth:`ChangeFeed.wait` until the logdir may have changed.
The feed never says *what* changed: ``refresh()`` already knows each file's offset and size, so a
notice only has to be timely, not precise.

Two ways to notice:

- **events** (default): watchfiles (inotify, FSEvents, ReadDirectoryChangesW) runs in its own
  daemon thread and sets a flag on every batch of changes. It is woken often enough (``step``
  and ``debounce`` in milliseconds) that an appended step reaches the screen well under half a
  second after it is written, even while a trainer writes continuously. A slow safety tick (every
  ``safety_interval`` seconds) still asks for a refresh in case an event was missed (events can
  be lost on overflow, and some filesystems emit none).
- **polling**: every ``poll_interval`` seconds, for network filesystems (NFS, SMB, FUSE mounts)
  where file events never arrive, or when watching cannot start (a missing logdir, an exhausted
  inotify watch limit). The feed falls back to polling by itself and says so in :attr:`mode`.

Nothing here imports Textual; the feed is plain threading so tests can drive it directly.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

__all__ = ["ChangeFeed"]

#: Polling interval used when file events are unavailable and none was asked for.
DEFAULT_POLL = 1.0
#: Even with file events, refresh this often in case an event was lost.
SAFETY_INTERVAL = 10.0
NO_LOGDIR = "logdir does not exist yet"


class ChangeFeed:
    """Blocks a loader thread until the logdir at ``path`` may have changed.

    ``poll_interval``: poll every so many seconds instead of using file events (``--poll``).
    ``watch_factory``: replaces ``watchfiles.watch`` (tests use it to force the fallback).
    """

    def __init__(
        self,
        path: str,
        *,
        poll_interval: float | None = None,
        safety_interval: float = SAFETY_INTERVAL,
        watch_factory: Callable[..., object] | None = None,
    ) -> None:
        self.path = path
        self.poll_interval = poll_interval
        self.safety_interval = safety_interval
        self._factory = watch_factory
        self._changed = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._last_report = time.monotonic()
        #: "events", "polling" or "stopped"; read by the status bar.
        self.mode = "polling"
        #: Why events are not used, when they are not (shown to the user).
        self.reason = "--poll" if poll_interval else ""
        if poll_interval is None:
            self._try_start_events()

    # -- public ---------------------------------------------------------------------------------

    def wait(self, timeout: float | None = None) -> bool:
        """Block until a change may have happened; True if the caller should refresh now.

        Returns True on a file event, when a poll interval (polling) or the safety interval
        (events) has passed since the last True, or right after a :meth:`poke`. Returns False when
        ``timeout`` passed first or the feed was closed, so a caller can check for cancellation
        between short waits without missing anything.
        """
        if self._stop.is_set():
            return False
        period = self.safety_interval if self.mode == "events" else (self.poll_interval or DEFAULT_POLL)
        deadline = self._last_report + period
        limit = deadline - time.monotonic()
        if timeout is not None:
            limit = min(limit, timeout)
        got = self._changed.wait(max(limit, 0.0))
        self._changed.clear()
        if self._stop.is_set():
            return False
        if self.mode == "polling" and self.reason == NO_LOGDIR and self._thread is None:
            # Polling only because the logdir was missing: it may exist now, so try file events.
            self._try_start_events()
            if self.mode == "events":
                got = True  # the logdir just appeared: worth a look right away
        if got or time.monotonic() >= deadline:
            self._last_report = time.monotonic()
            return True
        return False

    def poke(self) -> None:
        """Wake a waiting :meth:`wait` now (used on resume from pause and by tests)."""
        self._changed.set()

    def close(self) -> None:
        """Stop watching; a blocked :meth:`wait` returns False promptly."""
        self._stop.set()
        self._changed.set()
        self.mode = "stopped"

    # -- internals ------------------------------------------------------------------------------

    def _try_start_events(self) -> None:
        if not os.path.isdir(self.path):
            self.mode, self.reason = "polling", NO_LOGDIR
            return
        factory = self._factory
        if factory is None:
            try:
                from watchfiles import watch as factory
            except ImportError:  # pragma: no cover - watchfiles is a dependency
                self.mode, self.reason = "polling", "watchfiles is not installed"
                return
        failure: list[str] = []

        def run() -> None:
            try:
                gen = factory(
                    self.path,
                    watch_filter=None,
                    debounce=150,
                    step=30,
                    stop_event=self._stop,
                    rust_timeout=1000,
                    yield_on_timeout=True,
                    raise_interrupt=False,
                    ignore_permission_denied=True,
                )
                for changes in gen:
                    if self._stop.is_set():
                        break
                    if changes:
                        self._changed.set()
            except Exception as e:  # watch limits, vanished logdir, unsupported filesystem
                failure.append(str(e) or type(e).__name__)
            finally:
                with self._lock:
                    self._thread = None
                    if not self._stop.is_set():
                        self.mode = "polling"
                        self.reason = f"file events stopped: {failure[0]}" if failure else "file events ended"
                        self._changed.set()  # let a waiter notice the switch

        with self._lock:
            self.mode = "events"
            self.reason = ""
            self._thread = threading.Thread(target=run, name="tbtui-watch", daemon=True)
            self._thread.start()
        # No waiting for the watcher to come up: if it fails, its thread switches to polling and
        # wakes the waiter, so the loader never stalls on a broken watch.
