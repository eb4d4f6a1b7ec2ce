"""PR curves as TensorBoard's pr_curves plugin reads them: one ``[6, thresholds]`` tensor a step.

Every writer (TF's ``pr_curve`` and ``pr_curve_raw_data_op``, torch's and tensorboardX's
``add_pr_curve`` and ``add_pr_curve_raw``) stores the same float tensor per step: rows TP, FP, TN, FN,
precision and recall, one column per threshold, thresholds evenly spaced over [0, 1]. This module
turns a tag's steps into :class:`PrCurve` values with TensorBoard's arithmetic
(``pr_curves_plugin._make_pr_entry``): thresholds are ``linspace(0, 1, k)``, counts are truncated to
integers, and the tail where ``TP + FP == 0`` (precision undefined) is trimmed, always keeping the first
column. A step whose tensor has another shape becomes a named problem instead of a curve.

Pure numpy: nothing here knows about terminals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from tui.model.payloads import BlobSeries
from tui.model.run import Run
from tui.tfevents.decode import PR_CURVES, Metadata
from tui.tfevents.proto import plugins_pb2

__all__ = [
    "PrCurve",
    "PrCurveSeries",
    "PrPoint",
    "num_thresholds",
    "pr_curve",
    "pr_curve_tags",
    "read_pr_curves",
]

# Row order of the stored tensor (tensorboard/plugins/pr_curve/metadata.py).
TP, FP, TN, FN, PRECISION, RECALL = range(6)


@dataclass(frozen=True, slots=True)
class PrPoint:
    """One threshold of one curve: what the cursor readout shows."""

    index: int
    threshold: float
    precision: float
    recall: float
    tp: int
    fp: int
    tn: int
    fn: int


@dataclass(frozen=True, slots=True)
class PrCurve:
    """One step's curve, trimmed as TensorBoard trims it; every array has the same length."""

    step: int
    wall_time: float
    thresholds: np.ndarray  # float64
    precision: np.ndarray  # float64 (the float32 values widened exactly)
    recall: np.ndarray  # float64
    tp: np.ndarray  # int64
    fp: np.ndarray
    tn: np.ndarray
    fn: np.ndarray

    def __len__(self) -> int:
        return int(self.thresholds.size)

    def point(self, index: int) -> PrPoint:
        """The threshold at ``index`` (clamped into the curve)."""
        i = min(max(int(index), 0), len(self) - 1)
        return PrPoint(
            i,
            float(self.thresholds[i]),
            float(self.precision[i]),
            float(self.recall[i]),
            int(self.tp[i]),
            int(self.fp[i]),
            int(self.tn[i]),
            int(self.fn[i]),
        )

    def nearest_to_recall(self, recall: float) -> int:
        """Index of the threshold whose recall is closest to ``recall`` (the lower threshold on ties:
        recall falls as the threshold rises, so that is the point drawn rightmost)."""
        if len(self) == 0:
            return 0
        d = np.abs(self.recall - float(recall))
        d = np.where(np.isfinite(d), d, np.inf)
        return int(np.argmin(d))


@dataclass(frozen=True, slots=True)
class PrCurveSeries:
    """Every step of one tag in one run, in the order the run logged them."""

    tag: str
    num_thresholds: int  # what the metadata declares (0 if it says nothing)
    curves: tuple[PrCurve, ...]
    problems: tuple[str, ...] = ()

    @property
    def steps(self) -> np.ndarray:
        return np.asarray([c.step for c in self.curves], dtype=np.int64)

    def at_step(self, step: int) -> PrCurve | None:
        """The curve at ``step``, else the latest before it, else the first (a run that started
        logging later than the slider still shows something, as TensorBoard's per-run slider does)."""
        if not self.curves:
            return None
        steps = self.steps
        before = np.flatnonzero(steps <= step)
        if before.size == 0:
            return self.curves[0]
        # Several entries at one step (a restart without purge): the last logged wins.
        best = before[steps[before] == steps[before].max()][-1]
        return self.curves[int(best)]


def num_thresholds(md: Metadata | None) -> int:
    """``num_thresholds`` from a tag's PrCurvePluginData (0 when absent or unreadable)."""
    if md is None or not md.content:
        return 0
    try:
        return int(plugins_pb2.PrCurvePluginData.FromString(md.content).num_thresholds)
    except Exception:
        return 0


def pr_curve(step: int, wall_time: float, data: np.ndarray) -> PrCurve:
    """One step's tensor as a curve; raises ValueError unless it is a ``[6, k]`` numeric array."""
    arr = np.asarray(data)
    if arr.ndim != 2 or arr.shape[0] != 6 or arr.shape[1] == 0 or arr.dtype.kind not in "fiub":
        raise ValueError(f"expected a [6, thresholds] numeric tensor, got {arr.dtype} {list(arr.shape)}")
    arr = arr.astype(np.float64, copy=False)
    k = arr.shape[1]
    with np.errstate(invalid="ignore"):
        counts = np.nan_to_num(arr[:4], nan=0.0, posinf=0.0, neginf=0.0).astype(np.int64)
    positives = counts[TP] + counts[FP]
    nonzero = np.flatnonzero(positives[1:] != 0)
    end = int(nonzero[-1]) + 2 if nonzero.size else 1
    return PrCurve(
        step=int(step),
        wall_time=float(wall_time),
        thresholds=np.linspace(0.0, 1.0, k)[:end],
        precision=arr[PRECISION, :end].copy(),
        recall=arr[RECALL, :end].copy(),
        tp=counts[TP, :end].copy(),
        fp=counts[FP, :end].copy(),
        tn=counts[TN, :end].copy(),
        fn=counts[FN, :end].copy(),
    )


def curves_of(tag: str, series: BlobSeries, md: Metadata | None = None) -> PrCurveSeries:
    """Decode every step of a pr_curves BlobSeries; bad steps become problems, never exceptions.

    Reads every step's payload from its event file (blocking: call it in a worker); a payload
    that cannot be read again (PayloadUnavailable, a ValueError) is a problem like a bad one.
    """
    curves: list[PrCurve] = []
    problems: list[str] = []
    index = series.snapshot()
    for i, (step, wall) in enumerate(zip(index.steps.tolist(), index.walls.tolist(), strict=True)):
        try:
            curves.append(pr_curve(step, wall, index.load(i)))
        except (ValueError, TypeError) as e:
            problems.append(f"{tag} step {step}: {e}")
    return PrCurveSeries(tag, num_thresholds(md), tuple(curves), tuple(problems))


def pr_curve_tags(run: Run) -> list[str]:
    """The run's pr_curves tags, sorted."""
    return sorted(t for t, s in run.blobs.items() if s.plugin == PR_CURVES)


def read_pr_curves(run: Run, tags: Iterable[str] | None = None) -> dict[str, PrCurveSeries]:
    """Every pr_curves tag of ``run`` (or just ``tags``) decoded."""
    wanted = pr_curve_tags(run) if tags is None else [t for t in tags if t in run.blobs]
    return {
        t: curves_of(t, run.blobs[t], run.metadata.get(t)) for t in wanted if run.blobs[t].plugin == PR_CURVES
    }
