"""The Text tab: text summaries per run and tag, rendered as Markdown, newest step first.

Pick a run's tag on the left; the right shows its steps newest first, one block per step (TensorBoard
lists them the same way), a page at a time so a tag logged every step stays quick. The slider (or
``[`` / ``]``) selects a step: its block is highlighted and scrolled into view, and the page turns
when the step is on another one.

Text from event files is made inert before Rich sees it (control characters shown as ``\\x1b``),
and it is parsed as Markdown only: Rich console markup such as ``[bold]`` stays literal text.

Markdown is slow to lay out (half a megabyte takes seconds), so the UI thread does a bounded amount:
a text longer than :data:`TEXT_PAGE_CHARS` is shown a page at a time (``<`` / ``>`` turn its pages),
and of each page of steps only the first :data:`INLINE_CHARS` characters are laid out on the UI
thread; the other entries are laid out by a worker thread into finished lines, newest request first.
Texts are read from their event files on demand (``model.payloads``): the UI thread lays out only
texts the payload cache already holds, and the worker reads the others.
A text that fails to lay out says so in its place and in the status bar, and never ends the app.
"""

from __future__ import annotations

import io
import threading
import time
from collections import OrderedDict
from typing import Any, ClassVar

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.markdown import Markdown
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from tui.model.payloads import PayloadUnavailable
from tui.model.text import TextContent, text_content, text_page
from tui.render.safe_text import SafeText
from tui.views.mailbox import NewestOnly
from tui.views.safe import inert
from tui.widgets.series_pane import SeriesPane, SeriesView

__all__ = ["INLINE_CHARS", "PAGE", "TEXT_PAGE_CHARS", "TextPane", "render_text_content"]

#: Steps drawn at once; the rest are a page turn away.
PAGE = 20
#: Characters of one text shown at once; a longer one is shown in pages of this size.
TEXT_PAGE_CHARS = 16 * 1024
#: Characters of Markdown a page of steps lays out on the UI thread (a few tens of milliseconds);
#: the page's other entries are laid out in the worker.
INLINE_CHARS = 8 * 1024


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


