"""Spare room in the columns goes once a run stops growing: a finished run costs 20 bytes a point.

The room (a quarter more, so a watched run's next points are written in place) is given back by
``trim``: the logdir trims every run the first time it has read everything, then each run that
has not grown for QUIET_SECONDS. Time is a replaced clock, never waited for.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.model import series as series_mod
from tui.model.logdir import Logdir
from tui.model.series import QUIET_SECONDS, HistogramSeries, ScalarSeries
from tui.tfevents.writer import EventFileWriter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(series_mod, "clock", c)
    return c


def _column_bytes(s: ScalarSeries) -> int:
    st, wt, va, _ = s._cols
    return st.nbytes + wt.nbytes + va.nbytes


def _grown(s: ScalarSeries, batches: int = 3, k: int = 100) -> None:
    for b in range(batches):
        steps = np.arange(b * k, (b + 1) * k, dtype=np.int64)
        s.append(steps, steps * 1.0, np.sin(steps).astype(np.float32))
        s.snapshot()  # packed: from the second batch on, with room to spare


def test_a_series_keeps_room_while_it_grows_and_gives_it_back_when_quiet(clock):
    s = ScalarSeries()
    _grown(s)
    assert s.capacity > len(s) == 300 and s.has_room
    before = s.snapshot()
    assert not s.trim(QUIET_SECONDS)  # it just grew
    clock.now += QUIET_SECONDS
    assert s.trim(QUIET_SECONDS)
    assert s.capacity == len(s) and not s.has_room
    assert _column_bytes(s) / len(s) == 20  # int64 step, float64 wall time, float32 value
    after = s.snapshot()
    for name in ("steps", "wall_times", "values"):  # the same points; the old snapshot still reads them
        np.testing.assert_array_equal(getattr(before, name), getattr(after, name))
    # Growing again makes room again, written in place from then on.
    s.append(np.array([300]), np.array([300.0]), np.array([0.5], np.float32))
    s.snapshot()
    s.append(np.array([301]), np.array([301.0]), np.array([0.25], np.float32))
    assert s.snapshot().values[-2:].tolist() == [0.5, 0.25]


def test_histogram_columns_give_their_room_back(clock):
    h = HistogramSeries()
    rows = np.tile(np.array([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0]]), (8, 1))
    for b in range(3):  # batches of 8 steps of 2 buckets each
        steps = np.arange(8 * b, 8 * b + 8, dtype=np.int64)
        h.extend(steps, steps * 1.0, np.arange(0, 17, 2, dtype=np.int64), rows)
        h.snapshot()
    assert h.has_room
    before = h.snapshot()
    assert h.trim(0.0) and not h.has_room
    after = h.snapshot()
    np.testing.assert_array_equal(before.rows, after.rows)
    np.testing.assert_array_equal(before.offsets, after.offsets)


def _write(path: str, start: int, steps: int) -> None:
    with EventFileWriter(path, filename="events.out.tfevents.1700000000.host") as w:
        for s in range(start, start + steps):
            w.add_scalar("loss", 1.0 / (s + 1), s, 1.7e9 + s)
            w.add_scalar("acc", s / 100, s, 1.7e9 + s)


def test_a_finished_run_read_in_slices_keeps_no_room_and_a_live_one_gives_it_back_when_quiet(tmp_path, clock):
    root = str(tmp_path / "logs")
    _write(os.path.join(root, "done"), 0, 400)
    live_dir = os.path.join(root, "live")
    _write(live_dir, 0, 50)
    ld = Logdir(root, first_slice=512, chunk_bytes=1024)
    while True:  # read in small slices, looking at the columns in between as the screen does
        ch = ld.refresh(max_bytes=2048)
        for run in ld.runs.values():
            for s in run.scalars.values():
                s.snapshot()
        if not ch.pending:
            break
    points = bytes_ = 0
    for run in ld.runs.values():
        for s in run.scalars.values():
            assert not s.has_room, (run.name, s.capacity, len(s))
            points += len(s)
            bytes_ += _column_bytes(s)
    assert points == 2 * 450 and bytes_ / points == 20
    # The live run grows: room comes back for it, and stays while it keeps growing.
    with open(os.path.join(live_dir, os.listdir(live_dir)[0]), "ab") as f:
        extra = tmp_path / "extra"
        _write(str(extra), 50, 30)
        f.write((extra / os.listdir(extra)[0]).read_bytes())
    ld.refresh()
    live = ld.runs["live"].scalars["loss"]
    live.snapshot()
    clock.now += 1.0
    live.append(np.array([80]), np.array([1.7e9 + 80]), np.array([0.01], np.float32))
    live.snapshot()
    ld.refresh()
    assert len(live) == 81 and live.has_room  # grew a second ago: keeps its room
    clock.now += QUIET_SECONDS
    ld.refresh()
    assert not live.has_room and _column_bytes(live) / len(live) == 20
    assert not ld.runs["done"].scalars["loss"].has_room


# -- room reserved for the growth a load expects ---------------------------------------------------


def _data_at(cols: tuple) -> list[int]:
    return [c.ctypes.data for c in cols if isinstance(c, np.ndarray)]


def test_a_series_expected_to_grow_reserves_its_room_once_and_is_cut_to_size_in_place(clock):
    s = ScalarSeries()
    steps = np.arange(100, dtype=np.int64)
    s.append(steps, steps * 1.0, np.sin(steps).astype(np.float32), expect=4.0)
    assert not s._pending and s.capacity >= 400  # reserved: the batch was copied in, not kept
    where = _data_at(s._cols)
    for b in range(1, 4):  # the later batches are written into the room, no pack
        st = np.arange(100 * b, 100 * (b + 1), dtype=np.int64)
        s.append(st, st * 1.0, np.sin(st).astype(np.float32), expect=4.0 / (b + 1))
        assert not s._pending and _data_at(s._cols) == where
    assert s.trim(0.0) and s.capacity == len(s) == 400 and not s.has_room
    assert _column_bytes(s) == 400 * 20
    snap = s.snapshot()
    every = np.arange(400)
    np.testing.assert_array_equal(snap.steps, every)
    np.testing.assert_array_equal(snap.values, np.sin(every).astype(np.float32))
    assert snap.values.dtype == np.float32


def test_a_series_cut_while_a_snapshot_views_it_is_copied_and_the_snapshot_still_reads(clock):
    s = ScalarSeries()
    steps = np.arange(50, dtype=np.int64)
    s.append(steps, steps * 2.0, steps.astype(np.float32), expect=10.0)
    held = s.snapshot()  # views of the reserved columns
    assert s.trim(0.0) and not s.has_room
    assert _data_at(s._cols) != [held.steps.ctypes.data, held.wall_times.ctypes.data, held.values.ctypes.data]
    s.append(np.array([50]), np.array([100.0]), np.array([-1.0], np.float32))
    np.testing.assert_array_equal(held.values, steps.astype(np.float32))
    assert s.snapshot().values.tolist() == [*range(50), -1.0]


def test_histogram_room_reserved_for_a_load_is_cut_in_place(clock):
    h = HistogramSeries()
    rows = np.arange(48, dtype=np.float32).reshape(16, 3)
    offsets = np.arange(0, 17, 2, dtype=np.int64)
    for b in range(3):
        st = np.arange(8 * b, 8 * b + 8, dtype=np.int64)
        h.extend(st, st * 1.0, offsets, rows + b, expect=3.0 / (b + 1))
        assert not h._pending
    assert h.has_room and h.trim(0.0) and not h.has_room
    snap = h.snapshot()
    np.testing.assert_array_equal(snap.rows, np.concatenate([rows, rows + 1, rows + 2]))
    np.testing.assert_array_equal(snap.offsets, np.arange(0, 49, 2))
    assert len(snap.steps) == 24 and snap.steps.tolist() == list(range(24))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.floats(1.0, 12.0), st.sampled_from(["", "snap", "trim"])),
        min_size=1,
        max_size=12,
    ),
    st.booleans(),
)
def test_any_mix_of_reserved_appends_snapshots_and_trims_keeps_every_point_in_order(batches, wide) -> None:
    s, h = ScalarSeries(), HistogramSeries()
    want_v: list[float] = []
    want_rows: list[np.ndarray] = []
    held = []
    step = 0
    for k, expect, then in batches:
        st_ = np.arange(step, step + k, dtype=np.int64)
        vals = (st_ * 0.5).astype(np.float64 if wide and step > 20 else np.float32)
        s.append(st_, st_ * 1.0, vals, expect)
        rows = np.repeat(st_.astype(np.float32), 3).reshape(-1, 3)
        h.extend(st_, st_ * 1.0, np.arange(k + 1, dtype=np.int64), rows, expect)
        want_v += vals.tolist()
        want_rows.append(rows)
        step += k
        if then == "snap":
            held.append((s.snapshot(), list(want_v)))
        elif then == "trim":
            s.trim(0.0)
            h.trim(0.0)
    for snap, values in held:  # what a snapshot saw stays as it was
        assert snap.values.tolist() == values
    s.trim(0.0)
    h.trim(0.0)
    assert not s.has_room and not h.has_room
    assert s.snapshot().values.tolist() == want_v and s.snapshot().steps.tolist() == list(range(step))
    hs = h.snapshot()
    np.testing.assert_array_equal(hs.rows, np.concatenate([np.zeros((0, 3), np.float32), *want_rows]))
    np.testing.assert_array_equal(hs.offsets, np.arange(step + 1))


def test_a_run_read_in_many_chunks_keeps_no_batches_and_no_room(tmp_path) -> None:
    """Each chunk of a run's file is copied into room reserved from the file's size: no batch is
    kept until the end, and the room left over goes when the run has been read."""
    root = str(tmp_path / "logs")
    _write(os.path.join(root, "run"), 0, 3000)
    ld = Logdir(root, chunk_bytes=8192, workers=0)
    pending = []
    while True:
        ch = ld.refresh(max_bytes=8192)
        run = ld.runs.get("run")
        if run is not None:
            pending += [len(s._pending) for s in run.scalars.values()]
        if not ch.pending:
            break
    assert len(pending) > 8 and max(pending) == 0
    loss = ld.runs["run"].scalars["loss"]
    assert not loss.has_room and len(loss) == 3000
    np.testing.assert_array_equal(loss.snapshot().values, (1.0 / (np.arange(3000) + 1)).astype(np.float32))


def test_a_reservation_is_bounded_however_much_growth_is_expected(clock) -> None:
    """A first slice of a huge file expects it to grow a million times over: the room reserved is
    at most RESERVE_MAX times the points (packed again, with a new guess, once full)."""
    s, h = ScalarSeries(), HistogramSeries()
    st_ = np.arange(10, dtype=np.int64)
    s.append(st_, st_ * 1.0, st_.astype(np.float32), expect=1e9)
    h.extend(st_, st_ * 1.0, np.arange(11, dtype=np.int64), np.zeros((10, 3), np.float32), expect=1e9)
    cap = int(10 * series_mod.RESERVE_MAX * series_mod.RESERVE_MARGIN) + 1
    assert 10 < s.capacity <= cap and 10 < h.capacity <= cap and len(h._cols[3]) <= cap
    more = np.arange(10, 10 + cap, dtype=np.int64)  # more than the room: packed again, all kept
    s.append(more, more * 1.0, more.astype(np.float32), expect=1e9)
    assert s.snapshot().steps.tolist() == list(range(10 + cap))


def test_a_reservation_the_system_refuses_leaves_the_points_pending(monkeypatch, clock) -> None:
    """Room for a petabyte cannot be had: the batch is kept as it came and packed exactly later."""
    monkeypatch.setattr(series_mod, "RESERVE_MAX", 1e15)
    s, h = ScalarSeries(), HistogramSeries()
    st_ = np.arange(10, dtype=np.int64)
    s.append(st_, st_ * 1.0, st_.astype(np.float32), expect=1e15)
    h.extend(st_, st_ * 1.0, np.arange(11, dtype=np.int64), np.ones((10, 3), np.float32), expect=1e15)
    assert s._pending and h._pending
    assert s.snapshot().values.tolist() == list(range(10)) and not s.has_room
    assert h.snapshot().rows.sum() == 30 and not h.has_room


class _NoCopy(np.ndarray):
    def copy(self, *args, **kwargs):  # type: ignore[override]
        raise MemoryError("no room for a copy")


def test_a_trim_whose_copy_is_refused_keeps_the_columns_as_they_were(clock) -> None:
    s = ScalarSeries()
    st_ = np.arange(20, dtype=np.int64)
    s.append(st_, st_ * 1.0, st_.astype(np.float32), expect=5.0)
    steps, w, v, n = s._cols
    odd = np.empty(len(steps), np.int64).view(_NoCopy)
    odd[:] = steps
    s._cols = (odd, w, v, n)
    held = odd[:n]  # a view: the column cannot be cut in place, and its copy is refused
    with pytest.raises(MemoryError):
        s.trim(0.0)
    assert s.has_room and s.snapshot().steps.tolist() == list(range(20)) and held[5] == 5
    assert s.snapshot().values.tolist() == list(range(20))
