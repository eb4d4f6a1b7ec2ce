"""Runs read by worker processes (``model.parallel``) are exactly the runs an in-process read gives.

Each logdir is read twice: in this process (``workers=0``) and with every run sent to workers (the
size thresholds set to nothing). Everything observable must be the same: ``summary --json`` byte
for byte, every point of every series in order (so TensorBoard's file order and purges, which the
in-process path is tested for against TensorBoard itself in test_file_order.py), each file's
problems, and where each reader stopped (so live tailing goes on from the same bytes). A worker
that raises or dies costs its runs nothing but time: they are read here instead.
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import numpy as np
import pytest

from tui.cli.common import json_text
from tui.model import parallel
from tui.model.cache import ReadCache
from tui.model.loader import WORKER_NICE, Loader
from tui.model.logdir import Logdir
from tui.model.run import Run
from tui.model.summary import logdir_summary
from tui.tfevents.writer import EventFileWriter

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
CORPUS_LOGDIRS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
TINY = {"chunk_bytes": 1 << 10, "first_slice": 512}


def _parallel(path: Path | str, *, take_back: bool = False, **kwargs: object) -> Logdir:
    """A logdir that sends every run to two workers, however small (and, unless ``take_back``,
    leaves them all to the workers rather than reading the ones not started yet itself)."""
    logdir = Logdir(str(path), workers=2, **kwargs)  # type: ignore[arg-type]
    logdir.parallel_run_bytes = logdir.parallel_total_bytes = 0
    logdir.parallel_min_runs = 1
    logdir.parallel_take_back = take_back
    _OPENED.append(logdir)
    return logdir


#: Logdirs with workers made by the running test: closed after it whatever it asserted, so a failed
#: test leaves no workers or hand-over folders behind to fail the next one's checks.
_OPENED: list[Logdir] = []


@pytest.fixture(autouse=True)
def _close_workers_after_each_test():
    yield
    while _OPENED:
        _OPENED.pop().close_workers()


def _state(logdir: Logdir) -> dict:
    """Everything a reader of the model sees, as plain values (arrays as lists, NaN as a string)."""

    def col(a: np.ndarray) -> list:
        return [repr(x) for x in np.asarray(a).tolist()]

    runs = {}
    for name, run in logdir.runs.items():
        scalars = {}
        for tag, series in run.scalars.items():
            snap = series.snapshot()
            scalars[tag] = (col(snap.steps), col(snap.wall_times), col(snap.values), str(snap.values.dtype))
        histograms = {}
        for tag, series in run.histograms.items():
            snap = series.snapshot()
            histograms[tag] = (col(snap.steps), col(snap.wall_times), [col(h) for h in snap.histograms()])
        runs[name] = {
            "scalars": scalars,
            "histograms": histograms,
            "blobs": {tag: len(b) for tag, b in run.blobs.items()},
            "graphs": sorted(run.graphs),
            "problems": run.problems,
            "readers": {p: (r.offset, r.records, r.stopped, r.tail) for p, r in run.files.items()},
            "files": list(run.files),
            "last_step": run.last_step,
        }
    return runs


def _same(serial: Logdir, par: Logdir) -> None:
    assert json_text(logdir_summary(par), indent=1) == json_text(logdir_summary(serial), indent=1)
    assert _state(par) == _state(serial)


def _no_handover_left() -> None:
    """Every hand-over folder of this process is gone once the workers are closed."""
    mine = f"{parallel._PREFIX}{os.getpid()}-*"
    assert not glob.glob(os.path.join(parallel.SHM, mine))
    assert not glob.glob(os.path.join(tempfile.gettempdir(), mine))


@pytest.mark.parametrize("name", CORPUS_LOGDIRS)
def test_corpus_logdirs_read_by_workers_are_identical(name: str, tmp_path: Path) -> None:
    """Real writers' logs (torch, tensorboardX, TF2, TensorBoard's own, damaged edge cases)."""
    src = CORPUS / name
    serial = Logdir(str(src), workers=0).load_all()
    par = _parallel(src).load_all()
    assert par.worker_fault is None
    assert sorted(par.read_by_workers) == sorted(n for n, r in serial.runs.items() if r.files)
    _same(serial, par)
    _no_handover_left()


def _multi_file_logdir(root: Path) -> None:
    """Runs of several files each: restarts that purge (SessionLog.START in file-version-2 files,
    steps going back in files without a version), histograms, text, a torn and a damaged file."""
    for r in range(4):
        run = root / f"run_{r}"
        versioned = r % 2 == 0
        steps = 0
        for n in range(3):
            name = f"events.out.tfevents.{1_700_000_000 + n}.host.{r}.{n}"
            with EventFileWriter(
                str(run), filename=name, legacy=True, buffer_bytes=0, file_version=versioned
            ) as w:
                start = max(0, steps - 7 * (n + r))  # a restart from an earlier checkpoint
                if versioned:
                    w.add_session_start(start)
                for s in range(start, start + 40 + 13 * r):
                    w.add_scalar("loss", float(s) / (n + 1), s)
                    w.add_scalar("acc/top1", 1.0 / (s + 1), s)
                    if s % 5 == 0:
                        w.add_histogram("weights", np.linspace(-1, 1, 50) * (s + 1), s)
                    if s % 17 == 0:
                        w.add_text("note", f"step {s} of file {n}", s)
                steps = start + 40 + 13 * r
    files = sorted((root / "run_1").iterdir())
    with open(files[1], "r+b") as f:  # a flipped byte in a record's data: a CRC problem, skipped
        f.seek(os.path.getsize(files[1]) // 2)
        b = f.read(1)
        f.seek(-1, os.SEEK_CUR)
        f.write(bytes([b[0] ^ 0xFF]))
    last = sorted((root / "run_2").iterdir())[-1]
    os.truncate(last, os.path.getsize(last) - 5)  # a torn last record, as a writer killed mid-write


def test_multi_file_runs_with_purges_and_damage_are_identical(tmp_path: Path) -> None:
    _multi_file_logdir(tmp_path)
    serial = Logdir(str(tmp_path), workers=0, **TINY).load_all()
    par = _parallel(tmp_path, **TINY).load_all()
    assert sorted(par.read_by_workers) == sorted(serial.runs)
    assert any(serial.runs["run_1"].problems) and any(serial.runs["run_2"].problems)
    _same(serial, par)


def test_runs_split_between_workers_and_this_process_are_identical(tmp_path: Path) -> None:
    """``load_all`` reads the runs no worker has started yet itself, while the workers read theirs."""
    _multi_file_logdir(tmp_path)
    serial = Logdir(str(tmp_path), workers=0, **TINY).load_all()
    par = _parallel(tmp_path, take_back=True, **TINY).load_all()
    assert set(par.read_by_workers) <= set(serial.runs)
    _same(serial, par)


def test_tailing_goes_on_from_where_the_worker_stopped(tmp_path: Path) -> None:
    """After the cold read, appends to the newest file (and a new file) are read from the right
    byte, in order: offsets and file order came back with the run."""
    _multi_file_logdir(tmp_path)
    serial = Logdir(str(tmp_path), workers=0, **TINY).load_all()
    par = _parallel(tmp_path, **TINY).load_all()
    newest = sorted((tmp_path / "run_0").iterdir())[-1]
    with EventFileWriter(str(newest.parent), filename=newest.name, legacy=True, buffer_bytes=0) as w:
        w.add_session_start(30)
        for s in range(30, 60):
            w.add_scalar("loss", -float(s), s)
    with EventFileWriter(
        str(tmp_path / "run_3"), filename="events.out.tfevents.1800000000.h.9.9", legacy=True, buffer_bytes=0
    ) as w:
        for s in range(5):
            w.add_scalar("loss", 1000.0 + s, s)
    for logdir in (serial, par):
        logdir.load_all()
    assert par.runs["run_0"].scalars["loss"].last() == (59, -59.0)
    _same(serial, par)


def test_budgeted_refreshes_as_the_app_reads(tmp_path: Path) -> None:
    """The loader's way: a first slice of every run in this process, then the workers' whole runs
    adopted between slices."""
    _multi_file_logdir(tmp_path)
    serial = Logdir(str(tmp_path), workers=0, **TINY).load_all()
    par = _parallel(tmp_path, **TINY)
    first = par.refresh(4 << 10, max_seconds=0.25)
    # The first pass's slices are read here; whether a worker has already handed a whole run back
    # by then depends on the machine's load, so that is not asserted.
    assert first.bytes_read and set(first.new_runs) == set(serial.runs)
    for _ in range(10_000):
        ch = par.refresh(8 << 10, max_seconds=0.25)
        if not ch.pending and not par.reading_elsewhere:
            break
    assert sorted(par.read_by_workers) == sorted(serial.runs)
    _same(serial, par)


def _failing_start(code: str):
    """A RunPool._start whose worker runs ``code`` instead of reading (exec is a builtin, so the
    worker needs nothing from this test module)."""

    def start(self: parallel.RunPool, fn: object, job: object):
        with parallel._quiet_start():
            return self._pool.submit(exec, code, {})

    return start


@pytest.mark.parametrize(
    ("code", "fault"),
    [("raise RuntimeError('boom')", "RuntimeError: boom"), ("import os; os._exit(3)", "BrokenProcessPool")],
)
def test_a_worker_that_raises_or_dies_leaves_its_runs_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str, fault: str
) -> None:
    _multi_file_logdir(tmp_path)
    serial = Logdir(str(tmp_path), workers=0, **TINY).load_all()
    monkeypatch.setattr(parallel.RunPool, "_start", _failing_start(code))
    par = _parallel(tmp_path, **TINY).load_all()
    assert par.read_by_workers == []
    assert par.worker_fault is not None and fault in par.worker_fault
    _same(serial, par)
    _no_handover_left()


def test_a_run_rebuilt_here_while_a_worker_reads_it_is_not_overwritten(tmp_path: Path) -> None:
    """Discovery rebuilds a run (a file replaced, a folder renamed) with new readers while its
    worker reads: the worker's read is of what was there before, so it is dropped and the run as
    rebuilt is read here."""
    _multi_file_logdir(tmp_path)
    par = _parallel(tmp_path, **TINY)
    par.discover()
    par._send_to_workers(first_slice_read=False)
    assert par.reading_elsewhere == 4
    old = par.runs["run_3"]
    rebuilt = Run("run_3", version=old.version + 1)
    rebuilt.files = {p: par._reader(p) for p in old.files}
    par.runs = {**par.runs, "run_3": rebuilt}  # as Logdir._reread_if_replaced does
    par.load_all()
    assert sorted(par.read_by_workers) == ["run_0", "run_1", "run_2"]
    assert par.runs["run_3"] is rebuilt
    serial = Logdir(str(tmp_path), workers=0, **TINY).load_all()
    _same(serial, par)


def test_small_logdirs_stay_in_process(tmp_path: Path) -> None:
    """Below the thresholds (the default ones) no worker is started: it would cost more than it saves."""
    _multi_file_logdir(tmp_path)
    logdir = Logdir(str(tmp_path), workers=2).load_all()
    assert logdir.read_by_workers == [] and logdir._pool is None


def test_closing_while_workers_read_abandons_their_reads(tmp_path: Path) -> None:
    """The app quitting (the loader closes the workers): nothing waits for them, nothing is left
    in the hand-over folders, and a logdir read on afterwards reads those runs itself."""
    _multi_file_logdir(tmp_path)
    par = _parallel(tmp_path, **TINY)
    par.discover()
    par._send_to_workers(first_slice_read=False)
    par.close_workers()
    assert par.reading_elsewhere == 0
    _no_handover_left()
    par.load_all()
    assert par.read_by_workers == []
    _same(Logdir(str(tmp_path), workers=0, **TINY).load_all(), par)


def test_the_apps_loader_leaves_big_runs_to_workers(tmp_path: Path) -> None:
    """The loader's first pass: first slices here, the runs then read by niced workers (none taken
    back by the loader thread, whose reading would hold the UI thread's GIL), all adopted before
    it says the first pass is over."""
    _multi_file_logdir(tmp_path)
    serial = Logdir(str(tmp_path), workers=0, **TINY).load_all()
    par = _parallel(tmp_path, take_back=True, **TINY)
    done = threading.Event()
    loader = Loader(par, publish=lambda ch, loading: loading is None and done.set(), on_mode=lambda m: None)
    assert not par.parallel_take_back and par.worker_nice == WORKER_NICE
    thread = threading.Thread(target=loader.run, daemon=True)
    thread.start()
    assert done.wait(60)
    loader.close()
    thread.join(60)
    assert not thread.is_alive()
    if par.workers:  # (none on a single core)
        assert sorted(par.read_by_workers) == sorted(serial.runs)
    _same(serial, par)


def test_runs_read_by_workers_go_to_the_reopen_cache_and_come_back(tmp_path: Path) -> None:
    """The first open with the cache: runs adopted from workers are saved like any, and the next
    open restores them to the same state (and reads no byte again)."""
    logs, folder = tmp_path / "logs", tmp_path / "cache"
    _multi_file_logdir(logs)
    serial = Logdir(str(logs), workers=0, **TINY).load_all()
    first = _parallel(logs, cache=ReadCache(str(folder)), **TINY).load_all()
    assert sorted(first.read_by_workers) == sorted(serial.runs)
    assert first.save_cache() == len(serial.runs)
    again = Logdir(str(logs), cache=ReadCache(str(folder)), workers=0, **TINY)
    assert again.refresh().bytes_read == 0
    assert sorted(again.cache.restored) == sorted(serial.runs)  # type: ignore[union-attr]
    _same(serial, again)


def test_workers_start_under_textuals_stderr(tmp_path: Path) -> None:
    """In the app, ``sys.stderr`` is Textual's stand-in, whose ``fileno()`` is -1: multiprocessing's
    resource tracker, started fresh (a new process), must still start and the workers read."""
    _multi_file_logdir(tmp_path)
    code = f"""
