"""Fixtures every test directory shares: a private user cache directory per test, and logdirs written by
the real libraries for the plugin dashboards.

``written`` is torch's and tensorboardX's ``SummaryWriter`` logging PR curves, a custom-scalars layout,
audio, meshes, embeddings and hparams into a temporary logdir (once per session); the model tests check
what tbtui decodes from it against TensorBoard's plugins, the widget tests drive the panes over it.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

WRITERS = ("torch", "tbx")

# Hypothesis, for every test (it was loaded by one test module's import, so a run of any other file
# alone went without it): no per-example deadline (two xdist workers share 2 cores with Pilot apps, so
# an example's time says nothing about the code), function-scoped fixtures allowed (``tmp_path`` is
# only a place to write). CI draws the same examples every run (``derandomize``): a red CI is a
# regression, never a new random draw; locally each run explores new ones.
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.register_profile("ci", settings.get_profile("dev"), derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


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


@pytest.fixture(autouse=True)
def _own_cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test (and every process it starts) gets its own empty ``XDG_CACHE_HOME``: what the app
    remembers between sessions (tui.model.cachedir) never reaches the user's real ``~/.cache``, and no
    test sees entries another test left."""
    cache = tmp_path_factory.mktemp("xdg_cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    return cache


@pytest.fixture(autouse=True)
def _no_terminal_size_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ``COLUMNS``/``LINES`` from whoever started pytest (a terminal, CI, or an xdist worker, which
    gets ``COLUMNS=80``): the commands size their output from them when stdout is not a terminal, so a
    test's table would wrap differently from run to run. Tests that need a size set it themselves."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
