"""From one batch of framed records to per-tag columns: what a batch adds to a run, in file order.

Scalar events that fit a byte layout come back from the column decoders (tfevents.columnar,
tfevents.histcolumns) as arrays; every other record is parsed by protobuf, seeing each tag's
metadata as it stood at that record. :class:`Batch` holds both, with record ordinals, so that
:class:`~tui.model.run.Run` can apply TensorBoard's restart purges between any two records.
"""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from tui.model.graph.entry import GraphEntry, first_bytes
from tui.model.payloads import (
    GRAPH_DEF,
    WARM_BYTES,
    PayloadFile,
    PayloadIndex,
    PayloadRef,
    image_dims,
    one_point,
    payload_size,
)
from tui.tfevents import columnar, decode, histcolumns
from tui.tfevents.decode import Metadata
from tui.tfevents.proto import event_pb2
from tui.tfevents.records import HEADER, Frames


def _why(e: Exception) -> str:
    """An exception as a short phrase for a problem line."""
    text = str(e).splitlines()[0] if str(e) else ""
    return f"{type(e).__name__}: {text[:120]}" if text else type(e).__name__


#: Ordinals before and after every record: the bounds of "the whole batch" when no purge splits it.
FIRST = int(np.iinfo(np.int64).min)
NEVER = int(np.iinfo(np.int64).max)


