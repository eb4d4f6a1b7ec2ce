"""What every command shares: the error type and exit codes, regex and logdir arguments, colour and size.

Commands raise :class:`CliError` for anything the user can fix; ``tui.cli.dispatch`` prints it as one line.
What only drawing commands need (Rich, the glyph tables) is in ``tui.cli.drawing``: every command
imports this module, and ``summary --json`` or ``export`` in a CI job should not pay for Rich.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from typing import Any

from tui.model.cache import ReadCache
from tui.model.logdir import Logdir
from tui.model.storage import StorageError, is_url
from tui.views.safe import json_escaped

__all__ = [
    "EXIT_DAMAGED",
    "EXIT_NOTHING",
    "EXIT_STORAGE",
    "EXIT_USAGE",
    "CliError",
    "add_cache_argument",
    "add_logdir_arguments",
    "compile_regex",
    "json_text",
    "open_logdir",
    "open_runs",
    "plot_size",
    "stdout_is_unicode",
    "want_color",
    "write_stdout",
]

#: Something was printed, but part of the input could not be read (its block says why).
EXIT_DAMAGED = 1
EXIT_USAGE = 2
#: Nothing matched the arguments.
EXIT_NOTHING = 3
#: A remote logdir could not be read completely (network, credentials, bucket); what was read printed.
EXIT_STORAGE = 4

#: Storage faults :func:`open_logdir` met during this command: it still prints what was read, and
#: ``dispatch`` turns its 0 into EXIT_STORAGE (reset by dispatch before each command).
incomplete: list[str] = []


class CliError(Exception):
    """A user-facing error: printed as one line, exit code attached."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def compile_regex(text: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """``text`` as a regex, or a usage error naming it."""
    try:
        return re.compile(text, re.IGNORECASE if ignore_case else 0)
    except re.error as e:
        raise CliError(f"bad regex {text!r}: {e}") from None


def add_cache_argument(p: argparse.ArgumentParser) -> None:
    """``--no-cache``, for every command that reads a logdir."""
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="read every file from the start and keep nothing in the reopen cache (see `tbtui cache`)",
    )


def add_logdir_arguments(p: argparse.ArgumentParser, *, run_help: str | None) -> None:
    """The logdir, ``--no-cache`` and ``--run``/``--runs`` (a regex, searched; every run by default):
    what the commands that read runs from a logdir (export, graph, plot) take first."""
    p.add_argument("logdir")
    add_cache_argument(p)
    p.add_argument("--run", "--runs", dest="run", metavar="REGEX", default=".*", help=run_help)


def open_runs(args: argparse.Namespace) -> tuple[Logdir, list[str]]:
    """The logdir :func:`add_logdir_arguments` named, read, and the names of its runs that ``--run``
    matches, in the logdir's order. A bad regex is a usage error before anything is read."""
    run_rx = compile_regex(args.run)
    logdir = open_logdir(args.logdir, cache=not args.no_cache)
    return logdir, [name for name in logdir.runs if run_rx.search(name)]


def open_logdir(path: str, *, cache: bool = True) -> Logdir:
    """The logdir at ``path`` (a directory or an fsspec URL), read to the end.

    With ``cache``, runs start from what an earlier command or the app read (see ``model.cache``),
    and what was read is kept for the next one. A usage error when it is missing
    or not a directory, or when a URL's backend is not installed; a remote logdir that could not
    be read at all is an EXIT_STORAGE error, and one cut short by a fault prints a warning line and
    what was read (see :data:`incomplete`).
    """
    local = not is_url(path)
    if local and not os.path.exists(path):
        raise CliError(f"logdir not found: {path}")
    if local and not os.path.isdir(path):
        raise CliError(f"not a directory: {path}")
    try:
        logdir = Logdir(path, cache=ReadCache() if cache else None).load_all()
    except StorageError as e:  # no fsspec, an unknown scheme, a bad URL
        raise CliError(str(e)) from None
    logdir.save_cache()
    if local:
        return logdir
    if logdir.fault and not logdir.runs:
        raise CliError(logdir.fault, EXIT_STORAGE)
    if logdir.fault:
        print(f"tbtui: warning: {logdir.fault}; printing what was read", file=sys.stderr)
        incomplete.append(logdir.fault)
    elif not logdir.runs:
        raise CliError(f"no event files under {path}", EXIT_NOTHING)
    return logdir


def want_color() -> bool:
    """Colour only on a terminal, and never with ``NO_COLOR`` set."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def plot_size(width: int | None, height: int | None, default_height: int = 20) -> tuple[int, int]:
    """The plot size from ``--width``/``--height``: the terminal's width up to 160 columns by default."""
    w = width or min(shutil.get_terminal_size((100, 24)).columns, 160)
    h = height or default_height
    if w < 10 or h < 4:
        raise CliError("--width must be at least 10 and --height at least 4")
    return w, h


def json_text(data: Any, *, indent: int | None = None, ascii_only: bool = False) -> str:
    """``data`` as strict JSON that is valid UTF-8 and safe on a terminal, whatever names it holds.

    Non-ASCII text stays readable (unless ``ascii_only``: for a stdout that cannot encode it), but
    C1, bidi and zero-width controls and the surrogate escapes of non-UTF-8 file names are ``\\u``
    escapes (see :func:`tui.views.safe.json_escaped`): parsed, every name is exactly what the log or
    directory held.
    """
    return json_escaped(json.dumps(data, indent=indent, ensure_ascii=ascii_only, allow_nan=False))


def stdout_is_unicode() -> bool:
    """Whether stdout encodes every character (a UTF-8 or UTF-16/32 stream, not a C-locale ASCII one)."""
    enc = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    return enc.startswith("utf")


def write_stdout(text: str) -> None:
    """Write ``text`` to stdout in its encoding; a character it cannot encode (a surrogate escape in a
    name, on any stdout; anything beyond ASCII on a C-locale one) is written as a backslash escape
    rather than raising or emitting a byte that is not valid in that encoding."""
    enc = getattr(sys.stdout, "encoding", None) or "utf-8"
    sys.stdout.write(text.encode(enc, errors="backslashreplace").decode(enc, errors="replace"))
