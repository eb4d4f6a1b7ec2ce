"""A small event-file writer: for the demo, test fixtures and benchmarks.

It writes what TensorBoard's own writers write (a ``brain.Event:2`` header, then one Event per
record, TF2-style tensor summaries or legacy fields as asked), so files it makes load in
TensorBoard's loaders as well as in tbtui. It is not a training-time logger: there is no
background flushing thread, and every call appends straight to the file's buffer.
"""

from __future__ import annotations

import os
import socket
import struct
import time
import zlib
from collections.abc import Iterable

import numpy as np

from tui.tfevents import crc, decode
from tui.tfevents.proto import event_pb2, graph_pb2, summary_pb2, tensor_pb2

_U64 = struct.Struct("<Q")
_U32 = struct.Struct("<I")


def frame(payload: bytes) -> bytes:
    """One TFRecord frame around ``payload``."""
    head = _U64.pack(len(payload))
    return head + _U32.pack(crc.masked_crc32c(head)) + payload + _U32.pack(crc.masked_crc32c(payload))


def event_file_name(when: float | None = None, host: str | None = None, suffix: str = "") -> str:
    """``events.out.tfevents.<secs>.<host>.<pid>.<n>``, the name TensorBoard's writers use."""
    secs = int(when if when is not None else time.time())
    return f"events.out.tfevents.{secs:010d}.{host or socket.gethostname()}.{os.getpid()}.0{suffix}"


def _metadata(plugin: str, content: bytes = b"", data_class: int = 0) -> summary_pb2.SummaryMetadata:
    md = summary_pb2.SummaryMetadata(data_class=data_class)
    md.plugin_data.plugin_name = plugin
    md.plugin_data.content = content
    return md


def histogram_k3(values: np.ndarray, bins: int = 30) -> np.ndarray:
    """[k, 3] (left, right, count) of ``values`` on ``bins`` equal buckets, as tf.summary does."""
    v = np.asarray(values, dtype=np.float64).ravel()
    if not len(v):
        return np.zeros((0, 3))
    lo, hi = float(v.min()), float(v.max())
    if lo == hi:
        out = np.zeros((bins, 3))
        out[:, 0], out[:, 1] = lo, hi
        out[-1, 2] = len(v)
        return out
    counts, edges = np.histogram(v, bins=bins, range=(lo, hi))
    return np.stack([edges[:-1], edges[1:], counts.astype(np.float64)], axis=1)


def png_bytes(pixels: np.ndarray) -> bytes:
    """Encode an (h, w) or (h, w, 3) uint8 array as PNG, with zlib only (no imaging library).

    Enough for the demo and fixtures to write image summaries that every reader decodes.
    """
    a = np.ascontiguousarray(pixels, dtype=np.uint8)
    h, w = a.shape[:2]
    color = 2 if a.ndim == 3 else 0
    rows = a.reshape(h, -1)
    raw = np.concatenate([np.zeros((h, 1), np.uint8), rows], axis=1).tobytes()  # filter 0 per row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    head = struct.pack(">IIBBBBB", w, h, 8, color, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )


