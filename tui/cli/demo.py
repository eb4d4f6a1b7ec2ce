"""``tbtui --demo``: a sample logdir that keeps training, opened in the app.

Writes three runs (scalars, weight histograms, a text note, a small op graph, hparams, images)
with a few hundred steps of history into a temporary folder, then a background thread appends a
step to every run every :data:`STEP_SECONDS` and, after a while, starts a fourth run, so live
tailing and run discovery can be watched. Everything goes through tui.tfevents.writer, the same
format any SummaryWriter produces. The folder is removed on exit unless ``TBTUI_DEMO_KEEP=1``.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import shutil
import signal
import sys
import tempfile
import threading
import time

import numpy as np

from tui.tfevents.proto import graph_pb2, hparams_pb2
from tui.tfevents.writer import EventFileWriter, png_bytes

__all__ = ["DemoWriter", "run"]

STEP_SECONDS = 0.25
HISTORY_STEPS = 300
HIST_EVERY = 10
IMAGE_EVERY = 50
NEW_RUN_AFTER = 40  # live steps before the extra run appears

# name -> (learning rate, noise, seed)
RUNS = {
    "mlp/lr_0.1": (0.1, 0.08, 1),
    "mlp/lr_0.01": (0.01, 0.05, 2),
    "cnn/adam": (0.003, 0.06, 3),
}
LATE_RUN = ("cnn/sgd_momentum", (0.05, 0.07, 4))


def demo_graph() -> graph_pb2.GraphDef:
    """A two-layer MLP with a loss, in name scopes, as a GraphDef."""
    g = graph_pb2.GraphDef()

    def node(name: str, op: str, *inputs: str) -> None:
        n = g.node.add()
        n.name, n.op = name, op
        n.input.extend(inputs)

    node("input", "Placeholder")
    node("labels", "Placeholder")
    prev = "input"
    for layer in ("dense_1", "dense_2"):
        node(f"{layer}/kernel", "VariableV2")
        node(f"{layer}/bias", "VariableV2")
        node(f"{layer}/MatMul", "MatMul", prev, f"{layer}/kernel")
        node(f"{layer}/BiasAdd", "BiasAdd", f"{layer}/MatMul", f"{layer}/bias")
        node(f"{layer}/Relu", "Relu", f"{layer}/BiasAdd")
        prev = f"{layer}/Relu"
    node("loss/xent", "SoftmaxCrossEntropyWithLogits", prev, "labels")
    node("loss/Mean", "Mean", "loss/xent")
    node("train/grad", "AddN", "loss/Mean")
    node("train/Adam", "ApplyAdam", "dense_1/kernel", "train/grad")
    return g


def demo_hparams(name: str, lr: float, seed: int) -> list[tuple[str, bytes]]:
    """The hparams plugin's experiment and session records for one run (TF's hparams API style)."""
    exp = hparams_pb2.HParamsPluginData(version=0)
    for hp, kind in (
        ("lr", hparams_pb2.DATA_TYPE_FLOAT64),
        ("model", hparams_pb2.DATA_TYPE_STRING),
        ("seed", hparams_pb2.DATA_TYPE_FLOAT64),
    ):
        exp.experiment.hparam_infos.add(name=hp, type=kind)
    for metric in ("val/loss", "val/accuracy"):
        exp.experiment.metric_infos.add().name.tag = metric
    start = hparams_pb2.HParamsPluginData(version=0)
    start.session_start_info.hparams["lr"].number_value = lr
    start.session_start_info.hparams["model"].string_value = name.split("/")[0]
    start.session_start_info.hparams["seed"].number_value = seed
    return [
        ("_hparams_/experiment", exp.SerializeToString()),
        ("_hparams_/session_start_info", start.SerializeToString()),
    ]


def demo_image(step: int, lr: float) -> np.ndarray:
    """A 48x48 colour pattern that sharpens as training goes on, like filters that learn."""
    y, x = np.mgrid[0:48, 0:48] / 47.0
    sharp = 1.0 + step * lr / 3.0
    r = 0.5 + 0.5 * np.sin(2 * np.pi * sharp * x)
    g = 0.5 + 0.5 * np.sin(2 * np.pi * sharp * y)
    b = 0.5 + 0.5 * np.cos(2 * np.pi * sharp * (x + y) / 2)
    return (np.stack([r, g, b], axis=-1) * 255).astype(np.uint8)


class _Run:
    """One simulated training run: deterministic curves from its seed."""

    def __init__(self, root: str, name: str, lr: float, noise: float, seed: int) -> None:
        self.name = name
        self.lr = lr
        self.noise = noise
        self.rng = np.random.default_rng(seed)
        self.writer = EventFileWriter(os.path.join(root, name))
        self.step = 0
        self.writer.add_text("notes", f"**{name}**: learning rate `{lr}`, seed {seed}.", 0)
        self.writer.add_graph(demo_graph())
        for tag, content in demo_hparams(name, lr, seed):
            self.writer.add_hparams(content, tag)

    def write_step(self, wall: float | None = None) -> None:
        s = self.step
        rate = 1.0 / (40.0 + 0.2 / self.lr)
        base = 2.3 * math.exp(-s * rate) + 0.15
        loss = base * (1 + self.noise * self.rng.standard_normal())
        val_loss = base * 1.1 + 0.05 + 0.02 * self.rng.standard_normal()
        acc = 1.0 - 0.9 * math.exp(-s * rate * 1.2) + 0.01 * self.rng.standard_normal()
        w = self.writer
        w.add_scalar("train/loss", loss, s, wall)
        w.add_scalar("train/accuracy", min(acc, 1.0), s, wall)
        w.add_scalar("val/loss", val_loss, s, wall)
        w.add_scalar("val/accuracy", min(acc - 0.03, 1.0), s, wall)
        w.add_scalar("train/learning_rate", self.lr * 0.5 ** (s // 100), s, wall)
        if s % HIST_EVERY == 0:
            spread = 1.0 / (1 + s / 200)
            w.add_histogram("weights/dense_1", self.rng.normal(0.0, spread, 2000), s, wall)
            w.add_histogram("weights/dense_2", self.rng.normal(s / 1000, 0.5 * spread, 2000), s, wall)
        if s % IMAGE_EVERY == 0:
            w.add_image("samples/filters", png_bytes(demo_image(s, self.lr)), 48, 48, s, wall)
        self.step += 1


class DemoWriter:
    """Owns the demo logdir and the thread that keeps it growing."""

    def __init__(self, root: str | None = None, *, step_seconds: float = STEP_SECONDS) -> None:
        self.root = root or tempfile.mkdtemp(prefix="tbtui-demo-")
        self.step_seconds = step_seconds
        self.runs: list[_Run] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def write_history(self, steps: int = HISTORY_STEPS) -> None:
        """The first ``steps`` steps, with wall times spaced as if they happened already."""
        start = time.time() - steps * self.step_seconds
        for name, (lr, noise, seed) in RUNS.items():
            run = _Run(self.root, name, lr, noise, seed)
            for k in range(steps):
                run.write_step(start + k * self.step_seconds)
            run.writer.flush()
            self.runs.append(run)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="tbtui-demo", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        live = 0
        while not self._stop.wait(self.step_seconds):
            for run in self.runs:
                run.write_step()
                run.writer.flush()
            live += 1
            if live == NEW_RUN_AFTER:
                name, (lr, noise, seed) = LATE_RUN
                self.runs.append(_Run(self.root, name, lr, noise, seed))

    def stop(self, *, remove: bool = True) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        for run in self.runs:
            with contextlib.suppress(OSError):
                run.writer.close()
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def _removed_on_hangup(demo: DemoWriter, keep: bool):
    """Remove the demo logdir when the terminal goes away (SIGHUP: the window or ssh session closed,
    ``tmux kill-session``) or the process is told to stop (SIGTERM). Both end Python without running
    ``finally``, which left a ``tbtui-demo-*`` folder in the temp directory each time."""

    def handler(signum: int, _frame) -> None:
        demo.stop(remove=not keep)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)  # then die of it, as before, with the usual exit status

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGHUP, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run(args: argparse.Namespace) -> int:
    """Write the demo logdir, keep it growing, and open the app on it."""
    from tui.launch import app_from_args, run_app

    demo = DemoWriter()
    keep = bool(os.environ.get("TBTUI_DEMO_KEEP"))
    with _removed_on_hangup(demo, keep):
        demo.write_history()
        demo.start()
        try:
            app = app_from_args(args, demo.root)
            code = run_app(app)
        finally:
            demo.stop(remove=not keep)
    if keep:
        print(f"tbtui: demo logdir kept at {demo.root}", file=sys.stderr)
    return code
