"""Render the app on the real corpus to screenshots/*.svg (the README shows them).

    /work/venv/bin/python scripts/screenshots.py [--out screenshots] [--only NAME ...]

Each shot drives the app headless with Textual's Pilot (the same way the tests do), waits until the
logdir is loaded and the screen is up to date, presses the keys a user would, then saves an SVG.
Nothing is faked: the data is tests/data/corpus, written by real training libraries.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "tests", "data", "corpus")


@dataclass
class Shot:
    name: str
    logdir: str
    size: tuple[int, int]
    keys: list[str] = field(default_factory=list)
    title: str = "tbtui"
    prepare: Callable[[object], Awaitable[None]] | None = None
    app_kwargs: dict = field(default_factory=dict)


async def _focus_chart(app) -> None:
    from tui.widgets.scalar_chart import ScalarChart

    app.query_one(ScalarChart).focus()


SHOTS = [
    Shot(
        "scalars",
        "torch_mnist_like",
        (130, 38),
        # Tags list: down to train/loss; chart: cursor at the end, two steps back.
        keys=["tab", "j", "j", "j", "j", "j", "tab", "G", "h", "h", "h", "h"],
        title="tbtui: runs and scalars (torch SummaryWriter logs)",
    ),
    Shot(
        "scalars_80x24",
        "torch_mnist_like",
        (80, 24),
        keys=["tab", "j", "j", "j", "j", "j"],
        title="tbtui at 80x24",
    ),
    Shot("grid", "tbx", (130, 38), keys=["tab", "v"], title="tbtui: grid of charts (tensorboardX logs)"),
    Shot(
        "filter",
        "torch_mnist_like",
        (130, 38),
        keys=["slash", *"^runs/lr", "tab", *"train", "enter", "x"],
        title="tbtui: run and tag filters, relative time",
    ),
    Shot("help", "torch_mnist_like", (110, 44), keys=["question_mark"], title="tbtui: every key (?)"),
    Shot(
        "damaged",
        "edge_cases",
        (130, 38),
        keys=["j", "j", "j"],  # the run whose file has a CRC mismatch
        title="tbtui: damaged files are notices, not crashes",
    ),
]


# -- Text, HParams and Images tabs (owner: text_pane / hparams_pane / images_pane) ----------------


def text_hparams_images_shots() -> list[Shot]:
    """Shots of tabs 5-7: Markdown text, the torch sweep as a sorted table, images in half blocks."""
    return [
        Shot(
            "text",
            "torch_mnist_like",
            (130, 38),
            keys=["5", "tab", "j", "j", "j", "j"],  # notes/description of runs/lr_0.01: Markdown with a table
            title="tbtui: text summaries as Markdown (torch add_text)",
        ),
        Shot(
            "text_tf2",
            "tf2",
            (110, 30),
            keys=["5", "tab"],
            title="tbtui: a TF2 text summary (heading and list)",
        ),
        Shot(
            "hparams",
            "torch_mnist_like",
            (160, 30),
            # Table: sort by hparam/best_val_acc, best first; mark the best run.
            keys=["6", "tab", *["right"] * 6, "enter", "enter", "g", "space"],
            title="tbtui: the torch add_hparams sweep, sorted by a metric",
        ),
        Shot(
            "images",
            "torch_mnist_like",
            (130, 38),
            keys=["7"],
            title="tbtui: image summaries drawn with half blocks (torch add_image)",
        ),
        Shot(
            "images_tf2",
            "tf2",
            (130, 38),
            keys=["7", "tab", "left_square_bracket"],  # the three samples of step 50
            title="tbtui: tf.summary.image samples side by side, step slider",
        ),
    ]


SHOTS += text_hparams_images_shots()

# -- end of Text, HParams and Images tabs ---------------------------------------------------------

# -- Graph tab (owner: graph_pane) ----------------------------------------------------------------


def graph_shots() -> list[Shot]:
    """The Graph tab on a torch CNN (nested module scopes) and a TF2 trace (find, a series, detail)."""
    return [
        Shot(
            "graph_torch",
            "torch_mnist_like",
            (140, 40),
            # runs/ablation/cnn/lr_0.05 is the first run. In the tree: open TinyCNN/ and Conv2d[conv1]/,
            # then the convolution itself, whose detail lists its inputs and outputs.
            keys=["4", "tab", "j", "j", "l", "j", "j", "j", "j", "l", *["j"] * 10],
            title="tbtui: a torch add_graph model as a tree of module scopes",
        ),
        Shot(
            "graph_tf2",
            "tf2",
            (140, 40),
            # The trace run (5th), its second graph (train_step_trace), then find an Adam update op.
            keys=[*"jjjj4", "tab", "tab", "right_square_bracket", "slash", *"assignaddvariableop_3", "enter"],
            title="tbtui: a TF2 traced train step, found by name, inside a series",
        ),
    ]


SHOTS += graph_shots()

# -- end of Graph tab -------------------------------------------------------------------------------

# -- Histograms and Distributions tabs (owner: histograms_pane / distributions_pane) ----------------


def histogram_shots() -> list[Shot]:
    """Tabs 2 and 3 on torch and TF2 weights: ridgeline with a step cursor, overlay, runs side by side."""

    def open_tag(tab: int, tag: str, run: str | None = None) -> Callable[[object], Awaitable[None]]:
        async def prepare(app) -> None:
            app.action_tab(tab)
            for _ in range(200):  # the tab gets its context on the next message round
                await asyncio.sleep(0.02)
                pane = app.active_pane
                if getattr(pane, "context", None) is not None and tag in pane.tag_list.tags:
                    break
            pane.tag_list.select_tag(tag)
            if run is not None:
                app.query_one("#runs").select_run(run)
            await asyncio.sleep(0.1)
            pane.view.focus()

        return prepare

    return [
        Shot(
            "histograms",
            "torch_mnist_like",
            (140, 40),
            keys=["G", "h", "h", "h", "h"],  # cursor on step 220 of 300
            title="tbtui: torch weight histograms as a ridgeline, step cursor with its stats",
            prepare=open_tag(1, "weights/fc1.weight", "runs/lr_0.1"),
        ),
        Shot(
            "histograms_tf2",
            "tf2",
            (140, 40),
            keys=["m", "G"],  # overlay mode, cursor on the newest step
            title="tbtui: a TF2 kernel's histograms overlaid (tf.summary.histogram)",
            prepare=open_tag(1, "weights/sequential/hidden/kernel", "custom_loop"),
        ),
        Shot(
            "histograms_side",
            "torch_mnist_like",
            (170, 40),
            keys=["v"],
            title="tbtui: two runs' gradient histograms side by side on one value axis",
            prepare=open_tag(1, "grads/fc2.weight", "runs/lr_0.01"),
        ),
        Shot(
            "distributions",
            "torch_mnist_like",
            (140, 40),
            keys=["G", "h", "h", "h"],
            title="tbtui: distributions, percentile bands of torch weights over steps",
            prepare=open_tag(2, "weights/fc2.weight", "runs/lr_0.1"),
        ),
        Shot(
            "distributions_tf2",
            "tf2",
            (140, 40),
            keys=["x"],  # x axis in time since the run's start
            title="tbtui: a TF2 gradient's distribution over relative time",
            prepare=open_tag(2, "gradients/sequential/hidden/kernel", "custom_loop"),
        ),
    ]


SHOTS += histogram_shots()

# -- end of Histograms and Distributions tabs -----------------------------------------------------

# -- Dashboard (owner: dashboard) -------------------------------------------------------------------


def dashboard_shots() -> list[Shot]:
    """The dashboard at 160x48: a torch run's loss, a conv kernel's histograms and its module graph."""
    run = "runs/ablation/cnn/lr_0.05"

    async def open_dashboard(app) -> None:
        app.query_one("#runs").select_run(run)
        await asyncio.sleep(0.1)
        app.action_toggle_dashboard()
        for _ in range(200):  # the graph is parsed by a worker
            await asyncio.sleep(0.02)
            graph = app.dashboard.graph if app.dashboard is not None else None
            drawn = graph is not None and graph.graph is not None and not graph.showing_message
            if drawn and graph.run == run:
                break

    return [
        Shot(
            "dashboard",
            "torch_mnist_like",
            (160, 48),
            # Chart: train/loss. Histograms: weights/conv2.weight, cursor near step 220. Graph: TinyCNN/ open,
            # the cursor on its first convolution's scope.
            keys=["tab", "j", "tab", *["j"] * 14, "G", "h", "h", "h", "h", "tab", "j", "j", "l", "j"],
            title="tbtui: the dashboard, chart, histograms and graph of one run at once (d)",
            prepare=open_dashboard,
        ),
    ]


SHOTS += dashboard_shots()

# -- end of Dashboard -------------------------------------------------------------------------------


# -- PR Curves, Custom Scalars and Audio·Mesh·Projector tabs (owner: pr_curves_pane / custom_scalars_pane /
# more_pane) ---------------------------------------------------------------------------------------


def _mesh_logdir() -> str:
    """A torus written by tensorboardX's add_mesh into a temporary logdir (the corpus has no mesh)."""
    import tempfile

    import numpy as np
    from tensorboardX import SummaryWriter

    root = tempfile.mkdtemp(prefix="tbtui-mesh-")
    u, v = np.meshgrid(
        np.linspace(0, 2 * np.pi, 40, endpoint=False), np.linspace(0, 2 * np.pi, 16, endpoint=False)
    )
    x, y, z = (2 + 0.7 * np.cos(v)) * np.cos(u), 0.7 * np.sin(v), (2 + 0.7 * np.cos(v)) * np.sin(u)
    verts = np.stack([x, y, z], axis=-1).reshape(1, -1, 3).astype(np.float32)
    i, j = np.meshgrid(np.arange(40), np.arange(16))
    a, b = (j * 40 + i).ravel(), (j * 40 + (i + 1) % 40).ravel()
    c, d = (((j + 1) % 16) * 40 + i).ravel(), (((j + 1) % 16) * 40 + (i + 1) % 40).ravel()
    faces = np.concatenate([np.stack([a, b, c], 1), np.stack([b, d, c], 1)])[None].astype(np.int32)
    colors = (np.stack([(np.cos(u) + 1) * 127, (np.sin(v) + 1) * 127, np.full_like(u, 200)], -1)).reshape(
        1, -1, 3
    )
    w = SummaryWriter(os.path.join(root, "torus"))
    w.add_mesh("torus", vertices=verts, faces=faces, colors=colors.astype(np.uint8), global_step=10)
    w.close()
    return root


