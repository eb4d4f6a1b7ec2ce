"""Issue 12 #6: without a terminal the app refuses at once (exit 2, one plain line) instead of writing
escape codes nobody sees and spinning on a stdin that never sends a key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tui.tfevents.writer import EventFileWriter

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("argv", [["LOGDIR"], ["--demo"]])
def test_the_app_without_a_terminal_exits_2_with_one_line(tmp_path, argv) -> None:
    logdir = tmp_path / "logs"
    with EventFileWriter(str(logdir / "alpha")) as w:
        w.add_scalar("loss", 1.0, 0, 1.0)
    argv = [str(logdir) if a == "LOGDIR" else a for a in argv]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm-256color"}
    proc = subprocess.run(
        [sys.executable, "-m", "tui.cli", *argv],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        timeout=30,
    )
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert err.count("\n") == 1 and "\x1b" not in err, repr(err)
    assert "needs a terminal" in err and all(f"tbtui {cmd}" in err for cmd in ("summary", "plot", "export"))
    assert sorted(p.name for p in logdir.rglob("*")) == sorted(["alpha", *os.listdir(logdir / "alpha")])
