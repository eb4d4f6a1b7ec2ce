"""Bytes the app writes to a real terminal per one-step live update and per second idle (issue 12).

    /work/venv/bin/python benchmarks/terminal_bytes.py                     # this checkout
    /work/venv/bin/python benchmarks/terminal_bytes.py --baseline 5b51a35  # and a release, side by side
    /work/venv/bin/python benchmarks/terminal_bytes.py --checkout /path/to/old/tree --updates 20

What is measured, per checkout and terminal size (80x24 and 120x40 by default):

- The app (``python -m tui.cli LOGDIR`` with ``PYTHONPATH=<checkout>``) runs in a pseudo-terminal
  of that size (set with TIOCSWINSZ before it starts), ``TERM=xterm-256color`` (``--term``), no
  COLORTERM.
  The pty's master side plays the terminal and counts every byte the app writes: that is what
  an SSH or mosh link would carry.
- The logdir, written fresh for each measurement by this checkout's ``tui.tfevents.writer``, is a
  one-tag run in tensorboardX's layout (``LOGDIR/run/events.out.tfevents.*``, legacy
  ``simple_value`` scalars, tag ``loss``): ``--steps`` points of a noisy decaying loss, the same
  values for every checkout.
- **startup**: bytes until the screen settles (no output for ``--settle`` seconds).
- **idle**: bytes written during ``--idle`` seconds of nothing changing, as bytes per second;
  measured after startup and again after the updates (a live run may start timers).
- **per update**: one step is appended and flushed, then bytes are counted from the flush until
  the app has been silent for ``--quiet`` seconds; the next step comes ``--interval`` seconds
  after the previous one at the earliest. Reported: median and max of the per-update counts, and
  "mean" = every byte from the first append to the end of the last update divided by the number
  of updates (so a late repaint that missed its own window is still counted). "silent" counts
  updates that produced no output at all within ``--timeout`` seconds. "first byte" is the time
  from the flush to the first byte of the repaint (file event, read, render).

``--baseline REV`` exports ``tui/`` of REV with ``git archive`` into a temp directory and measures
it in the same run, interleaved with the current tree size by size, so both see the same machine
load. Target (issue 12): under 2 KB per one-step update at 120x40, and 0 bytes idle.

Exit status: 0 when every measurement was taken (whatever the numbers), 1 when one could not be
(the app did not start or died; the reason is printed), 130 on Ctrl-C. Temp directories and the
app's process are removed in every case.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent
REPO = ROOT.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(ROOT))

from ptyapp import (  # noqa: E402 - benchmarks/ is not a package
    HarnessError,
    PtyApp,
    app_argv,
    checked_env,
    export_rev,
    git_label,
    interrupts_as_keyboard_interrupt,
    loadavg,
    parse_size,
    percentile,
    scratch_dir,
)

TAG = "loss"
TARGET_UPDATE_BYTES = 2048
TARGET_SIZE = (120, 40)


@dataclass
class Target:
    """One tree to measure: a directory with a ``tui/`` package, and how to name it in the table."""

    label: str
    path: Path


@dataclass
class Result:
    label: str
    size: str
    startup_bytes: int = 0
    startup_seconds: float = 0.0
    tag_on_screen: bool = False
    idle_bytes_per_s: float = 0.0
    idle_after_bytes_per_s: float = 0.0
    updates: list[int] = field(default_factory=list)
    first_byte_ms: list[float] = field(default_factory=list)
    silent: int = 0
    update_phase_bytes: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.updates) if self.updates else math.nan

    @property
    def mean_all(self) -> float:
        return self.update_phase_bytes / len(self.updates) if self.updates else math.nan


def loss_value(step: int) -> float:
    """A training-like loss: decaying, with deterministic noise (the same for every checkout)."""
    noise = math.sin(step * 12.9898) * 43758.5453 % 1.0 - 0.5  # cheap hash noise in [-0.5, 0.5)
    return 0.15 + 2.0 * math.exp(-step / 300.0) + 0.08 * noise


def measure(target: Target, cols: int, rows: int, args: argparse.Namespace) -> Result:
    """Start the app of ``target`` on a fresh one-tag logdir and count its bytes (see module doc)."""
    from tui.tfevents.writer import EventFileWriter  # this checkout's writer, whatever is measured

    res = Result(target.label, f"{cols}x{rows}")
    with scratch_dir("tbtui-bytes-") as tmp:
        env = checked_env(target.path, tmp, term=args.term)
        wall0 = time.time() - args.steps
        with EventFileWriter(str(tmp / "logdir" / "run"), legacy=True) as writer:
            for s in range(args.steps):
                writer.add_scalar(TAG, loss_value(s), s, wall0 + s)
            writer.flush()
            argv = app_argv(tmp / "logdir")
            with PtyApp(argv, cols=cols, rows=rows, env=env, cwd=tmp, record=bool(args.dump)) as app:
                _startup(app, res, args)
                res.idle_bytes_per_s = _idle(app, args.idle)
                step = args.steps
                last_write = 0.0
                phase_start = None
                for _ in range(args.updates):
                    time.sleep(max(0.0, last_write + args.interval - time.monotonic()))
                    writer.add_scalar(TAG, loss_value(step), step)
                    writer.flush()
                    last_write = time.monotonic()
                    phase_start = phase_start or last_write
                    step += 1
                    first = app.first_output_after(last_write, args.timeout)
                    end = app.wait_quiet(args.quiet, args.timeout, since=last_write)
                    app.check_alive("during the updates")
                    if first is None:
                        res.silent += 1
                    else:
                        res.first_byte_ms.append((first - last_write) * 1000)
                    res.updates.append(app.bytes_between(last_write, end or time.monotonic()))
                    if args.dump:
                        _dump(args.dump, res, f"update{len(res.updates):02d}", app, last_write, end)
                res.update_phase_bytes = app.bytes_between(phase_start or 0.0, time.monotonic())
                if args.dump:
                    _dump(args.dump, res, "startup", app, 0.0, app.started + res.startup_seconds)
                res.idle_after_bytes_per_s = _idle(app, args.idle)
    return res


def _startup(app: PtyApp, res: Result, args: argparse.Namespace) -> None:
    app.wait_started(args.startup_timeout, args.settle)
    res.startup_bytes = app.total
    res.startup_seconds = (app.last_output() or app.started) - app.started
    res.tag_on_screen = TAG.encode() in app.tail(1 << 20)


def _idle(app: PtyApp, seconds: float) -> float:
    """Bytes per second written while nothing changes, over ``seconds``."""
    t0 = time.monotonic()
    app.wait_for(lambda: app.eof, seconds)  # returns early only if the app dies
    app.check_alive("while idle")
    return app.bytes_between(t0, t0 + seconds) / seconds


def _dump(folder: Path, res: Result, name: str, app: PtyApp, t0: float, t1: float | None) -> None:
    """Save what the app wrote in (t0, t1] as ``<folder>/<checkout>_<size>_<name>.bin``."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = "".join(c if c.isalnum() else "_" for c in f"{res.label}_{res.size}_{name}")
    (folder / f"{stem}.bin").write_bytes(app.data_between(t0, t1 if t1 is not None else float("inf")))


