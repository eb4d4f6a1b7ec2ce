"""The Text tab: text summaries per run and tag, rendered as Markdown, newest step first.

Pick a run's tag on the left; the right shows its steps newest first, one block per step (TensorBoard
lists them the same way), a page at a time so a tag logged every step stays quick. The slider (or
``[`` / ``]``) selects a step: its block is highlighted and scrolled into view, and the page turns
when the step is on another one.

Text from event files is made inert before Rich sees it (control characters shown as ``\\x1b``),
and it is parsed as Markdown only: Rich console markup such as ``[bold]`` stays literal text.
"""

from __future__ import annotations

import time

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.markdown import Markdown
from rich.measure import Measurement
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.model.text import TextContent, text_content
from tui.views.safe import inert
from tui.widgets.series_pane import SeriesPane, SeriesView

__all__ = ["PAGE", "TextPane", "render_text_content"]

#: Steps drawn at once; the rest are a page turn away.
PAGE = 20


def _markdown(text: str) -> Markdown:
    # Links are drawn as "text (url)" rather than terminal hyperlinks: the URL is visible and
    # nothing but plain styled text reaches the terminal.
    return Markdown(inert(text, one_line=False), hyperlinks=False)


class _Measured:
    """A Markdown cell that tells a table how wide it really is.

    Rich's Markdown claims the whole width it is offered, so a table of Markdown cells would
    always span the screen; measuring the rendered lines keeps short cells short.
    """

    def __init__(self, markdown: Markdown) -> None:
        self.markdown = markdown

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        lines = console.render_lines(self.markdown, options, pad=False)
        width = max((cell_len("".join(seg.text for seg in line).rstrip()) for line in lines), default=1)
        width = max(width, 1)
        return Measurement(min(width, 8), width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.markdown


def render_text_content(content: TextContent) -> RenderableType:
    """A text summary as Rich renderables: Markdown, or a table whose every cell is Markdown
    (TensorBoard's layout for rank-1 and rank-2 tensors; a one-cell table reads as its text)."""
    parts: list[RenderableType] = []
    if content.warning:
        parts.append(_markdown(content.warning))
    if content.is_single:
        parts.append(_markdown(content.single))
    elif content.table is not None:
        table = Table(show_header=False, show_lines=True, box=box.SQUARE, expand=False, padding=(0, 1))
        for row in content.table:
            table.add_row(*(_Measured(_markdown(cell)) for cell in row))
        parts.append(table)
    return parts[0] if len(parts) == 1 else Group(*parts)


def _when(wall: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(wall)) if wall > 0 else ""


class TextPane(SeriesPane):
    """Text summaries of the visible runs; ``[``/``]`` step, the list picks the run and tag."""

    # Selectors name this widget themselves (some under ``Screen.-narrow``), so they are not scoped.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    .text-pane-entries {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }

    .text-pane-entry {
        height: auto;
        padding: 0 1;
        margin-bottom: 1;
        border-left: outer $panel;
    }

    .text-pane-entry.-selected {
        border-left: outer $accent;
        background: $boost;
    }

    .text-pane-more {
        color: $text-muted;
    }

    .text-pane-empty {
        height: 1fr;
        padding: 1 2;
    }

    .text-pane-empty {
        display: none;
    }
    """

    PLUGIN = "text"
    NOUN = "text summaries"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._page_key: tuple[str, str, int, int, int] | None = None
        self._shown: list[int] = []  # view index of each entry widget on the page

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="text-pane-entries"):
            yield Static("", classes="text-pane-more text-pane-newer")
            for _ in range(PAGE):
                yield Static("", classes="text-pane-entry")
            yield Static("", classes="text-pane-more text-pane-older")
        yield Static("", classes="text-pane-empty")

    def show_nothing(self, message: Text) -> None:
        self._page_key = None
        self.query_one(".text-pane-entries").display = False
        empty = self.query_one(".text-pane-empty", Static)
        empty.display = True
        empty.update(message)

    def show_step(self, view: SeriesView, index: int) -> None:
        self.query_one(".text-pane-empty").display = False
        self.query_one(".text-pane-entries").display = True
        n = len(view)
        pos = n - 1 - index  # position in the newest-first list
        start = (pos // PAGE) * PAGE
        key = (view.run, view.tag, view.version, view.source, start)
        entries = list(self.query(".text-pane-entry").results(Static))
        if key != self._page_key:
            self._page_key = key
            self._shown = [n - 1 - p for p in range(start, min(start + PAGE, n))]
            for w, i in zip(entries, self._shown + [-1] * (PAGE - len(self._shown)), strict=True):
                w.display = i >= 0
                if i >= 0:
                    w.update(self._entry(view, i))
            newer = self.query_one(".text-pane-newer", Static)
            newer.display = start > 0
            newer.update(Text(f"… {start} newer steps: ] shows them", style="dim"))
            older = self.query_one(".text-pane-older", Static)
            left = n - start - len(self._shown)
            older.display = left > 0
            older.update(Text(f"… {left} older steps: [ shows them", style="dim"))
        selected = None
        for w, i in zip(entries, self._shown + [-1] * (PAGE - len(self._shown)), strict=True):
            w.set_class(i == index, "-selected")
            if i == index:
                selected = w
        if selected is not None:
            scroller = self.query_one(".text-pane-entries", VerticalScroll)
            self.call_after_refresh(scroller.scroll_to_widget, selected, animate=False, top=True)

    @staticmethod
    def _entry(view: SeriesView, i: int) -> RenderableType:
        head = Text(no_wrap=True)
        head.append(f"step {view.steps[i]}", style=Style(bold=True))
        when = _when(view.walls[i])
        if when:
            head.append(f"  {when}", style=Style(dim=True))
        return Group(head, render_text_content(text_content(view.items[i])))
