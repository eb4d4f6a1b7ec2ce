"""The Images tab: image summaries drawn in the terminal, scaled to fit, with a step slider.

Legacy ``Summary.Image`` values and TF2 image tensors arrive as the same list of encoded images
per step (a TF2 summary holds up to ``max_outputs`` samples); the samples of the chosen step are
drawn side by side. Decoding (Pillow) and drawing (textual-image) are the optional ``images``
extra: without it the tab still lists every image series and says how to install it.

``enter`` (on the list or the slider) shows one sample at the full size of the pane, the list hidden;
``n`` steps through the step's samples there, and ``enter`` or ``escape`` goes back. ``f`` / ``F`` step
through the frames of animated GIFs (tensorboardX's ``add_video``, any image summary whose bytes are
a GIF), each frame decoded like any image (in the worker when large, downscaled, size-guarded).

Before ``App.run()``, call :func:`prepare_terminal_graphics` (re-exported here) to let
textual-image detect Kitty or Sixel graphics; otherwise images are drawn with half blocks.

Decoding a large image takes long (an 8000 x 8000 PNG: about a second) and, decoded, much memory.
So only small encoded images (:data:`INLINE_BYTES`) and images already decoded are drawn at once;
the rest are decoded by one worker thread, newest request first (stepping quickly through huge
images never queues their decodes), downscaled to what the pane can show, into the byte-bounded
:data:`~tui.model.images.CACHE`. A failure to decode or draw is said in the image's place and in
the status bar; it never ends the app.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Static

from tui.model.images import CACHE, INSTALL_HINT, DecodedImage, peek_size
from tui.model.payloads import PayloadUnavailable
from tui.render.safe_text import SafeText
from tui.tfevents.decode import ImageData
from tui.views.mailbox import NewestOnly
from tui.widgets import image_view
from tui.widgets.image_view import ImageView, prepare_terminal_graphics
from tui.widgets.series_list import SeriesList
from tui.widgets.series_pane import SeriesPane, SeriesView
from tui.widgets.step_slider import StepSlider

__all__ = ["INLINE_BYTES", "MAX_SAMPLES", "ImagesPane", "prepare_terminal_graphics"]

#: Samples of one step drawn side by side (TensorBoard's default max_outputs is 3).
MAX_SAMPLES = 4
#: Images are decoded on the UI thread only when small both ways: at most this many encoded bytes and
#: :data:`INLINE_PIXELS` pixels by their header (a few milliseconds); anything larger in the worker.
INLINE_BYTES = 32 * 1024
INLINE_PIXELS = 1024 * 1024

#: What the pane asks the worker to decode: (what it is for, the images, the longest side to keep, the
#: frame of animations).
_Request = tuple[tuple, tuple[ImageData, ...], int, int]


def _small(encoded: bytes) -> bool:
    """Cheap enough to decode on the UI thread (a highly compressed PNG can still be huge: ask its header)."""
    if len(encoded) > INLINE_BYTES:
        return False
    w, h = peek_size(encoded)
    return w * h <= INLINE_PIXELS  # (0, 0): no readable header, so decoding fails as fast


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

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "zoom", "One image at the full pane size / back"),
        Binding("escape", "unzoom", "Back from the single image", show=False),
        Binding("n", "next_sample(1)", "Next sample of the step (single image)", show=False),
        Binding("N", "next_sample(-1)", "Previous sample (single image)", show=False),
        Binding("f", "frame(1)", "Next frame (animated GIF)"),
        Binding("F", "frame(-1)", "Previous frame (animated GIF)", show=False),
    ]

    class Decoded(Message):
        """The worker decoded the images of request ``key`` (posted from the worker thread)."""

        def __init__(self, key: tuple, images: list[DecodedImage]) -> None:
            super().__init__()
            self.key = key
            self.images = images

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        #: One sample at the full pane size (the list hidden), and which sample of the step.
        self.zoomed = False
        self.sample = 0
        #: The frame of animated images shown (still images have only frame 0), and how many frames
        #: the longest animation of the step has (1: none is animated).
        self.frame = 0
        self.frames = 1
        self._caption_text = Text()
        self._requests: NewestOnly[_Request] = NewestOnly()
        self._key: tuple | None = None  # what the views should show now

    @property
    def decoding(self) -> bool:
        """Whether a decode for the current step is still running."""
        return self._requests.busy

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
        empty = self.query_one(".images-pane-empty", Static)
        caption = self.query_one(".images-pane-caption", Static)
        row = self.query_one(".images-pane-row")
        caption.display = True
        try:
            ready, item = self.payload(view, index)  # read on demand, in a worker when not in memory
        except PayloadUnavailable as e:
            self._key = None
            row.display, empty.display = False, True
            caption.update(Text())
            empty.update(SafeText(f"cannot read this step's images again: {e}", style="red"))
            return
        if not ready:
            self._key = None
            row.display, empty.display = False, True
            caption.update(Text())
            rows = view.index.rows[view.order[index]]
            what = f"{int(rows['samples'])} image(s), {int(rows['width'])}×{int(rows['height'])}"
            empty.update(Text(f"reading {what} ({_kib(int(rows['size']))})…", style="dim"))
            return
        images: list[ImageData] = list(item or [])
        self._caption_text = self._caption(images)
        caption.update(self._caption_text)
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
        if self.zoomed and images:
            self.sample %= len(images)
            for i, v in enumerate(views):
                v.display = i == 0
            self._caption_text = self._caption(images, self.sample)
            caption.update(self._caption_text)
            shown: tuple[ImageData, ...] = (images[self.sample],)
        else:
            for i, v in enumerate(views):
                v.display = i < len(images)
            if not images:
                self._key = None
                empty.display = True
                empty.update(Text("This step holds no image.", style="dim"))
                return
            shown = tuple(images[: len(views)])
        side = max(v.decode_side() for v in views[: len(shown)])
        frame = self.frame
        key = (view.run, view.tag, view.version, view.source, index, self.zoomed, self.sample, side, frame)
        self._key = key
        cached = [CACHE.get(im.encoded, side, frame) for im in shown]
        if all(c is not None for c in cached) or all(_small(im.encoded) for im in shown):
            self._draw(
                [
                    c if c is not None else CACHE.decode(im.encoded, side, frame)
                    for c, im in zip(cached, shown, strict=True)
                ]
            )
            return
        for v, im in zip(views, shown, strict=False):
            v.show(None, f"decoding {im.width}×{im.height} image ({_kib(len(im.encoded))})…")
        self._request((key, shown, side, frame))

    def on_resize(self) -> None:
        # A larger pane may want a larger decode (Kitty/Sixel show real pixels); cached ones draw at once.
        if self.view is not None and len(self.view):
            self.show_step(self.view, self.index)

    # -- decoding -------------------------------------------------------------------------------

    def _request(self, request: _Request) -> None:
        """Hand ``request`` to the worker, replacing any it has not started; start it if idle."""
        if self._requests.offer(request):
            self._decode_worker()

    @work(thread=True, group="image-decode", exit_on_error=False)
    def _decode_worker(self) -> None:
        """Decode requests one at a time, always the newest, until none is left."""
        while (request := self._requests.take()) is not None:
            key, images, side, frame = request
            try:
                decoded = [CACHE.decode(im.encoded, side, frame) for im in images]
            except Exception as e:  # decode() is total; this is a last line of defence
                decoded = [DecodedImage(None, f"cannot decode image: {type(e).__name__}: {e}")] * len(images)
            self.post_message(self.Decoded(key, decoded))

    def on_images_pane_decoded(self, message: Decoded) -> None:
        message.stop()
        if message.key == self._key:
            self._draw(message.images)

    def _draw(self, decoded: list[DecodedImage]) -> None:
        """Show each decoded image in its view; a failure is said in its place and in the status bar."""
        views = list(self.query_one(".images-pane-row").query(ImageView).results(ImageView))
        problems = []
        for v, d in zip(views, decoded, strict=False):
            try:
                v.show(d)
            except Exception as e:  # textual-image or Pillow failing on a drawn image
                d = DecodedImage(None, f"cannot draw image: {type(e).__name__}: {e}")
                v.show(None, d.error)
            if d.error:
                problems.append(d.error)
        if problems:
            self.post_message(self.Notice(f"{self.PLUGIN}: {problems[0]}"))
        frames = max((d.frames for d in decoded), default=1)
        if frames != self.frames:
            self.frames = frames
            self.refresh_bindings()  # f/F are in the key bar only while the step has an animation
        if self.frames > 1:
            t = self._caption_text.copy()
            t.append(f" · frame {self.frame % self.frames + 1} of {self.frames} (f/F)")
            self.query_one(".images-pane-caption", Static).update(t)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``f``/``F`` only where the step has an animated image: elsewhere they are not in the key
        bar (it listed them on every still image, where they only said there was nothing to do)."""
        if action == "frame":
            return self.frames > 1
        return super().check_action(action, parameters)

    def action_frame(self, delta: int) -> None:
        """The next or previous frame of the step's animated images (wrapping around)."""
        if self.frames <= 1 or self.view is None:
            return
        self.frame = (self.frame + delta) % self.frames
        self.show_step(self.view, self.index)

    @staticmethod
    def _caption(images: list[ImageData], sample: int | None = None) -> Text:
        t = Text(no_wrap=True, end="", style=Style(dim=True))
        if not images:
            return t
        if sample is not None:
            im = images[sample]
            t.append(
                f"sample {sample + 1} of {len(images)} · {im.width}×{im.height} · {_kib(len(im.encoded))}"
            )
            t.append("   enter/esc: back" + (" · n: next sample" if len(images) > 1 else ""))
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

    # -- one image at the full pane size ----------------------------------------------------------

    def on_series_list_activated(self, event: SeriesList.Activated) -> None:
        event.stop()
        self.query_one(StepSlider).focus()
        self.set_zoom(True)

    def action_zoom(self) -> None:
        self.set_zoom(not self.zoomed)

    def action_unzoom(self) -> None:
        self.set_zoom(False)

    def set_zoom(self, on: bool) -> None:
        """Show one sample alone at the pane's full size (the list hidden), or the list and the row."""
        if on == self.zoomed:
            return
        self.zoomed = on
        self.query_one(SeriesList).display = not on
        if not on and not self.query_one(SeriesList).has_focus:
            self.query_one(StepSlider).focus()
        if self.view is not None:
            self.show_step(self.view, self.index)

    def action_next_sample(self, delta: int) -> None:
        if self.zoomed and self.view is not None:
            self.sample += delta
            self.show_step(self.view, self.index)
