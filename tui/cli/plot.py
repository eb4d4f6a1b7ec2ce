"""``tbtui plot``: the app's charts printed to stdout for CI logs and scripts.

``--kind scalar`` draws one chart per matching tag (TensorBoard's tag order), every matching run overlaid;
``histogram`` and ``distribution`` draw one plot per matching (tag, run) pair, with a title line and a
readout of the newest step; ``pr`` draws one precision/recall chart per matching PR-curve tag, a line per
matching run at its newest step (``--step`` picks another). All are drawn by the renderers the app uses,
from the same model arithmetic and the same x-axis rule, so what CI prints is what the app shows. Colour
only when stdout is a terminal and ``NO_COLOR`` is not set. ASCII glyphs with ``--ascii``, or when stdout's
encoding cannot encode braille or the locale is C (tui.render.glyphs); a character the encoding lacks
(in a run or tag name) prints as an escape (tui.cli.dispatch): an encoding never ends the command.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TextIO

from rich.console import Console
from rich.style import Style
from rich.text import Text

from tui.cli.common import (
    EXIT_NOTHING,
    CliError,
    add_logdir_arguments,
    compile_regex,
    open_runs,
    plot_size,
    want_color,
)
from tui.cli.drawing import drawing_stdout
from tui.model.histograms import (
    PackedHistograms,
    distribution,
    global_range,
    histogram_stats,
    rebin,
    widen_range,
)
from tui.model.logdir import Logdir
from tui.model.pr_curves import pr_curve_tags, read_pr_curves
from tui.model.run import Run
from tui.model.series import HistogramSnapshot
from tui.model.tags import sort_tags
from tui.render.cells import fit
from tui.render.chart import render_chart_plain
from tui.render.distribution import READOUT, band_colors_for, render_distribution
from tui.render.palette import palette_for
from tui.render.pr_chart import PrLine, render_pr_chart
from tui.render.ridgeline import render_ridgeline
from tui.render.safe_text import SafeText
from tui.render.scalar_view import chart_series
from tui.render.ticks import format_number, format_step
from tui.views.xaxis import x_values

__all__ = ["HELP", "add_arguments", "render_plot", "run"]

HELP = "print a braille chart to stdout"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_logdir_arguments(p, run_help=None)
    p.add_argument("--tag", "--tags", dest="tag", metavar="REGEX", required=True)
    p.add_argument("--width", type=int, default=None)
    p.add_argument("--height", type=int, default=None)
    p.add_argument("--smoothing", type=float, default=0.6)
    p.add_argument("--x", choices=("step", "relative", "wall"), default="step")
    p.add_argument("--log-y", action="store_true")
    p.add_argument("--kind", choices=("scalar", "histogram", "distribution", "pr"), default="scalar")
    p.add_argument("--step", type=int, default=None, help="pr: the step to draw (default: each run's newest)")
    p.add_argument(
        "--ascii",
        action="store_true",
        help="plain ASCII glyphs (automatic when stdout's encoding or a C locale cannot show braille)",
    )


def run(args: argparse.Namespace) -> int:
    out = drawing_stdout(getattr(args, "ascii", False))
    if args.kind == "pr":
        return _pr_curves(args, out)
    return _scalars(args, out) if args.kind == "scalar" else _histograms(args, out)


@dataclass(frozen=True, slots=True)
class _Plots:
    """What every kind of plot starts from: the logdir, the runs ``--run`` picks (in logdir order),
    a colour per run (by its place among all runs, as the app colours them) and the plot size."""

    logdir: Logdir
    runs: list[str]
    colors: dict[str, str]
    tag_rx: re.Pattern[str]
    width: int
    height: int

    def tags(self, of: Callable[[Run], Iterable[str]]) -> list[str]:
        """The tags ``of`` each picked run that ``--tag`` matches, sorted as the app lists them."""
        return sort_tags(t for name in self.runs for t in of(self.logdir.runs[name]) if self.tag_rx.search(t))


def _open(args: argparse.Namespace) -> _Plots:
    tag_rx = compile_regex(args.tag, ignore_case=True)
    width, height = plot_size(args.width, args.height)
    logdir, runs = open_runs(args)
    # The app's run colours for this terminal: a 16-colour one gets the 16-colour set.
    palette = palette_for(_color_system())
    colors = {name: palette(i) for i, name in enumerate(logdir.runs)}
    return _Plots(logdir, runs, colors, tag_rx, width, height)


def _scalars(args: argparse.Namespace, out: TextIO) -> int:
    if not 0 <= args.smoothing <= 0.999:
        raise CliError("--smoothing must be between 0 and 0.999")
    p = _open(args)
    logdir, runs, colors, width, height = p.logdir, p.runs, p.colors, p.width, p.height
    tags = p.tags(lambda run: run.scalars)
    if not tags:
        raise CliError(f"no scalar series match --run {args.run!r} --tag {args.tag!r}", EXIT_NOTHING)
    color, system = want_color(), _color_system() or "truecolor"
    for k, tag in enumerate(tags):
        series = []
        for name in runs:
            s = logdir.runs[name].scalars.get(tag)
            if s is None or not len(s):
                continue
            series.append(
                chart_series(name, s.snapshot(), colors[name], x_mode=args.x, smoothing=args.smoothing)
            )
        if k:
            out.write("\n")
        out.write(
            render_chart_plain(
                series,
                width,
                height,
                color=color,
                color_system=system,
                x_mode=args.x,
                log_y=args.log_y,
                title=tag,
            )
        )
    out.flush()
    return 0


def _color_system() -> str | None:
    """The colours stdout's terminal has (Rich's names: "truecolor", "256", "standard"), None
    without colour (not a terminal, or ``NO_COLOR``)."""
    return Console(force_terminal=True).color_system if want_color() else None


def _console(out: TextIO, width: int, color: bool) -> Console:
    return Console(
        file=out,
        width=width,
        color_system="auto" if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        markup=False,
        emoji=False,
    )


def _pr_curves(args: argparse.Namespace, out: TextIO) -> int:
    p = _open(args)
    runs, colors, width, height = p.runs, p.colors, p.width, p.height
    decoded = {name: read_pr_curves(p.logdir.runs[name]) for name in runs}
    tags = p.tags(pr_curve_tags)
    if not tags:
        raise CliError(f"no PR curves match --run {args.run!r} --tag {args.tag!r}", EXIT_NOTHING)
    console = _console(out, width, want_color())
    for k, tag in enumerate(tags):
        lines = []
        for name in runs:
            series = decoded[name].get(tag)
            if series is None or not series.curves:
                continue
            step = series.curves[-1].step if args.step is None else args.step
            lines.append(PrLine(name, series.at_step(step), colors[name]))
        if k:
            console.print()
        for line in render_pr_chart(lines, width, height, title=tag).lines:
            console.print(line, crop=True, overflow="crop", no_wrap=True)
    out.flush()
    return 0


def _readout(parts: list[tuple[str, str]], width: int) -> Text:
    t = Text(no_wrap=True, end="")
    for i, (label, value) in enumerate(parts):
        if i:
            t.append("  ")
        t.append(label + " ", style=Style(dim=True))
        t.append(value, style=Style(bold=True))
    return fit(t, width, overflow="ellipsis")


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
) -> list[Text]:
    """Title line, ``height`` plot lines and one readout line for one run's series of one tag."""
    packed = PackedHistograms(snap.rows, snap.offsets)
    last = len(snap) - 1
    title = SafeText(no_wrap=True, end="")
    title.append("■ ", style=Style(color=color))
    title.append(run, style=Style(color=color, bold=True))
    title.append("  ")
    title.append(tag, style=Style(bold=True))
    title.append(f"  {len(snap):,} step{'' if len(snap) == 1 else 's'}", style=Style(dim=True))
    fit(title, width, overflow="ellipsis")
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
        pct = distribution(packed)
        x = x_values(snap.steps, snap.wall_times, x_mode)
        bands, median = band_colors_for(_color_system())
        lines = render_distribution(
            x, pct, width, height, x_mode=x_mode, band_colors=bands, median_color=median
        )
        parts = [step] + [(label, format_number(float(pct[last, col]), 4)) for label, col in READOUT]
    return [title, *lines, _readout(parts, width)]


def _histograms(args: argparse.Namespace, out: TextIO) -> int:
    p = _open(args)
    logdir, runs, colors, width, height = p.logdir, p.runs, p.colors, p.width, p.height
    tags = p.tags(lambda run: run.histograms)
    plots = [
        (tag, name)
        for tag in tags
        for name in runs
        if len(logdir.runs[name].histograms.get(tag, ()))  # a series may be empty after a purge
    ]
    if not plots:
        raise CliError(f"no histogram series match --run {args.run!r} --tag {args.tag!r}", EXIT_NOTHING)
    console = _console(out, width, want_color())
    for k, (tag, name) in enumerate(plots):
        run = logdir.runs[name]
        if k:
            console.print()
        lines = render_plot(
            args.kind,
            name,
            tag,
            run.histograms[tag].snapshot(),
            width,
            height,
            color=colors[name],
            x_mode=args.x,
        )
        for line in lines:
            console.print(line, crop=True, overflow="crop", no_wrap=True)
    out.flush()
    return 0
