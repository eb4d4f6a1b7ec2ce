"""Load-time benchmark: tbtui against TensorBoard's loaders, tbparse and TensorBoard's Rust data server.

The logdirs are written in the byte layouts of real writers (benchmarks/layouts.py: tensorboardX
and torch ``add_scalar``/``add_histogram``, TF 2.x ``tf.summary.scalar``, and the same tensors
with metadata on a tag's first event only, as ``tf.compat.v1.summary.FileWriter`` writes them),
with tags of equal length (``train/loss_head_00``...), every step logging every tag. Each reader
runs in its own fresh process, timed end to end from process start, with peak RSS from wait4;
the Python readers run with their modules' bytecode compiled, as an installed package has it (one
untimed warm-up run each on a 1 MB logdir; see ``child_env``).

    python benchmarks/load.py --check                      # byte identity with the real writers
    python benchmarks/load.py                              # tbx, tf2, tf2-first x 8/64/256 tags, 100 MB
    python benchmarks/load.py --sizes 1000x10 --tags 64    # 1 GB in 10 runs (Python readers skipped)
    python benchmarks/load.py --layouts tf2 --tags 256 --readers tbtui,rust

Readers (each must report every point; a count that differs from what was written is flagged):

- tbtui: ``Logdir(path).load_all()``: CRC-checked, every point kept; big runs are read by worker
  processes when there are several (``tui/model/parallel.py``). Their CPU time is counted with the
  reader's (this script adopts orphaned descendants as a Linux subreaper and reaps them), and their
  peak RSS is given apart ("+ workers").
- tbtui-serial: the same with ``workers=0``: every run read in the one process, as before workers.
- EventMultiplexer: TensorBoard's Python loader (``AddRunsFromDirectory``, ``Reload``), every
  point kept (size guidance 0); CRC-checked by its record reader.
- tbparse: ``SummaryReader(path, pivot=False)`` (EventAccumulator underneath, into pandas).
- rust: TensorBoard's data server binary (tensorboard-data-server wheel) with ``--checksum``, time
  to its "Finished load cycle" log line, keeping its default 1,000 scalars a tag ("1000/tag") and
  keeping everything ("all").

Logdirs are cached under ``--cache`` (default /tmp/tbtui-bench), keyed by every parameter that
shapes them, so reruns do not rewrite them. Needs the [bench] extra: ``pip install -e '.[bench]'``
(``--check`` also compares with torch.utils.tensorboard when torch is importable).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
import layouts  # noqa: E402  (benchmarks/layouts.py, next to this script; app.py imports us)

CORPUS_TF2 = ROOT.parent / "tests" / "data" / "corpus" / "tf2"
CACHE = Path(tempfile.gettempdir()) / "tbtui-bench"
GENERATOR_VERSION = 1  # bump when layouts.write_run changes what it writes

SLOW = ("EventMultiplexer", "tbparse")
ALL_READERS = ("tbtui", "tbtui-serial", "EventMultiplexer", "tbparse", "rust", "rust-all")


@dataclass
class Logdir:
    """A generated logdir and what was written into it."""

    path: str
    layout: str
    tags: int
    runs: int
    scalars: int
    histograms: int
    steps: int  # per run
    bytes: int

    def label(self) -> str:
        hist = f" + {self.histograms:,} histograms" if self.histograms else ""
        runs = f"{self.runs} runs of " if self.runs > 1 else ""
        return f"{runs}{self.tags} tags x {self.steps:,} steps{hist}, {self.bytes / 1e6:,.0f} MB"


def logdir_for(layout: str, tags: int, total_mb: int, runs: int, hist_rounds: int, cache: Path) -> Logdir:
    """The cached logdir for these parameters, written first if it is not there yet.

    ``hist_rounds`` is rounds of histograms per 100 MB (tbx/torch only; 4 histograms a round).
    """
    lay = layouts.LAYOUTS[layout]
    rounds = hist_rounds * total_mb // (100 * runs) if lay.histograms else 0
    key = f"v{GENERATOR_VERSION}-{layout}-{tags}tags-{total_mb}mb-{runs}runs-h{rounds}"
    path, marker = cache / key, cache / f"{key}.json"
    if marker.exists():
        return Logdir(**json.loads(marker.read_text()))
    shutil.rmtree(path, ignore_errors=True)
    total = layouts.RunStats()
    for r in range(runs):
        st = layouts.write_run(lay, path / f"run_{r:02d}", tags, total_mb * 1_000_000 // runs, r, rounds)
        total.scalar_events += st.scalar_events
        total.histogram_events += st.histogram_events
        total.bytes += st.bytes
        total.steps = st.steps
    info = Logdir(
        str(path), layout, tags, runs, total.scalar_events, total.histogram_events, total.steps, total.bytes
    )
    marker.write_text(json.dumps(asdict(info)))
    return info


# A child's ru_maxrss (wait4, getrusage) starts at its parent's RSS when it was forked, and this
# parent holds numpy and the generator's buffers; so each process's own peak is read from VmHWM
# in /proc/<pid>/status (the high-water mark of the address space it built after exec).
HWM = """
def _hwm():
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")
"""

READERS = {
    "tbtui": """
