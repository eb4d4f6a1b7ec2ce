"""``tbtui plot --kind histogram|distribution``: the Histograms and Distributions tabs' plots on stdout.

One plot per matching (tag, run) pair, tags in TensorBoard's order and runs in the logdir's, drawn by the
same renderers the app uses (tui/render/ridgeline.py and tui/render/distribution.py) from the same model
arithmetic, so what a CI log shows is what the app shows. Each plot has a title line and, under it, a
readout of the newest step. Colour only when stdout is a terminal and ``NO_COLOR`` is not set.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from rich.console import Console
from rich.style import Style
from rich.text import Text

from tui.cli import EXIT_NOTHING, CliError, _open_logdir, _regex
from tui.model.histograms import (
    PackedHistograms,
    distribution,
    global_range,
    histogram_stats,
    rebin,
    widen_range,
)
from tui.model.series import HistogramSnapshot
from tui.model.tags import sort_tags
from tui.render.chart import color_for
from tui.render.distribution import render_distribution
from tui.render.inert import inert
from tui.render.ridgeline import render_ridgeline
from tui.render.ticks import format_number, format_step

__all__ = ["main", "render_plot"]

DEFAULT_HEIGHT = 20

#: The readout's percentiles, highest first: (label, column of the [n, 9] percentiles).
_PERCENTILES = (
    ("max", 8),
    ("93%", 7),
    ("84%", 6),
    ("69%", 5),
    ("median", 4),
    ("31%", 3),
    ("16%", 2),
    ("7%", 1),
    ("min", 0),
)


def _want_color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _readout(parts: list[tuple[str, str]], width: int) -> Text:
    t = Text(no_wrap=True, end="")
    for i, (label, value) in enumerate(parts):
        if i:
            t.append("  ")
        t.append(label + " ", style=Style(dim=True))
        t.append(value, style=Style(bold=True))
    t.truncate(width, overflow="ellipsis", pad=True)
    return t


def render_plot(
    kind: str,
    run: str,
    tag: str,
    snap: HistogramSnapshot,
    width: int,
    height: int,
    *,
    color: str = "white",
    x_mode: str = "step",
    first_wall_time: float | None = None,
) -> list[Text]:
    """Title line, ``height`` plot lines and one readout line for one run's series of one tag."""
    packed = PackedHistograms(snap.rows, snap.offsets)
    last = len(snap) - 1
    title = Text(no_wrap=True, end="")
    title.append("■ ", style=Style(color=color))
    title.append(inert(run), style=Style(color=color, bold=True))
    title.append("  ")
    title.append(inert(tag), style=Style(bold=True))
    title.append(f"  {len(snap):,} step{'' if len(snap) == 1 else 's'}", style=Style(dim=True))
    title.truncate(width, overflow="ellipsis", pad=True)
    step = ("latest", format_step(int(snap.steps[last])))
    if kind == "histogram":
        lo, hi = widen_range(*global_range(packed))
        counts = rebin(packed, lo, hi)
        lines = render_ridgeline(counts, snap.steps, width, height, value_range=(lo, hi))
        stats = histogram_stats(snap.histogram(last))
        count = f"{int(stats.count):,}" if float(stats.count).is_integer() else format_number(stats.count, 4)
        parts = [
            step,
            ("min", format_number(stats.min, 4)),
            ("max", format_number(stats.max, 4)),
            ("count", count),
            ("mean", format_number(stats.mean, 4)),
            ("std", format_number(stats.std, 4)),
        ]
    else:
        from tui.widgets.distribution_view import distribution_x  # the app's x rule (imports Textual)

        pct = distribution(packed)
        x, fmt, integer = distribution_x(snap.steps, snap.wall_times, x_mode, first_wall_time)
        lines = render_distribution(x, pct, width, height, x_format=fmt, integer_x=integer)
        parts = [step] + [(label, format_number(float(pct[last, col]), 4)) for label, col in _PERCENTILES]
    return [title, *lines, _readout(parts, width)]


def main(args: argparse.Namespace) -> int:
    kind = args.kind
    if kind not in ("histogram", "distribution"):
        raise CliError(f"--kind {kind!r} is not a histogram kind")
    run_rx = _regex(args.run)
    tag_rx = _regex(args.tag, ignore_case=True)
    width = args.width or min(shutil.get_terminal_size((100, 24)).columns, 160)
    height = args.height or DEFAULT_HEIGHT
    if width < 10 or height < 4:
        raise CliError("--width must be at least 10 and --height at least 4")
    logdir = _open_logdir(args.logdir)
    runs = [name for name in logdir.runs if run_rx.search(name)]
    colors = {name: color_for(i) for i, name in enumerate(logdir.runs)}  # as the app colours runs
    tags = sort_tags(t for name in runs for t in logdir.runs[name].histograms if tag_rx.search(t))
    plots = [
        (tag, name)
        for tag in tags
        for name in runs
        if len(logdir.runs[name].histograms.get(tag, ()))  # a series may be empty after a purge
    ]
    if not plots:
        raise CliError(f"no histogram series match --run {args.run!r} --tag {args.tag!r}", EXIT_NOTHING)
    color = _want_color()
    console = Console(
        file=sys.stdout,
        width=width,
        color_system="auto" if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        markup=False,
        emoji=False,
    )
    for k, (tag, name) in enumerate(plots):
        run = logdir.runs[name]
        if k:
            console.print()
        lines = render_plot(
            kind,
            name,
            tag,
            run.histograms[tag].snapshot(),
            width,
            height,
            color=colors[name],
            x_mode=args.x,
            first_wall_time=run.first_wall_time,
        )
        for line in lines:
            console.print(line, crop=True, overflow="crop", no_wrap=True)
    sys.stdout.flush()
    return 0
