"""Scalar points as CSV, and where files exported from the app go: one writer for ``tbtui export`` and
the app's ``e`` (the focused chart's series) so the two files read the same.

Run and tag names are arbitrary text from logs and directory names. A name cell that a spreadsheet
would evaluate as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return)
gets a single quote in front, as OWASP's CSV injection guidance recommends; numbers are left alone
(``-0.5`` is a number, not a formula).

Files the app writes (CSV, SVG screenshots) go to the current directory, where the user started it and
will look, unless that is inside the logdir: tbtui never writes into a logdir, so they then go to the
home directory. The status bar shows the path either way.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterable

from tui.model.series import ScalarSnapshot
from tui.model.storage import is_url
from tui.views.safe import inert

__all__ = [
    "FORMULA_START",
    "csv_text_cell",
    "export_dir",
    "export_name",
    "free_path",
    "scalar_csv",
    "write_new",
]

#: First characters that make a spreadsheet cell a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text_cell(name: str, *, terminal: bool = False) -> str:
    """A name as a CSV cell: defused when a spreadsheet would run it, made inert on a terminal."""
    if terminal:
        name = inert(name)
    return "'" + name if name.startswith(FORMULA_START) else name


def _csv_field(cell: str) -> str:
    """RFC 4180 quoting, by hand: Python 3.11's csv module leaves a lone carriage return unquoted."""
    if any(c in cell for c in ',"\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def scalar_csv(
    series: Iterable[tuple[str, str, ScalarSnapshot]], *, names: bool = True, terminal: bool = False
) -> str:
    """``run,tag,wall_time,step,value`` rows of every point (``names`` off: the last three only), values
    exact (``repr`` of the float)."""
    out = [",".join((["run", "tag"] if names else []) + ["wall_time", "step", "value"]) + "\n"]
    for run, tag, snap in series:
        cells = [run, tag] if names else []
        prefix = "".join(_csv_field(csv_text_cell(n, terminal=terminal)) + "," for n in cells)
        for wt, st, v in zip(
            snap.wall_times.tolist(), snap.steps.tolist(), snap.values.tolist(), strict=True
        ):
            out.append(f"{prefix}{wt!r},{st},{v!r}\n")
    return "".join(out)


def export_dir(logdir: str, cwd: str | None = None) -> str:
    """The current directory, or the home directory when the current one is inside ``logdir``."""
    cwd = os.getcwd() if cwd is None else cwd
    if is_url(logdir):
        return cwd
    root = os.path.realpath(logdir)
    here = os.path.realpath(cwd)
    inside = here == root or here.startswith(root.rstrip(os.sep) + os.sep)
    return os.path.expanduser("~") if inside else cwd


def export_name(what: str, ext: str, when: float | None = None) -> str:
    """``tbtui-<what>-<YYYYmmdd-HHMMSS>.<ext>``, ``what`` reduced to characters safe in any file name."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", what).strip("._")[:60] or "tbtui"
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(time.time() if when is None else when))
    return f"tbtui-{safe}-{stamp}.{ext}"


def free_path(folder: str, name: str) -> str:
    """``folder/name``, or ``name`` with ``-2``, ``-3``... before its suffix when that exists (two
    exports in one second must not overwrite each other)."""
    stem, ext = os.path.splitext(name)
    path, n = os.path.join(folder, name), 1
    while os.path.lexists(path):
        n += 1
        path = os.path.join(folder, f"{stem}-{n}{ext}")
    return path


def write_new(folder: str, name: str, text: str) -> str:
    """Write ``text`` to a new file ``folder/name`` (or the :func:`free_path` variant of it) and return
    its path; an existing file is never overwritten, even one that appears while this picks the name."""
    while True:
        path = free_path(folder, name)
        try:
            with open(path, "x", encoding="utf-8", errors="backslashreplace", newline="") as f:
                f.write(text)
        except FileExistsError:
            continue
        return path
