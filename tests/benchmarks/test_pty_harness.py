"""The pty harness of benchmarks/terminal_bytes.py and benchmarks/soak.py, on a fake program.

These check that the numbers the benchmarks print are counted right (every byte of a known
answer, nothing else), that "settled" means what it says, that the child sees the size and
terminal it is given, and that the child's whole session is gone afterwards. Nothing here
asserts a duration: every wait is for a condition.
"""

from __future__ import annotations

import importlib.util
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # soak.py imports ptyapp by name
    spec.loader.exec_module(module)
    return module


ptyapp = _load("ptyapp")
soak = _load("soak")

# Raw mode first (so nothing typed is echoed), then one line, then 1,000 bytes per key typed;
# "s" starts a grandchild in the same session; "q" quits.
FAKE = r"""
import os, subprocess, sys, tty
tty.setraw(0)
size = os.get_terminal_size(1)
os.write(1, f"{size.columns}x{size.lines} {os.environ.get('TERM')} {os.environ.get('COLUMNS')}\r\n".encode())
while True:
    key = os.read(0, 1)
    if key == b"q":
        break
    if key == b"s":
        child = subprocess.Popen(["sleep", "600"])
        os.write(1, f"child {child.pid}\r\n".encode())
        continue
    os.write(1, b"X" * 1000)
"""


def fake_app(tmp_path: Path, **kw) -> ptyapp.PtyApp:
    env = ptyapp.child_env(Path(tmp_path), tmp_path)
    return ptyapp.PtyApp([sys.executable, "-c", FAKE], cols=120, rows=40, env=env, cwd=tmp_path, **kw)


def test_size_and_terminal_reach_the_child_and_every_byte_is_counted(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "999")  # would override the pty's size in shutil/Textual
    with fake_app(tmp_path, record=True) as app:
        assert app.wait_for(lambda: b"\r\n" in app.tail(), 60)
        assert app.tail().startswith(b"120x40 xterm-256color None\r\n")
        greeting = app.total
        t = app.write(b"a")
        first = app.first_output_after(t, 60)
        assert first is not None and first > t
        end = app.wait_quiet(0.2, 60, since=t)
        assert end is not None
        assert app.bytes_between(t, end) == 1000
        assert app.data_between(t, end) == b"X" * 1000
        assert app.total == greeting + 1000
        t2 = app.write(b"bc")
        assert app.wait_for(lambda: app.total == greeting + 3000, 60)
        assert app.bytes_between(t2) == 2000
        assert sum(n for _, n in app.chunks_between(t2)) == 2000
        app.write(b"q")
        assert app.wait_for(lambda: app.eof, 60)
    assert not app.alive() and app.returncode == 0


def test_quiet_counts_from_since_not_from_the_last_byte(tmp_path):
    with fake_app(tmp_path) as app:
        assert app.wait_for(lambda: app.total > 0, 60)
        # Nothing more will come, but a quiet second cannot have passed 0.1 s after "since".
        assert app.wait_quiet(1.0, 0.1, since=time.monotonic()) is None
        assert app.first_output_after(time.monotonic(), 0.05) is None


def test_leaving_the_block_kills_the_whole_session(tmp_path):
    with pytest.raises(RuntimeError), fake_app(tmp_path) as app:
        assert app.wait_for(lambda: b"\r\n" in app.tail(), 60)
        app.write(b"s")
        assert app.wait_for(lambda: b"child " in app.tail(), 60)
        assert app.wait_quiet(0.1, 60) is not None
        grandchild = int(app.tail().split(b"child ")[1].split()[0])
        raise RuntimeError("the benchmark failed half way")
    assert not app.alive() and app.fd == -1
    stat = Path(f"/proc/{grandchild}/stat")

    def gone() -> bool:
        """Gone, or a reaped-soon zombie (a kill is delivered asynchronously: wait for it)."""
        try:
            return stat.read_text().split(") ")[1][0] in "ZX"
        except (OSError, IndexError):
            return True

    deadline = time.monotonic() + 60
    while not gone() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert gone()


def test_proc_readers_see_this_process():
    assert ptyapp.proc_rss_kb(os.getpid()) > 1000
    assert ptyapp.proc_cpu_seconds(os.getpid()) > 0
    assert ptyapp.proc_rss_kb(2**22 + 12345) is None


def test_the_checkout_check_refuses_a_tree_that_would_not_be_imported(tmp_path):
    repo = BENCH.parent
    assert ptyapp.check_checkout(repo, ptyapp.child_env(repo, tmp_path), tmp_path).startswith(str(repo))
    (tmp_path / "fake" / "tui").mkdir(parents=True)
    (tmp_path / "fake" / "tui" / "__init__.py").write_text("")
    env = ptyapp.child_env(repo, tmp_path)  # names repo, so fake's tui is not what is imported
    with pytest.raises(ptyapp.HarnessError):
        ptyapp.check_checkout(tmp_path / "fake", env, tmp_path)


