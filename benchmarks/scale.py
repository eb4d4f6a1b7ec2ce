"""Scale benchmarks: memory that follows the screen, thousands of runs, a reopen that costs nothing.

    /work/venv/bin/python benchmarks/scale.py                 # everything
    /work/venv/bin/python benchmarks/scale.py --only images discovery
    /work/venv/bin/python benchmarks/scale.py --checkout /path/to/other/tree   # the same, for another tree

Every number comes from a fresh child process (``PYTHONPATH=<checkout>``), so a checkout can be
compared with another one (``--checkout``) side by side in one run:

- **images**: peak RSS (``wait4``'s ``ru_maxrss``) of ``tbtui summary --json`` on one run of 60
  and of 600 logged 256x256 RGB images (random pixels, PNG, ~190 KB each, as ``add_image`` writes
  them); the target is that the 600-image run costs under 16 MB more than the 60-image one, since
  the payloads stay on disk until a pane shows them.
- **discovery**: seconds to find 10,000 run directories (each holding one small event file) with
  ``Discovery.walk``, the first walk and a second one (the live app walks again on changes).
- **runs**: ``tbtui`` on 2,000 small runs (3 scalar tags, 50 steps each) in a real pseudo-terminal
  (benchmarks/ptyapp.py): seconds from spawn to the first frame, and from a key (``j``: next run
  in the run list) to its first byte on screen, p50/max over several presses while the rest loads.
- **memory per point**: bytes of RAM per scalar point kept, from the series' own columns
  (steps int64, wall times float64, values in their written dtype: float32 for most writers).
- **reopen**: cold open vs reopen through the reopen cache of the load benchmark's 1 GB, 10-run
  tensorboardX logdir (8 tags x 140,864 steps + 3,968 histograms a run): ``tbtui summary --json``
  in a fresh process each, ``--no-cache`` (cold), the first open with the cache (a cold read that
  writes it) and reopens (best of three), each with its wall time from process start, CPU time,
  time inside ``main`` and peak RSS (VmHWM). Checks: byte-identical JSON, and the logdir untouched
  (names, sizes, mtimes, inodes and bytes of everything under it, hashed before and after). The
  cache lives in a temporary ``XDG_CACHE_HOME``, never the user's.

Data is written once under ``benchmarks/data/scale`` (gitignored) and reused.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent
DATA = ROOT / "data" / "scale"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(ROOT))

from tui.tfevents.writer import EventFileWriter, png_bytes  # noqa: E402

# -- data -------------------------------------------------------------------------------------------


def images_logdir(n: int) -> Path:
    """One run of ``n`` logged 256x256 RGB images (random pixels: PNG cannot shrink them)."""
    out = DATA / f"images_{n}"
    done = out / ".done"
    if done.exists():
        return out
    rng = np.random.default_rng(0)
    with EventFileWriter(str(out / "run"), filename="events.out.tfevents.1700000000.bench") as w:
        for step in range(n):
            px = rng.integers(0, 256, size=(256, 256, 3), dtype=np.uint8)
            w.add_scalar("loss", 1.0 / (step + 1), step=step, wall_time=1.7e9 + step)
            w.add_image("samples", png_bytes(px), 256, 256, step=step, wall_time=1.7e9 + step)
    done.touch()
    return out


def many_runs(n: int, steps: int = 50, tags: int = 3) -> Path:
    """``n`` run directories, each one small event file of ``tags`` scalar tags over ``steps`` steps."""
    out = DATA / f"runs_{n}"
    done = out / ".done"
    if done.exists():
        return out
    for r in range(n):
        group = f"sweep_{r // 100:03d}"
        with EventFileWriter(
            str(out / group / f"lr_{r:05d}"), legacy=True, filename="events.out.tfevents.1700000000.bench"
        ) as w:
            for step in range(steps):
                for t in range(tags):
                    w.add_scalar(
                        f"metric/{t}", float(np.sin(step / 7 + r + t)), step=step, wall_time=1.7e9 + step
                    )
    done.touch()
    return out


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# -- child processes ----------------------------------------------------------------------------


def child_env(checkout: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(checkout)
    env["XDG_CACHE_HOME"] = str(DATA / "xdg-cache")  # never the user's cache
    return env


def peak_rss(argv: list[str], env: dict[str, str]) -> tuple[float, float, bytes, float]:
    """(peak RSS in MB, seconds, stdout, CPU seconds) of one child process, from ``wait4``."""
    t0 = time.perf_counter()
    # cwd outside any checkout: ``python -m`` puts the cwd first on sys.path, before PYTHONPATH.
    proc = subprocess.Popen(argv, env=env, cwd=DATA, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024, time.perf_counter() - t0, out, usage.ru_utime + usage.ru_stime


def bench_images(checkout: Path) -> dict:
    env = child_env(checkout)
    row: dict = {}
    for n in (60, 600):
        logdir = images_logdir(n)
        rss, secs, out, cpu = peak_rss(
            [sys.executable, "-m", "tui.cli", "summary", str(logdir), "--json", "--no-cache"], env
        )
        json.loads(out)  # the command worked
        row[n] = {
            "rss_mb": round(rss, 1),
            "seconds": round(secs, 2),
            "cpu_s": round(cpu, 2),
            "disk_mb": round(du(logdir) / 1e6, 1),
        }
    row["growth_mb"] = round(row[600]["rss_mb"] - row[60]["rss_mb"], 1)
    return row


def _snippet(checkout: Path, code: str, root: Path) -> list[str]:
    """Run ``code`` in a fresh Python on ``checkout``'s tui with ``root`` as its argument; the
    words it prints."""
    return subprocess.run(
        [sys.executable, "-c", code, str(root)],
        env=child_env(checkout),
        cwd=DATA,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()


def bench_discovery(checkout: Path, n: int = 10_000) -> dict:
    root = many_runs(n, steps=2, tags=1) if n != 2000 else many_runs(n)
    code = (
        "import time, sys\n"
        "from tui.model.discovery import Discovery\n"
        "d = Discovery(sys.argv[1])\n"
        "t0, c0 = time.perf_counter(), time.process_time(); runs = d.walk()\n"
        "t1, c1 = time.perf_counter(), time.process_time(); d.walk()\n"
        "t2, c2 = time.perf_counter(), time.process_time()\n"
        "print(len(runs), t1 - t0, c1 - c0, t2 - t1, c2 - c1)\n"
    )
    out = _snippet(checkout, code, root)
    # Wall time, and CPU time (user + system) of the walking process: on a shared machine the
    # first waits for a core, the second does not.
    return {
        "runs": int(out[0]),
        "first_walk_s": round(float(out[1]), 3),
        "first_walk_cpu_s": round(float(out[2]), 3),
        "again_s": round(float(out[3]), 3),
        "again_cpu_s": round(float(out[4]), 3),
    }


def bench_point_memory(checkout: Path) -> dict:
    """Bytes of RAM per scalar point: the columns' bytes over the points they hold."""
    root = many_runs(2000)
    code = (
        "import sys\n"
        "from tui.model.logdir import Logdir\n"
        "ld = Logdir(sys.argv[1]).load_all()\n"
        "pts = byt = 0\n"
        "for run in ld.runs.values():\n"
        "    for s in run.scalars.values():\n"
        "        snap = s.snapshot(); pts += len(snap)\n"
        "        byt += snap.steps.nbytes + snap.wall_times.nbytes + snap.values.nbytes\n"
        "cap = 0\n"
        "for run in ld.runs.values():\n"
        "    for s in run.scalars.values():\n"
        "        st, wt, va, _ = s._cols; cap += st.nbytes + wt.nbytes + va.nbytes\n"
        "print(pts, byt, cap)\n"
    )
    out = _snippet(checkout, code, root)
    pts, byt, cap = int(out[0]), int(out[1]), int(out[2])
    # ``bytes_per_point``: the columns' bytes per point; ``allocated_per_point``: with the room the
    # columns keep for appends (they double as they grow).
    return {"points": pts, "bytes_per_point": round(byt / pts, 1), "allocated_per_point": round(cap / pts, 1)}


