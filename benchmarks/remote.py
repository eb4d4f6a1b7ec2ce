"""Remote-logdir benchmark: ``tbtui summary --json`` from a loopback S3 endpoint vs the local disk.

A logdir of ``--runs`` runs, ``--mb`` MB in all (scalar-heavy, with histograms, written by tbtui's
writer), is uploaded to moto's S3 server, started as its own process on 127.0.0.1 so it does not
share the reader's interpreter (as a real endpoint would not). Then the same command reads it
from disk and from ``s3://``, each in a fresh process, end to end from process start (imports,
client setup, listing, reads, decoding, JSON). The server's access log counts the requests.
Both outputs must be identical but for the ``logdir`` field.

    python benchmarks/remote.py                 # 100 MB, 10 runs, best of 3
    python benchmarks/remote.py --mb 20 --runs 4 --repeat 1

Needs the [remote] extra and moto's server: ``pip install -e '.[remote]' 'moto[server]'``.
Loopback has no latency to speak of: this measures what tbtui adds (requests, copies, client
overhead), not a WAN. The target is under 3x the local time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
TAGS = ["train/loss", "train/accuracy", "train/learning_rate", "train/grad_norm"]


def generate(mb: int, runs: int) -> Path:
    """``runs`` runs of about ``mb / runs`` MB each: TF2-style tensor scalars, histograms now and then."""
    from tui.tfevents.writer import EventFileWriter

    out = DATA / f"remote-{mb}mb-{runs}runs"
    if (out / "DONE").exists():
        return out
    shutil.rmtree(out, ignore_errors=True)
    per_run = mb * 1_000_000 // runs
    rng = np.random.default_rng(0)
    for r in range(runs):
        with EventFileWriter(str(out / f"run{r:02d}"), buffer_bytes=8 << 20) as w:
            step = 0
            while os.path.getsize(w.path) + w._buffered < per_run:
                vals = rng.random(4 * 256)
                for i in range(256):
                    for k, tag in enumerate(TAGS):
                        w.add_scalar(tag, float(vals[4 * i + k]), step + i, 1.7e9 + (step + i) * 0.01)
                step += 256
                for k in range(2):
                    w.add_histogram(f"weights/layer{k}", rng.normal(size=512), step, 1.7e9 + step * 0.01)
    (out / "DONE").write_text("")
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"moto server did not start: {log.read_text()[-500:]}") from None
            time.sleep(0.1)
    return proc, f"http://127.0.0.1:{port}"


def aws_env(endpoint: str) -> dict[str, str]:
    return {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "PYTHONPATH": str(ROOT),
    }


def upload(local: Path, env: dict[str, str]) -> None:
    code = (
        "import s3fs, os; fs = s3fs.S3FileSystem(); fs.mkdir('bench')\n"
        f"fs.put({str(local)!r} + '/', 'bench/logs', recursive=True)\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def summary(logdir: str, env: dict[str, str]) -> tuple[float, float, dict]:
    """Wall and CPU seconds (user + system, of the reader process alone) and the parsed output."""
    code = "import sys; from tui.cli import main; sys.exit(main(sys.argv[1:]))"
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-c", code, "summary", logdir, "--json"], env=env, stdout=out
        )
        _, status, usage = os.wait4(proc.pid, 0)
        dt = time.perf_counter() - t0
        if status:
            raise SystemExit(f"summary {logdir} failed ({status})")
        out.seek(0)
        data = json.loads(out.read())
    data.pop("logdir")
    return dt, usage.ru_utime + usage.ru_stime, data


_REQ = re.compile(rb'"(?:\x1b\[[0-9;]*m)*(GET|HEAD|PUT|POST) (\S+) HTTP')  # (access log may be coloured)


def requests_since(log: Path, mark: int) -> tuple[int, dict[str, int]]:
    text = log.read_bytes()
    counts = {"listings": 0, "object GETs": 0, "HEAD": 0, "other": 0}
    for m in _REQ.finditer(text, mark):
        method, path = m.group(1), m.group(2)
        if method == b"GET" and b"list-type" in path:
            counts["listings"] += 1
        elif method == b"GET":
            counts["object GETs"] += 1
        elif method == b"HEAD":
            counts["HEAD"] += 1
        else:
            counts["other"] += 1
    return len(text), counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=int, default=100, help="logdir size in MB (default 100)")
    ap.add_argument("--runs", type=int, default=10, help="runs, one file each (default 10)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each; the best is reported")
    args = ap.parse_args()
    local = generate(args.mb, args.runs)
    size = sum(f.stat().st_size for f in local.rglob("*tfevents*"))
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "moto.log"
        proc, endpoint = start_moto(log)
        try:
            env = aws_env(endpoint)
            upload(local, env)
            local_times, remote_times = [], []
            counts: dict[str, int] = {}
            for _ in range(args.repeat):
                t, cpu, local_out = summary(str(local), env)
                local_times.append((t, cpu))
                mark, _ = requests_since(log, 0)
                t, cpu, remote_out = summary("s3://bench/logs", env)
                remote_times.append((t, cpu))
                _, counts = requests_since(log, mark)
                if remote_out != local_out:
                    print("MISMATCH: s3 summary differs from the local one", file=sys.stderr)
                    return 1
        finally:
            proc.terminate()
            proc.wait()
    (lt, lc), (rt, rc) = min(local_times), min(remote_times)
    print(
        f"summary --json of {size / 1e6:.0f} MB in {args.runs} runs, best of {args.repeat}, fresh processes"
    )
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)\n")
    print("| source | wall | CPU of the reader | requests |")
    print("|---|---|---|---|")
    print(f"| local disk | {lt:.2f} s | {lc:.2f} s | - |")
    reqs = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
    print(
        f"| s3:// (moto on 127.0.0.1) | {rt:.2f} s ({rt / lt:.1f}x) | {rc:.2f} s ({rc / lc:.1f}x) | {reqs} |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