@pytest.mark.skipif(
    subprocess.run(["git", "-C", str(BENCH), "rev-parse"], capture_output=True).returncode != 0,
    reason="not a git checkout",
)
def test_export_rev_writes_the_tui_package_of_a_revision(tmp_path):
    out = ptyapp.export_rev(BENCH.parent, "HEAD", tmp_path / "rev")
    assert (out / "tui" / "__init__.py").is_file() and not (out / "tests").exists()
    with pytest.raises(ptyapp.HarnessError):
        ptyapp.export_rev(BENCH.parent, "no-such-revision", tmp_path / "bad")


def test_percentile_is_numpys_linear_percentile():
    xs = [5.0, 1.0, 9.0, 3.0, 7.5, 2.0]
    for q in (0, 10, 50, 95, 100):
        assert ptyapp.percentile(xs, q) == pytest.approx(np.percentile(xs, q))
    assert math.isnan(ptyapp.percentile([], 50))


def test_parse_size():
    assert ptyapp.parse_size("120x40") == (120, 40)
    for bad in ("120", "12x4", "axb"):
        with pytest.raises(ValueError):
            ptyapp.parse_size(bad)


def test_soak_keys_always_change_the_screen():
    keys = soak.key_sequence(500, seed=3)
    assert set(keys) <= {b"\t", *(k.encode() for k in soak.TAB_KEYS)}
    digits = [k for k in keys if k != b"\t"]
    assert 150 < len(digits) < 350
    assert all(a != b for a, b in zip([b"1", *digits], digits, strict=False))  # never the tab shown
    shown = [b"1", *[k if k != b"\t" else None for k in keys]]
    for i, key in enumerate(keys):
        last_digit = next(k for k in reversed(shown[: i + 1]) if k is not None)
        assert not (key == b"\t" and last_digit.decode() in soak.NO_TAB_ON)


def test_soak_growth_separates_points_from_keys():
    # 2 kB per 1,000 points in every stretch, plus 100 kB per key in the key stretches.
    samples, segments, rss, points, keys = [], [], 50_000, 0, 0
    for i in range(6):
        a = len(samples)
        samples.append(soak.Sample(i, rss, 0.0, points, keys))
        points += 10_000
        rss += 20
        if i % 2:
            keys += 30
            rss += 30 * 100
        samples.append(soak.Sample(i + 0.9, rss, 0.0, points, keys))
        segments.append((a, len(samples) - 1, bool(i % 2)))
    samples.append(soak.Sample(7, rss, 0.0, points, keys))
    samples.append(soak.Sample(8, rss + 500, 0.0, points, keys + 10))
    run = soak.Soak(samples=samples, segments=segments, quiet_rss=(len(samples) - 2, len(samples) - 1))
    g = soak.growth(run)
    assert g["per_point_bytes"] == pytest.approx(2.048)
    assert g["per_key_kb"] == pytest.approx(100)
    assert g["quiet_per_key_kb"] == pytest.approx(50)
    assert g["keys_in_soak"] == 90


def test_soak_rss_curve_tells_a_plateau_from_a_leak():
    assert soak.rss_checkpoints(2000) == [250, 500, 1000, 2000]
    assert soak.rss_checkpoints(0) == []

    def curve(rss_at: dict[int, int]) -> dict[str, float]:
        samples = [soak.Sample(i, rss, 0.0, 0, n) for i, (n, rss) in enumerate(rss_at.items())]
        run = soak.Soak(samples=samples, rss_curve=[(n, i) for i, n in enumerate(rss_at)])
        return soak.rss_curve_growth(run)

    # A cache filling to its bound in the first 500 keys: growth overall, none in the second half.
    plateau = curve({0: 100_000, 250: 104_000, 500: 105_000, 1000: 105_000, 2000: 105_000})
    assert plateau["rss_keys"] == 2000
    assert plateau["rss_per_key_kb"] == pytest.approx(2.5)
    assert plateau["rss_second_half_per_key_kb"] == 0
    assert soak.flat_text(plateau).startswith("flat")
    # 10 kB a key, all along.
    leak = curve({n: 100_000 + 10 * n for n in (0, 250, 500, 1000, 2000)})
    assert leak["rss_second_half_per_key_kb"] == pytest.approx(10)
    assert soak.flat_text(leak).startswith("still growing")
    assert soak.flat_text(curve({0: 1})) == "not measured"
