"""``tbtui cache``: where the reopen cache is, how many entries and bytes it holds; ``--clear`` empties it.

The cache (see :mod:`tui.model.cache`) is what makes a second open of a logdir cheap; it lives in the
user's cache directory, never in a logdir, so clearing it only ever costs the next open a cold read.
"""

from __future__ import annotations

import argparse

from tui.cli.common import json_text, write_stdout
from tui.model import cache

__all__ = ["HELP", "add_arguments", "run"]

HELP = "show the reopen cache's size and path; --clear empties it"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--clear", action="store_true", help="remove every entry (the next open reads cold)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return ""  # unreachable


def run(args: argparse.Namespace) -> int:
    before = cache.stats()
    freed = cache.clear() if args.clear else 0
    now = cache.stats() if args.clear else before
    if args.json:
        data = {"path": now.path, "entries": now.entries, "bytes": now.bytes, "limit": now.limit}
        if args.clear:
            data["removed"] = {"entries": before.entries - now.entries, "bytes": freed}
        write_stdout(json_text(data, indent=1) + "\n")
        return 0
    if args.clear:
        print(f"removed {before.entries - now.entries} entries ({_size(freed)}) from {now.path}")
    print(f"{now.path}: {now.entries} entries, {_size(now.bytes)} (limit {_size(now.limit)})")
    return 0
