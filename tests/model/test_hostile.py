"""The model under hostile logs and changing trees (issue 11, findings 2, 4, 10, 16, 17).

Every test writes its own data. Each one failed before the fix it names.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from tui.cli import main as cli_main
from tui.model.discovery import MAX_DEPTH
from tui.model.logdir import Logdir
from tui.model.summary import logdir_summary
from tui.tfevents.proto import event_pb2
from tui.tfevents.writer import EventFileWriter, frame


def write_events(path: Path, events: list[event_pb2.Event]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(frame(e.SerializeToString()) for e in events))


def scalar_events(steps: range, wall0: float, tag: str = "loss") -> list[event_pb2.Event]:
    out = [event_pb2.Event(wall_time=wall0, file_version="brain.Event:2")]
    for s in steps:
        ev = event_pb2.Event(wall_time=wall0 + s, step=s)
        ev.summary.value.add(tag=tag, simple_value=float(s))
        out.append(ev)
    return out


def age(*paths: Path) -> None:
    """Make directories look untouched for a minute (listings younger than 2 s are not trusted)."""
    old = time.time() - 60
    for p in paths:
        os.utime(p, (old, old))


# -- finding 2: a value with only histogram metadata -------------------------------------------


def test_metadata_only_histogram_value_is_no_point_and_no_crash(tmp_path: Path) -> None:
    ev = event_pb2.Event(wall_time=1.0, step=3)
    v = ev.summary.value.add(tag="h")
    v.metadata.plugin_data.plugin_name = "histograms"
    later = event_pb2.Event(wall_time=2.0, step=4)
    t = later.summary.value.add(tag="h").tensor  # the same tag with a real [k, 3] tensor
    t.dtype = 2  # DT_DOUBLE
    t.tensor_shape.dim.add(size=1)
    t.tensor_shape.dim.add(size=3)
    t.double_val.extend([0.0, 1.0, 5.0])
    lone = event_pb2.Event(wall_time=1.5, step=3)
    lone.summary.value.add(tag="s").metadata.plugin_data.plugin_name = "scalars"
    write_events(tmp_path / "r" / "events.out.tfevents.1", [ev, lone, later])
    run = Logdir(str(tmp_path)).load_all().runs["r"]
    # TensorBoard keeps the metadata (so the later tensor is a histogram) but no point at step 3.
    assert run.metadata["h"].plugin == "histograms"
    snap = run.histograms["h"].snapshot()
    assert snap.steps.tolist() == [4] and snap.histogram(0).tolist() == [[0.0, 1.0, 5.0]]
    assert "s" not in run.scalars and "s" not in run.blobs
    assert run.problems == []
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(tmp_path / "r"), size_guidance={"tensors": 0})
    acc.Reload()
    assert acc.Tags()["tensors"] == ["h"] and [e.step for e in acc.Tensors("h")] == [4]


def test_every_decode_failure_is_a_named_problem_and_the_rest_loads(tmp_path: Path) -> None:
    """A lone CRC-valid record that is not an Event (finding 17) among good ones."""
    good = scalar_events(range(3), 100.0)
    blob = [frame(e.SerializeToString()) for e in good]
    bad = frame(b"\xff\xff\xff\xff")  # framed and CRC-valid, but no protobuf
    path = tmp_path / "r" / "events.out.tfevents.1"
    path.parent.mkdir()
    path.write_bytes(blob[0] + blob[1] + bad + blob[2] + blob[3])
    run = Logdir(str(tmp_path)).load_all().runs["r"]
    assert run.scalars["loss"].steps.tolist() == [0, 1, 2]
    at = len(blob[0]) + len(blob[1])
    assert len(run.problems) == 1
    assert run.problems[0].startswith(
        f"events.out.tfevents.1: record #2 at byte {at}: not a readable event (DecodeError"
    )
    assert run.damaged


# -- finding 4: depth and links -----------------------------------------------------------------


def test_a_logdir_deeper_than_the_recursion_limit_is_searched_to_a_bound(tmp_path: Path) -> None:
    shallow = tmp_path / "a" / "b"
    shallow.mkdir(parents=True)
    (shallow / "events.out.tfevents.1").write_bytes(b"")
    # Built and removed through directory descriptors: the path is too long for one call, and
    # shutil.rmtree (pytest's tmp_path cleanup) recurses as os.walk did and would die on it.
    fds = [os.open(tmp_path, os.O_RDONLY)]
    try:
        for _ in range(1100):  # os.walk recursed once a level and died near 990
            os.mkdir("d", dir_fd=fds[-1])
            fds.append(os.open("d", os.O_RDONLY, dir_fd=fds[-1]))
        os.close(os.open("events.out.tfevents.1", os.O_CREAT | os.O_WRONLY, dir_fd=fds[-1]))
        logdir = Logdir(str(tmp_path))
        logdir.discover()
        assert list(logdir.runs) == ["a/b"]
        assert logdir.problems == [f"directories more than {MAX_DEPTH} levels deep are not searched"]
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink("events.out.tfevents.1", dir_fd=fds[-1])
        while len(fds) > 1:
            os.close(fds.pop())
            os.rmdir("d", dir_fd=fds[-1])
        os.close(fds[0])


def test_links_to_the_root_and_kernel_filesystems_are_not_followed(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    (logs / "run").mkdir(parents=True)
    (logs / "run" / "events.out.tfevents.1").write_bytes(b"")
    os.symlink("/", logs / "root")
    os.symlink("/proc", logs / "proc")
    os.symlink("/dev/shm", logs / "shm")
    os.symlink(tmp_path, logs / "up")  # the logdir's own parent: would walk everything next to it
    (tmp_path / "sibling").mkdir()
    (tmp_path / "sibling" / "events.out.tfevents.1").write_bytes(b"")
    logdir = Logdir(str(logs))
    logdir.discover()
    assert list(logdir.runs) == ["run"]
    assert sorted(logdir.problems) == [
        "link proc -> /proc not followed (a kernel pseudo-filesystem)",
        "link root -> / not followed (the root of the file system)",
        "link shm -> /dev/shm not followed (a kernel pseudo-filesystem)",
        f"link up -> {os.path.realpath(tmp_path)} not followed (it holds the logdir)",
    ]


# -- finding 10: files replaced under their readers ---------------------------------------------


def test_a_file_replaced_by_a_longer_one_is_read_afresh(tmp_path: Path) -> None:
    path = tmp_path / "r" / "events.out.tfevents.1"
    write_events(path, scalar_events(range(5), 100.0))
    logdir = Logdir(str(tmp_path)).load_all()
    assert logdir.runs["r"].scalars["loss"].steps.tolist() == list(range(5))
    new = tmp_path / "new"
    write_events(new, scalar_events(range(100, 120), 500.0))
    os.replace(new, path)
    logdir.load_all()
    run = logdir.runs["r"]
    assert run.scalars["loss"].steps.tolist() == list(range(100, 120))  # no stale point, none lost
    assert run.problems == [
        "events.out.tfevents.1: replaced by another file; the run was re-read from the start, "
        "dropping the old file's points"
    ]


def test_a_recreated_shorter_file_is_read_afresh_with_the_runs_other_files(tmp_path: Path) -> None:
    first = tmp_path / "r" / "events.out.tfevents.1"
    second = tmp_path / "r" / "events.out.tfevents.2"
    write_events(first, scalar_events(range(0, 3), 10.0, tag="a"))
    write_events(second, scalar_events(range(0, 10), 100.0))
    logdir = Logdir(str(tmp_path)).load_all()
    second.unlink()
    write_events(second, scalar_events(range(50, 53), 900.0))  # shorter, maybe the same inode
    logdir.load_all()
    run = logdir.runs["r"]
    assert run.scalars["loss"].steps.tolist() == [50, 51, 52]
    assert run.scalars["a"].steps.tolist() == [0, 1, 2]
    assert len(run.problems) == 1 and "re-read from the start" in run.problems[0]


def test_a_file_rewritten_in_place_is_read_afresh(tmp_path: Path) -> None:
    path = tmp_path / "r" / "events.out.tfevents.1"
    write_events(path, scalar_events(range(5), 100.0))
    logdir = Logdir(str(tmp_path)).load_all()
    with open(path, "r+b") as f:
        f.write(b"".join(frame(e.SerializeToString()) for e in scalar_events(range(20, 40), 7.0)))
    logdir.load_all()
    assert logdir.runs["r"].scalars["loss"].steps.tolist() == list(range(20, 40))
    assert "rewritten in place" in logdir.runs["r"].problems[0]


# -- finding 16: discovery does not re-walk an unchanged tree -------------------------------------


def test_an_unchanged_tree_is_not_listed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dirs = [tmp_path / f"empty{i:04d}" for i in range(500)]
    for d in dirs:
        d.mkdir()
    run = tmp_path / "run"
    with EventFileWriter(str(run), legacy=True) as w:
        w.add_scalar("loss", 1.0, 0)
    age(tmp_path, run, *dirs)
    logdir = Logdir(str(tmp_path))
    logdir.discover()
    listed: list[str] = []
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda p=".": listed.append(str(p)) or real(p))
    assert logdir.discover() == [] and listed == []
    # Only the directory that changed is listed again.
    (tmp_path / "empty0007" / "new").mkdir()
    with EventFileWriter(str(tmp_path / "empty0007" / "new"), legacy=True) as w2:
        w2.add_scalar("loss", 2.0, 0)
    assert logdir.discover() == ["empty0007/new"]
    assert sorted(listed) == [str(tmp_path / "empty0007"), str(tmp_path / "empty0007" / "new")]


def test_appends_to_known_files_need_no_walk(tmp_path: Path) -> None:
    with EventFileWriter(str(tmp_path / "run"), legacy=True) as w:
        w.add_scalar("loss", 1.0, 0)
    logdir = Logdir(str(tmp_path)).load_all()
    assert not logdir.needs_discovery({("modified", w.path)})
    assert logdir.needs_discovery({("modified", w.path), ("added", str(tmp_path / "run2"))})
    assert logdir.needs_discovery({("modified", str(tmp_path / "run"))})  # a directory changed
    assert logdir.needs_discovery(None)  # nobody knows what changed


def test_walks_of_a_costly_tree_are_spaced_out_but_never_lost(tmp_path: Path) -> None:
    with EventFileWriter(str(tmp_path / "run"), legacy=True) as w:
        w.add_scalar("loss", 1.0, 0)
    logdir = Logdir(str(tmp_path)).load_all()
    logdir._next_walk = time.monotonic() + 3600  # as if the last walk had taken six minutes
    assert not logdir.needs_discovery({("added", str(tmp_path / "run2"))})
    assert not logdir.needs_discovery({("modified", w.path)})
    logdir._next_walk = 0.0
    assert logdir.needs_discovery({("modified", w.path)})  # the walk put off is still owed
    logdir.discover()
    assert not logdir.needs_discovery({("modified", w.path)})


# -- finding 17: unreadable folders, gone and renamed runs, a logdir that is a file -----------


def test_an_unreadable_subdirectory_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "secret" / "run").mkdir(parents=True)
    (tmp_path / "secret" / "run" / "events.out.tfevents.1").write_bytes(b"")
    real = os.scandir

    def scandir(p="."):  # root reads any folder, so the permission error is simulated
        if str(p).endswith("secret"):
            raise PermissionError(13, "Permission denied")
        return real(p)

    monkeypatch.setattr(os, "scandir", scandir)
    logdir = Logdir(str(tmp_path))
    logdir.discover()
    assert logdir.runs == {}
    assert logdir.problems == ["cannot list secret: permission denied; runs under it are not shown"]


def test_a_deleted_run_is_marked_gone_and_a_renamed_run_appears_once(tmp_path: Path) -> None:
    wa = EventFileWriter(str(tmp_path / "a"), legacy=True)
    wa.add_scalar("loss", 1.0, 0)
    wa.flush()
    with EventFileWriter(str(tmp_path / "b"), legacy=True) as wb:
        wb.add_scalar("loss", 5.0, 0)
    logdir = Logdir(str(tmp_path)).load_all()
    os.rename(tmp_path / "a", tmp_path / "renamed")
    shutil.rmtree(tmp_path / "b")
    logdir.load_all()
    assert list(logdir.runs) == ["b", "renamed"]
    assert logdir.runs["b"].gone and logdir.runs["b"].problems[0].startswith("gone: ")
    assert logdir.runs["b"].scalars["loss"].steps.tolist() == [0]  # what was read stays shown
    renamed = logdir.runs["renamed"]
    assert not renamed.gone and renamed.problems == []
    wa.add_scalar("loss", 2.0, 1)  # the writer goes on writing into the renamed folder
    wa.close()
    logdir.load_all()
    assert renamed.scalars["loss"].steps.tolist() == [0, 1]  # read on, not re-read from 0


def test_a_logdir_that_is_a_file_says_so(tmp_path: Path) -> None:
    path = tmp_path / "logs"
    path.write_text("not a folder")
    logdir = Logdir(str(path)).load_all()
    assert logdir.absence == f"logdir is not a directory, waiting for a directory there: {path}"
    assert logdir.problems == [logdir.absence]
    nope = str(tmp_path / "nope")
    assert Logdir(nope).absence == f"logdir does not exist yet, waiting for it to appear: {nope}"


# -- the problems reach `tbtui summary --json` ----------------------------------------------------


def test_summary_json_names_every_new_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    logs = tmp_path / "logs"
    good = scalar_events(range(2), 10.0)
    path = logs / "run" / "events.out.tfevents.1"
    path.parent.mkdir(parents=True)
    cut = frame(b"x" * 5000)[:3000]
    path.write_bytes(b"".join(frame(e.SerializeToString()) for e in good) + frame(b"\x0a\xff") + cut)
    os.symlink("/proc", logs / "proc")
    assert cli_main(["summary", str(logs), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["problems"] == ["link proc -> /proc not followed (a kernel pseudo-filesystem)"]
    problems = data["runs"]["run"]["files"][0]["problems"]
    assert len(problems) == 2
    assert problems[0].startswith("record #3 at byte ") and "not a readable event" in problems[0]
    assert (
        problems[1].startswith("incomplete record at byte ") and "(3000 of 5016 bytes on disk)" in problems[1]
    )
    summary = logdir_summary(Logdir(str(logs)).load_all())
    assert summary["runs"]["run"]["files"][0]["problems"] == problems


def test_a_cut_record_in_a_file_the_run_has_moved_on_from_is_cut_short(tmp_path: Path) -> None:
    """A writer died inside a record and the job restarted with a new file (finding 9)."""
    old = tmp_path / "r" / "events.out.tfevents.1"
    write_events(old, scalar_events(range(3), 10.0))
    with open(old, "ab") as f:
        f.write(frame(b"x" * 100)[:50])
    logdir = Logdir(str(tmp_path)).load_all()
    assert not logdir.runs["r"].damaged  # it may still be being written
    write_events(tmp_path / "r" / "events.out.tfevents.2", scalar_events(range(3, 6), 20.0))
    logdir.load_all()
    run = logdir.runs["r"]
    assert run.damaged
    at = old.stat().st_size - 50
    assert run.problems == [
        f"events.out.tfevents.1: incomplete record at byte {at} (50 of 116 bytes on disk): "
        "cut short (the run has a newer file)"
    ]


def test_a_rename_is_only_followed_to_the_same_file(tmp_path: Path) -> None:
    """Same inode number, other first record: a new file that reuses an old inode is not a rename."""
    path = tmp_path / "r" / "events.out.tfevents.1"
    write_events(path, scalar_events(range(3), 10.0))
    reader = Logdir(str(tmp_path)).load_all().runs["r"].files[str(path)]
    assert reader.is_same_file(str(path))
    with open(path, "r+b") as f:
        f.write(b"".join(frame(e.SerializeToString()) for e in scalar_events(range(3), 99.0)))
    assert not reader.is_same_file(str(path))