from tui.model.logdir import Logdir
L = Logdir({path!r}).load_all()
s = sum(len(x) for r in L.runs.values() for x in r.scalars.values())
h = sum(len(x) for r in L.runs.values() for x in r.histograms.values())
print(s, h, _hwm())
""",
    "tbtui-serial": """
from tui.model.logdir import Logdir
L = Logdir({path!r}, workers=0).load_all()
s = sum(len(x) for r in L.runs.values() for x in r.scalars.values())
h = sum(len(x) for r in L.runs.values() for x in r.histograms.values())
print(s, h, _hwm())
""",
    "EventMultiplexer": """
from tensorboard.backend.event_processing import event_accumulator as ea, event_multiplexer as em
m = em.EventMultiplexer(size_guidance={{k: 0 for k in ea.DEFAULT_SIZE_GUIDANCE}})
m.AddRunsFromDirectory({path!r})
m.Reload()
s = h = 0
for run, tags in m.Runs().items():
    a = m.GetAccumulator(run)
    s += sum(len(a.Scalars(t)) for t in tags["scalars"]) + sum(len(a.Tensors(t)) for t in tags["tensors"])
    h += sum(len(a.Histograms(t)) for t in tags["histograms"])
print(s, h, _hwm())
""",
    "tbparse": """
from tbparse import SummaryReader
r = SummaryReader({path!r}, pivot=False)
print(len(r.scalars) + len(r.tensors), len(r.histograms), _hwm())
""",
}


@dataclass
class Result:
    reader: str
    seconds: float  # wall, from process start to done
    peak_mb: float
    note: str  # "ok", "1000/tag", "all", or what went wrong
    cpu: float = float("nan")  # user + system seconds of the process (all its threads, its workers)
    workers_mb: float = 0.0  # the highest peak RSS of its worker processes (0: none)

    @property
    def ok(self) -> bool:
        return self.seconds == self.seconds


def child_env(cache: Path) -> dict[str, str]:
    """The Python readers' environment: bytecode compiled once and kept, as an installed package has it.

    A shell may set PYTHONDONTWRITEBYTECODE (this project's sandbox does): every fresh process
    would then compile the modules that have no bytecode next to them (a checkout's: tbtui's,
    0.1 s of CPU here) from source again, which no installed reader does. Their bytecode goes to
    a cache of its own (PYTHONPYCACHEPREFIX, under ``cache``), not into the checkout; see
    :func:`warm_up`.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(cache / "pycache")
    return env


def warm_up(readers: list[str], layouts_: list[str], hist_rounds: int, cache: Path) -> None:
    """Run each Python reader once, untimed, on a 1 MB logdir of each layout, so the bytecode of
    every module it imports is in the cache before the timed runs (see :func:`child_env`)."""
    for layout in layouts_:
        tiny = logdir_for(layout, 8, 1, 1, hist_rounds, cache)
        for reader in readers:
            if reader in READERS:
                run_python(reader, tiny, child_env(cache))


def run_python(reader: str, logdir: Logdir, env: dict[str, str] | None = None) -> Result:
    """Time one Python reader in a fresh interpreter and check it saw every point.

    Its output goes to files, not pipes, so a chatty reader cannot block on a full pipe while we
    wait for it. It prints its points and then its own peak RSS (see ``HWM``).
    """
    code = HWM + READERS[reader].format(path=logdir.path)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=out, stderr=err, env=env)
        _, wait_status, usage = os.wait4(proc.pid, 0)
        dt = time.perf_counter() - t0
        extra_cpu, workers_mb = _reap_descendants()
        status = proc.returncode = os.waitstatus_to_exitcode(wait_status)
        out.seek(0)
        err.seek(0)
        got, errors = out.read().decode().split(), err.read().decode().strip()
    if status != 0:
        last = errors.splitlines()[-1:] or [f"status {status}"]
        return Result(reader, float("nan"), float("nan"), f"failed: {last[0]}")
    got, peak = got[:-1], float(got[-1]) if got else float("nan")
    want = [str(logdir.scalars), str(logdir.histograms)]
    note = "ok" if got == want else f"read {'/'.join(got)} points, wrote {'/'.join(want)}"
    return Result(reader, dt, peak, note, usage.ru_utime + usage.ru_stime + extra_cpu, workers_mb)


