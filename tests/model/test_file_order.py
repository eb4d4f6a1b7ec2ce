"""A run's files are read in TensorBoard's order and purged by its rules, loaded whole or tailed live.

Every expectation is TensorBoard's own reading of the same files (the ``tensorboard`` fixture:
plugin_event_multiplexer, what ``tensorboard --logdir`` serves), reloaded at the same moments as
tbtui refreshes when a test writes while reading. Slices are made tiny so that small files cross
many slice boundaries, as megabyte files do with the default sizes.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.model.logdir import Logdir
from tui.model.run import Run
from tui.tfevents.proto import event_pb2
from tui.tfevents.records import RecordReader
from tui.tfevents.writer import EventFileWriter

TINY = {"chunk_bytes": 1 << 10, "first_slice": 512}


def _name(n: int, suffix: str = "") -> str:
    """Event file names that sort in creation order, as the writers' timestamps make them."""
    return f"events.out.tfevents.{1_700_000_000 + n}.host.1.0{suffix}"


def _writer(run_dir: Path, n: int, **kwargs: object) -> EventFileWriter:
    return EventFileWriter(str(run_dir), filename=_name(n), legacy=True, buffer_bytes=0, **kwargs)  # type: ignore[arg-type]


def _same(tensorboard: SimpleNamespace, logdir: Logdir, tb: object) -> None:
    tensorboard.assert_same(tensorboard.points_of(logdir), tb.reload())  # type: ignore[attr-defined]


def test_issue_reproduction_tensorboardx(tmp_path: Path, tensorboard: SimpleNamespace) -> None:
    """Issue 9, point 1: an older file larger than the first slice, then a newer one."""
    tbx = pytest.importorskip("tensorboardX")
    w = tbx.SummaryWriter(str(tmp_path / "run"), filename_suffix=".a")
    for s in range(600):
        w.add_scalar("loss", float(s), s)
    w.close()
    w = tbx.SummaryWriter(str(tmp_path / "run"), filename_suffix=".b")
    for s in range(100, 200):
        w.add_scalar("loss", -float(s), s)
    w.close()
    logdir = Logdir(str(tmp_path), **TINY).load_all()
    _same(tensorboard, logdir, tensorboard.TensorBoard(str(tmp_path)))
    series = logdir.runs["run"].scalars["loss"]
    assert series.last() == (199, -199.0)
    assert series.steps.tolist() == list(range(600)) + list(range(100, 200))


def test_issue_reproduction_at_full_size(tmp_path: Path) -> None:
    """The issue's own sizes (a 60,000-step first file, well over the 1 MB first slice), as the app
    reads it: a 1-byte first refresh, then slices; the later file waits until the first is done.
    Written in tensorboardX's byte layout (simple_value) by the project's writer, for speed."""
    run = tmp_path / "run"
    with _writer(run, 0) as w:
        for s in range(60_000):
            w.add_scalar("loss", float(s), s)
    with _writer(run, 1) as w:
        for s in range(100, 200):
            w.add_scalar("loss", -float(s), s)
    first, second = sorted(os.listdir(run))
    assert os.path.getsize(run / first) > 1 << 20
    logdir = Logdir(str(tmp_path))
    ch = logdir.refresh(1)
    readers = logdir.runs["run"].files
    while ch.pending:
        assert readers[str(run / second)].offset == 0 or readers[str(run / first)].pending == 0
        ch = logdir.refresh(256 << 10)
    series = logdir.runs["run"].scalars["loss"]
    assert series.last() == (199, -199.0)
    assert series.steps.tolist() == list(range(60_000)) + list(range(100, 200))


@pytest.mark.parametrize("library", ["torch", "tensorboardX"])
def test_killed_and_resumed_run(library: str, tmp_path: Path, tensorboard: SimpleNamespace) -> None:
    """A job killed at step 149 and resumed from its step-100 checkpoint with ``purge_step=100``.

    The resumed writer's SessionLog.START is the run's first, and TensorBoard's accumulator takes
    a run's first START as a session start, not a restart (tensorflow/tensorboard#4763), so it
    keeps both copies of steps 100..149, first file's first. tbtui shows the same.
    """
    if library == "torch":
        summary_writer = pytest.importorskip("torch.utils.tensorboard").SummaryWriter
    else:
        summary_writer = pytest.importorskip("tensorboardX").SummaryWriter
    run = str(tmp_path / "run")
    w = summary_writer(run, filename_suffix=".0")
    for s in range(150):
        w.add_scalar("loss", 1.0 / (s + 1), s)
        if s % 20 == 0:
            w.add_histogram("w", np.linspace(-1.0, 1.0, 50) * (s + 1), s)
    w.flush()
    w.close()  # killed: nothing more reaches this file
    w = summary_writer(run, filename_suffix=".1", purge_step=100)
    for s in range(100, 250):
        w.add_scalar("loss", 2.0 / (s + 1), s)
        if s % 20 == 0:
            w.add_histogram("w", np.linspace(-2.0, 2.0, 50) * (s + 1), s)
    w.close()
    assert len(os.listdir(run)) == 2
    logdir = Logdir(str(tmp_path), **TINY).load_all()
    _same(tensorboard, logdir, tensorboard.TensorBoard(str(tmp_path)))
    steps = logdir.runs["run"].scalars["loss"].steps.tolist()
    assert steps == list(range(150)) + list(range(100, 250))


