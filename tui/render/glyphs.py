"""The glyph set: Unicode (braille dots, box drawing, block elements) or plain ASCII, decided here only.

Every renderer draws with Unicode. Where the output cannot show it (``--ascii``; a stdout whose
encoding cannot encode braille, ``PYTHONIOENCODING=ascii``; a ``C``/``POSIX`` locale, whose
terminals and fonts often lack braille; the Linux console, ``TERM=linux``, whose fonts hold at most
512 glyphs and no braille) the finished text goes through :func:`ascii_text`, which
swaps each glyph the renderers use for a one-cell ASCII stand-in. One character for one, so column
positions, rich spans and everything measured in cells stay what they were. A braille cell becomes
``'``, ``-``, ``.`` or ``|`` by where its dots sit (top, middle, bottom, or all the way down), so a
line still reads as a line.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import TextIO

from rich.cells import cell_len
from rich.text import Text

from tui.render.braille import BRAILLE_BASE, DOT_BITS

__all__ = [
    "ASCII_TABLE",
    "WIDE_ASCII",
    "AsciiStream",
    "StreamFilter",
    "ascii_rich",
    "ascii_text",
    "wants_ascii",
]

#: What the app and ``plot`` draw with that a limited terminal may not show: a braille dot, a box
#: line, a block and the legend's dot. If the output encoding can encode these, it can show charts.
PROBE = "\u28ff\u2502\u2588\u25cf"


def _braille_char(bits: int) -> str:
    if not bits:
        return " "
    rows = [r for r in range(4) if bits & int(DOT_BITS[r, 0] | DOT_BITS[r, 1])]
    if rows[-1] - rows[0] >= 2:
        return "|"  # a steep stroke through the cell
    middle = (rows[0] + rows[-1]) / 2
    return "'" if middle < 1 else ("-" if middle < 2.5 else ".")


_OTHERS = {
    # box drawing (axes, rules, borders of the text renderers)
    "─━═╌┄": "-",
    "│┃║╎┆": "|",
    "┤├┬┴┼└┘┌┐╭╮╰╯╴╶╵╷": "+",
    # block elements: sparklines, histogram bars, half-block images
    "▁": "_",
    "▂": ".",
    "▃": ",",
    "▄": "-",
    "▅": "=",
    "▆": "+",
    "▇": "*",
    "█": "#",
    "▀▔": "^",
    "▌▐░▒▓": "#",
    # markers and arrows
    "●◆■▪": "*",
    "○◇□": "o",
    "▲▴↑": "^",
    "▼▾↓": "v",
    "▶▸→": ">",
    "◀◂←": "<",
    "↵": "<",
    "✓": "v",
    "⏎": "<",
    "•‣◦⭑": "*",
    # punctuation
    "…": "~",
    "·": ".",
    "×": "x",
    "–—": "-",
    "µ": "u",
    "°": "o",
}

#: Blocks where every character is a drawing glyph (Textual's borders, scrollbars, tab underlines
#: and tree guides draw from these too), each given a stand-in by its Unicode name when the table
#: above does not name it: box drawing, block elements, geometric shapes, arrows and the Misc
#: Technical block's keys (``⏎``). Letters of any script are never in them, so log text is kept.
_GLYPH_BLOCKS = ((0x2190, 0x21FF), (0x2300, 0x23FF), (0x2500, 0x257F), (0x2580, 0x259F), (0x25A0, 0x25FF))


def _by_name(ch: str) -> str | None:
    """A one-cell ASCII stand-in for a drawing glyph, from what its Unicode name says it looks like."""
    name = unicodedata.name(ch, "")
    if not name or cell_len(ch) != 1:
        return None
    for words, sub in (
        (("UP", "TOP"), "^"),
        (("DOWN", "BOTTOM"), "v"),
        (("LEFTWARDS", "LEFT-POINTING", "RETURN"), "<"),
        (("RIGHTWARDS", "RIGHT-POINTING"), ">"),
    ):
        if ("ARROW" in name or "TRIANGLE" in name or "SYMBOL" in name) and any(w in name for w in words):
            return sub
    if "BOX DRAWINGS" in name:
        words = set(name.split())
        across, down = bool(words & {"HORIZONTAL", "LEFT", "RIGHT"}), bool(words & {"VERTICAL", "UP", "DOWN"})
        return "+" if across == down else ("-" if across else "|")
    if "BLOCK" in name or "QUADRANT" in name or "SHADE" in name:
        return "#"
    if "CIRCLE" in name or "SQUARE" in name or "DIAMOND" in name or "RECTANGLE" in name:
        return "o" if "WHITE" in name else "*"
    return None


#: ``str.translate`` table from every glyph above (and all 256 braille patterns) to one ASCII char.
ASCII_TABLE: dict[int, str] = {BRAILLE_BASE + bits: _braille_char(bits) for bits in range(256)}
ASCII_TABLE.update(
    {
        code: sub
        for lo, hi in _GLYPH_BLOCKS
        for code in range(lo, hi + 1)
        if (sub := _by_name(chr(code))) is not None
    }
)
ASCII_TABLE.update({ord(ch): sub for chars, sub in _OTHERS.items() for ch in chars})

#: The few two-cell glyphs a screen shows (Textual's command palette draws a magnifier before its
#: input): two ASCII characters each, so the cells stay where they were. Only the app's whole-screen
#: filter uses these; :func:`ascii_text` keeps its one-for-one contract.
WIDE_ASCII: dict[int, str] = {
    ord("\N{RIGHT-POINTING MAGNIFYING GLASS}"): "> ",
    ord("\N{LEFT-POINTING MAGNIFYING GLASS}"): "> ",
}


def ascii_text(text: str) -> str:
    """``text`` with every chart glyph replaced by its ASCII stand-in (same length, same cells)."""
    return text.translate(ASCII_TABLE)


def ascii_rich(text: Text) -> Text:
    """A copy of ``text`` drawn in ASCII; its styles stay on the same cells."""
    out = text.copy()
    out.plain = ascii_text(text.plain)
    return out


def _c_locale(environ: Mapping[str, str]) -> bool:
    """The locale in force is C/POSIX (plain ASCII), by POSIX's order: LC_ALL, LC_CTYPE, LANG.

    ``C.UTF-8`` in LC_CTYPE alone does not count as a choice: Python sets it itself when it coerces
    a C locale (PEP 538), so then LANG says what the user has.
    """
    if value := environ.get("LC_ALL"):
        return value in ("C", "POSIX")
    ctype = environ.get("LC_CTYPE", "")
    if ctype and ctype not in ("C.UTF-8", "C.utf8"):
        return ctype in ("C", "POSIX")
    return environ.get("LANG", "") in ("C", "POSIX")


def wants_ascii(encoding: str | None, environ: Mapping[str, str]) -> bool:
    """Draw in ASCII: the output's ``encoding`` cannot encode the chart glyphs, the locale is C, or
    the terminal is the Linux console (``TERM=linux``: its fonts have no braille, a chart there was
    a column of blobs)."""
    try:
        PROBE.encode(encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return True
    return _c_locale(environ) or environ.get("TERM") == "linux"


class StreamFilter:
    """A text stream that changes what is written and passes it on to ``stream``; the rest of the
    stream interface (flush, isatty, fileno: what rich asks of a console's file) is ``stream``'s.

    Subclasses write :meth:`write`; the CLI stacks them on stdout (ASCII glyphs, no trailing spaces).
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.encoding = getattr(stream, "encoding", None)

    def write(self, text: str) -> int:
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()


class AsciiStream(StreamFilter):
    """A text stream that writes what it is given in ASCII glyphs to ``stream`` (``plot --ascii``)."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self.encoding = "ascii"

    def write(self, text: str) -> int:
        return self.stream.write(ascii_text(text))
