"""Payloads on demand: where each image, audio clip, text, pr curve, mesh or tensor is, read when shown.

A run's scalars are small and all of them are drawn, so they live in memory (series.py). Every
other kind ("blobs": images, audio, text, pr curves, meshes, non-scalar tensors, hparams, run
metadata) is few points of many bytes, of which a screen shows one step at a time: keeping their
bytes made memory follow the disk (600 logged images: 161 MB). So a :class:`BlobSeries` keeps an
*index*: per point its step, wall time, which file, the byte offset and length of its record, which
value of the event it is, and small metadata (payload size; width, height and sample count for
images). :meth:`PayloadIndex.load` reads the record again, checks it is still the one read (its
length and CRCs), parses it and decodes that one value exactly as the reading path would have,
through one small LRU bounded by bytes (:data:`CACHE`). Reads go through the run's byte source
(the local disk, or ``model.storage`` for s3/ssh/... logdirs), and are meant for worker threads:
a pane asks for payloads in a worker, never on the event loop.

The index is plain numpy (one structured array, :data:`INDEX_DTYPE`) plus a small tuple of
:class:`PayloadFile` and plugin names, so the reopen cache can store it as it is and rebuild a
series with :meth:`BlobSeries.restore`.

A payload whose file was rotated, truncated or replaced since becomes :class:`PayloadUnavailable`
(a ``ValueError`` with a sentence to show), never a crash.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from tui.tfevents import decode
from tui.tfevents.proto import event_pb2
from tui.tfevents.records import HEADER, ByteSource, RecordChanged, read_record

__all__ = [
    "CACHE",
    "INDEX_DTYPE",
    "BlobSeries",
    "LazyItems",
    "PayloadCache",
    "PayloadFile",
    "PayloadIndex",
    "PayloadRef",
    "PayloadUnavailable",
]


#: One row per point. ``file`` indexes the series' files; ``offset`` is the byte where the record
#: (its length header) starts and ``length`` its payload's byte count (the record is 16 bytes
#: more); ``value`` is the index of the Summary.Value in the event (-1: the event's
#: ``tagged_run_metadata``, -2: its ``graph_def``), or, for values made in memory, the index
#: into the file's values;
#: ``kind`` indexes the series' plugin names (a tag's plugin can change once its metadata
#: arrives); ``size`` is the payload's byte count as decoded (sum of encoded images, say);
#: ``crc`` the record's stored (masked) data CRC, so a record read again is known to be the same
#: one, not one at the same place in a file rotated or rewritten since; ``width``/``height``/
#: ``samples`` describe images (the first sample's size and how many).
class PayloadRef(NamedTuple):
    """Where one point's payload is in its file and its small metadata: an index row but for the
    step, wall time, file and kind (see :data:`INDEX_DTYPE` for each field)."""

    offset: int
    length: int
    value: int
    size: int = 0
    crc: int = 0
    width: int = 0
    height: int = 0
    samples: int = 0


INDEX_DTYPE = np.dtype(
    [
        ("step", "<i8"),
        ("wall", "<f8"),
        ("offset", "<i8"),
        ("length", "<i8"),
        ("size", "<i8"),
        ("crc", "<u4"),
        ("file", "<i4"),
        ("value", "<i4"),
        ("width", "<i4"),
        ("height", "<i4"),
        ("samples", "<i4"),
        ("kind", "<i2"),
    ]
)

_serials = itertools.count(1)
#: ``value`` of a point that is the event's ``tagged_run_metadata`` / ``graph_def`` field.
RUN_METADATA_FIELD = -1
GRAPH_DEF = -2


class PayloadUnavailable(ValueError):
    """A payload that cannot be read again: its file changed or went, or the read failed."""


class PayloadFile:
    """Where a series' payloads are: an event file, or (for records not read from one) memory.

    ``reader`` is the file's :class:`~tui.tfevents.records.RecordReader`, so a renamed file is
    followed (the model updates ``reader.path``) and its byte source (local disk or remote
    storage) and CRC setting are the reader's. ``data``/``base``: a batch of records that came from
    no file (tests), kept as bytes; ``values``: payloads made in memory (tests, demos). ``serial``
    keys the LRU: unique per file object, never reused.
    """

    __slots__ = ("base", "data", "reader", "serial", "values")

    def __init__(self, reader: Any = None, data: bytes | None = None, base: int = 0) -> None:
        self.reader = reader
        self.data = data
        self.base = base
        self.values: list[Any] = []
        self.serial = next(_serials)

    def __getstate__(self) -> tuple[None, dict[str, Any]]:
        """Everything but the serial: serials key this process's LRU (the reopen cache stores files)."""
        return None, {k: getattr(self, k) for k in self.__slots__ if k != "serial"}

    def __setstate__(self, state: tuple[None, dict[str, Any]]) -> None:
        for k, v in state[1].items():
            setattr(self, k, v)
        self.serial = next(_serials)  # a serial of this process, never one an earlier process gave

    @property
    def path(self) -> str | None:
        """The file's path now (None: not a file)."""
        return self.reader.path if self.reader is not None else None

    def record(self, offset: int, length: int, crc: int) -> bytes:
        """The payload of the record at ``offset`` (raises PayloadUnavailable when it changed).

        The record must still be whole and verify, and its stored CRC be ``crc`` (the one read
        then): a file rotated or rewritten with records at the same places is caught too.
        """
        if self.data is not None:
            s = offset - self.base + HEADER
            return self.data[s : s + length]
        r = self.reader
        if r is None:
            raise PayloadUnavailable("no file holds this payload")
        if r.replaced:
            raise PayloadUnavailable(f"{_name(r.path)} was {r.replaced}: its payloads cannot be read again")
        source: ByteSource | None = r.source
        try:
            return read_record(r.path, offset, length, source=source, check_crc=r.check_crc, expected=crc)
        except RecordChanged as e:
            raise PayloadUnavailable(f"{_name(r.path)}: {e}") from None
        except FileNotFoundError:
            raise PayloadUnavailable(f"{_name(r.path)} is gone: its payloads cannot be read again") from None
        except OSError as e:
            raise PayloadUnavailable(f"{_name(r.path)}: cannot read it again ({e.strerror or e})") from None
        except Exception as e:  # a remote source's fault (network, credentials): a notice too
            raise PayloadUnavailable(f"{_name(r.path)}: cannot read it again ({str(e)[:160]})") from None