def plugin_shots() -> list[Shot]:
    """Tabs 8, 9 and 0 on real-writer logs: PR curves and a margin chart (tensorboardX), TF audio, a
    tensorboardX mesh and the tensorboardX run's embedding."""

    def pick(header: str, run: str) -> Callable[[object], Awaitable[None]]:
        async def prepare(app) -> None:
            from tui.widgets.more_pane import MorePane
            from tui.widgets.series_list import SeriesList

            app.action_tab(9)
            for _ in range(200):
                await asyncio.sleep(0.02)
                if app.query_one(MorePane).query_one(SeriesList).select(run, header):
                    break
            await asyncio.sleep(0.2)

        return prepare

    return [
        Shot(
            "pr_curves",
            "tbx",
            (140, 40),
            keys=["8", "enter", *["l"] * 44],
            title="tbtui: PR curves of two tensorboardX runs, cursor readout with TP/FP/TN/FN (8)",
        ),
        Shot(
            "custom_scalars",
            "tbx",
            (140, 40),
            keys=["9", "j", "j", "enter", *["l"] * 120],
            title="tbtui: a custom-scalars margin chart, value and band (tensorboardX add_custom_scalars, 9)",
        ),
        Shot(
            "audio",
            "tb_native",
            (140, 32),
            keys=["0"],
            title="tbtui: a TF audio summary's waveform, rate, length and label (0)",
        ),
        Shot(
            "mesh",
            _MESH,
            (140, 40),
            keys=["enter", "right", "right", "up", "up"],
            title="tbtui: a tensorboardX add_mesh torus, turned with the arrow keys (0)",
            prepare=pick("mesh: torus", "torus"),
        ),
        Shot(
            "projector",
            "tbx",
            (140, 40),
            keys=["enter", "right", "right", "right"],
            title="tbtui: an add_embedding projector view: PCA, metadata colours, nearest neighbours (0)",
            prepare=pick("projector: hidden:00199", "exp/adam_lr1e-2"),
        ),
    ]


