"""Series storage: what a snapshot shows equals everything appended, in order, whatever the batching."""

from __future__ import annotations

import random
import threading

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.model.series import HistogramSeries, ScalarSeries


def _hist(rnd: random.Random, dtype: type) -> np.ndarray:
    rows = [[rnd.random(), rnd.random(), rnd.randint(0, 9)] for _ in range(rnd.randint(0, 6))]
    return np.array(rows, dtype).reshape(-1, 3)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32))
def test_histogram_series_keeps_every_step_in_order(seed: int) -> None:
    """Batches of any size, snapshots between them, a float64 histogram promoting the rows, purges."""
    rnd = random.Random(seed)
    series = HistogramSeries()
    want: list[tuple[int, np.ndarray]] = []
    old = []  # snapshots handed out earlier must never change
    wide = False  # a float64 histogram promotes the series for good (a purge does not narrow it)
    for _ in range(rnd.randint(1, 12)):
        action = rnd.random()
        if action < 0.15 and want:
            cut = rnd.randint(0, 40)
            series.keep(series.steps < cut)
            want = [(s, h) for s, h in want if s < cut]
        elif action < 0.35:
            snap = series.snapshot()
            old.append((snap, snap.rows.copy(), snap.steps.copy()))
        else:
            dtype = np.float64 if rnd.random() < 0.1 else np.float32
            batch = [(rnd.randint(0, 50), _hist(rnd, dtype)) for _ in range(rnd.randint(1, 9))]
            sizes = [len(h) for _, h in batch]
            offsets = np.concatenate(([0], np.cumsum(sizes))) + rnd.randint(0, 3)  # counted from offsets[0]
            rows = np.concatenate([h for _, h in batch]) if sum(sizes) else np.zeros((0, 3), dtype)
            steps = np.array([s for s, _ in batch], np.int64)
            series.extend(steps, steps * 0.5, offsets, rows)
            want += batch
            wide |= dtype is np.float64
    snap = series.snapshot()
    assert len(series) == len(snap) == len(want)
    assert snap.steps.tolist() == [s for s, _ in want]
    assert snap.wall_times.tolist() == [s * 0.5 for s, _ in want]
    for i, (_, h) in enumerate(want):
        np.testing.assert_array_equal(snap.histogram(i), h.astype(np.float64))
        assert snap.histogram(i).dtype == np.float64
    assert snap.rows.dtype == (np.float64 if wide else np.float32)
    for snap_then, rows, steps in old:
        assert snap_then.rows.tobytes() == rows.tobytes() and snap_then.steps.tolist() == steps.tolist()


def test_histogram_snapshots_while_appending_see_whole_steps() -> None:
    """A reader packing pending batches while the loader appends never sees a torn series."""
    series = HistogramSeries()
    done = threading.Event()

    def write() -> None:
        for s in range(2000):
            series.append(s, float(s), np.full((s % 4, 3), s, np.float32))
        done.set()

    t = threading.Thread(target=write)
    t.start()
    while not done.is_set():
        snap = series.snapshot()
        assert snap.offsets[-1] == len(snap.rows) and len(snap.offsets) == len(snap) + 1
        for i in range(0, len(snap), 97):
            assert (snap.histogram(i) == snap.steps[i]).all()
    t.join()
    assert series.snapshot().steps.tolist() == list(range(2000))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32))
def test_scalar_series_keeps_every_point_in_order(seed: int) -> None:
    """Batches kept as they came and packed by a snapshot: the same points, dtypes as written."""
    rnd = random.Random(seed)
    series = ScalarSeries()
    want: list[tuple[int, float]] = []
    old = []
    for _ in range(rnd.randint(1, 12)):
        action = rnd.random()
        if action < 0.15 and want:
            cut = rnd.randint(0, 40)
            series.keep(series.steps < cut)
            want = [(s, v) for s, v in want if s < cut]
        elif action < 0.35:
            snap = series.snapshot()
            old.append((snap, snap.values.copy()))
            assert series.last() == (want[-1] if want else None)
        else:
            dtype = np.float64 if rnd.random() < 0.2 else np.float32
            values = np.array([rnd.random() for _ in range(rnd.randint(1, 9))], dtype)
            steps = np.array([rnd.randint(0, 50) for _ in values], np.int64)
            series.append(steps, steps * 0.5, values)
            want += list(zip(steps.tolist(), values.astype(np.float64).tolist(), strict=True))
        assert series.last() == (want[-1] if want else None)
    snap = series.snapshot()
    assert len(series) == len(snap) == len(want)
    assert snap.steps.tolist() == [s for s, _ in want]
    assert snap.values.astype(np.float64).tolist() == [v for _, v in want]
    for snap_then, values in old:
        assert snap_then.values.tobytes() == values.tobytes()