def _name(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def decode_payload(data: bytes, value: int, plugin: str) -> Any:
    """Value ``value`` of the Event in ``data`` as the reading path decoded it (plugin ``plugin``).

    ``value`` -1 is the event's ``tagged_run_metadata`` bytes, -2 its ``graph_def``. Raises
    PayloadUnavailable when the record no longer holds such a value.
    """
    try:
        ev = event_pb2.Event.FromString(data)
    except Exception as e:
        raise PayloadUnavailable(f"the record is no longer a readable event ({type(e).__name__})") from None
    if value == GRAPH_DEF:
        if ev.WhichOneof("what") != "graph_def":
            raise PayloadUnavailable("the record no longer holds a graph")
        return ev.graph_def
    if value < 0:
        if ev.WhichOneof("what") != "tagged_run_metadata":
            raise PayloadUnavailable("the record no longer holds run metadata")
        return ev.tagged_run_metadata.run_metadata
    values = ev.summary.value
    if value >= len(values):
        raise PayloadUnavailable("the record no longer holds this value")
    v = values[value]
    tag = v.tag or (v.node_name if v.WhichOneof("value") == "tensor" else "")
    d, _ = decode.decode_value(v, {tag: decode.Metadata(plugin)})
    if d is None:
        raise PayloadUnavailable("the record no longer holds this value")
    return d.data


def payload_size(item: Any) -> int:
    """Bytes of a decoded payload's content: encoded images, audio or strings, or array data."""
    if isinstance(item, bytes | bytearray):
        return len(item)
    if isinstance(item, np.ndarray):
        if item.dtype == object:
            return sum(len(x) if isinstance(x, bytes | bytearray | str) else 8 for x in item.reshape(-1))
        return item.nbytes
    if isinstance(item, list):
        return sum(len(x.encoded) for x in item if isinstance(x, decode.ImageData))
    return 0


#: What the LRU counts for a payload besides its content (Python objects, array headers).
_OVERHEAD = 64


class PayloadCache:
    """Decoded payloads, least recently used dropped first once they hold more than ``budget`` bytes.

    Shared by every series (one bound for the whole app); thread-safe; a payload larger than the
    whole budget is handed out but not kept.
    """

    def __init__(self, budget: int = 32 << 20) -> None:
        self.budget = budget
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[int, int, int], tuple[Any, int]] = OrderedDict()
        self._bytes = 0

    @property
    def nbytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: tuple[int, int, int]) -> Any | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                return None
            self._items.move_to_end(key)
            return hit[0]

    def put(self, key: tuple[int, int, int], item: Any, cost: int) -> None:
        with self._lock:
            if cost > self.budget or key in self._items:
                return
            self._items[key] = (item, cost)
            self._bytes += cost
            while self._bytes > self.budget and self._items:
                _, (_, c) = self._items.popitem(last=False)
                self._bytes -= c

    def warm(self, key: tuple[int, int, int], item: Any) -> None:
        """Keep a small payload decoded while its file was read (no read now; see WARM_BYTES)."""
        with self._lock:
            if key in self._items:
                return
            cost = payload_size(item) + _OVERHEAD
            self._items[key] = (item, cost)
            self._bytes += cost
            while self._bytes > self.budget and self._items:
                _, (_, c) = self._items.popitem(last=False)
                self._bytes -= c

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


