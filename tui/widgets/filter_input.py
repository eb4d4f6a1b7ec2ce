"""The filter bar: a runs regex and a tags regex, applied as you type (TensorBoard's semantics).

Runs match case-sensitively and tags case-insensitively, both by regex *search*. An invalid regex
is marked and not applied (the last valid filter stays), so typing ``(`` on the way to ``(a|b)``
never blanks the screen. Enter keeps the filters, Escape restores what was there when the bar
was opened; the bar stays visible while any filter is set.

The bar is modal: while a field has the keyboard, Tab and shift+Tab move between its two fields
(never out of the bar: typing ``seed``, Tab, ``loss`` must not hide runs and raise smoothing), and
letters are text, never commands. The fields take part in no Tab cycle while the bar is closed (a
filter set with ``--tags`` shows the bar, but Tab through the panes must not land in it); ``/``
opens it, clicking a field opens it too, and moving the focus elsewhere closes it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label

from tui.views.selection import regex_error

__all__ = ["FilterBar"]


class FilterBar(Horizontal):
    """Two inputs: ``#run-filter`` and ``#tag-filter``."""

    # Selectors name this widget themselves (some under ``Screen.-narrow``), so they are not scoped.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    #filter {
        display: none;
        height: 1;
        padding: 0 1;
    }

    #filter.-open, #filter.-set {
        display: block;
    }

    #filter .filter-label {
        width: auto;
        color: $text-muted;
        padding: 0 0 0 1;
    }

    #filter Input {
        width: 1fr;
        height: 1;
        border: none;
        padding: 0 1;
        background: $boost;
    }

    #filter Input:focus {
        background: $accent 25%;
    }

    #filter Input.-invalid {
        color: $error;
        text-style: underline;
    }
    """

    HELP_TITLE = "Filter bar (Enter keeps, Tab switches runs/tags)"

    # Shown in the key bar while a field has the keyboard: the app's keys are letters typed there.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "keep", "Keep", priority=True, tooltip="Keep the filters and close the bar"),
        Binding("escape", "cancel", "Cancel", tooltip="Restore the filters as they were and close the bar"),
        Binding("tab,shift+tab", "other_field", "Runs/tags", priority=True, tooltip="Runs / tags field"),
    ]

    class Changed(Message):
        """Both filters as they are now (only valid regexes are ever sent)."""

        def __init__(self, runs: str, tags: str) -> None:
            super().__init__()
            self.runs = runs
            self.tags = tags

    class Done(Message):
        """Editing ended (Enter or Escape) and the widget that had the keyboard before is gone or hidden:
        the owner picks where the keyboard goes."""

    def __init__(self, runs: str = "", tags: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._initial = (runs, tags)
        self._saved = (runs, tags)
        #: What had the keyboard when the bar opened: it gets it back when editing ends.
        self._return_to: Widget | None = None
        self.runs, self.tags = runs, tags

    def compose(self) -> ComposeResult:
        yield Label("runs /", classes="filter-label")
        yield _Field(self._initial[0], placeholder="regex", id="run-filter", select_on_focus=False)
        yield Label("tags /", classes="filter-label")
        yield _Field(self._initial[1], placeholder="regex, any case", id="tag-filter", select_on_focus=False)

    def open(self, which: str) -> None:
        """Show the bar and focus the ``"runs"`` or ``"tags"`` input."""
        if not self.editing:
            self._saved = (self.runs, self.tags)
            self._return_to = self.app.focused
        self.add_class("-open")
        for field in self.query(Input):
            field.can_focus = True
        target = self.query_one("#run-filter" if which == "runs" else "#tag-filter", Input)
        # At once, not by ``target.focus()``, which Textual defers until the messages already queued
        # are handled: see :meth:`take_late_key` for the keys typed right after "/".
        self.screen.set_focus(target)
        target.cursor_position = len(target.value)

    def take_late_key(self, event: events.Key) -> bool:
        """Type into the field a printable key that went to the old focus: True when it did.

        Textual hands each key to whatever has the focus when the app reads it, so in a burst
        (``/19`` typed fast, or pasted by a slow link in one packet) the keys after ``/`` were
        already on their way to the runs list before the bar opened, and came back up to the app as
        its commands (1 and 9 switch tabs). A field types every printable key it gets itself, so a
        printable key that reaches the app while a field has the focus is one of those.
        """
        field = self.app.focused
        if not (self.editing and isinstance(field, _Field) and event.is_forwarded and event.is_printable):
            return False
        field.post_message(events.Key(event.key, event.character))
        return True

    @property
    def editing(self) -> bool:
        return self.has_class("-open")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Tab and Enter belong to the bar only while a field has the keyboard (a priority binding is
        # checked whatever has focus).
        if action in ("other_field", "keep"):
            focused = self.app.focused
            return focused is not None and focused.parent is self
        return True

    def action_other_field(self) -> None:
        focused = self.app.focused
        other = "#tag-filter" if focused is not None and focused.id == "run-filter" else "#run-filter"
        self.open("runs" if other == "#run-filter" else "tags")

    def on_descendant_blur(self, event) -> None:
        # Focus left a field: if it went outside the bar (a click elsewhere, a tab key), editing ends.
        self.call_after_refresh(self._close_if_left)

    def _close_if_left(self) -> None:
        focused = self.app.focused
        if self.editing and (focused is None or focused.parent is not self):
            self._close(refocus=False)

    def _close(self, *, refocus: bool = True) -> None:
        for field in self.query(Input):
            field.can_focus = False
        self.remove_class("-open")
        self.set_class(bool(self.runs or self.tags), "-set")
        if refocus:
            target = self._return_to
            if target is not None and target.is_attached and target.display:
                target.focus()
            else:
                self.post_message(self.Done())

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        err = regex_error(event.value)
        event.input.set_class(err is not None, "-invalid")
        event.input.tooltip = err
        if err is not None:
            return
        if event.input.id == "run-filter":
            self.runs = event.value
        else:
            self.tags = event.value
        self.set_class(bool(self.runs or self.tags), "-set")
        self.post_message(self.Changed(self.runs, self.tags))

    def action_keep(self) -> None:
        self._close()

    def action_cancel(self) -> None:
        runs, tags = self._saved
        self.set_values(runs, tags)
        self.post_message(self.Changed(runs, tags))
        self._close()

    def set_values(self, runs: str, tags: str) -> None:
        """Set both filters from outside (command palette, tests) without reopening the bar."""
        self.runs, self.tags = runs, tags
        for sel, value in (("#run-filter", runs), ("#tag-filter", tags)):
            inp = self.query_one(sel, Input)
            with inp.prevent(Input.Changed):
                inp.value = value
            inp.remove_class("-invalid")
        self.set_class(bool(runs or tags), "-set")


class _Field(Input):
    """A filter field: out of the Tab cycle until the bar opens; a click opens the bar on it."""

    def on_mount(self) -> None:
        self.can_focus = False

    def on_mouse_down(self) -> None:
        bar = self.parent
        if isinstance(bar, FilterBar) and not bar.editing:
            bar.open("runs" if self.id == "run-filter" else "tags")
