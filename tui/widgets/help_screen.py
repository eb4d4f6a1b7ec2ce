"""The ``?`` help screen: every key, read from the bindings that actually exist.

The sections are built by walking the app and the widgets on screen (see :func:`collect_bindings`),
so a key shows here exactly when it is bound: a pane that another engineer adds documents its keys
by declaring them in ``BINDINGS``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.widgets.key_bar import KeyBar

__all__ = ["HelpScreen", "collect_bindings", "toggle_help"]

Section = tuple[str, list[tuple[str, str]]]

#: Classes of this package (not Textual's) contribute their bindings: "tui." for tui.widgets.help_screen.
_PACKAGE = __name__.partition(".")[0] + "."


def _own_bindings(cls: type) -> list[Binding]:
    """Bindings a tbtui class declares itself or inherits from other tbtui classes (not Textual's)."""
    seen: set[str] = set()
    out: list[Binding] = []
    for klass in cls.__mro__:
        if not klass.__module__.startswith(_PACKAGE) or "BINDINGS" not in klass.__dict__:
            continue
        raw: list[BindingType] = klass.__dict__["BINDINGS"]
        for b in Binding.make_bindings(raw):
            if b.key in seen:
                continue
            seen.add(b.key)
            out.append(b)
    return out


def _rows(app: App, bindings: Iterable[Binding]) -> list[tuple[str, str]]:
    """Group keys with the same description: ``↓ j  Down``, ``1 2 3 4 5 6 7  Tab: ...``."""
    grouped: dict[str, list[str]] = {}
    for b in bindings:
        desc = b.tooltip or b.description or b.action
        grouped.setdefault(desc, []).append(app.get_key_display(b))
    return [(" ".join(keys), desc) for desc, keys in grouped.items()]


def collect_bindings(app: App, roots: Iterable[DOMNode], extra: list[tuple[str, str]] = ()) -> list[Section]:
    """Sections of the help: the app's keys first, then each tbtui widget class found under ``roots``."""
    sections: list[Section] = [("Anywhere", [*_rows(app, _own_bindings(type(app))), *extra])]
    seen: set[type] = set()
    for root in roots:
        for node in [root, *root.walk_children()]:
            cls = type(node)
            if cls in seen or cls is type(app):
                continue
            seen.add(cls)
            bindings = _own_bindings(cls)
            if bindings:
                title = getattr(cls, "HELP_TITLE", None) or cls.__name__
                sections.append((title, _rows(app, bindings)))
    return sections


class HelpScreen(ModalScreen[None]):
    """Lists the key sections given to it; any of Escape, q or ? closes it."""

    # Selectors name this widget themselves (some under ``Screen.-narrow``), so they are not scoped.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }

    #help-body {
        width: 84;
        max-width: 100%;
        height: 90%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }

    #help-title {
        margin-bottom: 1;
    }

    .help-section {
        margin-top: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help"),
        # The help is longer than a screen: the keys it lists for every list scroll it too.
        Binding("j,down", "scroll('down')", "Scroll down", show=False),
        Binding("k,up", "scroll('up')", "Scroll up", show=False),
        Binding("ctrl+d,pagedown,space", "scroll('page_down')", "Page down", show=False),
        Binding("ctrl+u,pageup", "scroll('page_up')", "Page up", show=False),
        Binding("g,home", "scroll('home')", "Top", show=False),
        Binding("G,end", "scroll('end')", "Bottom", show=False),
    ]

    def __init__(self, sections: list[Section]) -> None:
        super().__init__(id="help")
        self.sections = sections

    def action_scroll(self, where: str) -> None:
        # At once, from where the last key left it: Textual's scroll_down/page_down wait for the next
        # refresh, so a burst of keys (j held down, a paste) each counted from the same place and
        # moved the help one line in all.
        body = self.query_one("#help-body", VerticalScroll)
        y, page = body.scroll_target_y, body.scrollable_content_region.height
        target = {"down": y + 1, "up": y - 1, "page_down": y + page, "page_up": y - page, "home": 0}
        body.scroll_to(y=target.get(where, body.max_scroll_y), animate=False, immediate=True)

    def compose(self) -> ComposeResult:
        # One grid per section with the same key-column width, so a long section title does not
        # push every description to the right.
        key_width = min(22, max((len(k) for _, rows in self.sections for k, _ in rows), default=8))
        with VerticalScroll(id="help-body"):
            yield Static(Text("tbtui keys", style="bold"), id="help-title")
            for title, rows in self.sections:
                table = Table.grid(padding=(0, 2))
                table.add_column(style="bold cyan", width=key_width, overflow="fold")
                table.add_column()
                for keys, desc in rows:
                    table.add_row(keys, desc)
                yield Static(Text(title, style="bold underline"), classes="help-section")
                yield Static(table, classes="help-table")
            yield Static(Text("j / k, space, g / G scroll; Escape, q or ? closes this help.", style="dim"))
        # The help's own keys at the bottom: the app's bar below listed the focused pane's keys,
        # which do nothing while the help has the keyboard.
        yield KeyBar()


def toggle_help(app: App) -> None:
    """``?``: the help over the screen, every key of the app and of the widgets on it, or closed when it
    shows. Keys that are no binding (Tab, the palette's, the mouse) are listed with the app's."""
    if isinstance(app.screen, HelpScreen):
        app.pop_screen()
        return
    extra = [
        ("tab shift+tab", "Next / previous pane (runs, tags, chart)"),
        (app.get_key_display(Binding(app.COMMAND_PALETTE_BINDING, "")), "Command palette"),
        ("mouse", "Click runs (● toggles), tags, tabs; click the chart to place the cursor; wheel zooms"),
    ]
    app.push_screen(HelpScreen(collect_bindings(app, [app.screen], extra)))
