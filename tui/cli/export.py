"""``tbtui export``: every point of the matching scalar series, as CSV or JSON, to stdout or a file."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys

from tui.cli.common import EXIT_NOTHING, CliError, compile_regex, open_logdir
from tui.model.summary import json_float

__all__ = ["HELP", "add_arguments", "run"]

HELP = "every point of matching scalar series as CSV or JSON"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("logdir")
    p.add_argument("--run", metavar="REGEX", default=".*", help="runs to export (regex, searched)")
    p.add_argument("--tag", metavar="REGEX", required=True, help="scalar tags to export (regex, searched)")
    p.add_argument(
        "--format", choices=("csv", "json"), default=None, help="default: from -o's suffix, else csv"
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")


def run(args: argparse.Namespace) -> int:
    run_rx = compile_regex(args.run)
    tag_rx = compile_regex(args.tag, ignore_case=True)
    logdir = open_logdir(args.logdir)
    fmt = args.format or ("json" if (args.output or "").endswith(".json") else "csv")
    matches = [
        (run_name, tag, series.snapshot())
        for run_name, run in logdir.runs.items()
        if run_rx.search(run_name)
        for tag, series in run.scalars.items()
        if tag_rx.search(tag)
    ]
    if not matches:
        raise CliError(f"no scalar series match --run {args.run!r} --tag {args.tag!r}", EXIT_NOTHING)
    out = io.StringIO()
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        several = len(matches) > 1
        w.writerow((["run", "tag"] if several else []) + ["wall_time", "step", "value"])
        for run_name, tag, snap in matches:
            prefix = [run_name, tag] if several else []
            for wt, st, v in zip(
                snap.wall_times.tolist(), snap.steps.tolist(), snap.values.tolist(), strict=True
            ):
                w.writerow([*prefix, repr(wt), st, repr(v)])
    else:
        doc: dict[str, dict[str, list[dict[str, object]]]] = {}
        for run_name, tag, snap in matches:
            doc.setdefault(run_name, {})[tag] = [
                {"wall_time": wt, "step": st, "value": json_float(v)}
                for wt, st, v in zip(
                    snap.wall_times.tolist(), snap.steps.tolist(), snap.values.tolist(), strict=True
                )
            ]
        json.dump(doc, out, ensure_ascii=False, allow_nan=False)
        out.write("\n")
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as f:
            f.write(out.getvalue())
        n = sum(len(s) for _, _, s in matches)
        print(f"wrote {n} points of {len(matches)} series to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(out.getvalue())
    return 0
