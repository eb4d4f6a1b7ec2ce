"""A logdir in memory: runs found as TensorBoard finds them, loaded incrementally.

``Logdir.refresh()`` is the one entry point for reading: it rediscovers runs and files, then reads
only the bytes each file gained since last time, within a byte budget so a caller (the app's loader
thread) can publish what it has after every slice and keep the first screen fast. It is meant to be
called from one thread; other threads may read ``runs`` and the series snapshots at any time, since
every dict that gains keys is replaced rather than mutated and series publish their columns
atomically (see series.py).
"""

from __future__ import annotations

import bisect
import itertools
import json
import os
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from tui.model.payloads import (
    GRAPH_DEF,
    WARM_BYTES,
    BlobSeries,
    PayloadFile,
    PayloadIndex,
    PayloadUnavailable,
    image_dims,
    one_point,
    payload_size,
)
from tui.model.series import HistogramSeries, ScalarSeries
from tui.model.storage import RemoteStorage, StorageError, local_path, open_storage
from tui.tfevents import columnar, decode, histcolumns
from tui.tfevents.decode import Metadata
from tui.tfevents.proto import event_pb2, graph_pb2
from tui.tfevents.records import DEFAULT_CHUNK, HEADER, VANISHED, Frames, RecordReader

if TYPE_CHECKING:
    from tui.model.cache import ReadCache

# First pass reads this much of each run (its files in order) so every run has something to draw quickly.
FIRST_SLICE = 1 << 20
# What one read of a remote file takes (a request each; locally records.DEFAULT_CHUNK).
REMOTE_CHUNK = 8 << 20


def is_event_file(name: str) -> bool:
    """TensorBoard's rule: any file whose basename contains 'tfevents'."""
    return "tfevents" in name


#: Directories more than this many levels below the logdir are not searched. (os.walk recursed and
#: died near 990 levels; real logdirs are a handful deep.)
MAX_DEPTH = 100
#: Directory links are followed (people link runs in), but never to the whole machine or into the
#: kernel's pseudo-filesystems, which are endless or huge and hold no runs.
_NEVER_FOLLOW = ("/proc", "/dev", "/sys")
#: A listing younger than this may miss a change made in the same mtime tick (coarse-clock file
#: systems have 1-2 s ticks), so it is not trusted until it is older.
_RACY_SECONDS = 2.0
#: A walk of the whole tree may take at most this share of the time (a huge tree is walked less
#: often, never more than a tenth of a core); walks under _CHEAP_WALK seconds are never put off.
_WALK_SHARE = 0.1
_CHEAP_WALK = 0.05


@dataclass(slots=True)
class _Listing:
    """One directory's relevant entries, valid while its mtime stays ``mtime_ns``."""

    mtime_ns: int
    path: str  # where it was listed from: the children's paths below are built on it
    children: list[tuple[str, str]]  # (path, run-style relative name) of each subdirectory to visit
    files: list[str]  # event file paths
    problems: list[str]


