"""Run colours that stay distinct on every terminal: truecolor, 256 colours (tmux's default) and 16.

A palette designed in truecolor and left to Rich's downgrade collides: two reds become the same
xterm-256 entry, and at 16 colours half the runs turn red. So the palettes are chosen where they
are shown. :data:`CUBE_COLORS` are exact entries of the xterm 256-colour cube (Rich maps each to
itself, and truecolor terminals show the same colours); :data:`ANSI_COLORS` are Rich's 16 standard
colours, so a 16-colour terminal shows its own red, cyan, ... and no two runs share one. The first
entries follow Okabe and Ito's colour-blind-safe set (orange, sky blue, reddish purple,
bluish green, yellow, blue, vermillion), bright enough for a dark background; neighbours differ in hue and
lightness so ``seed0``/``seed1`` never look alike. Colour is never the only cue: runs also carry a
marker letter (tui.views.runs), for NO_COLOR, monochrome and colour-blind eyes.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.color import EIGHT_BIT_PALETTE, STANDARD_PALETTE

__all__ = ["ANSI_COLORS", "CUBE_COLORS", "CURSOR_COLOR", "ansi_hex", "color_for", "palette_for"]


def _hex(triplet) -> str:
    r, g, b = triplet
    return f"#{r:02x}{g:02x}{b:02x}"


def ansi_hex(number: int) -> str:
    """Standard colour ``number`` (0-15) as the hex Rich maps back to that number on a 16-colour
    terminal: a colour chosen for 16 colours, not left to the downgrade."""
    return _hex(STANDARD_PALETTE[number])


#: xterm-256 numbers of the run colours, in order: Okabe-Ito first, then further hues, grey last
#: (246 is the lightest grey Rich's downgrade maps to itself).
CUBE_NUMBERS: tuple[int, ...] = (214, 75, 175, 36, 227, 33, 202, 120, 141, 180, 44, 246)
#: Standard (16-colour) numbers: bright yellow, bright cyan, green, bright magenta, bright blue,
#: bright red, bright green, yellow, cyan, magenta, red. Dark blue, black and grey are left out
#: (unreadable on a dark terminal, or the colour of dimmed text), and so are white and bright white:
#: the app's text and its accent (the focused pane, the cursor; tui.widgets.theme), so nothing that
#: marks the focus can be taken for a run.
ANSI_NUMBERS: tuple[int, ...] = (11, 14, 2, 13, 12, 9, 10, 3, 6, 5, 1)

#: Every chart's cursor (the scalar chart's line, the histogram and distribution cursor step): a
#: white, which no run has on any terminal (a blue cursor was run B's colour after the downgrade).
CURSOR_COLOR = "#e0e0e0"

#: The run palette as hex: exact cube colours, so truecolor and 256-colour terminals agree.
CUBE_COLORS: tuple[str, ...] = tuple(_hex(EIGHT_BIT_PALETTE[n]) for n in CUBE_NUMBERS)
#: The 16-colour palette, as the hex of Rich's standard colours (Rich maps each back to its number).
ANSI_COLORS: tuple[str, ...] = tuple(ansi_hex(n) for n in ANSI_NUMBERS)


def color_for(index: int) -> str:
    """The ``index``-th run colour of the default (cube) palette; wraps around."""
    return CUBE_COLORS[int(index) % len(CUBE_COLORS)]


def _ansi_for(index: int) -> str:
    return ANSI_COLORS[int(index) % len(ANSI_COLORS)]


def palette_for(color_system: str | None) -> Callable[[int], str]:
    """The palette for a console's colour system (Rich's names: "truecolor", "256", "standard",
    "windows", or None without colour): 16-colour terminals get the standard colours."""
    return _ansi_for if color_system in ("standard", "windows") else color_for
