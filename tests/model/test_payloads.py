"""Payloads on demand: the index the model keeps, read back, equals what decoding every record eagerly gives.

The eager reference below is what tbtui did before payloads were read on demand: every record of a
run's files, in order, parsed and decoded with each tag's first metadata, every blob value kept.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from tui.model import payloads
from tui.model.logdir import Logdir
from tui.model.payloads import CACHE, INDEX_DTYPE, BlobSeries, PayloadCache, PayloadUnavailable
from tui.tfevents import decode
from tui.tfevents.proto import event_pb2
from tui.tfevents.records import RecordReader
from tui.tfevents.writer import EventFileWriter

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
LOGDIRS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())

_NOT_BLOBS = {
    decode.SCALARS,
    decode.HISTOGRAMS,
    decode.RUN_METADATA_GRAPH,
    decode.RUN_METADATA,
    decode.KERAS_MODEL,
}


def _eager(paths: list[str]) -> dict[str, list[tuple[int, float, object]]]:
    """Every blob value of one run's files (in order), decoded as the records are read; in a
    versioned run, each SessionLog START after the first drops the points at and after its step,
    as TensorBoard's accumulator does (tf.compat.v1's FileWriter after a restore)."""
    known: dict[str, decode.Metadata] = {}
    out: dict[str, list[tuple[int, float, object]]] = {}
    versioned = started = False
    for path in paths:
        reader = RecordReader(path)
        while (frames := reader.read()) is not None:
            for i in range(len(frames)):
                try:
                    info, new = decode.decode_event(event_pb2.Event.FromString(frames.payload(i)), known)
                except Exception:
                    continue
                versioned = versioned or info.file_version is not None
                if info.session_start and versioned and started:
                    out = {t: [p for p in pts if p[0] < info.step] for t, pts in out.items()}
                started = started or (info.session_start and versioned)
                for tag, md in new.items():
                    known.setdefault(tag, md)
                if info.tagged_run_metadata is not None:
                    tag, data = info.tagged_run_metadata
                    out.setdefault(tag, []).append((info.step, info.wall_time, data))
                for d in info.values:
                    if d.plugin not in _NOT_BLOBS:
                        out.setdefault(d.tag, []).append((info.step, info.wall_time, d.data))
    return out


def _same(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray) and a.dtype == object:
        return (
            isinstance(b, np.ndarray)
            and b.dtype == object
            and a.shape == b.shape
            and a.tolist() == b.tolist()
        )
    if isinstance(a, np.ndarray):
        return (
            isinstance(b, np.ndarray)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and a.tobytes() == b.tobytes()
        )
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, decode.ImageData):
        return isinstance(b, decode.ImageData) and (a.width, a.height, a.encoded) == (
            b.width,
            b.height,
            b.encoded,
        )
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("name", LOGDIRS)
def test_payloads_on_demand_equal_the_eager_payloads(name: str) -> None:
    ld = Logdir(str(CORPUS / name)).load_all()
    CACHE.clear()
    compared = 0
    for run in ld.runs.values():
        want = _eager(sorted(run.files))
        got = {tag: s for tag, s in run.blobs.items()}
        assert sorted(got) == sorted(want), run.name
        for tag, series in got.items():
            snap = series.snapshot()
            points = want[tag]
            assert snap.steps.tolist() == [p[0] for p in points], (run.name, tag)
            assert snap.walls.tolist() == [p[1] for p in points], (run.name, tag)
            for i, (_, _, item) in enumerate(points):
                assert _same(snap.load(i), item), (run.name, tag, i)
                compared += 1
    if name not in ("symlink_loop",):
        assert compared, "the corpus logdir has payloads to compare"


def test_index_is_plain_columns_and_small_metadata(tmp_path: Path) -> None:
    """Per point: file, record offset and length, value index, and sizes; images their dimensions."""
    logdir = _images_logdir(tmp_path, steps=3)
    ld = Logdir(str(logdir)).load_all()
    series = ld.runs["."].blobs["img"]
    snap = series.snapshot()
    assert snap.rows.dtype == INDEX_DTYPE
    assert snap.steps.tolist() == [0, 1, 2]
    assert snap.rows["width"].tolist() == [4, 4, 4] and snap.rows["height"].tolist() == [2, 2, 2]
    assert snap.rows["samples"].tolist() == [1, 1, 1]
    assert (snap.rows["size"] == len(_png(0))).all()
    (f,) = snap.files
    assert f.path == str(next(logdir.iterdir()))
    # The record at each offset is the one holding the image.
    with open(f.path, "rb") as fh:
        data = fh.read()
    for row in snap.rows:
        n = int.from_bytes(data[row["offset"] : row["offset"] + 8], "little")
        assert n == row["length"]


def test_restore_rebuilds_a_series_from_its_columns(tmp_path: Path) -> None:
    """What the reopen cache stores (rows, files, plugin names) is enough to read the payloads again."""
    ld = Logdir(str(_images_logdir(tmp_path, steps=2))).load_all()
    snap = ld.runs["."].blobs["img"].snapshot()
    again = BlobSeries("images")
    again.restore(snap.rows.copy(), snap.files, snap.kinds)
    assert [im[0].encoded for im in again.items] == [_png(0), _png(1)]


def test_a_truncated_file_makes_a_notice_not_a_crash(tmp_path: Path) -> None:
    logdir = _images_logdir(tmp_path, steps=4)
    ld = Logdir(str(logdir)).load_all()
    snap = ld.runs["."].blobs["img"].snapshot()
    CACHE.clear()
    path = snap.files[0].path
    cut = int(snap.rows["offset"][2]) + 20  # in the middle of step 2's record
    with open(path, "r+b") as f:
        f.truncate(cut)
    assert snap.load(1)[0].encoded == _png(1)
    for i in (2, 3):
        with pytest.raises(PayloadUnavailable, match="shorter than when it was read"):
            snap.load(i)
    item, why = snap.try_load(3)
    assert item is None and why and "truncated" in why


def test_a_rotated_file_makes_a_notice_not_a_crash(tmp_path: Path) -> None:
    """Same name, other content (log rotation, a rewrite): the record's CRCs no longer verify."""
    logdir = _images_logdir(tmp_path, steps=3)
    ld = Logdir(str(logdir)).load_all()
    snap = ld.runs["."].blobs["img"].snapshot()
    CACHE.clear()
    path = snap.files[0].path
    other = tmp_path / "other"
    other.mkdir()
    _images_logdir(other, steps=3, shade=7)
    os.replace(other / "logs" / "events.out.tfevents.1.host", path)
    for i in range(3):
        with pytest.raises(PayloadUnavailable):
            snap.load(i)