_MESH = "__mesh__"
SHOTS += plugin_shots()

# -- end of PR Curves, Custom Scalars and Audio·Mesh·Projector tabs --------------------------------


async def take(shot: Shot, out: str) -> str:
    from tui.app import TbtuiApp

    # Relative to the checkout (main changes to it), so the status bar reads the same on every
    # machine: "tests/data/corpus/tbx", not the path of whoever ran the script.
    logdir = (
        _mesh_logdir() if shot.logdir == _MESH else os.path.relpath(os.path.join(CORPUS, shot.logdir), ROOT)
    )
    app = TbtuiApp(logdir, **shot.app_kwargs)
    async with app.run_test(size=shot.size) as pilot:
        for _ in range(400):
            if app.is_settled:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        if shot.prepare is not None:
            await shot.prepare(app)
        for key in shot.keys:
            await pilot.press(key)
        await pilot.pause(0.3)
        app.title = shot.title
        path = app.save_screenshot(f"{shot.name}.svg", out)
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=os.path.join(ROOT, "screenshots"))
    p.add_argument("--only", nargs="*", help="shot names to take (default: all)")
    args = p.parse_args(argv)
    args.out = os.path.abspath(args.out)
    os.chdir(ROOT)
    os.makedirs(args.out, exist_ok=True)
    for shot in SHOTS:
        if args.only and shot.name not in args.only:
            continue
        path = asyncio.run(take(shot, args.out))
        print(os.path.relpath(path, ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
