"""The Images tab: image summaries drawn in the terminal, scaled to fit, with a step slider.

Legacy ``Summary.Image`` values and TF2 image tensors arrive as the same list of encoded images
per step (a TF2 summary holds up to ``max_outputs`` samples); the samples of the chosen step are
drawn side by side. Decoding (Pillow) and drawing (textual-image) are the optional ``images``
extra: without it the tab still lists every image series and says how to install it.

Before ``App.run()``, call :func:`prepare_terminal_graphics` (re-exported here) to let
textual-image detect Kitty or Sixel graphics; otherwise images are drawn with half blocks.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from tui.model.images import INSTALL_HINT, decode
from tui.tfevents.decode import ImageData
from tui.widgets import image_view
from tui.widgets.image_view import ImageView, prepare_terminal_graphics
from tui.widgets.series_pane import SeriesPane, SeriesView

__all__ = ["MAX_SAMPLES", "ImagesPane", "prepare_terminal_graphics"]

#: Samples of one step drawn side by side (TensorBoard's default max_outputs is 3).
MAX_SAMPLES = 4


def _kib(n: int) -> str:
    return f"{n / 1024:.1f} KiB" if n >= 1024 else f"{n} B"


class ImagesPane(SeriesPane):
    """Image summaries of the visible runs; ``[``/``]`` step, the list picks the run and tag."""

    # Selectors name this widget themselves (some under ``Screen.-narrow``), so they are not scoped.
    SCOPED_CSS = False
    DEFAULT_CSS = """
    .images-pane-caption {
        height: 1;
    }

    .images-pane-caption {
        color: $text-muted;
    }

    .images-pane-empty {
        height: 1fr;
        padding: 1 2;
    }

    .images-pane-empty {
        display: none;
    }

    .images-pane-row {
        height: 1fr;
    }

    .images-pane-image {
        width: 1fr;
        height: 1fr;
        margin: 0 1;
        align: center middle;
    }
    """

    PLUGIN = "images"
    NOUN = "image summaries"

    def compose_body(self) -> ComposeResult:
        with Horizontal(classes="images-pane-row"):
            for _ in range(MAX_SAMPLES):
                yield ImageView(classes="images-pane-image")
        yield Static("", classes="images-pane-caption")
        yield Static("", classes="images-pane-empty")

    def show_nothing(self, message: Text) -> None:
        self.query_one(".images-pane-row").display = False
        self.query_one(".images-pane-caption").display = False
        empty = self.query_one(".images-pane-empty", Static)
        empty.display = True
        empty.update(message)

    def show_step(self, view: SeriesView, index: int) -> None:
        images: list[ImageData] = list(view.items[index] or [])
        empty = self.query_one(".images-pane-empty", Static)
        caption = self.query_one(".images-pane-caption", Static)
        row = self.query_one(".images-pane-row")
        caption.display = True
        caption.update(self._caption(images))
        if not image_view.graphics_available():
            row.display = False
            empty.display = True
            empty.update(
                Text.assemble(
                    (
                        "Drawing images needs the optional images extra (Pillow and textual-image):\n\n",
                        "bold",
                    ),
                    (f"    {INSTALL_HINT}\n", Style(color="cyan")),
                )
            )
            return
        empty.display = False
        row.display = True
        views = list(row.query(ImageView).results(ImageView))
        for i, v in enumerate(views):
            v.display = i < len(images)
            if i < len(images):
                v.show(decode(images[i].encoded))
        if not images:
            empty.display = True
            empty.update(Text("This step holds no image.", style="dim"))

    @staticmethod
    def _caption(images: list[ImageData]) -> Text:
        t = Text(no_wrap=True, end="", style=Style(dim=True))
        if not images:
            return t
        sizes = sorted({(im.width, im.height) for im in images})
        dims = ", ".join(f"{w}×{h}" for w, h in sizes)
        total = sum(len(im.encoded) for im in images)
        if len(images) == 1:
            t.append(f"{dims} · {_kib(total)}")
        else:
            shown = min(len(images), MAX_SAMPLES)
            t.append(f"{len(images)} samples ({dims}) · {_kib(total)}")
            if shown < len(images):
                t.append(f" · showing the first {shown}")
        return t
