"""Text that cannot hold raw log text: where run names, tags and payload text become something drawn.

Panes build their headers, info boxes and messages out of log text (a tag, a run, a mesh's problem, an
embedding's metadata) and their own words. :class:`SafeText` is the one way they do: every ``str`` it is
given, at construction or by :meth:`~rich.text.Text.append`, is made inert on the way in (one line: a
newline in a name shows as ``↵``; an :class:`~tui.views.safe.Inert` passes as it is), so no call site
has to remember to. Line breaks of the text's own layout are :meth:`SafeText.newline`; a ``Text`` piece
is taken as it is (it was built safe). The terminal boundary (tui/widgets/inert_lines.py) stays behind
this as the guarantee; this is what keeps names readable and on one line.
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text

from tui.views.safe import Inert

__all__ = ["SafeText"]


class SafeText(Text):
    """A rich ``Text`` whose every ``str`` part is :class:`~tui.views.safe.Inert`."""

    def __init__(self, text: str = "", style: str | Style = "", **kwargs: Any) -> None:
        super().__init__(Inert(text), style, **kwargs)

    def append(self, text: Text | str, style: str | Style | None = None) -> SafeText:
        super().append(text if isinstance(text, Text) else Inert(text), style)
        return self

    def newline(self) -> SafeText:
        """End the line (the text's own layout, never log text)."""
        self.append_text(Text("\n"))
        return self