class Discovery:
    """Finds runs under a logdir and remembers each directory's listing by its mtime.

    A directory's mtime changes whenever an entry is added, removed or renamed in it, so a walk
    over an unchanged tree costs one ``stat`` per directory and lists nothing. The walk is an
    explicit stack bounded to MAX_DEPTH levels; links are followed except into ``/``, the kernel
    pseudo-filesystems and the logdir's own ancestors, and no real directory is visited twice, so
    symlink cycles end. What could not be searched is said in :attr:`problems`.
    """

    def __init__(self, root: str) -> None:
        self.root = root
        self.problems: list[str] = []
        self._cache: dict[tuple[int, int], _Listing] = {}

    def walk(self) -> dict[str, list[str]]:
        """Map run name -> sorted event file paths, for every folder that directly holds one."""
        runs: dict[str, list[str]] = {}
        problems: list[str] = []
        cache: dict[tuple[int, int], _Listing] = {}
        if not os.path.isdir(self.root):
            self.problems, self._cache = problems, cache
            return runs
        ancestors = _ancestors(os.path.realpath(self.root))
        seen: set[tuple[int, int]] = set()
        too_deep = False
        trusted_before = time.time_ns() - int(_RACY_SECONDS * 1e9)
        stack: list[tuple[str, str, int]] = [(self.root, ".", 0)]
        while stack:
            path, rel, depth = stack.pop()
            try:
                st = os.stat(path)
            except FileNotFoundError:
                continue  # removed since its parent was listed
            except OSError as e:
                problems.append(f"cannot look into {rel}: {e.strerror or e}")
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen:
                continue
            seen.add(key)
            listing = self._cache.get(key)
            if listing is None or listing.mtime_ns != st.st_mtime_ns or listing.path != path:
                listing = _list(path, rel, ancestors, st.st_mtime_ns)
                if listing is None:
                    problems.append(f"cannot list {rel}: permission denied; runs under it are not shown")
                    continue
            if st.st_mtime_ns < trusted_before:
                cache[key] = listing
            if listing.problems:
                problems.extend(listing.problems)
            if listing.files:
                runs[rel] = listing.files
            if listing.children:
                if depth >= MAX_DEPTH:
                    too_deep = True
                    continue
                stack.extend((p, r, depth + 1) for p, r in reversed(listing.children))
        if too_deep:
            problems.append(f"directories more than {MAX_DEPTH} levels deep are not searched")
        self.problems, self._cache = problems, cache
        return runs


def _ancestors(real: str) -> set[str]:
    out = set()
    while True:
        parent = os.path.dirname(real)
        if parent == real:
            return out
        out.add(parent)
        real = parent


def _list(path: str, rel: str, ancestors: set[str], mtime_ns: int) -> _Listing | None:
    """The sorted subdirectories and event files of one directory (None if it cannot be listed)."""
    subdirs: list[str] = []
    files: list[str] = []
    problems: list[str] = []
    try:
        with os.scandir(path) as it:
            entries = list(it)
    except OSError:
        return None
    for e in entries:
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        if not is_dir:
            if is_event_file(e.name):
                files.append(e.name)
            continue
        if e.is_symlink():
            real = os.path.realpath(e.path)
            why = _unfollowable(real, ancestors)
            if why:
                where = e.name if rel == "." else f"{rel}/{e.name}"
                problems.append(f"link {where} -> {real} not followed ({why})")
                continue
        subdirs.append(e.name)
    prefix = "" if rel == "." else f"{rel}/"
    # Paths joined by hand: os.path.join was a fifth of a 10,000-run walk.
    base = path if path.endswith(os.sep) else path + os.sep
    subdirs.sort()
    files.sort()
    children = [(base + d, prefix + d) for d in subdirs]
    return _Listing(mtime_ns, path, children, [base + f for f in files], problems)


def _unfollowable(real: str, ancestors: set[str]) -> str:
    if real == os.path.sep:
        return "the root of the file system"
    if any(real == d or real.startswith(d + os.path.sep) for d in _NEVER_FOLLOW):
        return "a kernel pseudo-filesystem"
    if real in ancestors:
        return "it holds the logdir"
    return ""


def discover(logdir: str) -> dict[str, list[str]]:
    """Map run name -> sorted event file paths, for every folder that directly holds one.

    Directory symlinks are followed (people link runs in), but no real directory is visited twice,
    so symlink cycles end. A missing logdir simply has no runs yet.
    """
    return Discovery(logdir).walk()


def _why(e: Exception) -> str:
    """An exception as a short phrase for a problem line."""
    text = str(e).splitlines()[0] if str(e) else ""
    return f"{type(e).__name__}: {text[:120]}" if text else type(e).__name__