def test_tf1_restart_with_session_log_start(tmp_path: Path, tensorboard: SimpleNamespace) -> None:
    """tf.compat.v1 style (file_version 2): every session writes SessionLog.START at its step. The
    restored session's START purges everything at or after its step, across files and tags."""
    run = tmp_path / "run"
    with _writer(run, 0) as w:
        w.add_session_start(0)
        for s in range(10):
            w.add_scalar("loss", float(s), s)
            w.add_histogram("h", np.arange(5.0) + s, s)
    with _writer(run, 1) as w:
        w.add_session_start(5)
        for s in range(5, 12):
            w.add_scalar("loss", 100.0 + s, s)
    logdir = Logdir(str(tmp_path), **TINY).load_all()
    _same(tensorboard, logdir, tensorboard.TensorBoard(str(tmp_path)))
    snap = logdir.runs["run"].scalars["loss"].snapshot()
    assert snap.steps.tolist() == list(range(12))
    assert snap.values.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0] + [100.0 + s for s in range(5, 12)]
    assert logdir.runs["run"].histograms["h"].steps.tolist() == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("skip_one", [False, True])
def test_restart_inside_a_batch_of_many_tags(
    tmp_path: Path, tensorboard: SimpleNamespace, skip_one: bool
) -> None:
    """Five tags logged in the same order every step (the batch's tags repeat with a period: each
    tag's points are strided views), a restored session's START in the middle of the one batch;
    with ``skip_one`` a step misses a tag, so the tags do not repeat and the batch is sorted.
    Steps start at 1: step 0's events have no step field, a record length too rare for the
    column path, and points from protobuf make the batch sort too."""
    run = tmp_path / "run"
    tags = [f"train/loss_{k}" for k in range(5)]
    with _writer(run, 0) as w:
        w.add_session_start(0)
        for s in range(1, 300):
            for k, tag in enumerate(tags):
                if not (skip_one and s == 77 and k == 3):
                    w.add_scalar(tag, float(s * 10 + k), s)
        w.add_session_start(150)
        for s in range(150, 200):
            for k, tag in enumerate(tags):
                w.add_scalar(tag, -float(s * 10 + k), s)
    logdir = Logdir(str(tmp_path)).load_all()
    _same(tensorboard, logdir, tensorboard.TensorBoard(str(tmp_path)))
    snap = logdir.runs["run"].scalars["train/loss_3"].snapshot()
    assert snap.steps.tolist() == [s for s in range(1, 150) if not (skip_one and s == 77)] + list(
        range(150, 200)
    )
    assert snap.values[-1] == -1993.0
    assert list(logdir.runs["run"].scalars) == tags


def test_first_session_start_does_not_purge(tmp_path: Path, tensorboard: SimpleNamespace) -> None:
    """Issue 9, point 2: loss 0..9, SessionLog.START at 5, loss 5..9 again, in one file.

    TensorBoard's dashboards show all 15 points: plugin_event_accumulator (what the server uses)
    ignores a run's first START since tensorflow/tensorboard#4763. Only the legacy
    event_accumulator.EventAccumulator, which the server no longer uses for data, purges on it
    and keeps 10; this test pins that difference so a change in TensorBoard shows up here.
    """
    from tensorboard.backend.event_processing import event_multiplexer

    run = tmp_path / "run"
    with _writer(run, 0) as w:
        for s in range(10):
            w.add_scalar("loss", float(s), s)
        w.add_session_start(5)
        for s in range(5, 10):
            w.add_scalar("loss", 100.0 + s, s)
    logdir = Logdir(str(tmp_path)).load_all()
    _same(tensorboard, logdir, tensorboard.TensorBoard(str(tmp_path)))
    assert len(logdir.runs["run"].scalars["loss"]) == 15
    legacy = event_multiplexer.EventMultiplexer(size_guidance={"scalars": 0})
    legacy.AddRunsFromDirectory(str(tmp_path))
    legacy.Reload()
    assert len(legacy.Scalars("run", "loss")) == 10


