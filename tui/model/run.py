"""One run in memory: every tag's points, first metadata, graphs and file problems, and TensorBoard's
restart purges applied as batches arrive in file order.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tui.model.graph.entry import GraphEntry
from tui.model.ingest import FIRST, NEVER, Batch, between, decode_batch
from tui.model.payloads import BlobSeries, PayloadFile
from tui.model.series import HistogramSeries, ScalarSeries
from tui.tfevents import decode
from tui.tfevents.decode import Metadata
from tui.tfevents.records import VANISHED, Frames, RecordReader


@dataclass
class Run:
    """One run: every tag's points, each tag's first metadata, graphs, and file problems."""

    name: str
    files: dict[str, RecordReader] = field(default_factory=dict)
    scalars: dict[str, ScalarSeries] = field(default_factory=dict)
    histograms: dict[str, HistogramSeries] = field(default_factory=dict)
    blobs: dict[str, BlobSeries] = field(default_factory=dict)
    metadata: dict[str, Metadata] = field(default_factory=dict)
    graphs: dict[str, GraphEntry] = field(default_factory=dict)
    file_version: float | None = None
    source_writer: str | None = None
    first_wall_time: float | None = None
    last_wall_time: float | None = None
    last_step: int | None = None
    version: int = 0
    #: No event file is left where the run was (deleted, or renamed to something not found again).
    gone: bool = False
    _seen_session_start: bool = False
    _most_recent_step: int = -1
    #: Where this run's payloads are read again from: one PayloadFile per event file (by reader).
    _payload_files: dict[int, PayloadFile] = field(default_factory=dict, repr=False)

    def __setstate__(self, state: dict[str, Any]) -> None:
        """A run restored by the reopen cache: its payload files are keyed again by the ids of the
        readers restored with it (ids are this process's; an old one could name another reader)."""
        self.__dict__.update(state)
        files = self._payload_files.values()
        self._payload_files = {id(pf.reader): pf for pf in files if pf.reader is not None}

    def file_problems(self, path: str) -> list[str]:
        """Problems of one file, including an incomplete last record (normal while a writer runs)."""
        r = self.files[path]
        out = list(r.problems)
        incomplete = r.incomplete(final=self._superseded(path))
        if incomplete is not None:
            out.append(incomplete)
        if r.more_problems:
            out.append(f"and {r.more_problems} more problems like these")
        return out

    def _superseded(self, path: str) -> bool:
        """A newer file follows this one: writers write one file at a time, so this one is done."""
        return path != max(self.files)

    @property
    def problems(self) -> list[str]:
        """Every problem of the run: gone first, then each file's, prefixed with its name."""
        gone = ["gone: no event files are left here (deleted or moved); showing what was read"]
        files = [f"{os.path.basename(p)}: {q}" for p in self.files for q in self.file_problems(p)]
        return gone + files if self.gone else files

    @property
    def damaged(self) -> bool:
        """Anything to mark: a problem, a run gone, or a record cut short (not one still being written)."""
        if self.gone:
            return True
        last = max(self.files, default="")
        return any(
            r.problems or (r.incomplete() is not None and (p != last or r.stale))
            for p, r in self.files.items()
        )

    def forget_vanished(self) -> None:
        """The run has new data: a file that vanished earlier (a writer that rotated or restarted its
        file, a sync tool that swapped it) is no longer news, so its notice goes, and a record it
        left half-read is not waited for any longer (the points it gave stay)."""
        for r in self.files.values():
            if VANISHED in r.problems:
                r.problems.remove(VANISHED)
                if r.stat_size() < 0:
                    r.stopped, r.tail = True, 0
                self.version += 1

    @property
    def torn_tail(self) -> bool:
        """Some file ends in an incomplete record (being written, or cut short: see :attr:`damaged`)."""
        return any(r.incomplete() is not None for r in self.files.values())

    def trim_room(self, quiet: float = 0.0) -> bool:
        """Give back the spare room of every scalar and histogram series that has not grown for
        ``quiet`` seconds (see ``model.series``); True when none keeps any now."""
        series = (*self.scalars.values(), *self.histograms.values())
        for s in series:
            s.trim(quiet)
        return not any(s.has_room for s in series)

    def pending_bytes(self) -> int:
        """Bytes of the batches its series keep to pack (see ``model.series``)."""
        return sum(s.pending_bytes for s in (*self.scalars.values(), *self.histograms.values()))

    def point_count(self) -> int:
        return sum(len(s) for s in self.scalars.values()) + sum(len(h) for h in self.histograms.values())

    # -- ingest ---------------------------------------------------------------------------------

    def ingest(self, frames: Frames) -> None:
        """Decode one batch of records (ingest.py) and add it, applying TensorBoard's restart purges."""
        batch, self.metadata = decode_batch(frames, self.metadata, self._payload_file(frames))
        self._apply(batch, self._expected_growth(frames))  # after the metadata: published first
        self.version += 1

    def _expected_growth(self, frames: Frames) -> float:
        """How many times over the run's series should grow from here: its files' bytes on disk
        over the bytes read up to the end of ``frames`` (1.0 when that is not known). A hint for
        reserving room (see ``model.series``): a tag spread evenly over the files grows so."""
        origin = frames.origin
        if origin is None:
            return 1.0
        read = frames.base + frames.consumed  # (the reader's offset may be a prefetched chunk ahead)
        total = 0
        for r in self.files.values():
            total += r.size
            if r is not origin:
                read += r.offset
        return total / read if read > 0 and total > read else 1.0

    def _payload_file(self, frames: Frames) -> PayloadFile:
        """The PayloadFile of the file ``frames`` came from (records from no file: their bytes)."""
        reader = frames.origin
        if reader is None:
            return PayloadFile(data=frames.data, base=frames.base)
        pf = self._payload_files.get(id(reader))
        if pf is None or pf.reader is not reader:
            pf = self._payload_files[id(reader)] = PayloadFile(reader)
        return pf

    def _apply(self, b: Batch, expect: float = 1.0) -> None:
        if b.file_version is not None:
            self.file_version = decode.parse_file_version(b.file_version)
        if b.source_writer is not None:
            self.source_writer = b.source_writer
        if b.min_wall is not None and (self.first_wall_time is None):
            self.first_wall_time = b.first_wall
        if b.max_wall is not None:
            self.last_wall_time = max(self.last_wall_time or b.max_wall, b.max_wall)
        triggers = self._purge_triggers(b)
        bounds = [o for o, _, _ in triggers] + [np.iinfo(np.int64).max]
        lo = np.iinfo(np.int64).min
        for k, hi in enumerate(bounds):
            self._append_range(b, lo, hi, expect)
            if k < len(triggers):
                _, step, tags = triggers[k]
                self._purge(step, tags)
            lo = hi
        for name, entry in b.graphs.items():
            self.graphs = {**self.graphs, name: entry}

    def _purge_triggers(self, b: Batch) -> list[tuple[int, int, set[str] | None]]:
        """Where TensorBoard would purge orphaned points: (ordinal, step, tags or None for all).

        The rules are plugin_event_accumulator's, the accumulator behind TensorBoard's dashboards.
        With a file version >= 2, a SessionLog.START purges every tag at or after its step, except
        the run's first START, which marks a session's start rather than a restart
        (tensorflow/tensorboard#4763; the legacy event_accumulator.EventAccumulator, which no
        dashboard reads, still purges on it). Without a file version, a summary event whose step
        is below the previous summary event's step purges its own tags' points at or after its
        step. "Summary event" is meant after TensorBoard's migration, which turns graph and run
        metadata events into summary events (see Batch.event); the batches arrive in the run's
        file order (Logdir._read_next), so "previous" spans files as it does in TensorBoard.
        """
        bounds = b.step_bounds()  # (largest step, last event's step), without a merge into file order
        triggers: list[tuple[int, int, set[str] | None]] = []
        if bounds is not None:
            self.last_step = bounds[0] if self.last_step is None else max(self.last_step, bounds[0])
        if self.file_version is not None and self.file_version >= 2:
            for ordinal, step in b.session_starts:
                if not self._seen_session_start:
                    self._seen_session_start = True
                    continue
                triggers.append((ordinal, step, None))
        elif bounds is not None:
            ords, steps = b.summary_events()  # every event in file order: only this rule needs them
            prev = np.concatenate(([self._most_recent_step], steps[:-1]))
            for i in np.flatnonzero(steps < prev).tolist():
                triggers.append((int(ords[i]), int(steps[i]), b.tags_at(int(ords[i]))))
        if bounds is not None:
            self._most_recent_step = bounds[1]
        return triggers

    def _append_range(self, b: Batch, lo: int, hi: int, expect: float = 1.0) -> None:
        whole = lo == FIRST and hi == NEVER
        added: dict[str, ScalarSeries] = {}
        for tag in b.scalars if whole else b.scalar_tags_between(lo, hi):
            o, st, wt, va = b.scalars[tag]
            a, z = (0, len(o)) if whole else (int(np.searchsorted(o, lo)), int(np.searchsorted(o, hi)))
            if z > a:
                series = self.scalars.get(tag) or added.get(tag)
                if series is None:
                    series = added[tag] = ScalarSeries()
                series.append(st[a:z], wt[a:z], va[a:z], expect)
        if added:
            self.scalars = {**self.scalars, **added}  # new tags published once per range, not per tag
        hists: dict[str, HistogramSeries] = {}
        for tag, h in b.histograms.items():
            a, z = (0, len(h.ordinals)) if whole else np.searchsorted(h.ordinals, [lo, hi]).tolist()
            if z > a:
                hs = self.histograms.get(tag) or hists.get(tag)
                if hs is None:
                    hs = hists[tag] = HistogramSeries()
                off = h.offsets[a : z + 1]
                hs.extend(h.steps[a:z], h.wall_times[a:z], off, h.rows[off[0] : off[-1]], expect)
        if hists:
            self.histograms = {**self.histograms, **hists}
        blobs: dict[str, BlobSeries] = {}
        for tag, bitems in b.blobs.items():
            for _, step, wall, plugin, (ref, small) in between(bitems, lo, hi):
                bs = self.blobs.get(tag) or blobs.get(tag)
                if bs is None:
                    bs = blobs[tag] = BlobSeries(plugin)
                bs.add(b.payload_file, step, wall, ref, plugin=plugin, warm=small)
        if blobs:
            self.blobs = {**self.blobs, **blobs}

    def _purge(self, step: int, tags: set[str] | None) -> None:
        for store in (self.scalars, self.histograms, self.blobs):
            for tag, series in store.items():
                if tags is None or tag in tags:
                    series.keep(series.steps < step)