#: The one payload LRU of the process.
CACHE = PayloadCache()
#: Payloads this small (a config text, an hparams record, a pr curve of few thresholds) go into the
#: LRU as the reading path decodes them anyway: shown at once, on the UI thread, like a chart's
#: points, with no read at all. Larger ones are read again when shown. The LRU's bound holds
#: either way.
WARM_BYTES = 4096


@dataclass(frozen=True, slots=True)
class PayloadIndex:
    """An immutable view of a blob series: its rows (:data:`INDEX_DTYPE`), files and plugin names.

    Safe to hold on any thread while the loader appends or purges (those publish new state; the
    rows a view holds are never written again). :meth:`load` reads a payload (blocking: call it
    in a worker).
    """

    rows: np.ndarray
    files: tuple[PayloadFile, ...]
    kinds: tuple[str, ...]
    version: int = 0

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def steps(self) -> np.ndarray:
        return self.rows["step"]

    @property
    def walls(self) -> np.ndarray:
        return self.rows["wall"]

    def plugin(self, i: int) -> str:
        return self.kinds[int(self.rows["kind"][i])]

    def load(self, i: int, cache: PayloadCache | None = None) -> Any:
        """Point ``i``'s payload, decoded as the reading path decodes it; raises PayloadUnavailable."""
        cache = CACHE if cache is None else cache
        row = self.rows[i]
        f = self.files[int(row["file"])]
        offset, value = int(row["offset"]), int(row["value"])
        if f.values:
            return f.values[value]
        key = (f.serial, offset, value)
        hit = cache.get(key)
        if hit is not None:
            return hit
        data = f.record(offset, int(row["length"]), int(row["crc"]))
        item = decode_payload(data, value, self.kinds[int(row["kind"])])
        cache.put(key, item, payload_size(item) + _OVERHEAD)
        return item

    def cached(self, i: int, cache: PayloadCache | None = None) -> Any | None:
        """Point ``i``'s payload if it is in memory (the LRU, or made in memory), else None: no I/O."""
        cache = CACHE if cache is None else cache
        row = self.rows[i]
        f = self.files[int(row["file"])]
        if f.values:
            return f.values[int(row["value"])]
        return cache.get((f.serial, int(row["offset"]), int(row["value"])))

    def try_load(self, i: int, cache: PayloadCache | None = None) -> tuple[Any, str | None]:
        """(payload, None), or (None, why it cannot be read)."""
        try:
            return self.load(i, cache), None
        except PayloadUnavailable as e:
            return None, str(e)

    def by_step(self) -> np.ndarray:
        """Row indices in step order (ties keep file order)."""
        return np.argsort(self.rows["step"], kind="stable")


class LazyItems(Sequence[Any]):
    """``n`` payloads as a sequence, item ``k`` read by ``load(k)`` each time it is indexed (blocking
    I/O: for workers, the CLI and tests). A series and a tab's step-ordered view of it hand out their
    payloads this one way."""

    __slots__ = ("_load", "_n")

    def __init__(self, n: int, load: Callable[[int], Any]) -> None:
        self._n = n
        self._load = load

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self._load(k) for k in range(*i.indices(self._n))]
        return self._load(range(self._n)[i])  # a negative index counts from the end; IndexError past it

    def __iter__(self) -> Iterator[Any]:
        return (self._load(k) for k in range(self._n))


