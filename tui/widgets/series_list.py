"""A list of (run, tag) series grouped under their tags, for tabs that show one series at a time.

The Text and Images tabs show one run's values of one tag; this list is how the user picks it.
Tags are headers and each visible run that has the tag is a row under it, marked with the run's
colour, so the runs of a tag sit next to each other for comparison (TensorBoard lays its cards out
the same way). The cursor only lands on run rows: a header is not something to show.

Names come from event files, so every name is drawn through :func:`tui.views.safe.inert`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import set_cell_size
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message

from tui.render.cells import fit
from tui.render.rows import ellipsize_middle, fit_name
from tui.views.safe import Inert, inert
from tui.views.selection import PaneContext
from tui.widgets.row_list import RowList

__all__ = ["SeriesEntry", "SeriesList"]


@dataclass(frozen=True, slots=True)
class SeriesEntry:
    """One run's series of one tag: the run, its colour and how many steps it holds, and how the runs
    pane names the run (its ``marker`` letter, its ``label`` without the prefix all runs share)."""

    run: str
    color: str
    count: int
    marker: str = ""
    label: str = ""
    short: tuple[str, ...] = ()

    @classmethod
    def of(cls, ctx: PaneContext, run: str, count: int) -> SeriesEntry:
        marker, label, short = ctx.source_names(run)
        return cls(run, ctx.color(run), count, marker, label, short)


@dataclass(frozen=True, slots=True)
class _Row:
    tag: str
    entry: SeriesEntry | None = None  # None: the tag's header row


class SeriesList(RowList):
    """Tags with their runs; moving the cursor onto a run row selects that (run, tag)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "activate", "Show", show=False),
    ]

    class Selected(Message):
        """The cursor is on ``run``'s series of ``tag``."""

        def __init__(self, run: str, tag: str) -> None:
            super().__init__()
            self.run = run
            self.tag = tag

    class Activated(Message):
        """Enter on a series: the owner typically moves focus to what shows it."""

        def __init__(self, run: str, tag: str) -> None:
            super().__init__()
            self.run = run
            self.tag = tag

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.groups: list[tuple[str, list[SeriesEntry]]] = []
        self._rows: list[_Row] = []

    # -- rows -----------------------------------------------------------------------------------

    def set_groups(self, groups: list[tuple[str, list[SeriesEntry]]]) -> None:
        """Replace the series (tags in order, each with its runs), keeping the cursor on the same
        (run, tag) when it is still listed."""
        if groups == self.groups:
            return
        keep = self.selected
        self.groups = groups
        self._rows = [r for tag, entries in groups for r in (_Row(tag), *(_Row(tag, e) for e in entries))]
        index = None
        if keep is not None:
            index = next(
                (i for i, r in enumerate(self._rows) if r.entry and (r.entry.run, r.tag) == keep), None
            )
        if index is None:
            index = next((i for i, r in enumerate(self._rows) if r.entry), 0)
        self.set_reactive(SeriesList.cursor, index)
        self.rows_changed()
        self._scroll_to_cursor()
        if self.selected != keep and self.selected is not None:
            self.post_message(self.Selected(*self.selected))

    @property
    def selected(self) -> tuple[str, str] | None:
        """The (run, tag) under the cursor, or None when the list is empty."""
        if 0 <= self.cursor < len(self._rows):
            r = self._rows[self.cursor]
            if r.entry is not None:
                return (r.entry.run, r.tag)
        return None

    def select(self, run: str, tag: str) -> bool:
        for i, r in enumerate(self._rows):
            if r.entry is not None and (r.entry.run, r.tag) == (run, tag):
                self.cursor = i
                return True
        return False

    # -- RowList --------------------------------------------------------------------------------

    def row_count(self) -> int:
        return len(self._rows)

    def row_subject(self, index: int) -> str:
        r = self._rows[index]
        return f"{Inert(r.tag)} of {Inert(r.entry.run)}" if r.entry is not None else f"tag {Inert(r.tag)}"

    def render_row(self, index: int, width: int, base: Style) -> Text:
        r = self._rows[index]
        t = Text(no_wrap=True, end="", style=base)
        if r.entry is None:
            t.append(ellipsize_middle(inert(r.tag), width), style=Style(bold=True))
        else:
            e = r.entry
            count = f" {e.count}"
            t.append("  ■ ", style=Style(color=e.color))
            if e.marker:
                t.append(f"{e.marker} ", style=Style(color=e.color, bold=True))
            name_w = max(width - t.cell_len - len(count), 1)
            name = fit_name(inert(e.label or e.run), tuple(inert(f) for f in e.short), name_w)
            t.append(set_cell_size(name, name_w))
            t.append(count, style=Style(dim=True))
        fit(t, width)
        return t

    def watch_cursor(self, old: int, new: int) -> None:
        # Headers are skipped in the direction of travel (or the other way at either end).
        if 0 <= new < len(self._rows) and self._rows[new].entry is None:
            step = 1 if new >= old else -1
            for direction in (step, -step):
                i = new + direction
                while 0 <= i < len(self._rows) and self._rows[i].entry is None:
                    i += direction
                if 0 <= i < len(self._rows):
                    self.cursor = i
                    return
        super().watch_cursor(old, new)
        if self.selected is not None:
            self.post_message(self.Selected(*self.selected))

    def action_activate(self) -> None:
        if self.selected is not None:
            self.post_message(self.Activated(*self.selected))