class _Lines:
    """Lines laid out already (by the worker, at a known width): drawing them costs nothing."""

    def __init__(self, lines: list[list[Segment]]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines:
            yield from line
            yield Segment.line()


class _Guarded:
    """A renderable whose failure to lay out becomes a line saying so, not an exception in the
    middle of Textual's rendering (which would end the app)."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        try:  # all of it, whatever height is asked for: a failure in a later line must show too
            lines = console.render_lines(self.renderable, options.reset_height(), pad=False)
        except Exception as e:
            yield _failure(e)
            return
        yield _Lines(lines)


def _failure(error: Exception) -> Text:
    if isinstance(error, PayloadUnavailable):  # its file changed or went since it was indexed
        return SafeText(f"cannot read this text again: {error}", style="red")
    return SafeText(f"cannot draw this text: {type(error).__name__}: {error}", style="red")


def _when(wall: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(wall)) if wall > 0 else ""


class TextPane(SeriesPane):
    """Text summaries of the visible runs; ``[``/``]`` step, ``<``/``>`` page a long text, the list
    picks the run and tag."""

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

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "less_than_sign",
            "text_page(-1)",
            "Text page ←",
            show=False,
            tooltip="Earlier page of a long text",
        ),
        Binding(
            "greater_than_sign",
            "text_page(1)",
            "Text page →",
            show=False,
            tooltip="Later page of a long text",
        ),
    ]

    class Rendered(Message):
        """The worker laid out entry ``slot`` of request ``key`` (posted from the worker thread)."""

        def __init__(
            self, key: tuple, slot: int, entry: tuple, lines: _Lines | Text, pages: int, error: str
        ) -> None:
            super().__init__()
            self.key = key
            self.slot = slot
            self.entry = entry
            self.lines = lines
            self.pages = pages
            self.error = error

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._page_key: tuple | None = None
        self._shown: list[int] = []  # view index of each entry widget on the page
        self._text_pages: dict[tuple, tuple[int, int]] = {}  # entry -> (page shown, pages)
        self._laid_out: OrderedDict[tuple, _Lines | Text] = OrderedDict()  # worker results, a few pages
        self._lock = threading.Lock()  # guards _laid_out, which the worker fills
        self._requests: NewestOnly[tuple[tuple, list[tuple]]] = NewestOnly()

    @property
    def rendering(self) -> bool:
        """Whether entries of the current page still wait for the worker."""
        return self._requests.busy

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

    def _entry_width(self) -> int:
        """Columns an entry's text gets: the scroller less its scrollbar, border and padding."""
        return max(20, self.query_one(".text-pane-entries").size.width - 4)

    def show_step(self, view: SeriesView, index: int) -> None:
        self.query_one(".text-pane-empty").display = False
        self.query_one(".text-pane-entries").display = True
        n = len(view)
        pos = n - 1 - index  # position in the newest-first list
        start = (pos // PAGE) * PAGE
        width = self._entry_width()
        pages = tuple(self._text_pages.get(self._entry_key(view, i), (0, 1))[0] for i in self._page(n, start))
        key = (view.run, view.tag, view.version, view.source, start, width, pages)
        entries = list(self.query(".text-pane-entry").results(Static))
        if key != self._page_key:
            self._page_key = key
            self._shown = self._page(n, start)
            self._fill(view, entries, key, width)
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
    def _page(n: int, start: int) -> list[int]:
        return [n - 1 - p for p in range(start, min(start + PAGE, n))]

    @staticmethod
    def _entry_key(view: SeriesView, i: int) -> tuple:
        """One step's text, however the series grows (its place, step and time pin it down)."""
        return (view.run, view.tag, view.source, i, view.steps[i], view.walls[i])

    def _fill(self, view: SeriesView, entries: list[Static], key: tuple, width: int) -> None:
        """Put each step of the page in its entry: small texts at once (up to INLINE_CHARS in all),
        texts laid out before from the cache, the rest through the worker."""
        budget = INLINE_CHARS
        jobs: list[tuple] = []
        for slot, (w, i) in enumerate(
            zip(entries, self._shown + [-1] * (PAGE - len(self._shown)), strict=True)
        ):
            w.display = i >= 0
            if i < 0:
                continue
            ekey = self._entry_key(view, i)
            page, _ = self._text_pages.get(ekey, (0, 1))
            done = self._laid_out.get((*ekey, page, width))
            size = view.size(i)  # from the payload index: the text itself may not be read yet
            item = view.cached(i) if done is None and size <= budget else None
            if done is not None:
                self._laid_out.move_to_end((*ekey, page, width))
                w.update(done)
            elif item is not None:
                budget -= size
                try:
                    w.update(_Guarded(self._entry(view, i, item, page, ekey)))
                except Exception as e:  # the text could not even be laid out as data
                    w.update(_failure(e))
            else:
                head = self._head(view, i)
                doing = "laying out" if size > budget else "reading"
                head.append(f"  {doing} {size / 1024:,.0f} KiB of text…", style=Style(dim=True, italic=True))
                w.update(head)
                jobs.append((slot, ekey, page, view.steps[i], view.walls[i], view, i))
        if jobs:
            self._request((key, jobs))

    @staticmethod
    def _head(view: SeriesView, i: int) -> Text:
        return TextPane._head_for(view.steps[i], view.walls[i])

    @staticmethod
    def _head_for(step: int, wall: float, page: int = 0, pages: int = 1) -> Text:
        head = Text(no_wrap=True)
        head.append(f"step {step}", style=Style(bold=True))
        when = _when(wall)
        if when:
            head.append(f"  {when}", style=Style(dim=True))
        if pages > 1:
            head.append(f"  text page {page + 1}/{pages:,} (< > turn)", style=Style(color="yellow"))
        return head

    def _entry(self, view: SeriesView, i: int, item: Any, page: int, ekey: tuple) -> RenderableType:
        content, pages = text_page(text_content(item), page, TEXT_PAGE_CHARS)
        self._set_pages(ekey, page, pages)
        return Group(self._head_for(view.steps[i], view.walls[i], page, pages), render_text_content(content))

    def _set_pages(self, entry: tuple, page: int, pages: int) -> None:
        """Remember which page of a long text is shown (short texts, nearly all, are not kept)."""
        if pages > 1:
            self._text_pages[entry] = (min(page, pages - 1), pages)
        else:
            self._text_pages.pop(entry, None)

    # -- the worker -----------------------------------------------------------------------------

    def _request(self, request: tuple[tuple, list[tuple]]) -> None:
        if self._requests.offer(request):
            self._layout_worker()

    @work(thread=True, group="text-layout", exit_on_error=False)
    def _layout_worker(self) -> None:
        """Lay out the newest request's entries one by one, each posted as it is done."""
        while (request := self._requests.take()) is not None:
            key, jobs = request
            width = key[5]
            console = Console(
                width=width,
                file=io.StringIO(),
                force_terminal=True,
                color_system="truecolor",
                legacy_windows=False,
            )
            for slot, ekey, page, step, wall, view, i in jobs:
                if self._requests.newer:
                    break  # a newer page is wanted: this one is gone from the screen
                pages, error = 1, ""
                try:
                    item = view.load(i)  # read on demand, here in the worker (PayloadUnavailable: a notice)
                    content, pages = text_page(text_content(item), page, TEXT_PAGE_CHARS)
                    page = min(page, pages - 1)
                    renderable = Group(self._head_for(step, wall, page, pages), render_text_content(content))
                    done: _Lines | Text = _Lines(console.render_lines(renderable, console.options, pad=False))
                except Exception as e:
                    done, error = _failure(e), f"text: {e}"
                self.post_message(self.Rendered(key, slot, ekey, done, pages, error))
                self._remember((*ekey, page, width), done, pages)

    def _remember(self, key: tuple, done: _Lines | Text, pages: int) -> None:
        with self._lock:
            self._laid_out[key] = done
            while len(self._laid_out) > 2 * PAGE:
                self._laid_out.popitem(last=False)

    def on_text_pane_rendered(self, message: Rendered) -> None:
        message.stop()
        self._set_pages(message.entry, self._text_pages.get(message.entry, (0, 1))[0], message.pages)
        if message.key == self._page_key:
            entries = list(self.query(".text-pane-entry").results(Static))
            entries[message.slot].update(message.lines)
        if message.error:
            self.post_message(self.Notice(message.error))

    # -- keys -----------------------------------------------------------------------------------

    def action_text_page(self, delta: int) -> None:
        """Turn the selected step's text a page on or back (a long text is shown a page at a time)."""
        view = self.view
        if view is None or not len(view):
            return
        ekey = self._entry_key(view, self.index)
        page, pages = self._text_pages.get(ekey, (0, 1))
        new = min(max(page + delta, 0), pages - 1)
        if new == page:
            return
        self._text_pages[ekey] = (new, pages)
        self.show_step(view, self.index)

    def on_resize(self) -> None:
        # Lines laid out by the worker are fixed to a width: lay the page out again at the new one.
        key, view = self._page_key, self.view
        if view is not None and len(view) and key is not None and key[5] != self._entry_width():
            self.show_step(view, self.index)
