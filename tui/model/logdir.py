"""A logdir in memory: runs found as TensorBoard finds them, loaded incrementally.

``Logdir.refresh()`` is the one entry point for reading: it rediscovers runs and files, then reads
only the bytes each file gained since last time, within a byte budget so a caller (the app's loader
thread) can publish what it has after every slice and keep the first screen fast. It is meant to be
called from one thread; other threads may read ``runs`` and the series snapshots at any time, since
every dict that gains keys is replaced rather than mutated and series publish their columns
atomically (see series.py).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Collection, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from tui.model import heap, parallel
from tui.model.discovery import Discovery
from tui.model.file_order import FileOrder
from tui.model.run import Run
from tui.model.series import QUIET_SECONDS
from tui.model.storage import RemoteStorage, StorageError, local_path, open_storage
from tui.model.watch import NO_LOGDIR, NOT_A_DIR
from tui.tfevents.records import DEFAULT_CHUNK, HEADER, VANISHED, RecordReader

if TYPE_CHECKING:
    from tui.model.cache import ReadCache

# First pass reads this much of each run (its files in order) so every run has something to draw quickly.
FIRST_SLICE = 1 << 20
# What one read of a remote file takes (a request each; locally records.DEFAULT_CHUNK).
REMOTE_CHUNK = 8 << 20
#: A run still to be read from (almost) its start is read by a worker process (``model.parallel``)
#: when it holds this many bytes, there are two such runs or more, and they hold
#: PARALLEL_TOTAL_BYTES in all: starting the workers costs about 0.4 s of a core, what about
#: 50 MB of reading costs, and a single run gains nothing from another process but the wait.
PARALLEL_RUN_BYTES = 16 << 20
PARALLEL_TOTAL_BYTES = 128 << 20


#: A walk of the whole tree may take at most this share of the time (a huge tree is walked less
#: often, never more than a tenth of a core); walks under _CHEAP_WALK seconds are never put off.
_WALK_SHARE = 0.1
_CHEAP_WALK = 0.05


@dataclass
class Changes:
    """What one refresh did: new runs, runs whose data changed, bytes read and still waiting."""

    new_runs: list[str] = field(default_factory=list)
    changed_runs: set[str] = field(default_factory=set)
    bytes_read: int = 0
    pending: int = 0
    #: A storage fault (remote logdirs) that cut this refresh short; what was read before it stays.
    fault: str | None = None
    #: Runs read to their end as of their last look, and runs in all (not gone): the first pass's
    #: progress as a sweep's user counts it ("loading 312/2,000 runs").
    runs_read: int = 0
    runs_total: int = 0
    #: Runs with a file whose size is not known yet (never looked at): each counts one byte in
    #: ``pending``, so the reading goes on, until its first read tells its size.
    runs_unknown: int = 0

    @property
    def any(self) -> bool:
        return bool(self.new_runs or self.changed_runs)

    def __add__(self, later: Changes) -> Changes:
        """These changes and ``later`` ones as one: what was read adds up, what is left is later's."""
        return replace(
            later,
            new_runs=[*self.new_runs, *later.new_runs],
            changed_runs=self.changed_runs | later.changed_runs,
            bytes_read=self.bytes_read + later.bytes_read,
        )


