"""Make text from logs inert: no terminal control sequence in a tag, run name or text summary may
reach the terminal.

Event files are written by arbitrary programs, and a tag such as ``"\\x1b]52;c;...\\x07"`` would
otherwise set the user's clipboard or retitle their terminal when printed. Control characters are
shown as visible escapes instead (``\\x1b``, ``\\n`` as ``↵`` in one-line contexts), keeping the
text readable and unambiguous.
"""

from __future__ import annotations

import re

# C0 controls (tab and newline handled separately), DEL, C1 controls, and bidi overrides that can
# disguise text direction.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match[str]) -> str:
    c = m.group()
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


def inert(text: str, *, one_line: bool = True) -> str:
    """``text`` with control characters made visible. One-line mode also shows tabs and newlines."""
    out = _CONTROL.sub(_escape, text)
    if one_line:
        out = out.replace("\t", "→").replace("\r\n", "↵").replace("\n", "↵").replace("\r", "↵")
    else:
        out = out.replace("\r\n", "\n").replace("\r", "\n")
    return out