def test_a_file_changed_in_place_is_caught_by_the_data_crc(tmp_path: Path) -> None:
    ld = Logdir(str(_images_logdir(tmp_path, steps=2))).load_all()
    snap = ld.runs["."].blobs["img"].snapshot()
    CACHE.clear()
    row = snap.rows[1]
    with open(snap.files[0].path, "r+b") as f:
        f.seek(int(row["offset"]) + 12 + int(row["length"]) - 3)
        f.write(b"\xff\xfe\xfd")
    with pytest.raises(PayloadUnavailable, match="data CRC"):
        snap.load(1)
    assert snap.load(0)[0].encoded == _png(0)


def test_a_deleted_file_makes_a_notice(tmp_path: Path) -> None:
    logdir = _images_logdir(tmp_path, steps=1)
    ld = Logdir(str(logdir)).load_all()
    snap = ld.runs["."].blobs["img"].snapshot()
    CACHE.clear()
    shutil.rmtree(logdir)
    with pytest.raises(PayloadUnavailable, match="gone"):
        snap.load(0)


def test_lru_is_bounded_by_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[int] = []  # the records read again from the file
    real = payloads.read_record
    monkeypatch.setattr(payloads, "read_record", lambda *a, **k: reads.append(1) or real(*a, **k))
    ld = Logdir(str(_images_logdir(tmp_path, steps=10))).load_all()
    snap = ld.runs["."].blobs["img"].snapshot()
    size = int(snap.rows["size"][0])
    cache = PayloadCache(budget=3 * (size + 64) + 10)
    for i in range(10):
        snap.load(i, cache)
    assert len(cache) == 3 and cache.nbytes <= cache.budget
    before = len(reads)
    snap.load(9, cache)  # the newest is kept: no read
    assert len(reads) == before
    snap.load(0, cache)  # the oldest went: read again
    assert len(reads) == before + 1
    assert snap.cached(0, cache) is not None and snap.cached(1, cache) is None


def _png(shade: int) -> bytes:
    return b"\x89PNG fake image " + bytes([shade]) * 40


def _images_logdir(root: Path, steps: int, shade: int = 0) -> Path:
    """A logdir with one legacy image summary per step (4x2, made-up bytes: the model never decodes them)."""
    logdir = root / "logs"
    with EventFileWriter(str(logdir), filename="events.out.tfevents.1.host") as w:
        for step in range(steps):
            w.add_image("img", _png(step + shade), 4, 2, step=step, wall_time=1000.0 + step)
    return logdir