class Logdir:
    """Every run under one directory or fsspec URL (see ``model.storage``), read incrementally.

    Storage faults (a network down, expired credentials, a missing bucket) never escape
    :meth:`refresh` or :meth:`discover`: they end the refresh early, keep what was read, and stay
    in :attr:`fault` until the storage answers again.
    """

    def __init__(
        self,
        path: str,
        *,
        check_crc: bool = True,
        chunk_bytes: int | None = None,
        first_slice: int = FIRST_SLICE,
        storage: RemoteStorage | None = None,
        cache: ReadCache | None = None,
        workers: int | None = None,
    ) -> None:
        #: A remote store for a URL; None for the local disk (the fast path: os and open).
        self.storage = storage if storage is not None else open_storage(path)
        self.path = path if self.storage is not None else local_path(path)
        #: The latest storage fault while it lasts (None: the storage answered last time).
        self.fault: str | None = None
        self._remote_found = False  # the last remote listing found event files
        self.check_crc = check_crc
        # A chunk is decoded while the next is read and checked: both, and the copies decoding
        # makes, are what a load needs beyond the points it keeps. Locally 4 MB chunks cost no
        # more time than 8 MB ones; remotely every read is a request, so they are larger.
        self.chunk_bytes = chunk_bytes or (REMOTE_CHUNK if self.storage is not None else DEFAULT_CHUNK)
        self.first_slice = first_slice
        self.runs: dict[str, Run] = {}
        self.generation = 0
        self.loaded_once = False
        self._caught_up = False  # a refresh has found nothing left to read
        self._trimmed: set[str] = set()  # runs whose columns keep no spare room (see _trim_quiet)
        self._first_pass_done: set[str] = set()  # files whose run read a first slice from them
        self._order: dict[str, FileOrder] = {}
        self._discovery = Discovery(path)
        self._tracked: frozenset[str] = frozenset()  # absolute paths of every file a reader reads
        self._walk_owed = False  # a change asked for a walk that was put off
        self._holder: dict[str, str] = {}  # absolute path of every file a reader reads -> its run
        #: Runs to read before the others, most wanted first (see :meth:`read_first`).
        self._wanted: tuple[str, ...] = ()
        self._next_walk = 0.0  # time.monotonic() before which a wanted walk is put off
        #: What discovery could not search (unreadable folders, links not followed, too deep), and
        #: a logdir that is not a directory. Rebuilt by every discovery.
        self.problems: list[str] = []
        #: The reopen cache (see ``model.cache``): a run found for the first time starts from its
        #: entry when there is a valid one, and :meth:`save_cache` writes what was read back.
        self.cache = cache
        #: Worker processes for cold reads of big runs (0: everything in this process; None: one
        #: fewer than cores, see ``parallel.default_workers``); the thresholds say what is big
        #: enough. The app's loader changes these (see ``model.loader``).
        self.workers = parallel.default_workers() if workers is None else workers
        self.parallel_run_bytes = PARALLEL_RUN_BYTES
        self.parallel_total_bytes = PARALLEL_TOTAL_BYTES
        self.parallel_min_runs = 2
        #: Runs sent but not started by any worker are taken back and read here when this
        #: process has nothing else to read (see :meth:`_take_back_one`).
        self.parallel_take_back = True
        #: Runs whose cold read came from a worker, in the order they came (tests, benchmarks).
        self.read_by_workers: list[str] = []
        #: How much the workers step back (``os.nice``): the app's loader sets it, so that its UI
        #: thread keeps a core; a CLI command wants the throughput.
        self.worker_nice = 0
        #: Why the last worker's read was not used (its run was read here instead), if one failed.
        self.worker_fault: str | None = None
        #: Whether packing gives the memory it frees back to the system (``model.heap``). Not in a
        #: worker, whose next run reuses it: given back, its pages would be faulted in again.
        self.gives_memory_back = True
        self._pool: parallel.RunPool | None = None
        self._pool_broken = False
        self._in_flight: dict[str, tuple[Run, Future]] = {}  # run name -> the run sent, its read
        self._judged: set[int] = set()  # id() of runs already considered for a worker
        self._sliced: dict[int, int] = {}  # id(run) -> bytes its first slice took (until judged)
        #: Per run, what :meth:`_count_pending` found at its last look: (the run, its ``files``
        #: mapping then, bytes still to read, whether a file's size was unknown). Only runs read
        #: since, or whose files changed, are looked at again: see :meth:`_count_pending`.
        self._pending: dict[str, tuple[Run, dict, int, bool]] = {}
        #: Where the last round of chunks stopped (the next run's name), when a budget or deadline
        #: cut it: the next refresh goes on from there (see :meth:`_read_slices`).
        self._resume: str | None = None
        self._touched: set[str] = set()  # runs read from (or tried) since the last count
        #: Asked between runs by a refresh with a time limit: True ends it there, as its deadline
        #: would (the app's loader: a key was pressed, see ``Loader.hold``).
        self.interrupt: Callable[[], bool] | None = None

    @property
    def remote(self) -> bool:
        return self.storage is not None

    @property
    def exists(self) -> bool:
        if self.remote:  # as of the last listing: the UI asks often, and gets no request
            return self._remote_found or bool(self.runs)
        return os.path.isdir(self.path)

    @property
    def absence(self) -> str | None:
        """Why there is no directory to read (None when there is one), as a status line says it.

        The reason comes before the path: a status line too narrow for both cuts the end, and an
        absolute path on a training box is often longer than the terminal is wide.
        """
        if self.remote:
            if self.exists or self.fault or not self.loaded_once:
                return None
            return f"no event files yet, waiting for them: {self.path}"
        if os.path.isdir(self.path):
            return None
        if os.path.exists(self.path):
            return f"{NOT_A_DIR}, waiting for a directory there: {self.path}"
        return f"{NO_LOGDIR}, waiting for it to appear: {self.path}"

    def needs_discovery(self, changes: Iterable[tuple[str, str]] | None) -> bool:
        """Whether file-system ``changes`` ((kind, path) pairs; None: unknown) may add or move runs.

        Appends to files already being read, the common case while training writes, need no walk
        of the tree: only something added, deleted or renamed does, or a file that is no longer the
        one its reader read.
        """
        if any(r.replaced for run in self.runs.values() for r in run.files.values()):
            return True
        if changes is None or any(
            kind != "modified" or os.path.abspath(p) not in self._tracked for kind, p in changes
        ):
            self._walk_owed = True
        # On a tree so big that walking it is costly, walks are spaced out: the change is owed, and
        # a later call (the next wake, at the latest the feed's safety tick) walks.
        return self._walk_owed and time.monotonic() >= self._next_walk

    def runs_holding(self, paths: Iterable[str]) -> set[str]:
        """The runs that read these files (paths as the watcher reports them; others are ignored)."""
        holder = self._holder
        return {run for p in paths if (run := holder.get(os.path.abspath(p))) is not None}

    def discover(self, progress: Callable[[int], None] | None = None) -> list[str]:
        """Find new runs and files, runs that are gone or renamed, and files that were replaced.

        Returns the names of new runs. A run whose files were replaced (or shrank) is read again
        from the start: its points cannot be told apart by file, and mixing the old file's points
        with the new one's would show neither. A run renamed on disk keeps its points and readers
        under the new name (its files are the same inodes); one that disappeared is marked gone.
        ``progress`` hears how many runs a long local walk has found so far (see ``Discovery.walk``).
        """
        start = time.monotonic()
        if self.remote:
            try:
                found = self.storage.walk()  # one recursive listing, sizes included
            except StorageError as e:
                self.fault = str(e)
                return []
            self.fault, self._remote_found = None, bool(found)
            self._walk_owed, self._next_walk, self.problems = False, 0.0, []
        else:
            found = self._discovery.walk(progress)
            cost = time.monotonic() - start
            self._walk_owed = False
            self._next_walk = start + cost / _WALK_SHARE if cost > _CHEAP_WALK else 0.0
            absence = self.absence if os.path.exists(self.path) else None
            self.problems = ([absence] if absence else []) + self._discovery.problems
        runs = dict(self.runs)
        changed = False
        for name, run in runs.items():
            fresh = self._reread_if_replaced(run, found.get(name, []))
            if fresh is not None:
                runs[name], changed = fresh, True
        changed |= self._follow_renames(runs, found)
        new_runs: list[str] = []
        for name, paths in found.items():
            run = runs.get(name)
            if run is None:
                restored = self.cache.restore(self, name, paths) if self.cache is not None else None
                run = runs[name] = Run(name) if restored is None else restored
                new_runs.append(name)
            if run.gone:
                run.gone, changed = False, True
            missing = [p for p in paths if p not in run.files]
            if missing:
                run.files = {**run.files, **{p: self._reader(p) for p in missing}}
                changed = True
        for name, run in runs.items():
            if name not in found and not run.gone:
                run.gone, changed = True, True
                run.version += 1
        if changed or new_runs:
            self.runs = dict(sorted(runs.items()))
            self._tracked = frozenset(os.path.abspath(p) for r in self.runs.values() for p in r.files)
            self._holder = {os.path.abspath(p): n for n, r in self.runs.items() for p in r.files}
            self.generation += 1
        return new_runs

    def _reader(self, path: str) -> RecordReader:
        if not self.remote:
            return RecordReader(path, check_crc=self.check_crc, chunk_bytes=self.chunk_bytes)
        self.storage.forget(path)  # a new reader starts at byte 0: nothing of it was read yet
        return RecordReader(path, check_crc=self.check_crc, chunk_bytes=self.chunk_bytes, source=self.storage)

    def _file_exists(self, path: str) -> bool:
        return self.storage.size(path) >= 0 if self.remote else os.path.lexists(path)

    def _reread_if_replaced(self, run: Run, paths: list[str]) -> Run | None:
        """A fresh Run (fresh readers for every file) if one of ``run``'s files was replaced."""
        why = next(((p, w) for p, r in run.files.items() if (w := r.identity_changed())), None)
        if why is None:
            return None
        path, reason = why
        fresh = Run(run.name, version=run.version + 1)
        keep = [p for p in sorted(set(paths) | set(run.files)) if self._file_exists(p)]
        fresh.files = {p: self._reader(p) for p in keep}
        if path in fresh.files:
            fresh.files[path].problems.append(
                f"{reason}; the run was re-read from the start, dropping the old file's points"
            )
        self._first_pass_done -= set(run.files)
        return fresh

    def _follow_renames(self, runs: dict[str, Run], found: dict[str, list[str]]) -> bool:
        """Re-key readers whose file now lives under another path (same device and inode).

        A renamed run directory moves the whole run (points, readers, offsets) to its new name, so
        it appears once; a renamed file keeps being read where its reader stopped.
        """
        found_paths = {p for paths in found.values() for p in paths}
        lost = {
            r.ident: (name, p)
            for name, run in runs.items()
            for p, r in run.files.items()
            if r.ident is not None and p not in found_paths
        }
        if not lost:
            return False
        known = {p for run in runs.values() for p in run.files}
        moved = False
        for new_name, paths in found.items():
            for new_path in paths:
                if new_path in known:
                    continue
                try:
                    st = os.stat(new_path)
                except OSError:
                    continue
                hit = lost.get((st.st_dev, st.st_ino))
                if hit is None or not runs[hit[0]].files[hit[1]].is_same_file(new_path):
                    continue
                del lost[(st.st_dev, st.st_ino)]
                old_name, old_path = hit
                run = runs[old_name]
                if old_name != new_name and new_name not in runs and old_name not in found:
                    run = runs[new_name] = replace(run, name=new_name)
                    del runs[old_name]
                elif old_name != new_name:
                    continue  # moved into another live run: read there as a new file
                reader = run.files[old_path]
                reader.path = new_path
                reader.problems[:] = [q for q in reader.problems if q != VANISHED]
                run.files = {(new_path if p == old_path else p): r for p, r in run.files.items()}
                moved = True
        return moved

    def pending_bytes(self) -> int:
        """Bytes on disk that refreshes will still read (stats every file that is still to come).

        Files a run's reading order has left behind (see :class:`FileOrder`) are not counted:
        TensorBoard never reads them again, so neither does tbtui, and counting what they gained
        would keep the app "loading" forever. A refresh counts incrementally instead (see
        :meth:`_count_pending`); this is the full look, one ``stat`` a file.
        """
        return sum(self._run_pending(run, look=True)[0] for run in self.runs.values())

    def _run_pending(self, run: Run, *, look: bool) -> tuple[int, bool]:
        """Bytes of ``run`` still to read, and whether a file's size is unknown.

        With ``look``, every file still to come is stat'ed. Without, a local file's size is the
        one its reader saw at its last read (a read stats the file first), and a file never read
        is unknown: on a sweep of thousands of runs over NFS, a stat of every file after every
        slice was most of the loader's time, and a file's growth is the watcher's news anyway.
        """
        total, unknown = 0, False
        order = self._file_order(run)
        for r in order.ahead():
            r.settle()
            # Read ahead by the reader's prefetch but not ingested yet: still to come.
            total += max(0, r.offset - order.taken.get(id(r), 0))
            if r.stopped or r.replaced:
                continue
            if look or r.source is not None:  # (a remote size comes from the last listing)
                size = r.stat_size()
            elif r.mtime:  # read at least once: its size then
                size = r.size
            else:
                unknown = True
                continue
            if size <= r.offset:
                continue
            # An incomplete record already seen at this size is not pending: it waits for
            # the writer, and counting it would keep a torn file "loading" forever.
            total += r.pending if size == r.size else size - r.offset
        return total, unknown

    def _count_pending(self, changes: Changes, touched: set[str]) -> None:
        """Fill ``changes``' pending bytes and progress, looking again only at the runs ``touched``
        (read from, or tried) in this refresh and those whose files changed since their last look.

        The other runs keep what their last look found: no file is stat'ed for the count (a read
        stats its file, and the run is looked at again after it). O(runs) in dict look-ups per
        slice, not O(files) in system calls.
        """
        known = self._pending
        counted: dict[str, tuple[Run, dict, int, bool]] = {}
        pending = read = unknown = total = 0
        for name, run in self.runs.items():
            entry = known.get(name)
            if entry is None or name in touched or entry[0] is not run or entry[1] is not run.files:
                entry = (run, run.files, *self._run_pending(run, look=False))
            counted[name] = entry
            _, _, left, blind = entry
            pending += left + blind
            if run.gone:
                continue
            total += 1
            unknown += blind
            read += not left and not blind and name not in self._in_flight
        self._pending = counted
        changes.pending, changes.runs_read, changes.runs_total = pending, read, total
        changes.runs_unknown = unknown

    def read_first(self, runs: Iterable[str]) -> None:
        """Read these runs before the others, in this order (the runs the screen shows first).

        Called from the UI thread whenever what is on screen changes; the loader's next slice
        follows it. With thousands of runs the first pass takes a while, and the runs on screen
        (the run list's visible rows, the focused run, the runs a chart shows) come first.
        """
        wanted = tuple(runs)
        if wanted != self._wanted:
            self._wanted = wanted
            self._resume = None  # the screen moved: the next round starts with what it shows

    def _reading_order(self) -> list[tuple[str, Run]]:
        """Every run, the wanted ones first (see :meth:`read_first`), then the rest in name order."""
        runs = self.runs
        wanted = self._wanted
        if not wanted:
            return list(runs.items())
        first = {name: runs[name] for name in wanted if name in runs}
        return [*first.items(), *((n, r) for n, r in runs.items() if n not in first)]

    def refresh(
        self,
        max_bytes: int | None = None,
        *,
        rediscover: bool = True,
        max_seconds: float | None = None,
        known_only: bool = False,
        look_at: Collection[str] = (),
    ) -> Changes:
        """Discover, then read new bytes: at most about ``max_bytes`` (None: everything).

        Each run's files are read strictly in TensorBoard's order (see :class:`FileOrder`), so
        points are stored in the order TensorBoard holds them and restart purges see what it
        sees. Within that order the budget is shared out so the first screen comes early: first
        a slice (``first_slice``) of each run whose file being read has not had one yet, then one
        chunk per run per round; runs in :meth:`read_first`'s order. ``max_seconds`` bounds the time
        a call reads for too: thousands of tiny runs cost more in per-run work than in bytes, and
        the loader publishes (and the screen catches up) after each call. ``known_only``: runs read
        to their end at their last look are not looked at again (the loader's first pass, whose
        watcher reports what grows meanwhile): no ``stat`` of every file in every slice; the runs
        ``look_at`` are looked at all the same (those the watcher saw written to).
        """
        changes = Changes()
        listed = True
        if rediscover:
            changes.new_runs = self.discover()
            listed = self.fault is None
        if listed:
            try:
                deadline = time.monotonic() + max_seconds if max_seconds is not None else None
                self._read_slices(changes, max_bytes, deadline, known_only=known_only, look_at=look_at)
            except StorageError as e:  # what was read stays; the next refresh goes on from there
                self.fault = str(e)
            else:
                if changes.bytes_read:
                    self.fault = None  # the storage answered again
        if changes.any:
            self.generation += 1
        self._count_pending(changes, self._touched)
        self._touched = set()
        changes.fault = self.fault
        self._trimmed -= changes.changed_runs
        if listed and not changes.pending:
            self._trim_quiet(changes)
        self.loaded_once = True
        return changes

    def _trim_quiet(self, changes: Changes) -> None:
        """Runs that stopped growing give their columns' spare room back (``model.series``): every
        run the first time the whole logdir is read, then each run quiet for QUIET_SECONDS. A run
        trimmed stays out of the loop until it grows again."""
        first = not self._caught_up
        quiet = 0.0 if first else QUIET_SECONDS
        if first and self.gives_memory_back:
            heap.give_back()  # the reading's temporaries, freed between the batches kept
        for name, run in self.runs.items():
            if name in self._trimmed or (name in changes.changed_runs and not first):
                continue
            pending = run.pending_bytes()
            if run.trim_room(quiet):
                self._trimmed.add(name)
            if self.gives_memory_back:
                heap.freed(pending)  # the batches it packed, before the next run packs (see model.heap)
        self._caught_up = True

    def _pack_read_here(self) -> None:
        """Pack the runs read here (every byte they had), while workers finish theirs.

        :meth:`_trim_quiet` would pack them once the workers are done, with the other cores idle;
        a run packed now is left alone there (a pack with nothing new to add copies nothing).
        """
        for name, run in self.runs.items():
            if name in self._in_flight or name in self._trimmed:
                continue
            pending = run.pending_bytes()
            if pending:
                run.trim_room()
                if self.gives_memory_back:
                    heap.freed(pending)

    def _read_slices(
        self,
        changes: Changes,
        max_bytes: int | None,
        deadline: float | None = None,
        *,
        known_only: bool = False,
        look_at: Collection[str] = (),
    ) -> None:
        budget = max_bytes if max_bytes is not None else float("inf")
        budget -= self._take_worker_reads(changes)
        for name, run in list(self.runs.items()):
            if name not in self._in_flight and self._note_ignored_files(run):
                changes.changed_runs.add(name)
        if max_bytes is None:  # nothing to show early: big runs go to workers before any slice
            self._send_to_workers(first_slice_read=False)
        runs_in_order = [(n, r) for n, r in self._reading_order() if n not in self._in_flight]
        # Remote, a request costs the same whatever its size up to a chunk: the first slice is one.
        first = self.chunk_bytes if self.remote else min(self.first_slice, self.chunk_bytes)
        self._prefetch(first, fresh_only=True)
        for name, run in runs_in_order:
            if budget <= 0 or (changes.bytes_read and self._past(deadline)):
                return
            order = self._file_order(run)
            start = order.current if order.current is not None else next(iter(order.readers), None)
            if start is None or start.path in self._first_pass_done:
                continue
            self._first_pass_done.add(start.path)
            got = 0
            while got < first:  # across files when the first ones are tiny (header only, empty)
                n = self._read_next(run, first - got)
                if not n:
                    break
                got += n
                if self.remote and got > first // 2:
                    break  # remote, each read is a request: no second one to top up a few bytes
            if got:
                changes.changed_runs.add(name)
                changes.bytes_read += got
                budget -= got
            if id(run) not in self._judged:
                self._sliced[id(run)] = got
        self._send_to_workers(first_slice_read=True)
        while True:
            runs_in_order = [(n, r) for n, r in runs_in_order if n not in self._in_flight]
            progressed = True
            while budget > 0 and progressed:
                progressed = False
                self._prefetch(self.chunk_bytes)
                for name, run in self._round(runs_in_order):
                    if budget <= 0 or (changes.bytes_read and self._past(deadline)):
                        self._resume = name  # the next refresh's round goes on from here
                        return
                    if known_only and name not in look_at and self._read_to_end(name, run):
                        continue
                    # With nothing to show early, a local run is read to its end before the
                    # next: the chunk its reader reads ahead is the one taken next (round-robin,
                    # every other run's chunk would be read on this thread). Remote runs go
                    # round-robin: each round fetches every run's next chunk at once.
                    while n := self._read_next(run, self.chunk_bytes):
                        changes.changed_runs.add(name)
                        changes.bytes_read += n
                        budget -= n
                        progressed = True
                        if max_bytes is not None or deadline is not None or self.remote:
                            break
                self._resume = None  # a whole round: the next starts with the runs wanted first
            # Nothing left to read here: wait for the workers, as long as the budget and time
            # allow; a run whose worker failed comes back to be read here, in the next round.
            if not self._in_flight or budget <= 0:
                return
            budget -= self._take_worker_reads(changes)
            if self.parallel_take_back and self._take_back_one():
                runs_in_order = self._reading_order()
                continue
            timeout = None if deadline is None else deadline - time.monotonic()
            if timeout is not None and timeout <= 0:
                return
            if self._in_flight:
                self._pack_read_here()
                wait([f for _, f in self._in_flight.values()], timeout, return_when=FIRST_COMPLETED)
            budget -= self._take_worker_reads(changes)
            runs_in_order = self._reading_order()

    def _past(self, deadline: float | None) -> bool:
        """Whether a refresh with this deadline stops before its next run: the deadline is past, or
        :attr:`interrupt` says so (someone waits for this thread's GIL: a key to answer). Asked once
        a refresh has read something: on a machine so busy that the walk over the runs before the
        first read outlasts the deadline, every refresh still reads a run."""
        if deadline is not None and time.monotonic() > deadline:
            return True
        return self.interrupt is not None and self.interrupt()

    def _round(self, runs: list[tuple[str, Run]]) -> list[tuple[str, Run]]:
        """``runs`` from where the last round was cut (by a budget or a deadline) on, then the rest.

        Every run in a round costs at least a ``stat``; when a slice's time cannot fit a round (a
        sweep of thousands of runs on a slow disk or NFS), restarting each round from the first
        run would read the first runs over and over and never reach the last ones.
        """
        if self._resume is None:
            return runs
        at = next((i for i, (name, _) in enumerate(runs) if name == self._resume), 0)
        return runs[at:] + runs[:at]

    def _read_to_end(self, name: str, run: Run) -> bool:
        """Whether ``run`` was read to the end of every file at its last look (its count)."""
        entry = self._pending.get(name)
        if entry is None or entry[0] is not run or entry[1] is not run.files:
            return False
        return not entry[2] and not entry[3]

    # -- worker processes (model.parallel) ------------------------------------------------------

    @property
    def reading_elsewhere(self) -> int:
        """Runs being read by worker processes now (their bytes still count as pending)."""
        return len(self._in_flight)

    def _send_to_workers(self, *, first_slice_read: bool) -> bool:
        """Hand big runs still to be read from their start to worker processes; whether any went.

        A run is judged once: when found (``first_slice_read`` False, for a read with nothing to
        show early) or once its first slice is in (the app's first screen comes from this
        process). One that has read more than its first slice here (restored from the reopen
        cache, or growing while live) goes on here: a worker starts from byte 0.
        """
        if self.remote or self.workers <= 0 or self._pool_broken:
            return False
        picked: list[tuple[bool, int, str, Run]] = []
        wanted = set(self._wanted)
        for name, run in self.runs.items():
            if id(run) in self._judged or name in self._in_flight or run.gone or not run.files:
                continue
            order = self._file_order(run)
            start = order.current if order.current is not None else next(iter(order.readers), None)
            if start is None or (first_slice_read and start.path not in self._first_pass_done):
                continue
            self._judged.add(id(run))
            sliced = self._sliced.pop(id(run), 0)
            if sum(order.taken.get(id(r), r.offset) for r in order.readers) > sliced:
                continue
            if any(r.replaced or r.stopped for r in run.files.values()):
                continue
            todo = sum(max(0, r.stat_size() - r.offset) for r in order.readers)
            if todo >= self.parallel_run_bytes:
                picked.append((name not in wanted, -todo, name, run))
        if not picked:
            return False
        if self._pool is None and (
            len(picked) < self.parallel_min_runs
            or -sum(t for _, t, _, _ in picked) < self.parallel_total_bytes
        ):
            return False
        if self._pool is None:
            try:
                self._pool = parallel.RunPool(  # (workers hand runs over as cache files)
                    min(self.workers, len(picked)),
                    preload=[__name__, "tui.model.cachefile"],
                    nice=self.worker_nice,
                )
            except Exception as e:  # no processes to be had (no forkserver, limits, semaphores...)
                self._worker_failed(e)
                self._pool_broken = True  # and none later: everything is read here
                return False
        # The runs on screen first, then the biggest: the last to finish decides the wait.
        for _, _, name, run in sorted(picked, key=lambda p: (p[0], p[1], p[2])):
            job = _Job(self.path, name, list(run.files), self.check_crc, self.chunk_bytes, self.first_slice)
            try:
                future = self._pool.submit(_read_alone, job)
            except Exception as e:  # a pool broken since (a worker died): read here
                self._worker_failed(e)
                return bool(self._in_flight)
            self._in_flight[name] = (run, future)
        return True

    def _take_back_one(self) -> bool:
        """Take back the last run sent that no worker has started; whether there was one.

        With nothing else to read, this process would only wait: it reads runs too, from the end
        of the queue (the smallest, as runs are sent biggest first), so no core waits while the
        workers start (a Python start and the imports) nor while the last of them finishes, and
        one worker fewer than cores keeps every core busy. In the app this is the loader thread
        reading slices, as it would without workers.
        """
        for name, (_, future) in reversed(list(self._in_flight.items())):
            if future.cancel():
                del self._in_flight[name]
                return True
        return False

    def _take_worker_reads(self, changes: Changes) -> int:
        """Adopt every run a worker has finished reading; returns the bytes they add.

        A run that changed here meanwhile (replaced, renamed, re-read) is not taken: it is read
        here, as is one whose worker failed or died (the reason kept in :attr:`worker_fault`).
        """
        added = 0
        for name, (sent, future) in list(self._in_flight.items()):
            # (a broken pool, met at the first of its runs, clears the rest: all read here)
            if not future.done() or self._in_flight.pop(name, None) is None:
                continue
            try:
                tree = parallel.take_over(future.result())
            except Exception as e:
                self._worker_failed(e)
                continue
            if self.runs.get(name) is sent:
                added += self._adopt_read(sent, tree, changes)
        if not self._in_flight:
            self.close_workers()
        return added

    def _adopt_read(self, sent: Run, tree: dict, changes: Changes) -> int:
        """Put the run a worker read in place of ``sent``, as the reopen cache restores one."""
        run: Run = tree["run"]
        run.name = sent.name
        run.version = max(run.version, sent.version) + 1
        run.gone = sent.gone
        before = sum(r.offset for r in sent.files.values())
        for r in run.files.values():
            r.chunk_bytes = self.chunk_bytes
        self.adopt(run, tree["order"])
        if set(run.files) != set(sent.files):  # files found since it was sent: read here, in order
            run.files = {p: run.files.get(p) or self._reader(p) for p in sent.files}
        self._judged.add(id(run))
        self._first_pass_done |= set(run.files)
        self.runs = {**self.runs, run.name: run}
        self.read_by_workers.append(run.name)
        changes.changed_runs.add(run.name)
        got = max(1, sum(r.offset for r in run.files.values()) - before)
        changes.bytes_read += got
        return got

    def _worker_failed(self, e: BaseException) -> None:
        from concurrent.futures.process import BrokenProcessPool  # (imported with the pool: see parallel)

        self.worker_fault = f"{type(e).__name__}: {e}"
        if isinstance(e, BrokenProcessPool | OSError):
            self._pool_broken = True  # a worker died: every run left is read here from now on
            self.close_workers()

    def close_workers(self) -> None:
        """Stop the worker processes (their runs not taken are read here, if reading goes on)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close(kill=bool(self._in_flight))
        self._in_flight.clear()

    def _prefetch(self, n: int, *, fresh_only: bool = False) -> None:
        """Remote: start fetching the chunk each run reads next, all runs at once.

        A round of :meth:`refresh` reads one chunk per run, one run after another; fetched one by
        one, every request's latency would add up. ``fresh_only``: only runs that have not had
        their first slice (the first pass).
        """
        if not self.remote:
            return
        wanted = []
        for run in self.runs.values():
            order = self._file_order(run)
            r = order.current if order.current is not None else next(iter(order.readers), None)
            if r is None or r.stopped or r.replaced or (fresh_only and r.path in self._first_pass_done):
                continue
            size = r.stat_size()
            if size > r.offset:
                wanted.append((r.path, r.offset, min(n, size - r.offset)))
        self.storage.prefetch(wanted)

    def order_state(self, run: Run) -> dict:
        """Where ``run`` is in TensorBoard's file order (see :class:`FileOrder`), as plain data."""
        return self._file_order(run).state()

    def adopt(self, run: Run, order: dict) -> None:
        """Take ``run`` (restored by the reopen cache) at the place ``order`` in its file order."""
        fo = self._order[run.name] = FileOrder(run)
        fo.restore(order)

    def save_cache(self, until: Callable[[], bool] | None = None) -> int:
        """Write what was read to the reopen cache, if there is one; returns the entries written
        (``until``: see :meth:`~tui.model.cache.ReadCache.save`)."""
        return self.cache.save(self, until) if self.cache is not None else 0

    def _file_order(self, run: Run) -> FileOrder:
        order = self._order.get(run.name)
        if order is None or order.run is not run:
            order = self._order[run.name] = FileOrder(run)
        order.sync()
        return order

    def _read_next(self, run: Run, limit: int) -> int:
        """Read the next chunk of ``run`` in TensorBoard's file order; returns the bytes taken.

        Mirrors DirectoryWatcher._LoadInternal: read the current file; when it has nothing more
        and a later file exists, read it once more (records written between the last read and
        the listing), then leave it for good and go on with the next file.
        """
        self._touched.add(run.name)
        order = self._file_order(run)
        # A reader asked for fewer bytes than a record header frames nothing, which would read as
        # "this file has nothing more" and leave it behind; from a header on it reads a whole record.
        limit = max(limit, HEADER)
        if order.current is None:
            if not order.readers:
                return 0
            order.current, order.at = order.readers[0], 0
        while True:
            reader = order.current
            n = self._read(run, reader, limit, order)
            if n:
                return n
            if order.at + 1 >= len(order.readers):
                return 0
            # TensorBoard's final read before leaving a file. Ours is fresh: the read above may
            # have handed out a read-ahead made before the file last grew.
            n = self._read(run, reader, limit, order)
            if n:
                return n
            order.left[id(reader)] = reader.stat_size()
            order.at += 1
            order.current = order.readers[order.at]

    def _note_ignored_files(self, run: Run) -> bool:
        """Say on the run when bytes are ignored because the reading order left their file behind.

        TensorBoard's DirectoryWatcher never goes back: a file that grows after a later file was
        started, or that appears while sorting before the file being read, is only logged as an
        "out-of-order write" (it checks the 20 files before the current one, as done here).
        tbtui ignores the same bytes, but names the file so nothing is dropped silently. Returns
        whether a problem was added.
        """
        order = self._file_order(run)
        if order.current is None:
            return False
        added = False
        current = os.path.basename(order.current.path)
        for reader in order.behind():
            if id(reader) in order.reported:
                continue
            if id(reader) not in order.left:
                text = (
                    f"appeared after the later file {current} was being read; TensorBoard never "
                    "reads a file that sorts before the one it is reading, so neither does tbtui"
                )
            else:
                size = reader.stat_size()
                if size < 0 or size == order.left[id(reader)]:
                    continue
                text = (
                    f"written to after a later file was started (now reading {current}); "
                    "TensorBoard never reads a file again once it has moved past it, so neither "
                    "does tbtui: what was added since is not shown"
                )
            order.reported.add(id(reader))
            reader.problems.append(text)
            run.version += 1
            added = True
        return added

    def _read(self, run: Run, reader: RecordReader, limit: int, order: FileOrder) -> int:
        """Read one chunk of ``reader`` into ``run``; returns the bytes it accounted for.

        The count comes from the frames themselves: the reader may already be reading the next
        chunk on its prefetch thread, so its offset says nothing about this one.
        """
        had_problems = len(reader.problems)
        frames = reader.read(limit)
        if frames is not None:
            run.ingest(frames)
            if len(frames):
                run.forget_vanished()
            order.taken[id(reader)] = frames.base + frames.consumed
            return max(frames.consumed, 1)
        # Nothing handed out means nothing is being read ahead either: the offset is all taken.
        order.taken[id(reader)] = reader.offset
        if len(reader.problems) != had_problems:
            run.version += 1
            return 1
        return 0

    def load_all(self) -> Logdir:
        """Read everything there is now (for the CLI commands and tests); big runs in worker
        processes when there are several (see :meth:`_send_to_workers`)."""
        while True:
            ch = self.refresh()
            if ch.fault:
                break
            # A read that found its file replaced (remote objects show it only when read) needs
            # the next refresh's walk to read that run again.
            replaced = any(r.replaced for run in self.runs.values() for r in run.files.values())
            if (not ch.pending or not ch.bytes_read) and not replaced:
                break
        return self