@dataclass(slots=True)
class GraphEntry:
    """A graph a run carries: where its bytes are, read and parsed only when someone looks at it.

    ``source`` is "graph_def" (Event.graph_def or a MetaGraphDef's graph), "run_metadata" (a TF2
    trace: RunMetadata whose function graphs hold the op graph) or "keras" (model JSON). ``ref``
    is the one-point payload index of the record holding it (payloads.py); ``raw``: bytes made in
    memory instead (tests). :attr:`data` reads the bytes (blocking: workers, the CLI); :attr:`key`
    and :attr:`size` say which graph and how large without reading.
    """

    name: str
    kind: str  # "op_graph" | "keras_model"
    source: str
    step: int
    raw: bytes | None = None
    ref: PayloadIndex | None = None
    _nodes: int | None = None

    @property
    def data(self) -> bytes:
        """The graph's bytes (read again from its event file; raises PayloadUnavailable)."""
        if self.raw is not None or self.ref is None:
            return self.raw or b""
        item = self.ref.load(0)
        raw = item if isinstance(item, bytes) else _first_bytes(item)
        if raw is None:
            raise PayloadUnavailable("the record no longer holds this graph")
        return raw

    @property
    def key(self) -> object:
        """Which bytes these are, without reading them: equal keys, equal bytes."""
        if self.ref is None:
            return self.raw
        row = self.ref.rows[0]
        return (self.ref.files[0].serial, int(row["offset"]), int(row["value"]), int(row["crc"]))

    @property
    def size(self) -> int:
        """Bytes of the graph (from the index: no read)."""
        return len(self.raw or b"") if self.ref is None else int(self.ref.rows["size"][0])

    @property
    def nodes(self) -> int:
        """Top-level NodeDefs (op graphs; a trace sums its function graphs) or layers (Keras)."""
        if self._nodes is None:
            self._nodes = count_graph_nodes(self)
        return self._nodes


def keras_layer_count(model: dict) -> int:
    """Layers of a Keras model config, nested models flattened (TensorBoard draws their layers)."""
    layers = (model.get("config") or {}).get("layers")
    if layers is None:
        layer = (model.get("config") or {}).get("layer")  # wrappers such as TimeDistributed
        return keras_layer_count(layer) if isinstance(layer, dict) else 1
    return sum(keras_layer_count(x) if (x.get("config") or {}).get("layers") else 1 for x in layers)


