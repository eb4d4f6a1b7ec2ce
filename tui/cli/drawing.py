"""Where drawn output goes: the tables of ``summary``, the charts of ``plot``, the tree of ``graph``.

Apart from ``tui.cli.common`` because it needs the glyph tables (and so Rich): a command that
prints JSON or CSV never imports this module.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TextIO

from tui.render.glyphs import AsciiStream, StreamFilter, wants_ascii

__all__ = ["TrimmedLines", "drawing_stdout"]

#: A colour code (SGR), and the spaces and colour codes after a line's last visible character.
_SGR = re.compile(r"\x1b\[[0-9;]*m")
_TRAILING = re.compile(r"(?:[ \t]|\x1b\[[0-9;]*m)+$", re.MULTILINE)
_PENDING = re.compile(r"(?:[ \t]|\x1b\[[0-9;]*m)*$")


def _codes_only(m: re.Match[str]) -> str:
    return "".join(_SGR.findall(m.group()))


class TrimmedLines(StreamFilter):
    """A text stream that writes lines to ``stream`` without their trailing spaces.

    Rich pads every table line, title and blank line to the table's width, and a chart's lines are
    exact-width: piped to a file or a diff, ``summary`` and ``plot`` left spaces at the end of nearly
    every line. What might end a line (spaces, colour codes) is held until the line goes on or ends.
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self._pending = ""

    def write(self, text: str) -> int:
        data = self._pending + text
        hold = _PENDING.search(data)
        cut = hold.start() if hold is not None and "\n" not in data[hold.start() :] else len(data)
        self._pending = data[cut:]
        self.stream.write(_TRAILING.sub(_codes_only, data[:cut]))
        return len(text)


def drawing_stdout(ascii: bool = False) -> TextIO:
    """Where drawn output goes (plot's charts, summary's tables, graph's tree): stdout without
    trailing spaces (:class:`TrimmedLines`), through :class:`AsciiStream` when asked or when stdout
    or the locale (C/POSIX) cannot show the glyphs."""
    out = sys.stdout
    if ascii or wants_ascii(getattr(out, "encoding", None), os.environ):
        out = AsciiStream(out)  # type: ignore[assignment]
    return TrimmedLines(out)  # type: ignore[return-value]
