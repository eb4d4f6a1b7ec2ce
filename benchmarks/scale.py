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
  (benchmarks/ptyapp.py), its bytes replayed through a terminal emulator (pyte): seconds to the
  first frame, the first chart and the end of the first pass, then per kind of key (``j`` and
  space in the runs list, ``j``/``k`` in the tags list, a tab key, a character typed in the filter)
  the time from the key to the screen showing its answer, to the last change it caused, and to
  the chart pane's last change, p50/p95/max; and ``j`` pressed while the first pass still reads.
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
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Box:
    """A bordered pane on screen: its corners' columns and rows (``╭`` at (x0, y0), ``╯`` at (x1, y1))."""

    x0: int
    x1: int
    y0: int
    y1: int

    def cells(self, rows: tuple) -> tuple:
        """What the pane shows inside its border."""
        return tuple(row[self.x0 + 1 : self.x1] for row in rows[self.y0 + 1 : self.y1])


def boxes(rows: tuple) -> list[Box]:
    """Every bordered pane whose top border starts in the first three rows, left to right."""
    from ptyapp import row_text

    found = []
    texts = [row_text(r) for r in rows]
    for y0 in range(min(3, len(texts))):
        x0 = texts[y0].find("╭")
        while x0 >= 0:
            x1 = texts[y0].find("╮", x0)
            y1 = next((y for y in range(y0 + 1, len(texts)) if texts[y][x0 : x0 + 1] == "╰"), None)
            if x1 < 0 or y1 is None:
                break
            found.append(Box(x0, x1, y0, y1))
            x0 = texts[y0].find("╭", x1)
    return sorted(found, key=lambda b: b.x0)


def cursor_row(rows: tuple, box: Box) -> tuple[int, tuple] | None:
    """(row, cells) of the list row a pane highlights: the one whose background is not the pane's."""
    inside = box.cells(rows)
    if not inside:
        return None

    def bg(row: tuple) -> str:
        return Counter(cell[2] for cell in row).most_common(1)[0][0]

    backgrounds = [bg(row) for row in inside]
    usual = Counter(backgrounds).most_common(1)[0][0]
    return next(((box.y0 + 1 + i, row) for i, row in enumerate(inside) if backgrounds[i] != usual), None)


#: The key kinds measured, in order. Each: the key's name, the bytes typed, the pane it acts on (the
#: runs list, the tags list, the filter bar or the tab bar) and the probe that tells its first
#: answer on screen: the list's highlighted row (its text, or for a toggle its colours too), the
#: filter field's text, or the tab bar.
FILTER_TYPED = "lr_0001"


def _probe_list(pane: int, colours: bool = False) -> Callable[[tuple, list[Box]], object]:
    def probe(rows: tuple, panes: list[Box]) -> object:
        found = cursor_row(rows, panes[pane]) if len(panes) > pane else None
        if found is None:
            return None
        y, cells = found
        return (y, cells) if colours else (y, "".join(c[0] for c in cells))

    return probe


def _filter_row(rows: tuple) -> int | None:
    from ptyapp import row_text

    return next((y for y, r in enumerate(rows) if "runs /" in row_text(r)), None)


def _on_first_row(view, pane: int) -> bool:
    """Whether the list in ``pane`` highlights its first row, on the screen replayed so far."""
    view.catch_up()
    panes = boxes(view.rows)
    found = cursor_row(view.rows, panes[pane]) if len(panes) > pane else None
    return found is not None and found[0] == panes[pane].y0 + 1


def _probe_filter(rows: tuple, panes: list[Box]) -> object:
    y = _filter_row(rows)
    return None if y is None else "".join(c[0] for c in rows[y])


def _probe_tabs(rows: tuple, panes: list[Box]) -> object:
    return rows[0]


def settle(app, since: float, window: float = 0.3, timeout: float = 120.0) -> bool:
    """Wait until the app is idle: a ``window`` in which it wrote at most a cursor blink's bytes and
    used under two clock ticks of CPU (a chart drawn in a worker writes nothing while it draws, so
    silence alone would not do). False if that never happened within ``timeout``."""
    from ptyapp import proc_cpu_seconds

    end = since + timeout
    while time.monotonic() < end:
        n0, c0 = app.total, proc_cpu_seconds(app.pid)
        app.wait_for(lambda: not app.alive(), window)  # a timed wait that ends early if the app died
        c1 = proc_cpu_seconds(app.pid)
        if c0 is None or c1 is None:
            return False
        if app.total - n0 <= 256 and c1 - c0 < 2 / os.sysconf("SC_CLK_TCK"):
            return True
    return False