def count_graph_nodes(entry: GraphEntry) -> int:
    """Nodes (or layers) of a graph: reads its bytes (blocking). A damaged or unreadable graph has 0."""
    try:
        if entry.source == "graph_def":
            return len(graph_pb2.GraphDef.FromString(entry.data).node)
        if entry.source == "run_metadata":
            rm = graph_pb2.RunMetadata.FromString(entry.data)
            return sum(len(fg.pre_optimization_graph.node) for fg in rm.function_graphs)
        if entry.source == "keras":
            return keras_layer_count(json.loads(entry.data))
    except Exception:  # a damaged graph is shown as empty, never raised
        return 0
    return 0


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

    def point_count(self) -> int:
        return sum(len(s) for s in self.scalars.values()) + sum(len(h) for h in self.histograms.values())

    # -- ingest ---------------------------------------------------------------------------------

    def ingest(self, frames: Frames) -> None:
        """Decode one batch of records and add it, applying TensorBoard's restart purges.

        Scalar events that fit a byte layout come back as columns (columnar.py); every other record
        is parsed by protobuf, in file order, seeing each tag's metadata as it stood at that record
        (the first metadata of a tag wins, wherever it came from). Column rows that this metadata
        says are no scalars after all (a tensor whose tag is another plugin's, or has no metadata
        yet) are parsed by protobuf too.
        """
        arr = np.frombuffer(frames.data, dtype=np.uint8)
        try:
            cols, rest = columnar.decode_columns(arr, frames.starts, frames.lengths, frames.data)
        except Exception:  # the column path is a shortcut: whatever it trips on, protobuf decides
            cols, rest = columnar.Columns.empty(), np.ones(len(frames), dtype=bool)
        hcols = _histogram_columns(arr, frames, rest)
        ordinals = frames.ordinals
        c_ord = ordinals[cols.index]
        h_ord = ordinals[hcols.index]
        kinds = np.array([lay.kind for lay in cols.layouts], np.int8)[cols.layout_id]
        batch = _Batch(cols.tags, frames, self._payload_file(frames))
        # Metadata that column rows introduce (simple_value, tensors carrying metadata, legacy
        # histograms): a tag's first.
        offers: list[tuple[int, str, Metadata]] = []
        for tid, r in _first_rows(cols.tag_id, kinds != columnar.TENSOR, len(cols.tags)):
            tag = cols.tags[tid]
            if tag not in self.metadata:
                offers.append((int(c_ord[r]), tag, _column_metadata(tag, cols.layouts[cols.layout_id[r]])))
        for tid, r in _first_rows(hcols.tag_id, np.ones(len(hcols), bool), len(hcols.tags)):
            tag = hcols.tags[tid]
            if tag not in self.metadata:  # migrated as decode.decode_value does: no metadata of its own
                offers.append((int(h_ord[r]), tag, Metadata(decode.HISTOGRAMS, b"", tag, "")))
        offers.sort(key=lambda x: x[0])
        md = _FirstMetadata(self.metadata)
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
        known_from = np.full(n_tags, _NEVER, dtype=np.int64)
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
        wide = np.array([lay.wide for lay in cols.layouts], dtype=bool)[cols.layout_id]
        batch.columns(c_ord[ok], tid_rows[ok], cols.steps[ok], cols.wall_times[ok], cols.values[ok], wide[ok])
        batch.histogram_columns(h_ord, hcols)
        batch.finish()
        self.metadata = md.known  # a new dict only if the batch added tags: published once per batch
        self._apply(batch)
        self.version += 1

    def _payload_file(self, frames: Frames) -> PayloadFile:
        """The PayloadFile of the file ``frames`` came from (records from no file: their bytes)."""
        reader = frames.origin
        if reader is None:
            return PayloadFile(data=frames.data, base=frames.base)
        pf = self._payload_files.get(id(reader))
        if pf is None or pf.reader is not reader:
            pf = self._payload_files[id(reader)] = PayloadFile(reader)
        return pf

    def _apply(self, b: _Batch) -> None:
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
            self._append_range(b, lo, hi)
            if k < len(triggers):
                _, step, tags = triggers[k]
                self._purge(step, tags)
            lo = hi
        for name, entry in b.graphs.items():
            self.graphs = {**self.graphs, name: entry}

    def _purge_triggers(self, b: _Batch) -> list[tuple[int, int, set[str] | None]]:
        """Where TensorBoard would purge orphaned points: (ordinal, step, tags or None for all).

        The rules are plugin_event_accumulator's, the accumulator behind TensorBoard's dashboards.
        With a file version >= 2, a SessionLog.START purges every tag at or after its step, except
        the run's first START, which marks a session's start rather than a restart
        (tensorflow/tensorboard#4763; the legacy event_accumulator.EventAccumulator, which no
        dashboard reads, still purges on it). Without a file version, a summary event whose step
        is below the previous summary event's step purges its own tags' points at or after its
        step. "Summary event" is meant after TensorBoard's migration, which turns graph and run
        metadata events into summary events (see _Batch.event); the batches arrive in the run's
        file order (Logdir._read_next), so "previous" spans files as it does in TensorBoard.
        """
        ords, steps = b.summary_events()
        triggers: list[tuple[int, int, set[str] | None]] = []
        if len(steps):
            last = int(steps.max())
            self.last_step = last if self.last_step is None else max(self.last_step, last)
        if self.file_version is not None and self.file_version >= 2:
            for ordinal, step in b.session_starts:
                if not self._seen_session_start:
                    self._seen_session_start = True
                    continue
                triggers.append((ordinal, step, None))
        elif len(steps):
            prev = np.concatenate(([self._most_recent_step], steps[:-1]))
            for i in np.flatnonzero(steps < prev).tolist():
                triggers.append((int(ords[i]), int(steps[i]), b.tags_at(int(ords[i]))))
        if len(steps):
            self._most_recent_step = int(steps[-1])
        return triggers

    def _append_range(self, b: _Batch, lo: int, hi: int) -> None:
        whole = lo == _FIRST and hi == _NEVER
        added: dict[str, ScalarSeries] = {}
        for tag in b.scalars if whole else b.scalar_tags_between(lo, hi):
            o, st, wt, va = b.scalars[tag]
            a, z = (0, len(o)) if whole else (int(np.searchsorted(o, lo)), int(np.searchsorted(o, hi)))
            if z > a:
                series = self.scalars.get(tag) or added.get(tag)
                if series is None:
                    series = added[tag] = ScalarSeries()
                series.append(st[a:z], wt[a:z], va[a:z])
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
                hs.extend(h.steps[a:z], h.wall_times[a:z], off, h.rows[off[0] : off[-1]])
        if hists:
            self.histograms = {**self.histograms, **hists}
        blobs: dict[str, BlobSeries] = {}
        for tag, bitems in b.blobs.items():
            for _, step, wall, plugin, (ref, small) in _between(bitems, lo, hi):
                bs = self.blobs.get(tag) or blobs.get(tag)
                if bs is None:
                    bs = blobs[tag] = BlobSeries(plugin)
                bs.add(b.payload_file, step, wall, *ref, plugin=plugin, warm=small)
        if blobs:
            self.blobs = {**self.blobs, **blobs}

    def _purge(self, step: int, tags: set[str] | None) -> None:
        for store in (self.scalars, self.histograms, self.blobs):
            for tag, series in store.items():
                if tags is None or tag in tags:
                    series.keep(series.steps < step)


