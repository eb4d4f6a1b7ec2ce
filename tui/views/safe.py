"""Log text made inert where it enters the view layer: no control sequence from a log reaches a terminal.

Event files are written by arbitrary programs, and a tag such as ``"\\x1b]52;c;...\\x07"`` would
otherwise set the user's clipboard or retitle their terminal when printed. Control characters are
shown as visible escapes instead (``\\x1b``, ``\\n`` as ``↵`` in one-line contexts), keeping the
text readable and unambiguous. Invisible characters that reorder or hide text (bidi marks and
overrides, zero-width characters, line and paragraph separators) are shown the same way, so a name
cannot pose as another.

:class:`Inert` is the boundary type: a ``str`` whose value has been made inert. Constructing one does
it, and doing it again changes nothing, so code that only ever hands widgets and printers an ``Inert``
cannot show log text raw.
"""

from __future__ import annotations

import re

__all__ = ["Inert", "inert"]

# C0 controls (tab and newline handled separately), DEL, C1 controls; bidi marks, embeddings, overrides
# and isolates that can disguise text direction (U+061C, U+200E/F, U+202A-E, U+2066-9); zero-width
# space, non-joiner and joiner and the byte-order mark (U+200B-D, U+FEFF) that hide characters; the line
# and paragraph separators (U+2028/9) that break a line where none shows.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def inert(text: str, *, one_line: bool = True) -> Inert:
    """``text`` with control characters made visible. One-line mode also shows tabs and newlines."""
    out = _CONTROL.sub(_escape, text)
    if one_line:
        out = out.replace("\t", "→").replace("\r\n", "↵").replace("\n", "↵").replace("\r", "↵")
    else:
        out = out.replace("\r\n", "\n").replace("\r", "\n")
    return str.__new__(Inert, out)


class Inert(str):
    """Text safe to show: ``Inert(s)`` makes ``s`` inert (one line); an ``Inert`` passes through as it is."""

    __slots__ = ()

    def __new__(cls, text: object = "") -> Inert:
        if isinstance(text, Inert):
            return text
        return inert(str(text))
