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

The feed also keeps *which* paths changed (:meth:`ChangeFeed.take_changes`), so a refresh after
nothing but appends to known files can skip walking the tree; whenever it cannot know (polling,
the safety tick, too many changes), it says so and the caller walks.

The watch is tied to the logdir's inode: when the logdir is deleted (or replaced by another
directory), the watcher notices within a second, stops, and the feed watches the new directory as
soon as one is there, instead of staying on the dead inode.

Nothing here imports Textual; the feed is plain threading so tests can drive it directly.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Callable

__all__ = ["ChangeFeed"]

#: Polling interval used when file events are unavailable and none was asked for.
DEFAULT_POLL = 1.0
#: Even with file events, refresh this often in case an event was lost.
SAFETY_INTERVAL = 10.0
NO_LOGDIR = "logdir does not exist yet"
NOT_A_DIR = "logdir is not a directory"
LOGDIR_GONE = "logdir was deleted or replaced"
#: Reasons for polling that end by themselves: the feed tries file events again on every wait.
_RETRY = (NO_LOGDIR, NOT_A_DIR, LOGDIR_GONE)
#: Beyond this many changed paths between two refreshes, the feed just says "anything may have changed".
MAX_CHANGES = 10_000


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
        self._changes: set[tuple[str, str]] | None = None  # None: unknown, walk everything
        #: (device, inode) of the directory being watched, while file events are on.
        self.watching: tuple[int, int] | None = None
        #: How many watches were started (a deleted and recreated logdir starts another).
        self.armed = 0
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
        if self.mode == "polling" and self.reason in _RETRY and self._thread is None:
            # Polling only because there was no directory to watch: there may be one now.
            self._try_start_events()
            if self.mode == "events":
                got = True  # the logdir just appeared: worth a look right away
                self._unknown()
        if got or time.monotonic() >= deadline:
            if not got or self.mode != "events":
                self._unknown()  # a poll or the safety tick: nobody knows what changed
            self._last_report = time.monotonic()
            return True
        return False

    def take_changes(self) -> set[tuple[str, str]] | None:
        """The (kind, path) changes since the last call ("added", "modified", "deleted"), or None.

        None means "anything may have changed" (the first call, polling, the safety tick, a restart
        of the watch, too many changes): the caller should look at everything.
        """
        with self._lock:
            out, self._changes = self._changes, set()
        return out

    def poke(self) -> None:
        """Wake a waiting :meth:`wait` now (used on resume from pause and by tests)."""
        self._unknown()
        self._changed.set()

    def _unknown(self) -> None:
        with self._lock:
            self._changes = None

    def _record(self, changes: set[tuple[object, str]]) -> None:
        with self._lock:
            if self._changes is None:
                return
            self._changes.update((getattr(c, "name", str(c)), p) for c, p in changes)
            if len(self._changes) > MAX_CHANGES:
                self._changes = None

    def close(self) -> None:
        """Stop watching; a blocked :meth:`wait` returns False promptly."""
        self._stop.set()
        self._changed.set()
        self.mode = "stopped"

    # -- internals ------------------------------------------------------------------------------

    def _identity(self) -> tuple[int, int] | None:
        """(device, inode) of the logdir, or None when it is missing or not a directory."""
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None

    def _try_start_events(self) -> None:
        ident = self._identity()
        if ident is None:
            self.mode, self.reason = "polling", (NOT_A_DIR if os.path.exists(self.path) else NO_LOGDIR)
            return
        factory = self._factory
        if factory is None:
            try:
                from watchfiles import watch as factory
            except ImportError:  # pragma: no cover - watchfiles is a dependency
                self.mode, self.reason = "polling", "watchfiles is not installed"
                return
        failure: list[str] = []
        moved: list[bool] = []
        root = os.path.abspath(self.path)

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
                        self._record(changes)
                        self._changed.set()
                    # The watch on a deleted logdir never fires again, even when a new directory
                    # (often with the same inode number) takes its place: an event on the logdir
                    # itself, or a new identity (checked at every yield, so at least every second
                    # in case that event was lost), ends this watch so the feed starts another.
                    if any(os.path.abspath(p) == root for _, p in changes) or self._identity() != ident:
                        moved.append(True)
                        break
            except FileNotFoundError:  # the logdir went away before the watch was set up
                moved.append(True)
            except Exception as e:  # watch limits, unsupported filesystem
                failure.append(str(e) or type(e).__name__)
            finally:
                if self._identity() != ident:
                    moved.append(True)
                with self._lock:
                    self._thread = None
                    self.watching = None
                    self._changes = None
                    if not self._stop.is_set():
                        self.mode = "polling"
                        if moved:
                            self.reason = LOGDIR_GONE
                        elif failure:
                            self.reason = f"file events stopped: {failure[0]}"
                        else:
                            self.reason = "file events ended"
                        self._changed.set()  # let a waiter notice the switch

        with self._lock:
            self.mode = "events"
            self.reason = ""
            self.watching = ident
            self.armed += 1
            self._thread = threading.Thread(target=run, name="tbtui-watch", daemon=True)
            self._thread.start()
        # No waiting for the watcher to come up: if it fails, its thread switches to polling and
        # wakes the waiter, so the loader never stalls on a broken watch.
