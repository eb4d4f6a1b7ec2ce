"""``tbtui summary``: runs, tags, counts, last values and file problems; one rich table per run, or JSON.

The facts come from :func:`tui.model.summary.logdir_summary`, so the table and ``--json`` cannot drift
apart. Everything printed goes through ``inert`` and rich's escaping, so tags or run names carrying
terminal control sequences or rich markup print as plain text.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from tui.cli.common import (
    EXIT_NOTHING,
    add_cache_argument,
    compile_regex,
    json_text,
    open_logdir,
    stdout_is_unicode,
    write_stdout,
)
from tui.model.summary import logdir_summary

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

__all__ = ["HELP", "add_arguments", "print_summary", "run"]

HELP = "runs, tags, counts, last values and file problems"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("logdir", help="directory holding event files (searched recursively)")
    add_cache_argument(p)
    p.add_argument("--json", action="store_true", help="print machine-readable JSON instead of tables")
    p.add_argument("--runs", "--run", dest="runs", metavar="REGEX", help="only runs whose name matches")


def run(args: argparse.Namespace) -> int:
    logdir = open_logdir(args.logdir, cache=not args.no_cache)
    data = logdir_summary(logdir)
    found = len(data["runs"])
    if args.runs:
        rx = compile_regex(args.runs)
        data["runs"] = {k: v for k, v in data["runs"].items() if rx.search(k)}
    # The same exit code with and without --json: 3 when no run is listed (what was found is printed
    # either way), so a script tells an empty logdir from a full one without parsing.
    code = 0 if data["runs"] else EXIT_NOTHING
    if args.json:
        write_stdout(json_text(data, indent=1, ascii_only=not stdout_is_unicode()) + "\n")
        return code
    why = f"no run matches --run {args.runs!r} (of {found:,})" if found and args.runs else None
    print_summary(data, none=why)
    return code


def _num(x: Any) -> str:
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    if isinstance(x, int) or (float(x).is_integer() and abs(x) < 1e15):
        return f"{x:,.0f}" if isinstance(x, int) else f"{x:.6g}"
    return f"{x:.6g}"


def _tag(tag: str) -> Text:
    """A tag as inert text; the empty tag (torch keeps it) is shown as "" rather than nothing."""
    from rich.text import Text

    from tui.render.rows import EMPTY_NAME
    from tui.render.safe_text import SafeText

    return SafeText(tag) if tag else Text(EMPTY_NAME, style="dim")


def print_summary(data: dict[str, Any], console: Console | None = None, *, none: str | None = None) -> None:
    """The tables; ``none`` is what to say when no run is listed (else: no event files were found).

    Rich is imported here, not with the module: ``--json`` (what CI runs) never loads it, nor the
    glyph tables behind ``drawing_stdout`` (with the other subcommands' modules, 0.09 s of the
    0.39 s of CPU a ``summary --json`` of a 1 MB logdir took)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from tui.cli.drawing import drawing_stdout
    from tui.render.safe_text import SafeText

    if console is None:
        # Piped output (CI logs, files) is not squeezed into 80 columns.
        wide = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "120"))
        console = Console(file=drawing_stdout(), highlight=False, width=wide)
    runs = data["runs"]
    console.print(SafeText(f"{data['logdir']}: {len(runs)} run(s)", style="bold"))
    for p in data.get("problems", []):
        console.print(SafeText(f"  ! {p}", style="yellow"))
    if not runs:
        console.print(SafeText(none or "no event files found (files whose name contains 'tfevents')"))
        return
    for name, run in runs.items():
        table = Table(
            title=SafeText(name, style="bold cyan"),
            title_justify="left",
            expand=False,
            box=box.SIMPLE_HEAD,
        )
        table.add_column("tag", overflow="fold", min_width=12, ratio=1)
        table.add_column("kind", no_wrap=True, max_width=12, overflow="ellipsis")
        table.add_column("count", justify="right", no_wrap=True)
        table.add_column("steps", justify="right", no_wrap=True)
        table.add_column("last", justify="right", no_wrap=True)
        table.add_column("min..max", justify="right", no_wrap=True)
        for tag, s in run["scalars"].items():
            rng = f"{_num(s['min'])}..{_num(s['max'])}"
            nan = f" ({s['nan_count']} NaN)" if s["nan_count"] else ""
            table.add_row(
                _tag(tag),
                "scalar",
                f"{s['count']:,}",
                f"{s['first_step']}..{s['last_step']}",
                _num(s["last"]),
                rng + nan,
            )
        for tag, h in run["histograms"].items():
            last = h["last"]
            table.add_row(
                _tag(tag),
                "hist",
                f"{h['count']:,}",
                f"{h['first_step']}..{h['last_step']}",
                f"n={_num(last['num'])}",
                f"{_num(last['min'])}..{_num(last['max'])}",
            )
        for gname, g in run["graphs"].items():
            table.add_row(SafeText(gname), g["kind"].replace("_", " "), f"{g['nodes']:,} nodes", "", "", "")
        for tag, o in run["other"].items():
            # (a Text cell: a plugin name is log text, and Rich would read markup in a str cell)
            table.add_row(_tag(tag), SafeText(o["plugin"] or "(no plugin)"), f"{o['count']:,}", "", "", "")
        if not table.row_count:
            table.add_row("(no data)", "", "", "", "", "")
        console.print(table)
        files = run["files"]
        size = sum(f["bytes"] for f in files)
        recs = sum(f["records"] for f in files)
        console.print(Text(f"  {len(files)} file(s), {size:,} bytes, {recs:,} records", style="dim"))
        for f in files:
            for p in f["problems"]:
                console.print(SafeText(f"  ! {f['path']}: {p}", style="yellow"))
