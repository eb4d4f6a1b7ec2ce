"""The app's colours: an accent no run has, and on a 16-colour terminal a calm one.

Colour says which run a line is (tui.render.palette), so the accent (the focused pane's border, the
keys in the key bar, the cursor's cell) must be no run's colour: Textual's orange accent (``#ffa62b``)
is xterm-256 colour 214, run A's orange, and on 16 colours it and its warning land on bright red; an
earlier bright cyan accent there was run B's colour. The accent is white on every terminal (runs are
never white: :data:`tui.render.palette.ANSI_NUMBERS` leaves white out, the cube palette's one grey
is ``#949494``). On a 16-colour terminal (``TERM=screen``, ``linux``, ``xterm``) the app switches to
a theme whose roles are exact standard colours (Rich maps each back to its own number), with a
yellow warning, a red error and a green success. The cursor row is drawn reversed there and under
``NO_COLOR`` (see tui.widgets.row_list), so it never depends on a background shade.

Under ``NO_COLOR`` Textual keeps drawing in colour: its Monochrome filter turns every colour into a
grey (38;5;2xx codes on every cell), and its NoColor filter sets each colour to the terminal's
default (39/49 codes). :class:`Colourless` drops the colours instead and keeps the attributes (bold,
dim, reverse, underline), which are all that tells things apart there; the app puts it in place of
Textual's (:func:`without_colour`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from rich.color import STANDARD_PALETTE
from rich.segment import Segment
from rich.style import Style
from textual.app import App
from textual.color import Color
from textual.filter import LineFilter, Monochrome, NoColor
from textual.theme import BUILTIN_THEMES, Theme

__all__ = [
    "ACCENT",
    "SIXTEEN",
    "SIXTEEN_COLOUR_THEME",
    "THEME",
    "Colourless",
    "fit_theme_to_terminal",
    "is_sixteen_colour",
    "without_colour",
]

#: The class the app carries on a 16-colour terminal (CSS: ``App.-ansi16 ...``).
SIXTEEN = "-ansi16"


def _standard(number: int) -> str:
    r, g, b = STANDARD_PALETTE[number]
    return f"#{r:02x}{g:02x}{b:02x}"


_BASE = BUILTIN_THEMES["textual-dark"]

#: The accent on 256 colours and truecolor: white (xterm 231), no run's colour.
ACCENT = "#ffffff"

#: Textual's dark theme with a white accent (its orange one was run A's colour).
THEME = Theme(
    name="tbtui",
    primary=_BASE.primary,
    secondary=_BASE.secondary,
    accent=ACCENT,
    warning=_BASE.warning,
    error=_BASE.error,
    success=_BASE.success,
    foreground=_BASE.foreground,
    dark=True,
)

#: Textual's dark theme with every colour role on an exact standard colour.
SIXTEEN_COLOUR_THEME = Theme(
    name="tbtui-16",
    primary=_standard(12),  # bright blue
    secondary=_standard(4),  # blue
    accent=_standard(15),  # bright white: focus borders, keys in the key bar (no run is white)
    warning=_standard(11),  # bright yellow
    error=_standard(9),  # bright red
    success=_standard(10),  # bright green
    foreground=_BASE.foreground,
    dark=True,
    variables={
        "footer-key-foreground": _standard(15),
        "block-cursor-background": _standard(15),
        "block-cursor-foreground": _standard(0),
        "block-cursor-text-style": "bold",
        "input-selection-background": _standard(4),
    },
)


def is_sixteen_colour(color_system: str | None) -> bool:
    """Rich's names for a terminal of 16 colours (8 + bright): "standard", and "windows" (legacy)."""
    return color_system in ("standard", "windows")


def fit_theme_to_terminal(app: App) -> None:
    """Give ``app`` the theme for its console's colours: :data:`SIXTEEN_COLOUR_THEME` on 16, else
    :data:`THEME`."""
    theme = SIXTEEN_COLOUR_THEME if is_sixteen_colour(app.console.color_system) else THEME
    app.register_theme(theme)
    app.theme = theme.name
    app.set_class(theme is SIXTEEN_COLOUR_THEME, SIXTEEN)


@lru_cache(maxsize=4096)
def _colourless(style: Style) -> Style:
    return style.without_color


class Colourless(LineFilter):
    """Every segment without its colours (foreground and background); its attributes stay."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return [Segment(text, _colourless(style) if style else style, ctl) for text, style, ctl in segments]


_COLOURLESS = Colourless()


def without_colour(filters: Sequence[LineFilter]) -> list[LineFilter]:
    """``filters`` with Textual's NO_COLOR filter (there only under NO_COLOR) made :class:`Colourless`."""
    return [_COLOURLESS if isinstance(f, Monochrome | NoColor) else f for f in filters]
