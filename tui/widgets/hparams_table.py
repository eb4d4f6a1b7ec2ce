"""The HParams tab's table: Textual's DataTable with vim keys alongside the arrows.

A separate widget so its keys are listed under its own name in the help screen and the pane's
keys (sorting, marking) stay on the pane.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable

__all__ = ["SessionTable"]


class SessionTable(DataTable[object]):
    """One row per hparams session; a cell cursor so left/right choose the column to sort by."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("h", "cursor_left", "Left", show=False),
        Binding("l", "cursor_right", "Right", show=False),
        Binding("g", "scroll_top", "First row", show=False),
        Binding("G", "scroll_bottom", "Last row", show=False),
    ]
