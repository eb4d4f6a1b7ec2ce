"""Fixtures for the model tests, with TensorBoard's own code as the oracle.

- ``written``/``oracle``/``tb_native``: logdirs written by the real libraries (torch.utils.tensorboard,
  tensorboardX) for the plugin models, and TensorBoard's own plugins set up on them.
- ``tensorboard``: TensorBoard's reading of a logdir, point by point. The reference is
  ``plugin_event_multiplexer`` keeping every point: it is what ``tensorboard --logdir`` serves
  (data_ingester.py) and what the corpus EXPECTED.json records. Its runs read their files through
  DirectoryWatcher and purge with plugin_event_accumulator's rules, so "equal to TensorBoard" there
  means equal to what TensorBoard's dashboards show.

pytest runs with ``--import-mode=importlib``, so test modules cannot import a sibling helper module;
the helpers reach the tests through fixtures instead.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from tui.model.logdir import Logdir

WRITERS = ("torch", "tbx")
TB_NATIVE = Path(__file__).resolve().parents[1] / "data" / "corpus" / "tb_native"


@dataclass(frozen=True)
class Written:
    """A logdir one writer wrote, and the arrays it was given (what the files must give back)."""

    writer: str
    logdir: Path
    inputs: dict


def _write(writer: str, logdir: Path) -> dict:
    if writer == "torch":
        pytest.importorskip("torch")
        from torch.utils.tensorboard import SummaryWriter
    else:
        pytest.importorskip("tensorboardX")
        from tensorboardX import SummaryWriter
    rng = np.random.default_rng(7)
    inputs: dict = {}
    w = SummaryWriter(str(logdir))
    labels = rng.integers(0, 2, 200)
    for step in range(3):
        preds = np.clip(labels * (0.3 + 0.2 * step) + rng.random(200) * 0.6, 0, 1)
        w.add_pr_curve("pr/val", labels, preds, step, num_thresholds=33)
    w.add_pr_curve_raw(
        "pr/raw",
        [10, 8, 5, 0],
        [20, 5, 1, 0],
        [0, 15, 19, 20],
        [0, 2, 5, 10],
        [1 / 3, 8 / 13, 5 / 6, 0],
        [1, 0.8, 0.5, 0],
        4,
        num_thresholds=4,
    )
    w.add_custom_scalars(
        {
            "Losses": {"both": ["Multiline", ["loss/train", "loss/v.*"]]},
            "Accuracy": {"band": ["Margin", ["acc", "acc_lo", "acc_hi"]]},
        }
    )
    for s in range(6):
        w.add_scalar("loss/train", 1 / (s + 1), s)
        w.add_scalar("loss/val", 1.2 / (s + 1), s)
        w.add_scalar("acc", 0.5 + s * 0.05, s)
        w.add_scalar("acc_lo", 0.45 + s * 0.05, s)
        w.add_scalar("acc_hi", 0.55 + s * 0.05, s)
    t = np.arange(4000) / 8000.0
    tone = (0.8 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    if writer == "torch":
        w.add_audio("audio/tone", tone[None], 3, sample_rate=8000)
        inputs["audio"] = tone[:, None]
    elif importlib.util.find_spec("soundfile") is not None:
        stereo = np.stack([tone, -0.5 * tone], axis=1)
        w.add_audio("audio/tone", stereo, 3, sample_rate=8000)
        inputs["audio"] = stereo
    verts = rng.normal(size=(1, 60, 3)).astype(np.float32) * np.array([1.0, 2.0, 0.5], np.float32)
    faces = rng.integers(0, 60, (1, 25, 3)).astype(np.int32)
    colors = rng.integers(0, 255, (1, 60, 3)).astype(np.uint8)
    w.add_mesh("cloud", vertices=verts, colors=colors, faces=faces, global_step=2)
    w.add_mesh("points", vertices=verts[:, :10], global_step=5)
    inputs["mesh"] = (verts, faces, colors)
    emb = rng.normal(size=(30, 6))
    w.add_embedding(emb, metadata=[f"c{i % 3}" for i in range(30)], global_step=0, tag="words")
    emb2 = rng.normal(size=(12, 4))
    meta2 = [[f"n{i}", f"k{i % 2}"] for i in range(12)]
    w.add_embedding(emb2, metadata=meta2, metadata_header=["name", "kind"], global_step=1, tag="two")
    inputs["embeddings"] = {"words": emb, "two": emb2}
    for lr, acc in ((0.1, 0.8), (0.01, 0.9)):
        w.add_hparams({"lr": lr, "opt": "adam"}, {"hparam/acc": acc})
    w.close()
    return inputs


@pytest.fixture(scope="session")
def _written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Written]:
    out: dict[str, Written] = {}
    for writer in WRITERS:
        if importlib.util.find_spec("torch" if writer == "torch" else "tensorboardX") is None:
            continue
        logdir = tmp_path_factory.mktemp(f"plugins_{writer}")
        out[writer] = Written(writer, logdir, _write(writer, logdir))
    return out


@pytest.fixture(params=WRITERS)
def written(request: pytest.FixtureRequest, _written: dict[str, Written]) -> Written:
    """Each writer's logdir in turn; torch's is skipped cleanly where torch is not installed."""
    if request.param not in _written:
        pytest.skip(f"{request.param} is not importable")
    return _written[request.param]


class Oracle:
    """TensorBoard's plugins over one logdir, read through its own multiplexer and data provider."""

    def __init__(self, logdir: Path) -> None:
        from tensorboard.backend.event_processing import data_provider, plugin_event_multiplexer
        from tensorboard.plugins import base_plugin

        self.mux = plugin_event_multiplexer.EventMultiplexer(
            tensor_size_guidance={"pr_curves": 0, "custom_scalars": 0, "mesh": 0, "audio": 0}
        )
        self.mux.AddRunsFromDirectory(str(logdir))
        self.mux.Reload()
        self.provider = data_provider.MultiplexerDataProvider(self.mux, str(logdir))
        from tensorboard.plugins.scalar import scalars_plugin

        plugins: dict = {}
        self.tb = base_plugin.TBContext(
            data_provider=self.provider,
            multiplexer=self.mux,
            logdir=str(logdir),
            plugin_name_to_instance=plugins,
        )
        plugins["scalars"] = scalars_plugin.ScalarsPlugin(self.tb)

    @staticmethod
    def ctx():
        from tensorboard import context

        return context.RequestContext()


