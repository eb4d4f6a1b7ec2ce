"""The key bar at the bottom: the keys that work where the focus is, redrawn as one line of text.

It replaces Textual's ``Footer``, which recomposes a ``FooterKey`` widget per binding on every focus
change and leaks each old one: every ``FooterKey`` data-binds ``compact`` to the footer, and that
watcher, which holds the key, stays registered on the footer after the key is removed (Textual
1.0-8.2; issue 11 #12 measured 200-260 kB a Tab press, +259 MB after 1,000). This widget owns no
children: a change of bindings re-renders one :class:`~rich.text.Text`, so nothing can pile up.

It shows what the footer showed (the focused chain's bindings with ``show=True``, one per action,
disabled ones dimmed, the command palette key on the right) and a click on a key presses it.
"""

from __future__ import annotations

import string

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.keys import _character_to_key
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget

__all__ = ["KeyBar"]

#: Printable characters by Textual's key name ("slash": "/").
_KEY_CHARACTERS = {_character_to_key(c): c for c in string.printable if c.isprintable()}


class KeyBar(Widget):
    """One line of ``key description`` pairs for the current screen's active bindings."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $text-muted;  /* the keys, in the accent and bold, stand out from what they do */
    }
    """

    #: Bumped when the bindings change, so the line is drawn again (and only then).
    _version: reactive[int] = reactive(0, layout=False)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._spans: list[tuple[int, int, str]] = []  # (first column, end column, key) per shown key
        self._screen: Screen | None = None
        #: What the line was last built from (:meth:`_entries`): a focus change that leaves the same
        #: keys (most do within a pane) draws nothing.
        self._shown: object = None

    def on_mount(self) -> None:
        self._screen = self.screen
        self._screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        if self._screen is not None:
            self._screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            entries = self._entries()
            if entries != self._shown:
                self._shown = entries
                self._version += 1

    def _entries(self) -> tuple[list[tuple[Binding, bool]], tuple[Binding, bool] | None]:
        """The bindings to show, one per action in the order Textual resolves them, and the palette's."""
        active = self.screen.active_bindings
        focused = self.screen.focused
        by_action: dict[str, tuple[Binding, bool]] = {}
        for key, (node, binding, enabled, _tooltip) in active.items():
            if not binding.show or binding.action in by_action:
                continue
            # A key the focused input types is text there, not this command (Textual drops such
            # bindings itself, but not those of keys it names no character for: "slash").
            if self._typed_into(focused, node, key):
                continue
            by_action[binding.action] = (binding, enabled)
        palette = None
        if self.app.ENABLE_COMMAND_PALETTE and self.app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tooltip = active[self.app.COMMAND_PALETTE_BINDING]
            palette = (binding, enabled)
            by_action.pop(binding.action, None)
        return list(by_action.values()), palette

    @staticmethod
    def _typed_into(focused: Widget | None, node: object, key: str) -> bool:
        """``key`` is text the focused input types, not a binding of a widget around it."""
        typed = _KEY_CHARACTERS.get(key)
        return (
            typed is not None
            and focused is not None
            and node is not focused
            and focused.check_consume_key(key, typed)
        )

    def render(self) -> Text:
        _ = self._version  # drawn again when the bindings change
        bindings, palette = self._entries()
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        tail = self._entry(*palette, key_style) if palette is not None else None
        # Whole entries only, and the palette's key stays on the right: cutting the line at the
        # width left a key without its description ("x X axis  d") and dropped the palette key.
        room = self.size.width - (tail[0].cell_len + 1 if tail is not None else 0)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        self._spans = []
        for binding, enabled in bindings:
            entry, key = self._entry(binding, enabled, key_style)
            if self.size.width and text.cell_len + entry.cell_len > room:
                break
            self._spans.append((text.cell_len, text.cell_len + entry.cell_len, key))
            text.append_text(entry)
        if tail is not None:
            entry, key = tail
            text.append(" " * max(1, self.size.width - text.cell_len - entry.cell_len))
            self._spans.append((text.cell_len, text.cell_len + entry.cell_len, key))
            text.append_text(entry)
        return text

    COMPONENT_CLASSES = {"key-bar--key"}  # noqa: RUF012 - Textual's declaration style

    DEFAULT_CSS += """
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    """

    def _entry(self, binding: Binding, enabled: bool, key_style: Style) -> tuple[Text, str]:
        """`` key description `` for one binding, and the key a click on it presses."""
        dim = Style(dim=True) if not enabled else Style()
        t = Text(no_wrap=True, end="")
        t.append(f" {self.app.get_key_display(binding)} ", key_style + dim)
        t.append(f"{binding.description} ", dim)
        return t, binding.key.split(",")[0].strip()

    def on_click(self, event: events.Click) -> None:
        """A click on a key presses it, as a click on the footer's keys did."""
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