def bench_runs(checkout: Path, n: int = 2000, presses: int = 8) -> dict:
    """First frame and key latency of the app on ``n`` small runs, in a real pty.

    ``first_output_s``: spawn to the first byte on the terminal; ``first_chart_s``: to the first
    braille cell (a chart with data).
    Key latencies are from writing the key to the first byte the app writes back, each after the
    screen was quiet for 0.3 s: ``j`` in the runs pane (the cursor moves, the status and the tags'
    sparklines follow the focused run) and ``j`` in the tag list (the chart of every visible run,
    here 2,000, is drawn for the next tag). For the tag list also the time to the first braille
    cell after the key (``tags_j_chart``: the next tag's chart on screen), and the app's CPU time
    per press (``tags_j_cpu_ms``: user + system of every thread, from /proc; on a loaded machine
    the wall times include waiting for a core, the CPU time does not).
    """
    from ptyapp import PtyApp, app_argv, checked_env, percentile

    root = many_runs(n)
    scratch = DATA / "pty_scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    env = checked_env(checkout, scratch)
    braille = "⣿".encode()[:2]  # every braille cell starts with these two bytes (U+2800..U+28FF)

    cells = re.compile(rb"\xe2[\xa0-\xa3]")  # UTF-8 of U+2800..U+28FF

    def chart_after(app: PtyApp, t: float) -> float | None:
        """Arrival time of the first chunk after ``t`` holding a braille cell."""
        data = app.data_between(t)
        m = cells.search(data)
        if m is None:
            return None
        at = 0
        for when, size in app.chunks_between(t):
            at += size
            if at > m.start():
                return when
        return None

    def keys(app: PtyApp, key: bytes, count: int, charts: list[float] | None = None) -> list[float]:
        lat = []
        for _ in range(count):
            app.wait_quiet(0.3, timeout=60)
            t = app.write(key)
            got = app.first_output_after(t, timeout=20)
            if got is not None:
                lat.append(got - t)
            if charts is not None and app.wait_for(lambda t=t: chart_after(app, t) is not None, timeout=30):
                charts.append(chart_after(app, t) - t)  # type: ignore[operator]
        return lat

    with PtyApp(app_argv(root), cols=120, rows=40, env=env, cwd=scratch, record=True) as app:
        t0 = app.started
        first = app.first_output_after(t0, timeout=120)
        chart = app.wait_for(lambda: braille in app.tail(1 << 20), timeout=120)
        t_chart = time.monotonic()
        if first is None or not chart:
            return {"error": "the app drew no chart"}
        runs_keys = keys(app, b"j", presses)
        app.write(b"\t")  # to the tag list
        tag_charts: list[float] = []
        app.wait_quiet(0.3, timeout=60)
        cpu0 = process_cpu(app.pid)
        tag_keys = keys(app, b"j", 2, tag_charts)  # three tags: the second and third
        tag_cpu = (process_cpu(app.pid) - cpu0) / 2

    def ms(xs: list[float], q: float) -> float | None:
        return round(percentile(xs, q) * 1000, 1) if xs else None

    return {
        "runs": n,
        "first_output_s": round(first - t0, 2),
        "first_chart_s": round(t_chart - t0, 2),
        "runs_j_p50_ms": ms(runs_keys, 50),
        "runs_j_max_ms": ms(runs_keys, 100),
        "tags_j_p50_ms": ms(tag_keys, 50),
        "tags_j_max_ms": ms(tag_keys, 100),
        "tags_j_chart_p50_ms": ms(tag_charts, 50),
        "tags_j_chart_max_ms": ms(tag_charts, 100),
        "tags_j_cpu_ms": round(tag_cpu * 1000, 1),
    }


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process (all its threads), from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# One command in a fresh process: stdout to a file; on stderr's last line its exit code, peak RSS
# (MB) and the seconds ``main`` took (the command's own work, without the interpreter's start and
# the imports, which a loaded machine stretches most).
_TIMED = """
import sys, time
argv, out = sys.argv[1:-1], sys.argv[-1]
sys.stdout = open(out, "w", encoding="utf-8")
from tui.cli import main
t0 = time.perf_counter()
code = main(argv)
work = time.perf_counter() - t0
sys.stdout.close()
hwm = float("nan")
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        hwm = int(line.split()[1]) / 1024
print(code, hwm, work, file=sys.stderr)
"""


