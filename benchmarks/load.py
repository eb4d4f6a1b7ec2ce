"""Load-time benchmark: tbtui against TensorBoard's loaders and tbparse, same data, same run.

Generates scalar-heavy logdirs (TF2-style tensor scalars with metadata, as tf.summary and
tensorboard's own writer produce them, plus 30-bucket histograms) with tbtui's writer, then times
each reader in its own fresh process, end to end from process start, and reports wall time, MB/s,
events/s, peak RSS (from wait4) and ratios against tbtui.

    python benchmarks/load.py                    # 10 MB and 100 MB
    python benchmarks/load.py --sizes 10,100,1000 --skip-slow-above 200

Readers:
- tbtui: ``Logdir(path).load_all()``: CRC-checked, every point kept.
- EventAccumulator: TensorBoard's Python loader with size guidance 0 (keep every point).
- tbparse: ``SummaryReader(path, pivot=False)`` (EventAccumulator underneath, into pandas).
- rust: TensorBoard's data server binary (tensorboard-data-server wheel), time to its
  "Finished load cycle" log line. It keeps only its default samples per tag (1,000 scalars), so it
  does less work than the others; `--rust-all` asks it to keep everything.
Needs the [bench] extra: ``pip install -e '.[bench]'``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
DATA = ROOT / "data"

SCALAR_TAGS = ["train/loss", "train/accuracy", "train/learning_rate", "train/grad_norm"]
HIST_EVERY = 1000  # scalar events between two rounds of histograms


def generate(target_mb: int, out: Path) -> tuple[int, int]:
    """Write about ``target_mb`` MB into ``out/run``; returns (scalar events, histogram events)."""
    from tui.tfevents.writer import EventFileWriter

    marker = out / "DONE"
    if marker.exists():
        s, h = marker.read_text().split()
        return int(s), int(h)
    shutil.rmtree(out, ignore_errors=True)
    rng = np.random.default_rng(0)
    target = target_mb * 1_000_000
    n_scalar = n_hist = 0
    step = 0
    wall = 1.7e9
    with EventFileWriter(str(out / "run"), buffer_bytes=8 << 20) as w:
        while True:
            vals = rng.random(256)
            for i in range(256):
                w.add_scalar(
                    SCALAR_TAGS[(step + i) % 4], float(vals[i]), step + i // 4, wall + (step + i) * 0.01
                )
            n_scalar += 256
            step += 64
            if n_scalar % HIST_EVERY < 256:
                for k in range(4):
                    w.add_histogram(f"weights/layer{k}", rng.normal(size=512), step, wall + step * 0.01)
                    n_hist += 1
            if n_scalar % 16384 == 0 and os.path.getsize(w.path) + w._buffered >= target:
                break
    marker.write_text(f"{n_scalar} {n_hist}")
    return n_scalar, n_hist


READERS = {
    "tbtui": """
from tui.model.logdir import Logdir
L = Logdir({path!r}).load_all()
n = sum(len(s) for r in L.runs.values() for s in r.scalars.values())
n += sum(len(s) for r in L.runs.values() for s in r.histograms.values())
print(n)
""",
    "EventAccumulator": """
from tensorboard.backend.event_processing import event_accumulator as ea
acc = ea.EventAccumulator({path!r} + "/run", size_guidance={{k: 0 for k in ea.DEFAULT_SIZE_GUIDANCE}})
acc.Reload()
print(sum(len(acc.Tensors(t)) for t in acc.Tags()["tensors"]))
""",
    "tbparse": """
from tbparse import SummaryReader
r = SummaryReader({path!r}, pivot=False)
print(len(r.tensors) + len(r.scalars) + len(r.histograms))
""",
}


@dataclass
class Result:
    reader: str
    seconds: float
    peak_mb: float
    points: str


def run_python(reader: str, path: Path) -> Result:
    code = READERS[reader].format(path=str(path))
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    dt = time.perf_counter() - t0
    out = proc.stdout.read().decode().strip() if proc.stdout else ""
    err = proc.stderr.read().decode().strip() if proc.stderr else ""
    if status != 0:
        return Result(
            reader, float("nan"), float("nan"), f"failed: {err.splitlines()[-1] if err else status}"
        )
    return Result(reader, dt, usage.ru_maxrss / 1024, out)


def rust_binary() -> str | None:
    try:
        import tensorboard_data_server

        path = Path(tensorboard_data_server.__file__).parent / "bin" / "server"
        return str(path) if path.exists() else None
    except ImportError:
        return None


def run_rust(path: Path, keep_all: bool) -> Result:
    binary = rust_binary()
    if binary is None:
        return Result("rust", float("nan"), float("nan"), "not installed")
    with tempfile.TemporaryDirectory() as tmp:
        args = [binary, "--logdir", str(path), "--host", "127.0.0.1", "--port", "0"]
        args += ["--port-file", os.path.join(tmp, "port"), "--reload", "once", "-v", "--checksum"]
        if keep_all:
            args += ["--samples-per-plugin", "scalars=all,histograms=all"]
        t0 = time.perf_counter()
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        dt = float("nan")
        assert proc.stderr is not None
        for line in proc.stderr:
            if "Finished load cycle" in line:
                dt = time.perf_counter() - t0
                break
        proc.terminate()
        _, _, usage = os.wait4(proc.pid, 0)
    return Result(
        "rust" + (" (all)" if keep_all else ""),
        dt,
        usage.ru_maxrss / 1024,
        "1000/tag" if not keep_all else "all",
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--sizes", default="10,100", help="logdir sizes in MB, comma separated (e.g. 10,100,1000)"
    )
    ap.add_argument(
        "--skip-slow-above", type=int, default=200, help="skip EventAccumulator/tbparse above this MB"
    )
    ap.add_argument("--rust-all", action="store_true", help="also time the Rust server keeping every point")
    ap.add_argument("--repeat", type=int, default=1, help="runs of tbtui per size (best is reported)")
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; each reader in a fresh process")
    for mb in [int(x) for x in args.sizes.split(",")]:
        path = DATA / f"logdir_{mb}mb"
        t0 = time.perf_counter()
        n_scalar, n_hist = generate(mb, path)
        size = sum(f.stat().st_size for f in path.rglob("*tfevents*"))
        print(
            f"\n== {size / 1e6:.0f} MB: {n_scalar:,} scalar events, {n_hist:,} histograms "
            f"(generated in {time.perf_counter() - t0:.1f}s) =="
        )
        results = [min((run_python("tbtui", path) for _ in range(args.repeat)), key=lambda r: r.seconds)]
        if mb <= args.skip_slow_above:
            results.append(run_python("EventAccumulator", path))
            results.append(run_python("tbparse", path))
        results.append(run_rust(path, keep_all=False))
        if args.rust_all:
            results.append(run_rust(path, keep_all=True))
        base = results[0].seconds
        events = n_scalar + n_hist
        print(f"{'reader':<18}{'seconds':>9}{'MB/s':>9}{'events/s':>12}{'peak MB':>9}{'x tbtui':>9}  points")
        for r in results:
            ok = r.seconds == r.seconds
            print(
                f"{r.reader:<18}{r.seconds:>9.2f}{(size / 1e6 / r.seconds if ok else float('nan')):>9.1f}"
                f"{(events / r.seconds if ok else float('nan')):>12,.0f}{r.peak_mb:>9.0f}"
                f"{(r.seconds / base if ok else float('nan')):>9.1f}  {r.points}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