def _become_subreaper() -> bool:
    """Have orphaned descendants (a reader's worker processes and their forkserver, which outlive
    it by a moment) reparented to this process, so their CPU time can be counted (Linux only)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _reap_descendants(timeout: float = 30.0) -> tuple[float, float]:
    """Wait for the orphans a reader left (see :func:`_become_subreaper`): their CPU seconds (each
    one's rusage holds the children it reaped itself) and their highest peak RSS in MB."""
    cpu = peak = 0.0
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            pid, _, usage = os.wait4(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            time.sleep(0.01)
            continue
        cpu += usage.ru_utime + usage.ru_stime
        peak = max(peak, usage.ru_maxrss / 1024)
    return cpu, peak


def rust_binary() -> str | None:
    try:
        import tensorboard_data_server

        path = Path(tensorboard_data_server.__file__).parent / "bin" / "server"
        return str(path) if path.exists() else None
    except ImportError:
        return None


def run_rust(logdir: Logdir, keep_all: bool) -> Result:
    """Time the Rust data server to its first "Finished load cycle" (all files read, CRCs checked)."""
    name = "rust-all" if keep_all else "rust"
    binary = rust_binary()
    if binary is None:
        return Result(name, float("nan"), float("nan"), "not installed")
    with tempfile.TemporaryDirectory() as tmp:
        args = [binary, "--logdir", logdir.path, "--host", "127.0.0.1", "--port", "0"]
        args += ["--port-file", os.path.join(tmp, "port"), "--reload", "once", "-v", "--checksum"]
        if keep_all:
            args += ["--samples-per-plugin", "scalars=all,histograms=all"]
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        dt = peak = cpu = float("nan")
        assert proc.stderr is not None
        for line in proc.stderr:
            if "Finished load cycle" in line:
                dt = time.perf_counter() - t0
                peak, cpu = _proc_hwm(proc.pid), _proc_cpu(proc.pid)
                break
        proc.terminate()
        proc.stderr.close()
        proc.wait()
    return Result(name, dt, peak, "all" if keep_all else "1000/tag", cpu)


def _proc_cpu(pid: int) -> float:
    """User + system seconds of a live process so far, NaN where /proc is not there."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def _proc_hwm(pid: int) -> float:
    """Peak RSS in MB of a live process (VmHWM), NaN where /proc is not there."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def measure(
    logdir: Logdir, readers: list[str], skip_slow_above: int, repeat: int, env: dict[str, str] | None = None
) -> dict[str, Result]:
    """Every asked reader on one logdir, one after another (never two at once)."""
    results: dict[str, Result] = {}
    mb = logdir.bytes / 1e6
    for reader in readers:
        if reader in SLOW and mb > skip_slow_above:
            continue
        if reader in ("rust", "rust-all"):
            results[reader] = run_rust(logdir, keep_all=reader == "rust-all")
        else:
            tries = [
                run_python(reader, logdir, env) for _ in range(repeat if reader.startswith("tbtui") else 1)
            ]
            results[reader] = min(tries, key=lambda r: r.seconds if r.ok else float("inf"))
        r = results[reader]
        workers = f" + {r.workers_mb:,.0f} MB workers" if r.workers_mb else ""
        print(
            f"    {reader:<17}{r.seconds:8.2f} s {r.cpu:8.2f} s cpu {r.peak_mb:8,.0f} MB{workers}  {r.note}"
            f"  (load {os.getloadavg()[0]:.1f})",
            file=sys.stderr,
        )
    return results


def cell(r: Result | None, base: Result | None, cpu: bool = False) -> str:
    """A table cell: time (wall, or CPU) and peak RSS, with the ratio to tbtui for the others."""
    if r is None:
        return "(skipped)"
    if not r.ok:
        return r.note
    t = r.cpu if cpu else r.seconds
    ratio = ""
    if base is not None and base.ok and r is not base:
        ratio = f" ({_num(t / (base.cpu if cpu else base.seconds))}x)"
    flag = "" if r.note in ("ok", "1000/tag", "all") else f" [{r.note}]"
    workers = f" + workers {r.workers_mb:,.0f} MB" if r.workers_mb else ""
    return f"{_num(t)} s{ratio}, {r.peak_mb:,.0f} MB{workers}{flag}"


def _num(x: float) -> str:
    """Two or three significant digits: 157, 30.5, 5.16, 0.92, 0.037."""
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.1f}" if x >= 10 else f"{x:.2f}" if x >= 0.1 else f"{x:.3f}"


