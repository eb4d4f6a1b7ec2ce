"""Run discovery and incremental loading as a live training run exercises them."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from tui.model.discovery import discover
from tui.model.logdir import Logdir
from tui.tfevents.writer import EventFileWriter, frame

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


def test_runs_are_folders_with_event_files_including_root_and_nested(tmp_path: Path) -> None:
    for rel in (".", "a", "a/b/c", "profile"):
        (tmp_path / rel).mkdir(parents=True, exist_ok=True)
    (tmp_path / "events.out.tfevents.1.h").write_bytes(b"")
    (tmp_path / "a" / "events.out.tfevents.1.h").write_bytes(b"")
    (tmp_path / "a/b/c" / "events.out.tfevents.1.h.v2").write_bytes(b"")
    (tmp_path / "profile" / "events.out.tfevents.1.h.profile-empty").write_bytes(b"")
    (tmp_path / "a" / "b" / "notes.txt").write_text("not a run")
    assert sorted(discover(str(tmp_path))) == [".", "a", "a/b/c", "profile"]


def test_symlink_loops_end_and_linked_runs_are_found(tmp_path: Path) -> None:
    assert list(discover(str(CORPUS / "symlink_loop"))) == ["run"]
    real = tmp_path / "elsewhere" / "exp1"
    real.mkdir(parents=True)
    (real / "events.out.tfevents.1.h").write_bytes(b"")
    logs = tmp_path / "logs"
    logs.mkdir()
    os.symlink(real, logs / "linked")
    assert list(discover(str(logs))) == ["linked"]


def test_missing_logdir_then_appearing(tmp_path: Path) -> None:
    logdir = Logdir(str(tmp_path / "later"))
    assert not logdir.refresh().any and logdir.runs == {}
    with EventFileWriter(str(tmp_path / "later" / "run1"), legacy=True) as w:
        w.add_scalar("loss", 1.0, 0)
    ch = logdir.refresh()
    assert ch.new_runs == ["run1"]
    assert len(logdir.runs["run1"].scalars["loss"]) == 1


def test_refresh_reads_only_new_bytes_and_new_runs(tmp_path: Path) -> None:
    w = EventFileWriter(str(tmp_path / "train"), legacy=True)
    for s in range(100):
        w.add_scalar("loss", float(s), s)
    w.flush()
    logdir = Logdir(str(tmp_path))
    logdir.refresh()
    series = logdir.runs["train"].scalars["loss"]
    old = series.snapshot()
    assert len(old) == 100
    for s in range(100, 150):
        w.add_scalar("loss", float(s), s)
    w.flush()
    reader = next(iter(logdir.runs["train"].files.values()))
    before = reader.offset
    ch = logdir.refresh()
    assert ch.changed_runs == {"train"} and ch.bytes_read == reader.offset - before
    assert series.snapshot().steps.tolist() == list(range(150))
    assert len(old) == 100  # a snapshot taken earlier is unaffected by later appends
    with EventFileWriter(str(tmp_path / "eval"), legacy=True) as w2:
        w2.add_scalar("acc", 0.5, 0)
    assert logdir.refresh().new_runs == ["eval"]
    w.close()


def test_half_written_record_waits_for_the_rest(tmp_path: Path) -> None:
    run = tmp_path / "torn"
    run.mkdir()
    path = run / "events.out.tfevents.1.h"
    w = EventFileWriter(str(tmp_path / "src"), legacy=True)
    for s in range(3):
        w.add_scalar("x", float(s), s)
    w.close()
    blob = Path(w.path).read_bytes()
    path.write_bytes(blob[:-7])
    logdir = Logdir(str(tmp_path))
    logdir.refresh()
    assert logdir.runs["torn"].scalars["x"].steps.tolist() == [0, 1]
    assert any("incomplete record" in p for p in logdir.runs["torn"].problems)
    with open(path, "ab") as f:
        f.write(blob[-7:])
    logdir.refresh()
    assert logdir.runs["torn"].scalars["x"].steps.tolist() == [0, 1, 2]
    assert logdir.runs["torn"].problems == []


def test_vanishing_file_keeps_data_and_reports(tmp_path: Path) -> None:
    with EventFileWriter(str(tmp_path / "r"), legacy=True) as w:
        w.add_scalar("x", 1.0, 0)
    logdir = Logdir(str(tmp_path)).load_all()
    with open(w.path, "ab") as f:
        f.write(frame(b"\x08\x01"))
    os.remove(w.path)
    logdir.refresh()
    run = logdir.runs["r"]
    assert len(run.scalars["x"]) == 1
    assert any("vanished" in p for p in run.problems)


def test_restart_purge_with_session_log_start(tmp_path: Path) -> None:
    """TensorBoard's rule: the second SessionLog.START purges points at or after its step."""
    with EventFileWriter(str(tmp_path / "r"), filename="events.out.tfevents.1.a", legacy=True) as w:
        w.add_session_start(0)
        for s in range(10):
            w.add_scalar("loss", 1.0, s)
            w.add_histogram("h", np.arange(5.0), s)
    with EventFileWriter(str(tmp_path / "r"), filename="events.out.tfevents.2.a", legacy=True) as w:
        w.add_session_start(5)
        for s in range(5, 8):
            w.add_scalar("loss", 2.0, s)
    run = Logdir(str(tmp_path)).load_all().runs["r"]
    snap = run.scalars["loss"].snapshot()
    assert snap.steps.tolist() == [0, 1, 2, 3, 4, 5, 6, 7]
    assert snap.values.tolist() == [1.0] * 5 + [2.0] * 3
    assert run.histograms["h"].steps.tolist() == [0, 1, 2, 3, 4]


