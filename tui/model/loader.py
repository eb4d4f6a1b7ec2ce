"""The loader: reads a logdir slice by slice on its own thread, and after each slice says what changed.

    discover ──> refresh(max_bytes) slice by slice ──> publish(changes, loading) ──> wait for the watch

It never touches the screen: the app gives it a ``publish`` callback (which posts a message to the UI
thread) and an ``on_mode`` callback for the watch mode. Pausing stops reading between slices; closing
ends the thread at its next wait.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from tui.model import parallel
from tui.model.logdir import Changes, Logdir
from tui.model.watch import ChangeFeed

__all__ = [
    "ASIDE_SECONDS",
    "FIRST_SECONDS",
    "INPUT_HOLD",
    "MIN_READ",
    "PUBLISH_SECONDS",
    "REMOTE_POLL",
    "SLICE_BYTES",
    "SLICE_SECONDS",
    "WORKER_NICE",
    "Loader",
    "loaded_fraction",
]

#: Bytes the loader reads before publishing what it has (the first slice decides the first frame).
SLICE_BYTES = 8 << 20
#: ... and seconds: a slice of thousands of tiny runs costs more in per-run work than in bytes, and
#: the screen catches up (the run list, the charts of the runs read so far) only between slices.
SLICE_SECONDS = 0.25
#: The first pass publishes every slice for this long (the first screen's runs), then at most
#: every PUBLISH_SECONDS (see :meth:`Loader._publish_now`).
FIRST_SECONDS = 1.0
PUBLISH_SECONDS = 1.0
#: Seconds between polls of a remote logdir (one listing each) when no --poll was given: object
#: stores and ssh have no file events.
REMOTE_POLL = 5.0
#: Seconds the loader stands aside after a key (see :meth:`Loader.hold`): about what the app takes
#: to answer one, which it does faster with the GIL to itself.
INPUT_HOLD = 0.12
#: ... and the least it reads between two holds, so a key held down slows the first pass, never
#: stops it.
MIN_READ = 0.05
#: Longest the loader stands aside while the UI thread applies a slice (see :meth:`Loader.stand_aside`),
#: should the UI never say it is done.
ASIDE_SECONDS = 0.25
#: How far the worker processes that read big runs (``model.parallel``) step back: on two cores,
#: two workers at full speed would leave the UI thread waiting for a core while it draws.
WORKER_NICE = 5


class Loader:
    """Reads ``logdir`` until closed: everything there is at first, then whatever the watch reports.

    ``publish(changes, loading)`` is called after every slice that changed something, with ``loading``
    the fraction read during the first pass (None once live); ``on_mode(mode)`` when the watch mode
    becomes known or changes. Both are called on the loader's thread.
    """

    def __init__(
        self,
        logdir: Logdir,
        *,
        publish: Callable[[Changes, float | None], None],
        on_mode: Callable[[str], None],
        poll: float | None = None,
        slice_bytes: int = SLICE_BYTES,
    ) -> None:
        self.logdir = logdir
        # Big runs are read by workers, one per core, niced, and this thread leaves them to them:
        # its reading would hold the GIL the UI thread needs (it reads first slices, and runs too
        # small to send). A worker niced below a busy reader here would wait, not the reader.
        if logdir.workers:  # (0: no workers wanted, or a single core)
            logdir.workers = parallel.default_workers(reading_here=False)
        logdir.parallel_take_back = False
        logdir.worker_nice = WORKER_NICE
        self.publish = publish
        self.on_mode = on_mode
        self.poll = poll if poll is not None or not logdir.remote else REMOTE_POLL
        self.slice_bytes = slice_bytes
        self.feed: ChangeFeed | None = None
        #: Set by the app once a screen with data is up; until then the loader yields after each slice.
        self.first_frame_shown = threading.Event()
        self._held_until = 0.0  # time.monotonic() until which no slice starts (see hold)
        self._aside_until = 0.0  # ... and while the UI applies a slice (see stand_aside)
        self._carried_on = threading.Event()  # set by carry_on: a stand-aside ends before its time
        self._published = float("-inf")  # time.monotonic() of the last publish of the first pass
        logdir.interrupt = self._held
        self._gate = threading.Event()
        self._gate.set()
        self._closing = threading.Event()

    @property
    def mode(self) -> str:
        """The watch mode ("events", "polling") once known, else "live"."""
        return self.feed.mode if self.feed else "live"

    @property
    def reason(self) -> str:
        """Why the watch polls, when it does."""
        return self.feed.reason if self.feed else ""

    def run(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """The thread's body: the first pass, then one pass per change the watch reports."""
        feed = ChangeFeed(self.logdir.path, poll_interval=self.poll)
        if self.logdir.remote:
            feed.reason = f"remote, every {self.poll:g} s"
        self.feed = feed
        stop = lambda: cancelled() or self._closing.is_set()  # noqa: E731
        try:
            self._read_available(stop, first=True)
            self.on_mode(feed.mode)
            mode = feed.mode
            while not stop():
                changed = feed.wait(0.2)
                if feed.mode != mode:
                    mode = feed.mode
                    self.on_mode(mode)
                if changed and self._gate.is_set():
                    self._read_available(stop, first=False)
        finally:
            feed.close()
            self.logdir.close_workers()  # closing mid-read: their runs are not waited for
            self.logdir.save_cache()  # what changed since the first pass (a no-op without a cache)

    def hold(self) -> None:
        """A key was pressed (called from the UI thread): the slice being read ends at its next run
        and the next one waits :data:`INPUT_HOLD` seconds, so the answer is drawn without taking
        turns with this thread for the GIL (on a sweep of thousands of runs, keys pressed while the
        first pass read took 100-250 ms to show). A hold is not extended until the loader has read
        for :data:`MIN_READ` seconds since the last one."""
        now = time.monotonic()
        if now >= self._held_until + MIN_READ:
            self._held_until = now + INPUT_HOLD

    def stand_aside(self) -> None:
        """The UI thread applies what was read (called from it, at a push of the first pass): the
        slice being read ends at its next run and the next one waits until :meth:`carry_on`, at most
        :data:`ASIDE_SECONDS`. Two threads taking turns for the GIL each take twice as long, and a
        key that arrives meanwhile waits for the UI thread's part: at 2,000 runs a push and its
        frame are 100-200 ms of the UI's time, the reading alongside made them 200-400."""
        if not self._closing.is_set():  # a closing loader stands aside for nothing
            self._carried_on.clear()
        self._aside_until = time.monotonic() + ASIDE_SECONDS

    def carry_on(self) -> None:
        """The UI thread has drawn what it applied: the loader reads on (see :meth:`stand_aside`)."""
        self._aside_until = 0.0
        self._carried_on.set()

    def _held(self) -> bool:
        now = time.monotonic()
        return now < self._held_until or now < self._aside_until

    def _wait_hold(self) -> None:
        """Before a slice: wait out a hold, and a stand-aside until the UI says it is done."""
        left = self._held_until - time.monotonic()
        if left > 0:
            self._closing.wait(left)
        aside = self._aside_until - time.monotonic()
        if aside > 0:
            self._carried_on.wait(aside)  # close() sets it too: a closing app waits for nothing

    def _save_cache(self, stop: Callable[[], bool]) -> None:
        """Write the reopen cache's entries, standing aside for a key as a slice does (:meth:`hold`):
        at the end of the first pass over 2,000 runs the entries are ~3 s of CPU, and the first keys
        on the loaded screen came while they were written."""
        while not stop():
            self._wait_hold()
            self.logdir.save_cache(until=lambda: stop() or self._held())
            if not self._held():
                return

    def pause(self) -> None:
        self._gate.clear()

    def resume(self) -> None:
        self._gate.set()
        if self.feed is not None:
            self.feed.poke()

    def close(self) -> None:
        self._closing.set()
        self._carried_on.set()
        if self.feed is not None:
            self.feed.close()

    def _read_available(self, stop: Callable[[], bool], *, first: bool) -> None:
        """Read everything there is, one slice at a time, publishing after each slice.

        Progress is judged by the runs' versions as well as ``bytes_read``: the reader prefetches
        the next chunk on another thread, so a slice can ingest records without its own byte count
        moving. Reading stops after two slices in a row that changed nothing and left nothing
        pending.
        """
        logdir = self.logdir
        done = 0
        if first:
            # A long walk (thousands of folders on a slow disk) says how many runs it has found.
            logdir.discover(lambda found: self.publish(Changes(runs_total=found, runs_unknown=found), 0.0))
            # The run list at once, before any file is read or even stat'ed: on a slow disk or
            # NFS, a look at thousands of files is seconds the first screen would wait for.
            runs = sum(not r.gone for r in logdir.runs.values())
            self.publish(Changes(new_runs=list(logdir.runs), runs_total=runs, runs_unknown=runs), 0.0)
        # Walk the tree only when something may have been added, removed or replaced.
        changes = None if first or self.feed is None else self.feed.take_changes()
        rediscover = not first and logdir.needs_discovery(changes)
        # Appends to known files (the watcher says which): only their runs are looked at again, not
        # a stat of every file of a sweep for each write of one run.
        look_at = logdir.runs_holding(p for _, p in changes) if changes and not rediscover else None
        idle_slices = 0
        started = time.monotonic()
        held: Changes | None = None  # changes not published yet (see _publish_now)
        signature = self._signature()
        fault = logdir.fault
        # The first slice is one file's first megabyte: enough for a chart, and quick.
        budget = 1 if first else self.slice_bytes
        while not stop() and self._gate.is_set():
            self._wait_hold()
            ch = logdir.refresh(
                budget,
                rediscover=rediscover,
                max_seconds=SLICE_SECONDS,
                known_only=first or look_at is not None,
                look_at=look_at or (),
            )
            budget = self.slice_bytes
            rediscover = logdir.needs_discovery(set())  # a file found replaced, or a walk put off
            done += ch.bytes_read
            now = self._signature()
            # A storage fault appearing or clearing is news for the status bar too.
            changed = ch.any or now != signature or ch.fault != fault
            signature, fault = now, ch.fault
            if changed:
                held = held + ch if held is not None else ch
                loading = loaded_fraction(done, ch) if first and ch.pending else None
                if not first or loading is None or self._publish_now(started):
                    self.publish(held, loading)
                    held, self._published = None, time.monotonic()
                if first and not self.first_frame_shown.is_set():
                    # Let the UI thread take the GIL and draw the first screen before the next slice.
                    self._closing.wait(0.05)
            if changed or ch.bytes_read or (ch.pending and logdir.reading_elsewhere):
                # (a refresh waits for the workers up to SLICE_SECONDS: no spinning)
                idle_slices = 0
            elif not ch.pending:
                idle_slices += 1
                if idle_slices >= 2:
                    break
            else:
                idle_slices += 1
                if idle_slices > 200:  # bytes on disk that never become records: stop spinning
                    break
                self._closing.wait(0.005)
        if held is not None:
            self.publish(held, None if not first else 0.999)
        if first:
            self.publish(Changes(), None)
            # The next open starts from here. Saved on this thread, between reads: the entry must
            # not catch a reader mid-chunk.
            self._save_cache(stop)

    def _publish_now(self, started: float) -> bool:
        """Whether the first pass publishes the slice just read, or holds it for the next.

        Every slice, until the first screen is up and for FIRST_SECONDS after the pass started
        (the runs on screen are read first); then at most every PUBLISH_SECONDS. Each publish
        redraws the screen, and with a sweep of 2,000 runs a chart of every run read so far: four
        a second took as much CPU as the reading, and stretched a pass of seconds into tens.
        """
        now = time.monotonic()
        if not self.first_frame_shown.is_set() or now - started < FIRST_SECONDS:
            return True
        return now - self._published >= PUBLISH_SECONDS

    def _signature(self) -> tuple[int, int]:
        """Changes whenever any run gains data or problems (runs bump ``version`` on each)."""
        runs = self.logdir.runs
        return len(runs), sum(r.version for r in runs.values())


def loaded_fraction(done: int, ch: Changes) -> float:
    """The share of the first pass read: ``done`` bytes of ``done`` plus what is left.

    A run not looked at yet (its files' sizes unknown: see ``Logdir._count_pending``) counts as
    big as the runs read so far are on average; below 1 until the pass ends.
    """
    known = ch.runs_total - ch.runs_unknown
    guess = ch.runs_unknown * (done / known if known > 0 else 0)
    left = ch.pending - ch.runs_unknown + guess  # (each unknown run counts one byte in pending)
    return min(done / (done + left), 0.999) if done + left > 0 else 0.0
