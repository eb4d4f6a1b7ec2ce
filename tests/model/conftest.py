"""Fixtures for the model tests, with TensorBoard's own code as the oracle.

- ``oracle``/``tb_native``: TensorBoard's own plugins set up on a logdir, and the logdir TensorFlow's
  summary ops wrote; ``written`` (tests/conftest.py) is what torch and tensorboardX write.
- ``tensorboard``: TensorBoard's reading of a logdir, point by point. The reference is
  ``plugin_event_multiplexer`` keeping every point: it is what ``tensorboard --logdir`` serves
  (data_ingester.py) and what the corpus EXPECTED.json records. Its runs read their files through
  DirectoryWatcher and purge with plugin_event_accumulator's rules, so "equal to TensorBoard" there
  means equal to what TensorBoard's dashboards show.

pytest runs with ``--import-mode=importlib``, so test modules cannot import a sibling helper module;
the helpers reach the tests through fixtures instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from tui.model.logdir import Logdir

TB_NATIVE = Path(__file__).resolve().parents[1] / "data" / "corpus" / "tb_native"


@pytest.fixture(autouse=True)
def histogram_columns_for_every_batch(monkeypatch):
    """The model tests cut records into small batches on purpose (the column decoders must equal
    protobuf at every cut): the histogram column decoders are tried on every batch here, however
    few records it leaves them (the app leaves batches under HISTOGRAM_COLUMNS_FROM to protobuf)."""
    from tui.model import ingest

    monkeypatch.setattr(ingest, "HISTOGRAM_COLUMNS_FROM", 0)


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
                md = acc.summary_metadata.get(tag)  # none for a tensor written with no metadata
                plugin = md.plugin_data.plugin_name if md is not None else ""
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
