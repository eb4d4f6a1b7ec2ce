"""Log text made inert where it enters the view layer: no control sequence from a log reaches a terminal.

Event files are written by arbitrary programs, and a tag such as ``"\\x1b]52;c;...\\x07"`` would
otherwise set the user's clipboard or retitle their terminal when printed. Control characters are
shown as visible escapes instead (``\\x1b``, ``\\n`` as ``↵`` in one-line contexts), keeping the
text readable and unambiguous. Invisible characters that reorder or hide text (bidi marks and
overrides, zero-width characters, line and paragraph separators) are shown the same way, so a name
cannot pose as another; a byte that is not UTF-8 (a surrogate escape in a file name) is shown as ``\\xe9``.

:class:`Inert` is the boundary type: a ``str`` whose value has been made inert. Constructing one does
it, and doing it again changes nothing, so code that only ever hands widgets and printers an ``Inert``
cannot show log text raw. Where log text enters the view it becomes one: :func:`inert_all` turns a
model object (a graph node's detail) into the same object with every string inert, the status line's
notice is one (tui.views.state), and panes build what they draw from log text as
:class:`tui.render.safe_text.SafeText`, which makes every string it is given an ``Inert``.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TypeVar

__all__ = ["Inert", "inert", "inert_all", "json_escaped", "visible"]

T = TypeVar("T")

# C0 controls (tab and newline handled separately), DEL, C1 controls; bidi marks, embeddings, overrides
# and isolates that can disguise text direction (U+061C, U+200E/F, U+202A-E, U+2066-9); zero-width
# space, non-joiner and joiner and the byte-order mark (U+200B-D, U+FEFF) that hide characters; the line
# and paragraph separators (U+2028/9) that break a line where none shows.
_HIDING = "\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff"
# Lone surrogates: a file or directory name whose bytes are not UTF-8 reaches Python with each such
# byte as U+DC80-DCFF (PEP 383's surrogateescape); no encoder writes one as UTF-8.
_SURROGATES = "\ud800-\udfff"
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_HIDING}{_SURROGATES}]")
# What JSON leaves raw (it escapes only C0) but must not reach a terminal, or a UTF-8 encoder, raw.
_JSON_RAW = re.compile(f"[\x7f-\x9f{_HIDING}{_SURROGATES}]")


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group())
    if 0xDC80 <= c <= 0xDCFF:  # a non-UTF-8 byte of a name: shown as that byte
        return f"\\x{c - 0xDC00:02x}"
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def json_escaped(text: str) -> str:
    """JSON text with every C1, bidi, zero-width and line-separator character and every lone surrogate
    written as a ``\\u`` escape: ``json.loads`` gives the exact same strings back (a non-UTF-8 byte
    as its surrogate escape, which ``os.fsencode`` turns back into the byte), while the text itself
    is valid UTF-8 that shows nothing hidden on a terminal. ``text`` must be JSON: outside strings it
    holds none of these characters, so every replacement lands inside a string."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def visible(text: str) -> str:
    """``text`` with every control, bidi, zero-width and separator character and every lone surrogate
    written as its escape (``\\x1b``), and nothing else changed (not even newlines). What the
    terminal boundary applies to every cell of the screen (see tui/widgets/inert_lines.py)."""
    return _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text


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


def inert_all(value: T) -> T:
    """``value`` with every string in it made :class:`Inert`: the strings of a dataclass's fields and of
    tuples, at any depth (other values as they are). One call turns a model object (a graph node's
    detail, a tag's metadata) into the same object safe to show, where it enters the view."""
    if isinstance(value, str):
        return Inert(value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        return type(value)(inert_all(v) for v in value)  # type: ignore[return-value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: inert_all(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)  # type: ignore[return-value]
    return value
