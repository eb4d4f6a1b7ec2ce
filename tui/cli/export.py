"""``tbtui export``: every point of the matching scalar series, as CSV or JSON, to stdout or a file.

Run and tag names are arbitrary text from logs and directory names, so each output is made safe for
what reads it. On a terminal, names are made inert (control sequences shown, not run). In CSV, a name
cell that a spreadsheet would evaluate as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return) gets a single quote in front, as OWASP's CSV injection guidance recommends;
numbers are left alone (``-0.5`` is a number, not a formula). JSON escapes every control, bidi and
zero-width character and keeps non-UTF-8 bytes as surrogate escapes (:func:`tui.cli.common.json_text`),
so the names are exact once parsed.
"""

from __future__ import annotations

import argparse
import io
import sys

from tui.cli.common import (
    EXIT_NOTHING,
    CliError,
    add_logdir_arguments,
    compile_regex,
    json_text,
    open_runs,
    stdout_is_unicode,
    write_stdout,
)
from tui.model.summary import json_float
from tui.views.export import scalar_csv

__all__ = ["HELP", "add_arguments", "run"]

HELP = (
    "every point of matching scalar series as CSV or JSON. In CSV, a run or tag name that starts with "
    "=, +, -, @, a tab or a carriage return is prefixed with a single quote (') so a spreadsheet shows "
    "it as text instead of running it as a formula; on a terminal, control characters in names are "
    "shown escaped"
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_logdir_arguments(p, run_help="runs to export (regex, searched)")
    p.add_argument(
        "--tag",
        "--tags",
        dest="tag",
        metavar="REGEX",
        required=True,
        help="scalar tags to export (regex, searched)",
    )
    p.add_argument(
        "--format", choices=("csv", "json"), default=None, help="default: from -o's suffix, else csv"
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")


def run(args: argparse.Namespace) -> int:
    tag_rx = compile_regex(args.tag, ignore_case=True)
    logdir, runs = open_runs(args)
    fmt = args.format or ("json" if (args.output or "").endswith(".json") else "csv")
    matches = [
        (run_name, tag, series.snapshot())
        for run_name in runs
        for tag, series in logdir.runs[run_name].scalars.items()
        if tag_rx.search(tag)
    ]
    if not matches:
        raise CliError(f"no scalar series match --run {args.run!r} --tag {args.tag!r}", EXIT_NOTHING)
    out = io.StringIO()
    terminal = not args.output and sys.stdout.isatty()
    if fmt == "csv":
        out.write(scalar_csv(matches, names=len(matches) > 1, terminal=terminal))
    else:
        doc: dict[str, dict[str, list[dict[str, object]]]] = {}
        for run_name, tag, snap in matches:
            doc.setdefault(run_name, {})[tag] = [
                {"wall_time": wt, "step": st, "value": json_float(v)}
                for wt, st, v in zip(
                    snap.wall_times.tolist(), snap.steps.tolist(), snap.values.tolist(), strict=True
                )
            ]
        out.write(json_text(doc, ascii_only=not args.output and not stdout_is_unicode()) + "\n")
    if args.output:
        # A name with bytes that are not UTF-8 (a surrogate escape) is written as its escape, not raw.
        with open(args.output, "w", encoding="utf-8", errors="backslashreplace", newline="") as f:
            f.write(out.getvalue())
        n = sum(len(s) for _, _, s in matches)
        print(f"wrote {n} points of {len(matches)} series to {args.output}", file=sys.stderr)
    else:
        write_stdout(out.getvalue())
    return 0
