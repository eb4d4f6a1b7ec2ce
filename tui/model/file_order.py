"""Where TensorBoard's DirectoryWatcher is in one run's files: which file is read now, which are left."""

from __future__ import annotations

import bisect

from tui.model.run import Run
from tui.tfevents.records import RecordReader

# TensorBoard looks this many files back for writes to files it has left (directory_watcher.py).
OUT_OF_ORDER_CHECK_COUNT = 20


class FileOrder:
    """Where TensorBoard's DirectoryWatcher (directory_watcher.py) is in one run's files.

    It reads one file at a time, in name order, the whole of it. When the file has nothing more
    and a later one exists, it reads the file once more, notes its size and moves on for good:
    it never reads an earlier file again, and one that appears sorting before the current file
    is never read at all. The file names hold their creation time, so this is the order a
    restarted (or resumed) job wrote them in.

    State is kept per reader object, not per path, so it survives whatever rebuilds a run's
    ``files`` mapping (a file renamed under its reader); a replaced Run gets a new order.
    """

    __slots__ = ("_files", "at", "current", "left", "paths", "readers", "reported", "run", "taken")

    def __init__(self, run: Run) -> None:
        self.run = run
        self._files: dict[str, RecordReader] | None = None  # run.files as last synced
        self.paths: list[str] = []  # the files read, in reading order
        self.readers: list[RecordReader] = []  # their readers, same order
        self.at = 0  # index of the file being read
        self.current: RecordReader | None = None  # None before the first read
        self.left: dict[int, int] = {}  # id(reader) of a file left behind -> its size then
        self.reported: set[int] = set()  # id(reader) of files whose ignored bytes the run names
        # id(reader) -> bytes of it ingested; the reader's own offset may be ahead (prefetch).
        # A reader first seen here has had all it read ingested.
        self.taken: dict[int, int] = {}

    def sync(self) -> None:
        """Take in a changed ``files`` mapping (new files), keeping the place in the order.

        TensorBoard lists '.profile-empty' files (the profiler's marker) as a run but never reads
        them (io_wrapper.IsSummaryEventsFile); giving one a place in the order would end the
        reading of the real file before it.
        """
        files = self.run.files
        if files is self._files:  # the mapping is replaced, never mutated, when files change
            return
        self._files = files
        self.paths = sorted(p for p in files if not p.endswith(".profile-empty"))
        self.readers = [files[p] for p in self.paths]
        for r in self.readers:
            self.taken.setdefault(id(r), r.offset)
        if self.current is not None:
            at = next((i for i, r in enumerate(self.readers) if r is self.current), None)
            if at is None:  # its reader was dropped: go on from where its name sorts
                at = min(bisect.bisect_left(self.paths, self.current.path), len(self.readers) - 1)
                self.current = self.readers[at] if self.readers else None
            self.at = max(at, 0)

    def state(self) -> dict:
        """Where the order stands, by path rather than reader (for the reopen cache, model.cache)."""
        path = {id(r): p for p, r in zip(self.paths, self.readers, strict=True)}
        return {
            "at": self.at,
            "current": None if self.current is None else path[id(self.current)],
            "left": {path[k]: v for k, v in self.left.items() if k in path},
            "reported": sorted(path[k] for k in self.reported if k in path),
            "taken": {path[k]: v for k, v in self.taken.items() if k in path},
        }

    def restore(self, state: dict) -> None:
        """Take up a :meth:`state` saved by an earlier process, over readers restored with it."""
        self.sync()
        reader = dict(zip(self.paths, self.readers, strict=True))
        self.at = state["at"]
        self.current = None if state["current"] is None else reader[state["current"]]
        self.left = {id(reader[p]): v for p, v in state["left"].items()}
        self.reported = {id(reader[p]) for p in state["reported"]}
        self.taken = {id(reader[p]): v for p, v in state["taken"].items()}

    def ahead(self) -> list[RecordReader]:
        """The file being read and every later one: all that is still to be read."""
        return self.readers[self.at :]

    def behind(self) -> list[RecordReader]:
        """Files before the one being read that TensorBoard still checks for late writes."""
        return self.readers[max(0, self.at - OUT_OF_ORDER_CHECK_COUNT) : self.at]