def _fmt(x: float, unit: str = "") -> str:
    return "-" if math.isnan(x) else f"{x:,.0f}{unit}"


def print_table(results: list[Result], args: argparse.Namespace) -> None:
    head = (
        f"{'size':<7} {'checkout':<24} {'startup B':>10} {'idle B/s':>9} {'update B med':>13} "
        f"{'mean':>8} {'max':>8} {'silent':>6} {'1st byte ms p50':>15} {'idle after B/s':>14}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        mark = "" if r.tag_on_screen else "  (tag name never drawn!)"
        print(
            f"{r.size:<7} {r.label:<24} {r.startup_bytes:>10,} {r.idle_bytes_per_s:>9.1f} "
            f"{_fmt(r.median):>13} {_fmt(r.mean_all):>8} {_fmt(max(r.updates, default=math.nan)):>8} "
            f"{r.silent:>6} {_fmt(percentile(r.first_byte_ms, 50)):>15} "
            f"{r.idle_after_bytes_per_s:>14.1f}{mark}"
        )
    print(
        f"target at {TARGET_SIZE[0]}x{TARGET_SIZE[1]}: under {TARGET_UPDATE_BYTES:,} B per one-step "
        f"update, 0 B/s idle ({args.updates} updates of 1 step, >= {args.interval} s apart, "
        f"{args.steps} steps before; idle windows {args.idle} s; TERM={args.term})"
    )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="See the module docstring (head -40 benchmarks/terminal_bytes.py) for what each number means.",
    )
    p.add_argument(
        "--checkout",
        action="append",
        type=Path,
        metavar="PATH",
        help="a directory holding a tui/ package to measure (repeatable; default: this checkout)",
    )
    p.add_argument(
        "--baseline",
        action="append",
        metavar="REV",
        default=[],
        help="also measure git revision REV of this repository (e.g. 5b51a35; repeatable)",
    )
    p.add_argument("--sizes", default="80x24,120x40", help="terminal sizes, COLSxROWS, comma-separated")
    p.add_argument("--term", default="xterm-256color", help="TERM for the app (xterm: 16 colours)")
    p.add_argument("--steps", type=int, default=200, help="points in the run before the updates")
    p.add_argument("--updates", type=int, default=10, help="one-step updates to count")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between appended steps, at least")
    p.add_argument("--quiet", type=float, default=0.6, help="silence that ends an update's repaint (s)")
    p.add_argument("--settle", type=float, default=2.0, help="silence that ends startup (s)")
    p.add_argument("--idle", type=float, default=5.0, help="length of each idle window (s)")
    p.add_argument("--timeout", type=float, default=10.0, help="wait for an update's repaint at most (s)")
    p.add_argument("--startup-timeout", type=float, default=120.0, help="wait for the first screen (s)")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the raw results here")
    p.add_argument(
        "--dump",
        type=Path,
        metavar="DIR",
        help="save the raw bytes of the startup screen and of each update into DIR (to see what repaints)",
    )
    args = p.parse_args(argv)
    try:
        sizes = [parse_size(s) for s in args.sizes.split(",")]
    except ValueError as e:
        p.error(str(e))
    for path in args.checkout or []:
        if not (path / "tui" / "__init__.py").is_file():
            p.error(f"--checkout {path}: no tui/ package there")

    results: list[Result] = []
    try:
        with interrupts_as_keyboard_interrupt(), scratch_dir("tbtui-revs-") as revs:
            targets = [
                Target(f"{git_label(c)} ({c.name})" if c != REPO else f"{git_label(c)} (this)", c.resolve())
                for c in (args.checkout or [REPO])
            ]
            for rev in args.baseline:
                targets.append(Target(rev, export_rev(REPO, rev, revs / rev)))
            print(f"start: {loadavg()}", flush=True)
            for cols, rows in sizes:
                for t in targets:
                    r = measure(t, cols, rows, args)
                    results.append(r)
                    print(
                        f"  measured {t.label} at {r.size}: update median {_fmt(r.median)} B",
                        flush=True,
                    )
            print(f"end:   {loadavg()}\n")
            print_table(results, args)
    except HarnessError as e:
        print(f"terminal_bytes: cannot measure: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("terminal_bytes: interrupted; cleaned up", file=sys.stderr)
        return 130
    if args.json:
        rows = [asdict(r) | {"median": r.median, "mean_all": r.mean_all} for r in results]
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