def decode_batch(
    frames: Frames, metadata: dict[str, Metadata], payload_file: PayloadFile
) -> tuple[Batch, dict[str, Metadata]]:
    """One batch of records decoded: the batch, and the run's first metadata of each tag after it.

    Scalar events that fit a byte layout come back as columns (columnar.py); every other record
    is parsed by protobuf, in file order, seeing each tag's metadata as it stood at that record
    (the first metadata of a tag wins, wherever it came from). Column rows that this metadata
    says are no scalars after all (a tensor whose tag is another plugin's, or has no metadata
    yet) are parsed by protobuf too.
    """
    arr = np.frombuffer(frames.data, dtype=np.uint8)
    try:
        cols, rest = columnar.decode_columns(arr, frames.starts, frames.lengths, frames.data, frames.blocks)
    except Exception:  # the column path is a shortcut: whatever it trips on, protobuf decides
        cols, rest = columnar.Columns.empty(), np.ones(len(frames), dtype=bool)
    if np.count_nonzero(rest) >= HISTOGRAM_COLUMNS_FROM:
        hcols = _histogram_columns(arr, frames, rest)
        tcols = _tensor_histogram_columns(arr, frames, rest)
    else:  # a few records: protobuf is quicker than the column walkers' fixed cost (same result)
        hcols, tcols = histcolumns.HistogramColumns.empty(), []
    ordinals = frames.ordinals
    c_ord = ordinals[cols.index]
    h_ord = ordinals[hcols.index]
    kinds = np.array([lay.kind for lay in cols.layouts], np.int8)[cols.layout_id]
    batch = Batch(cols.tags, frames, payload_file)
    # Metadata that column rows introduce (simple_value, tensors carrying metadata, legacy
    # histograms): a tag's first.
    offers: list[tuple[int, str, Metadata]] = []
    for tid, r in _first_rows(cols.tag_id, kinds != columnar.TENSOR, len(cols.tags)):
        tag = cols.tags[tid]
        if tag not in metadata:
            offers.append((int(c_ord[r]), tag, _column_metadata(tag, cols.layouts[cols.layout_id[r]])))
    for tid, r in _first_rows(hcols.tag_id, np.ones(len(hcols), bool), len(hcols.tags)):
        tag = hcols.tags[tid]
        if tag not in metadata:  # migrated as decode.decode_value does: no metadata of its own
            offers.append((int(h_ord[r]), tag, Metadata(decode.HISTOGRAMS, b"", tag, "")))
    for t in tcols:  # tensor histograms carrying their own metadata (plugin histograms)
        md_rows = t.own_metadata()
        for tid, r in _first_rows(t.tag_id, md_rows >= 0, len(t.tags)):
            tag = t.tags[tid]
            if tag not in metadata:
                offers.append((int(ordinals[t.index[r]]), tag, t.metadata[md_rows[r]]))
    offers.sort(key=lambda x: x[0])
    md = _FirstMetadata(metadata)
    k = 0
    for i in np.flatnonzero(rest).tolist():
        ordinal = int(ordinals[i])
        while k < len(offers) and offers[k][0] < ordinal:
            md.learn(*offers[k])
            k += 1
        info = _parse(frames, i, md.known)
        if info is not None:
            for t, m in info[1].items():
                md.learn(ordinal, t, m)
            _store(batch, frames, i, ordinal, info[0])
    for offer in offers[k:]:
        md.learn(*offer)
    # Which column rows are scalars: simple_value always; a tensor when its tag's metadata, as
    # known at that row, is the scalars plugin. The others go through protobuf after all.
    n_tags = len(cols.tags)
    scalar_tag = np.zeros(n_tags, dtype=bool)
    known_from = np.full(n_tags, NEVER, dtype=np.int64)
    for tid, tag in enumerate(cols.tags):
        m = md.known.get(tag)
        if m is not None:
            scalar_tag[tid] = m.plugin == decode.SCALARS
            known_from[tid] = md.since.get(tag, -1)
    tid_rows = cols.tag_id
    ok = (kinds == columnar.LEGACY) | (scalar_tag[tid_rows] & (c_ord >= known_from[tid_rows]))
    for r in np.flatnonzero(~ok).tolist():
        # Single-value events: the tag is all that decides, and before its metadata arrived it
        # had none (so an empty mapping is exactly what ``known`` held then).
        ordinal = int(c_ord[r])
        view = md.known if ordinal >= known_from[tid_rows[r]] else {}
        i = int(cols.index[r])
        info = _parse(frames, i, view)
        if info is not None:
            _store(batch, frames, i, ordinal, info[0])
    # Tensor histograms likewise: a histogram when its tag's metadata, as known at that row, is
    # the histograms plugin; the others are parsed by protobuf after all.
    for t in tcols:
        t_ord = ordinals[t.index]
        hist_tag = np.zeros(len(t.tags), dtype=bool)
        t_from = np.full(len(t.tags), NEVER, dtype=np.int64)
        for tid, tag in enumerate(t.tags):
            m = md.known.get(tag)
            if m is not None:
                hist_tag[tid] = m.plugin == decode.HISTOGRAMS
                t_from[tid] = md.since.get(tag, -1)
        t_ok = hist_tag[t.tag_id] & (t_ord >= t_from[t.tag_id])
        for r in np.flatnonzero(~t_ok).tolist():
            ordinal = int(t_ord[r])
            view = md.known if ordinal >= t_from[t.tag_id[r]] else {}
            i = int(t.index[r])
            info = _parse(frames, i, view)
            if info is not None:
                _store(batch, frames, i, ordinal, info[0])
        taken = t.select(t_ok)
        batch.histogram_columns(ordinals[taken.index], taken)
    wide = np.array([lay.wide for lay in cols.layouts], dtype=bool)[cols.layout_id]
    if ok.all():  # every row a scalar (the usual case): the columns as they are, no copies
        batch.columns(c_ord, tid_rows, cols.steps, cols.wall_times, cols.values, wide)
    else:
        batch.columns(c_ord[ok], tid_rows[ok], cols.steps[ok], cols.wall_times[ok], cols.values[ok], wide[ok])
    batch.histogram_columns(h_ord, hcols)
    batch.finish()
    return batch, md.known  # a new dict only if the batch added tags: published once per batch


def _column_metadata(tag: str, lay: columnar.Layout) -> Metadata:
    """The metadata a column row introduces for a new tag, as decode.decode_value would."""
    md = lay.metadata
    if lay.kind == columnar.LEGACY:  # migrated: the scalars plugin, display name defaulting to the tag
        return Metadata(
            decode.SCALARS, b"", (md.display_name if md else "") or tag, md.description if md else ""
        )
    assert md is not None
    return md


