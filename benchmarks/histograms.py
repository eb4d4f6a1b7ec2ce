"""Histogram and distribution draw time through the widgets' render path.

One tag with 10,000 steps of 30-bucket histograms (TF2's bucket count), drifting and widening over the
run. The views are mounted in a headless Textual app of the given size, and each case times the widget's
own ``draw`` (what ``render_line`` calls on a repaint: snapshot, cached or fresh arrays, renderer, rich
Text to Strips), best and median of ``--repeat`` runs:

- cold: nothing cached (a new tag or a purge): value range, rebinning or percentiles of every step,
  then the renderer. In the app a cold computation this big runs in a thread worker, so this is the
  worst case for the frame, never time the event loop is blocked; here it runs inline.
- cursor: the cursor moves one step (arrays cached, the renderer only).
- live: one new step appended (only that step is rebinned; a full recomputation when it widens the range).
- side by side: two such runs in two panels sharing one value range.

Target (issue 4): under 50 ms for the cold draw.

    python benchmarks/histograms.py                 # 10,000 steps x 30 buckets, 160x48 terminal
    python benchmarks/histograms.py --steps 50000 --buckets 30 --size 200x60
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable

import numpy as np
from textual.app import App, ComposeResult

from tui.model.series import HistogramSeries
from tui.views.cache import HistogramData
from tui.widgets.distribution_view import DistributionView
from tui.widgets.histogram_view import HistogramPlotBase, HistogramView, HistSource

TARGET_MS = 50.0


def make_series(steps: int, buckets: int, seed: int) -> HistogramSeries:
    """``steps`` histograms of ``buckets`` equal buckets over each step's own min..max, as TF2 writes them."""
    rng = np.random.default_rng(seed)
    series = HistogramSeries()
    t = np.arange(steps) / max(steps - 1, 1)
    centre, scale = 0.5 * t, 0.05 + 0.2 * t
    z = rng.standard_normal((steps, 256))
    lo = centre + scale * z.min(axis=1)
    hi = centre + scale * z.max(axis=1)
    edges = lo[:, None] + (hi - lo)[:, None] * np.linspace(0.0, 1.0, buckets + 1)[None, :]
    for i in range(steps):
        counts = np.histogram(centre[i] + scale[i] * z[i], bins=edges[i])[0]
        series.append(
            i, 1.7e9 + i, np.stack([edges[i, :-1], edges[i, 1:], counts.astype(np.float64)], axis=1)
        )
    return series


class BenchApp(App[None]):
    CSS = "HistogramView, DistributionView { height: 1fr; }"

    def __init__(self, view: HistogramPlotBase) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        yield self.view


def timed(prepare: Callable[[], None], draw: Callable[[], None], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        prepare()
        t0 = time.perf_counter()
        draw()
        samples.append((time.perf_counter() - t0) * 1000)
    return min(samples), statistics.median(samples)


async def bench_view(
    cls: type[HistogramPlotBase],
    sources: list[HistSource],
    size: tuple[int, int],
    repeat: int,
    mode: str = "",
) -> dict[str, tuple[float, float]]:
    view = cls()
    view.offload_rows = float("inf")  # measure the full work inline
    app = BenchApp(view)
    results: dict[str, tuple[float, float]] = {}
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if mode and isinstance(view, HistogramView):
            view.set_mode(mode)
        view.show("bench/weights", sources[:1])
        await pilot.pause()

        def cold() -> None:
            view.data = HistogramData()
            view.shown_key = None

        results["cold"] = timed(cold, view.draw, repeat)
        steps = sources[0].series.steps

        def cursor() -> None:
            view.cursor_step = int(steps[np.random.randint(len(steps))])

        results["cursor"] = timed(cursor, view.draw, repeat)
        view.cursor_step = None
        series = sources[0].series
        snap = series.snapshot()
        last = snap.histogram(len(snap) - 1).copy()

        def live() -> None:
            series.append(int(series.steps[-1]) + 1, 1.8e9, last)
            view.show("bench/weights", sources[:1])

        results["live"] = timed(live, view.draw, repeat)
        if len(sources) > 1:
            view.show("bench/weights", sources, side_by_side=True)
            results["side by side, cold"] = timed(cold, view.draw, repeat)
        assert view.last_lines and view.readout_height >= 1
    return results


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--steps", type=int, default=10_000)
    p.add_argument("--buckets", type=int, default=30)
    p.add_argument("--size", default="160x48", help="terminal size WxH (the view gets all of it)")
    p.add_argument("--repeat", type=int, default=15)
    args = p.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))
    t0 = time.perf_counter()
    sources = [
        HistSource(f"run{i}", color, make_series(args.steps, args.buckets, seed=i))
        for i, color in enumerate(("#ff7043", "#33bbee"))
    ]
    print(
        f"{args.steps:,} steps x {args.buckets} buckets per run, view {w}x{h}, best, median of {args.repeat}"
        f" (data made in {time.perf_counter() - t0:.1f} s)"
    )
    cases = [
        ("histogram offset", HistogramView, "offset"),
        ("histogram overlay", HistogramView, "overlay"),
        ("distribution", DistributionView, ""),
    ]
    worst = 0.0
    for name, cls, mode in cases:
        fresh = [
            HistSource(s.run, s.color, make_series(args.steps, args.buckets, seed=i))
            for i, s in enumerate(sources)
        ]
        results = asyncio.run(bench_view(cls, fresh, (w, h), args.repeat, mode))
        for case, (best, median) in results.items():
            print(f"  {name:<18} {case:<20} {best:7.1f} ms  {median:7.1f} ms")
            if case == "cold":
                worst = max(worst, median)
    verdict = "OK" if worst < TARGET_MS else "OVER"
    print(f"cold draw, worst median: {worst:.1f} ms (target < {TARGET_MS:.0f} ms): {verdict}")


if __name__ == "__main__":
    main()