def test_out_of_order_steps_without_file_version(tmp_path: Path, tensorboard: SimpleNamespace) -> None:
    """No file_version: a summary event whose step is below the previous summary event's step
    purges its own tags at or after it. Two tags in separate events, a graph event in between,
    and the restart spread over two files."""
    run = tmp_path / "run"
    with _writer(run, 0, file_version=False) as w:
        for s in range(10):
            w.add_scalar("a", float(s), s)
            w.add_scalar("b", float(s), s)
        w.write_event(event_pb2.Event(step=0, wall_time=1.0, graph_def=b""))
    with _writer(run, 1, file_version=False) as w:
        for s in range(5, 8):
            w.add_scalar("a", 10.0 * s, s)
            w.add_scalar("b", 10.0 * s, s)
    logdir = Logdir(str(tmp_path), **TINY).load_all()
    _same(tensorboard, logdir, tensorboard.TensorBoard(str(tmp_path)))


def test_two_processes_writing_one_run_live(tmp_path: Path, tensorboard: SimpleNamespace) -> None:
    """Two writers in one run directory (two ranks, or a leftover process), tailed live.

    TensorBoard reads the first file, moves to the second for good, and never reads what the
    first gains later, nor a file that appears sorting before the one it reads. tbtui reads the
    same points at every refresh, names those files as problems of the run, and does not count
    their ignored bytes as still to load.
    """
    run = tmp_path / "run"
    a, b = _writer(run, 1), _writer(run, 2)
    tb = tensorboard.TensorBoard(str(tmp_path))
    logdir = Logdir(str(tmp_path), **TINY)
    for s in range(40):
        a.add_scalar("loss", float(s), s)
        b.add_scalar("loss", -float(s), s)
    logdir.refresh()
    _same(tensorboard, logdir, tb)
    assert logdir.runs["run"].problems == []
    for s in range(40, 80):
        a.add_scalar("loss", float(s), s)
        b.add_scalar("loss", -float(s), s)
    ch = logdir.refresh()
    _same(tensorboard, logdir, tb)
    assert ch.pending == 0 and "run" in ch.changed_runs
    problems = logdir.runs["run"].problems
    assert len(problems) == 1 and problems[0].startswith(os.path.basename(a.path) + ": written to after")
    with _writer(run, 0) as early:  # appears now, but sorts before both
        early.add_scalar("loss", 0.5, 0)
    logdir.refresh()
    _same(tensorboard, logdir, tb)
    late = os.path.basename(early.path) + ": appeared after"
    assert any(p.startswith(late) for p in logdir.runs["run"].problems)
    steps = logdir.runs["run"].scalars["loss"].steps.tolist()
    assert steps == list(range(40)) + list(range(80))
    a.close()
    b.close()
    assert logdir.refresh().pending == 0


def test_profile_empty_marker_does_not_end_the_run(tmp_path: Path, tensorboard: SimpleNamespace) -> None:
    """Keras's profiler leaves an 'events...profile-empty' file that sorts after the training file.
    TensorBoard never reads it, so the training file goes on being tailed."""
    run = tmp_path / "train"
    w = _writer(run, 0)
    for s in range(10):
        w.add_scalar("loss", float(s), s)
    with EventFileWriter(str(run), filename=_name(9, ".profile-empty")):
        pass
    tb = tensorboard.TensorBoard(str(tmp_path))
    logdir = Logdir(str(tmp_path), **TINY)
    logdir.refresh()
    _same(tensorboard, logdir, tb)
    for s in range(10, 20):
        w.add_scalar("loss", float(s), s)
    w.close()
    logdir.refresh()
    _same(tensorboard, logdir, tb)
    assert len(logdir.runs["train"].scalars["loss"]) == 20 and logdir.runs["train"].problems == []


def test_every_run_gets_its_first_slice_and_files_stay_in_order(tmp_path: Path) -> None:
    """The first refreshes give each run a slice of its first file; no file of a run is read
    before the ones that sort before it are finished, whatever the budget."""
    for r in range(3):
        for n in range(3):
            with _writer(tmp_path / f"run{r}", n) as w:
                for s in range(200):
                    w.add_scalar("loss", float(s), 1000 * n + s)
    logdir = Logdir(str(tmp_path), **TINY)
    ch = logdir.refresh(1)
    assert ch.changed_runs == {"run0"} and ch.pending > 0
    ch = logdir.refresh(1 << 10)
    assert ch.changed_runs >= {"run1", "run2"}
    while ch.pending:
        for run in logdir.runs.values():
            readers = [run.files[p] for p in sorted(run.files)]
            for earlier, later in itertools.pairwise(readers):
                assert later.offset == 0 or earlier.offset == os.path.getsize(earlier.path)
        ch = logdir.refresh(3000)
    for run in logdir.runs.values():
        assert run.scalars["loss"].steps.tolist() == [1000 * n + s for n in range(3) for s in range(200)]


