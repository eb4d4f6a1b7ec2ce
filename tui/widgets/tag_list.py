"""The tags list of a dashboard: groups (prefix before the first ``/``) with their tags.

Each tag row shows a sparkline and the last value of the focused run; the owner supplies those
through :attr:`TagList.info` so the list stays ignorant of the model. Rows are drawn lazily, so
only the tags on screen pay for a sparkline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message

from tui.render.rows import EMPTY_NAME, TagInfo, group_row, tag_row
from tui.views.safe import Inert
from tui.views.selection import neighbour
from tui.widgets.row_list import RowList

__all__ = ["TagList"]


@dataclass(frozen=True, slots=True)
class _Row:
    kind: str  # "group" | "tag"
    name: str  # group name or full tag
    label: str
    count: int = 0
    indent: int = 2


class TagList(RowList):
    """Grouped tags; moving the cursor onto a tag selects it."""

    HELP_TITLE = "Tags list"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "activate", "Open tag in the chart / fold group", show=False),
    ]

    class Selected(Message):
        """The cursor is on tag ``tag``."""

        def __init__(self, tag: str) -> None:
            super().__init__()
            self.tag = tag

    class Activated(Message):
        """Enter on a tag: the owner typically focuses the chart."""

        def __init__(self, tag: str) -> None:
            super().__init__()
            self.tag = tag

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.groups: list[tuple[str, list[str]]] = []
        self.collapsed: set[str] = set()
        self._rows: list[_Row] = []
        #: The last tag the cursor was on (:attr:`shown_tag` while it is on a group's header).
        self._last_tag: str | None = None
        #: ``info(tag, width) -> TagInfo``; set by the owner.
        self.info: Callable[[str, int], TagInfo] = lambda tag, width: TagInfo()

    # -- rows -----------------------------------------------------------------------------------

    def set_groups(self, groups: list[tuple[str, list[str]]]) -> None:
        """Replace the tags (already grouped and ordered), keeping the cursor on the same tag."""
        if groups == self.groups:
            self.refresh_rows()  # sparklines and values may have changed: those cells only
            return
        self.groups = groups
        self._rebuild()

    def _rebuild(self) -> None:
        keep = self.selected_tag or self._current_group()
        rows: list[_Row] = []
        for group, tags in self.groups:
            if len(tags) == 1 and tags[0] == group:
                rows.append(_Row("tag", group, group or EMPTY_NAME, indent=0))
                continue
            rows.append(_Row("group", group, group, count=len(tags)))
            if group in self.collapsed:
                continue
            prefix = group + "/"
            for tag in tags:
                label = tag[len(prefix) :] if tag.startswith(prefix) else tag
                rows.append(_Row("tag", tag, label or tag or EMPTY_NAME))
        self._rows = rows
        index = next((i for i, r in enumerate(rows) if r.name == keep), None)
        if index is None:
            index = next((i for i, r in enumerate(rows) if r.kind == "tag"), 0)
        self.set_reactive(TagList.cursor, index)
        self.rows_changed()
        self._scroll_to_cursor()
        tag = self.selected_tag
        self._last_tag = tag or self._last_tag
        if tag is not None and tag != keep:
            self.post_message(self.Selected(tag))

    def _current_group(self) -> str | None:
        if 0 <= self.cursor < len(self._rows) and self._rows[self.cursor].kind == "group":
            return self._rows[self.cursor].name
        return None

    @property
    def tags(self) -> list[str]:
        """Every listed tag, collapsed groups included, in order."""
        return [t for _, tags in self.groups for t in tags]

    @property
    def selected_tag(self) -> str | None:
        if 0 <= self.cursor < len(self._rows) and self._rows[self.cursor].kind == "tag":
            return self._rows[self.cursor].name
        return None

    @property
    def shown_tag(self) -> str | None:
        """The tag a chart shows: the one under the cursor, or on a group's header the tag the cursor
        was on (passing a header, or folding the group holding the tag, must not blank the chart at
        the next update); None once that tag is no longer listed."""
        tag = self.selected_tag
        if tag is not None or self._last_tag is None:
            return tag
        return self._last_tag if any(self._last_tag in tags for _, tags in self.groups) else None

    def select_tag(self, tag: str) -> bool:
        for i, r in enumerate(self._rows):
            if r.kind == "tag" and r.name == tag:
                self.cursor = i
                return True
        return False

    def select_next(self, delta: int) -> str | None:
        """Move ``delta`` tags from the selected one (j/k on a chart), opening a collapsed group
        that holds the tag; the tag now selected."""
        tag = neighbour(self.tags, self.selected_tag, delta)
        if tag is not None:
            self.reveal(tag)
        return tag

    def reveal(self, tag: str) -> bool:
        """Select ``tag``, opening its group when it is collapsed; False when it is not listed."""
        if self.select_tag(tag):
            return True
        for group, members in self.groups:
            if tag in members and group in self.collapsed:
                self.toggle_group(group)
        return self.select_tag(tag)

    def toggle_group(self, group: str) -> None:
        self.collapsed ^= {group}
        self._rebuild()

    # -- RowList --------------------------------------------------------------------------------

    def row_count(self) -> int:
        return len(self._rows)

    def row_subject(self, index: int) -> str:
        r = self._rows[index]
        return f"{'tag group' if r.kind == 'group' else 'tag'} {Inert(r.name)}"

    def render_row(self, index: int, width: int, base: Style) -> Text:
        r = self._rows[index]
        if r.kind == "group":
            return group_row(r.name, r.count, width, collapsed=r.name in self.collapsed, base=base)
        return tag_row(r.label, width, self.info(r.name, max(width // 4, 4)), indent=r.indent, base=base)

    def watch_cursor(self, old: int, new: int) -> None:
        super().watch_cursor(old, new)
        tag = self.selected_tag
        if tag is not None:
            self._last_tag = tag
            self.post_message(self.Selected(tag))

    def row_clicked(self, index: int, x: int) -> None:
        r = self._rows[index]
        if r.kind == "group":
            self.toggle_group(r.name)

    def action_activate(self) -> None:
        if not (0 <= self.cursor < len(self._rows)):
            return
        r = self._rows[self.cursor]
        if r.kind == "group":
            self.toggle_group(r.name)
        else:
            self.post_message(self.Activated(r.name))