@pytest.fixture
def oracle():
    return Oracle


@pytest.fixture
def tb_native() -> Path:
    """The corpus logdir TensorFlow's own summary ops wrote (pr_curve, custom_scalar, audio tensors)."""
    return TB_NATIVE


ScalarCols = tuple[np.ndarray, np.ndarray, np.ndarray]  # steps, wall times, values (float64)
HistogramCols = tuple[np.ndarray, np.ndarray, list[np.ndarray]]  # steps, wall times, [k, 3] arrays


@dataclass
class Points:
    """Every scalar and histogram point of every run: run -> tag -> columns, in stored order."""

    scalars: dict[str, dict[str, ScalarCols]] = field(default_factory=dict)
    histograms: dict[str, dict[str, HistogramCols]] = field(default_factory=dict)


class TensorBoard:
    """A plugin_event_multiplexer on ``logdir`` that keeps every point; reload it like tbtui."""

    def __init__(self, logdir: str) -> None:
        from tensorboard.backend.event_processing import plugin_event_accumulator as pea
        from tensorboard.backend.event_processing import plugin_event_multiplexer as pem

        self.logdir = logdir
        self.mux = pem.EventMultiplexer(
            size_guidance=pea.STORE_EVERYTHING_SIZE_GUIDANCE, purge_orphaned_data=True
        )

    def _add_runs(self) -> None:
        # TensorBoard's discovery follows directory symlinks with no loop check (it never ends
        # on tests/data/corpus/symlink_loop), so such logdirs get runs the way expected.py adds
        # them there: os.walk without following links, named by relative path.
        links = any(os.path.islink(os.path.join(r, d)) for r, ds, _ in os.walk(self.logdir) for d in ds)
        if not links:
            self.mux.AddRunsFromDirectory(self.logdir)
            return
        for root, dirs, files in os.walk(self.logdir):
            dirs.sort()
            if any("tfevents" in f for f in files):
                self.mux.AddRun(root, os.path.relpath(root, self.logdir).replace(os.sep, "/"))

    def reload(self) -> Points:
        """Find new runs, read what every run's files gained, and return every point."""
        from tensorboard.util import tensor_util

        self._add_runs()
        self.mux.Reload()
        out = Points()
        for run in self.mux.Runs():
            acc = self.mux.GetAccumulator(run)
            scalars: dict[str, ScalarCols] = {}
            histograms: dict[str, HistogramCols] = {}
            for tag in acc.Tags()["tensors"]:
                plugin = acc.SummaryMetadata(tag).plugin_data.plugin_name
                evs = acc.Tensors(tag)
                steps = np.array([e.step for e in evs], np.int64)
                walls = np.array([e.wall_time for e in evs], np.float64)
                arrays = [tensor_util.make_ndarray(e.tensor_proto) for e in evs]
                if plugin == "scalars":
                    values = np.array([float(a.reshape(-1)[0]) for a in arrays], np.float64)
                    scalars[tag] = (steps, walls, values)
                elif plugin == "histograms":
                    histograms[tag] = (steps, walls, [a.astype(np.float64).reshape(-1, 3) for a in arrays])
            out.scalars[run] = scalars
            out.histograms[run] = histograms
        return out