def _first_rows(tag_id: np.ndarray, mask: np.ndarray, n_tags: int) -> list[tuple[int, int]]:
    """(tag id, first row) for each tag with a row where ``mask`` holds, in O(rows) (no sort)."""
    rows = np.flatnonzero(mask)
    first = np.full(n_tags, NEVER, dtype=np.int64)
    np.minimum.at(first, tag_id[rows], rows)
    tids = np.flatnonzero(first != NEVER)
    return list(zip(tids.tolist(), first[tids].tolist(), strict=True))


class _FirstMetadata:
    """Each tag's first metadata as one batch learns it, in file order.

    ``known`` is the run's published dict until the batch adds a tag; then it is copied once and
    grows in place, and the run publishes the copy when the batch is done (readers on other threads
    never see a dict change under them, and a batch costs one copy however many tags it adds).
    """

    def __init__(self, published: dict[str, Metadata]) -> None:
        self.known = published
        self.since: dict[str, int] = {}  # ordinal at which this batch introduced a tag's metadata
        self._own = False

    def learn(self, ordinal: int, tag: str, md: Metadata) -> None:
        if tag in self.known:
            return
        if not self._own:
            self.known, self._own = dict(self.known), True
        self.known[tag] = md
        self.since[tag] = ordinal


def _parse(
    frames: Frames, i: int, known: Mapping[str, Metadata]
) -> tuple[decode.EventInfo, dict[str, Metadata]] | None:
    """Parse and decode record ``i`` with protobuf; None (and a problem named by its byte) for a
    record that is not an Event we can read. Nothing a record holds may raise past this point.
    """
    try:
        return decode.decode_event(event_pb2.Event.FromString(frames.payload(i)), known)
    except Exception as e:  # framed and CRC-checked, yet not an Event we can decode
        frames.problem(i, f"not a readable event ({_why(e)}), record skipped")
        return None


def _store(batch: Batch, frames: Frames, i: int, ordinal: int, info: decode.EventInfo) -> None:
    try:
        batch.event(ordinal, info, i)
    except Exception as e:  # a value shaped like nothing its plugin stores
        frames.problem(i, f"cannot store its values ({_why(e)}), record skipped")