import io, sys
class Capture(io.StringIO):
    def fileno(self):
        return -1
sys.stderr = Capture()
from tui.model.logdir import Logdir
logdir = Logdir({str(tmp_path)!r}, workers=2, chunk_bytes=1024, first_slice=512)
logdir.parallel_run_bytes = logdir.parallel_total_bytes = 0
logdir.parallel_take_back = False
logdir.load_all()
print(len(logdir.read_by_workers), logdir.worker_fault)
"""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["4", "None"]


def test_a_job_waits_for_a_free_worker_and_can_be_taken_back_until_then(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One job per worker at a time: the others wait in this process, where the caller can cancel
    them (and read their runs itself) up to the moment a worker takes one; the process pool's own
    queue would hold one more, out of reach, for the caller to wait on."""
    gate = tmp_path / "go"
    code = f"import os, time\nwhile not os.path.exists({str(gate)!r}):\n    time.sleep(0.01)"
    monkeypatch.setattr(parallel.RunPool, "_start", _failing_start(code))
    pool = parallel.RunPool(1, preload=[])
    try:
        first, second, third = (pool.submit(print, i) for i in range(3))
        for _ in range(1000):  # the starter thread hands the first job to the worker
            if first.running():
                break
            threading.Event().wait(0.01)
        assert first.running() and not second.running() and not third.running()
        assert second.cancel()  # taken back: never given to the process pool
        gate.touch()
        assert first.result(60) is None and third.result(60) is None
        assert second.cancelled()
    finally:
        pool.close(kill=True)
