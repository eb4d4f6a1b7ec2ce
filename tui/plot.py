"""``tbtui plot``: the app's scalar chart, printed to stdout for CI logs and scripts.

One chart per matching tag (TensorBoard's tag order), every matching run overlaid, drawn by the
same functions the app uses (tui.render.scalar_view + tui.render.chart), so what CI prints is what
the app shows. Colour only when stdout is a terminal and ``NO_COLOR`` is not set.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys

from tui.cli import EXIT_NOTHING, CliError, _open_logdir, _regex
from tui.model.tags import sort_tags
from tui.render.chart import color_for, render_chart_plain
from tui.render.scalar_view import chart_series

__all__ = ["main"]

DEFAULT_HEIGHT = 20


def _want_color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def main(args: argparse.Namespace) -> int:
    run_rx = _regex(args.run)
    tag_rx = _regex(args.tag, ignore_case=True)
    if not 0 <= args.smoothing <= 0.999:
        raise CliError("--smoothing must be between 0 and 0.999")
    width = args.width or min(shutil.get_terminal_size((100, 24)).columns, 160)
    height = args.height or DEFAULT_HEIGHT
    if width < 10 or height < 4:
        raise CliError("--width must be at least 10 and --height at least 4")
    logdir = _open_logdir(args.logdir)
    runs = [name for name in logdir.runs if run_rx.search(name)]
    # Colours follow each run's place among all runs, as in the app.
    colors = {name: color_for(i) for i, name in enumerate(logdir.runs)}
    tags = sort_tags(t for name in runs for t in logdir.runs[name].scalars if tag_rx.search(t))
    if not tags:
        raise CliError(f"no scalar series match --run {args.run!r} --tag {args.tag!r}", EXIT_NOTHING)
    color = _want_color()
    out = sys.stdout
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
            render_chart_plain(series, width, height, color=color, x_mode=args.x, log_y=args.log_y, title=tag)
        )
    out.flush()
    return 0