def press(app, view, key: bytes, probe, *, idle: bool, exclude=None) -> dict | None:
    """Type ``key`` and time what the screen shows after it, replayed from the recorded bytes.

    ``response``: key to the chunk after which ``probe`` (the key's own answer: the highlighted row,
    the filter's text, the tab bar) first differs from before the key. When ``idle`` (the first
    pass has ended), also ``complete``: key to the last chunk that changed the screen before the
    app went idle (rows ``exclude`` picks out are left out: a text field's blinking cursor), and
    ``chart``: to the last chunk that changed the chart pane. None when the probe never changed.
    """
    view.catch_up()
    panes = boxes(view.rows)
    before = probe(view.rows, panes)
    chart_box = panes[-1] if len(panes) >= 3 else None

    def screen(rows: tuple) -> tuple:
        return tuple(r for r in rows if exclude is None or not exclude(r))

    last_screen = screen(view.rows)
    last_chart = chart_box.cells(view.rows) if chart_box else None
    t = app.write(key)
    out: dict = {"response": None, "complete": None, "chart": None}
    if idle:
        if not settle(app, t):
            return None
        chunks = view.advance()
    else:

        def live() -> Iterator[float]:  # replay as the bytes come, up to 30 s
            while time.monotonic() < t + 30 and out["response"] is None:
                app.wait_for(lambda: app.total > view_total[0], 0.05)
                view_total[0] = app.total
                yield from view.advance()

        view_total = [app.total]
        chunks = live()
    for when in chunks:
        rows = view.rows
        if out["response"] is None and probe(rows, panes) != before:
            out["response"] = when - t
            if not idle:
                break
        now = screen(rows)
        if now != last_screen:
            out["complete"], last_screen = when - t, now
        if chart_box is not None:
            cells = chart_box.cells(rows)
            if cells != last_chart:
                out["chart"], last_chart = when - t, cells
    if out["response"] is None:
        return None
    if not idle:
        out["complete"] = out["chart"] = None
    elif out["complete"] is None or out["complete"] < out["response"]:
        out["complete"] = out["response"]  # nothing else changed: the answer was all of it
    return out


