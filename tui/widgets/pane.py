"""The base class of every tab's content: what the app hands it, and the messages it may send back.

The app owns the state all tabs share and hands the active tab one immutable
:class:`~tui.views.selection.PaneContext` by setting :attr:`Pane.context` (only when something a pane
can see has changed, at most a few times a second, and at once when a tab is activated); the pane
redraws in ``watch_context``. A pane never reaches into the app: it posts one of the messages below.
The app never reaches into a pane either, beyond :attr:`Pane.context` and :attr:`Pane.selected_tag`.

Keys go in a pane's ``BINDINGS`` (with a short description each): the help screen lists the bindings
of every mounted widget, so a key is documented exactly when it exists. App-wide keys (1-7, q, ?, /,
p, s, x, y, i, o, a, d) are taken. Styles go in the widget's ``DEFAULT_CSS``.
"""

from __future__ import annotations

from textual.lazy import Lazy
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from tui.views.selection import PaneContext

__all__ = ["LazyPane", "Pane"]


class Pane(Widget):
    """A tab's content. Subclasses implement ``watch_context(old, new)``."""

    context: reactive[PaneContext | None] = reactive(None, layout=False, repaint=False, init=False)

    @property
    def selected_tag(self) -> str | None:
        """The tag this pane shows, when it shows one (the dashboard opens on it)."""
        return None

    class Notice(Message):
        """Ask the app to show a one-line notice in the status bar."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class FocusRun(Message):
        """Ask the app to highlight ``run`` in the runs pane."""

        def __init__(self, run: str) -> None:
            super().__init__()
            self.run = run

    class ShowOnly(Message):
        """Ask the app to show only ``runs`` in every tab, hiding all others, and to say that they were
        chosen in ``source``."""

        def __init__(self, runs: tuple[str, ...], source: str) -> None:
            super().__init__()
            self.runs = runs
            self.source = source

    class Mounted(Message):
        """The pane is in the DOM: the tabs but the first mount lazily, just after the first screen,
        so one activated before that is handed its context now."""

        def __init__(self, pane: Pane) -> None:
            super().__init__()
            self.pane = pane

    def on_mount(self) -> None:
        self.post_message(self.Mounted(self))

    class Ready(Message):
        """The pane has focusable content now (after preparing it in a worker): focus may move in."""

        def __init__(self, pane: Pane) -> None:
            super().__init__()
            self.pane = pane


class LazyPane(Lazy):
    """Textual's :class:`~textual.lazy.Lazy` for a tab's pane (mounted just after the first screen),
    without its race: when the app quits before the deferred mount runs, the tab is going and the
    pane is simply not mounted (Textual 8's Lazy raises MountError there, ending the app with an
    error on a quick ``q``)."""

    async def mount_composed_widgets(self, widgets: list[Widget]) -> None:
        parent = self.parent
        if not isinstance(parent, Widget):
            return

        async def mount() -> None:
            if parent.is_mounted and self.is_attached:
                await parent.mount(self._replace_widget, after=self)
                await self.remove()

        self.call_after_refresh(mount)