_FIRST = int(np.iinfo(np.int64).min)
_NEVER = int(np.iinfo(np.int64).max)


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
    first = np.full(n_tags, _NEVER, dtype=np.int64)
    np.minimum.at(first, tag_id[rows], rows)
    tids = np.flatnonzero(first != _NEVER)
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


def _store(batch: _Batch, frames: Frames, i: int, ordinal: int, info: decode.EventInfo) -> None:
    try:
        batch.event(ordinal, info, i)
    except Exception as e:  # a value shaped like nothing its plugin stores
        frames.problem(i, f"cannot store its values ({_why(e)}), record skipped")


class _Batch:
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
        self._hcols: tuple[np.ndarray, histcolumns.HistogramColumns] | None = None
        self._hcol_events: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # in file order
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
        self._first_wall_ord = _NEVER
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
            self._hcols = (ordinals, cols)
            order = np.argsort(ordinals, kind="stable")  # entries come grouped by tag
            self._hcol_events = (ordinals[order], cols.steps[order], cols.tag_id[order])
            self._wall_column(self._hcol_events[0], cols.wall_times[order])

    def _wall_column(self, ordinals: np.ndarray, walls: np.ndarray) -> None:
        nz = np.flatnonzero(walls)
        if len(nz):
            self._wall(int(ordinals[nz[0]]), float(walls[nz[0]]))
            w = walls[nz]
            w = w[~np.isnan(w)]
            if len(w):
                self._wall(_NEVER, float(w.min()))
                self._wall(_NEVER, float(w.max()))

    def _ref(self, i: int, value: int, plugin: str, item: object) -> tuple[tuple[int, ...], object]:
        """Where record ``i``'s value ``value`` is and its small metadata (see payloads.INDEX_DTYPE),
        and the payload itself if it is small enough to keep decoded (payloads.WARM_BYTES)."""
        f = self._frames
        start, length = int(f.starts[i]), int(f.lengths[i])
        crc = int.from_bytes(f.data[start + length : start + length + 4], "little")
        size = payload_size(item)
        ref = (start + f.base - HEADER, length, value, size, crc, *image_dims(item, plugin))
        return ref, (item if size <= WARM_BYTES else None)

    def _one(self, i: int, value: int, plugin: str, raw: bytes, info: decode.EventInfo) -> PayloadIndex:
        """A one-point payload index for a graph in record ``i`` (``raw``: its bytes, for the size)."""
        (offset, length, value, _, crc, *_), _ = self._ref(i, value, plugin, None)  # type: ignore[misc]
        return one_point(
            self.payload_file, info.step, info.wall_time, offset, length, value, len(raw), crc, plugin
        )

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
            raw = _first_bytes(d.data)
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
            parts.insert(0, self._cols)
        tid, o, st, wt, va, wd = (
            np.concatenate(c) if len(parts) > 1 else c[0] for c in zip(*parts, strict=True)
        )
        self._col_events = (parts[0][1], parts[0][2], parts[0][0]) if self._cols is not None else None
        self._p = ([], [], [], [], [], [])
        if len(tid):
            # File order within each tag: both parts are in file order already, so the stable sort
            # by ordinal merges two runs, and the one by tag id (radix for <= 65536 tags) keeps it.
            order = np.argsort(o, kind="stable")
            self._by_ordinal = (o[order], tid[order])
            key = tid[order].astype(np.uint16 if len(self._tags) <= 1 << 16 else np.int64)
            order = order[np.argsort(key, kind="stable")]
            tid, o, st, wt, va, wd = tid[order], o[order], st[order], wt[order], va[order], wd[order]
            starts = np.concatenate(([0], np.flatnonzero(np.diff(tid)) + 1))
            ends = np.append(starts[1:], len(tid))
            wide = np.logical_or.reduceat(wd, starts)
            # Tags in the order their first point appears, as TensorBoard lists them.
            for rank, k in enumerate(np.argsort(o[starts], kind="stable").tolist()):
                a, z = int(starts[k]), int(ends[k])
                self._rank[int(tid[a])] = rank
                vals = va[a:z] if wide[k] else _narrow(va[a:z])
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
        if self._hcols is not None:
            ords, c = self._hcols  # grouped by tag already: each tag is one slice
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

    def summary_events(self) -> tuple[np.ndarray, np.ndarray]:
        """(ordinals, steps) of the batch's summary events in file order, one entry per event."""
        if self._summary is None:
            runs = [(np.asarray(self._ev_ords, dtype=np.int64), np.asarray(self._ev_steps, dtype=np.int64))]
            if self._col_events is not None:
                runs.append(self._col_events[:2])
            if self._hcol_events is not None:
                runs.append(self._hcol_events[:2])
            runs = [r for r in runs if len(r[0])]
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
        if self._hcols is not None and self._hcol_events is not None:
            ords, _, tids = self._hcol_events
            i = int(np.searchsorted(ords, ordinal))
            if i < len(ords) and int(ords[i]) == ordinal:
                out.add(self._hcols[1].tags[int(tids[i])])
        return out