COLUMNS = {
    "tbtui": "tbtui",
    "tbtui-serial": "tbtui, one process",
    "EventMultiplexer": "EventMultiplexer",
    "tbparse": "tbparse",
    "rust": "Rust server (1,000/tag)",
    "rust-all": "Rust server (all points)",
}


def run_check(n: int) -> int:
    """``--check``: compare our records with the real writers' and say which ones were compared."""
    failed = 0
    for r in layouts.check_all(CORPUS_TF2, n):
        if r.skipped:
            print(f"{r.writer:<10} skipped: {r.skipped}")
            continue
        state = "identical" if r.ok else "DIFFERENT"
        print(f"{r.writer:<10} {r.compared:>5} records {state}")
        for m in r.mismatches or []:
            print(f"    {m[:300]}")
        failed += not r.ok
    return 1 if failed else 0


def parse_size(spec: str) -> tuple[int, int]:
    """``100`` is one 100 MB run; ``1000x10`` is 1,000 MB in 10 runs."""
    mb, _, runs = spec.partition("x")
    return int(mb), int(runs or 1)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--check", action="store_true", help="check byte identity with the real writers, then exit"
    )
    ap.add_argument("--check-records", type=int, default=300, help="scalar records per writer in --check")
    ap.add_argument("--layouts", default="tbx,tf2,tf2-first", help=f"of {', '.join(layouts.LAYOUTS)}")
    ap.add_argument("--tags", default="8,64,256", help="scalar tags per run, comma separated")
    ap.add_argument("--sizes", default="100", help="MB per logdir, comma separated; 1000x10 = 10 runs")
    ap.add_argument(
        "--hist-rounds", type=int, default=1000, help="tbx/torch: rounds of 4 histograms per 100 MB (0: none)"
    )
    ap.add_argument("--readers", default=",".join(ALL_READERS), help="comma separated")
    ap.add_argument(
        "--skip-slow-above", type=int, default=200, help="skip EventMultiplexer/tbparse above this MB"
    )
    ap.add_argument("--repeat", type=int, default=1, help="runs of tbtui per logdir (best is reported)")
    ap.add_argument("--cache", type=Path, default=CACHE, help="where generated logdirs are kept")
    args = ap.parse_args()
    if args.check:
        return run_check(args.check_records)
    readers = [r for r in args.readers.split(",") if r]
    unknown = set(readers) - set(ALL_READERS)
    if unknown:
        ap.error(f"unknown readers {sorted(unknown)}")
    _become_subreaper()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; each reader in a fresh process")
    env = child_env(args.cache)
    warm_up(readers, args.layouts.split(","), args.hist_rounds, args.cache)
    for layout in args.layouts.split(","):
        columns = [r for r in ALL_READERS if r in readers]
        rows: list[str] = []
        cpu_rows: list[str] = []
        for size in args.sizes.split(","):
            mb, runs = parse_size(size)
            for tags in [int(t) for t in args.tags.split(",")]:
                t0 = time.perf_counter()
                logdir = logdir_for(layout, tags, mb, runs, args.hist_rounds, args.cache)
                print(
                    f"  {layout}: {logdir.label()} ({time.perf_counter() - t0:.1f} s to get ready)",
                    file=sys.stderr,
                )
                res = measure(logdir, readers, args.skip_slow_above, args.repeat, env)
                base = res.get("tbtui")
                for out, cpu in ((rows, False), (cpu_rows, True)):
                    cells = " | ".join(cell(res.get(c), base, cpu) for c in columns)
                    out.append(f"| {logdir.label()} | {cells} |")
        for title, out in (("wall time from process start", rows), ("CPU time (user + system)", cpu_rows)):
            print(f"\n{layout} layout (`--layouts {layout}`), {title}, peak RSS:\n")
            print("| logdir | " + " | ".join(COLUMNS[c] for c in columns) + " |")
            print("|---" * (len(columns) + 1) + "|")
            print("\n".join(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
