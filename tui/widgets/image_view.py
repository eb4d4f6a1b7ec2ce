"""One decoded image drawn in the terminal, scaled to fit its box, through textual-image.

textual-image picks the best way the terminal can show pixels (the Kitty graphics protocol,
Sixel, or coloured half blocks ``▀`` everywhere else). It decides by *asking the terminal*,
writing a query and reading the answer from stdin, once, when ``textual_image.widget`` is first
imported; inside a running Textual app that read races Textual's own input thread (the answer
would arrive as stray key presses). So:

* :func:`prepare_terminal_graphics` imports it for real; call it before ``App.run()`` to get
  the best protocol.
* Otherwise the first :class:`ImageView` imports it with stdout presented as "not a terminal",
  which makes textual-image skip every query, and draws with half blocks (which need none).
  Headless apps (tests, screenshots) always use half blocks so their output is deterministic.

Pillow and textual-image are the optional ``images`` extra; :func:`graphics_available` says
whether both are installed, and nothing here imports them before a widget needs them.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from tui.model.images import DecodedImage, decode_bucket
from tui.render.image_cells import fit_cells, halfcell_pixels, resize_for
from tui.render.safe_text import SafeText

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

__all__ = ["ImageView", "graphics_available", "graphics_terminal", "prepare_terminal_graphics"]

_prepared = False


def graphics_available() -> bool:
    """Whether the ``images`` extra (Pillow and textual-image) is installed."""
    return (
        importlib.util.find_spec("PIL") is not None and importlib.util.find_spec("textual_image") is not None
    )


def graphics_terminal() -> bool:
    """Terminals known to speak the Kitty or Sixel image protocols.

    Asking the terminal costs up to a few tenths of a second where nobody answers, so only these
    are asked (:func:`prepare_terminal_graphics`); everywhere else images are drawn with half
    blocks, which every terminal shows.
    """
    if not sys.stdout.isatty():
        return False
    env = os.environ
    return (
        "kitty" in env.get("TERM", "")
        or "KITTY_WINDOW_ID" in env
        or env.get("TERM_PROGRAM", "") in {"WezTerm", "iTerm.app", "ghostty", "WarpTerminal"}
        or "foot" in env.get("TERM", "")
    )


def prepare_terminal_graphics() -> bool:
    """Let textual-image query the terminal for a graphics protocol. Call before ``App.run()``,
    while stdin is still ours; returns whether images can be drawn at all. Costs up to a few
    tenths of a second on terminals that do not answer the queries."""
    global _prepared
    if not graphics_available():
        return False
    try:
        import textual_image.widget  # noqa: F401 - imported for its terminal queries
    except Exception:  # a terminal that answers oddly must not stop the app
        return False
    _prepared = True
    return True


class _NotATerminal:
    """A stand-in for ``sys.__stdout__`` that says it is not a terminal and forwards the rest."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def _no_terminal_queries() -> Iterator[None]:
    real = sys.__stdout__
    sys.__stdout__ = _NotATerminal(real)  # type: ignore[misc]
    try:
        yield
    finally:
        sys.__stdout__ = real  # type: ignore[misc]


def _image_widget_class(headless: bool) -> tuple[type[Widget], bool]:
    """The textual-image widget to draw with, and whether it draws half blocks."""
    if _prepared and not headless:
        from textual_image.renderable import HalfcellImage as HalfcellRenderable
        from textual_image.renderable import Image as AutoRenderable
        from textual_image.widget import Image

        return Image, AutoRenderable is HalfcellRenderable
    with _no_terminal_queries():
        from textual_image.widget import HalfcellImage
    return HalfcellImage, True


def _cell_size() -> tuple[int, int]:
    with _no_terminal_queries():
        from textual_image.widget import get_cell_size
    size = get_cell_size()
    return (size.width or 10, size.height or 20)


class ImageView(Widget):
    """Shows one image (or why it cannot), as large as fits while keeping its aspect ratio."""

    # Selectors name this widget themselves (some under ``Screen.-narrow``), so they are not scoped.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    .image-view-message {
        width: 1fr;
        color: $text-muted;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._image: PILImage | None = None
        self._message = ""
        self._child: Widget | None = None
        self._halfcell = True
        self._fitted: tuple[int, int, int, int] | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="image-view-message")

    @property
    def image(self) -> PILImage | None:
        return self._image

    @property
    def cells(self) -> tuple[int, int]:
        """The (columns, rows) the image is drawn in, (0, 0) when none is shown."""
        if self._child is None or self._image is None or not self._child.display:
            return (0, 0)
        return (int(self._child.styles.width.value), int(self._child.styles.height.value))  # type: ignore[union-attr]

    def decode_side(self) -> int:
        """The longest side worth decoding an image at for this view's box (see ``decode_bucket``)."""
        cw, ch = _cell_size()
        box = self.content_size
        return decode_bucket(box.width * cw, box.height * ch)

    def show(self, decoded: DecodedImage | None, message: str = "") -> None:
        """Draw ``decoded`` (or, when it is None or failed, ``message`` / its error instead)."""
        image = decoded.image if decoded is not None else None
        text = message or (decoded.error if decoded is not None else "")
        if image is self._image and text == self._message:
            return
        self._image, self._message, self._fitted = image, text, None
        self.query_one(".image-view-message", Static).update(Text(text))
        self.query_one(".image-view-message", Static).display = image is None
        if image is None:
            if self._child is not None:
                self._child.display = False
            return
        if self._child is None:
            cls, self._halfcell = _image_widget_class(self.app.is_headless)
            self._child = cls(classes="image-view-pixels")
            self.mount(self._child)
        self._child.display = True
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Draw the image at the size that fits; a failure (textual-image or Pillow on an odd image)
        is said in the image's place instead of ending the app."""
        try:
            self._fit_image()
        except Exception as e:
            self._image, self._fitted = None, None
            if self._child is not None:
                self._child.display = False
            message = self.query_one(".image-view-message", Static)
            message.update(SafeText(f"cannot draw image: {type(e).__name__}: {e}"))
            message.display = True

    def _fit_image(self) -> None:
        if self._image is None or self._child is None:
            return
        box = self.content_size
        key = (box.width, box.height, *self._image.size)
        if key == self._fitted:
            return
        self._fitted = key
        cw, ch = _cell_size()
        cols, rows = fit_cells(self._image.width, self._image.height, box.width, box.height, cw, ch)
        if cols <= 0 or rows <= 0:
            self._child.display = False
            return
        px = halfcell_pixels(cols, rows) if self._halfcell else (cols * cw, rows * ch)
        self._child.display = True
        self._child.styles.width = cols
        self._child.styles.height = rows
        self._child.image = resize_for(self._image, *px)  # type: ignore[attr-defined]
