"""Command line: argument parsing and the non-interactive subcommands, nothing else.

``tbtui [LOGDIR]`` opens the app; ``summary``, ``export``, ``plot`` and ``graph`` print to stdout for
scripts and CI logs. Errors are one line on stderr with a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
from collections.abc import Sequence

from tui import __version__

SUBCOMMANDS = ("summary", "export", "plot", "graph")
EXIT_USAGE = 2
EXIT_NOTHING = 3


class CliError(Exception):
    """A user-facing error: printed as one line, exit code attached."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def _regex(text: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    try:
        return re.compile(text, re.IGNORECASE if ignore_case else 0)
    except re.error as e:
        raise CliError(f"bad regex {text!r}: {e}") from None


def _open_logdir(path: str):  # returns a loaded Logdir; imported lazily so --help is fast
    from tui.model.logdir import Logdir

    if not os.path.exists(path):
        raise CliError(f"logdir not found: {path}")
    if not os.path.isdir(path):
        raise CliError(f"not a directory: {path}")
    return Logdir(path).load_all()


# -- summary ----------------------------------------------------------------------------------------


def add_summary_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("logdir", help="directory holding event files (searched recursively)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON instead of tables")
    p.add_argument("--runs", metavar="REGEX", help="only runs whose name matches")


def cmd_summary(args: argparse.Namespace) -> int:
    from tui.model.summary import logdir_summary

    logdir = _open_logdir(args.logdir)
    data = logdir_summary(logdir)
    if args.runs:
        rx = _regex(args.runs)
        data["runs"] = {k: v for k, v in data["runs"].items() if rx.search(k)}
    if args.json:
        json.dump(data, sys.stdout, indent=1, ensure_ascii=False, allow_nan=False)
        sys.stdout.write("\n")
        return 0
    from tui.summary_table import print_summary

    print_summary(data)
    return 0 if data["runs"] else EXIT_NOTHING


# -- export -----------------------------------------------------------------------------------------


def add_export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("logdir")
    p.add_argument("--run", metavar="REGEX", default=".*", help="runs to export (regex, searched)")
    p.add_argument("--tag", metavar="REGEX", required=True, help="scalar tags to export (regex, searched)")
    p.add_argument(
        "--format", choices=("csv", "json"), default=None, help="default: from -o's suffix, else csv"
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")


def _float_out(x: float) -> float | str:
    from tui.model.summary import json_float

    return json_float(x)


def cmd_export(args: argparse.Namespace) -> int:
    run_rx = _regex(args.run)
    tag_rx = _regex(args.tag, ignore_case=True)
    logdir = _open_logdir(args.logdir)
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
                {"wall_time": wt, "step": st, "value": _float_out(v)}
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


# -- plot and graph: their modules own the details --------------------------------------------------


def add_plot_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of `tbtui plot` (owned by tui/plot.py's author)."""
    p.add_argument("logdir")
    p.add_argument("--tag", metavar="REGEX", required=True)
    p.add_argument("--run", metavar="REGEX", default=".*")
    p.add_argument("--width", type=int, default=None)
    p.add_argument("--height", type=int, default=None)
    p.add_argument("--smoothing", type=float, default=0.6)
    p.add_argument("--x", choices=("step", "relative", "wall"), default="step")
    p.add_argument("--log-y", action="store_true")
    p.add_argument("--kind", choices=("scalar", "histogram", "distribution"), default="scalar")


def add_graph_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of `tbtui graph`."""
    p.add_argument("logdir")
    p.add_argument("--run", metavar="REGEX", default=".*", help="runs whose graphs to print")
    p.add_argument("--depth", type=int, default=3, help="scope levels to print (default 3)")
    p.add_argument("--name", metavar="GRAPH", help="which graph of the run (default: all)")


def cmd_plot(args: argparse.Namespace) -> int:
    if args.kind != "scalar":
        from tui import plot_histograms

        return plot_histograms.main(args)
    from tui import plot

    return plot.main(args)


def cmd_graph(args: argparse.Namespace) -> int:
    from tui import graphcli

    return graphcli.main(args)


# -- app --------------------------------------------------------------------------------------------


def add_app_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("logdir", nargs="?", default=".", help="directory holding event files (default: .)")
    p.add_argument(
        "--demo", action="store_true", help="write a growing sample run to a temp folder and open it"
    )
    p.add_argument("--runs", metavar="REGEX", help="show only runs matching this regex")
    p.add_argument("--tags", metavar="REGEX", help="show only tags matching this regex (case-insensitive)")
    p.add_argument(
        "--smoothing", type=float, default=0.6, metavar="W", help="EMA weight 0..0.999 (default 0.6)"
    )
    p.add_argument("--x", choices=("step", "relative", "wall"), default="step", help="x axis (default step)")
    p.add_argument("--poll", type=float, metavar="SECONDS", help="poll for changes instead of file events")
    p.add_argument("--no-crc", action="store_true", help="skip data CRC checks (framing is still checked)")
    p.add_argument("--layout", choices=("tabs", "dashboard"), default="tabs", help="start layout (d toggles)")


def build_parser(prog: str = "tbtui") -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    main = argparse.ArgumentParser(
        prog=prog,
        description="TensorBoard for the terminal. `tbtui LOGDIR` opens the app; subcommands print.",
        epilog="subcommands: summary, export, plot, graph (tbtui SUBCOMMAND -h for each)",
    )
    main.add_argument("--version", action="version", version=f"tbtui {__version__}")
    add_app_arguments(main)
    subs: dict[str, argparse.ArgumentParser] = {}
    for name, adder, text in (
        ("summary", add_summary_arguments, "runs, tags, counts, last values and file problems"),
        ("export", add_export_arguments, "every point of matching scalar series as CSV or JSON"),
        ("plot", add_plot_arguments, "print a braille chart to stdout"),
        ("graph", add_graph_arguments, "print a run's op graph as a tree of name scopes"),
    ):
        p = argparse.ArgumentParser(prog=f"{prog} {name}", description=text)
        adder(p)
        subs[name] = p
    return main, subs


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    main_parser, subs = build_parser()
    try:
        if argv and argv[0] in SUBCOMMANDS:
            args = subs[argv[0]].parse_args(argv[1:])
            handler = {"summary": cmd_summary, "export": cmd_export, "plot": cmd_plot, "graph": cmd_graph}[
                argv[0]
            ]
            return handler(args)
        args = main_parser.parse_args(argv)
        if args.runs:
            _regex(args.runs)
        if args.tags:
            _regex(args.tags, ignore_case=True)
        if not 0 <= args.smoothing <= 0.999:
            raise CliError("--smoothing must be between 0 and 0.999")
        if args.demo:
            from tui import demo

            return demo.run(args)
        if not os.path.exists(args.logdir):
            print(f"tbtui: {args.logdir} does not exist yet; waiting for it to appear", file=sys.stderr)
        from tui import app

        return app.run(args)
    except CliError as e:
        print(f"tbtui: error: {e}", file=sys.stderr)
        return e.code
    except BrokenPipeError:  # `tbtui export ... | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
