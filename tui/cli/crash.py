"""An internal error: one line on stderr, the traceback in a file whose path that line shows.

A bug must not look like success (exit status 0) nor bury the user's terminal under a traceback that
may quote log text, so ``tbtui`` exits with :data:`EXIT_CRASH` and writes the full traceback to the
user's state directory (``$XDG_STATE_HOME/tbtui``, ``~/.local/state/tbtui``; ``~/Library/Logs/tbtui``
on macOS), or to the temp directory when that cannot be written. Never into the logdir: tbtui writes
nothing there.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import traceback

from tui import __version__
from tui.views.safe import inert

__all__ = ["EXIT_CRASH", "crash_line", "report_dir", "write_report"]

#: sysexits.h EX_SOFTWARE: an internal software error.
EXIT_CRASH = 70


def report_dir() -> str:
    """Where crash reports go: the user's state directory for tbtui."""
    if sys.platform == "darwin":
        return os.path.join(os.path.expanduser("~"), "Library", "Logs", "tbtui")
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return os.path.join(base, "tbtui")


def write_report(error: BaseException) -> str | None:
    """Write ``error``'s traceback to a new file; its path, or None when no directory would take it."""
    name = f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.txt"
    body = (
        f"tbtui {__version__}, Python {sys.version.split()[0]}, {sys.platform}\n"
        f"argv: {sys.argv!r}\n\n" + "".join(traceback.format_exception(error))
    )
    for folder in (report_dir(), tempfile.gettempdir()):
        try:
            os.makedirs(folder, exist_ok=True)
            path = os.path.join(folder, name)
            with open(path, "x", encoding="utf-8", errors="backslashreplace") as f:
                f.write(body)
        except OSError:
            continue
        return path
    return None


def crash_line(error: BaseException, path: str | None) -> str:
    """The one line on stderr: what failed, and where the traceback is (log text in it made inert)."""
    what = inert(f"{type(error).__name__}: {error}")
    where = f"the traceback is in {inert(path)}" if path else "no traceback file could be written"
    return f"tbtui: internal error: {what} ({where}); please report it"
