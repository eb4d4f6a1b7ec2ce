"""App benchmarks: first frame on a ~1 GB logdir, chart redraw at 1M points, live latency, idle output.

    /work/venv/bin/python benchmarks/app.py            # everything
    /work/venv/bin/python benchmarks/app.py --only first_frame redraw
    /work/venv/bin/python benchmarks/app.py --only live --samples 60

What each number means:

- **first_frame**: a fresh ``python`` process is started; the time is from just before the spawn
  to the moment the chart widget first draws real data (the app runs headless, so everything but
  the terminal write happens: layout, compositor, chart). Measured on two ~1 GB logdirs written
  in TF 2.x's ``tf.summary.scalar`` layout, 8 tags (benchmarks/layouts.py, cached by load.py): one
  run in one 1 GB file, and 10 runs of 100 MB each. Also reported: how many runs and points
  were on screen then, and when the last byte was loaded behind it.
- **redraw**: a 1,000,000-point scalar series (3 runs of it overlaid), drawn by the real widget
  at 160x44 in a headless app; each sample moves the cursor one column (so the frame must be
  redrawn, smoothing comes from its cache). The first draw, which smooths, is listed apart.
- **live**: a writer thread appends one step to a run every ~0.25 s and flushes; latency is from
  the flush to the chart drawing that step. p50 / p95 / max over ``--samples`` steps, with file
  events (default) and with ``--poll 0.2``.
- **idle**: ``tbtui LOGDIR`` runs in a real pseudo-terminal (120x36); after it settles, every
  byte it writes for 5 s is counted. The target is zero.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent
DATA = ROOT / "data"
sys.path.insert(0, str(REPO))

# -- data -------------------------------------------------------------------------------------


def big_single() -> Path:
    """One run, one ~1 GB file in TF2's layout, 8 tags (benchmarks/load.py's cache; made once)."""
    sys.path.insert(0, str(ROOT))
    from load import CACHE, logdir_for  # benchmarks/load.py

    return Path(logdir_for("tf2", 8, 1000, 1, 0, CACHE).path)


def big_runs() -> Path:
    """Ten runs of ~100 MB each in TF2's layout, 8 tags (the load benchmark's 1000x10 logdir)."""
    sys.path.insert(0, str(ROOT))
    from load import CACHE, logdir_for

    return Path(logdir_for("tf2", 8, 1000, 10, 0, CACHE).path)


def million_points() -> Path:
    """Three runs with one 1,000,000-point tag each."""
    out = DATA / "chart_1m"
    marker = out / "DONE"
    if marker.exists():
        return out
    import numpy as np

    from tui.tfevents.writer import EventFileWriter

    shutil.rmtree(out, ignore_errors=True)
    n = 1_000_000
    for k in range(3):
        rng = np.random.default_rng(k)
        values = np.cumsum(rng.normal(size=n)) * 0.01 + k
        with EventFileWriter(str(out / f"run_{k}"), buffer_bytes=8 << 20) as w:
            for s in range(n):
                w.add_scalar("loss", float(values[s]), s, 1.7e9 + s)
    marker.write_text("ok")
    return out


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*tfevents*"))


# -- first frame --------------------------------------------------------------------------------

CHILD_FIRST_FRAME = r"""
import asyncio, json, sys, time
t_spawn = float(sys.argv[2])
from tui.app import TbtuiApp
from tui.widgets.scalar_chart import ScalarChart

seen = {}
orig = ScalarChart.draw

def hooked(self):
    orig(self)
    if self.last is not None and "chart" not in seen:
        seen["chart"] = time.time()
        app = self.app
        seen["runs"] = len(app.logdir.runs)
        seen["points"] = sum(len(s) for s in self.sources for s in [s.series])

ScalarChart.draw = hooked