def test_no_file_version_purges_by_out_of_order_steps(tmp_path: Path) -> None:
    with EventFileWriter(str(tmp_path / "r"), legacy=True, file_version=False) as w:
        for s in (0, 1, 2, 3, 1, 2):
            w.add_scalar("a", float(s), s)
        w.add_scalar("b", 9.0, 5)
    run = Logdir(str(tmp_path)).load_all().runs["r"]
    assert run.scalars["a"].steps.tolist() == [0, 1, 2]  # 2,3 dropped at the first step back to 1
    assert run.scalars["b"].steps.tolist() == [5]


def test_files_with_a_version_keep_duplicates_like_tensorboard() -> None:
    run = Logdir(str(CORPUS / "edge_cases")).load_all().runs["e_restart_no_purge"]
    steps = run.scalars["loss"].steps
    assert len(steps) == 300 and len(np.unique(steps)) == 250


def test_progressive_loading_respects_the_budget(tmp_path: Path) -> None:
    for r in range(3):
        with EventFileWriter(str(tmp_path / f"run{r}"), legacy=True, buffer_bytes=1 << 22) as w:
            for s in range(60_000):
                w.add_scalar("loss", float(s), s)
    logdir = Logdir(str(tmp_path), chunk_bytes=256 << 10)
    first = logdir.refresh(max_bytes=1)
    # Every run gets its first slice before any gets a second.
    assert first.changed_runs == {"run0"} and first.pending > 0
    logdir.load_all()
    assert all(len(r.scalars["loss"]) == 60_000 for r in logdir.runs.values())


def test_blob_series_snapshot_is_consistent_while_a_thread_appends_and_purges():
    """An append publishes a written row, a purge swaps in fresh rows, each with one store: a
    reader's snapshot never sees steps, wall times and payloads of different points, nor rows
    change under it."""
    import threading

    from tui.model.payloads import BlobSeries

    s = BlobSeries("text")

    def writer() -> None:
        for step in range(3000):
            s.append(step, float(step), f"item {step}")
            if step % 50 == 49:
                s.keep(np.asarray(s.steps) % 2 == 0)

    t = threading.Thread(target=writer)
    t.start()
    checked = 0
    while t.is_alive() or not checked:
        snap = s.snapshot()
        steps, walls = snap.steps.tolist(), snap.walls.tolist()
        assert all(snap.load(i) == f"item {st}" and walls[i] == st for i, st in enumerate(steps))
        assert snap.steps.tolist() == steps  # nothing the snapshot holds was written again
        checked += 1
    t.join()