def points_of(logdir: Logdir) -> Points:
    """tbtui's points, in the same shape as :meth:`TensorBoard.reload`."""
    out = Points()
    for name, run in logdir.runs.items():
        out.scalars[name] = {}
        for tag, series in run.scalars.items():
            snap = series.snapshot()
            out.scalars[name][tag] = (snap.steps, snap.wall_times, np.asarray(snap.values, np.float64))
        out.histograms[name] = {}
        for tag, hseries in run.histograms.items():
            hsnap = hseries.snapshot()
            out.histograms[name][tag] = (hsnap.steps, hsnap.wall_times, hsnap.histograms())
    return out


def assert_same(ours: Points, tb: Points, *, read_on: frozenset[str] = frozenset()) -> None:
    """Every point equal and in the same order, run by run and tag by tag.

    ``read_on``: runs where a record's data CRC fails. TensorBoard stops reading the file there;
    tbtui skips that record and keeps the intact ones after it, so TensorBoard's points must be
    the start of tbtui's.
    """
    assert sorted(ours.scalars) == sorted(tb.scalars)
    for run in tb.scalars:
        assert sorted(ours.scalars[run]) == sorted(tb.scalars[run]), run
        assert sorted(ours.histograms[run]) == sorted(tb.histograms[run]), run
        for tag, want in tb.scalars[run].items():
            got = ours.scalars[run][tag]
            if run in read_on:
                assert len(got[0]) >= len(want[0]), (run, tag)
                got = tuple(c[: len(want[0])] for c in got)  # type: ignore[assignment]
            for what, g, w in zip(("steps", "wall times", "values"), got, want, strict=True):
                np.testing.assert_array_equal(g, w, err_msg=f"{run} {tag!r} {what}")
        for tag, (steps, walls, hists) in tb.histograms[run].items():
            g_steps, g_walls, g_hists = ours.histograms[run][tag]
            if run in read_on:
                n = len(steps)
                g_steps, g_walls, g_hists = g_steps[:n], g_walls[:n], g_hists[:n]
            np.testing.assert_array_equal(g_steps, steps, err_msg=f"{run} {tag!r} histogram steps")
            np.testing.assert_array_equal(g_walls, walls, err_msg=f"{run} {tag!r} histogram wall times")
            assert len(g_hists) == len(hists), (run, tag)
            for i, (g, w) in enumerate(zip(g_hists, hists, strict=True)):
                np.testing.assert_array_equal(np.asarray(g, np.float64), w, err_msg=f"{run} {tag!r} #{i}")


@pytest.fixture
def tensorboard() -> SimpleNamespace:
    """``TensorBoard(logdir)``, ``points_of(Logdir)`` and ``assert_same(ours, tb)``."""
    pytest.importorskip("tensorboard.backend.event_processing.plugin_event_multiplexer")
    return SimpleNamespace(TensorBoard=TensorBoard, points_of=points_of, assert_same=assert_same)
