"""What every command shares: the error type and exit codes, regex and logdir arguments, colour and size.

Commands raise :class:`CliError` for anything the user can fix; ``tui.cli.dispatch`` prints it as one line.
"""

from __future__ import annotations

import os
import re
import shutil
import sys

from tui.model.logdir import Logdir

__all__ = [
    "EXIT_DAMAGED",
    "EXIT_NOTHING",
    "EXIT_USAGE",
    "CliError",
    "compile_regex",
    "open_logdir",
    "plot_size",
    "want_color",
]

#: Something was printed, but part of the input could not be read (its block says why).
EXIT_DAMAGED = 1
EXIT_USAGE = 2
#: Nothing matched the arguments.
EXIT_NOTHING = 3


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


def open_logdir(path: str) -> Logdir:
    """The logdir at ``path``, read to the end; a usage error when it is missing or not a directory."""
    if not os.path.exists(path):
        raise CliError(f"logdir not found: {path}")
    if not os.path.isdir(path):
        raise CliError(f"not a directory: {path}")
    return Logdir(path).load_all()


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