@dataclass(frozen=True)
class _Job:
    """What a worker needs to read one run as this process would."""

    root: str
    name: str
    paths: list[str]
    check_crc: bool
    chunk_bytes: int
    first_slice: int


#: Reads a worker makes after the first end of its run before giving up on a settled state.
_SETTLE_READS = 100


def _read_alone(job: _Job, folders: list[str]) -> str:
    """In a worker: read one run to its end with the in-process code, and hand its state over.

    Returns the hand-over file (see ``parallel.hand_over``). Raises when the run is not in a
    state a serial read passes through (a file replaced while read, a chunk still read ahead):
    the parent then reads that run itself.
    """
    logdir = Logdir(
        job.root, check_crc=job.check_crc, chunk_bytes=job.chunk_bytes, first_slice=job.first_slice, workers=0
    )
    logdir.gives_memory_back = False
    run = Run(job.name)
    run.files = {p: logdir._reader(p) for p in job.paths}
    logdir.runs = {job.name: run}
    for _ in range(_SETTLE_READS):
        ch = logdir.refresh(rediscover=False)
        order = logdir.order_state(run)
        taken, files = order["taken"], run.files.items()
        settled = all(r._prefetch is None and taken.get(p, r.offset) == r.offset for p, r in files)
        if settled and (not ch.pending or not ch.bytes_read):
            break
    else:
        raise RuntimeError(f"run {job.name} never settled (a file growing while read?)")
    replaced = next((r.replaced for r in run.files.values() if r.replaced), None)
    if replaced:
        raise RuntimeError(f"a file of run {job.name} was replaced while read: {replaced}")
    size = sum(r.offset for r in run.files.values())
    return parallel.hand_over({"run": run, "order": order}, folders, size)
