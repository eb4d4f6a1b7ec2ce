"""Spare room in the columns goes once a run stops growing: a finished run costs 20 bytes a point.

The room (a quarter more, so a watched run's next points are written in place) is given back by
``trim``: the logdir trims every run the first time it has read everything, then each run that
has not grown for QUIET_SECONDS. Time is a replaced clock, never waited for.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

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