class EventFileWriter:
    """Append events to one new file in ``run_dir`` (created if needed).

    ``legacy=True`` writes scalars as ``simple_value`` and histograms as ``HistogramProto`` (what
    torch and tensorboardX write); the default writes TF2 tensor summaries with plugin metadata.
    """

    def __init__(
        self,
        run_dir: str,
        *,
        legacy: bool = False,
        filename: str | None = None,
        buffer_bytes: int = 1 << 20,
        file_version: bool = True,
    ) -> None:
        os.makedirs(run_dir, exist_ok=True)
        self.path = os.path.join(run_dir, filename or event_file_name())
        self.legacy = legacy
        self._f = open(self.path, "ab")  # noqa: SIM115 - held open for the writer's life
        self._buf: list[bytes] = []
        self._buffered = 0
        self._limit = buffer_bytes
        if file_version:
            self.write_event(event_pb2.Event(wall_time=time.time(), file_version="brain.Event:2"))

    # -- low level ------------------------------------------------------------------------------

    def write_event(self, ev: event_pb2.Event) -> None:
        self.write_raw(ev.SerializeToString())

    def write_raw(self, payload: bytes) -> None:
        rec = frame(payload)
        self._buf.append(rec)
        self._buffered += len(rec)
        if self._buffered >= self._limit:
            self.flush()

    def flush(self) -> None:
        if self._buf:
            self._f.write(b"".join(self._buf))
            self._buf.clear()
            self._buffered = 0
        self._f.flush()

    def close(self) -> None:
        self.flush()
        self._f.close()

    def __enter__(self) -> EventFileWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _event(self, step: int, wall_time: float | None) -> event_pb2.Event:
        return event_pb2.Event(step=step, wall_time=time.time() if wall_time is None else wall_time)

    # -- summaries ------------------------------------------------------------------------------

    def add_scalar(self, tag: str, value: float, step: int, wall_time: float | None = None) -> None:
        ev = self._event(step, wall_time)
        v = ev.summary.value.add(tag=tag)
        if self.legacy:
            v.simple_value = float(value)
        else:
            v.metadata.CopyFrom(_metadata(decode.SCALARS, data_class=summary_pb2.DATA_CLASS_SCALAR))
            v.tensor.dtype = tensor_pb2.DT_FLOAT
            v.tensor.tensor_content = np.float32(value).tobytes()
        self.write_event(ev)

    def add_histogram(
        self, tag: str, values: np.ndarray, step: int, wall_time: float | None = None, *, bins: int = 30
    ) -> None:
        """Histogram of raw ``values`` (or an already bucketed [k, 3] array when 2-D with 3 columns)."""
        arr = np.asarray(values, dtype=np.float64)
        k3 = arr if arr.ndim == 2 and arr.shape[1] == 3 else histogram_k3(arr, bins)
        ev = self._event(step, wall_time)
        v = ev.summary.value.add(tag=tag)
        if self.legacy:
            h = v.histo
            raw = arr.ravel() if not (arr.ndim == 2 and arr.shape[1] == 3) else None
            h.min = float(raw.min()) if raw is not None and len(raw) else float(k3[0, 0]) if len(k3) else 0.0
            h.max = float(raw.max()) if raw is not None and len(raw) else float(k3[-1, 1]) if len(k3) else 0.0
            h.num = float(k3[:, 2].sum())
            if raw is not None:
                h.sum = float(raw.sum())
                h.sum_squares = float((raw * raw).sum())
            h.bucket_limit.extend(k3[:, 1].tolist())
            h.bucket.extend(k3[:, 2].tolist())
        else:
            v.metadata.CopyFrom(_metadata(decode.HISTOGRAMS, data_class=summary_pb2.DATA_CLASS_TENSOR))
            v.tensor.dtype = tensor_pb2.DT_DOUBLE
            v.tensor.tensor_shape.dim.add(size=len(k3))
            v.tensor.tensor_shape.dim.add(size=3)
            v.tensor.tensor_content = np.ascontiguousarray(k3, dtype="<f8").tobytes()
        self.write_event(ev)

    def add_text(
        self, tag: str, text: str | Iterable[str], step: int, wall_time: float | None = None
    ) -> None:
        """A text summary: one markdown string, or a list of them (a rank-1 table)."""
        items = [text] if isinstance(text, str) else list(text)
        ev = self._event(step, wall_time)
        v = ev.summary.value.add(tag=tag)
        v.metadata.CopyFrom(_metadata(decode.TEXT, data_class=summary_pb2.DATA_CLASS_TENSOR))
        v.tensor.dtype = tensor_pb2.DT_STRING
        if not isinstance(text, str):
            v.tensor.tensor_shape.dim.add(size=len(items))
        v.tensor.string_val.extend(s.encode("utf-8") for s in items)
        self.write_event(ev)

    def add_image(
        self, tag: str, png: bytes, width: int, height: int, step: int, wall_time: float | None = None
    ) -> None:
        ev = self._event(step, wall_time)
        v = ev.summary.value.add(tag=tag)
        v.image.width, v.image.height, v.image.colorspace = width, height, 3
        v.image.encoded_image_string = png
        self.write_event(ev)

    def add_graph(self, graph: graph_pb2.GraphDef, step: int = 0, wall_time: float | None = None) -> None:
        ev = self._event(step, wall_time)
        ev.graph_def = graph.SerializeToString()
        self.write_event(ev)

    def add_session_start(self, step: int, wall_time: float | None = None) -> None:
        """SessionLog.START: a restart marker (TensorBoard purges points at or after ``step``)."""
        ev = self._event(step, wall_time)
        ev.session_log.status = event_pb2.SessionLog.START
        self.write_event(ev)

    def add_hparams(self, plugin_content: bytes, tag: str, step: int = 0) -> None:
        """An hparams-plugin value (content: a serialized HParamsPluginData)."""
        ev = self._event(step, None)
        v = ev.summary.value.add(tag=tag)
        v.metadata.CopyFrom(_metadata(decode.HPARAMS, plugin_content))
        v.tensor.dtype = tensor_pb2.DT_FLOAT
        v.tensor.tensor_shape.dim.add(size=0)
        self.write_event(ev)
