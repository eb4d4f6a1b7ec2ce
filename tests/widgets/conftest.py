"""Fixtures for the Pilot tests: a small generated logdir and helpers exposed as the ``tb`` fixture.

pytest runs with ``--import-mode=importlib``, so test modules cannot import a sibling helper
module; the helpers reach the tests through the ``tb`` fixture instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from types import SimpleNamespace

import numpy as np
import pytest

from tui.tfevents.writer import EventFileWriter

RUNS = ("alpha", "beta", "nested/gamma")
STEPS = 40
WALL0 = 1_700_000_000.0


def values_for(run: str, tag: str) -> np.ndarray:
    """Deterministic values per (run, tag) so tests can recompute what the chart must show."""
    seed = sum(map(ord, run + tag))
    rng = np.random.default_rng(seed)
    base = {"train/loss": 2.0, "train/acc": 0.1, "val/loss": 2.2, "lr": 0.1}[tag]
    return (
        (base + 0.1 * np.arange(STEPS) * (1 if "acc" in tag else -0.01) + 0.05 * rng.random(STEPS))
        .astype(np.float32)
        .astype(np.float64)
    )


def write_run(root: str, run: str, steps: int = STEPS, *, start: int = 0) -> str:
    """Write ``steps`` steps of every tag for ``run``; wall time = WALL0 + 10 s per step."""
    with EventFileWriter(os.path.join(root, run)) as w:
        for tag in ("train/loss", "train/acc", "val/loss", "lr"):
            vals = values_for(run, tag)
            for s in range(start, start + steps):
                w.add_scalar(tag, float(vals[s % STEPS]), s, WALL0 + 10.0 * s)
        return w.path


async def wait_for(
    pilot, condition: Callable[[], bool], *, limit: int = 400, what: str = "condition"
) -> None:
    """Let the app run until ``condition()`` holds (bounded by ``limit`` short pauses, ~20 s)."""
    for _ in range(limit):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def loaded(app) -> bool:
    """The first pass has read everything and the screen has been updated with it."""
    return app.is_settled


@pytest.fixture
def logdir(tmp_path) -> str:
    """Three runs (one nested) with four scalar tags of 40 steps each."""
    root = str(tmp_path / "logs")
    for run in RUNS:
        write_run(root, run)
    return root


@pytest.fixture
def tb() -> SimpleNamespace:
    return SimpleNamespace(
        RUNS=RUNS,
        STEPS=STEPS,
        WALL0=WALL0,
        values_for=values_for,
        write_run=write_run,
        wait_for=wait_for,
        loaded=loaded,
    )
