"""Ingest on hostile and huge input (issue 11, findings 1 and 6): nothing escapes, nothing is quadratic.

Finding 1: eight or more CRC-valid records of one length whose tag is not UTF-8, or whose metadata
protobuf rejects, used to raise protobuf's DecodeError out of the column decoder. Finding 6: loading
was quadratic in distinct tags (a dict copied per new tag) and in the values of one event. Load
time is asserted through what the run publishes (one new dict per batch, never one per tag), and a
generous time bound only where a count cannot say it.
"""

from __future__ import annotations

import io
import json
import time
from contextlib import redirect_stdout
from pathlib import Path

import numpy as np

from tui import cli
from tui.model.logdir import Logdir
from tui.model.run import Run
from tui.tfevents.proto import event_pb2, tensor_pb2
from tui.tfevents.records import RecordReader
from tui.tfevents.writer import frame


def _scalar(tag: str, value: float, step: int) -> bytes:
    ev = event_pb2.Event(step=step, wall_time=1.7e9 + step)
    ev.summary.value.add(tag=tag, simple_value=value)
    return ev.SerializeToString()


def _tf2_scalar(tag: str, value: float, step: int) -> bytes:
    ev = event_pb2.Event(step=step, wall_time=1.7e9 + step)
    v = ev.summary.value.add(tag=tag)
    v.metadata.plugin_data.plugin_name = "scalars"
    v.tensor.dtype = tensor_pb2.DT_FLOAT
    v.tensor.tensor_shape.SetInParent()
    v.tensor.tensor_content = np.float32(value).tobytes()
    return ev.SerializeToString()


def _write(path: Path, payloads: list[bytes]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(frame(p) for p in payloads))


def _summary_json(logdir: Path) -> dict:
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["summary", str(logdir), "--json"]) == 0
    return json.loads(out.getvalue())


def test_non_utf8_tags_and_corrupt_metadata_never_escape(tmp_path: Path) -> None:
    payloads = [_scalar("loss", float(s), s) for s in range(10)]
    # Ten records of one length whose tag is not UTF-8 (protobuf rejects them: skipped).
    payloads += [_scalar("AAAAAA", 1.0, s).replace(b"AAAAAA", b"\xff\xfe\xfd\xfc\xfb\xfa") for s in range(10)]
    # Ten TF2 scalars whose metadata protobuf rejects (its plugin name is not UTF-8).
    payloads += [_tf2_scalar("acc", 0.5, s).replace(b"scalars", b"scal\xffrs") for s in range(10)]
    # And the same for records that could be columns except that their tag's bytes are garbage
    # of several lengths, interleaved with good ones.
    payloads += [
        _tf2_scalar(f"t{i}", 1.0, 7).replace(f"t{i}".encode(), b"\xc3" * len(f"t{i}")) for i in range(30)
    ]
    _write(tmp_path / "run" / "events.out.tfevents.1.h", payloads)
    logdir = Logdir(str(tmp_path)).load_all()
    run = logdir.runs["run"]
    assert list(run.scalars) == ["loss"]
    assert run.scalars["loss"].snapshot().values.tolist() == [float(s) for s in range(10)]
    doc = _summary_json(tmp_path)
    assert doc["runs"]["run"]["scalars"]["loss"]["count"] == 10


class CountingRun(Run):
    """A run that counts how often it publishes a new dict of series or metadata."""

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "published", {"scalars": 0, "metadata": 0, "blobs": 0, "histograms": 0})
        super().__init__(name)

    def __setattr__(self, name: str, value: object) -> None:
        if name in self.published:
            self.published[name] += 1
        super().__setattr__(name, value)


def _ingest_file(path: Path, chunk: int) -> tuple[CountingRun, int]:
    run = CountingRun("run")
    for k in run.published:
        run.published[k] = 0
    reader = RecordReader(str(path), chunk_bytes=chunk)
    batches = 0
    while (frames := reader.read(chunk)) is not None:
        run.ingest(frames)
        batches += 1
    return run, batches


def test_ten_thousand_tags_publish_once_per_batch(tmp_path: Path) -> None:
    n = 10_000
    payloads = [_scalar(f"layer_{i:05d}/loss", float(i), 0) for i in range(n)]  # one layout
    payloads += [_tf2_scalar(f"tf2/{i}", float(i), 1) for i in range(n)]  # tags of several lengths
    payloads += [_scalar(f"layer_{i:05d}/loss", -float(i), 1) for i in range(n)]
    path = tmp_path / "run" / "events.out.tfevents.1.h"
    _write(path, payloads)
    t0 = time.perf_counter()
    run, batches = _ingest_file(path, 256 << 10)
    elapsed = time.perf_counter() - t0
    assert len(run.scalars) == 2 * n
    assert run.scalars["layer_01234/loss"].snapshot().values.tolist() == [1234.0, -1234.0]
    assert run.scalars["tf2/9999"].snapshot().steps.tolist() == [1]
    # Linear in tags: every dict is replaced at most once per batch, however many tags it adds.
    assert batches > 3
    assert run.published["scalars"] <= batches and run.published["metadata"] <= batches
    assert elapsed < 30  # quadratic took minutes at this size; linear takes about a second


def test_one_event_with_many_values_is_linear(tmp_path: Path) -> None:
    n = 50_000
    ev = event_pb2.Event(step=3, wall_time=1.7e9)
    for i in range(n):
        ev.summary.value.add(tag=f"v{i}", simple_value=float(i))
    ev2 = event_pb2.Event(step=4, wall_time=1.7e9)
    for i in range(0, n, 2):
        v = ev2.summary.value.add(tag=f"v{i}")
        v.tensor.dtype = tensor_pb2.DT_DOUBLE
        v.tensor.double_val.append(-float(i))
    path = tmp_path / "run" / "events.out.tfevents.1.h"
    _write(path, [ev.SerializeToString(), ev2.SerializeToString()])
    t0 = time.perf_counter()
    run, batches = _ingest_file(path, 8 << 20)
    elapsed = time.perf_counter() - t0
    assert len(run.scalars) == n and batches == 1
    assert run.published["scalars"] == 1 and run.published["metadata"] == 1
    series = run.scalars["v40000"].snapshot()
    assert series.steps.tolist() == [3, 4] and series.values.tolist() == [40000.0, -40000.0]
    assert series.values.dtype == np.float64  # float32 widened by the later float64 point, exactly
    assert run.scalars["v1"].snapshot().values.dtype == np.float32
    assert elapsed < 60  # 100k values took over three minutes when each value copied the tag dict
