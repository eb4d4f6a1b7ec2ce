"""The reopen cache from the command line: on by default, identical output, ``--no-cache``, ``tbtui cache``.

Every test has its own ``XDG_CACHE_HOME`` (tests/conftest.py), so "the cache" here is a fresh folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.model import cache

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "corpus"
LOGDIRS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


@pytest.mark.parametrize("name", LOGDIRS)
def test_summary_json_is_byte_identical_from_the_cache(capsys: pytest.CaptureFixture[str], name: str) -> None:
    logdir = str(CORPUS / name)
    code, cold = run_cli(capsys, "summary", logdir, "--json", "--no-cache")
    assert code == 0 and cache.stats().entries == 0  # --no-cache keeps nothing
    assert run_cli(capsys, "summary", logdir, "--json") == (0, cold)  # reads, then fills the cache
    entries = cache.stats().entries
    assert entries == len(json.loads(cold)["runs"])
    assert run_cli(capsys, "summary", logdir, "--json") == (0, cold)  # restored
    assert cache.stats().entries == entries


def test_export_and_plot_use_the_cache(capsys: pytest.CaptureFixture[str]) -> None:
    logdir = str(CORPUS / "tf2")
    args = [
        ("export", logdir, "--tag", ".", "--format", "json"),
        ("plot", logdir, "--tag", "loss", "--width", "60", "--height", "10"),
    ]
    cold = [run_cli(capsys, *a, "--no-cache") for a in args]
    assert cache.stats().entries == 0
    assert [run_cli(capsys, *a) for a in args] == cold
    assert cache.stats().entries > 0
    assert [run_cli(capsys, *a) for a in args] == cold


def test_cache_command_shows_and_clears(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli(capsys, "cache")
    assert code == 0 and f"{cache.reads_dir()}: 0 entries, 0 bytes" in out
    run_cli(capsys, "summary", str(CORPUS / "tb_native"), "--json")
    code, out = run_cli(capsys, "cache", "--json")
    data = json.loads(out)
    assert data["path"] == cache.reads_dir() and data["entries"] == 3 and data["bytes"] > 0
    assert data["limit"] == cache.DEFAULT_LIMIT
    code, out = run_cli(capsys, "cache", "--clear")
    assert code == 0 and out.startswith("removed 3 entries (")
    assert "0 entries, 0 bytes" in out and cache.stats().entries == 0
    assert not any(Path(os.environ["XDG_CACHE_HOME"]).rglob("*.tbc"))


def test_two_processes_opening_one_logdir_at_once_both_succeed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Both read cold and write the same entries at the same time; both print the cold output, and
    a third restores what they left."""
    logdir = tmp_path / "logs"
    shutil.copytree(CORPUS / "torch_mnist_like", logdir)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "tui.cli", "summary", str(logdir), "--json"]
    cold = subprocess.run([*cmd, "--no-cache"], env=env, capture_output=True, text=True, check=True).stdout
    procs = [
        subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in "ab"
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e for _, e in outs]
    assert [o for o, _ in outs] == [cold, cold]
    assert cache.stats().entries == len(json.loads(cold)["runs"])
    assert not list(Path(cache.reads_dir()).glob("*.tmp"))  # no writer left a temporary file behind
    third = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    assert third == cold


def _disk_full_at(limit: int) -> None:  # runs in the child before exec
    import resource
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_full_disk_leaves_no_entry_and_the_output_whole(capsys: pytest.CaptureFixture[str]) -> None:
    """Writes beyond 100 kB fail (RLIMIT_FSIZE, as a full disk fails them): the command still prints
    the cold output, keeps the entries that fit, and leaves no temporary file; the next open reads
    cold what did not fit."""
    logdir = str(CORPUS / "torch_mnist_like")
    cold = run_cli(capsys, "summary", logdir, "--json", "--no-cache")[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "tui.cli", "summary", logdir, "--json"],
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=lambda: _disk_full_at(100_000),
        timeout=120,
    )
    assert proc.returncode == 0 and proc.stdout == cold, proc.stderr
    folder = Path(cache.reads_dir())
    kept = sorted(folder.glob("*.tbc"))
    assert 0 < len(kept) < len(json.loads(cold)["runs"])  # the small runs fit, the large did not
    assert all(p.stat().st_size <= 100_000 for p in kept)
    assert not list(folder.glob("*.tmp"))
    assert run_cli(capsys, "summary", logdir, "--json") == (0, cold)
    assert cache.stats().entries == len(json.loads(cold)["runs"])
