"""A logdir described as plain data: what `tbtui summary` prints and `--json` emits.

Kept apart from the CLI so tests compare this structure directly with TensorBoard's readings, and
so the same facts feed the human table and the JSON without two code paths drifting apart.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from tui.model.logdir import Logdir
from tui.model.run import Run


def json_float(x: float) -> float | str:
    """Strict-JSON float: non-finite values as the strings TensorBoard's tooling uses."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return float(x)


def _finite_or_none(x: float) -> float | str | None:
    return None if math.isnan(x) else json_float(x)


def scalar_stats(steps: np.ndarray, values: np.ndarray) -> dict[str, Any]:
    # fmin/fmax skip NaN without copying the values out (a reopen summarises millions of points).
    nan_count = int(np.count_nonzero(np.isnan(values)))
    some = nan_count < len(values)
    return {
        "count": len(values),
        "first_step": int(steps[0]),
        "last_step": int(steps[-1]),
        "first": json_float(float(values[0])),
        "last": json_float(float(values[-1])),
        "min": _finite_or_none(float(np.fmin.reduce(values))) if some else None,
        "max": _finite_or_none(float(np.fmax.reduce(values))) if some else None,
        "nan_count": nan_count,
    }


def run_summary(run: Run) -> dict[str, Any]:
    files = [
        {
            "path": os.path.basename(p),
            "bytes": max(r.size, 0),
            "records": r.records,
            "problems": run.file_problems(p),
        }
        for p, r in run.files.items()
    ]
    scalars = {}
    for tag, series in run.scalars.items():
        snap = series.snapshot()
        if len(snap):
            scalars[tag] = scalar_stats(snap.steps, snap.values)
    histograms = {}
    for tag, hs in run.histograms.items():
        snap = hs.snapshot()
        if not len(snap):
            continue
        last = snap.histogram(len(snap) - 1)
        histograms[tag] = {
            "count": len(snap),
            "first_step": int(snap.steps[0]),
            "last_step": int(snap.steps[-1]),
            "last": {
                # no buckets (TF's histogram with buckets=0): no range, as in TensorBoard
                "min": json_float(float(last[0, 0])) if len(last) else None,
                "max": json_float(float(last[-1, 1])) if len(last) else None,
                "num": json_float(float(last[:, 2].sum())) if len(last) else 0.0,
                "buckets": len(last),
            },
        }
    graphs = {name: {"kind": g.kind, "nodes": g.nodes} for name, g in run.graphs.items()}
    other = {tag: {"plugin": b.plugin, "count": len(b)} for tag, b in run.blobs.items()}
    return {"files": files, "scalars": scalars, "histograms": histograms, "graphs": graphs, "other": other}


def logdir_summary(logdir: Logdir) -> dict[str, Any]:
    return {
        "logdir": logdir.path,
        "problems": list(logdir.problems),
        "runs": {name: run_summary(run) for name, run in logdir.runs.items()},
    }