class BlobSeries:
    """Every point of one (run, tag) of a blob plugin: its index in memory, its payloads on disk.

    State is one tuple ``(rows, n, files, kinds)`` replaced with a single store: an append writes
    row ``n`` of a buffer no snapshot covers yet, then publishes ``n + 1``; a purge builds fresh
    rows. A reader on another thread (the UI) takes :meth:`snapshot` and never sees the columns out
    of step, nor rows change under it.
    """

    __slots__ = ("_state", "plugin", "version")

    def __init__(self, plugin: str) -> None:
        self.plugin = plugin
        self._state: tuple[np.ndarray, int, tuple[PayloadFile, ...], tuple[str, ...]] = (
            np.empty(0, INDEX_DTYPE),
            0,
            (),
            (plugin,),
        )
        self.version = 0

    def __len__(self) -> int:
        return self._state[1]

    def snapshot(self) -> PayloadIndex:
        rows, n, files, kinds = self._state
        return PayloadIndex(rows[:n], files, kinds, self.version)

    @property
    def steps(self) -> np.ndarray:
        rows, n, _, _ = self._state
        return rows["step"][:n]

    @property
    def walls(self) -> np.ndarray:
        rows, n, _, _ = self._state
        return rows["wall"][:n]

    @property
    def steps_list(self) -> list[int]:
        return self.steps.tolist()

    @property
    def items(self) -> Sequence[Any]:
        """Payloads as a sequence read on indexing (blocking I/O: for workers, the CLI and tests)."""
        index = self.snapshot()
        return LazyItems(len(index), index.load)

    def item(self, i: int) -> Any:
        """Point ``i``'s payload (blocking; raises PayloadUnavailable)."""
        return self.snapshot().load(i)

    def add(
        self, file: PayloadFile, step: int, wall: float, ref: PayloadRef, *, plugin: str, warm: Any = None
    ) -> None:
        """Index one point whose payload is value ``ref.value`` of the record at ``ref.offset`` of ``file``.

        ``warm``: the payload itself when the caller decoded it already and it is small (at most
        :data:`WARM_BYTES`): it goes into the LRU, so showing it costs no read.
        """
        rows, n, files, kinds = self._state
        fi = next((k for k, f in enumerate(files) if f is file), -1)
        if fi < 0:
            files, fi = (*files, file), len(files)
        ki = kinds.index(plugin) if plugin in kinds else -1
        if ki < 0:
            kinds, ki = (*kinds, plugin), len(kinds)
        if n >= len(rows):
            grown = np.zeros(max(8, 2 * len(rows)), INDEX_DTYPE)
            grown[:n] = rows[:n]
            rows = grown
        rows[n] = _row(step, wall, ref, fi, ki)
        if warm is not None and file.reader is not None:
            CACHE.warm((file.serial, ref.offset, ref.value), warm)
        self._state = (rows, n + 1, files, kinds)
        self.version += 1

    def append(self, step: int, wall_time: float, item: Any) -> None:
        """Add a point whose payload is made in memory (tests, the demo): it is kept as it is."""
        files = self._state[2]
        mem = next((f for f in files if f.reader is None and f.data is None), None)
        if mem is None:
            mem = PayloadFile()
        mem.values.append(item)
        w, h, k = image_dims(item, self.plugin)
        ref = PayloadRef(0, 0, len(mem.values) - 1, payload_size(item), 0, w, h, k)
        self.add(mem, step, wall_time, ref, plugin=self.plugin)

    def keep(self, mask: np.ndarray) -> int:
        """Keep only the points where ``mask`` is true (a restart purge); returns how many went."""
        rows, n, files, kinds = self._state
        dropped = int(n - mask.sum())
        if dropped:
            kept = rows[:n][mask].copy()
            self._state = (kept, len(kept), files, kinds)
            self.version += 1
        return dropped

    def restore(self, rows: np.ndarray, files: tuple[PayloadFile, ...], kinds: tuple[str, ...]) -> None:
        """Replace the index with ``rows`` (:data:`INDEX_DTYPE`) over ``files`` (the reopen cache)."""
        rows = np.ascontiguousarray(rows, dtype=INDEX_DTYPE)
        self._state = (rows, len(rows), tuple(files), tuple(kinds))
        self.version += 1


def one_point(file: PayloadFile, step: int, wall: float, ref: PayloadRef, plugin: str) -> PayloadIndex:
    """A payload index of one point (a graph's bytes: runs carry few, so no series)."""
    rows = np.zeros(1, INDEX_DTYPE)
    rows[0] = _row(step, wall, ref, 0, 0)
    return PayloadIndex(rows, (file,), (plugin,))


def _row(step: int, wall: float, ref: PayloadRef, file: int, kind: int) -> tuple:
    """An :data:`INDEX_DTYPE` row, its fields in their order."""
    r = ref
    return (step, wall, r.offset, r.length, r.size, r.crc, file, r.value, r.width, r.height, r.samples, kind)


def image_dims(item: Any, plugin: str) -> tuple[int, int, int]:
    """(width, height, samples) of an images payload (the first sample's size), else zeros."""
    if plugin == decode.IMAGES and isinstance(item, list):
        first = item[0] if item else None
        if isinstance(first, decode.ImageData):
            return _i32(first.width), _i32(first.height), _i32(len(item))
        return 0, 0, _i32(len(item))
    return 0, 0, 0


def _i32(x: int) -> int:
    """Clamped into int32 (a hostile writer's width is any integer)."""
    return max(-(1 << 31), min(int(x), (1 << 31) - 1))