def timed_command(argv: list[str], out: Path, env: dict[str, str]) -> dict:
    """``tbtui ARGV`` in a fresh process (stdout to ``out``): wall and CPU seconds, ``main``'s, RSS."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _TIMED, *argv, str(out)], env=env, cwd=DATA, capture_output=True, text=True
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    last = proc.stderr.strip().splitlines()[-1].split() if proc.stderr.strip() else []
    if proc.returncode != 0 or len(last) != 3 or last[0] != "0":
        raise SystemExit(f"tbtui {' '.join(argv)} failed:\n{proc.stderr}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "main_s": round(float(last[2]), 2),
        "rss_mb": round(float(last[1])),
    }


def tree_digest(root: str) -> str:
    """Names, sizes, mtimes, inodes and bytes of every file and folder under ``root``."""
    h = hashlib.blake2b()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        h.update(f"{dirpath} {os.stat(dirpath).st_mtime_ns}".encode())
        for name in sorted(filenames):
            p = os.path.join(dirpath, name)
            st = os.stat(p)
            h.update(f"{p} {st.st_size} {st.st_mtime_ns} {st.st_ino}".encode())
            with open(p, "rb") as f:
                while chunk := f.read(16 << 20):
                    h.update(chunk)
    return h.hexdigest()


def bench_reopen(checkout: Path, repeat: int = 3) -> dict:
    """Cold open vs reopen of the 1 GB, 10-run logdir through the reopen cache (see the docstring)."""
    from load import CACHE, logdir_for

    logdir = logdir_for("tbx", 8, 1000, 10, 1000, CACHE).path
    before = tree_digest(logdir)
    DATA.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="reopen-", dir=DATA))
    env = {**child_env(checkout), "XDG_CACHE_HOME": str(work / "xdg")}
    try:
        summary = ["summary", logdir, "--json"]
        cold = timed_command([*summary, "--no-cache"], work / "cold.json", env)
        first = timed_command(summary, work / "first.json", env)
        entries = sorted((work / "xdg" / "tbtui" / "reads").glob("*.tbc"))
        reopens = [timed_command(summary, work / f"reopen{k}.json", env) for k in range(repeat)]
        same = all(
            (work / f"{name}.json").read_bytes() == (work / "cold.json").read_bytes()
            for name in ["first", *(f"reopen{k}" for k in range(repeat))]
        )
        cache_mb = round(sum(p.stat().st_size for p in entries) / 1e6)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    untouched = tree_digest(logdir) == before
    best = min(reopens, key=lambda t: t["wall_s"])
    # Under 1 s by the wall clock where the machine is idle; on a shared one the CPU time says it
    # (the load average is printed with it): waiting for a core is not the cache's cost.
    under = "wall" if best["wall_s"] < 1.0 else "cpu" if best["cpu_s"] < 1.0 else None
    ok = under is not None and cold["wall_s"] / best["wall_s"] >= 5 and same and untouched
    return {
        "logdir": "1 GB, 10 runs (tbx: 8 tags x 140,864 steps + 3,968 histograms a run)",
        "cold": cold,
        "first_open": first,
        "reopen": best,
        "reopen_walls_s": [t["wall_s"] for t in reopens],
        "speedup": round(cold["wall_s"] / best["wall_s"], 1),
        "cache": {"entries": len(entries), "mb": cache_mb},
        "same_json": same,
        "logdir_untouched": untouched,
        "under_1s_by": under,
        "pass": ok,
    }


BENCHES = {
    "images": bench_images,
    "discovery": bench_discovery,
    "memory": bench_point_memory,
    "runs": bench_runs,
    "reopen": bench_reopen,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", choices=sorted(BENCHES), help="run only these")
    ap.add_argument("--checkout", action="append", type=Path, help="tree(s) to measure (default: this one)")
    args = ap.parse_args(argv)
    checkouts = args.checkout or [REPO]
    for name in args.only or list(BENCHES):
        for checkout in checkouts:
            result = BENCHES[name](checkout)
            label = checkout.name if len(checkouts) > 1 else ""
            # The load average with every line: on a shared machine the wall times wait for a core.
            result["load_average"] = [round(x, 1) for x in os.getloadavg()]
            print(f"{name:10s} {label:12s} {json.dumps(result)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