_EVENT = st.one_of(
    st.tuples(st.just("scalar"), st.sampled_from("ab"), st.integers(0, 30)),
    st.tuples(st.just("start"), st.just(""), st.integers(0, 30)),
    st.tuples(st.just("graph"), st.just(""), st.integers(0, 30)),
)


# The fixture only hands out stateless helpers, so sharing it between examples is safe.
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    files=st.lists(st.tuples(st.booleans(), st.lists(_EVENT, max_size=40)), min_size=1, max_size=4),
    chunk=st.integers(64, 4096),
    first=st.integers(1, 4096),
    budget=st.one_of(st.none(), st.integers(1, 8192)),
)
def test_any_files_any_slicing_equal_tensorboard(
    files: list[tuple[bool, list[tuple[str, str, int]]]],
    chunk: int,
    first: int,
    budget: int | None,
    tensorboard: SimpleNamespace,
) -> None:
    """Random runs of 1..4 files (with or without a file version; scalars, SessionLog.STARTs, graph
    events and steps going back) read with random slice sizes and budgets: TensorBoard's points."""
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp) / "run"
        wall = 1.0
        for n, (versioned, events) in enumerate(files):
            with _writer(run, n, file_version=versioned) as w:
                for kind, tag, step in events:
                    wall += 1.0
                    if kind == "start":
                        w.add_session_start(step, wall)
                    elif kind == "graph":
                        w.write_event(event_pb2.Event(step=step, wall_time=wall, graph_def=b""))
                    else:
                        w.add_scalar(tag, wall, step, wall)
        logdir = Logdir(tmp, chunk_bytes=chunk, first_slice=first)
        while logdir.refresh(budget).pending:
            pass
        _same(tensorboard, logdir, tensorboard.TensorBoard(tmp))


_WRITE = st.tuples(st.integers(0, 3), _EVENT)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    versioned=st.booleans(),
    ops=st.lists(st.one_of(_WRITE, st.just("refresh")), max_size=60),
    chunk=st.integers(64, 2048),
)
def test_any_interleaved_live_writes_equal_tensorboard(
    versioned: bool,
    ops: list[object],
    chunk: int,
    tensorboard: SimpleNamespace,
) -> None:
    """Up to four writers appending to one run in any interleaving, files appearing in any order,
    tbtui refreshing whenever TensorBoard reloads: the same points after every refresh."""
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(tmp) / "run"
        run.mkdir()
        writers: dict[int, EventFileWriter] = {}
        tb = tensorboard.TensorBoard(tmp)
        logdir = Logdir(tmp, chunk_bytes=chunk, first_slice=chunk // 2)
        wall = 1.0
        for op in [*ops, "refresh"]:
            if op == "refresh":
                logdir.refresh()
                _same(tensorboard, logdir, tb)
                continue
            n, (kind, tag, step) = op  # type: ignore[misc]
            w = writers.get(n)
            if w is None:
                w = writers[n] = _writer(run, n, file_version=versioned)
            wall += 1.0
            if kind == "start":
                w.add_session_start(step, wall)
            elif kind == "graph":
                w.write_event(event_pb2.Event(step=step, wall_time=wall, graph_def=b""))
            else:
                w.add_scalar(tag, wall, step, wall)
        for w in writers.values():
            w.close()


def test_reading_order_survives_rebuilt_file_maps_and_replaced_runs(tmp_path: Path) -> None:
    """Discovery may re-key a run's readers (a file renamed under its reader) or replace the Run
    (its files replaced on disk, read again from the start); the reading order follows both."""
    run_dir = tmp_path / "run"
    with _writer(run_dir, 0) as w:
        for s in range(5):
            w.add_scalar("loss", float(s), s)
    b = _writer(run_dir, 1)
    for s in range(5, 10):
        b.add_scalar("loss", float(s), s)
    logdir = Logdir(str(tmp_path), **TINY).load_all()
    run = logdir.runs["run"]
    renamed = str(run_dir / _name(2))
    os.rename(b.path, renamed)  # the writer keeps its open file
    run.files = {(renamed if p == b.path else p): r for p, r in run.files.items()}
    run.files[renamed].path = renamed
    b.add_scalar("loss", 10.0, 10)
    b.close()
    logdir.refresh(rediscover=False)
    assert run.scalars["loss"].steps.tolist() == list(range(11))
    fresh = Run("run", files={p: RecordReader(p) for p in sorted(run.files)})
    logdir.runs = {"run": fresh}
    logdir.load_all()
    assert fresh.scalars["loss"].steps.tolist() == list(range(11)) and fresh.problems == []