class Batch:
    """Everything one batch of records adds, with record ordinals so purges can split it.

    The protobuf path adds events one at a time into plain lists (no numpy call per record); the
    column path adds whole arrays. ``finish`` turns both into one set of per-tag columns, each in
    file order, tags in the order they first appear.
    """

    def __init__(self, tags: list[str], frames: Frames, payload_file: PayloadFile) -> None:
        self._frames = frames
        self.payload_file = payload_file
        self._tags = list(tags)
        self._tag_ids = {t: i for i, t in enumerate(self._tags)}
        # Scalar points from protobuf: tag id, ordinal, step, wall time, value, written wide.
        self._p: tuple[list[int], list[int], list[int], list[float], list[float], list[bool]] = (
            [],
            [],
            [],
            [],
            [],
            [],
        )
        self._cols: tuple[np.ndarray, ...] | None = None
        # Summary events from protobuf: ordinals, steps, and each one's tags.
        self._ev_ords: list[int] = []
        self._ev_steps: list[int] = []
        self._ev_tags: dict[int, set[str]] = {}
        self._walls: list[tuple[int, float]] = []  # (ordinal, wall) of the first, then min and max
        self.scalars: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
        # Histograms from protobuf, per tag: ordinals, steps, wall times, [k, 3] arrays.
        self._h: dict[str, tuple[list[int], list[int], list[float], list[np.ndarray]]] = {}
        # Histograms from the column paths (legacy, tensors of each dtype): (ordinals, columns),
        # and each one's events in file order (ordinals, steps, tag ids).
        self._hcols: list[tuple[np.ndarray, histcolumns.HistogramColumns]] = []
        self._hcol_events: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.histograms: dict[str, _Histograms] = {}
        # Blob points: (ordinal, step, wall, plugin, ((offset, length, value, size, crc, width,
        # height, samples), small payload or None)): where the payload is and its small metadata;
        # a large payload itself is dropped with the batch.
        self.blobs: dict[str, list[tuple[int, int, float, str, tuple[tuple[int, ...], object]]]] = (
            defaultdict(list)
        )
        self.graphs: dict[str, GraphEntry] = {}
        self.session_starts: list[tuple[int, int]] = []
        self.file_version: str | None = None
        self.source_writer: str | None = None
        self.min_wall: float | None = None
        self.max_wall: float | None = None
        self.first_wall: float | None = None
        self._first_wall_ord = NEVER
        self._summary: tuple[np.ndarray, np.ndarray] | None = None
        self._col_events: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # ordinals, steps, tag ids
        # Every scalar point's ordinal and tag id in file order, and each tag id's place in ``scalars``.
        self._by_ordinal = (np.empty(0, np.int64), np.empty(0, np.int32))
        self._rank: dict[int, int] = {}

    def _wall(self, ordinal: int, w: float) -> None:
        """Count one event's wall time: the first event's, and the range (NaN has no place in it)."""
        if ordinal < self._first_wall_ord:
            self._first_wall_ord, self.first_wall = ordinal, w
        if w != w:
            return
        if self.min_wall is None or w < self.min_wall:
            self.min_wall = w
        if self.max_wall is None or w > self.max_wall:
            self.max_wall = w

    def columns(
        self,
        ordinals: np.ndarray,
        tag_ids: np.ndarray,
        steps: np.ndarray,
        walls: np.ndarray,
        values: np.ndarray,
        wide: np.ndarray,
    ) -> None:
        """Scalar events from the column path, in file order (tag ids index the batch's tags)."""
        self._cols = (tag_ids, ordinals, steps, walls, values, wide)
        self._wall_column(ordinals, walls)

    def histogram_columns(self, ordinals: np.ndarray, cols: histcolumns.HistogramColumns) -> None:
        """Histogram events from the column path, in file order (``ordinals``: one per record)."""
        if len(cols):
            self._hcols.append((ordinals, cols))
            order = np.argsort(ordinals, kind="stable")  # entries come grouped by tag
            self._hcol_events.append((ordinals[order], cols.steps[order], cols.tag_id[order]))
            self._wall_column(ordinals[order], cols.wall_times[order])

    def _wall_column(self, ordinals: np.ndarray, walls: np.ndarray) -> None:
        """Count a column of wall times: as :meth:`_wall` for each nonzero one (0.0: none written)."""
        if not len(walls):
            return
        lo, hi = walls.min(), walls.max()
        if lo > 0 and hi == hi:  # every wall time written and none NaN (the usual column): no filter
            self._wall(int(ordinals[0]), float(walls[0]))
            self._wall(NEVER, float(lo))
            self._wall(NEVER, float(hi))
            return
        nz = np.flatnonzero(walls)
        if len(nz):
            self._wall(int(ordinals[nz[0]]), float(walls[nz[0]]))
            w = walls[nz]
            w = w[~np.isnan(w)]
            if len(w):
                self._wall(NEVER, float(w.min()))
                self._wall(NEVER, float(w.max()))

    def _ref(self, i: int, value: int, plugin: str, item: object) -> tuple[PayloadRef, object]:
        """Where record ``i``'s value ``value`` is and its small metadata (see payloads.INDEX_DTYPE),
        and the payload itself if it is small enough to keep decoded (payloads.WARM_BYTES)."""
        f = self._frames
        start, length = int(f.starts[i]), int(f.lengths[i])
        crc = int.from_bytes(f.data[start + length : start + length + 4], "little")
        size = payload_size(item)
        ref = PayloadRef(start + f.base - HEADER, length, value, size, crc, *image_dims(item, plugin))
        return ref, (item if size <= WARM_BYTES else None)

    def _one(self, i: int, value: int, plugin: str, raw: bytes, info: decode.EventInfo) -> PayloadIndex:
        """A one-point payload index for a graph in record ``i`` (``raw``: its bytes, for the size)."""
        ref, _ = self._ref(i, value, plugin, None)
        return one_point(self.payload_file, info.step, info.wall_time, ref._replace(size=len(raw)), plugin)

    def event(self, ordinal: int, info: decode.EventInfo, i: int = -1) -> None:
        if info.wall_time:
            self._wall(ordinal, info.wall_time)
        if info.file_version is not None:
            self.file_version = info.file_version
        if info.source_writer:
            self.source_writer = info.source_writer
        if info.session_start:
            self.session_starts.append((ordinal, info.step))
        if info.graph_def is not None:
            self.graphs[decode.RUN_GRAPH_TAG] = GraphEntry(
                decode.RUN_GRAPH_TAG,
                "op_graph",
                "graph_def",
                info.step,
                ref=self._one(i, GRAPH_DEF, decode.GRAPHS, info.graph_def, info),
            )
        if info.tagged_run_metadata is not None:
            tag, data = info.tagged_run_metadata
            plugin = decode.TAGGED_RUN_METADATA
            self.blobs[tag].append(
                (ordinal, info.step, info.wall_time, plugin, self._ref(i, -1, plugin, data))
            )
        if info.graph_def is not None or info.tagged_run_metadata is not None:
            # TensorBoard turns these into summary events too (dataclass_compat.migrate_event), and
            # a summary event moves the step its out-of-order purge compares with.
            self.event(ordinal, decode.EventInfo(info.step, info.wall_time, [], has_summary=True))
        if not info.has_summary:
            return
        tags: set[str] = set()
        for d in info.values:
            tags.add(d.tag)
            self._value(ordinal, info, d, i)
        self._ev_ords.append(ordinal)
        self._ev_steps.append(info.step)
        self._ev_tags[ordinal] = tags

    def _value(self, ordinal: int, info: decode.EventInfo, d: decode.Decoded, i: int) -> None:
        step, wall = info.step, info.wall_time
        if d.plugin == decode.SCALARS and isinstance(d.data, float):
            tid = self._tag_ids.get(d.tag)
            if tid is None:
                tid = self._tag_ids[d.tag] = len(self._tags)
                self._tags.append(d.tag)
            for col, x in zip(self._p, (tid, ordinal, step, wall, d.data, d.wide), strict=True):
                col.append(x)  # type: ignore[attr-defined]
        elif d.plugin == decode.HISTOGRAMS:
            h = self._h.get(d.tag)
            if h is None:
                h = self._h[d.tag] = ([], [], [], [])
            for col, x in zip(h, (ordinal, step, wall, d.data), strict=True):
                col.append(x)  # type: ignore[attr-defined]
        elif d.plugin in (decode.RUN_METADATA_GRAPH, decode.RUN_METADATA, decode.KERAS_MODEL):
            raw = first_bytes(d.data)
            if raw is not None:
                ref = self._one(i, d.index, d.plugin, raw, info)
                if d.plugin == decode.KERAS_MODEL:
                    self.graphs[d.tag] = GraphEntry(d.tag, "keras_model", "keras", step, ref=ref)
                else:
                    self.graphs[d.tag] = GraphEntry(d.tag, "op_graph", "run_metadata", step, ref=ref)
        else:
            self.blobs[d.tag].append((ordinal, step, wall, d.plugin, self._ref(i, d.index, d.plugin, d.data)))

    def finish(self) -> None:
        """Merge both paths' scalars into per-tag columns; put everything in file order."""
        p_tid, p_ord, p_step, p_wall, p_val, p_wide = self._p
        parts = [
            (
                np.asarray(p_tid, dtype=np.int32),
                np.asarray(p_ord, dtype=np.int64),
                np.asarray(p_step, dtype=np.int64),
                np.asarray(p_wall, dtype=np.float64),
                np.asarray(p_val, dtype=np.float64),
                np.asarray(p_wide, dtype=bool),
            )
        ]
        if self._cols is not None:
            self._col_events = (self._cols[1], self._cols[2], self._cols[0])
            parts = [self._cols, *parts] if p_tid else [self._cols]
        tid, o, st, wt, va, wd = (
            np.concatenate(c) if len(parts) > 1 else c[0] for c in zip(*parts, strict=True)
        )
        self._p = ([], [], [], [], [], [])
        if len(tid):
            wide_any = bool(wd.any())
            narrow = _narrow(va) if not wide_any or not wd.all() else va  # once, not per tag
            period = _tag_period(tid) if len(parts) == 1 and self._cols is not None else 0
            if period:
                # The column path's rows in file order, every step the same tags in the same order
                # (the usual training loop): tag j's points are rows j, j + period, ... Strided
                # views, no sort and no copy (the series packs them once, as it packs any batch).
                self._by_ordinal = (o, tid)
                wide = _strided_any(wd, period) if wide_any else np.zeros(period, bool)
                for j in range(period):
                    t = int(tid[j])
                    self._rank[t] = j
                    vals = (va if wide[j] else narrow)[j::period]
                    self.scalars[self._tags[t]] = (o[j::period], st[j::period], wt[j::period], vals)
            else:
                # File order within each tag: both parts are in file order already, so the stable
                # sort by ordinal merges two runs, and the one by tag id (radix for <= 65536 tags)
                # keeps it.
                order = np.argsort(o, kind="stable")
                self._by_ordinal = (o[order], tid[order])
                key = tid[order].astype(np.uint16 if len(self._tags) <= 1 << 16 else np.int64)
                order = order[np.argsort(key, kind="stable")]
                tid, o, st, wt = tid[order], o[order], st[order], wt[order]
                va, narrow, wd = va[order], narrow[order], wd[order]
                starts = np.concatenate(([0], np.flatnonzero(np.diff(tid)) + 1))
                ends = np.append(starts[1:], len(tid))
                wide = np.logical_or.reduceat(wd, starts)
                # Tags in the order their first point appears, as TensorBoard lists them.
                for rank, k in enumerate(np.argsort(o[starts], kind="stable").tolist()):
                    a, z = int(starts[k]), int(ends[k])
                    self._rank[int(tid[a])] = rank
                    vals = va[a:z] if wide[k] else narrow[a:z]
                    self.scalars[self._tags[int(tid[a])]] = (o[a:z], st[a:z], wt[a:z], vals)
        self._finish_histograms()
        # Records the column path handed back arrive after the others: restore file order, of
        # each tag's items and of the tags (by their first item).
        for items in self.blobs.values():
            items.sort(key=_by_ordinal)
        self.blobs = dict(sorted(self.blobs.items(), key=_by_first_ordinal))

    def _finish_histograms(self) -> None:
        """Both paths' histograms as one :class:`_Histograms` per tag, tags by first ordinal."""
        parts: dict[str, list[_Histograms]] = defaultdict(list)
        for ords, c in self._hcols:  # grouped by tag already: each tag is one slice
            bounds = [0, *(np.flatnonzero(np.diff(c.tag_id)) + 1).tolist(), len(c)]
            for a, z in itertools.pairwise(bounds):
                off = c.offsets[a : z + 1]
                rows = c.rows[off[0] : off[-1]]
                h = _Histograms(ords[a:z], c.steps[a:z], c.wall_times[a:z], off - off[0], rows)
                parts[c.tags[int(c.tag_id[a])]].append(h)
        for tag, (o, st, wt, arrays) in self._h.items():
            off = np.zeros(len(arrays) + 1, np.int64)
            np.cumsum([len(a) for a in arrays], out=off[1:])
            rows = np.concatenate(arrays) if len(arrays) > 1 else arrays[0]
            parts[tag].append(
                _Histograms(
                    np.asarray(o, np.int64), np.asarray(st, np.int64), np.asarray(wt, np.float64), off, rows
                )
            )
        self._h = {}
        merged = {tag: _merge_histograms(p) for tag, p in parts.items()}
        self.histograms = dict(sorted(merged.items(), key=lambda kv: int(kv[1].ordinals[0])))

    def scalar_tags_between(self, lo: int, hi: int) -> list[str]:
        """Tags with scalar points at ordinals in [lo, hi), in ``scalars``' order.

        A purge splits a batch into ranges; looking up only the tags a range holds keeps a batch
        with many purges linear, where visiting every tag for every range was not.
        """
        ords, tids = self._by_ordinal
        a, z = np.searchsorted(ords, [lo, hi])
        present = set(tids[a:z].tolist())
        return [self._tags[t] for t in sorted(present, key=self._rank.__getitem__)]

    def _event_runs(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(ordinals, steps) of the summary events of each path, each in file order but the
        protobuf path's (column rows handed back to it come after the others)."""
        runs = [(np.asarray(self._ev_ords, dtype=np.int64), np.asarray(self._ev_steps, dtype=np.int64))]
        if self._col_events is not None:
            runs.append(self._col_events[:2])
        runs.extend(events[:2] for events in self._hcol_events)
        return [r for r in runs if len(r[0])]

    def step_bounds(self) -> tuple[int, int] | None:
        """(largest step, step of the last summary event) of the batch, None without summary events.

        What a run with a file version needs from its batches' steps, without merging every path's
        events into file order as :meth:`summary_events` does.
        """
        runs = self._event_runs()
        if not runs:
            return None
        largest = max(int(steps.max()) for _, steps in runs)
        last_at = [int(np.argmax(ords)) for ords, _ in runs]
        k = max(range(len(runs)), key=lambda r: int(runs[r][0][last_at[r]]))
        return largest, int(runs[k][1][last_at[k]])

    def summary_events(self) -> tuple[np.ndarray, np.ndarray]:
        """(ordinals, steps) of the batch's summary events in file order, one entry per event."""
        if self._summary is None:
            runs = self._event_runs()
            if len(runs) > 1:
                # Runs each in file order: a stable sort merges them in about linear time.
                ords = np.concatenate([r[0] for r in runs])
                steps = np.concatenate([r[1] for r in runs])
                order = np.argsort(ords, kind="stable")
                ords, steps = ords[order], steps[order]
            else:
                ords, steps = runs[0] if runs else (np.empty(0, np.int64), np.empty(0, np.int64))
            if len(ords) > 1 and not (np.diff(ords) > 0).all():
                uniq, first = np.unique(ords, return_index=True)
                ords, steps = uniq, steps[first]
            self._summary = (ords, steps)
        return self._summary

    def tags_at(self, ordinal: int) -> set[str]:
        """Tags of the summary event at ``ordinal`` (used only where a purge needs them)."""
        out = set(self._ev_tags.get(ordinal, ()))
        if self._col_events is not None:
            ords, _, tids = self._col_events
            i = int(np.searchsorted(ords, ordinal))
            if i < len(ords) and int(ords[i]) == ordinal:
                out.add(self._tags[int(tids[i])])
        for (_, cols), (ords, _, tids) in zip(self._hcols, self._hcol_events, strict=True):
            i = int(np.searchsorted(ords, ordinal))
            if i < len(ords) and int(ords[i]) == ordinal:
                out.add(cols.tags[int(tids[i])])
        return out


@dataclass(slots=True)
class _Histograms:
    """One tag's histograms in a batch, in file order: item i's rows are ``rows[offsets[i]:offsets[i+1]]``."""

    ordinals: np.ndarray
    steps: np.ndarray
    wall_times: np.ndarray
    offsets: np.ndarray
    rows: np.ndarray


def _merge_histograms(parts: list[_Histograms]) -> _Histograms:
    """One tag's histograms from both paths, merged into file order.

    Each part may be out of order too: records the column path handed back to protobuf (tensors
    of a tag that is not a scalar after all) are parsed after the others.
    """
    ords = np.concatenate([p.ordinals for p in parts]) if len(parts) > 1 else parts[0].ordinals
    if len(parts) == 1 and (len(ords) < 2 or (np.diff(ords) > 0).all()):
        return parts[0]
    order = np.argsort(ords, kind="stable")
    sizes = np.concatenate([np.diff(p.offsets) for p in parts])
    offsets = np.zeros(len(sizes) + 1, np.int64)
    np.cumsum(sizes, out=offsets[1:])
    off, rows = histcolumns.take_rows(offsets, np.concatenate([p.rows for p in parts]), order)
    steps = np.concatenate([p.steps for p in parts])[order]
    walls = np.concatenate([p.wall_times for p in parts])[order]
    return _Histograms(ords[order], steps, walls, off, rows)


#: Records left after the scalar columns from which the histogram column decoders are tried: each
#: costs a fixed few dozen numpy calls, about a millisecond, which a sweep of thousands of tiny runs
#: (a few records left over each) paid per run; fewer go through protobuf, as the rest do.
HISTOGRAM_COLUMNS_FROM = 32


def _histogram_columns(arr: np.ndarray, frames: Frames, rest: np.ndarray) -> histcolumns.HistogramColumns:
    """The legacy histogram events among the records ``rest`` marks, taken off it (histcolumns.py)."""
    idx = np.flatnonzero(rest)
    try:
        h = histcolumns.decode_histograms(arr, frames.data, frames.starts[idx], frames.lengths[idx])
    except Exception:  # a shortcut, as the scalar columns are: protobuf decides the rest
        return histcolumns.HistogramColumns.empty()
    h.index = idx[h.index]
    rest[h.index] = False
    return h


def _tensor_histogram_columns(
    arr: np.ndarray, frames: Frames, rest: np.ndarray
) -> list[histcolumns.HistogramColumns]:
    """The TF2 histogram tensors among the records ``rest`` marks, taken off it (histcolumns.py),
    one set of columns per written dtype; the caller decides which are histograms (their tags)."""
    idx = np.flatnonzero(rest)
    try:
        starts, lengths = frames.starts[idx], frames.lengths[idx]
        parts = histcolumns.decode_tensor_histograms(arr, frames.data, starts, lengths)
    except Exception:  # a shortcut, as the scalar columns are: protobuf decides the rest
        return []
    for h in parts:
        h.index = idx[h.index]
        rest[h.index] = False
    return parts


def _narrow(values: np.ndarray) -> np.ndarray:
    """float64 values that were written narrower, back to float32 (exact: they came from there).

    A batch narrows all its values at once and keeps the narrowed ones only for tags written
    narrow: a wide tag's values may overflow float32 here, unused.
    """
    with np.errstate(invalid="ignore", over="ignore"):  # NaN payloads: float32's, as float(x) widened them
        return values.astype(np.float32)


def _tag_period(tid: np.ndarray) -> int:
    """The period of a tag id column that repeats the same distinct tags in the same order
    (``tid[i] == tid[i % period]`` for every row, and the first period's tags all different),
    or 0 when it does not."""
    n = len(tid)
    again = np.flatnonzero(tid[1 : min(n, 1 << 16)] == tid[0])
    if not len(again):
        return n if n == 1 else 0
    period = int(again[0]) + 1
    if not np.array_equal(tid[period:], tid[: n - period]):
        return 0
    return period if len(set(tid[:period].tolist())) == period else 0


def _strided_any(flags: np.ndarray, period: int) -> np.ndarray:
    """For each j < period, whether any of ``flags[j::period]`` is set."""
    padded = np.zeros(-(-len(flags) // period) * period, bool)
    padded[: len(flags)] = flags
    return padded.reshape(-1, period).any(axis=0)


def between(items: list[tuple], lo: int, hi: int) -> list[tuple]:
    """The items (sorted by ordinal, their first field) with ordinals in [lo, hi)."""
    if lo == FIRST and hi == NEVER:
        return items
    return items[
        bisect.bisect_left(items, lo, key=_by_ordinal) : bisect.bisect_left(items, hi, key=_by_ordinal)
    ]


def _by_ordinal(item: tuple) -> int:
    return item[0]


def _by_first_ordinal(entry: tuple[str, list[tuple]]) -> int:
    return entry[1][0][0]