@dataclass(slots=True)
class _Histograms:
    """One tag's histograms in a batch, in file order: item i's rows are ``rows[offsets[i]:offsets[i+1]]``."""

    ordinals: np.ndarray
    steps: np.ndarray
    wall_times: np.ndarray
    offsets: np.ndarray
    rows: np.ndarray


def _take(offsets: np.ndarray, rows: np.ndarray, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``items`` (indices into ``offsets``), packed: (their offsets, their rows)."""
    sizes = offsets[items + 1] - offsets[items]
    off = np.zeros(len(items) + 1, np.int64)
    np.cumsum(sizes, out=off[1:])
    if len(items) == len(offsets) - 1 and (items == np.arange(len(items))).all():
        return off, rows[: off[-1]]
    idx = np.repeat(offsets[items] - off[:-1], sizes) + np.arange(int(off[-1]))
    return off, rows[idx]


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
    off, rows = _take(offsets, np.concatenate([p.rows for p in parts]), order)
    steps = np.concatenate([p.steps for p in parts])[order]
    walls = np.concatenate([p.wall_times for p in parts])[order]
    return _Histograms(ords[order], steps, walls, off, rows)


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


def _narrow(values: np.ndarray) -> np.ndarray:
    """float64 values that were written narrower, back to float32 (exact: they came from there)."""
    with np.errstate(invalid="ignore"):  # NaN payloads: float32's, as float(x) widened them
        return values.astype(np.float32)


def _between(items: list[tuple], lo: int, hi: int) -> list[tuple]:
    """The items (sorted by ordinal, their first field) with ordinals in [lo, hi)."""
    if lo == _FIRST and hi == _NEVER:
        return items
    return items[
        bisect.bisect_left(items, lo, key=_by_ordinal) : bisect.bisect_left(items, hi, key=_by_ordinal)
    ]


def _by_ordinal(item: tuple) -> int:
    return item[0]


def _by_first_ordinal(entry: tuple[str, list[tuple]]) -> int:
    return entry[1][0][0]


def _first_bytes(arr: object) -> bytes | None:
    if isinstance(arr, np.ndarray) and arr.dtype == object and arr.size:
        v = arr.reshape(-1)[0]
        return bytes(v) if isinstance(v, bytes | bytearray) else None
    return None


@dataclass
class Changes:
    """What one refresh did: new runs, runs whose data changed, bytes read and still waiting."""

    new_runs: list[str] = field(default_factory=list)
    changed_runs: set[str] = field(default_factory=set)
    bytes_read: int = 0
    pending: int = 0
    #: A storage fault (remote logdirs) that cut this refresh short; what was read before it stays.
    fault: str | None = None

    @property
    def any(self) -> bool:
        return bool(self.new_runs or self.changed_runs)


# TensorBoard looks this many files back for writes to files it has left (directory_watcher.py).
_OUT_OF_ORDER_CHECK_COUNT = 20


class _FileOrder:
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
        return self.readers[max(0, self.at - _OUT_OF_ORDER_CHECK_COUNT) : self.at]


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
        self._first_pass_done: set[str] = set()  # files whose run read a first slice from them
        self._order: dict[str, _FileOrder] = {}
        self._discovery = Discovery(path)
        self._tracked: frozenset[str] = frozenset()  # absolute paths of every file a reader reads
        self._walk_owed = False  # a change asked for a walk that was put off
        #: Runs to read before the others, most wanted first (see :meth:`read_first`).
        self._wanted: tuple[str, ...] = ()
        self._next_walk = 0.0  # time.monotonic() before which a wanted walk is put off
        #: What discovery could not search (unreadable folders, links not followed, too deep), and
        #: a logdir that is not a directory. Rebuilt by every discovery.
        self.problems: list[str] = []
        #: The reopen cache (see ``model.cache``): a run found for the first time starts from its
        #: entry when there is a valid one, and :meth:`save_cache` writes what was read back.
        self.cache = cache

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
        """Why there is no directory to read (None when there is one), as a status line says it."""
        if self.remote:
            if self.exists or self.fault or not self.loaded_once:
                return None
            return f"{self.path}: no event files yet; waiting for them to appear"
        if os.path.isdir(self.path):
            return None
        if os.path.exists(self.path):
            return f"{self.path} is not a directory; waiting for a directory there"
        return f"{self.path} does not exist yet; waiting for it to appear"

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

    def discover(self) -> list[str]:
        """Find new runs and files, runs that are gone or renamed, and files that were replaced.

        Returns the names of new runs. A run whose files were replaced (or shrank) is read again
        from the start: its points cannot be told apart by file, and mixing the old file's points
        with the new one's would show neither. A run renamed on disk keeps its points and readers
        under the new name (its files are the same inodes); one that disappeared is marked gone.
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
            found = self._discovery.walk()
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

        Files a run's reading order has left behind (see :class:`_FileOrder`) are not counted:
        TensorBoard never reads them again, so neither does tbtui, and counting what they gained
        would keep the app "loading" forever.
        """
        total = 0
        for run in self.runs.values():
            order = self._file_order(run)
            for r in order.ahead():
                r.settle()
                # Read ahead by the reader's prefetch but not ingested yet: still to come.
                total += max(0, r.offset - order.taken.get(id(r), 0))
                size = r.stat_size()
                if r.stopped or size <= r.offset:
                    continue
                # An incomplete record already seen at this size is not pending: it waits for
                # the writer, and counting it would keep a torn file "loading" forever.
                total += r.pending if size == r.size else size - r.offset
        return total

    def read_first(self, runs: Iterable[str]) -> None:
        """Read these runs before the others, in this order (the runs the screen shows first).

        Called from the UI thread whenever what is on screen changes; the loader's next slice
        follows it. With thousands of runs the first pass takes a while, and the runs on screen
        (the run list's visible rows, the focused run, the runs a chart shows) come first.
        """
        self._wanted = tuple(runs)

    def _reading_order(self) -> list[tuple[str, Run]]:
        """Every run, the wanted ones first (see :meth:`read_first`), then the rest in name order."""
        runs = self.runs
        wanted = self._wanted
        if not wanted:
            return list(runs.items())
        first = {name: runs[name] for name in wanted if name in runs}
        return [*first.items(), *((n, r) for n, r in runs.items() if n not in first)]

    def refresh(
        self, max_bytes: int | None = None, *, rediscover: bool = True, max_seconds: float | None = None
    ) -> Changes:
        """Discover, then read new bytes: at most about ``max_bytes`` (None: everything).

        Each run's files are read strictly in TensorBoard's order (see :class:`_FileOrder`), so
        points are stored in the order TensorBoard holds them and restart purges see what it
        sees. Within that order the budget is shared out so the first screen comes early: first
        a slice (``first_slice``) of each run whose file being read has not had one yet, then one
        chunk per run per round; runs in :meth:`read_first`'s order. ``max_seconds`` bounds the time
        a call reads for too: thousands of tiny runs cost more in per-run work than in bytes, and
        the loader publishes (and the screen catches up) after each call.
        """
        changes = Changes()
        listed = True
        if rediscover:
            changes.new_runs = self.discover()
            listed = self.fault is None
        if listed:
            try:
                deadline = time.monotonic() + max_seconds if max_seconds is not None else None
                self._read_slices(changes, max_bytes, deadline)
            except StorageError as e:  # what was read stays; the next refresh goes on from there
                self.fault = str(e)
            else:
                if changes.bytes_read:
                    self.fault = None  # the storage answered again
        if changes.any:
            self.generation += 1
        # Stat every file: one never read yet has bytes waiting that no reader has seen.
        changes.pending = self.pending_bytes()
        changes.fault = self.fault
        self.loaded_once = True
        return changes

    def _read_slices(self, changes: Changes, max_bytes: int | None, deadline: float | None = None) -> None:
        budget = max_bytes if max_bytes is not None else float("inf")
        for name, run in list(self.runs.items()):
            if self._note_ignored_files(run):
                changes.changed_runs.add(name)
        runs_in_order = self._reading_order()
        # Remote, a request costs the same whatever its size up to a chunk: the first slice is one.
        first = self.chunk_bytes if self.remote else min(self.first_slice, self.chunk_bytes)
        self._prefetch(first, fresh_only=True)
        for name, run in runs_in_order:
            if budget <= 0 or (deadline is not None and time.monotonic() > deadline):
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
        progressed = True
        while budget > 0 and progressed:
            progressed = False
            self._prefetch(self.chunk_bytes)
            for name, run in runs_in_order:
                if budget <= 0 or (deadline is not None and time.monotonic() > deadline):
                    return
                n = self._read_next(run, self.chunk_bytes)
                if n:
                    changes.changed_runs.add(name)
                    changes.bytes_read += n
                    budget -= n
                    progressed = True

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
        """Where ``run`` is in TensorBoard's file order (see :class:`_FileOrder`), as plain data."""
        return self._file_order(run).state()

    def adopt(self, run: Run, order: dict) -> None:
        """Take ``run`` (restored by the reopen cache) at the place ``order`` in its file order."""
        fo = self._order[run.name] = _FileOrder(run)
        fo.restore(order)

    def save_cache(self) -> int:
        """Write what was read to the reopen cache, if there is one; returns the entries written."""
        return self.cache.save(self) if self.cache is not None else 0

    def _file_order(self, run: Run) -> _FileOrder:
        order = self._order.get(run.name)
        if order is None or order.run is not run:
            order = self._order[run.name] = _FileOrder(run)
        order.sync()
        return order

    def _read_next(self, run: Run, limit: int) -> int:
        """Read the next chunk of ``run`` in TensorBoard's file order; returns the bytes taken.

        Mirrors DirectoryWatcher._LoadInternal: read the current file; when it has nothing more
        and a later file exists, read it once more (records written between the last read and
        the listing), then leave it for good and go on with the next file.
        """
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

    def _read(self, run: Run, reader: RecordReader, limit: int, order: _FileOrder) -> int:
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
        """Read everything there is now (for the CLI commands and tests)."""
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