class CpuSampler:
    """The app's CPU seconds (all threads) every ``interval``, on a thread, so the CPU spent up to a
    moment found afterwards (the first pass's end, read off the recorded screen) can be looked up."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        import threading

        from ptyapp import proc_cpu_seconds

        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()

        def sample() -> None:
            while not self._stop.is_set():
                c = proc_cpu_seconds(pid)
                if c is None:
                    return
                self.samples.append((time.monotonic(), c))
                self._stop.wait(interval)

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def at(self, t: float) -> float:
        """CPU seconds at the first sample taken at or after ``t`` (the last one if none was)."""
        last = self.samples[-1][1] if self.samples else 0.0
        return next((c for when, c in self.samples if when >= t), last)


#: What the status bar says while the first pass reads ("starting", then "loading ...").
_LOADING = re.compile(r"│ (starting|loading)\b")


def first_pass_end(app) -> float | None:
    """When the status bar stopped saying the first pass reads: the arrival time of the first chunk
    after which no row says "starting" or "loading", replayed from the start of the recording in a
    terminal of its own (the benchmark's view has been replayed for the keys meanwhile)."""
    from ptyapp import TermView, row_text

    view = TermView(app)
    seen = False
    for when in view.advance():
        loading = any(_LOADING.search(row_text(r)) for r in view.rows)
        seen |= loading
        if seen and not loading:
            return when
    return None


def bench_runs(checkout: Path, n: int = 2000, presses: int = 10, size: tuple[int, int] = (120, 40)) -> dict:
    """First frame, end of loading, and what each kind of key takes to show on screen, on ``n`` runs.

    The app runs in a real pty (benchmarks/ptyapp.py); what it writes is replayed through a
    terminal emulator (pyte), so every time is "key typed -> the screen shows it", as a user sees it:
    ``response`` (the key's own answer: the highlighted row moved, the run's mark toggled, the typed
    character in the filter, the tab bar), ``complete`` (the last change the key caused anywhere on
    screen: for a tag, the next tag's chart of 2,000 runs) and ``chart`` (the last change in the chart
    pane), p50/p95/max in ms over ``presses`` presses of each kind.

    ``first_pass_s``: to the moment the status bar stops saying "loading" (the first pass has read
    every run), with ``first_pass_cpu_s`` the app's CPU time (all threads) until then. Keys are
    pressed once the first pass has read everything and the app is idle (``loaded_s``: to the last
    byte written before it went idle, after the keys pressed while loading; ``loaded_cpu_s``: the
    app's CPU time until then); ``during_loading`` has the response of ``j`` in the runs list and
    ``j``/``k`` in the tags list (3 tags: every key moves the row) pressed right after the first
    chart, while the first pass still reads (each slice it reads also redraws).
    ``tags_j_cpu_ms``: the app's CPU (all threads) per next-tag key, whatever the load on the machine.
    """
    from ptyapp import PtyApp, TermView, app_argv, checked_env, percentile, proc_cpu_seconds, row_text

    root = many_runs(n)
    scratch = DATA / "pty_scratch"
    shutil.rmtree(scratch, ignore_errors=True)  # nothing remembered from the last run (tag, hidden runs)
    scratch.mkdir(parents=True, exist_ok=True)
    env = checked_env(checkout, scratch)
    braille = re.compile(rb"\xe2[\xa0-\xa3]")  # UTF-8 of U+2800..U+28FF: a chart with data
    results: dict[str, list[dict]] = {}
    during: dict[str, list[dict]] = {}

    def run(kind: str, key: bytes, probe, into: dict, *, idle: bool = True, exclude=None) -> None:
        got = press(app, view, key, probe, idle=idle, exclude=exclude)
        into.setdefault(kind, []).append(got or {"response": None})

    with PtyApp(app_argv(root), cols=size[0], rows=size[1], env=env, cwd=scratch, record=True) as app:
        view = TermView(app)
        t0 = app.started
        cpu = CpuSampler(app.pid)
        first = app.first_output_after(t0, timeout=120)
        if first is None or not app.wait_for(lambda: braille.search(app.tail(1 << 20)) is not None, 120):
            return {"error": "the app drew no chart"}
        t_chart = time.monotonic()
        # While the first pass reads (the status bar may not say so: it shows the focused run's
        # stall first): j in the runs list, then in the tags list.
        for _ in range(presses // 2):
            run("runs j", b"j", _probe_list(0), during, idle=False)
        app.write(b"\tg")  # the tags list, its first tag: then j, j, k, k, j (3 tags: each moves)
        app.wait_for(lambda: _on_first_row(view, 1), 10)
        for i in range(presses // 2):
            run("tags j/k", b"j" if (i // 2) % 2 == 0 else b"k", _probe_list(1), during, idle=False)
        app.write(b"\x1b[Z")  # shift+tab: back to the runs list
        t_during = time.monotonic()
        # The first pass has ended when the app goes idle: nothing written, no CPU for a while.
        if not settle(app, time.monotonic(), timeout=900):
            return {"error": "the app never went idle"}
        t_loaded = max(app.last_output() or 0.0, t_during)
        cpu_idle = proc_cpu_seconds(app.pid)
        cpu.stop()
        t_pass = first_pass_end(app)
        for _ in range(presses):
            run("runs j", b"j", _probe_list(0), results)
        for _ in range(presses):
            run("runs space", b" ", _probe_list(0, colours=True), results)
        app.write(b"\tg")  # the tags list, its first tag: then j, j, k, k... each moves
        settle(app, time.monotonic())
        cpu0 = proc_cpu_seconds(app.pid) or 0.0
        for i in range(presses):
            run("tags j/k", b"j" if (i // 2) % 2 == 0 else b"k", _probe_list(1), results)
        tag_cpu = ((proc_cpu_seconds(app.pid) or 0.0) - cpu0) / presses
        for i in range(presses):
            run("tab 2/1", b"2" if i % 2 == 0 else b"1", _probe_tabs, results)
        app.write(b"/")
        settle(app, time.monotonic())
        blink = lambda r: "runs /" in row_text(r)  # noqa: E731 - the filter field's cursor blinks
        for ch in FILTER_TYPED + "\x7f" * len(FILTER_TYPED):
            run("filter char", ch.encode(), _probe_filter, results, exclude=blink)
        app.write(b"\x1b")

    def stats(rows: list[dict], what: str) -> str | None:
        xs = [r[what] for r in rows if r.get(what) is not None]
        if not xs:
            return None
        ms = [x * 1000 for x in xs]
        shown = f"p50 {percentile(ms, 50):.0f} p95 {percentile(ms, 95):.0f} max {max(ms):.0f}"
        return shown + (f" ({len(xs)} of {len(rows)})" if len(xs) < len(rows) else "")

    keys = {
        kind: {what: stats(rows, what) for what in ("response", "complete", "chart") if stats(rows, what)}
        for kind, rows in results.items()
    }
    return {
        "runs": n,
        "size": f"{size[0]}x{size[1]}",
        "first_output_s": round(first - t0, 2),
        "first_chart_s": round(t_chart - t0, 2),
        "first_pass_s": None if t_pass is None else round(t_pass - t0, 2),
        "first_pass_cpu_s": None if t_pass is None else round(cpu.at(t_pass), 2),
        "loaded_s": round(t_loaded - t0, 2),
        "loaded_cpu_s": round(cpu_idle or 0.0, 2),
        "keys_ms": keys,
        "tags_j_cpu_ms": round(tag_cpu * 1000, 1),
        "during_loading_ms": {kind: stats(rows, "response") for kind, rows in during.items()},
    }


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