async def main():
    app = TbtuiApp(sys.argv[1])
    async with app.run_test(size=(120, 36)) as pilot:
        while "chart" not in seen:
            await pilot.pause(0.005)
        while app.loader_state.startswith(("starting", "loading")):
            await pilot.pause(0.05)
        seen["loaded"] = time.time()
        seen["total_points"] = sum(r.point_count() for r in app.logdir.runs.values())

asyncio.run(main())
print(json.dumps({
    "first_frame": seen["chart"] - t_spawn,
    "runs": seen["runs"],
    "points_in_chart": seen["points"],
    "all_loaded": seen["loaded"] - t_spawn,
    "total_points": seen["total_points"],
}))
"""


def first_frame(logdir: Path, repeats: int = 3) -> dict:
    results = []
    for _ in range(repeats):
        t0 = time.time()
        proc = subprocess.run(
            [sys.executable, "-c", CHILD_FIRST_FRAME, str(logdir), repr(t0)],
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        if proc.returncode:
            raise SystemExit(f"first_frame child failed:\n{proc.stderr[-3000:]}")
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    best = min(results, key=lambda r: r["first_frame"])
    best["first_frame_all"] = [round(r["first_frame"], 3) for r in results]
    return best


# -- redraw -------------------------------------------------------------------------------------


async def _redraw(logdir: Path, samples: int) -> dict:
    from tui.app import TbtuiApp
    from tui.widgets.scalar_chart import ScalarChart

    times: list[float] = []
    orig = ScalarChart.draw

    def hooked(self):
        t = time.perf_counter()
        orig(self)
        times.append(time.perf_counter() - t)

    app = TbtuiApp(str(logdir), smoothing=0.6)
    async with app.run_test(size=(160, 44)) as pilot:
        while not app.is_settled:
            await pilot.pause(0.05)
        chart = app.query_one(ScalarChart)
        chart.focus()
        await pilot.pause(0.2)
        points = sum(len(s.series) for s in chart.sources)
        ScalarChart.draw = hooked
        try:
            # First draw after a settings change: smoothing is computed (not cached) for 3M points.
            times.clear()
            await pilot.press("s")
            await pilot.pause(0.2)
            first = times[0] if times else float("nan")
            await pilot.press("G")
            await pilot.pause(0.1)
            times.clear()
            for _ in range(samples):
                await pilot.press("h")
                await pilot.pause(0.02)
        finally:
            ScalarChart.draw = orig
    draws = [t for t in times if t > 0.0005]  # cache hits (same frame) are not redraws
    return {
        "points": points,
        "first_draw_ms": first * 1000,
        "redraw_ms_median": statistics.median(draws) * 1000,
        "redraw_ms_p95": sorted(draws)[int(0.95 * (len(draws) - 1))] * 1000,
        "samples": len(draws),
    }


def redraw(samples: int) -> dict:
    return asyncio.run(_redraw(million_points(), samples))


# -- live latency -------------------------------------------------------------------------------


async def _live(samples: int, poll: float | None) -> dict:
    from tui.app import TbtuiApp
    from tui.tfevents.writer import EventFileWriter
    from tui.widgets.scalar_chart import ScalarChart

    tmp = Path(tempfile.mkdtemp(prefix="tbtui-live-"))
    writers = [EventFileWriter(str(tmp / f"run_{k}")) for k in range(3)]
    for w in writers:
        for s in range(100):
            w.add_scalar("loss", 1.0 / (s + 1), s, 1.7e9 + s)
        w.flush()
    written: dict[int, float] = {}
    shown: dict[int, float] = {}
    orig = ScalarChart.draw

    def hooked(self):
        orig(self)
        for s in self.last_series:
            if s.name == "run_0" and len(s.x):
                last = int(s.x[-1])
                if last in written and last not in shown:
                    shown[last] = time.time()

    ScalarChart.draw = hooked
    stop = threading.Event()

    def writer_loop() -> None:
        import random

        step = 100
        while not stop.is_set() and len(written) < samples:
            stop.wait(0.2 + 0.1 * random.random())
            writers[0].add_scalar("loss", 1.0 / (step + 1), step, time.time())
            writers[0].flush()
            written[step] = time.time()
            step += 1

    try:
        app = TbtuiApp(str(tmp), poll=poll)
        async with app.run_test(size=(120, 36)) as pilot:
            while not app.is_settled:
                await pilot.pause(0.05)
            thread = threading.Thread(target=writer_loop, daemon=True)
            thread.start()
            for _ in range(int(samples * 2 / 0.05)):
                if len(shown) >= samples:
                    break
                await pilot.pause(0.05)
            stop.set()
            thread.join()
    finally:
        ScalarChart.draw = orig
        for w in writers:
            w.close()
        shutil.rmtree(tmp, ignore_errors=True)
    lat = sorted(shown[s] - written[s] for s in shown)
    return {
        "mode": f"poll {poll}s" if poll else "file events",
        "samples": len(lat),
        "p50_ms": statistics.median(lat) * 1000,
        "p95_ms": lat[int(0.95 * (len(lat) - 1))] * 1000,
        "max_ms": lat[-1] * 1000,
    }


def live(samples: int) -> list[dict]:
    return [asyncio.run(_live(samples, None)), asyncio.run(_live(samples, 0.2))]


# -- idle output --------------------------------------------------------------------------------


def idle(logdir: Path, settle: float = 4.0, window: float = 5.0) -> dict:
    """Run the real app in a pty and count what it writes while nothing changes."""
    import fcntl
    import termios

    exe = shutil.which("tbtui", path=os.path.dirname(sys.executable)) or "tbtui"
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.environ["TERM"] = "xterm-256color"
        os.execv(exe, [exe, str(logdir)])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    os.kill(pid, signal.SIGWINCH)

    def drain(seconds: float) -> int:
        n = 0
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            r, _, _ = select.select([fd], [], [], left)
            if r:
                try:
                    n += len(os.read(fd, 65536))
                except OSError:
                    break
        return n

    startup = drain(settle)
    quiet = drain(window)
    os.write(fd, b"q")
    drain(1.0)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
    os.close(fd)
    return {"startup_bytes": startup, "idle_bytes": quiet, "idle_seconds": window}


# -- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", nargs="*", choices=["first_frame", "redraw", "live", "idle"])
    p.add_argument("--samples", type=int, default=40)
    args = p.parse_args(argv)
    want = set(args.only or ["first_frame", "redraw", "live", "idle"])
    if "first_frame" in want:
        for make in (big_single, big_runs):
            d = make()
            r = first_frame(d)
            print(
                f"first_frame  {d.name}: {du(d) / 1e6:.0f} MB  first chart {r['first_frame']:.3f} s "
                f"(runs {r['first_frame_all']})  runs {r['runs']}  points in chart {r['points_in_chart']:,}  "
                f"| all loaded {r['all_loaded']:.1f} s, {r['total_points']:,} points",
                flush=True,
            )
    if "redraw" in want:
        r = redraw(args.samples)
        print(
            f"redraw       {r['points']:,} points: redraw median {r['redraw_ms_median']:.1f} ms, "
            f"p95 {r['redraw_ms_p95']:.1f} ms ({r['samples']} draws); first draw with smoothing "
            f"{r['first_draw_ms']:.0f} ms",
            flush=True,
        )
    if "live" in want:
        for r in live(args.samples):
            print(
                f"live         {r['mode']}: p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, "
                f"max {r['max_ms']:.0f} ms ({r['samples']} steps)",
                flush=True,
            )
    if "idle" in want:
        r = idle(REPO / "tests" / "data" / "corpus" / "torch_mnist_like")
        print(
            f"idle         startup {r['startup_bytes']:,} bytes, then {r['idle_bytes']} bytes "
            f"in {r['idle_seconds']:.0f} s idle",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
