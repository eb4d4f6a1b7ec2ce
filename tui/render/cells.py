"""Exact-size text: every renderer returns lines of exactly the width it was given, built from these.

One fitting rule (crop or ellipsis, padded with spaces, never wrapped) instead of one per module, and the
numpy-to-Text step that turns a grid of characters and style ids into lines with one span per run.
"""

from __future__ import annotations

import io
from typing import Literal

import numpy as np
from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.style import Style
from rich.text import Span, Text

from tui.views.safe import inert

#: Only for wrapping (``Text.wrap`` asks a console for its options); nothing is printed to it.
_CONSOLE = Console(width=80, file=io.StringIO(), color_system=None)

__all__ = ["blank", "blank_lines", "cut_at_word", "fit", "message_lines", "styled_rows", "wrapped_lines"]


def fit(text: Text, width: int, *, overflow: Literal["crop", "ellipsis"] = "crop") -> Text:
    """``text`` cut (``…`` at the cut with ``ellipsis``) or padded to exactly ``width`` cells, one line.

    Changes ``text`` in place and returns it: callers fit the lines they have just built.
    """
    text.truncate(max(width, 0), overflow=overflow, pad=True)
    return text


def cut_at_word(text: str, width: int) -> str:
    """``text`` in at most ``width`` cells, cut after its last whole word that fits, with ``…``.

    For prose in a narrow cell (an optimizer's description, a note): a cut inside a word
    (``adamw with a really long name fo``) reads as a different word. Text without a space in
    reach is cut where it must be, still marked by the ``…``.
    """
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    head = set_cell_size(text, width - 1)
    space = head.rstrip().rfind(" ")
    if space > 0 and text[len(head)] not in " ":
        head = head[:space]
    return head.rstrip() + "…"


def blank(width: int) -> Text:
    """A line of ``width`` spaces."""
    return Text(" " * max(width, 0), no_wrap=True, overflow="crop", end="")


def blank_lines(width: int, height: int) -> list[Text]:
    """``height`` blank lines of ``width`` cells (none for a negative height)."""
    return [blank(width) for _ in range(max(height, 0))]


def message_lines(width: int, height: int, message: str) -> list[Text]:
    """What an empty or waiting chart shows: a dim message (a line per ``\\n``), centred in an
    otherwise blank frame of ``height`` lines of ``width`` cells. The message may quote log text (a
    tag, an error): each line is made inert."""
    lines = blank_lines(width, height)
    parts = [inert(part) for part in message.split("\n")[:height]]
    top = max((height - len(parts)) // 2, 0)
    for i, part in enumerate(parts):
        lines[top + i] = fit(
            Text(part[:width].center(width), style=Style(dim=True)), width, overflow="ellipsis"
        )
    return lines


def wrapped_lines(width: int, height: int, message: str, style: Style | None = None) -> list[Text]:
    """A long message (a reason, a problem) word-wrapped into ``height`` lines of ``width`` cells from
    the top, made inert; when it needs more rows than there are, the last one ends in "…"."""
    width, height = max(width, 1), max(height, 0)
    text = Text(inert(message), style=style or Style())
    rows = list(text.wrap(_CONSOLE, width))
    lines = [fit(row, width) for row in rows[:height]]
    if len(rows) > height > 0:
        lines[-1] = fit(
            Text(lines[-1].plain.rstrip() + " …", style=style or Style()), width, overflow="ellipsis"
        )
    return lines + blank_lines(width, height - len(lines))


def styled_rows(chars: np.ndarray, style_ids: np.ndarray, styles: dict[int, Style]) -> list[Text]:
    """Turn a ``[rows, cols]`` grid of characters and style ids into one ``Text`` per row.

    Spans are built per run of equal style (found with numpy), not per cell, so a full 120x40 frame costs a
    few hundred span objects. Ids missing from ``styles`` are unstyled.
    """
    rows = []
    for r in range(chars.shape[0]):
        ids = style_ids[r]
        text = Text("".join(chars[r].tolist()), no_wrap=True, overflow="crop", end="")
        if ids.size:
            cuts = np.flatnonzero(ids[1:] != ids[:-1]) + 1
            starts = np.concatenate(([0], cuts))
            ends = np.concatenate((cuts, [ids.size]))
            text.spans = [
                Span(int(s), int(e), styles[int(ids[s])])
                for s, e in zip(starts, ends, strict=True)
                if int(ids[s]) in styles
            ]
        rows.append(text)
    return rows
