"""RunWatch: history read in the first pass (in however many slices) is not growth; later events are."""

from __future__ import annotations

import os
import time

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.model.logdir import Logdir
from tui.tfevents.proto import event_pb2
from tui.tfevents.writer import EventFileWriter
from tui.views.run_status import RunWatch, format_age, usual_gap


def test_history_read_in_slices_is_not_growth_but_new_events_are(tmp_path) -> None:
    root = str(tmp_path)
    old = time.time() - 86400
    with EventFileWriter(os.path.join(root, "run"), file_version=False) as w:
        w.write_event(event_pb2.Event(wall_time=old, file_version="brain.Event:2"))
        for s in range(200):
            w.add_scalar("loss", 1.0, s, old + s)
        name = os.path.basename(w.path)
    logdir = Logdir(root)
    watch, now = RunWatch(), time.time()
    logdir.refresh(max_bytes=256)  # the first slice: loaded_once is set, most is still to read
    assert logdir.loaded_once
    while logdir.refresh(max_bytes=256).pending:
        watch.observe(logdir, now, loading=True)
    watch.observe(logdir, now)  # the baseline
    assert watch.status(logdir.runs["run"], now).kind == "finished"
    with EventFileWriter(os.path.join(root, "run"), filename=name, file_version=False) as w:  # appends
        w.add_scalar("loss", 1.0, 200, old + 200)
    logdir.refresh()
    watch.observe(logdir, now)
    assert watch.status(logdir.runs["run"], now + 1).kind == "live"
    st = watch.status(logdir.runs["run"], now + 3600)
    assert (st.kind, st.short) == ("stalled", "1h")  # seen growing this session: stalled, not done


def test_ages_fit_four_cells() -> None:
    assert [format_age(s) for s in (5, 59, 61, 3599, 3600, 86399, 86400 * 3)] == [
        "5s",
        "59s",
        "1m",
        "59m",
        "1h",
        "23h",
        "3d",
    ]


def test_a_stall_is_described_with_the_usual_interval() -> None:
    from tui.views.run_status import RunStatus

    assert (
        RunStatus("stalled", 720, 0.5).describe()
        == "stalled: no new event for 12 min (it logged every 0.5 s)"
    )
    assert RunStatus("stalled", 7200, 30).describe() == "stalled: no new event for 2 h (it logged every 30 s)"
    # A job that wrote 50 steps in a tight loop: a gap of 44 microseconds is no "every 4.4e-05 s".
    assert (
        RunStatus("stalled", 840, 4.4e-05).describe()
        == "stalled: no new event for 14 min (it logged in a burst)"
    )
    assert (
        RunStatus("stalled", 840, 0.04).describe()
        == "stalled: no new event for 14 min (it logged in a burst)"
    )
    assert "every 0.1 s" in RunStatus("stalled", 840, 0.1).describe()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(1.6e9, 1.8e9),
            st.sampled_from([1.7e9, 1.7e9 + 0.5, 1.7e9 + 1.0]),  # repeated times: a burst
            st.floats(0.0, 1e3, allow_subnormal=False),
        ),
        max_size=64,
    )
)
def test_usual_gap_is_the_median_gap_between_distinct_times(walls) -> None:
    """The runs pane's usual interval: what np.median(np.diff(np.unique(...))) gives, written
    without their overhead (it runs for each of 2,000 runs read)."""
    arr = np.array(walls, dtype=np.float64)
    gaps = np.diff(np.unique(arr))
    want = float(np.median(gaps)) if gaps.size else None
    assert usual_gap(arr) == want
    assert usual_gap(arr[::-1]) == want  # however the times come
