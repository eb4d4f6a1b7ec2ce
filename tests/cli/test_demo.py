"""``tbtui --demo``'s sample logdir: what it writes, and that it keeps growing."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from tui.cli.demo import LATE_RUN, NEW_RUN_AFTER, RUNS, DemoWriter
from tui.model.logdir import Logdir


def test_history_has_every_kind_of_data(tmp_path):
    demo = DemoWriter(str(tmp_path))
    demo.write_history(25)
    try:
        ld = Logdir(str(tmp_path)).load_all()
        assert sorted(ld.runs) == sorted(RUNS)
        run = ld.runs["mlp/lr_0.1"]
        assert sorted(run.scalars) == [
            "train/accuracy",
            "train/learning_rate",
            "train/loss",
            "val/accuracy",
            "val/loss",
        ]
        assert len(run.scalars["train/loss"]) == 25 and run.last_step == 24
        assert sorted(run.histograms) == ["weights/dense_1", "weights/dense_2"]
        assert len(run.histograms["weights/dense_1"]) == 3  # steps 0, 10, 20
        assert run.blobs["notes"].plugin == "text"
        assert run.graphs and not run.problems
    finally:
        demo.stop(remove=False)


def test_the_writer_thread_appends_steps_and_adds_a_run(tmp_path):
    demo = DemoWriter(str(tmp_path), step_seconds=0.001)
    demo.write_history(5)
    ld = Logdir(str(tmp_path))
    demo.start()
    try:
        done = threading.Event()
        for _ in range(500):  # bounded wait for the condition, never a fixed sleep
            ld.refresh()
            if LATE_RUN[0] in ld.runs and ld.runs["cnn/adam"].last_step >= 5 + NEW_RUN_AFTER:
                done.set()
                break
            done.wait(0.01)
        assert done.is_set()
    finally:
        demo.stop()
    assert not tmp_path.exists()


def test_demo_fills_every_tab(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Hparams and images too, so a new user sees every tab work before pointing it at real logs."""
    from tui.cli.demo import DemoWriter
    from tui.model.hparams import collect
    from tui.model.images import decode
    from tui.model.logdir import Logdir

    demo = DemoWriter(str(tmp_path))
    demo.write_history(60)
    for run in demo.runs:
        run.writer.close()
    logdir = Logdir(str(tmp_path)).load_all()
    table = collect(logdir.runs)
    assert len(table.sessions) == 3
    run = logdir.runs["mlp/lr_0.1"]
    images = run.blobs["samples/filters"]
    assert images.plugin == "images" and images.steps_list == [0, 50]
    assert decode(images.items[-1][0].encoded).size == (48, 48)
    assert set(run.blobs) >= {"notes", "_hparams_/experiment", "_hparams_/session_start_info"}
    assert run.graphs["__run_graph__"].nodes > 0 and run.histograms


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_the_demo_logdir_goes_when_the_terminal_does(tmp_path, sig):
    """Closing the window or ssh session (SIGHUP) or a kill (SIGTERM) ends Python without its
    ``finally``: each demo left a ``tbtui-demo-*`` folder in the temp directory."""
    env = dict(
        os.environ, TMPDIR=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"), TERM="xterm-256color"
    )
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])
    env.pop("TBTUI_DEMO_KEEP", None)
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-c", "from tui.cli import main; raise SystemExit(main(['--demo']))"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
    )
    os.close(follower)
    try:
        seen = b""
        deadline = time.monotonic() + 60
        while b"Scalars" not in seen:  # the app has drawn: the demo logdir is written, the handlers set
            assert time.monotonic() < deadline and proc.poll() is None, seen[-500:]
            ready, _, _ = select.select([leader], [], [], 1.0)
            if ready:
                seen += os.read(leader, 65536)
        demos = list(tmp_path.glob("tbtui-demo-*"))
        assert len(demos) == 1 and any(demos[0].rglob("*tfevents*"))
        proc.send_signal(sig)
        while proc.poll() is None:  # keep the terminal drained so the app never blocks on a write
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    os.read(leader, 65536)
                except OSError:
                    break
        assert proc.wait(timeout=30) == -sig
        assert not demos[0].exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(leader)
